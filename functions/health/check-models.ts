import type { SessionCache } from '../shared/inference/sessions';
import { logger } from '../shared/observability';
import type { ModelRegistry } from '../shared/registry';

export interface ModelHealth {
  name: string;
  version?: string;
  loaded: boolean;
  error?: string;
}

/** Loads the latest version of every model (metadata, artifact checksum, ONNX session) and says how it went. */
export async function checkModels(registry: ModelRegistry, sessions: SessionCache): Promise<ModelHealth[]> {
  const names = await registry.modelNames();
  return Promise.all(
    names.map(async (name): Promise<ModelHealth> => {
      try {
        const model = await registry.resolve(name);
        await sessions.get(model);
        return { name, version: model.metadata.version, loaded: true };
      } catch (error) {
        logger.error('model failed its health check', { model: name, error: error as Error });
        return { name, loaded: false, error: 'The model package could not be loaded; see the logs.' };
      }
    }),
  );
}
