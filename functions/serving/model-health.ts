import { ModelNotApprovedError } from '../platform/errors';
import type { SessionCache } from './inference/sessions';
import { logger } from '../platform/telemetry';
import type { ModelRegistry } from './registry';
import { companionArtifacts } from './model-spec';

export interface ModelHealth {
  name: string;
  version?: string;
  loaded: boolean;
  /** false for a model none of whose versions is approved yet: it is not served, so there is nothing to load. */
  served?: false;
  error?: string;
}

/**
 * Healthy when every served model loads. A model still pending review is listed but does not degrade health: a
 * candidate committed for review must not take the platform out of a load balancer.
 */
export const healthy = (models: ModelHealth[]) => models.every((model) => model.loaded || model.served === false);

/**
 * Loads the version production serves of every model (its alias, else the newest approved: metadata, artifact
 * checksum, ONNX session, and those of the networks it ships beside its model) and says how it went.
 */
export async function checkModels(registry: ModelRegistry, sessions: SessionCache): Promise<ModelHealth[]> {
  const names = await registry.modelNames();
  return Promise.all(
    names.map(async (name): Promise<ModelHealth> => {
      try {
        const model = await registry.production(name);
        await sessions.get(model);
        for (const companion of companionArtifacts(model.metadata)) await sessions.get(model, companion);
        return { name, version: model.metadata.version, loaded: true };
      } catch (error) {
        if (error instanceof ModelNotApprovedError) return { name, loaded: false, served: false };
        logger.error('model failed its health check', { model: name, error: error as Error });
        return { name, loaded: false, error: 'The model package could not be loaded; see the logs.' };
      }
    }),
  );
}
