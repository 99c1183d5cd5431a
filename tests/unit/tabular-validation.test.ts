import { describe, expect, it } from 'vitest';
import { SessionCache } from '../../functions/serving/inference/sessions';
import type { PredictionDeps } from '../../functions/serving/prediction';
import type { PredictionRecord } from '../../functions/records/records';
import { ModelRegistry } from '../../functions/serving/registry';
import { readJsonRows } from '../../functions/serving/tabular/json-rows';
import type { TabularInputSpec } from '../../functions/serving/tabular/spec';
import { MAX_LISTED_PROBLEMS, TabularInputError } from '../../functions/serving/tabular/tabular-errors';
import { runTabularPrediction, type TabularInput } from '../../functions/serving/tabular/tabular-prediction';
import { MODELS_DIR } from '../support/models';

/** Validation at the edge, from the model's spec: every bad case, every problem named at once. */
const spec: TabularInputSpec = {
  kind: 'tabular',
  tensorName: 'features',
  dtype: 'float32',
  features: [
    { name: 'sepal_length', type: 'number', unit: 'cm', required: true, range: { min: 4.3, max: 7.9 } },
    { name: 'count', type: 'integer', required: true },
    { name: 'colour', type: 'category', values: ['red', 'blue'], required: true },
    { name: 'note', type: 'number', required: false },
  ],
};
const good = { sepal_length: 5.1, count: 3, colour: 'blue' };

describe('JSON feature rows', () => {
  it('reads a good row in spec order, categories as their index and a missing optional feature as NaN', () => {
    const read = readJsonRows(spec, [good], false);
    expect(read.problems).toEqual([]);
    expect(Array.from(read.matrix.data)).toEqual([Math.fround(5.1), 3, 1, Number.NaN]);
    expect(read.matrix.dims).toEqual([1, 4]);
  });

  it.each([
    ['a missing feature', { count: 3, colour: 'red' }, { field: 'sepal_length', message: 'is missing' }],
    ['a null', { ...good, count: null }, { field: 'count', message: 'is null' }],
    [
      'a string for a number',
      { ...good, sepal_length: '5.1' },
      { field: 'sepal_length', message: 'expected a number, got the text "5.1"' },
    ],
    [
      'a boolean for a number',
      { ...good, sepal_length: true },
      { field: 'sepal_length', message: 'expected a number, got a boolean' },
    ],
    [
      'a non-finite number (1e999 parses as Infinity)',
      { ...good, sepal_length: Infinity },
      { field: 'sepal_length', message: 'must be a finite number (not NaN or infinite)' },
    ],
    ['a fraction for an integer', { ...good, count: 2.5 }, { field: 'count', message: 'expected an integer, got 2.5' }],
    [
      'an unknown category',
      { ...good, colour: 'green' },
      { field: 'colour', message: 'expected one of red, blue, got the text "green"' },
    ],
    ['an array', { ...good, count: [1] }, { field: 'count', message: 'expected a number, got an array' }],
  ])('refuses %s', (_, row, problem) => {
    expect(readJsonRows(spec, [row], false).problems).toEqual([problem]);
  });

  it('finds an accented feature whichever way the accent was typed (Unicode NFC)', () => {
    const french: TabularInputSpec = { ...spec, features: [{ name: 'température', type: 'number', required: true }] };
    const read = readJsonRows(french, [{ 'tempe\u0301rature': 21.5 }], false);
    expect(read.problems).toEqual([]);
    expect(Array.from(read.matrix.data)).toEqual([21.5]);
  });

  it('names a typo as an unknown field, with the feature it most likely meant', () => {
    const { problems } = readJsonRows(spec, [{ ...good, sepal_lenght: 5 }], false);
    expect(problems).toEqual([{ field: 'sepal_lenght', message: expect.stringContaining("Did you mean 'sepal_length'?") }]);
  });

  it('names every problem of every row at once, with the row index', () => {
    const { problems } = readJsonRows(spec, [good, { count: 'x', colour: 'red', extra: 1 }, 'not a row'], true);
    expect(problems).toEqual([
      { field: 'extra', row: 1, message: expect.stringContaining('unknown field') },
      { field: 'sepal_length', row: 1, message: 'is missing' },
      { field: 'count', row: 1, message: 'expected a number, got the text "x"' },
      { field: 'rows', row: 2, message: 'must be an object of feature values' },
    ]);
  });

  it('takes the time column of a time series beside the features, as text, for the time checks', () => {
    const series: TabularInputSpec = { ...spec, window: { rows: 2, step: 1, timeColumn: 'datetime', samplingSeconds: 1 } };
    const read = readJsonRows(series, [{ ...good, datetime: '2026-11-26 10:00:00' }, good, { ...good, datetime: 17 }], true);
    expect(read.problems).toEqual([]);
    expect(read.times).toEqual(['2026-11-26 10:00:00', '', '17']);
    // Without any time, no checks; without a window, the time column is an unknown field as before.
    expect(readJsonRows(series, [good], true).times).toBeUndefined();
    expect(readJsonRows(spec, [{ ...good, datetime: 'x' }], true).problems).toEqual([
      { field: 'datetime', row: 0, message: expect.stringContaining('unknown field') },
    ]);
  });

  it.each([
    ['above 2^53 (9007199254740993 in the body)', 2 ** 53],
    ['below -2^53', -1e16],
    ['above float32 (Infinity once in the tensor)', 3.5e38],
  ])('refuses a value %s as too large (#20.6)', (_, value) => {
    expect(readJsonRows(spec, [{ ...good, sepal_length: value }], false).problems).toEqual([
      { field: 'sepal_length', message: `must lie within ±9007199254740991 (2^53 − 1), got ${value}` },
    ]);
    expect(readJsonRows(spec, [{ ...good, sepal_length: 9007199254740991 }], false).problems).toEqual([]);
  });

  it('refuses two fields that are one once trimmed, rather than letting the last win (#20.18)', () => {
    const { problems } = readJsonRows(spec, [{ ...good, ' sepal_length ': 7.9, 'sepal_length\t': 1 }], true);
    expect(problems).toEqual([{ field: 'sepal_length', row: 0, message: 'given 3 times (names are compared trimmed)' }]);
  });

  it('lists the first problems, counts them all, and says once when a field is unknown (#20.5)', () => {
    const rows = Array.from({ length: 500 }, () => ({ sepal_lenght: 5, extra: 1 }));
    const read = readJsonRows(spec, rows, true);
    expect(read.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    // Per row: two unknown fields and three required features missing.
    expect(read.problemCount).toBe(2_500);
    expect(read.unknownFields).toBe(true);
    expect(read.problems[0]).toEqual({ field: 'sepal_lenght', row: 0, message: "unknown field. Did you mean 'sepal_length'?" });
    expect(read.problems[1]).toEqual({ field: 'extra', row: 0, message: 'unknown field' });
    expect(readJsonRows(spec, [{ count: 3, colour: 'red' }], false).unknownFields).toBe(false);
  });

  it('quotes a megabyte-long unknown field bounded, and finds no hint for it at once', () => {
    const started = performance.now();
    const { problems } = readJsonRows(spec, [{ ...good, ['x'.repeat(1_000_000)]: 1 }], false);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(problems).toEqual([{ field: `${'x'.repeat(100)}…`, message: 'unknown field' }]);
  });

  it('refuses an empty rows list', () => {
    expect(readJsonRows(spec, [], true).problems).toEqual([{ field: 'rows', message: 'must hold at least one row' }]);
  });

  it('serves a value outside the training range with a warning, not an error', () => {
    const read = readJsonRows(spec, [good, { ...good, sepal_length: 12 }], true);
    expect(read.problems).toEqual([]);
    expect(read.warnings).toEqual([[], [{ field: 'sepal_length', value: 12, range: { min: 4.3, max: 7.9 }, row: 1 }]]);
  });
});

/** The shipped models and a session cache, with a table that keeps the records in `records`. */
const realModelDeps = (records: PredictionRecord[]) => ({
  prediction: {
    registry: new ModelRegistry(MODELS_DIR),
    store: { put: async (record: PredictionRecord) => Boolean(records.push(record)), get: async () => undefined },
    report: () => undefined,
    now: () => new Date('2026-11-26T10:00:00Z'),
    retentionDays: 30,
  } as unknown as PredictionDeps,
  sessions: new SessionCache(),
});

describe('the tabular prediction path (real iris model, fake table)', () => {
  const records: PredictionRecord[] = [];
  const deps = realModelDeps(records);
  const run = (input: TabularInput) =>
    runTabularPrediction(deps, {
      predictionId: `p-${records.length}`,
      requestId: 'r',
      model: 'iris',
      input,
      bytes: Buffer.from('x'),
    });

  it('answers one row with the label, its confidence and the probabilities, and records it', async () => {
    const outcome = await run({ features: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 } });
    expect(outcome.record).toMatchObject({ status: 'succeeded', modelVersion: '1.0.0', result: { label: 'setosa' } });
    expect(records.at(-1)).toBe(outcome.record);
  });

  it('records a refusal before throwing it, with every problem in the error', async () => {
    const before = records.length;
    const error = await run({
      rows: [{ sepal_length: null, sepal_width: 'x', petal_length: 1, petal_width: 1, petal_widht: 2 }],
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TabularInputError);
    expect((error as TabularInputError).extensions.errors.map((e) => e.field)).toEqual([
      'petal_widht',
      'sepal_length',
      'sepal_width',
    ]);
    expect(records.length).toBe(before + 1);
    expect(records.at(-1)).toMatchObject({ status: 'rejected', error: { code: 'invalid-features' } });
  });

  it('answers a body of many bad rows with the first problems, their count and the features once (#20.5)', async () => {
    const rows = Array.from({ length: 1_000 }, () => Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i])));
    const error = (await run({ rows }).catch((e: unknown) => e)) as TabularInputError;
    expect(error.message).toBe('34000 problem(s) in the features; the first 100 are listed.');
    expect(error.extensions).toMatchObject({
      errorCount: 34_000,
      features: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
    });
    expect(error.extensions.errors).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(JSON.stringify(error.extensions).length).toBeLessThan(10_000);
  });

  it('scores rows across chunks in order (4096 per session.run)', async () => {
    const setosa = { sepal_length: 5.0, sepal_width: 3.4, petal_length: 1.5, petal_width: 0.2 };
    const virginica = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.8, petal_width: 2.2 };
    const rows = Array.from({ length: 9000 }, (_, i) => (i % 3 === 0 ? virginica : setosa));
    const outcome = await run({ rows });
    const labels = outcome.outcomes!.map((o) => (o.result && 'label' in o.result ? o.result.label : '?'));
    expect(labels).toEqual(rows.map((row) => (row === virginica ? 'virginica' : 'setosa')));
    expect(outcome.record.result).toEqual({ kind: 'rows', rows: 9000, succeededRows: 9000, rejectedRows: 0 });
  });
});

describe('JSON rows of a time series (real sensor-anomaly model)', () => {
  const deps = realModelDeps([]);
  // 600 one-second readings of a steady pump, a few sensors wobbling, with the time as SKAB's files write it.
  const reading = (i: number, at: Date) => ({
    datetime: at.toISOString().slice(0, 19).replace('T', ' '),
    Accelerometer1RMS: 0.2 + 0.01 * Math.sin(i),
    Accelerometer2RMS: 0.26 + 0.01 * Math.cos(i),
    Current: 2.0 + 0.1 * Math.sin(i / 7),
    Pressure: 0.05 * (i % 3),
    Temperature: 70 + 0.1 * Math.sin(i / 11),
    Thermocouple: 25 + 0.05 * Math.cos(i / 13),
    Voltage: 230 + Math.sin(i / 5),
    'Volume Flow RateRMS': 32 + 0.3 * Math.sin(i / 3),
  });

  it('checks the time column of JSON rows as of a CSV: a 30 s gap and a step back are named by row index', async () => {
    const start = Date.parse('2026-11-26T08:00:00Z');
    const rows = Array.from({ length: 600 }, (_, i) => {
      const seconds = i < 450 ? i : i === 520 ? 440 + 30 : i + 30;
      return reading(i, new Date(start + seconds * 1000));
    });
    const outcome = await runTabularPrediction(deps, {
      predictionId: 'p-series',
      requestId: 'r',
      model: 'sensor-anomaly',
      input: { rows },
      bytes: Buffer.from('x'),
    });
    expect(outcome.record.status).toBe('succeeded');
    expect(outcome.outcomes!.every((row) => row.result)).toBe(true);
    expect(outcome.record.timeWarnings).toEqual([
      expect.objectContaining({ row: 450, field: 'datetime', code: 'time-gap' }),
      expect.objectContaining({ row: 520, field: 'datetime', code: 'time-not-increasing' }),
    ]);
    expect(outcome.record.timeWarningCount).toBe(2);
  });
});
