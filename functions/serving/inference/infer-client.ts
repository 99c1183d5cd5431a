import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { InferenceUnavailableError, RefusedError, VigieError } from '../../platform/errors';
import type { ModelVersion } from '../registry';
import { encodeTensor, serializeInferRequest, type InferCall, type InferResponse, type InferSuccess } from './protocol';

/** A prepared tensor for a model version the caller already resolved. */
export type ModelCall = Omit<InferCall, 'model' | 'version'> & { model: ModelVersion };

/**
 * Runs a model on a prepared tensor: in process (inferInProcess) on the version itself, with no second lookup;
 * or through Lambda Invoke (createInferClient), naming that exact version to the infer function.
 */
export type InvokeInfer = (call: ModelCall) => Promise<InferSuccess>;

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls the infer function synchronously. Crashes, timeouts and throttling are retried with capped, jittered
 * backoff ("full jitter"); refusals are permanent and returned at once.
 */
export function createInferClient(lambda: LambdaClient, functionName: string, retry: RetryPolicy): InvokeInfer {
  return async ({ model, ...call }) => {
    const named = { model: model.metadata.name, version: model.metadata.version };
    const payload = Buffer.from(serializeInferRequest({ ...named, ...call, tensor: encodeTensor(call.tensor) }));
    let lastError: unknown;
    for (let attempt = 1; attempt <= retry.attempts; attempt += 1) {
      try {
        const answer = await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: payload }));
        const body = answer.Payload ? Buffer.from(answer.Payload).toString('utf8') : '';
        if (answer.FunctionError) throw new Error(`infer failed (${answer.FunctionError}): ${body.slice(0, 500)}`);
        const response = JSON.parse(body) as InferResponse;
        // Refusals are rebuilt as typed errors so callers handle them as if they were raised locally.
        if (!response.ok) throw new RefusedError(response.error.status, response.error.code, response.error.message);
        return response;
      } catch (error) {
        if (error instanceof VigieError) throw error;
        lastError = error;
        if (attempt < retry.attempts) {
          const cap = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
          await sleep(Math.random() * cap);
        }
      }
    }
    throw new InferenceUnavailableError(`The infer function did not answer after ${retry.attempts} attempts.`, {
      cause: lastError,
    });
  };
}
