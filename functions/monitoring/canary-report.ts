import { AliasNotFoundError, ModelNotFoundError } from '../platform/errors';
import type { GuardSettings } from '../platform/guard-settings';
import type { ModelRecords } from '../records/model-records';
import { DEFAULT_ALIAS, EMPTY_STATE, type AliasStore, type AliasTarget, type LifecycleEvent } from '../serving/aliases';
import { CANARY_ALIAS } from '../serving/routing';
import { compareArms, type ArmFigures, type ArmsWindow } from './canary-arms';
import { guardVerdict, MIN_PRODUCTION_REQUESTS, type GuardVerdict } from './canary-guard';

/**
 * A model's canary as GET /v1/models/{model}/canary, `vigie models canary` and the guard see it: both arms over the
 * window and the guard's verdict on them. The window starts at the canary's last move (its version or its weight),
 * at most the guard's last `windowMinutes` ago, unless the caller names one: over it the split is constant, so both
 * arms sample the same moments. Across a weight change the canary's records would crowd into the later part, and
 * a machine or a day busier then would read as a slower canary (the first test run withdrew a canary identical to
 * production that way, p95 146 ms against 88).
 */

export interface CanarySources {
  aliases: Pick<AliasStore, 'history'>;
  records: Pick<ModelRecords, 'each'>;
  knows(model: string): Promise<boolean>;
  /** Production's version while production has no alias: the newest approved. */
  newestApproved(model: string): Promise<string>;
}

export interface CanaryReport {
  model: string;
  window: ArmsWindow;
  production: ArmFigures;
  canary: ArmFigures & { weight?: number };
  guard: { verdict: GuardVerdict; settings: GuardSettings; minProductionRequests: number };
}

/** When the canary took the version and weight it has now: the oldest event of the newest run that shows them. */
export function canarySince(history: LifecycleEvent[], canary: AliasTarget): string | undefined {
  const same = (event: LifecycleEvent) => {
    const then = event.state.aliases[CANARY_ALIAS];
    return then?.version === canary.version && then.weight === canary.weight;
  };
  let since: string | undefined;
  for (let i = history.length - 1; i >= 0 && same(history[i]!); i -= 1) since = history[i]!.at;
  return since;
}

export async function canaryReport(
  sources: CanarySources,
  model: string,
  settings: GuardSettings,
  now: Date,
  range?: Partial<ArmsWindow>,
): Promise<CanaryReport> {
  if (!(await sources.knows(model))) throw new ModelNotFoundError(model);
  const history = await sources.aliases.history(model);
  const state = history.at(-1)?.state ?? EMPTY_STATE;
  const canary = state.aliases[CANARY_ALIAS];
  if (!canary) throw new AliasNotFoundError(model, CANARY_ALIAS);
  const production = state.aliases[DEFAULT_ALIAS]?.version ?? (await sources.newestApproved(model));
  const to = range?.to ?? now.toISOString();
  const recent = new Date(Date.parse(to) - settings.windowMinutes * 60_000).toISOString();
  const since = canarySince(history, canary) ?? recent;
  const window = { from: range?.from ?? (since > recent ? since : recent), to };
  const arms = await compareArms(sources.records, model, { production, canary: canary.version }, window);
  return {
    model,
    window,
    production: arms.production,
    canary: { ...arms.canary, ...(canary.weight !== undefined && { weight: canary.weight }) },
    guard: {
      verdict: guardVerdict(arms.production, arms.canary, settings),
      settings,
      minProductionRequests: MIN_PRODUCTION_REQUESTS,
    },
  };
}
