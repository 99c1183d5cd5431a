import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { described, predictionRecordSchema } from './responses';
import { shadowOutputSchema } from './shadow-schemas';
import { trainingSchema } from './training-schemas';

/** The answers of the data-subject routes (functions/subjects): an export, an erasure receipt. */
const isoTime = z.iso.datetime();

const fileSchema = z.object({
  role: z.enum(['upload', 'annotated', 'quarantine', 'batch-output', 'training-upload', 'training-request']),
  bucket: z.string(),
  key: z.string(),
  predictionId: z.optional(z.string()),
  trainingId: z.optional(z.string()),
  mayBeShared: z.optional(
    described(z.literal(true), 'a batch output named by its input key alone (before per-upload outputs): listed, not embedded'),
  ),
  bytes: z.int(),
  contentType: z.optional(z.string()),
  contentBase64: z.optional(z.base64()),
});
export const subjectExportSchema = z.object({
  subjectPseudonym: z.string(),
  exportedAt: isoTime,
  notice: z.string(),
  predictions: z.array(z.extend(predictionRecordSchema, { automated: z.literal(true), shadow: z.optional(shadowOutputSchema) })),
  trainings: described(z.array(trainingSchema), 'trainings on a table sent about the person (`x-subject-id`, `subject-id`)'),
  modelVersions: z.array(
    z.object({
      model: z.string(),
      version: z.string(),
      approval: z.string(),
      trainedOnErasedSubject: z.optional(z.object({ erasedAt: z.iso.date(), trainingIds: z.array(z.string()) })),
    }),
  ),
  files: z.array(fileSchema),
  contentIncluded: described(z.boolean(), 'false when the files exceed 3 MB together: they are listed, not embedded'),
});
export const erasureReceiptSchema = z.object({
  subjectPseudonym: z.string(),
  erasedAt: isoTime,
  predictions: z.int(),
  files: z.int(),
  inFlightUploads: z.int(),
  tombstoneUntil: isoTime,
  inFlightScanComplete: z.boolean(),
  trainings: z.int(),
  trainingsInProgress: described(z.int(), 'trainings still running on a table of theirs: erase again once they end'),
  modelVersionsFlagged: described(z.array(z.string()), '`model@version` now marked trainedOnErasedSubject'),
  retained: z.array(z.string()),
});
