import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScheduledDrift, type ScheduledDriftDeps } from '../../functions/monitoring/drift-schedule';
import { registryDriftSources } from '../../functions/monitoring/drift-sources';
import { driftReportKey, type DriftReportStore, type ScheduledDriftReport } from '../../functions/monitoring/drift-store';
import { latestDrift } from '../../functions/monitoring/latest-drift';
import type { ModelRecords, RecordQuery } from '../../functions/records/model-records';
import type { PredictionRecord } from '../../functions/records/records';
import { BinTally, type Baseline } from '../../functions/serving/baseline';
import { ModelRegistry } from '../../functions/serving/registry';
import { EMPTY_STATE, type LifecycleState } from '../../functions/serving/aliases';
import { seededRandom } from '../../functions/training/random';
import { baselineOf, drawResult, drawValue } from '../support/baseline-draws';

/**
 * The scheduled drift run (#24) over in-memory records and reports: contiguous windows, the M-of-N state carried
 * in the stored reports from run to run, one report per window and a latest copy, metrics per report, and the
 * route's choice between the latest report and a measure on demand.
 */
const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 11, 3, 0, 0);
const at = (ms: number) => new Date(ms).toISOString();
const iris = baselineOf('iris');

/** In memory, as the byModel index answers: one model between two times, oldest first (each) or newest first (page). */
function memoryRecords(records: PredictionRecord[]): ModelRecords {
  const select = (q: RecordQuery) =>
    records
      .filter((r) => r.model === q.model && r.createdAt >= q.from && r.createdAt <= q.to)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return {
    async page(query, { limit }) {
      return { items: select(query).reverse().slice(0, limit) };
    },
    async *each(query) {
      yield* select(query);
    },
  };
}

function memoryReports(): DriftReportStore & { saved: Map<string, ScheduledDriftReport> } {
  const saved = new Map<string, ScheduledDriftReport>();
  const latest = new Map<string, ScheduledDriftReport>();
  return {
    saved,
    latest: async (model) => latest.get(model),
    async save(report) {
      saved.set(driftReportKey(report), report);
      latest.set(report.model, report);
    },
  };
}

let serial = 0;
/** One CSV-batch-like record of `rows` rows drawn from the baseline (or with other label shares) at `time`. */
function batch(
  baseline: Baseline,
  time: number,
  rows: number,
  seed: number,
  labelShares?: number[],
  version = '1.0.0',
): PredictionRecord {
  const random = seededRandom(seed);
  const tally = new BinTally(
    baseline,
    baseline.features.map((f) => f.name),
  );
  for (let r = 0; r < rows; r += 1) {
    tally.add(
      baseline.features.map((feature) => drawValue(feature, random)),
      drawResult(baseline, random, labelShares),
    );
  }
  serial += 1;
  return {
    predictionId: `p-${serial}`,
    requestId: `r-${serial}`,
    source: 's3',
    model: 'iris',
    modelVersion: version,
    status: 'succeeded',
    timings: { preprocessMs: 0, inferenceMs: 1, totalMs: 1 },
    createdAt: at(time),
    expiresAt: 2_000_000_000,
    ...tally.fields(),
  } as PredictionRecord;
}

function deps(records: PredictionRecord[], reports = memoryReports(), modelsDir = 'models', models = ['iris']) {
  const registry = new ModelRegistry(modelsDir, undefined, { current: async () => EMPTY_STATE });
  const emitted: ScheduledDriftReport[] = [];
  const value: ScheduledDriftDeps = {
    ...registryDriftSources(registry, memoryRecords(records)),
    reports,
    models: async () => models,
    emit: (report) => void emitted.push(report),
  };
  return { deps: value, reports, emitted };
}

/** iris 1.0.0 and a 1.1.0 beside it (the same package under another version), both approved. */
let twoVersions: string;
beforeAll(() => {
  twoVersions = mkdtempSync(join(tmpdir(), 'vigie-drift-'));
  for (const version of ['1.0.0', '1.1.0']) {
    mkdirSync(join(twoVersions, 'iris', version), { recursive: true });
    const metadata = JSON.parse(readFileSync('models/iris/1.0.0/metadata.json', 'utf8')) as Record<string, unknown>;
    writeFileSync(join(twoVersions, 'iris', version, 'metadata.json'), JSON.stringify({ ...metadata, version }));
  }
});
afterAll(() => rmSync(twoVersions, { recursive: true, force: true }));

describe('the scheduled drift run', () => {
  it('measures contiguous windows, keeps the M-of-N state across runs, and alarms on the third drifting window', async () => {
    const records: PredictionRecord[] = [];
    const { deps: d, reports, emitted } = deps(records);
    const statuses: string[] = [];
    const alarms: boolean[] = [];
    for (let hour = 1; hour <= 6; hour += 1) {
      // Two hours as trained, then the label shares move.
      records.push(batch(iris, T0 + (hour - 0.5) * HOUR, 200, hour, hour > 2 ? [0.6, 0.2, 0.2] : undefined));
      const [report] = await runScheduledDrift(d, new Date(T0 + hour * HOUR), HOUR);
      statuses.push(report!.status);
      alarms.push(report!.alarm);
      expect(report!.window).toEqual({ from: at(T0 + (hour - 1) * HOUR), to: at(T0 + hour * HOUR), n: 200 });
    }
    expect(statuses).toEqual(['ok', 'ok', 'drift', 'drift', 'drift', 'drift']);
    expect(alarms).toEqual([false, false, false, false, true, true]);
    const last = (await reports.latest('iris'))!;
    expect(last.history.map((h) => h.status)).toEqual(['ok', 'drift', 'drift', 'drift', 'drift']);
    expect(last.output.breach).toBe(true);
    // One report per window under drift/<model>/<version>/<window end>.json, and each one's figures emitted.
    expect([...reports.saved.keys()]).toContain(`drift/iris/1.0.0/${at(T0 + 6 * HOUR)}.json`);
    expect(reports.saved.size).toBe(6);
    expect(emitted.map((r) => r.alarm)).toEqual(alarms);
  });

  it('skips a model whose served version has no baseline, and measures the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-drift-nobase-'));
    try {
      const metadata = JSON.parse(readFileSync('models/iris/1.0.0/metadata.json', 'utf8')) as Record<string, unknown>;
      for (const [model, withBaseline] of [
        ['iris', true],
        ['plain', false],
      ] as const) {
        mkdirSync(join(dir, model, '1.0.0'), { recursive: true });
        const { baseline, ...rest } = metadata;
        writeFileSync(
          join(dir, model, '1.0.0', 'metadata.json'),
          JSON.stringify(withBaseline ? { ...rest, baseline, name: model } : { ...rest, name: model }),
        );
      }
      const { deps: d, emitted } = deps([batch(iris, T0 + 0.5 * HOUR, 60, 1)], memoryReports(), dir, ['plain', 'iris']);
      await runScheduledDrift(d, new Date(T0 + HOUR), HOUR);
      expect(emitted.map((r) => r.model)).toEqual(['iris']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts a late run where the last stopped, a very late one a window back, and does nothing twice for one time', async () => {
    const records = [batch(iris, T0 + 1.5 * HOUR, 60, 1), batch(iris, T0 + 2.5 * HOUR, 60, 2)];
    const { deps: d, reports } = deps(records);
    await runScheduledDrift(d, new Date(T0 + HOUR), HOUR);
    // 1h40 later: still joined up, so the record at 1h30 is counted with the one at 2h30.
    const [late] = await runScheduledDrift(d, new Date(T0 + 2 * HOUR + 40 * 60_000), HOUR);
    expect(late!.window).toMatchObject({ from: at(T0 + HOUR), n: 120 });
    expect(await runScheduledDrift(d, new Date(T0 + 2 * HOUR + 40 * 60_000), HOUR)).toEqual([]);
    // Ten hours on: the window is the last hour, not ten.
    const [far] = await runScheduledDrift(d, new Date(T0 + 12 * HOUR), HOUR);
    expect(far!.window).toMatchObject({ from: at(T0 + 11 * HOUR), n: 0 });
    expect(far!.status).toBe('not-enough-data');
    expect(reports.saved.size).toBe(3);
  });

  it('carries the count through a quiet window of the version production serves (not-enough-data, not drift)', async () => {
    const records: PredictionRecord[] = [];
    const { deps: d, reports } = deps(records);
    for (let hour = 1; hour <= 3; hour += 1) {
      records.push(batch(iris, T0 + (hour - 0.5) * HOUR, 200, hour, [0.6, 0.2, 0.2]));
      await runScheduledDrift(d, new Date(T0 + hour * HOUR), HOUR);
    }
    expect((await reports.latest('iris'))!.alarm).toBe(true);
    // A window with no record is reported for production's version, 1.0.0 here: its history goes on, and the quiet
    // window does not count as a drifting one.
    const [quiet] = await runScheduledDrift(d, new Date(T0 + 4 * HOUR), HOUR);
    expect(quiet!.history.map((h) => h.status)).toEqual(['drift', 'drift', 'drift', 'not-enough-data']);
    expect(quiet!.alarm).toBe(true);
  });

  it('reports an empty window for the version production serves (its alias), not the newest approved', async () => {
    const records = memoryRecords([]);
    const served = (state: LifecycleState) =>
      registryDriftSources(new ModelRegistry(twoVersions, undefined, { current: async () => state }), records).servedVersion(
        'iris',
      );
    // A rollback put production back on 1.0.0, and the model is disabled: still 1.0.0 that is watched.
    expect(await served({ aliases: { production: { version: '1.0.0' } }, disabled: true })).toBe('1.0.0');
    expect(await served(EMPTY_STATE)).toBe('1.1.0');
  });

  it('starts the M-of-N count afresh when another version answers', async () => {
    const records: PredictionRecord[] = [];
    const { deps: d } = deps(records, memoryReports(), twoVersions);
    d.models = async () => ['iris'];
    for (let hour = 1; hour <= 2; hour += 1) {
      records.push(batch(iris, T0 + (hour - 0.5) * HOUR, 200, hour, [0.6, 0.2, 0.2], '1.0.0'));
      await runScheduledDrift(d, new Date(T0 + hour * HOUR), HOUR);
    }
    records.push(batch(iris, T0 + 2.5 * HOUR, 200, 3, [0.6, 0.2, 0.2], '1.1.0'));
    const [next] = await runScheduledDrift(d, new Date(T0 + 3 * HOUR), HOUR);
    expect(next).toMatchObject({ version: '1.1.0', status: 'drift', alarm: false });
    expect(next!.history.map((h) => h.status)).toEqual(['drift']);
  });

  it('fails the run, after the other models, when one model cannot be measured', async () => {
    const { deps: d, emitted } = deps([batch(iris, T0 + 0.5 * HOUR, 60, 1)]);
    d.models = async () => ['sensor-anomaly', 'iris'];
    const broken = d.records;
    d.records = {
      ...broken,
      each: (query) => {
        if (query.model === 'sensor-anomaly') throw new Error('DynamoDB unreachable');
        return broken.each(query);
      },
    };
    await expect(runScheduledDrift(d, new Date(T0 + HOUR), HOUR)).rejects.toThrow(/failed for sensor-anomaly/);
    expect(emitted.map((r) => r.model)).toEqual(['iris']);
  });
});

describe('GET /v1/models/{model}/drift without from/to', () => {
  it('serves the latest report while no record came after it, and measures on demand once one did', async () => {
    const records = [batch(iris, T0 + 0.5 * HOUR, 200, 1)];
    const { deps: d, reports } = deps(records);
    await runScheduledDrift(d, new Date(T0 + HOUR), HOUR);
    const range = { from: at(T0 + 0.25 * HOUR), to: at(T0 + 1.25 * HOUR) };
    expect(await latestDrift(d, reports, 'iris', range)).toMatchObject({ generatedAt: expect.any(String), window: { n: 200 } });
    records.push(batch(iris, T0 + 1.1 * HOUR, 100, 2));
    const fresh = await latestDrift(d, reports, 'iris', range);
    expect(fresh).not.toHaveProperty('generatedAt');
    expect(fresh.window).toEqual({ ...range, n: 300 });
  });

  it('measures on demand before any scheduled run', async () => {
    const { deps: d, reports } = deps([batch(iris, T0 + 0.5 * HOUR, 80, 1)]);
    const answer = await latestDrift(d, reports, 'iris', { from: at(T0), to: at(T0 + HOUR) });
    expect(answer).toMatchObject({ model: 'iris', version: '1.0.0', status: 'ok', window: { n: 80 } });
  });
});
