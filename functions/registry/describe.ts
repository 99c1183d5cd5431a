import { ModelNotFoundError } from '../platform/errors';
import { aliasMoves, DEFAULT_ALIAS, EMPTY_STATE, type AliasStore } from '../serving/aliases';
import { approvalOf, type ModelRegistry } from '../serving/registry';

/**
 * Every version of a model with its spec, provenance and metrics, newest last; its aliases now, every move they
 * made (the history is read in full, consistently: what a person just changed shows at once) and the kill switch.
 */
export async function describeModel(registry: ModelRegistry, aliases: Pick<AliasStore, 'history'>, name: string) {
  const versions = await registry.versions(name);
  if (versions.length === 0) throw new ModelNotFoundError(name);
  const [entries, history] = await Promise.all([
    Promise.all(versions.map((version) => registry.inspect(name, version))),
    aliases.history(name),
  ]);
  const state = history.at(-1)?.state ?? EMPTY_STATE;
  const newestApproved = entries.filter((entry) => approvalOf(entry) === 'approved').at(-1)?.metadata.version;
  return {
    name,
    latestVersion: versions.at(-1),
    servedVersion: state.aliases[DEFAULT_ALIAS]?.version ?? newestApproved,
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
    aliases: state.aliases,
    aliasHistory: aliasMoves(history),
    disabled: state.disabled,
    // The handler's ETag: changes sent with it in If-Match apply only if nothing was written since this read.
    lifecycleSeq: history.at(-1)?.seq ?? 0,
  };
}
