import { performance } from 'node:perf_hooks';
import { createPseudonymiser } from '../../functions/records/pseudonym';
import { createAliasStore } from '../../functions/serving/aliases-dynamodb';
import { cachedLifecycle } from '../../functions/serving/lifecycle-cache';
import { ModelRegistry } from '../../functions/serving/registry';
import { shareBucket } from '../../functions/serving/routing';
import type { ScratchPlatform } from '../local/scratch-platform';
import { timeInterleaved, timeRuns, type Run } from './measure';
import { percentiles } from './stats';
import { markdownTable } from './table';

const MODEL = 'iris';
const VERSION = '1.0.0';
const setosa = JSON.stringify({ features: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 } });
/** The local stage's pseudonymisation key (serverless.yml): the bench picks subjects on each side of a share. */
const pseudonymise = createPseudonymiser('local-dev-pseudonym-key-not-secret');

/** A subject whose requests fall in (or out of) the shadow's share of `weight` % (serving/routing.ts). */
function subjectFor(shadowed: boolean, weight: number): string {
  for (let i = 0; ; i += 1) {
    const subject = `bench-subject-${i}`;
    if (shareBucket(pseudonymise(subject)) >= 100 - weight === shadowed) return subject;
  }
}

/**
 * Routing and shadow (#23) on the cheapest HTTP path, iris `features`, where their cost shows most: (r) the
 * routing decision in process (`ModelRegistry.route`, lifecycle read from the platform's own table through the
 * per-container cache) against `resolve` (routing bypassed), taking turns; (e) HTTP predict with no alias, then
 * with production, canary and shadow aliases set; (s) HTTP predict of a subject the shadow scores against one it
 * does not, taking turns A B B A (the shadow's own run on this machine weighs on the next request, either arm's).
 * Ratios are to the baseline of each pair in the same run.
 */
export async function measureRouting(t: ScratchPlatform, apiKey: string, count: number): Promise<string> {
  const aliasesTable = t.env.ALIASES_TABLE ?? 'vigie-local-aliases';
  const registry = new ModelRegistry('models', undefined, cachedLifecycle(createAliasStore(t.documents, aliasesTable)));
  const calls = count * 50;
  const inProcess = await timeInterleaved(calls, 1_000, {
    resolve: () => registry.resolve(MODEL),
    route: (i) => registry.route(MODEL, { shareKey: `request-${i}` }),
  });

  const predict = (subject?: string) => () =>
    fetch(`${t.http}/v1/models/${MODEL}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey, ...(subject && { 'x-subject-id': subject }) },
      body: setosa,
    }).then(async (response) => {
      if (response.status !== 200) throw new Error(`predict answered ${response.status}: ${await response.text()}`);
    });
  const move = async (alias: string, weight?: number) => {
    const response = await fetch(`${t.http}/v1/models/${MODEL}/aliases/${alias}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-api-key': apiKey },
      body: JSON.stringify({ version: VERSION, weight, reason: `bench: ${alias}` }),
    });
    if (response.status !== 200) throw new Error(`PUT alias ${alias} answered ${response.status}: ${await response.text()}`);
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_200));

  const noAlias = await timeRuns(count, 20, predict());
  await move('production');
  // A canary at 1 % and a shadow at 1 %: every request runs the whole decision; the benched ones fall in neither share.
  await move('canary', 1);
  await move('shadow', 1);
  await settle();
  const subject = subjectFor(false, 2);
  const aliased = await timeRuns(count, 20, predict(subject));

  await move('shadow', 50);
  await settle();
  const tasks = { without: predict(subjectFor(false, 50)), with: predict(subjectFor(true, 50)) };
  // A B B A A B B A…: each arm follows a shadowed request as often as the other (in strict turns, one arm would
  // always follow the other's shadow run), and a pause lets that run end, as it would in its own container.
  const shadow = { with: [] as number[], without: [] as number[] };
  const turns = await timeRuns(
    2 * count,
    10,
    async (i) => {
      const arm = i % 4 === 0 || i % 4 === 3 ? 'with' : 'without';
      const started = performance.now();
      await tasks[arm]();
      if (i < 2 * count) shadow[arm].push(performance.now() - started);
    },
    { pauseMs: 20 },
  );
  const runOf = (samples: number[]): Run => ({ samples, seconds: (turns.seconds * samples.length) / (2 * count) });

  const line = (path: string, run: Run, baseline?: Run) => {
    const { n, p50, p95, p99 } = percentiles(run.samples);
    const base = baseline && percentiles(baseline.samples).p50;
    const digits = p50 < 0.1 ? 4 : 2;
    return [
      path,
      String(n),
      p50.toFixed(digits),
      p95.toFixed(digits),
      p99.toFixed(digits),
      base === undefined ? 'baseline' : `${(p50 / base).toFixed(2)}×`,
      base === undefined ? '' : `${(p50 - base).toFixed(digits)} ms`,
    ];
  };
  return (
    `### Routing and shadow (iris \`features\`, HTTP and in process)\n\n` +
    markdownTable(
      ['path', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'p50 ÷ baseline', 'Δ p50'],
      [
        line('(r₀) `resolve` in process: routing bypassed', inProcess.resolve),
        line('(r) `route` in process: lifecycle (cached) + decision + resolve', inProcess.route, inProcess.resolve),
        line('(e) HTTP predict, model with no alias', noAlias),
        line('(eᵃ) HTTP predict, production + canary 1 % + shadow 1 % set', aliased, noAlias),
        line('(s₀) HTTP predict outside the shadow’s 50 %', runOf(shadow.without)),
        line('(s) HTTP predict in the shadow’s 50 % (hand-over after the answer)', runOf(shadow.with), runOf(shadow.without)),
      ],
    ) +
    '\n\nGoals (#23): routing ≤ 0.2 ms p50 on the HTTP path, (r) − (r₀); (eᵃ) − (e) is the same decision seen through ' +
    'HTTP, where two sequential runs differ by the machine’s load as much as by routing. A shadow never delays its ' +
    'answer by more than 1 ms p50: (s) − (s₀), taken in turns A B B A with 20 ms between requests.'
  );
}
