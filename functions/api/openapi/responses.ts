import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { UNCERTAIN_REASONS } from '../../records/results';
import { modelMetadataSchema } from '../../serving/model-spec';
import { modelLifecycleFields } from './lifecycle-schemas';
import { TIME_WARNING_CODES } from '../../records/warnings';

/**
 * The bodies the /v1 routes answer, as zod schemas for the OpenAPI document. The handlers build these answers
 * from TypeScript types; the contract test (tests/integration/openapi-contract.test.ts) checks every real answer
 * against the JSON Schema made from these, so a field added, renamed or dropped on one side fails there.
 */
/** The schema with a description, which the JSON Schema and /docs show. */
export const described = <T extends z.ZodMiniType>(schema: T, description: string) => schema.check(z.describe(description));
const isoTime = z.iso.datetime();
const uuid = z.string().check(z.regex(/^[0-9a-f-]{36}$/));
const probability = z.number().check(z.gte(0), z.lte(1));

export const fieldProblemSchema = z.object({
  field: z.string(),
  row: z.optional(described(z.int().check(z.nonnegative()), '0-based row index in `rows` or among the CSV data rows')),
  message: z.string(),
});

export const rangeWarningSchema = z.object({
  field: z.string(),
  value: z.number(),
  range: z.object({ min: z.number(), max: z.number() }),
  row: z.optional(z.int().check(z.nonnegative())),
});

/** What a feature-rows refusal adds: the first problems, how many there are, and the model's features once. */
const fieldProblemsFields = {
  errors: z.optional(described(z.array(fieldProblemSchema), 'the first 100 problems, in row order')),
  errorCount: z.optional(described(z.int().check(z.nonnegative()), 'how many problems there are in all')),
  features: z.optional(described(z.array(z.string()), 'the fields the model takes, when one sent is not among them')),
};

/** What a refused model import adds (functions/training/import/): the check that failed, and its particulars. */
const importRefusalFields = {
  check: z.optional(described(z.string(), 'model-import-refused: the check that failed (docs/bring-your-own-model.md)')),
  issues: z.optional(described(z.array(z.string()), 'metadata-schema: each problem, with its path')),
  failedSamples: z.optional(
    described(
      z.array(z.object({ sample: z.int(), problems: z.array(z.string()) })),
      'samples: the first samples that disagree, by index, and how',
    ),
  ),
};

/**
 * RFC 9457; `code` is the stable reason clients branch on, `errors` lists the bad fields of feature rows, `check`
 * names the failed check of a model import.
 */
export const problemSchema = z.object({
  type: z.url(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string(),
  ...fieldProblemsFields,
  ...importRefusalFields,
});

/**
 * A classifier that calibrated a threshold (digits) says when its answer is not to be trusted, and why; and, for a page in
 * doubt its version read again (a second look), how many readings the answer is the mean of.
 */
export const uncertainFields = {
  uncertain: z.optional(described(z.literal(true), 'the answer is not confident enough to act on')),
  reason: z.optional(
    described(
      z.enum(UNCERTAIN_REASONS),
      'nothing-found: no writing; low-confidence: under the threshold; unclear-writing: faint, tangled with the ruling, or more ink than the answer has',
    ),
  ),
  readings: z.optional(
    described(z.int().check(z.minimum(2)), 'a page in doubt read several ways: the probabilities are their mean'),
  ),
};
export const classificationResultSchema = z.object({
  label: z.string(),
  confidence: probability,
  probabilities: described(z.record(z.string(), probability), 'label → probability'),
  ...uncertainFields,
});
export const detectionSchema = z.object({
  label: z.string(),
  score: probability,
  box: described(
    z.object({ xmin: z.number(), ymin: z.number(), xmax: z.number(), ymax: z.number() }),
    'in the input picture’s pixels, after EXIF orientation',
  ),
});
export const detectionResultSchema = z.object({ detections: z.array(detectionSchema) });
export const regressionResultSchema = z.object({ value: z.number() });
export const anomalyResultSchema = z.object({
  anomaly: described(z.union([z.literal(0), z.literal(1)]), '1 when score >= the model’s threshold'),
  score: z.number(),
});
export const rowsSummarySchema = z.object({
  kind: z.enum(['rows', 'batch']),
  rows: z.int(),
  succeededRows: z.int(),
  rejectedRows: z.int(),
  outputKey: z.optional(z.string()),
});
export const resultSchema = z.union([
  classificationResultSchema,
  detectionResultSchema,
  regressionResultSchema,
  anomalyResultSchema,
  rowsSummarySchema,
]);

export const timingsSchema = z.object({ preprocessMs: z.number(), inferenceMs: z.number(), totalMs: z.number() });

/** What a time series' time column said about a row (rows out of order, a gap, an unreadable time), served anyway. */
const timeWarningSchema = z.object({
  row: described(z.int(), 'the row, from 0: a CSV file’s data row (header excluded), or the index in `rows`'),
  field: z.string(),
  code: z.enum(TIME_WARNING_CODES),
  message: z.string(),
});
const timeWarningFields = {
  timeWarnings: z.optional(
    described(z.array(timeWarningSchema), 'time series (a CSV, or JSON rows carrying the time column): the first 100'),
  ),
  timeWarningCount: z.optional(z.int()),
};

export const predictionRecordSchema = z.object({
  predictionId: uuid,
  requestId: z.string(),
  source: z.enum(['s3', 'http']),
  inputKey: z.optional(z.string()),
  inputSha256: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
  model: z.string(),
  modelVersion: z.optional(z.string()),
  modelSha256: z.optional(z.string()),
  alias: z.optional(described(z.string(), 'the alias that chose the version; absent when it was asked by `version`')),
  status: described(z.enum(['succeeded', 'failed', 'rejected', 'running']), '`running` only while a CSV batch is scored'),
  result: z.optional(resultSchema),
  warnings: z.optional(z.array(rangeWarningSchema)),
  warningCount: z.optional(z.int()),
  ...timeWarningFields,
  processedRows: z.optional(z.int()),
  bins: z.optional(
    described(
      z.object({ rows: z.int(), features: z.record(z.string(), z.array(z.int())), output: z.array(z.int()) }),
      'tabular rows, or a picture’s statistics and answer: how many fell in each bin of the version’s baseline, missing last (drift)',
    ),
  ),
  answers: z.optional(
    described(
      z.object({
        labels: z.optional(z.record(z.string(), z.int())),
        scores: z.optional(z.record(z.string(), z.int())),
        uncertain: z.optional(z.int()),
      }),
      'several rows or a CSV batch: their answers counted per label, per score bucket (statistics) and uncertain',
    ),
  ),
  error: z.optional(z.object({ code: z.string(), message: z.string() })),
  annotatedKey: z.optional(z.string()),
  quarantineKey: z.optional(z.string()),
  subjectId: z.optional(described(z.string(), 'pseudonym of the data subject, never the identifier')),
  callerId: z.optional(z.string()),
  timings: timingsSchema,
  createdAt: isoTime,
  expiresAt: described(z.int(), 'epoch seconds; the record is deleted after it'),
});

/** A page of GET /v1/predictions: records as stored, and where the next page starts. */
export const predictionListSchema = z.object({
  items: z.array(predictionRecordSchema),
  cursor: z.optional(described(z.string(), 'send it back as `cursor` for the next page; absent on the last one')),
});

const answerHead = {
  predictionId: uuid,
  model: z.string(),
  modelVersion: z.optional(z.string()),
  alias: z.optional(
    described(z.string(), 'the alias that chose the version (`production` by default); absent when asked by `version`'),
  ),
  timings: timingsSchema,
  automated: described(z.literal(true), 'the answer is an automated decision (GDPR Art. 22)'),
};
/** An image, or one `features` row: the model's answer for it. */
export const singlePredictionSchema = <R extends z.ZodMiniType>(result: R) =>
  z.object({ ...answerHead, result, warnings: z.optional(z.array(rangeWarningSchema)), ...timeWarningFields });
/** `rows` or a CSV body answered in JSON: one entry per row, in order, a result or the reason it was not scored. */
export const rowsPredictionSchema = <R extends z.ZodMiniType>(result: R) =>
  z.object({
    ...answerHead,
    summary: rowsSummarySchema,
    ...timeWarningFields,
    results: z.array(
      z.union([
        z.object({ result, warnings: z.optional(z.array(rangeWarningSchema)) }),
        z.object({ error: z.string(), warnings: z.optional(z.array(rangeWarningSchema)) }),
      ]),
    ),
  });

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  models: z.array(
    z.object({
      name: z.string(),
      version: z.optional(z.string()),
      loaded: z.boolean(),
      served: z.optional(described(z.literal(false), 'no version approved yet: listed, not loaded')),
      error: z.optional(z.string()),
    }),
  ),
});

/** What functions/registry/describe.ts lists per version: the metadata without the model's name. */
const versionShape = z.omit(z.object(modelMetadataSchema.def.shape), { name: true });
export const modelDescriptionSchema = z.object({
  name: z.string(),
  latestVersion: z.optional(z.string()),
  servedVersion: z.optional(
    described(z.string(), 'what predict uses without `?alias=` or `?version=`: production’s version, else the newest approved'),
  ),
  versions: z.array(versionShape),
  ...modelLifecycleFields,
});
export const modelListSchema = z.object({ models: z.array(modelDescriptionSchema) });

/** A model card as JSON: the Model Card Toolkit 0.0.2 sections functions/training/model-card.ts fills. */
const cardSection = z.record(z.string(), z.unknown());
export const modelCardSchema = described(
  z.object({
    schema_version: z.literal('0.0.2'),
    model_details: cardSection,
    model_parameters: cardSection,
    quantitative_analysis: cardSection,
    considerations: cardSection,
  }),
  'governance/schemas/model-card.schema.json in the repository holds every field',
);

const psiFigure = {
  psi: z.number(),
  threshold: described(z.number(), 'PSI’s 1 % quantile with no change, for this window’s size, shared out over the features'),
  breach: z.boolean(),
};

/** GET /v1/models/{model}/drift and `vigie drift --json` (#24). */
export const driftSchema = z.object({
  model: z.string(),
  version: described(z.string(), 'the version that answered most of the window'),
  window: z.object({ from: isoTime, to: isoTime, n: described(z.int(), 'rows in the window (CSV batch rows included)') }),
  status: z.enum(['ok', 'drift', 'not-enough-data']),
  alarm: described(z.boolean(), 'at least 3 of the last 5 windows of this length drifted'),
  features: z.array(z.object({ name: z.string(), ...psiFigure })),
  output: z.object(psiFigure),
  generatedAt: z.optional(described(isoTime, 'a scheduled run’s report (functions/drift): when it was written')),
  history: z.optional(
    described(
      z.array(z.object({ to: isoTime, status: z.enum(['ok', 'drift', 'not-enough-data']) })),
      'a scheduled run’s report: this version’s last scheduled windows, oldest first, that the alarm counts',
    ),
  ),
});
