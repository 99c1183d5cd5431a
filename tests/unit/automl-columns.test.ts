import { describe, expect, it } from 'vitest';
import { cellText, tableFromRows } from '../../functions/training/columns';
import { profileTable } from '../../functions/training/profile';

const column = (cells: string[]) =>
  tableFromRows(
    ['c'],
    cells.map((cell) => [cell]),
  ).columns[0]!;

describe('typed columns (#26)', () => {
  it('keeps numbers in a Float64Array, NaN where empty, and the texts the file wrote while they are few', () => {
    const numbers = column(['1,5', '', '01', '-2e3']);
    expect(numbers.kind).toBe('number');
    expect(numbers.kind === 'number' && [...numbers.values]).toEqual([1.5, Number.NaN, 1, -2000]);
    expect([0, 1, 2, 3].map((row) => cellText(numbers, row))).toEqual(['1,5', '', '01', '-2e3']);
  });

  it('turns a number column into texts at its first text cell, the earlier cells as the file wrote them', () => {
    const mixed = column(['01', '2,5', '', '2A', '01']);
    expect(mixed.kind).toBe('text');
    expect(mixed.kind === 'text' && [...mixed.codes]).toEqual([0, 1, -1, 2, 0]);
    expect(mixed.kind === 'text' && mixed.texts).toEqual(['01', '2,5', '2A']);
  });

  it('past 255 texts a number column keeps its numbers only, and a later text cell gets their shortest texts', () => {
    const cells = [...Array.from({ length: 300 }, (_, i) => `${i}.50`), 'n/a'];
    const late = column(cells);
    expect(late.kind).toBe('text');
    expect([0, 1, 299, 300].map((row) => cellText(late, row))).toEqual(['0.5', '1.5', '299.5', 'n/a']);
  });

  it('profiles a column as numbers when its only text is in a row dropped for an empty target', () => {
    const rows = Array.from({ length: 30 }, (_, i) => [String(i % 7), i % 2 ? 'yes' : 'no']);
    rows.push(['unknown', '']);
    const { report, data } = profileTable(tableFromRows(['x', 'y'], rows), { target: 'y' });
    expect(report.columns.kept).toEqual([{ name: 'x', type: 'number', missing: 0 }]);
    expect(report.rows).toMatchObject({ read: 31, used: 30 });
    expect(data.features[0]).toMatchObject({ type: 'number', range: { min: 0, max: 6 } });
  });
});
