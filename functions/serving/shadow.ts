import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { PredictionResult, RowResult } from '../records/results';
import type { PredictionRecord } from '../records/records';
import { afterAnswer } from '../platform/after-answer';
import { logger } from '../platform/telemetry';
import type { ServedVersion } from './registry';

/**
 * Shadow (docs/architecture.md, D24): the `shadow` alias's version also scores its share of production's
 * requests, after their answer and never in their way. Lambda runs nothing once a handler has returned, so the
 * prediction path hands the input to the shadow function in an asynchronous invocation (InvocationType `Event`),
 * sent while the record is written (which the answer waits for anyway), and answers; the shadow function runs the
 * same path on the shadow version and stores its output on the production record (records/shadow-outputs.ts).
 * The hand-over starts once the answer is sent (platform/after-answer.ts), so it costs the answer nothing.
 */

/** What the shadow version re-runs: a picture (base64), one row, or JSON rows. CSV bodies are not shadowed. */
export type ShadowInput =
  { kind: 'image'; image: string } | { kind: 'features'; features: Record<string, unknown> } | { kind: 'rows'; rows: unknown[] };

/** The asynchronous invocation's payload. */
export interface ShadowCall {
  model: string;
  /** The shadow version, and the version that answered. */
  version: string;
  productionVersion: string;
  /** The production record the shadow's output is stored on. */
  predictionId: string;
  requestId: string;
  input: ShadowInput;
  /** Production's answers, one per row (null: a row it refused), or the picture's: what the shadow is compared with. */
  answers: Array<PredictionResult | RowResult | null>;
}

export type ShadowHandOver = (call: ShadowCall) => Promise<void>;

/**
 * Lambda's limit on an asynchronous invocation's payload (256 KB, raised to 1 MB in 2025 where the region has it):
 * a larger input is not shadowed (logged), rather than delaying its answer by staging it in S3.
 */
export const SHADOW_PAYLOAD_LIMIT = 256 * 1024;

/** The hand-over to the shadow function: one `Event` Invoke, which Lambda queues and acknowledges at once. */
export function createShadowHandOver(lambdaClient: () => LambdaClient, functionName: string): ShadowHandOver {
  let lambda: LambdaClient | undefined;
  return async (call) => {
    const payload = Buffer.from(JSON.stringify(call));
    if (payload.length > SHADOW_PAYLOAD_LIMIT) {
      logger.warn('shadow skipped: input over the asynchronous payload limit', {
        model: call.model,
        bytes: payload.length,
        limit: SHADOW_PAYLOAD_LIMIT,
      });
      return;
    }
    // Made on the first shadowed request: a function whose models have no shadow never builds it.
    lambda ??= lambdaClient();
    await lambda.send(new InvokeCommand({ FunctionName: functionName, InvocationType: 'Event', Payload: payload }));
  };
}

/**
 * Hands a succeeded production prediction to its shadow after the answer is sent (platform/after-answer.ts),
 * when the router gave it one and the path has a hand-over: the input is encoded then too, and a failure is
 * logged, never the prediction's.
 */
export function shadowAfterAnswer(
  handOver: ShadowHandOver | undefined,
  served: ServedVersion | undefined,
  record: PredictionRecord,
  input: () => ShadowInput | undefined,
  answers: () => ShadowCall['answers'],
): void {
  const { modelVersion } = record;
  if (!handOver || !served?.shadow || record.status !== 'succeeded' || modelVersion === undefined) return;
  const version = served.shadow;
  afterAnswer(async () => {
    const shadowed = input();
    if (!shadowed) return;
    const { model, predictionId, requestId } = record;
    await handOver({
      model,
      version,
      productionVersion: modelVersion,
      predictionId,
      requestId,
      input: shadowed,
      answers: answers(),
    });
  });
}
