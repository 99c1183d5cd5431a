import type { ModelMetadata } from '../../serving/model-spec';
import { approvalOf, type ModelRegistry } from '../../serving/registry';

/** Each model as served: its newest approved version (the one predict uses by default), else its newest. */
export async function servedModels(registry: ModelRegistry): Promise<ModelMetadata[]> {
  const names = await registry.modelNames();
  return Promise.all(
    names.map(async (name) => {
      const entries = await Promise.all((await registry.versions(name)).map((version) => registry.inspect(name, version)));
      return (entries.filter((entry) => approvalOf(entry) === 'approved').at(-1) ?? entries.at(-1)!).metadata;
    }),
  );
}
