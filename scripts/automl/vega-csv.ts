import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Public tables from the npm package vega-datasets (a devDependency, read from node_modules, never committed) as
 * CSV. Serving feature names are ASCII words (the tabular spec), so "Beak Length (mm)" is written beak_length_mm.
 */
const snake = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

const cell = (v: unknown) => {
  if (v === null || v === undefined) return '';
  const text = String(v);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** One CSV line, `,`-separated, a cell quoted when it must be. */
export const csvLine = (cells: readonly unknown[]) => cells.map(cell).join(',');

/** A JSON table as CSV: its first `limit` rows (all by default). */
export function vegaTable(file: string, limit?: number): string {
  const all = JSON.parse(readFileSync(join('node_modules', 'vega-datasets', 'data', file), 'utf8')) as Record<string, unknown>[];
  const rows = all.slice(0, limit);
  const header = Object.keys(rows[0]!);
  return [header.map(snake).join(','), ...rows.map((row) => csvLine(header.map((h) => row[h])))].join('\n') + '\n';
}

export const vegaCsv = (file: string) => readFileSync(join('node_modules', 'vega-datasets', 'data', file), 'utf8');
