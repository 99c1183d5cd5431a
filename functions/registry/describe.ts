import { ModelNotFoundError } from '../platform/errors';
import { approvalOf, type ModelRegistry } from '../serving/registry';

/** Every version of a model with its spec, provenance and metrics, newest last. */
export async function describeModel(registry: ModelRegistry, name: string) {
  const versions = await registry.versions(name);
  if (versions.length === 0) throw new ModelNotFoundError(name);
  const entries = await Promise.all(versions.map((version) => registry.inspect(name, version)));
  return {
    name,
    latestVersion: versions.at(-1),
    servedVersion: entries.filter((entry) => approvalOf(entry) === 'approved').at(-1)?.metadata.version,
    versions: entries.map(({ metadata }) => ({
      version: metadata.version,
      task: metadata.task,
      description: metadata.description,
      artifact: metadata.artifact,
      input: metadata.input,
      output: metadata.output,
      training: metadata.training,
      metrics: metadata.metrics,
      governance: metadata.governance,
    })),
  };
}
