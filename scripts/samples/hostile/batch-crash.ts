import { gzipSync } from 'node:zlib';
import type { HostileCase } from './case';

/**
 * CSV batches and trainings that stopped the whole local platform, or left a record `running` (#20.1), and the
 * csv-parse refusals, long cells and long lines of #20.7, .11 and .14. Each ends with a final record.
 */
const IRIS = 'sepal_length,sepal_width,petal_length,petal_width';
const SENSORS =
  'datetime,Accelerometer1RMS,Accelerometer2RMS,Current,Pressure,Temperature,Thermocouple,Voltage,Volume Flow RateRMS';

export const cases: HostileCase[] = [
  {
    name: 'a quote inside an unquoted field',
    issue: '#20.1',
    via: 's3',
    key: 'incoming/iris/hostile/quote.csv',
    body: `name,${IRIS}\nJean "JJ" Dupont,5.1,3.5,1.4,0.2\n`,
    record: { status: 'rejected', code: 'invalid-csv' },
  },
  {
    name: 'JSON sent as a .csv',
    issue: '#20.1',
    via: 's3',
    key: 'incoming/iris/hostile/json.csv',
    body: JSON.stringify({ rows: [{ sepal_length: 5.1 }] }),
    record: { status: 'rejected', code: 'invalid-csv' },
  },
  {
    name: 'binary bytes as a .csv',
    issue: '#20.1',
    via: 's3',
    key: 'incoming/iris/hostile/binary.csv',
    body: Buffer.from([0, 159, 146, 150, 0, 10, 255, 0]),
    record: { status: 'rejected' },
  },
  {
    name: 'a gzip file as a .csv',
    issue: '#20.1',
    via: 's3',
    key: 'incoming/iris/hostile/gzip.csv',
    body: gzipSync(`${IRIS}\n5.1,3.5,1.4,0.2\n`),
    record: { status: 'rejected' },
  },
  {
    name: 'cells past 2^53 and past float32 in a batch (row errors, the rest scored)',
    issue: '#20.1',
    via: 's3',
    key: 'incoming/iris/hostile/huge-numbers.csv',
    body: `${IRIS}\n9007199254740993,3.5,1.4,0.2\n-1e16,3.5,1.4,0.2\n3.5e38,3.5,1.4,0.2\n5.1,3.5,1.4,0.2\n`,
    record: { status: 'succeeded' },
  },
  {
    name: '100 time cells of 4,500 characters',
    issue: '#20.11',
    via: 's3',
    key: 'incoming/sensor-anomaly/hostile/long-times.csv',
    body: [SENSORS, ...Array.from({ length: 100 }, () => `${'x'.repeat(4500)},0.2,0.3,1,0.05,70,25,230,32`)].join('\n'),
    record: { status: 'succeeded' },
  },
  {
    name: 'one line of 600,000 columns',
    issue: '#20.14',
    via: 's3',
    key: 'incoming/iris/hostile/long-line.csv',
    body: `${IRIS}\n${'12,'.repeat(600_000)}1\n`,
    record: { status: 'rejected', code: 'record-too-large' },
  },
  {
    name: 'a quote inside an unquoted field over HTTP',
    issue: '#20.7',
    via: 'http',
    method: 'POST',
    path: '/v1/models/iris/predict',
    headers: { 'content-type': 'text/csv' },
    body: `name,${IRIS}\nJean "JJ" Dupont,5.1,3.5,1.4,0.2\n`,
    answer: { status: 400, code: 'invalid-csv' },
  },
  {
    name: 'a training with a number past 2^53',
    issue: '#20.1',
    via: 'training',
    model: 'hostile-huge',
    query: 'target=y',
    body: ['a,b,y', ...Array.from({ length: 40 }, (_, i) => `${i === 7 ? '3.5e38' : i % 5},${i % 3},${i % 2 ? 'p' : 'q'}`)].join(
      '\n',
    ),
    answer: { status: 202, final: { status: 'failed', code: 'value-out-of-range' } },
  },
  {
    name: 'a training whose data report is over the DynamoDB item limit',
    issue: '#20.1',
    via: 'training',
    model: 'hostile-unstorable',
    query: 'target=y&timeBudgetSeconds=5',
    body: [
      'colour,size,y',
      ...Array.from({ length: 40 }, (_, i) => `${String(i % 10).repeat(50_000)},${i % 7},${i % 2 ? 'p' : 'q'}`),
    ].join('\n'),
    answer: { status: 202, final: { status: 'failed', code: 'record-not-written' } },
  },
  {
    name: 'a training with a class named __proto__',
    issue: '#20.1',
    via: 'training',
    model: 'hostile-proto',
    query: 'target=y&timeBudgetSeconds=5',
    body: [
      'a,b,y',
      ...Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2 ? '__proto__' : 'constructor'}`),
    ].join('\n'),
    // Both names are map keys the DynamoDB SDK cannot carry as they are (functions/platform/dynamodb-keys.ts).
    answer: { status: 202, final: { status: 'succeeded' } },
  },
];
