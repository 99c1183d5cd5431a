import * as z from 'zod/mini';
import '../platform/zod-messages';
import { UNCERTAIN_REASONS } from './results';
import { ROW_ERROR_REASONS } from './warnings';
import type { PredictionRecord } from './records';

/**
 * The audit trail's contract: one event per prediction and per data-subject request, written as the `audit`
 * field of a structured log line. `governance/schemas/audit-event.schema.json` is generated from these schemas
 * (`npm run governance`), and the tests validate every event the integration tests produce against it.
 * Events are strict: a field that is not declared here (a raw identifier, a key, input bytes) fails validation.
 */
export const AUDIT_SCHEMA_VERSION = 1 as const;

const pseudonym = z.string().check(z.regex(/^ps_[0-9a-f]{32}$/, 'a keyed-HMAC pseudonym (ps_ + 32 hex)'));
const sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/));
const nonEmpty = z.string().check(z.minLength(1));
const count = z.int().check(z.nonnegative());
const common = {
  schemaVersion: z.literal(AUDIT_SCHEMA_VERSION),
  timestamp: z.iso.datetime(),
  /** API Gateway's request id (HTTP) or the Lambda request id (S3 deliveries): joins the event to its logs. */
  requestId: nonEmpty,
  callerPseudonym: z.optional(pseudonym),
};
const milliseconds = z.number().check(z.nonnegative());

export const predictionAuditEventSchema = z.strictObject({
  event: z.literal('prediction'),
  ...common,
  predictionId: nonEmpty,
  source: z.enum(['s3', 'http']),
  subjectPseudonym: z.optional(pseudonym),
  model: nonEmpty,
  modelVersion: z.optional(z.string()),
  modelSha256: z.optional(sha256),
  /** The alias that chose the version (`production` by default, `canary` for its share); absent when asked by version. */
  alias: z.optional(nonEmpty),
  /** What was predicted on, without the bytes: absent only when the input was refused unread. */
  inputSha256: z.optional(sha256),
  output: z.optional(
    z.union([
      z.strictObject({
        label: z.string(),
        confidence: z.number(),
        /** The answer was marked uncertain (the label is a best guess only), and why: as in the record's result. */
        uncertain: z.optional(z.literal(true)),
        reason: z.optional(z.enum(UNCERTAIN_REASONS)),
        /** A page in doubt read several ways (the model's second look): how many readings the answer is the mean of. */
        readings: z.optional(count),
      }),
      z.strictObject({ detections: count, topScore: z.number() }),
      z.strictObject({ value: z.number() }),
      z.strictObject({ anomaly: z.union([z.literal(0), z.literal(1)]), score: z.number() }),
      z.strictObject({ rows: count, succeededRows: count, rejectedRows: count }),
    ]),
  ),
  /** Tabular values outside their training range, served anyway: a drift signal. */
  outOfRangeValues: z.optional(count),
  /** Time series read from a CSV: rows whose time column ran backwards, skipped or could not be read. */
  timeWarnings: z.optional(count),
  /** Every prediction is an automated decision (GDPR Art. 22): said in the answer and in the trail. */
  automated: z.literal(true),
  status: z.enum(['succeeded', 'failed', 'rejected']),
  errorCode: z.optional(z.string()),
  timings: z.strictObject({ preprocessMs: milliseconds, inferenceMs: milliseconds, totalMs: milliseconds }),
});

export const subjectRequestAuditEventSchema = z.strictObject({
  event: z.enum(['subject-erasure', 'subject-export']),
  ...common,
  subjectPseudonym: pseudonym,
  predictions: count,
  files: count,
  /** Erasure: uploads it found not processed yet (counted in `files` too). */
  inFlightUploads: z.optional(count),
  /** How long Vigie took to answer the request: the answer time the monthly audit report shows. */
  durationMs: z.optional(milliseconds),
});

/**
 * Tabular rows a prediction (a CSV batch or a CSV request) did not score, one event per reason: the prediction's
 * own event counts them, this one says why, so rejected rows can be counted by reason.
 */
export const rejectedRowsAuditEventSchema = z.strictObject({
  event: z.literal('rejected-rows'),
  ...common,
  predictionId: nonEmpty,
  model: nonEmpty,
  modelVersion: z.optional(z.string()),
  reason: z.enum(ROW_ERROR_REASONS),
  rows: count,
});

/** A training from a CSV ended (docs/automl.md): who asked, on what data (its hash), for what, and how it ended. */
export const trainingAuditEventSchema = z.strictObject({
  event: z.literal('training'),
  ...common,
  trainingId: nonEmpty,
  source: z.enum(['s3', 'http']),
  model: nonEmpty,
  modelVersion: z.optional(z.string()),
  dataSha256: z.optional(sha256),
  task: z.optional(z.enum(['classification', 'regression'])),
  candidate: z.optional(nonEmpty),
  status: z.enum(['succeeded', 'failed']),
  errorCode: z.optional(nonEmpty),
  durationSeconds: z.number().check(z.nonnegative()),
});

/** A person's decision on a trained version: the approver is pseudonymised here and named in the metadata. */
export const modelApprovalAuditEventSchema = z.strictObject({
  event: z.literal('model-approval'),
  ...common,
  model: nonEmpty,
  modelVersion: nonEmpty,
  modelSha256: sha256,
  decision: z.enum(['approved', 'rejected']),
  approverPseudonym: pseudonym,
});

/**
 * A model offered for import (docs/bring-your-own-model.md) and what came of it: a pending version, or the check
 * that refused it. Who sent it is the key's pseudonym (HTTP) or the upload's `requested-by` (S3).
 */
export const modelImportAuditEventSchema = z.strictObject({
  event: z.literal('model-import'),
  ...common,
  source: z.enum(['s3', 'http']),
  model: nonEmpty,
  modelVersion: z.optional(nonEmpty),
  modelSha256: z.optional(sha256),
  bytes: z.optional(count),
  status: z.enum(['pending', 'refused']),
  errorCode: z.optional(nonEmpty),
  check: z.optional(nonEmpty),
});

/**
 * A change to what a model serves (functions/serving/lifecycle.ts): an alias moved or rolled back, the kill switch
 * turned on or off; who did it (the key's pseudonym), why, and the event's number in the model's history.
 */
export const modelLifecycleAuditEventSchema = z.strictObject({
  event: z.literal('model-lifecycle'),
  ...common,
  model: nonEmpty,
  action: z.enum(['move', 'rollback', 'disable', 'enable', 'replay']),
  /** The lifecycle event written (absent for a replay, which changes nothing that is served). */
  seq: z.optional(z.int().check(z.positive())),
  alias: z.optional(nonEmpty),
  from: z.optional(nonEmpty),
  to: z.optional(nonEmpty),
  weight: z.optional(z.int()),
  reason: nonEmpty,
  /** A replay: the held and dead-lettered uploads it ran again, by prediction id. */
  replayed: z.optional(count),
  predictionIds: z.optional(z.array(nonEmpty)),
});

export const auditEventSchema = z.discriminatedUnion('event', [
  predictionAuditEventSchema,
  subjectRequestAuditEventSchema,
  rejectedRowsAuditEventSchema,
  trainingAuditEventSchema,
  modelApprovalAuditEventSchema,
  modelImportAuditEventSchema,
  modelLifecycleAuditEventSchema,
]);

export type TrainingAuditEvent = z.infer<typeof trainingAuditEventSchema>;
export type ModelApprovalAuditEvent = z.infer<typeof modelApprovalAuditEventSchema>;
export type ModelImportAuditEvent = z.infer<typeof modelImportAuditEventSchema>;
export type ModelLifecycleAuditEvent = z.infer<typeof modelLifecycleAuditEventSchema>;

export type PredictionAuditEvent = z.infer<typeof predictionAuditEventSchema>;
export type SubjectRequestAuditEvent = z.infer<typeof subjectRequestAuditEventSchema>;
export type RejectedRowsAuditEvent = z.infer<typeof rejectedRowsAuditEventSchema>;
export type AuditEvent = z.infer<typeof auditEventSchema>;

/**
 * What the model said, in a line: the label and confidence (whether it was marked uncertain, and why; how many
 * readings it is the mean of), or how many boxes and the best score.
 */
function outputSummary(result: PredictionRecord['result']): PredictionAuditEvent['output'] {
  if (!result) return undefined;
  if ('label' in result) {
    const { label, confidence, uncertain, reason, readings } = result;
    return { label, confidence, ...(uncertain && { uncertain, reason }), ...(readings && { readings }) };
  }
  if ('detections' in result) {
    return { detections: result.detections.length, topScore: Math.max(0, ...result.detections.map((d) => d.score)) };
  }
  if ('value' in result) return { value: result.value };
  if ('anomaly' in result) return { anomaly: result.anomaly, score: result.score };
  return { rows: result.rows, succeededRows: result.succeededRows, rejectedRows: result.rejectedRows };
}

/**
 * The audit event of one prediction: who (pseudonyms), what (input hash, output summary), with which artifact,
 * when, and how it ended. The upload's key stays in the record, not in the logs: people name files after people.
 */
export function predictionAuditEvent(record: PredictionRecord): PredictionAuditEvent {
  return {
    event: 'prediction',
    schemaVersion: AUDIT_SCHEMA_VERSION,
    timestamp: record.createdAt,
    requestId: record.requestId,
    predictionId: record.predictionId,
    source: record.source,
    callerPseudonym: record.callerId,
    subjectPseudonym: record.subjectId,
    model: record.model,
    modelVersion: record.modelVersion,
    modelSha256: record.modelSha256,
    alias: record.alias,
    inputSha256: record.inputSha256,
    output: outputSummary(record.result),
    automated: true,
    status: record.status,
    errorCode: record.error?.code,
    outOfRangeValues: record.warningCount,
    timeWarnings: record.timeWarningCount,
    timings: record.timings,
  };
}
