/**
 * The SKAB sensor files, read where they live (`../shared/datasets/skab`, never copied into the repository): each
 * file in order, its rows as the time-series code takes them, and the `anomaly` label of each row.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TimeSeriesRow } from '../../functions/serving/tabular/time-series';

export const SKAB_DIR = resolve(process.env.VIGIE_SKAB_DIR ?? '../shared/datasets/skab');

export const skabAvailable = (dir = SKAB_DIR) => existsSync(join(dir, 'SOURCE.md'));

export interface LabelledSeries {
  file: string;
  rows: TimeSeriesRow[];
  labels: Uint8Array;
}

/**
 * One SKAB file (`;`-separated, header row, no quoting, no empty cells, LF or CRLF): the named feature columns in
 * the given order, the time column and the labels. SKAB's own simple format is read here; arbitrary CSV from
 * users goes through the serving path's parser.
 */
export function readSkabFile(file: string, features: readonly string[], timeColumn: string, dir = SKAB_DIR): LabelledSeries {
  const [header, ...lines] = readFileSync(join(dir, file), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim());
  const columns = header!.split(';');
  const index = (name: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`${file} has no column '${name}'.`);
    return i;
  };
  const featureIndex = features.map(index);
  const timeIndex = index(timeColumn);
  const labelIndex = index('anomaly');
  const cells = lines.map((line) => line.split(';'));
  return {
    file,
    rows: cells.map((cell) => ({ features: featureIndex.map((i) => Number(cell[i])), time: cell[timeIndex] })),
    labels: Uint8Array.from(cells, (cell) => Number(cell[labelIndex])),
  };
}
