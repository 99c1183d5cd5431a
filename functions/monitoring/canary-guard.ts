import type { GuardSettings } from '../platform/guard-settings';
import type { ArmFigures } from './canary-arms';

/**
 * The canary guard's decision (docs/architecture.md, D25), a pure function of the two arms' figures and the
 * settings: the scheduled guard (functions/guard), GET /v1/models/{model}/canary and `vigie models rollout` all
 * show or act on this one verdict.
 */

/**
 * Production records needed for a baseline: a handful is no baseline, but the minimum is the canary's (at
 * a high weight production gets few requests, and a broken canary must not wait for them).
 */
export const MIN_PRODUCTION_REQUESTS = 20;

export type Breach = 'error-rate' | 'latency-p95';

export type GuardVerdict =
  | { decision: 'wait'; reason: string }
  | { decision: 'keep'; reason: string }
  | { decision: 'roll-back'; breaches: Breach[]; reason: string };

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/** The p95 the canary may reach before the guard calls it too slow: production's plus the larger of the margins. */
export const p95Limit = (productionP95: number, settings: GuardSettings) =>
  productionP95 + Math.max(productionP95 * settings.p95Margin, settings.p95FloorMs);

export function guardVerdict(production: ArmFigures, canary: ArmFigures, settings: GuardSettings): GuardVerdict {
  if (canary.count < settings.minCanaryRequests) {
    return { decision: 'wait', reason: `${canary.count} of ${settings.minCanaryRequests} canary requests so far` };
  }
  if (production.count < MIN_PRODUCTION_REQUESTS) {
    return { decision: 'wait', reason: `${production.count} of ${MIN_PRODUCTION_REQUESTS} production requests so far` };
  }
  const breaches: Breach[] = [];
  const findings: string[] = [];
  if (canary.errorRate > production.errorRate + settings.errorMargin) {
    breaches.push('error-rate');
    findings.push(
      `error rate ${percent(canary.errorRate)} against production's ${percent(production.errorRate)} (margin ${percent(settings.errorMargin)})`,
    );
  }
  // A canary that answered nothing successfully has no latency to compare: its error rate speaks for it.
  if (canary.latencyP95Ms !== null && production.latencyP95Ms !== null) {
    const limit = p95Limit(production.latencyP95Ms, settings);
    if (canary.latencyP95Ms > limit) {
      breaches.push('latency-p95');
      findings.push(
        `p95 latency ${canary.latencyP95Ms.toFixed(0)} ms against production's ${production.latencyP95Ms.toFixed(0)} ms (limit ${limit.toFixed(0)} ms)`,
      );
    }
  }
  if (breaches.length > 0) {
    return {
      decision: 'roll-back',
      breaches,
      reason: `canary ${canary.version} rolled back by the guard: ${findings.join('; ')}`,
    };
  }
  return {
    decision: 'keep',
    reason: `within margins over ${canary.count} canary and ${production.count} production requests`,
  };
}
