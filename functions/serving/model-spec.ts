import * as z from 'zod/mini';
import '../platform/zod-messages';
import { InvalidInputError } from '../platform/errors';
import {
  anomalyOutputSpecSchema,
  regressionOutputSpecSchema,
  tabularInputSpecSchema,
  type TabularInputSpec,
} from './tabular/spec';
import { MODEL_NAME } from '../platform/model-name';
import { baselineSchema } from './baseline';

const sha256 = z.string().check(z.regex(/^[0-9a-f]{64}$/));
const text = z.string().check(z.minLength(1));

/**
 * The part of a model version's metadata (`models/<name>/<version>/metadata.json`) that serving code reads.
 * Pre- and post-processing are driven by these fields only; nothing in the code knows a model's shape.
 */
const normalisation = z.object({
  /** Multiplies the uint8 pixel first (1/255 maps it to [0,1]). */
  scale: z.number().check(z.positive()),
  mean: z.array(z.number()).check(z.minLength(1)),
  std: z.array(z.number().check(z.positive())).check(z.minLength(1)),
});

const imageTensor = {
  kind: z.literal('image'),
  tensorName: z.string().check(z.minLength(1)),
  layout: z.literal('NCHW'),
  dtype: z.literal('float32'),
  height: z.int().check(z.positive()),
  width: z.int().check(z.positive()),
  normalisation,
};

/** A light flattening's square, as a share of the picture's shorter side (page-light.ts). */
const closingShare = z.number().check(z.gt(0.05), z.lt(0.5));

/** The page options a second look may change: they act after the decode, so the decoded picture is read again. */
const readingOptions = {
  /** The light flattening's square (absent: a seventh). */
  closingShare: z.optional(closingShare),
  /** The strokes' hysteresis low share of the strongest ink (page-strokes.ts). Absent: 0.25. */
  lowShare: z.optional(z.number().check(z.gt(0.05), z.lt(0.5))),
};

/** A second look's reading: the options above, and where its ink comes from. */
const secondReading = z.strictObject({
  ...readingOptions,
  /**
   * The ruling removal's rules (absent), or the page's `inkSegmenter` network (1.6.0): where the rules erase a
   * loop or keep a shadow's edge, the network finds the ink as it learnt to.
   */
  ink: z.optional(z.literal('segmenter')),
});

/**
 * `mnist`: grayscale, light background inverted, cropped to the ink, fitted in an `inkBox`² square and centred
 * by mass, as the MNIST set itself was made.
 */
export const mnistInputSpecSchema = z.object({
  ...imageTensor,
  channels: z.literal(1),
  fit: z.literal('mnist'),
  inkBox: z.int().check(z.positive()),
  /**
   * Present when the model was trained on photographed pages (issue #14): the digit is found on the page (light
   * flattened, ruling removed, strokes picked) before the fit. Absent: the whole picture is the digit's crop.
   */
  page: z.optional(
    z.object({
      /** Longest side the photo is decoded at (shrink-on-load): the page's pixel work scales with its square. */
      workingSide: z.int().check(z.minimum(64)),
      /** Stroke width (pixels of the fitted ink box) thinner strokes are thickened to, as MNIST's are. */
      strokeWidth: z.number().check(z.positive()),
      /**
       * The paper's level is estimated on a copy max-pooled by this factor (page-light.ts). Absent: 1, every pixel,
       * as versions before 1.3.0 were measured and approved.
       */
      lightPool: z.optional(z.union([z.literal(1), z.literal(2), z.literal(4)])),
      /**
       * What resizes the digit's patch into the ink box: libvips (absent, as before 1.3.0) or `in-process`
       * (resample.ts: the same Lanczos-3 kernel without libvips' millisecond of fixed cost per call).
       */
      patchResize: z.optional(z.enum(['libvips', 'in-process'])),
      /**
       * The kernel libvips shrinks the photo to the working size with: Lanczos-3 (absent, as before 1.4.0) or `linear`
       * (two taps a pixel instead of six: the cheaper part of a small photo's decode).
       */
      shrinkKernel: z.optional(z.enum(['lanczos3', 'linear'])),
      /**
       * How the sheet's angle is refined in quarter degrees (page-ruling.ts): `every` angle within a degree of the
       * coarse search's (absent, as before 1.4.0), or `climb` from it towards the better neighbour while the lines
       * align better (about 4 angles instead of 9; the same range).
       */
      angleRefine: z.optional(z.enum(['every', 'climb'])),
      /**
       * Per label, the most ink an answer of that label is trusted on: pixels of the fitted digit (width × height) at
       * least 30 % inked. An answer read from a digit with more is flagged `unclear-writing`, and so read again: a "1"
       * with the ink of a blob is a thick digit found in part, not a "1" anyone writes (1.7.0: `{"1": 130}`, where
       * the "1"s read right have 70 at the median and under 130 in 99 cases of 100). Absent: no such limit.
       */
      maxInkPixels: z.optional(z.record(z.string(), z.int().check(z.positive()))),
      /**
       * The darkness (of 255: the flattened picture's 99.95th percentile) under which the page is blank (no-ink)
       * before any stroke is looked for. Absent: 40, as before 1.8.0. Lower (1.8.0: 12), a page between it and 40 is
       * read when the strokes' rules find a stroke on it and blank when they find none: a small digit in a thin, light
       * pen keeps only a few faint pixels at the working size, and was said blank.
       */
      blankBelow: z.optional(z.int().check(z.minimum(1), z.maximum(40))),
      /**
       * A digit written large is found again with a wider light-flattening square (1.9.0: `{"sideOver": 0.5,
       * "closingShare": 0.22}`): when the strokes found span more than `sideOver` of the picture's shorter side, the
       * page is flattened again with a square of `closingShare` of that side, and the strokes found then are read
       * (the first ones when none are). A seventh is narrower than the strokes of a thick pen on such a digit, and
       * takes their inside for paper. The wider square takes a shadow beside a small digit for ink, and can take a
       * piece of a hand's shadow beside a large one for a stroke (models/digits/README.md, 1.9.0). Absent: one
       * flattening, as before 1.9.0.
       */
      largeDigit: z.optional(
        z.strictObject({
          sideOver: z.number().check(z.gt(0), z.lt(1)),
          closingShare,
        }),
      ),
      ...readingOptions,
      /**
       * Other ways to read the page when the answer is uncertain (1.5.0): the decoded picture is read again with each
       * entry's options, the model runs on each reading, and the answer is the mean of all the readings'
       * probabilities; its uncertain flag and reason stay the first reading's (second-look.ts). Absent: one reading.
       */
      secondLook: z.optional(z.array(secondReading).check(z.minLength(1), z.maxLength(4))),
      /**
       * A network that finds the ink on the decoded page (models/digits/train_segmenter.py), shipped beside the
       * model as `file`: the page, brought to fit `side`² and padded with paper, in (`value`, 0–255); per pixel,
       * the logit of the written digit's ink out (`ink`). Read by the readings that say `ink: "segmenter"`, and by
       * the first reading where the rules find no ink (preprocessing/inkOnPage).
       */
      inkSegmenter: z.optional(z.object({ file: text, sha256, side: z.int().check(z.minimum(32), z.multipleOf(8)) })),
    }),
  ),
});

/** `letterbox`: RGB scaled to fit inside width × height keeping its aspect ratio, centred on `padValue` grey. */
export const letterboxInputSpecSchema = z.object({
  ...imageTensor,
  channels: z.literal(3),
  fit: z.literal('letterbox'),
  padValue: z.int().check(z.minimum(0), z.maximum(255)),
});

export const imageInputSpecSchema = z.discriminatedUnion('fit', [mnistInputSpecSchema, letterboxInputSpecSchema]);

export const classificationOutputSpecSchema = z.object({
  kind: z.literal('classification'),
  tensorName: z.string().check(z.minLength(1)),
  activation: z.enum(['softmax', 'none']),
  labels: z.array(z.string()).check(z.minLength(2)),
  /**
   * Answers whose confidence is below this are marked `uncertain` (reason `low-confidence`), as are answers on an
   * input with nothing in it (`nothing-found`). Calibrated on the model's evaluation set; absent: never uncertain.
   */
  uncertainBelow: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
});

/**
 * Anchor-free dense detection: per cell of a grid of the given stride, a score and the distances from the cell
 * centre to the box's left, top, right and bottom edges in stride units (`ltrb-stride`).
 */
export const detectionOutputSpecSchema = z.object({
  kind: z.literal('detection'),
  scoresTensorName: z.string().check(z.minLength(1)),
  boxesTensorName: z.string().check(z.minLength(1)),
  stride: z.int().check(z.positive()),
  scoreActivation: z.enum(['sigmoid', 'none']),
  boxEncoding: z.literal('ltrb-stride'),
  labels: z.array(z.string()).check(z.length(1)),
  scoreThreshold: z.number().check(z.minimum(0), z.maximum(1)),
  nmsIou: z.number().check(z.gt(0), z.maximum(1)),
  maxDetections: z.int().check(z.positive()),
  /**
   * A second network that places each kept box again (models/car-detector/train_refiner.py, 1.2.0), shipped beside
   * the model as `file`: crops of the normalised input around the boxes (`context` of the box's size on each side,
   * resampled to `side`²) in (`crops`), each box's edges in crop units out (`box`). Absent: the boxes as decoded.
   */
  boxRefiner: z.optional(
    z.object({
      file: text,
      sha256,
      side: z.int().check(z.minimum(16), z.maximum(256)),
      context: z.number().check(z.minimum(0), z.maximum(1)),
    }),
  ),
});

export const outputSpecSchema = z.discriminatedUnion('kind', [
  classificationOutputSpecSchema,
  detectionOutputSpecSchema,
  regressionOutputSpecSchema,
  anomalyOutputSpecSchema,
]);

/** Pictures (image) or feature rows (tabular, functions/serving/tabular/spec.ts). */
export const inputSpecSchema = z.union([imageInputSpecSchema, tabularInputSpecSchema]);

const described = <T extends z.ZodMiniType>(schema: T, description: string) => schema.check(z.describe(description));

/** How the artifact was made: enough to retrain it and to know what it learnt from. */
export const trainingProvenanceSchema = z.catchall(
  z.object({
    code: described(text, 'the training script, relative to the repository root'),
    codeCommit: described(z.nullable(z.string().check(z.regex(/^[0-9a-f]{40}$/))), 'git commit of the code that ran'),
    codeDirty: described(z.boolean(), 'true when the training code (the script or models/common) differed from codeCommit'),
    framework: text,
    seed: z.int(),
    data: z.catchall(
      z.object({
        source: text,
        license: z.optional(text),
        sha256: described(sha256, 'SHA-256 over the training data as the script read it'),
        split: described(z.record(z.string(), z.unknown()), 'how training and evaluation data were separated'),
      }),
      z.unknown(),
    ),
    parameters: z.record(z.string(), z.unknown()),
    durationSeconds: z.number().check(z.nonnegative()),
    trainedAt: z.iso.datetime(),
  }),
  z.unknown(),
);

/** One set of measured figures; `measuredBy` names the code that measured them. */
const metricSetSchema = z.catchall(z.object({ measuredBy: text }), z.unknown());

/** A decision by a person, never by the training script: only `approved` versions are served. */
export const approvalSchema = z
  .object({
    status: z.enum(['approved', 'pending', 'rejected', 'retired']),
    approver: z.optional(text),
    date: z.optional(z.iso.date()),
    notes: z.optional(text),
  })
  .check(
    z.refine((approval) => approval.status === 'pending' || Boolean(approval.approver && approval.date), {
      message: 'a decision (approved, rejected, retired) needs its approver and date',
    }),
  );

const nonEmptyTexts = z.array(text).check(z.minLength(1));

/** The accountable facts about a version (model-card material), set when it is reviewed. */
export const governanceSchema = z.object({
  owner: z.object({ name: text, contact: z.email() }),
  approval: approvalSchema,
  intendedUse: z.object({
    primaryUses: nonEmptyTexts,
    primaryUsers: nonEmptyTexts,
    outOfScope: nonEmptyTexts,
  }),
  personalData: z
    .object({
      processesPersonalData: z.boolean(),
      categories: z.array(text),
      legalBasis: z.optional(text),
      dpiaReference: described(z.nullable(text), 'path of the DPIA in this repository, when personal data is processed'),
    })
    .check(
      z.refine((data) => !data.processesPersonalData || Boolean(data.dpiaReference && data.legalBasis), {
        message: 'a model that processes personal data needs its legal basis and DPIA reference',
      }),
    ),
  /** What each entry of `metrics` was measured on, by the same key. */
  evaluationData: z.record(z.string(), text),
  factors: nonEmptyTexts,
  limitations: nonEmptyTexts,
  ethicalConsiderations: z.array(z.object({ risk: text, mitigation: text })).check(z.minLength(1)),
  licence: z.object({ model: text, data: text }),
  /**
   * Set by a data-subject erasure (functions/subjects): the version learnt from a table about a person who has
   * since had their data erased. The model keeps what it learnt (its categories among it): the owner retrains
   * without them, or records why this version stays (governance/data-subject-rights.md §2).
   */
  trainedOnErasedSubject: z.optional(
    z.object({
      erasedAt: z.iso.date(),
      trainingIds: described(z.array(text), 'the trainings whose table was erased (GET /v1/trainings/{trainingId})'),
    }),
  ),
});

/** A version number: major.minor.patch (trainings raise the minor, functions/training/model-bucket.ts). */
export const VERSION = /^\d+\.\d+\.\d+$/;

const metadataFields = {
  name: z.string().check(z.regex(MODEL_NAME)),
  version: z.string().check(z.regex(VERSION)),
  task: text,
  description: z.optional(z.string()),
  artifact: z.object({
    file: text,
    sha256,
    bytes: z.int().check(z.positive()),
  }),
  input: inputSpecSchema,
  output: outputSpecSchema,
  training: trainingProvenanceSchema,
  metrics: z
    .record(z.string(), metricSetSchema)
    .check(z.refine((metrics) => Object.keys(metrics).length > 0, 'at least one metric set')),
  baseline: z.optional(described(baselineSchema, 'what drift is measured against: the training data binned (#24)')),
};

type MetadataShape = {
  input: z.infer<typeof inputSpecSchema>;
  output: z.infer<typeof outputSpecSchema>;
  metrics: Record<string, unknown>;
  governance?: z.infer<typeof governanceSchema>;
};

/** Which outputs each input kind can feed: boxes need a picture, a score per row needs rows. */
const OUTPUTS_BY_INPUT = {
  image: ['classification', 'detection'],
  tabular: ['classification', 'regression', 'anomaly'],
} as const;

function checkImageInput(meta: MetadataShape, input: ImageInputSpec, ctx: z.core.$RefinementCtx<MetadataShape>) {
  const { channels, normalisation: norm } = input;
  if (norm.mean.length !== channels || norm.std.length !== channels) {
    ctx.addIssue({ code: 'custom', message: `mean and std need one value per channel (${channels})` });
  }
  if (meta.output.kind === 'detection' && (input.width % meta.output.stride || input.height % meta.output.stride)) {
    ctx.addIssue({ code: 'custom', message: 'the input size must be a multiple of the detection stride' });
  }
  const page = input.fit === 'mnist' ? input.page : undefined;
  if (page?.secondLook?.some((reading) => reading.ink === 'segmenter') && !page.inkSegmenter) {
    ctx.addIssue({ code: 'custom', message: 'a reading with ink "segmenter" needs input.page.inkSegmenter' });
  }
  // A limit on a label the model never answers would never apply: a typo, said at registration rather than ignored.
  const labels: readonly string[] = meta.output.kind === 'classification' ? meta.output.labels : [];
  const unknown = Object.keys(page?.maxInkPixels ?? {}).filter((label) => !labels.includes(label));
  if (unknown.length > 0) {
    ctx.addIssue({ code: 'custom', message: `input.page.maxInkPixels names labels the output has not: ${unknown.join(', ')}` });
  }
}

function checkConsistency(meta: MetadataShape, ctx: z.core.$RefinementCtx<MetadataShape>) {
  const accepted: readonly string[] = OUTPUTS_BY_INPUT[meta.input.kind];
  if (!accepted.includes(meta.output.kind)) {
    ctx.addIssue({ code: 'custom', message: `a ${meta.input.kind} model cannot have a ${meta.output.kind} output` });
  }
  if (meta.input.kind === 'image') checkImageInput(meta, meta.input, ctx);
  for (const key of Object.keys(meta.metrics)) {
    if (meta.governance && !meta.governance.evaluationData[key]) {
      ctx.addIssue({
        code: 'custom',
        path: ['governance', 'evaluationData', key],
        message: `say what metrics.${key} was measured on`,
      });
    }
  }
}

/**
 * What serving reads. A package fresh from training has no `governance` yet: it can be inspected and evaluated,
 * and is served only once a person has reviewed and approved it (functions/serving/registry.ts).
 */
export const modelMetadataSchema = z
  .object({ ...metadataFields, governance: z.optional(governanceSchema) })
  .check(z.superRefine(checkConsistency));

/**
 * A version as committed to the registry (models/<name>/<version>/metadata.json): reviewed, with its owner,
 * approval, intended use and personal-data assessment. governance/schemas/model-metadata.schema.json is this
 * schema; `npm test` validates every committed version against it.
 */
export const registeredModelMetadataSchema = z
  .object({ ...metadataFields, governance: governanceSchema })
  .check(z.superRefine(checkConsistency));

export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

/** The networks a version ships beside its model (a digits page's ink segmenter, a detector's box refiner). */
export function companionArtifacts({ input, output }: ModelMetadata): Array<{ file: string; sha256: string }> {
  return [
    ...(input.kind === 'image' && input.fit === 'mnist' && input.page?.inkSegmenter ? [input.page.inkSegmenter] : []),
    ...(output.kind === 'detection' && output.boxRefiner ? [output.boxRefiner] : []),
  ];
}
export type ImageInputSpec = z.infer<typeof imageInputSpecSchema>;
export type InputSpec = ImageInputSpec | TabularInputSpec;
export type { TabularInputSpec };
export type MnistInputSpec = z.infer<typeof mnistInputSpecSchema>;
export type MnistPageSpec = NonNullable<MnistInputSpec['page']>;
export type LetterboxInputSpec = z.infer<typeof letterboxInputSpecSchema>;
export type ClassificationOutputSpec = z.infer<typeof classificationOutputSpecSchema>;
export type DetectionOutputSpec = z.infer<typeof detectionOutputSpecSchema>;

/**
 * The image spec of a model that takes pictures; a tabular model asked to read a picture refuses it as the
 * caller's mistake (400), the same way on the HTTP and the S3 paths.
 */
export function imageInputOf(metadata: Pick<ModelMetadata, 'name' | 'input'>): ImageInputSpec {
  if (metadata.input.kind !== 'image') {
    throw new InvalidInputError(
      'unsupported-input',
      `Model '${metadata.name}' takes feature rows (JSON {"features": {...}}, {"rows": [...]} or text/csv), not images.`,
    );
  }
  return metadata.input;
}
