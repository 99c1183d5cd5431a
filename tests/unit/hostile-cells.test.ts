import { describe, expect, it } from 'vitest';
import { readTrainingCsv } from '../../functions/training/read-csv';
import { profileTable } from '../../functions/training/profile';
import { scoreCsv } from '../../functions/serving/tabular/csv-score';
import { MAX_RECORD_CHARACTERS } from '../../functions/serving/tabular/csv-parse-errors';
import type { TabularInputSpec } from '../../functions/serving/tabular/spec';
import { TimeSeriesTensorizer } from '../../functions/serving/tabular/time-series';

/**
 * Cells a careless or hostile user writes (#20.1, .7, .11, .14): each ends as a clear refusal of the file or of
 * its row, and no answer or warning quotes a cell whole.
 */
const spec: TabularInputSpec = {
  kind: 'tabular',
  tensorName: 'x',
  dtype: 'float32',
  features: [
    { name: 'a', type: 'number', required: true },
    { name: 'b', type: 'number', required: true },
  ],
};

async function score(csv: string) {
  const outcomes: Array<{ error?: string; reason?: string }> = [];
  const summary = await scoreCsv(
    [csv],
    spec,
    async (tensor) => ({ results: Array.from({ length: tensor.dims[0]! }, () => ({ value: 1 })), inferenceMs: 0 }),
    { header: () => undefined, rows: (rows) => void outcomes.push(...rows) },
    { chunkRows: 100 },
  );
  return { summary, outcomes };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { code?: string; message: string; cause?: unknown }) => error,
  );

const training = { maxBytes: 100_000_000, maxRows: 1_000_000 };

describe('a CSV csv-parse cannot read', () => {
  it.each([
    ['a quote inside a field', 'name,a,b\nJean "JJ" Dupont,5.1,3\n'],
    ['JSON sent as CSV', '{"rows":[{"a":1,"b":2}]}'],
    ['a quote never closed', 'a,b\n"Jean Dupont,1\n'],
    ['text after a closing quote', 'a,b\n"Jean" Dupont,1\n'],
  ])('%s is invalid-csv with its line, never the cell (batch and training)', async (_, csv) => {
    const error = await refusal(score(csv));
    expect(error).toMatchObject({
      code: 'invalid-csv',
      message: expect.stringMatching(/^The CSV cannot be read \(line \d+\): /),
    });
    expect(error!.message).not.toMatch(/Jean|Dupont|\{/);
    expect(error!.cause).toBeUndefined();
    const trained = await refusal(Promise.resolve().then(() => readTrainingCsv(Buffer.from(csv), training)));
    expect(trained).toMatchObject({ code: 'invalid-csv' });
    expect(trained!.message).not.toMatch(/Jean|Dupont|\{/);
  });

  it('refuses a line over the record limit as record-too-large, without reading it whole', async () => {
    const csv = `a,b\n${'12,'.repeat(MAX_RECORD_CHARACTERS / 2 + 1)}1\n`;
    expect(await refusal(score(csv))).toMatchObject({ code: 'record-too-large', message: expect.stringContaining('line 2') });
    expect(await refusal(Promise.resolve().then(() => readTrainingCsv(Buffer.from(csv), training)))).toMatchObject({
      code: 'record-too-large',
    });
  });
});

describe('numbers past 2^53', () => {
  it('are a row error (too-large) in a batch, the other rows scored', async () => {
    const { summary, outcomes } = await score('a,b\n9007199254740993,1\n-1e16,1\n3.5e38,1\n5,1\n');
    expect(summary).toMatchObject({ rows: 4, succeededRows: 1, rejectedByReason: { 'too-large': 3 } });
    expect(outcomes[0]!.error).toMatch(/^a: must lie within ±9007199254740991/);
  });

  it('refuse a training file with value-out-of-range, in a feature or a regression target', () => {
    const rows = (cell: (i: number) => string, target: (i: number) => string) =>
      readTrainingCsv(
        Buffer.from(['a,b,y', ...Array.from({ length: 40 }, (_, i) => `${cell(i)},${i % 3},${target(i)}`)].join('\n')),
        training,
      );
    const feature = rows(
      (i) => (i === 7 ? '3.5e38' : String(i % 5)),
      (i) => (i % 2 ? 'p' : 'q'),
    );
    expect(() => profileTable(feature, { target: 'y' })).toThrow(expect.objectContaining({ code: 'value-out-of-range' }));
    const target = rows(
      (i) => String(i % 5),
      (i) => (i === 7 ? '9007199254740993' : String(i * 1.5)),
    );
    expect(() => profileTable(target, { target: 'y', task: 'regression' })).toThrow(
      expect.objectContaining({ code: 'value-out-of-range' }),
    );
  });
});

describe('quoted cells are cut', () => {
  it('a time-unreadable warning quotes 40 characters of a 4,500-character cell', () => {
    const series = new TimeSeriesTensorizer({ features: [{ name: 'a' }], window: { rows: 1, step: 1, timeColumn: 'time' } });
    const batch = series.push([{ features: [1], time: `${'x'.repeat(4500)}` }]);
    const [warning] = batch!.warnings;
    expect(warning).toMatchObject({ code: 'time-unreadable', message: `"${'x'.repeat(40)}…" is not a date and time.` });
  });

  it('a not-a-number problem quotes 40 characters of a long cell', async () => {
    const { outcomes } = await score(`a,b\n${'y'.repeat(4500)},1\n`);
    expect(outcomes[0]!.error).toBe(`a: expected a number, got the text "${'y'.repeat(40)}…"`);
  });
});
