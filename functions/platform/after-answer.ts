import { request } from 'node:http';
import { logger } from './telemetry';

/**
 * Work that runs after a function has answered, never before (the shadow's hand-over, D24). Lambda
 * freezes an environment once its runtime and every extension have asked for the next event, so work left
 * pending when a handler returns would wait, frozen, for the next invocation. An internal extension (the
 * Extensions API, registered from this process at cold start) asks for the next event only once every
 * invocation has answered and the work it left has settled: the answer goes out first, the environment stays
 * up until the work is done (billed, and the container takes its next request after it). Where no runtime API
 * is there (serverless-offline, tests), nothing freezes and the work just runs.
 */

const pending = new Set<Promise<void>>();
let answeredCount = 0;
let wake: (() => void) | undefined;

const changed = () => {
  wake?.();
  wake = undefined;
};

/**
 * How long after the handler returns the work starts. The answer leaves once the handler's promise settles, but
 * it still has to be written out (by the runtime in Lambda, by serverless-offline's main thread locally); work that
 * starts at once competes with that for the same cores (measured locally: +1.6 ms p50 on iris's answers in one CI
 * run). A few milliseconds later the answer is out; in AWS it only adds them to the environment's billed time.
 */
const START_AFTER_MS = 5;

/** Runs `work` once the current invocation's answer is out (a few ms after the handler returns); never throws. */
export function afterAnswer(work: () => Promise<void>): void {
  const run: Promise<void> = new Promise((resolve) => setTimeout(resolve, START_AFTER_MS))
    .then(work)
    .catch((error: unknown) => logger.warn('work after the answer failed', { error }))
    .finally(() => {
      pending.delete(run);
      changed();
    });
  pending.add(run);
}

/** Called when a handler has returned its answer (or its error): see `countAnswers`. */
export function answered(): void {
  answeredCount += 1;
  changed();
}

/**
 * The middy middleware of every HTTP chain (/v1 and /v2): counts answers, errors included, so the extension knows
 * an invocation is over. It returns nothing, so the chain goes on.
 */
export const countAnswers = { after: answered, onError: answered };

/** Resolves once `invocations` invocations have answered and no work after an answer is pending. */
async function settled(invocations: number): Promise<void> {
  while (answeredCount < invocations || pending.size > 0) {
    await new Promise<void>((resolve) => (wake = resolve));
    await Promise.allSettled([...pending]);
  }
}

/** One call of the Extensions API: its status, headers and body (node:http: `next` may wait for hours). */
function call(runtimeApi: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const sent = request(`http://${runtimeApi}/2020-01-01/extension/${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

export const EXTENSION_NAME = 'vigie-after-answer';

/**
 * The internal extension's loop: register for INVOKE, then ask for each next event only when every invocation
 * so far has answered and its work after the answer has settled. Returns when the API stops serving it.
 */
export async function keepAliveForWorkAfterAnswers(runtimeApi: string): Promise<void> {
  const registered = await call(
    runtimeApi,
    'POST',
    'register',
    { 'Lambda-Extension-Name': EXTENSION_NAME, 'content-type': 'application/json' },
    JSON.stringify({ events: ['INVOKE'] }),
  );
  const id = registered.headers['lambda-extension-identifier'];
  if (registered.status !== 200 || typeof id !== 'string') {
    throw new Error(`The Extensions API refused ${EXTENSION_NAME} (${registered.status}): ${registered.body.slice(0, 200)}`);
  }
  let invocations = 0;
  for (;;) {
    await settled(invocations);
    const next = await call(runtimeApi, 'GET', 'event/next', { 'Lambda-Extension-Identifier': id });
    if (next.status !== 200) return;
    const event = JSON.parse(next.body) as { eventType?: string };
    if (event.eventType !== 'INVOKE') return;
    invocations += 1;
  }
}

/** Starts the extension where Lambda's runtime API is (a deployed function), at cold start; elsewhere nothing. */
export function keepEnvironmentForWorkAfterAnswers(env: NodeJS.ProcessEnv = process.env): void {
  if (!env.AWS_LAMBDA_RUNTIME_API || env.IS_OFFLINE) return;
  keepAliveForWorkAfterAnswers(env.AWS_LAMBDA_RUNTIME_API).catch((error: unknown) =>
    logger.error('the after-answer extension stopped: work after answers may wait for the next invocation', { error }),
  );
}
