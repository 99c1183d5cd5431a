import { z } from 'zod';
import type { PredictionResult } from './inference/run-model';
import type { PredictionRecord } from './records';

/**
 * The audit trail's contract: one event per prediction and per data-subject request, written as the `audit`
 * field of a structured log line. `governance/schemas/audit-event.schema.json` is generated from these schemas
 * (`npm run governance`), and the tests validate every event the integration tests produce against it.
 * Events are strict: a field that is not declared here (a raw identifier, a key, input bytes) fails validation.
 */
export const AUDIT_SCHEMA_VERSION = 1 as const;

const pseudonym = z.string().regex(/^ps_[0-9a-f]{32}$/, 'a keyed-HMAC pseudonym (ps_ + 32 hex)');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const common = {
  schemaVersion: z.literal(AUDIT_SCHEMA_VERSION),
  timestamp: z.iso.datetime(),
  /** API Gateway's request id (HTTP) or the Lambda request id (S3 deliveries): joins the event to its logs. */
  requestId: z.string().min(1),
  callerPseudonym: pseudonym.optional(),
};
const milliseconds = z.number().nonnegative();

export const predictionAuditEventSchema = z
  .object({
    event: z.literal('prediction'),
    ...common,
    predictionId: z.string().min(1),
    source: z.enum(['s3', 'http']),
    subjectPseudonym: pseudonym.optional(),
    model: z.string().min(1),
    modelVersion: z.string().optional(),
    modelSha256: sha256.optional(),
    /** What was predicted on, without the bytes: absent only when the input was refused unread. */
    inputSha256: sha256.optional(),
    output: z
      .union([
        z.object({ label: z.string(), confidence: z.number() }).strict(),
        z.object({ detections: z.number().int().nonnegative(), topScore: z.number() }).strict(),
      ])
      .optional(),
    /** Every prediction is an automated decision (GDPR Art. 22): said in the answer and in the trail. */
    automated: z.literal(true),
    status: z.enum(['succeeded', 'failed', 'rejected']),
    errorCode: z.string().optional(),
    timings: z.object({ preprocessMs: milliseconds, inferenceMs: milliseconds, totalMs: milliseconds }).strict(),
  })
  .strict();

export const subjectRequestAuditEventSchema = z
  .object({
    event: z.enum(['subject-erasure', 'subject-export']),
    ...common,
    subjectPseudonym: pseudonym,
    predictions: z.number().int().nonnegative(),
    files: z.number().int().nonnegative(),
  })
  .strict();

export const auditEventSchema = z.discriminatedUnion('event', [predictionAuditEventSchema, subjectRequestAuditEventSchema]);

export type PredictionAuditEvent = z.infer<typeof predictionAuditEventSchema>;
export type SubjectRequestAuditEvent = z.infer<typeof subjectRequestAuditEventSchema>;
export type AuditEvent = z.infer<typeof auditEventSchema>;

/** What the model said, in a line: the label and confidence, or how many boxes and the best score. */
function outputSummary(result: PredictionResult | undefined): PredictionAuditEvent['output'] {
  if (!result) return undefined;
  if ('label' in result) return { label: result.label, confidence: result.confidence };
  return { detections: result.detections.length, topScore: Math.max(0, ...result.detections.map((d) => d.score)) };
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
    inputSha256: record.inputSha256,
    output: outputSummary(record.result),
    automated: true,
    status: record.status,
    errorCode: record.error?.code,
    timings: record.timings,
  };
}
