import type { HostileCase } from './case';

/** 40 rows of a loan table whose `email` column names people (`granted` follows `income`). */
const loansWithEmails =
  'income,town,granted,email\n' +
  Array.from(
    { length: 40 },
    (_, i) => `${1000 + i * 50},${i % 2 ? 'Tulle' : 'Brive'},${i < 20 ? 'no' : 'yes'},client${i >> 1}@example.org`,
  ).join('\n') +
  '\n';

/** Whose data is whose in batches and trainings (issue #20.2-4). */
export const cases: HostileCase[] = [
  {
    name: 'a training table with a column of e-mail addresses, not accepted',
    issue: '#20.4',
    via: 'training',
    model: 'hostile-loans',
    query: 'target=granted&timeBudgetSeconds=5',
    body: loansWithEmails,
    answer: { status: 202, final: { status: 'failed', code: 'identifier-columns' } },
  },
  {
    name: 'a training sent about two people at once (x-subject-id with a comma)',
    issue: '#20.4',
    via: 'http',
    method: 'POST',
    path: '/v1/models/hostile-loans/trainings?target=granted',
    headers: { 'content-type': 'text/csv', 'x-subject-id': 'alice,bob' },
    body: loansWithEmails,
    answer: { status: 400, code: 'invalid-subject' },
  },
  {
    name: 'a CSV batch under a key too long to take its prediction id in the output name',
    issue: '#20.3',
    via: 's3',
    // 1,018 bytes: S3 takes it; `batch/iris/<path>.<predictionId>.csv` would not fit, `batch/iris/<id>.csv` does.
    key: `incoming/iris/${'é'.repeat(500)}.csv`,
    body: 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n',
    metadata: { 'subject-id': 'hostile-long-key' },
    record: { status: 'succeeded' },
  },
];
