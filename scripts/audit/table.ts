import type { QueryResult } from './insights';

const cell = (value: unknown) =>
  value === undefined || value === null ? '' : typeof value === 'number' ? String(Math.round(value * 100) / 100) : String(value);

/** Prints a query result as an aligned text table, as the Logs Insights console shows it. */
export function printTable({ columns, rows }: QueryResult): void {
  const cells = rows.map((row) => columns.map((column) => cell(row[column])));
  const widths = columns.map((column, i) => Math.max(column.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, i) => value.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(line(columns));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const r of cells) console.log(line(r));
}
