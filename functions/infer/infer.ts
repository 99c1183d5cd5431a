import { errorCode, InvalidInputError, isPermanent, VigieError } from '../shared/errors';
import { decodeTensor, inferRequestSchema, type InferResponse } from '../shared/inference/protocol';
import { runModel } from '../shared/inference/run-model';
import type { SessionCache } from '../shared/inference/sessions';
import type { ModelRegistry } from '../shared/registry';

export interface InferDeps {
  registry: ModelRegistry;
  sessions: SessionCache;
}

/** Validates the request, runs the requested model version, and answers refusals as data. */
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
    const answer = await runModel(deps.sessions, model, tensor, request.letterbox);
    return {
      ok: true,
      model: model.metadata.name,
      modelVersion: model.metadata.version,
      modelSha256: model.metadata.artifact.sha256,
      result: answer.result,
      inferenceMs: answer.inferenceMs,
    };
  } catch (error) {
    if (!isPermanent(error)) throw error;
    return {
      ok: false,
      error: { code: errorCode(error), message: (error as VigieError).message, status: (error as VigieError).status },
    };
  }
}
