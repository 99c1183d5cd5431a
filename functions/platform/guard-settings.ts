/**
 * The canary guard's settings (functions/monitoring/canary-guard.ts), here so that configuration can validate them
 * with their defaults. Configured per stage through GUARD_* variables (serverless.yml, `custom.guardSettings`).
 */
export interface GuardSettings {
  /** Canary records needed before any verdict (the default: 200). */
  minCanaryRequests: number;
  /** How much the canary's error rate may exceed production's, as a share (0.02: two points). */
  errorMargin: number;
  /** How much slower the canary's p95 may be, as a share of production's (0.5: half as slow again)… */
  p95Margin: number;
  /** …and in milliseconds at least, so that a few ms of noise on a fast model trips nothing. */
  p95FloorMs: number;
  /** The guard looks at the canary's last this-many minutes (or its whole life when shorter). */
  windowMinutes: number;
}

export const GUARD_DEFAULTS: GuardSettings = {
  minCanaryRequests: 200,
  errorMargin: 0.02,
  p95Margin: 0.5,
  p95FloorMs: 50,
  windowMinutes: 60,
};
