import { errorCode } from '../platform/errors';
import { logger } from '../platform/telemetry';
import type { PredictionStats } from '../records/prediction-stats';
import type { PredictionRecord, PredictionStore } from '../records/records';
import type { ShadowOutput, ShadowOutputs } from '../records/shadow-outputs';
import type { SessionCache } from './inference/sessions';
import { runPrediction, type PredictionDeps } from './prediction';
import type { ShadowCall } from './shadow';
import { compareAnswers } from './shadow-compare';
import { runTabularPrediction } from './tabular/tabular-prediction';

export interface ShadowRunDeps {
  /**
   * The prediction path's dependencies: the shadow runs the same code, its record captured instead of stored, and
   * counted in no statistics (those are production's answers only).
   */
  prediction: Omit<PredictionDeps, 'stats'>;
  sessions: SessionCache;
  outputs: ShadowOutputs;
  /** How often, and how far apart, to try storing the output while the production record is not there yet. */
  attach: { attempts: number; delayMs: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A sink that keeps the record the prediction path builds instead of writing it, and reports nothing: the
 * shadow's answer is never a prediction of its own (no record, no metric, no audit event, no statistics).
 */
function capture(records: PredictionRecord[]): Pick<PredictionDeps, 'store' | 'report' | 'stats'> {
  const store: PredictionStore = {
    put: (record) => {
      records.push(record);
      return Promise.resolve(true);
    },
    get: () => Promise.resolve(undefined),
    delete: () => Promise.resolve(),
  };
  const stats: PredictionStats = {
    add: () => Promise.resolve(),
    read: async function* () {},
  };
  return { store, report: () => undefined, stats };
}

/** The shadow version's answers to the call's input, through the path production took, by version name. */
async function shadowAnswers(deps: ShadowRunDeps, call: ShadowCall) {
  const records: PredictionRecord[] = [];
  const prediction = { ...deps.prediction, ...capture(records), shadow: undefined };
  const common = { predictionId: call.predictionId, requestId: call.requestId, model: call.model, version: call.version };
  const { input } = call;
  let answers: ShadowCall['answers'] = [];
  let error: unknown;
  if (input.kind === 'image') {
    const outcome = await runPrediction(prediction, { ...common, source: 'http', bytes: Buffer.from(input.image, 'base64') });
    error = outcome.error;
    answers = [(outcome.record.result as ShadowCall['answers'][number]) ?? null];
  } else {
    const tabular = input.kind === 'rows' ? { rows: input.rows } : { features: input.features };
    const bytes = Buffer.from(JSON.stringify(tabular));
    const outcome = await runTabularPrediction(
      { prediction, sessions: deps.sessions },
      { ...common, input: tabular, bytes },
    ).catch((refusal: unknown) => ((error = refusal), undefined));
    answers = outcome?.outcomes?.map((row) => row.result ?? null) ?? [];
  }
  return { record: records[0], answers, error };
}

/**
 * The shadow function's work: run the shadow version on the input production answered, compare, and store the
 * output on the production record. The record is written while the hand-over travels, so it is normally there;
 * if not yet, the store is tried again a few times; a record that never appears (or was erased) is left alone.
 */
export async function runShadow(deps: ShadowRunDeps, call: ShadowCall): Promise<boolean> {
  const { record, answers, error } = await shadowAnswers(deps, call);
  const single = call.input.kind !== 'rows';
  const output: ShadowOutput = {
    version: call.version,
    ...(record?.modelSha256 !== undefined && { modelSha256: record.modelSha256 }),
    at: deps.prediction.now().toISOString(),
    ...(error === undefined
      ? { comparison: compareAnswers(call.answers, answers), ...(single && { result: answers[0] }) }
      : { error: { code: errorCode(error) } }),
    inferenceMs: record?.timings.inferenceMs ?? 0,
  };
  for (let attempt = 1; attempt <= deps.attach.attempts; attempt += 1) {
    if (await deps.outputs.attach(call.predictionId, output)) return true;
    if (attempt < deps.attach.attempts) await sleep(deps.attach.delayMs);
  }
  logger.warn('shadow output dropped: no succeeded production record to store it on', {
    model: call.model,
    predictionId: call.predictionId,
  });
  return false;
}
