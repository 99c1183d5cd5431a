import { describe, expect, it } from 'vitest';
import {
  chunkTensorizer,
  TimeSeriesTensorizer,
  type TimeSeriesBatch,
  type TimeSeriesRow,
  type TimeSeriesSpec,
} from '../../functions/serving/tabular/time-series';

const features = [{ name: 'a' }, { name: 'b' }];
const rowsOf = (values: number[][], start = Date.UTC(2020, 2, 9, 10, 0, 0)): TimeSeriesRow[] =>
  values.map((features, i) => ({
    features,
    time: new Date(start + i * 1000).toISOString().replace('T', ' ').slice(0, 19),
  }));

/** Pushes `rows` in chunks of `chunk` and returns every emitted batch, end() included. */
function run(spec: TimeSeriesSpec, rows: TimeSeriesRow[], chunk: number): TimeSeriesBatch[] {
  const series = new TimeSeriesTensorizer(spec);
  const batches: TimeSeriesBatch[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const batch = series.push(rows.slice(i, i + chunk));
    if (batch) batches.push(batch);
  }
  const last = series.end();
  if (last) batches.push(last);
  return batches;
}

const concat = (batches: TimeSeriesBatch[]) => Float32Array.from(batches.flatMap((b) => [...b.tensor.data]));

describe('TimeSeriesTensorizer windows', () => {
  const spec: TimeSeriesSpec = { features, window: { rows: 3, step: 1, timeColumn: 'datetime', samplingSeconds: 1 } };

  it('ends window i at row i and repeats the first row before the start', () => {
    const [batch] = run(
      spec,
      rowsOf([
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
      ]),
      10,
    );
    expect(batch!.tensor.dims).toEqual([4, 3, 2]);
    expect([...batch!.tensor.data]).toEqual([
      ...[1, 10, 1, 10, 1, 10],
      ...[1, 10, 1, 10, 2, 20],
      ...[1, 10, 2, 20, 3, 30],
      ...[2, 20, 3, 30, 4, 40],
    ]);
  });

  it('gives the same tensors whatever the chunking, in file order', () => {
    const values = Array.from({ length: 50 }, (_, i) => [Math.sin(i), i * i]);
    const calibrated = { ...spec, calibration: { rows: 8, method: 'standardise' as const } };
    const whole = run(calibrated, rowsOf(values), 1000);
    expect(whole).toHaveLength(1);
    for (const chunk of [1, 3, 7, 8, 9]) {
      const batches = run(calibrated, rowsOf(values), chunk);
      expect(concat(batches)).toEqual(whole[0]!.tensor.data);
      expect(batches.map((b) => b.firstRow)).toEqual(batches.map((_, i) => batches.slice(0, i).reduce((n, b) => n + b.rows, 0)));
    }
  });

  it('emits a tensor the size of the chunk once calibrated, however long the series', () => {
    const series = new TimeSeriesTensorizer({ ...spec, calibration: { rows: 4, method: 'standardise' } });
    expect(
      series.push(
        rowsOf([
          [1, 1],
          [2, 2],
          [3, 3],
        ]),
      ),
    ).toBeUndefined();
    expect(
      series.push(
        rowsOf([
          [4, 4],
          [5, 5],
        ]),
      )!.tensor.dims,
    ).toEqual([5, 3, 2]);
    for (let i = 0; i < 200; i += 1)
      expect(
        series.push(
          rowsOf([
            [i, 1],
            [i, 2],
          ]),
        )!.tensor.dims,
      ).toEqual([2, 3, 2]);
  });

  it('is [N, F] without a window', () => {
    const [batch] = run(
      { features },
      rowsOf([
        [1, 2],
        [3, 4],
      ]),
      5,
    );
    expect(batch!.tensor.dims).toEqual([2, 2]);
    expect([...batch!.tensor.data]).toEqual([1, 2, 3, 4]);
  });

  it('refuses a step other than 1 and a row of the wrong width', () => {
    expect(() => new TimeSeriesTensorizer({ features, window: { rows: 4, step: 2 } })).toThrow(/step/);
    expect(() => new TimeSeriesTensorizer({ features }).push([{ features: [1] }])).toThrow(/features/);
  });
});

describe('TimeSeriesTensorizer calibration', () => {
  const spec: TimeSeriesSpec = { features, calibration: { rows: 4, method: 'standardise' } };

  it('standardises by the mean and population std of the first rows, which are scored too', () => {
    // a: mean 2.5, std sqrt(1.25); b is constant over the calibration rows: std floored at 1e-6.
    const [batch] = run(
      spec,
      rowsOf([
        [1, 7],
        [2, 7],
        [3, 7],
        [4, 7],
        [6, 7.5],
      ]),
      100,
    );
    const s = Math.sqrt(1.25);
    const expected = [(1 - 2.5) / s, 0, (2 - 2.5) / s, 0, (3 - 2.5) / s, 0, (4 - 2.5) / s, 0, (6 - 2.5) / s, 0.5e6];
    expect(batch!.rows).toBe(5);
    [...batch!.tensor.data].forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 4));
  });

  it('calibrates a series shorter than the calibration rows on what it has, with a warning', () => {
    const batches = run(
      spec,
      rowsOf([
        [1, 1],
        [3, 3],
      ]),
      1,
    );
    expect(batches).toHaveLength(1);
    expect([...batches[0]!.tensor.data]).toEqual([-1, -1, 1, 1]);
    expect(batches[0]!.warnings.map((w) => w.code)).toEqual(['calibration-short']);
  });
});

describe('TimeSeriesTensorizer time column', () => {
  const spec: TimeSeriesSpec = { features, window: { rows: 2, step: 1, timeColumn: 'datetime', samplingSeconds: 1 } };
  const at = (time: string): TimeSeriesRow => ({ features: [1, 2], time });

  it('warns about gaps, disorder and unreadable times, and never feeds the time to the model', () => {
    const times = ['2020-03-09 10:00:00', '2020-03-09 10:00:02', '2020-03-09 10:01:00', '2020-03-09 10:00:59', 'soon'];
    const [batch] = run(spec, times.map(at), 10);
    expect(batch!.warnings.map(({ row, code }) => [row, code])).toEqual([
      [2, 'time-gap'],
      [3, 'time-not-increasing'],
      [4, 'time-unreadable'],
    ]);
    expect(batch!.warnings.every((w) => w.field === 'datetime')).toBe(true);
    expect(new Set(batch!.tensor.data)).toEqual(new Set([1, 2]));
  });

  it('accepts 1 s and 2 s steps at 1 Hz and ISO 8601 times', () => {
    const times = ['2020-03-09T10:00:00Z', '2020-03-09 10:00:01', '2020-03-09 10:00:03'];
    expect(run(spec, times.map(at), 1).flatMap((b) => b.warnings)).toEqual([]);
  });
});

describe('chunkTensorizer (one tensor per chunk, as the tabular serving path calls it)', () => {
  const spec: TimeSeriesSpec = {
    features,
    window: { rows: 3, step: 1, timeColumn: 'datetime', samplingSeconds: 1 },
    calibration: { rows: 5, method: 'standardise' },
  };
  const values = Array.from({ length: 23 }, (_, i) => [Math.cos(i), i % 4]);
  const matrix = Float32Array.from(values.flat());

  it('gives each chunk its own rows, equal to the streaming tensors when chunks hold the calibration rows', () => {
    const [whole] = run(spec, rowsOf(values.map((row) => [...Float32Array.from(row)])), 100);
    const series = chunkTensorizer(spec);
    const chunks = [6, 5, 12].map((rows, i, all) => {
      const start = all.slice(0, i).reduce((a, b) => a + b, 0);
      return series.next(matrix.subarray(start * 2, (start + rows) * 2), rows).tensor;
    });
    expect(chunks.map((tensor) => tensor.dims)).toEqual([
      [6, 3, 2],
      [5, 3, 2],
      [12, 3, 2],
    ]);
    expect(Float32Array.from(chunks.flatMap((tensor) => [...tensor.data]))).toEqual(whole!.tensor.data);
  });

  it('calibrates a first chunk shorter than the calibration rows on its own rows (a short HTTP request)', () => {
    const { tensor } = chunkTensorizer(spec).next(matrix.subarray(0, 6), 3);
    const [short] = run(spec, rowsOf(values.slice(0, 3).map((row) => [...Float32Array.from(row)])), 3);
    expect(tensor.dims).toEqual([3, 3, 2]);
    expect(tensor.data).toEqual(short!.tensor.data);
    expect(chunkTensorizer(spec).next(new Float32Array(0), 0).tensor.dims).toEqual([0, 3, 2]);
  });
});
