// esbuild inlines only this field of package.json at build time: GET /v2 reports the version that was built.
import { version } from '../../package.json';
import { ModelDisabledError, ModelNotApprovedError, ModelNotFoundError } from '../platform/errors';
import type { SessionCache } from '../serving/inference/sessions';
import { inputTensors, outputTensors } from '../api/oip/model-tensors';
import type { ModelMetadataResponse } from '../api/oip/schemas';
import { approvalOf, type ModelRegistry } from '../serving/registry';
import { logger } from '../platform/telemetry';

/** What GET /v2 says: the server, its version, and no protocol extension (Vigie implements none of them). */
export const SERVER_METADATA = { name: 'vigie', version, extensions: [] as string[] };

/** Every Vigie model is ONNX run by ONNX Runtime: `onnx_onnxv1` in the protocol's list of platform names. */
const PLATFORM = 'onnx_onnxv1';

/**
 * GET /v2/models/{m}[/versions/{v}]: the version asked for (metadata is readable for any version, as on
 * /v1/models), or the one production serves (its alias, after a rollback too); `versions` lists those that may be
 * asked for, the approved ones.
 */
export async function modelMetadata(registry: ModelRegistry, name: string, version?: string): Promise<ModelMetadataResponse> {
  const model = version === undefined ? await registry.production(name) : await registry.inspect(name, version);
  const entries = await Promise.all((await registry.versions(name)).map((v) => registry.inspect(name, v)));
  return {
    name,
    versions: entries.filter((entry) => approvalOf(entry) === 'approved').map((entry) => entry.metadata.version),
    platform: PLATFORM,
    inputs: inputTensors(model.metadata),
    outputs: outputTensors(model.metadata),
  };
}

/**
 * GET /v2/models/{m}[/versions/{v}]/ready: ready when the version would be served (production's when none is
 * named, as an infer call would be routed) and its session loads (the artifact's checksum checked). A version not
 * approved, or a disabled model, is known but not ready; an unknown one is a 404.
 */
export async function modelReady(registry: ModelRegistry, sessions: SessionCache, name: string, version?: string) {
  try {
    await sessions.get(await registry.route(name, { version }));
    return { name, ready: true };
  } catch (error) {
    if (error instanceof ModelNotApprovedError || error instanceof ModelDisabledError) return { name, ready: false };
    if (error instanceof ModelNotFoundError) throw error;
    logger.error('model not ready', { model: name, error: error as Error });
    return { name, ready: false };
  }
}
