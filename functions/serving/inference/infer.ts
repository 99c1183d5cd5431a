import { errorCode, InvalidInputError, isPermanent, VigieError } from '../../platform/errors';
import type { InvokeInfer } from './infer-client';
import { decodeTensor, inferRequestSchema, type InferCall, type InferResponse, type InferSuccess } from './protocol';
import { runModel } from './run-model';
import type { SessionCache } from './sessions';
import type { ModelRegistry, ModelVersion } from '../registry';

export interface InferDeps {
  registry: ModelRegistry;
  sessions: SessionCache;
}

async function answer(sessions: SessionCache, model: ModelVersion, call: InferCall): Promise<InferSuccess> {
  const { result, inferenceMs } = await runModel(sessions, model, call.tensor, call.letterbox);
  return {
    ok: true,
    model: model.metadata.name,
    modelVersion: model.metadata.version,
    modelSha256: model.metadata.artifact.sha256,
    result,
    inferenceMs,
  };
}

/** Runs the requested model version on a decoded tensor; refusals are thrown as typed errors. */
export async function inferTensor(deps: InferDeps, call: InferCall): Promise<InferSuccess> {
  return answer(deps.sessions, await deps.registry.resolve(call.model, call.version), call);
}

/**
 * The infer function's code run where it is called (the predict function): no Invoke hop, no tensor encoding, and
 * its refusals stay the typed errors the Invoke client rebuilds them as.
 */
export function inferInProcess(deps: InferDeps): InvokeInfer {
  return (call) => inferTensor(deps, call);
}

/** Validates an Invoke payload, runs the requested model version, and answers refusals as data. */
export async function infer(deps: InferDeps, payload: unknown): Promise<InferResponse> {
  try {
    const parsed = inferRequestSchema.safeParse(payload);
    if (!parsed.success) throw new InvalidInputError('invalid-infer-request', parsed.error.message);
    const request = parsed.data;
    const model = await deps.registry.resolve(request.model, request.version);
    let tensor;
    try {
      tensor = decodeTensor(request.tensor);
    } catch (error) {
      throw new InvalidInputError('tensor-values', (error as Error).message, { cause: error });
    }
    return await answer(deps.sessions, model, { ...request, tensor });
  } catch (error) {
    if (!isPermanent(error)) throw error;
    return {
      ok: false,
      error: { code: errorCode(error), message: (error as VigieError).message, status: (error as VigieError).status },
    };
  }
}
