import type { ModelRecords } from '../records/model-records';
import { DEFAULT_ALIAS, EMPTY_STATE } from '../serving/aliases';
import type { ModelRegistry } from '../serving/registry';
import type { DriftSources } from './drift-report';

/**
 * Where drift reads from, on the route and in the scheduled run alike. A window with no record is reported for
 * the version production serves (its alias; the newest approved one for a model without), even while the model
 * is disabled: the version people expect to be watched, not whichever was approved last.
 */
export function registryDriftSources(registry: ModelRegistry, records: ModelRecords): DriftSources {
  return {
    records,
    async servedVersion(model) {
      const state = registry.lifecycle ? await registry.lifecycle.current(model) : EMPTY_STATE;
      return state.aliases[DEFAULT_ALIAS]?.version ?? (await registry.resolve(model)).metadata.version;
    },
    // Any version that answered, approved now or not: its records are measured against its own baseline.
    baselineOf: async (model, version) => (await registry.inspect(model, version)).metadata.baseline,
  };
}
