import type { HostileCase } from './case';

/**
 * Feature rows, JSON bodies and the keyed read routes (issue #20, items 5, 6, 10, 15, 16, 18): what a careless or
 * hostile client sends over HTTP, and the CSV batch and training cases that share their checks.
 * tests/integration/http-input.test.ts checks each fix more closely.
 */
const json = { 'content-type': 'application/json' };
const csv = { 'content-type': 'text/csv' };
const iris = '/v1/models/iris/predict';
const irisRow = (sepalLength: string) =>
  `{"features": {"sepal_length": ${sepalLength}, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}}`;
const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const manyUnknownFields = JSON.stringify({
  rows: Array.from({ length: 2_000 }, () => Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`column_${i}`, i]))),
});
const duplicatedColumn = 'sepal_length,sepal_width,petal_length,petal_width,sepal_length\n5.1,3.5,1.4,0.2,7.9\n';

export const cases: HostileCase[] = [
  {
    name: '40,000 unknown fields: the first 100 problems, the features once',
    issue: '#20.5',
    via: 'http',
    method: 'POST',
    path: iris,
    headers: json,
    body: manyUnknownFields,
    answer: { status: 400, code: 'invalid-features', maxBytes: 20_000 },
  },
  ...['9007199254740993', '-1e16', '3.5e38'].map((value): HostileCase => ({
    name: `a feature of ${value}: beyond ±2^53 or float32`,
    issue: '#20.6',
    via: 'http',
    method: 'POST',
    path: iris,
    headers: json,
    body: irisRow(value),
    answer: { status: 400, code: 'invalid-features' },
  })),
  {
    name: '/v2 FP64 tensor holding 1e16',
    issue: '#20.6',
    via: 'http',
    method: 'POST',
    path: '/v2/models/iris/infer',
    headers: json,
    body: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP64', data: [1e16, 3.5, 1.4, 0.2] }] }),
    answer: { status: 400, code: 'invalid-features' },
  },
  {
    name: 'a CSV batch with a cell of 1e16: that row refused, the file scored',
    issue: '#20.6',
    via: 's3',
    key: 'incoming/iris/hostile-too-large-cell.csv',
    body: 'sepal_length,sepal_width,petal_length,petal_width\n1e16,3.5,1.4,0.2\n5.1,3.5,1.4,0.2\n',
    record: { status: 'succeeded' },
  },
  {
    name: '/v2 tensor data nested 100,000 deep',
    issue: '#20.15',
    via: 'http',
    method: 'POST',
    path: '/v2/models/iris/infer',
    headers: json,
    body: `{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": ${deep}}]}`,
    answer: { status: 400, code: 'json-too-deep' },
  },
  {
    name: '/v1 rows nested 100,000 deep',
    issue: '#20.15',
    via: 'http',
    method: 'POST',
    path: iris,
    headers: json,
    body: `{"rows": ${deep}}`,
    answer: { status: 400, code: 'json-too-deep' },
  },
  {
    name: 'a 3,000-character training id',
    issue: '#20.16',
    via: 'http',
    method: 'GET',
    path: `/v1/trainings/${'a'.repeat(3_000)}`,
    answer: { status: 404, code: 'not-found', maxBytes: 2_000 },
  },
  {
    name: 'two JSON fields that are one once trimmed',
    issue: '#20.18',
    via: 'http',
    method: 'POST',
    path: iris,
    headers: json,
    body: '{"features": {"sepal_length": 5.1, " sepal_length ": 7.9, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}}',
    answer: { status: 400, code: 'invalid-features' },
  },
  {
    name: 'a text/csv body naming a feature column twice',
    issue: '#20.18',
    via: 'http',
    method: 'POST',
    path: iris,
    headers: csv,
    body: duplicatedColumn,
    answer: { status: 400, code: 'duplicate-columns' },
  },
  {
    name: 'a CSV batch naming a feature column twice: rejected as a whole',
    issue: '#20.18',
    via: 's3',
    key: 'incoming/iris/hostile-duplicated-column.csv',
    body: duplicatedColumn,
    record: { status: 'rejected', code: 'duplicate-columns' },
  },
  {
    name: 'a class named __proto__: trained, then served and recorded like any label',
    issue: '#20.10',
    via: 'training',
    model: 'hostile-proto-class',
    query: 'target=kind&timeBudgetSeconds=5',
    body: `x,kind\n${Array.from({ length: 60 }, (_, i) => `${i % 2 === 0 ? i : i + 100},${i % 2 === 0 ? '__proto__' : 'other'}`).join('\n')}\n`,
    answer: { status: 202, final: { status: 'succeeded' } },
  },
];
