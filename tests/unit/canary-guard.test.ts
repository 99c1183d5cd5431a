import { describe, expect, it } from 'vitest';
import { compareArms, quantile, type ArmFigures } from '../../functions/monitoring/canary-arms';
import { guardVerdict, MIN_PRODUCTION_REQUESTS, p95Limit } from '../../functions/monitoring/canary-guard';
import { GUARD_ACTOR, guardPass, type GuardPassDeps } from '../../functions/monitoring/canary-guard-pass';
import { canaryReport, canarySince, type CanarySources } from '../../functions/monitoring/canary-report';
import { GUARD_DEFAULTS } from '../../functions/platform/guard-settings';
import type { RecordQuery } from '../../functions/records/model-records';
import type { PredictionRecord } from '../../functions/records/records';
import type { AliasStore, LifecycleEvent, LifecycleState } from '../../functions/serving/aliases';
import { moveAlias, withdrawCanary, type LifecycleActor } from '../../functions/serving/lifecycle';

/**
 * The canary guard's parts on fakes: the two arms' figures from records, the verdict, and a pass that withdraws
 * a worse canary as one event with its evidence (the real store and platform: tests/integration/canary.test.ts).
 */

const arm = (figures: Partial<ArmFigures>): ArmFigures => ({
  version: '1',
  count: 1_000,
  succeeded: 1_000,
  errors: 0,
  errorRate: 0,
  rejected: 0,
  rejectedRate: 0,
  latencyP95Ms: 10,
  output: {},
  ...figures,
});

describe('guardVerdict', () => {
  const settings = GUARD_DEFAULTS;

  it('waits for the minimum of canary requests (200 by default), then for a production baseline', () => {
    // A canary that fails every request still waits for its 200th.
    const failing = arm({ version: '2', count: 199, errors: 199, errorRate: 1 });
    expect(guardVerdict(arm({}), failing, settings)).toMatchObject({
      decision: 'wait',
      reason: '199 of 200 canary requests so far',
    });
    const few = arm({ count: MIN_PRODUCTION_REQUESTS - 1 });
    expect(guardVerdict(few, arm({ count: 200 }), settings)).toMatchObject({ decision: 'wait' });
  });

  it('rolls back when the error rate exceeds production’s by more than the margin, not at the margin', () => {
    const production = arm({ errorRate: 0.01 });
    expect(guardVerdict(production, arm({ count: 200, errorRate: 0.03 }), settings).decision).toBe('keep');
    const verdict = guardVerdict(production, arm({ version: '2', count: 200, errorRate: 0.031 }), settings);
    expect(verdict).toMatchObject({ decision: 'roll-back', breaches: ['error-rate'] });
    expect(verdict).toMatchObject({ reason: expect.stringContaining("error rate 3.1 % against production's 1.0 %") });
  });

  it('rolls back a slower p95 only past both margins: the share of production’s and the floor in ms', () => {
    // Production at 10 ms: the floor (50 ms) is the larger margin.
    expect(p95Limit(10, settings)).toBe(60);
    expect(guardVerdict(arm({}), arm({ latencyP95Ms: 60 }), settings).decision).toBe('keep');
    expect(guardVerdict(arm({}), arm({ latencyP95Ms: 61 }), settings)).toMatchObject({ breaches: ['latency-p95'] });
    // Production at 400 ms: the share (50 %) is.
    expect(p95Limit(400, settings)).toBe(600);
    expect(guardVerdict(arm({ latencyP95Ms: 400 }), arm({ latencyP95Ms: 590 }), settings).decision).toBe('keep');
  });

  it('names both breaches when both happen, and judges no latency when the canary never succeeded', () => {
    const both = guardVerdict(arm({}), arm({ errorRate: 0.5, latencyP95Ms: 500 }), settings);
    expect(both).toMatchObject({ decision: 'roll-back', breaches: ['error-rate', 'latency-p95'] });
    const none = guardVerdict(arm({}), arm({ errorRate: 1, latencyP95Ms: null }), settings);
    expect(none).toMatchObject({ breaches: ['error-rate'] });
  });

  it('takes its margins from the settings', () => {
    const strict = { ...settings, errorMargin: 0, p95FloorMs: 0, p95Margin: 0.1, minCanaryRequests: 10 };
    expect(guardVerdict(arm({}), arm({ count: 10, errorRate: 0.001 }), strict).decision).toBe('roll-back');
    expect(guardVerdict(arm({}), arm({ count: 10, latencyP95Ms: 11.5 }), strict).decision).toBe('roll-back');
  });
});

let ids = 0;
function record(alias: string | undefined, version: string, fields: Partial<PredictionRecord> = {}): PredictionRecord {
  ids += 1;
  return {
    predictionId: `p${ids}`,
    requestId: 'r',
    source: 'http',
    model: 'm',
    modelVersion: version,
    ...(alias && { alias }),
    status: 'succeeded',
    result: { label: 'a', confidence: 1, probabilities: { a: 1 } },
    timings: { preprocessMs: 0, inferenceMs: 0, totalMs: 1 },
    createdAt: '2026-01-01T00:00:30.000Z',
    expiresAt: 0,
    ...fields,
  };
}

const recordsOf = (records: PredictionRecord[]) => ({
  queries: [] as RecordQuery[],
  async *each(query: RecordQuery) {
    this.queries.push(query);
    yield* records.filter((r) => r.createdAt >= query.from && r.createdAt <= query.to);
  },
});

describe('compareArms', () => {
  it('puts each record in the arm its alias and version name, and sums up counts, rates, p95 and outputs', async () => {
    const labels = ['a', 'a', 'a', 'b'];
    const records = recordsOf([
      ...labels.map((label, i) =>
        record('production', '1', {
          result: { label, confidence: 1, probabilities: {} },
          timings: { preprocessMs: 0, inferenceMs: 0, totalMs: i + 1 },
        }),
      ),
      record('production', '1', { status: 'failed', result: undefined }),
      record('canary', '2', { status: 'rejected', result: undefined }),
      record('canary', '2', {
        result: { detections: [0.2, 0.9].map((score) => ({ label: 'car', score, box: { xmin: 0, ymin: 0, xmax: 1, ymax: 1 } })) },
      }),
      record('canary', '2', {
        result: { rows: 3, kind: 'batch', succeededRows: 3, rejectedRows: 0 },
        timings: { preprocessMs: 0, inferenceMs: 0, totalMs: 9_000 },
      }),
      // Neither arm: asked by version, another version as canary, a batch still running.
      record(undefined, '1'),
      record('canary', '1'),
      record('canary', '2', { status: 'running' as never }),
    ]);
    const arms = await compareArms(
      records,
      'm',
      { production: '1', canary: '2' },
      { from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:01:00.000Z' },
    );
    expect(records.queries).toEqual([{ model: 'm', from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:01:00.000Z' }]);
    expect(arms.production).toEqual({
      version: '1',
      count: 5,
      succeeded: 4,
      errors: 1,
      errorRate: 0.2,
      rejected: 0,
      rejectedRate: 0,
      latencyP95Ms: 4,
      output: { labels: { a: 0.75, b: 0.25 } },
    });
    // The batch counts, but its time (the whole file's) is no request's latency.
    expect(arms.canary).toMatchObject({
      count: 3,
      succeeded: 2,
      rejected: 1,
      latencyP95Ms: 1,
      output: { quantiles: { p05: 0.2, p50: 0.2, p95: 0.9 } },
    });
  });

  it('reads quantiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(values, 0.05), quantile(values, 0.5), quantile(values, 0.95), quantile([7], 0.95)]).toEqual([5, 50, 95, 7]);
  });
});

/** An in-memory lifecycle log: the AliasStore port as aliases-dynamodb.ts keeps it, conditional append included. */
function memoryStore(events: LifecycleEvent[] = []): AliasStore & { events: LifecycleEvent[] } {
  return {
    events,
    latest: async (model) => events.filter((e) => e.model === model).at(-1),
    history: async (model) => events.filter((e) => e.model === model),
    append: async (event) => {
      if (events.some((e) => e.model === event.model && e.seq === event.seq)) return false;
      events.push(event);
      return true;
    },
  };
}

const event = (seq: number, at: string, aliases: LifecycleState['aliases']): LifecycleEvent => ({
  model: 'm',
  seq,
  action: 'move',
  actor: 'k',
  reason: 'r',
  at,
  state: { aliases, disabled: false },
});

describe('canarySince and canaryReport', () => {
  const history = [
    event(1, '2026-01-01T00:00:00.000Z', { production: { version: '1' }, canary: { version: '3', weight: 5 } }),
    event(2, '2026-01-01T00:00:10.000Z', { production: { version: '1' }, canary: { version: '2', weight: 5 } }),
    event(3, '2026-01-01T00:00:20.000Z', { production: { version: '1' }, canary: { version: '2', weight: 25 } }),
  ];

  it('dates the window from the canary’s last move, of version or weight; other moves keep it', () => {
    const production = event(4, '2026-01-01T00:00:30.000Z', {
      production: { version: '5' },
      canary: { version: '2', weight: 25 },
    });
    expect(canarySince([...history, production], { version: '2', weight: 25 })).toBe('2026-01-01T00:00:20.000Z');
    expect(canarySince(history.slice(0, 2), { version: '2', weight: 5 })).toBe('2026-01-01T00:00:10.000Z');
    expect(canarySince(history, { version: '9' })).toBeUndefined();
  });

  it('compares over the canary’s life, at most the last windowMinutes, and 404s a model without a canary', async () => {
    const sources: CanarySources = {
      aliases: memoryStore(history),
      records: recordsOf([]),
      knows: async (model) => model !== 'nobody',
      newestApproved: async () => '1',
    };
    const early = await canaryReport(sources, 'm', GUARD_DEFAULTS, new Date('2026-01-01T00:05:00.000Z'));
    expect(early).toMatchObject({
      window: { from: '2026-01-01T00:00:20.000Z', to: '2026-01-01T00:05:00.000Z' },
      production: { version: '1', count: 0 },
      canary: { version: '2', weight: 25, count: 0 },
      guard: { verdict: { decision: 'wait' }, settings: GUARD_DEFAULTS },
    });
    const late = await canaryReport(sources, 'm', GUARD_DEFAULTS, new Date('2026-01-01T03:00:00.000Z'));
    expect(late.window.from).toBe('2026-01-01T02:00:00.000Z');
    const named = await canaryReport(sources, 'm', GUARD_DEFAULTS, new Date(), { from: '2025-12-31T00:00:00.000Z' });
    expect(named.window.from).toBe('2025-12-31T00:00:00.000Z');
    await expect(canaryReport(sources, 'nobody', GUARD_DEFAULTS, new Date())).rejects.toMatchObject({ code: 'model-not-found' });
    const bare = { ...sources, aliases: memoryStore([event(1, '2026-01-01T00:00:00.000Z', { production: { version: '1' } })]) };
    await expect(canaryReport(bare, 'm', GUARD_DEFAULTS, new Date())).rejects.toMatchObject({ code: 'alias-not-found' });
  });
});

describe('guardPass', () => {
  const now = new Date('2026-01-01T00:01:00.000Z');
  const start = [event(1, '2026-01-01T00:00:00.000Z', { production: { version: '1' }, canary: { version: '2', weight: 50 } })];
  const traffic = (canaryStatus: PredictionRecord['status']) => [
    ...Array.from({ length: 200 }, () => record('production', '1')),
    ...Array.from({ length: 200 }, () => record('canary', '2', { status: canaryStatus })),
  ];

  function deps(store: AliasStore, records: PredictionRecord[]): GuardPassDeps {
    return {
      sources: { aliases: store, records: recordsOf(records), knows: async () => true, newestApproved: async () => '1' },
      store,
      modelNames: async () => ['m', 'quiet'],
      settings: GUARD_DEFAULTS,
      now: () => now,
      callerPseudonym: 'ps_guard',
      requestId: 'run-1',
    };
  }

  it('withdraws a failing canary in one event: actor guard, weight 0, the figures as evidence, audited', async () => {
    const store = memoryStore([...start]);
    const [outcome] = await guardPass(deps(store, traffic('failed')));
    expect(outcome).toMatchObject({ model: 'm', decision: 'roll-back' });
    const withdrawal = store.events.at(-1)!;
    expect(withdrawal).toMatchObject({
      seq: 2,
      action: 'rollback',
      alias: 'canary',
      from: '2',
      weight: 0,
      actor: GUARD_ACTOR,
      reason: expect.stringContaining('error rate 100.0 %'),
      state: { aliases: { production: { version: '1' } }, disabled: false },
      evidence: {
        window: { from: '2026-01-01T00:00:00.000Z', to: now.toISOString() },
        production: { version: '1', count: 200, errorRate: 0 },
        canary: { version: '2', count: 200, errors: 200, errorRate: 1 },
        breaches: ['error-rate'],
        settings: GUARD_DEFAULTS,
      },
    });
    expect(withdrawal.state.aliases.canary).toBeUndefined();
    expect(outcome?.decision === 'roll-back' && outcome.change.audit).toMatchObject({
      event: 'model-lifecycle',
      callerPseudonym: 'ps_guard',
      requestId: 'run-1',
      action: 'rollback',
      alias: 'canary',
      from: '2',
      weight: 0,
    });
  });

  it('keeps a canary as good as production, and writes nothing', async () => {
    const store = memoryStore([...start]);
    expect(await guardPass(deps(store, traffic('succeeded')))).toEqual([
      expect.objectContaining({ model: 'm', decision: 'keep' }),
    ]);
    expect(store.events).toHaveLength(1);
  });

  it('writes nothing when someone changed the model meanwhile (the next pass judges again), and skips a disabled model', async () => {
    const store = memoryStore([...start]);
    const racing: AliasStore = {
      ...store,
      // A person's move lands between the guard's read and its write.
      latest: async (model) => {
        const latest = await store.latest(model);
        if (store.events.length === 1) store.events.push({ ...start[0]!, seq: 2 });
        return latest;
      },
    };
    const [outcome] = await guardPass({ ...deps(store, traffic('failed')), store: racing });
    expect(outcome).toMatchObject({ decision: 'failed', reason: expect.stringContaining('Another change') });
    expect(store.events).toHaveLength(2);
    const disabled = memoryStore([{ ...start[0]!, state: { ...start[0]!.state, disabled: true } }]);
    expect(await guardPass(deps(disabled, traffic('failed')))).toEqual([]);
  });
});

describe('the lifecycle around a canary', () => {
  const actor: LifecycleActor = { keyId: 'k', callerPseudonym: 'ps_k', requestId: 'r', reason: 'why' };
  const registry = {
    knows: async () => true,
    inspect: async () => ({ metadata: { governance: { approval: { status: 'approved' } } } }) as never,
    resolve: async () => ({ metadata: { version: '1' } }) as never,
  };

  it('promoting (production := the canary’s version) ends the canary in the same event; another move keeps it', async () => {
    const store = memoryStore([
      event(1, '2026-01-01T00:00:00.000Z', { production: { version: '1' }, canary: { version: '2', weight: 50 } }),
    ]);
    const lifecycle = { store, registry, now: () => new Date('2026-01-01T00:01:00.000Z') };
    await moveAlias(lifecycle, 'm', 'production', { version: '3' }, actor);
    expect(store.events.at(-1)!.state.aliases).toEqual({ production: { version: '3' }, canary: { version: '2', weight: 50 } });
    const { event: promoted } = await moveAlias(lifecycle, 'm', 'production', { version: '2' }, actor);
    expect(promoted).toMatchObject({ seq: 3, action: 'move', alias: 'production', from: '3', to: '2' });
    expect(promoted.state.aliases).toEqual({ production: { version: '2' } });
  });

  it('refuses to withdraw a canary that is not there', async () => {
    const store = memoryStore([]);
    await expect(withdrawCanary({ store, now: () => new Date() }, 'm', actor, {})).rejects.toMatchObject({
      code: 'alias-not-found',
    });
  });
});
