/**
 * The AutoML benchmark's tables (issue #26): public tables read from installed packages, never committed. Each is
 * written as the CSV a person would upload (UTF-8 and `,`, or French Excel's Windows-1252 and `;` with decimal
 * commas), and names the columns that are row labels (`exclude`): Vigie must find them itself (its profile drops
 * identifiers), the scikit-learn reference is told.
 *
 * Sources: Debian's python3-sklearn (its bundled data files; SKLEARN_DATA overrides the folder) and the npm
 * package vega-datasets (a devDependency). Licences: docs/automl.md, "Benchmark".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { csvLine, vegaCsv, vegaTable } from './vega-csv';

export interface BenchmarkTable {
  name: string;
  /** Where it is read from, and under which licence. */
  source: string;
  licence: string;
  target: string;
  /** Columns of the file that are not features (identifiers, the target in other words). */
  exclude: string[];
  /** What the table exercises (small, missing values, high cardinality, …). */
  covers: string;
  csv(): Uint8Array;
}

const sklearnData = (file: string) =>
  readFileSync(join(process.env.SKLEARN_DATA ?? '/usr/lib/python3/dist-packages/sklearn/datasets/data', file));

/** scikit-learn's `n,features,label0,label1…` files: the rows, then the class index in the last column. */
function sklearnClasses(file: string, features: string[], target: string, separator = ',', decimal = '.'): string {
  const [first, ...lines] = sklearnData(file).toString('utf8').trim().split('\n');
  const labels = first!.split(',').slice(2);
  const rows = lines.map((line) => {
    const cells = line.split(',');
    const values = cells.slice(0, -1).map((v) => v.replace('.', decimal));
    return [...values, labels[Number(cells.at(-1))]!].join(separator);
  });
  return [[...features, target].join(separator), ...rows].join('\n') + '\n';
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** French Excel's « CSV (séparateur : point-virgule) »: Windows-1252, one byte per accented letter, CRLF. */
function windows1252(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new Error(`'${text[i]}' has no Windows-1252 byte here.`);
    bytes[i] = code;
  }
  return bytes;
}

function withoutColumns(csv: string, drop: RegExp): string {
  const [header, ...rows] = parse(csv, { trim: true }) as string[][];
  const keep = header!.map((name, j) => (drop.test(name) ? -1 : j)).filter((j) => j >= 0);
  return [header!, ...rows].map((row) => csvLine(keep.map((j) => row[j]))).join('\n') + '\n';
}

const BREAST_CANCER = ['mean', 'error', 'worst'].flatMap((kind) =>
  [
    'radius',
    'texture',
    'perimeter',
    'area',
    'smoothness',
    'compactness',
    'concavity',
    'concave points',
    'symmetry',
    'fractal dimension',
  ].map((name) => `${kind} ${name}`),
);

const VIN = [
  'Alcool',
  'Acide malique',
  'Cendres',
  'Alcalinité des cendres',
  'Magnésium',
  'Phénols totaux',
  'Flavanoïdes',
  'Phénols non flavanoïdes',
  'Proanthocyanidines',
  'Intensité de la couleur',
  'Teinte',
  'DO280 DO315',
  'Proline',
];

const SKLEARN = 'Debian python3-sklearn (bundled data file)';
const UCI = 'CC BY 4.0 (UCI Machine Learning Repository); scikit-learn BSD-3-Clause';
const VEGA = 'npm vega-datasets (BSD-3-Clause package)';

export const BENCHMARK_TABLES: BenchmarkTable[] = [
  {
    name: 'iris',
    source: `${SKLEARN} iris.csv`,
    licence: UCI,
    target: 'species',
    exclude: [],
    covers: 'small (150 rows), 3 classes',
    csv: () => utf8(sklearnClasses('iris.csv', ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'], 'species')),
  },
  {
    name: 'vin-fr',
    source: `${SKLEARN} wine_data.csv, written as French Excel exports it`,
    licence: UCI,
    target: 'Cépage',
    exclude: [],
    covers: 'small (178 rows); Windows-1252, `;`, numbers written with decimal commas, accented header and target',
    csv: () => windows1252(sklearnClasses('wine_data.csv', VIN, 'Cépage', ';', ',').replace(/\n/g, '\r\n')),
  },
  {
    name: 'breast-cancer',
    source: `${SKLEARN} breast_cancer.csv`,
    licence: UCI,
    target: 'diagnosis',
    exclude: [],
    covers: '569 rows, 30 columns, 2 unbalanced classes (37 % / 63 %)',
    csv: () => utf8(sklearnClasses('breast_cancer.csv', BREAST_CANCER, 'diagnosis')),
  },
  {
    name: 'diabetes',
    source: `${SKLEARN} diabetes_data_raw.csv.gz + diabetes_target.csv.gz`,
    licence: 'scikit-learn BSD-3-Clause (Efron et al. 2004, "Least Angle Regression")',
    target: 'progression',
    exclude: [],
    covers: 'regression, 442 rows, raw (unscaled) values',
    csv: () => {
      const x = gunzipSync(sklearnData('diabetes_data_raw.csv.gz')).toString('utf8').trim().split('\n');
      const y = gunzipSync(sklearnData('diabetes_target.csv.gz')).toString('utf8').trim().split('\n');
      const header = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6', 'progression'];
      return utf8([header, ...x.map((line, i) => [...line.trim().split(/\s+/), Number(y[i])])].join('\n') + '\n');
    },
  },
  {
    name: 'digits',
    source: `${SKLEARN} digits.csv.gz`,
    licence: UCI,
    target: 'digit',
    exclude: [],
    covers: 'wide: 64 columns, 1,797 rows, 10 classes (an integer target)',
    csv: () => {
      const lines = gunzipSync(sklearnData('digits.csv.gz')).toString('utf8').trim().split('\n');
      const header = [...Array.from({ length: 64 }, (_, k) => `pixel_${k >> 3}_${k & 7}`), 'digit'];
      return utf8([header.join(','), ...lines].join('\n') + '\n');
    },
  },
  {
    name: 'penguins',
    source: `${VEGA} penguins.json`,
    licence: 'CC0 1.0 (palmerpenguins)',
    target: 'species',
    exclude: [],
    covers: '344 rows, missing values, categories',
    csv: () => utf8(vegaTable('penguins.json')),
  },
  {
    name: 'cars-mpg',
    source: `${VEGA} cars.json`,
    licence: 'StatLib, distributed in 1982 for educational and scientific purposes',
    target: 'miles_per_gallon',
    exclude: ['name'],
    covers: 'regression, 406 rows, missing target and feature values, a date written as text',
    csv: () => utf8(vegaTable('cars.json')),
  },
  {
    name: 'cars-origin',
    source: `${VEGA} cars.json`,
    licence: 'StatLib, distributed in 1982 for educational and scientific purposes',
    target: 'origin',
    exclude: ['name'],
    covers: '406 rows, 3 unbalanced classes, missing values',
    csv: () => utf8(vegaTable('cars.json')),
  },
  {
    name: 'seattle-weather',
    source: `${VEGA} seattle-weather.csv`,
    licence: 'U.S. Government work (NOAA)',
    target: 'weather',
    exclude: ['date'],
    covers: '1,461 rows, 5 imbalanced classes (snow 1.8 %, fog 6.9 %)',
    csv: () => utf8(vegaCsv('seattle-weather.csv')),
  },
  {
    name: 'movies-imdb',
    source: `${VEGA} movies.json`,
    licence: 'no licence named for this file in the package (the package: BSD-3-Clause)',
    target: 'imdb_rating',
    exclude: ['title'],
    covers: 'regression, 3,201 rows, many missing values, high-cardinality categories (distributor, director)',
    csv: () => utf8(vegaTable('movies.json')),
  },
  {
    name: 'birdstrikes',
    source: `${VEGA} birdstrikes.csv`,
    licence: 'U.S. Government work (FAA Wildlife Strike Database)',
    target: 'Effect Amount of damage',
    exclude: ['Flight Date'],
    covers: '10,000 rows, imbalanced classes (89 % none), high-cardinality categories (225 aircraft models)',
    // The repair costs say the damage in other words: the file is written without them.
    csv: () => utf8(withoutColumns(vegaCsv('birdstrikes.csv'), /^Cost /)),
  },
  {
    name: 'flights-60k',
    source: `${VEGA} flights-200k.json (its first 60,000 rows)`,
    licence: 'U.S. DOT Bureau of Transportation Statistics, collected under 14 CFR 234',
    target: 'delay',
    exclude: [],
    covers: 'large: regression, 60,000 rows',
    csv: () => utf8(vegaTable('flights-200k.json', 60_000)),
  },
];

/** The tables `npm test` runs (tests/unit/automl-benchmark.test.ts): small enough for a few seconds each. */
export const QUICK_TABLES = ['iris', 'vin-fr', 'breast-cancer', 'diabetes'];
