import type { ModelRecords } from '../records/model-records';
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
    servedVersion: async (model) => (await registry.production(model)).metadata.version,
    // Any version that answered, approved now or not: its records are measured against its own baseline.
    baselineOf: async (model, version) => (await registry.inspect(model, version)).metadata.baseline,
  };
}
