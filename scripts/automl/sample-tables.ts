import { vegaTable } from './vega-csv';

/**
 * The tables docs/automl.md trains on, shipped in docs/samples/ (write-samples.ts writes them; a unit test keeps
 * the committed files equal to what this makes). Both are the Palmer penguins of vega-datasets, released under
 * CC0 1.0 by their authors (node_modules/vega-datasets/datapackage.json), so they may be copied: a fresh clone
 * runs the guide's commands without building anything first.
 */
export const penguinsCsv = () => vegaTable('penguins.json');

/** The same penguins as French Excel's « CSV (séparateur : point-virgule) » writes them, with French headers. */
export const MANCHOTS_HEADER = [
  'Espèce',
  'Île',
  'Longueur du bec (mm)',
  'Épaisseur du bec (mm)',
  'Nageoire (mm)',
  'Masse (g)',
  'Sexe',
];

/** The penguins' data rows as cells with decimal commas (no cell of that table holds a comma or a quote). */
export const frenchCells = (csv: string) =>
  csv
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map((cell) => cell.replace('.', ',')));

/** `;`, CRLF, and one byte per accented letter (Windows-1252: its letters here are latin-1's). */
export const frenchExcel = (table: string[][]) => Buffer.from(table.map((row) => row.join(';')).join('\r\n') + '\r\n', 'latin1');

/** Each shipped sample by file name. */
export const SAMPLE_TABLES: Record<string, () => Buffer> = {
  'penguins.csv': () => Buffer.from(penguinsCsv(), 'utf8'),
  'manchots.csv': () => frenchExcel([MANCHOTS_HEADER, ...frenchCells(penguinsCsv())]),
};
