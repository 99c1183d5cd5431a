import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { DEFAULT_TIME_BUDGET_SECONDS, trainingOptionFields } from '../../training/training-request';
import { approvalSchema } from '../../serving/model-spec';
import { described } from './responses';

/**
 * The bodies and query of the training routes (functions/trainings/handler.ts). The answers are built from the
 * TypeScript types of functions/training (TrainingRecord, LeaderboardEntry, DataReport); like the /v1
 * answers, every real one the integration tests receive is checked against the JSON Schema made from these.
 */
const isoTime = z.iso.datetime();
const { task } = trainingOptionFields;

/** The query of POST /v1/models/{model}/trainings: the fields training-request.ts parses it with. */
export const trainingQuery = {
  ...trainingOptionFields,
  timeBudgetSeconds: z._default(trainingOptionFields.timeBudgetSeconds, DEFAULT_TIME_BUDGET_SECONDS),
};

export const trainingQueuedSchema = z.object({ trainingId: z.string(), status: z.literal('queued') });

const leaderboardEntrySchema = z.object({
  candidate: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  cvScore: described(z.nullable(z.number()), 'mean cross-validated score, higher is better (errors negated); null when skipped'),
  foldScores: z.array(z.number()),
  fitSeconds: z.number(),
  status: z.enum(['scored', 'skipped-time-budget']),
});

const dataReportSchema = z.object({
  rows: z.object({
    read: z.int(),
    used: z.int(),
    dropped: z.array(z.object({ reason: z.string(), count: z.int() })),
  }),
  columns: z.object({
    kept: z.array(z.object({ name: z.string(), type: z.enum(['number', 'category']), missing: z.int() })),
    dropped: z.array(z.object({ name: z.string(), reason: z.string() })),
  }),
  imputations: z.array(z.object({ column: z.string(), missing: z.int(), strategy: z.enum(['median', 'most-frequent']) })),
  encodings: z.array(z.object({ column: z.string(), encoding: z.string(), values: z.array(z.string()) })),
  target: z.object({
    name: z.string(),
    task,
    reason: z.string(),
    classes: z.optional(z.record(z.string(), z.int())),
  }),
  identifiersAccepted: z.optional(
    z.array(z.object({ column: z.string(), looksLike: z.enum(['person-name', 'e-mail', 'phone', 'iban', 'national-id']) })),
  ),
});

/** GET /v1/trainings/{trainingId}: the record without where the CSV is kept, who sent it, nor its expiry. */
export const trainingSchema = z.object({
  trainingId: z.string(),
  model: z.string(),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  progress: described(z.number().check(z.gte(0), z.lte(1)), 'with `stage`, how far the training is'),
  stage: z.string(),
  source: z.enum(['s3', 'http']),
  inputKey: z.optional(
    described(z.string(), 'the uploads bucket key an S3 upload started this training from (`source: s3` only)'),
  ),
  target: z.string(),
  task: z.optional(task),
  metric: z.optional(z.string()),
  timeBudgetSeconds: z.int(),
  acceptIdentifiers: z.optional(z.array(z.string())),
  erasedAt: z.optional(
    described(isoTime, 'a data-subject erasure removed the training file and this record’s data report and metrics'),
  ),
  version: z.optional(described(z.string(), 'the version registered, pending approval')),
  dataSha256: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
  metrics: z.optional(z.record(z.string(), z.unknown())),
  leaderboard: z.optional(z.array(leaderboardEntrySchema)),
  dataReport: z.optional(dataReportSchema),
  error: z.optional(z.object({ code: z.string(), message: z.string() })),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/** GET /v1/trainings?model=: each training as a summary (TRAINING_SUMMARY_FIELDS), the newest first. */
export const trainingListSchema = z.object({
  items: z.array(
    z.pick(trainingSchema, {
      trainingId: true,
      model: true,
      status: true,
      progress: true,
      stage: true,
      source: true,
      inputKey: true,
      target: true,
      task: true,
      version: true,
      error: true,
      erasedAt: true,
      createdAt: true,
      updatedAt: true,
    }),
  ),
  cursor: z.optional(described(z.string(), 'more trainings: send it back as `cursor` for the next page; absent on the last')),
});

/** POST /v1/models/{model}/versions/{version}/approval: the decision as now written in the version's metadata. */
export const approvalAnswerSchema = z.object({
  model: z.string(),
  version: z.string(),
  approval: approvalSchema,
});
