import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { canaryQueryFields } from '../http/canary-query';
import { described } from './responses';
import { modelParameter, type RouteDoc } from './route-doc';

const share = z.number().check(z.gte(0), z.lte(1));

/** One arm of a canary (functions/monitoring/canary-arms.ts). */
const armSchema = z.object({
  version: z.string(),
  count: described(z.int(), 'records of the arm in the window, whatever their status (a CSV batch counts once)'),
  succeeded: z.int(),
  errors: described(z.int(), '`failed` records: the platform or the model could not answer'),
  errorRate: share,
  rejected: described(z.int(), '`rejected` records: inputs refused (shown, not counted as errors)'),
  rejectedRate: share,
  latencyP95Ms: described(z.nullable(z.number()), 'p95 of `timings.totalMs` over the succeeded single answers; null when none'),
  output: z.object({
    labels: z.optional(described(z.record(z.string(), share), 'classifiers: each label’s share of the answers')),
    quantiles: z.optional(
      described(
        z.object({ p05: z.number(), p50: z.number(), p95: z.number() }),
        'detectors (box scores), regressors (values), anomaly detectors (scores)',
      ),
    ),
  }),
});

/** GET /v1/models/{model}/canary and `vigie models canary --json`. */
export const canaryReportSchema = z.object({
  model: z.string(),
  window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
  production: armSchema,
  canary: z.extend(armSchema, { weight: z.optional(described(z.int(), 'the canary’s share of default traffic, %')) }),
  guard: z.object({
    verdict: z.object({
      decision: described(
        z.enum(['wait', 'keep', 'roll-back']),
        '`wait`: too few requests to judge; `roll-back`: the guard withdraws the canary at its next pass',
      ),
      reason: z.string(),
      breaches: z.optional(z.array(z.enum(['error-rate', 'latency-p95']))),
    }),
    settings: z.object({
      minCanaryRequests: z.int(),
      errorMargin: z.number(),
      p95Margin: z.number(),
      p95FloorMs: z.number(),
      windowMinutes: z.int(),
    }),
    minProductionRequests: z.int(),
  }),
});

/** The canary's two arms compared (docs/architecture.md, D25). */
export const CANARY_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/models/{model}/canary',
    operationId: 'getModelCanary',
    summary: 'The canary and production compared, and the guard’s verdict',
    description:
      'Per arm, from the prediction records: requests, errors, rejected inputs, p95 latency and the output ' +
      'distribution. The window is the canary’s life (since its alias took its version), at most the last ' +
      '`GUARD_WINDOW_MINUTES`. The guard withdraws the canary when, over at least `minCanaryRequests` canary ' +
      'requests, its error rate exceeds production’s by more than `errorMargin` or its p95 exceeds production’s ' +
      'by more than `p95Margin` of it and `p95FloorMs`.',
    tag: 'Lifecycle',
    permission: 'model',
    parameters: [
      modelParameter,
      { name: 'from', in: 'query', description: 'the window’s start (default: the guard’s)', schema: canaryQueryFields.from },
      { name: 'to', in: 'query', description: 'the window’s end (default: now)', schema: canaryQueryFields.to },
    ],
    responses: { 200: { description: 'Both arms and the verdict.', content: { 'application/json': canaryReportSchema } } },
    problems: { 400: ['invalid-query'], 403: ['forbidden'], 404: ['model-not-found', 'alias-not-found'] },
  },
];
