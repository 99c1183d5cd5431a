import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CanaryReport } from '../../functions/monitoring/canary-report';
import { GUARD_DEFAULTS } from '../../functions/platform/guard-settings';
import { createPseudonymiser } from '../../functions/records/pseudonym';
import type { PredictionRecord } from '../../functions/records/records';
import { shareBucket } from '../../functions/serving/routing';
import { GraphBuilder, serialise } from '../../functions/training/onnx/graph';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';
import { savedQuery } from '../support/saved-queries';

/**
 * The canary on the real local platform: its share of default traffic and one arm per person, over HTTP; the two
 * arms compared (GET /v1/models/{model}/canary); the guard, run by the platform every second here (every 5 s by
 * default: the tests wait for passes, not for the time between them) with its default settings (200 canary
 * requests), withdrawing a canary that fails and one that is slow, keeping one that is fine; and `vigie models
 * rollout` through its steps to promotion, or stopped by the guard.
 */
const key = TEST_SETTINGS.apiKey;
const exec = promisify(execFile);
/** The local stage's pseudonym key (serverless.yml): the canary's share hashes the subject's pseudonym. */
const pseudonymise = createPseudonymiser('local-dev-pseudonym-key-not-secret');
let t: TestPlatform;
const irisOnnx = readFileSync('models/iris/1.0.0/model.onnx');
const FLOWERS = [
  { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
  { sepal_length: 6.4, sepal_width: 3.2, petal_length: 4.5, petal_width: 1.5 },
  { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 },
];

/** The shipped iris package's metadata as a team would write it for an import. */
function irisSpec(): Record<string, unknown> {
  const raw = JSON.parse(readFileSync('models/iris/1.0.0/metadata.json', 'utf8')) as Record<string, unknown>;
  delete raw.name;
  delete raw.version;
  delete raw.artifact;
  return raw;
}

/**
 * An iris-shaped graph that answers correctly shaped nonsense slowly: the row is spread into a K×K matrix
 * multiplied by its transpose (2·K³ operations, about 150 ms at K = 1,280 here) before three equal logits.
 */
function slowGraph(k = 1_280): Uint8Array {
  const g = new GraphBuilder();
  const row = g.node('MatMul', ['features', g.floats(new Float32Array(4 * k).fill(0.001), [4, k])]);
  const square = g.node('Expand', [row, g.int64s([k, k], [2])]);
  const product = g.node('MatMul', [square, g.node('Transpose', [square])]);
  const mean = g.node('ReduceMean', [product], { axes: { ints: [0] }, keepdims: 1 });
  g.node('MatMul', [mean, g.floats(new Float32Array(k * 3).fill(0.001), [k, 3])], {}, '', 'logits');
  return serialise(g, { name: 'features', width: 4 }, { name: 'logits', width: 3 });
}

/** A small, fast iris-shaped graph: bytes of its own, so that corrupting its artifact touches no other version. */
function smallGraph(): Uint8Array {
  const g = new GraphBuilder();
  g.node('MatMul', ['features', g.floats(new Float32Array(12).fill(0.1), [4, 3])], {}, '', 'logits');
  return serialise(g, { name: 'features', width: 4 }, { name: 'logits', width: 3 });
}

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${t.http}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers as Record<string, string>) } });
const send = (method: string, path: string, body: unknown) =>
  api(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function importVersion(model: string, version: string, onnx: Uint8Array) {
  const form = new FormData();
  form.set('model', new Blob([onnx]), 'model.onnx');
  form.set('metadata', new Blob([JSON.stringify(irisSpec())]), 'metadata.json');
  form.set('version', version);
  const imported = await api(`/v1/models/${model}/versions`, { method: 'POST', body: form });
  expect(imported.status, await imported.clone().text()).toBe(201);
  const approval = await send('POST', `/v1/models/${model}/versions/${version}/approval`, {
    decision: 'approved',
    approver: 'Jeanne Martin, ML lead',
  });
  expect(approval.status).toBe(200);
}

const move = async (model: string, alias: string, body: Record<string, unknown>) => {
  const answer = await send('PUT', `/v1/models/${model}/aliases/${alias}`, { reason: 'canary test', ...body });
  expect(answer.status, await answer.clone().text()).toBe(200);
};

interface Answer {
  status: number;
  modelVersion?: string;
  alias?: string;
}

async function predict(model: string, subject: string, i: number): Promise<Answer> {
  const answer = await api(`/v1/models/${model}/predict`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-subject-id': subject },
    body: JSON.stringify({ features: FLOWERS[i % FLOWERS.length] }),
  });
  const body = (await answer.json()) as { modelVersion?: string; alias?: string };
  return { status: answer.status, modelVersion: body.modelVersion, alias: body.alias };
}

/** One prediction per subject, a few at a time (one person, one request each: no cache between them). */
async function traffic(model: string, subjects: string[], concurrency = 4): Promise<Answer[]> {
  const answers: Answer[] = new Array(subjects.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < subjects.length) {
        const i = next++;
        answers[i] = await predict(model, subjects[i]!, i);
      }
    }),
  );
  return answers;
}

let runs = 0;
const subjects = (n: number) => {
  runs += 1;
  return Array.from({ length: n }, (_, i) => `canary-subject-${runs}-${i}`);
};

interface ModelView {
  aliases: Record<string, { version: string; weight?: number }>;
  aliasHistory: Array<Record<string, unknown> & { seq: number; at: string; actor: string; alias?: string; action: string }>;
}
const modelView = async (model: string) => (await (await api(`/v1/models/${model}`)).json()) as ModelView;

/** Sends traffic in rounds until the canary is gone or the time runs out; the guard's event that withdrew it. */
async function trafficUntilWithdrawn(model: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await modelView(model);
    if (!view.aliases.canary) return view.aliasHistory.at(-1)!;
    if (Date.now() > deadline) throw new Error(`the guard did not withdraw ${model}'s canary within ${timeoutMs} ms`);
    await traffic(model, subjects(40));
  }
}

/**
 * The guard's decision time: from the breach (the moment the canary's records first met the minimum the verdict
 * needs: its 200th record of the window) to the withdrawal event the guard wrote.
 */
async function decisionSeconds(model: string, version: string, window: { from: string }, withdrawnAt: string): Promise<number> {
  const canary = (await t.records())
    .filter(
      (r: PredictionRecord) =>
        r.model === model && r.alias === 'canary' && r.modelVersion === version && r.createdAt >= window.from,
    )
    .map((r) => r.createdAt)
    .sort();
  const breach = canary[GUARD_DEFAULTS.minCanaryRequests - 1]!;
  return (Date.parse(withdrawnAt) - Date.parse(breach)) / 1000;
}

/** The guard's passes so far: serverless-offline logs each invocation it ran, `(λ: guard) RequestId: …`. */
const guardPasses = () =>
  (readFileSync(join(t.env.VIGIE_STATE_DIR!, 'logs', 'offline.log'), 'utf8').match(/^\(λ: guard\) RequestId/gm) ?? []).length;

beforeAll(async () => {
  t = await startTestPlatform({ guardIntervalMs: 1_000 });
  // Two versions of the same iris model, for the routing share.
  await importVersion('iris-canary', '1.0.0', irisOnnx);
  await importVersion('iris-canary', '1.1.0', irisOnnx);
  // For the guard: production, a version whose artifact will be corrupted, a slow one, and a fine one.
  await importVersion('iris-guard', '1.0.0', irisOnnx);
  await importVersion('iris-guard', '1.1.0', smallGraph());
  await importVersion('iris-guard', '1.2.0', slowGraph());
  await importVersion('iris-guard', '1.3.0', irisOnnx);
  await move('iris-canary', 'production', { version: '1.0.0' });
  await move('iris-guard', 'production', { version: '1.0.0' });
}, 300_000);

afterAll(async () => {
  await t?.stop();
});

describe('the canary’s share of traffic', () => {
  // Which subjects the canary takes is the hash of their pseudonym (shareBucket): each answer is checked against
  // it, subject by subject. That the hash spreads subjects evenly (so a weight of w takes w % of them) is
  // tests/unit/lifecycle.test.ts's, on 100,000 keys.
  it.each([10, 30])(
    'sends to the canary at %i %% exactly the subjects whose share falls under it, each always to the same version',
    async (weight) => {
      await move('iris-canary', 'canary', { version: '1.1.0', weight });
      // The routing paths see a move within a second (D19).
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const people = subjects(300);
      const answers = await traffic('iris-canary', people);
      expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
      const expected = people.map((person) => (shareBucket(pseudonymise(person)) < weight ? 'canary' : 'production'));
      expect(answers.map((answer) => answer.alias)).toEqual(expected);
      expect(answers.map((answer) => answer.modelVersion)).toEqual(
        expected.map((alias) => (alias === 'canary' ? '1.1.0' : '1.0.0')),
      );
      const share = (expected.filter((alias) => alias === 'canary').length / people.length) * 100;
      console.warn(`canary at ${weight} %: ${share.toFixed(1)} % of ${people.length} subjects`);
      // The same 100 people again: each gets the version they got the first time.
      const again = await traffic('iris-canary', people.slice(0, 100));
      expect(again.map((answer) => answer.modelVersion)).toEqual(answers.slice(0, 100).map((answer) => answer.modelVersion));
    },
    240_000,
  );

  it('shows both arms compared: counts, errors, rejected, p95 and label shares, with the guard’s verdict and its reason', async () => {
    const answer = await api('/v1/models/iris-canary/canary');
    expect(answer.status).toBe(200);
    const report = (await answer.json()) as CanaryReport;
    // Since the canary's last move (to 30 %): the round above and its re-asks.
    expect(report.production.count + report.canary.count).toBe(400);
    expect(report).toMatchObject({
      model: 'iris-canary',
      production: { version: '1.0.0', errors: 0, errorRate: 0, rejected: 0, latencyP95Ms: expect.any(Number) },
      canary: { version: '1.1.0', weight: 30, errors: 0, output: { labels: expect.any(Object) } },
      guard: { settings: GUARD_DEFAULTS },
    });
    // The same model on both arms: the same answers to the same flowers, in the same shares.
    for (const label of ['setosa', 'versicolor', 'virginica']) {
      expect(Math.abs(report.canary.output.labels![label]! - report.production.output.labels![label]!)).toBeLessThan(0.1);
    }
    // Fewer canary requests than the guard's minimum: it says it waits, and why (its keep is the guard tests' below).
    expect(report.guard.verdict).toEqual({
      decision: 'wait',
      reason: `${report.canary.count} of ${GUARD_DEFAULTS.minCanaryRequests} canary requests so far`,
    });
    // And the CLI, as a person reads it.
    const { stdout } = await exec(process.execPath, ['bin/vigie.js', 'models', 'canary', 'iris-canary'], { env: t.env });
    expect(stdout).toMatch(/iris-canary: canary 1\.1\.0 at 30 % against production 1\.0\.0/);
    expect(stdout).toMatch(/requests\s+\d+\s+\d+/);
    expect(stdout).toMatch(/guard: wait/);
  });

  it('`vigie models promote` puts production on the canary’s version and leaves no canary behind', async () => {
    const { stdout } = await exec(
      process.execPath,
      ['bin/vigie.js', 'models', 'promote', 'iris-canary', '--reason', 'same answers'],
      { env: t.env },
    );
    expect(stdout).toMatch(/production 1\.0\.0 → 1\.1\.0/);
    expect((await modelView('iris-canary')).aliases).toEqual({ production: { version: '1.1.0' } });
    const after = await traffic('iris-canary', subjects(50));
    expect(after.every((answer) => answer.alias === 'production' && answer.modelVersion === '1.1.0')).toBe(true);
    const none = await exec(process.execPath, ['bin/vigie.js', 'models', 'canary', 'iris-canary'], { env: t.env }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(none).toMatchObject({ code: 1, stderr: expect.stringContaining('alias-not-found') });
  }, 60_000);
});

describe('the guard', () => {
  it('keeps a canary that does as well as production, and writes nothing', async () => {
    await move('iris-guard', 'canary', { version: '1.3.0', weight: 50 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await traffic('iris-guard', subjects(500));
    const report = (await (await api('/v1/models/iris-guard/canary')).json()) as CanaryReport;
    expect(report.canary.count).toBeGreaterThanOrEqual(GUARD_DEFAULTS.minCanaryRequests);
    expect(report.guard.verdict.decision).toBe('keep');
    const seq = (await modelView('iris-guard')).aliasHistory.at(-1)!.seq;
    // Three whole passes of the guard after the traffic (a fourth may have been under way already).
    const passes = guardPasses();
    await eventually(async () => (guardPasses() >= passes + 4 ? true : undefined), 60_000);
    const view = await modelView('iris-guard');
    expect(view.aliases.canary).toEqual({ version: '1.3.0', weight: 50 });
    expect(view.aliasHistory.at(-1)!.seq).toBe(seq);
  }, 120_000);

  it('withdraws a canary that fails, within 30 s of the breach, with the figures as evidence, audited', async () => {
    // The version's artifact is corrupted after its approval: every prediction it is asked for fails (5xx).
    await t.s3.send(
      new PutObjectCommand({ Bucket: 'vigie-local-models', Key: 'models/iris-guard/1.1.0/model.onnx', Body: 'not a model' }),
    );
    await move('iris-guard', 'canary', { version: '1.1.0', weight: 50 });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const withdrawal = await trafficUntilWithdrawn('iris-guard', 120_000);
    expect(withdrawal).toMatchObject({
      action: 'rollback',
      alias: 'canary',
      from: '1.1.0',
      weight: 0,
      actor: 'guard',
      reason: expect.stringMatching(/^canary 1\.1\.0 rolled back by the guard: error rate 100\.0 %/),
      evidence: {
        production: { version: '1.0.0', errorRate: 0 },
        canary: { version: '1.1.0', errorRate: 1, latencyP95Ms: null },
        breaches: ['error-rate'],
        settings: GUARD_DEFAULTS,
      },
    });
    const evidence = withdrawal.evidence as CanaryReport;
    expect(evidence.canary.count).toBeGreaterThanOrEqual(GUARD_DEFAULTS.minCanaryRequests);
    const seconds = await decisionSeconds('iris-guard', '1.1.0', evidence.window, withdrawal.at);
    console.warn(`guard on a failing canary: withdrawn ${seconds.toFixed(1)} s after its 200th request`);
    expect(seconds).toBeLessThanOrEqual(30);
    // Every request goes to production again, once every container has seen the withdrawal (within 1 s, D19).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = await traffic('iris-guard', subjects(20));
    expect(after.every((answer) => answer.status === 200 && answer.alias === 'production')).toBe(true);
    // The guard's move is a model-lifecycle audit event as a person's is, listed by the saved query.
    await expect
      .poll(() => savedQuery(t, 'alias-moves').rows)
      .toContainEqual(
        expect.objectContaining({
          model: 'iris-guard',
          action: 'rollback',
          alias: 'canary',
          fromVersion: '1.1.0',
          weight: 0,
          callerPseudonym: expect.stringMatching(/^ps_/),
        }),
      );
  }, 180_000);

  it('stops `vigie models rollout` of a slow canary: the guard withdraws it, the command says why and exits 1', async () => {
    const rollout = exec(
      process.execPath,
      ['bin/vigie.js', 'models', 'rollout', 'iris-guard', '1.2.0', '--steps', '80,100', '--bake', '5m', '--reason', 'faster?'],
      { env: t.env },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    // The rollout's first step puts the canary at 80 %; then the traffic.
    for (let i = 0; i < 100 && (await modelView('iris-guard')).aliases.canary?.version !== '1.2.0'; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const withdrawal = await trafficUntilWithdrawn('iris-guard', 180_000);
    expect(withdrawal).toMatchObject({
      action: 'rollback',
      alias: 'canary',
      from: '1.2.0',
      actor: 'guard',
      evidence: { breaches: ['latency-p95'], canary: { errorRate: 0 } },
    });
    const evidence = withdrawal.evidence as CanaryReport;
    console.warn(
      `slow canary: p95 ${evidence.canary.latencyP95Ms} ms against production's ${evidence.production.latencyP95Ms} ms; ` +
        `withdrawn ${(await decisionSeconds('iris-guard', '1.2.0', evidence.window, withdrawal.at)).toFixed(1)} s after its 200th request`,
    );
    const { code, stderr } = await rollout;
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /rollout of iris-guard 1\.2\.0 stopped at step 1\/2: (the guard rolled canary 1\.2\.0 back|the guard's verdict is roll-back)/,
    );
    expect((await modelView('iris-guard')).aliases).toEqual({ production: { version: '1.0.0' } });
  }, 300_000);

  it('`vigie models rollout` takes a version through its steps and promotes it, leaving no canary behind', async () => {
    const { stdout } = await exec(
      process.execPath,
      [
        'bin/vigie.js',
        'models',
        'rollout',
        'iris-guard',
        '1.3.0',
        '--steps',
        '5,50,100',
        '--bake',
        '1s',
        '--reason',
        'retrained',
      ],
      { env: t.env },
    );
    expect(stdout).toMatch(/step 1\/3: canary 1\.3\.0 at 5 %/);
    expect(stdout).toMatch(/step 3\/3: canary 1\.3\.0 at 100 %/);
    expect(stdout).toMatch(/production is now 1\.3\.0/);
    const view = await modelView('iris-guard');
    expect(view.aliases).toEqual({ production: { version: '1.3.0' } });
    expect(view.aliasHistory.slice(-4)).toMatchObject([
      { alias: 'canary', to: '1.3.0', weight: 5, reason: 'retrained (rollout step 1/3: 5 %)' },
      { alias: 'canary', to: '1.3.0', weight: 50 },
      { alias: 'canary', to: '1.3.0', weight: 100 },
      { alias: 'production', from: '1.0.0', to: '1.3.0', reason: 'retrained (rollout complete)' },
    ]);
    expect((await api('/v1/models/iris-guard/canary')).status).toBe(404);
  }, 60_000);
});
