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

async function answer(
  sessions: SessionCache,
  model: ModelVersion,
  call: Pick<InferCall, 'tensor' | 'letterbox'>,
): Promise<InferSuccess> {
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

/**
 * The infer function's code run where it is called (the predict and oip functions): no Invoke hop, no tensor
 * encoding, no second lookup of the version the caller resolved, and its refusals stay the typed errors the
 * Invoke client rebuilds them as.
 */
export function inferInProcess(deps: Pick<InferDeps, 'sessions'>): InvokeInfer {
  return ({ model, ...call }) => answer(deps.sessions, model, call);
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
