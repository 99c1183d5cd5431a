import type { GuardSettings } from '../platform/guard-settings';
import type { AliasStore } from '../serving/aliases';
import { withdrawCanary, type LifecycleChange } from '../serving/lifecycle';
import { CANARY_ALIAS } from '../serving/routing';
import { canaryReport, type CanaryReport, type CanarySources } from './canary-report';

/**
 * One pass of the canary guard over every model (docs/architecture.md, D25): the scheduled function in AWS
 * (every minute), the local platform every few seconds. A model with a canary gets its report; a verdict of
 * `roll-back` withdraws the canary in one appended event, actor `guard`, with the report's figures as evidence.
 */

/** The guard's key id in the history (no API key has it: key ids are 12 hex digits). */
export const GUARD_ACTOR = 'guard';

export interface GuardPassDeps {
  sources: CanarySources;
  store: Pick<AliasStore, 'latest' | 'append'>;
  modelNames(): Promise<string[]>;
  settings: GuardSettings;
  now: () => Date;
  /** The guard's pseudonym in the audit trail, and the id of this run. */
  callerPseudonym: string;
  requestId: string;
}

export type GuardOutcome =
  | { model: string; decision: 'wait' | 'keep'; reason: string }
  | { model: string; decision: 'roll-back'; reason: string; change: LifecycleChange }
  | { model: string; decision: 'failed'; reason: string };

/** The figures a rollback keeps as its evidence: the window, both arms, the breaches and the settings judged by. */
function evidenceOf(report: CanaryReport): Record<string, unknown> {
  const { verdict, settings } = report.guard;
  return {
    window: report.window,
    production: report.production,
    canary: report.canary,
    breaches: verdict.decision === 'roll-back' ? verdict.breaches : [],
    settings,
  };
}

async function guardModel(deps: GuardPassDeps, model: string): Promise<GuardOutcome | undefined> {
  const latest = await deps.store.latest(model);
  // No canary, or the kill switch on (nothing is served, nothing to compare): nothing to guard.
  if (!latest?.state.aliases[CANARY_ALIAS] || latest.state.disabled) return undefined;
  const report = await canaryReport(deps.sources, model, deps.settings, deps.now());
  const { verdict } = report.guard;
  if (verdict.decision !== 'roll-back') return { model, decision: verdict.decision, reason: verdict.reason };
  const change = await withdrawCanary(
    deps,
    model,
    {
      keyId: GUARD_ACTOR,
      callerPseudonym: deps.callerPseudonym,
      requestId: deps.requestId,
      reason: verdict.reason,
      // The event this pass judged: if anyone changed the model since, nothing is written (the next pass judges again).
      expectedSeq: latest.seq,
    },
    evidenceOf(report),
  );
  return { model, decision: 'roll-back', reason: verdict.reason, change };
}

/** Every model, one after the other; one model's failure (a person's move racing the guard's) spares the others. */
export async function guardPass(deps: GuardPassDeps): Promise<GuardOutcome[]> {
  const outcomes: GuardOutcome[] = [];
  for (const model of await deps.modelNames()) {
    const outcome = await guardModel(deps, model).catch((error: unknown): GuardOutcome => ({
      model,
      decision: 'failed',
      reason: error instanceof Error ? error.message : String(error),
    }));
    if (outcome) outcomes.push(outcome);
  }
  return outcomes;
}
