import { z } from 'zod';

/**
 * The part of a model version's metadata (`models/<name>/<version>/metadata.json`) that serving code reads.
 * Pre- and post-processing are driven by these fields only; nothing in the code knows a model's shape.
 */
const normalisation = z.object({
  /** Multiplies the uint8 pixel first (1/255 maps it to [0,1]). */
  scale: z.number().positive(),
  mean: z.array(z.number()).min(1),
  std: z.array(z.number().positive()).min(1),
});

const imageTensor = {
  kind: z.literal('image'),
  tensorName: z.string().min(1),
  layout: z.literal('NCHW'),
  dtype: z.literal('float32'),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  normalisation,
};

/**
 * `mnist`: grayscale, light background inverted, cropped to the ink, fitted in an `inkBox`² square and centred
 * by mass, as the MNIST set itself was made.
 */
export const mnistInputSpecSchema = z.object({
  ...imageTensor,
  channels: z.literal(1),
  fit: z.literal('mnist'),
  inkBox: z.number().int().positive(),
});

/** `letterbox`: RGB scaled to fit inside width × height keeping its aspect ratio, centred on `padValue` grey. */
export const letterboxInputSpecSchema = z.object({
  ...imageTensor,
  channels: z.literal(3),
  fit: z.literal('letterbox'),
  padValue: z.number().int().min(0).max(255),
});

export const imageInputSpecSchema = z.discriminatedUnion('fit', [mnistInputSpecSchema, letterboxInputSpecSchema]);

export const classificationOutputSpecSchema = z.object({
  kind: z.literal('classification'),
  tensorName: z.string().min(1),
  activation: z.enum(['softmax', 'none']),
  labels: z.array(z.string()).min(2),
});

/**
 * Anchor-free dense detection: per cell of a grid of the given stride, a score and the distances from the cell
 * centre to the box's left, top, right and bottom edges in stride units (`ltrb-stride`).
 */
export const detectionOutputSpecSchema = z.object({
  kind: z.literal('detection'),
  scoresTensorName: z.string().min(1),
  boxesTensorName: z.string().min(1),
  stride: z.number().int().positive(),
  scoreActivation: z.enum(['sigmoid', 'none']),
  boxEncoding: z.literal('ltrb-stride'),
  labels: z.array(z.string()).length(1),
  scoreThreshold: z.number().min(0).max(1),
  nmsIou: z.number().gt(0).max(1),
  maxDetections: z.number().int().positive(),
});

export const outputSpecSchema = z.discriminatedUnion('kind', [classificationOutputSpecSchema, detectionOutputSpecSchema]);

export const modelMetadataSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    task: z.string().min(1),
    description: z.string().optional(),
    artifact: z.object({
      file: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      bytes: z.number().int().positive(),
    }),
    input: imageInputSpecSchema,
    output: outputSpecSchema,
    training: z.record(z.string(), z.unknown()),
    metrics: z.record(z.string(), z.unknown()),
  })
  .superRefine((meta, ctx) => {
    const { channels, normalisation: norm } = meta.input;
    if (norm.mean.length !== channels || norm.std.length !== channels) {
      ctx.addIssue({ code: 'custom', message: `mean and std need one value per channel (${channels})` });
    }
    if (meta.output.kind === 'detection' && (meta.input.width % meta.output.stride || meta.input.height % meta.output.stride)) {
      ctx.addIssue({ code: 'custom', message: 'the input size must be a multiple of the detection stride' });
    }
  });

export type ModelMetadata = z.infer<typeof modelMetadataSchema>;
export type ImageInputSpec = z.infer<typeof imageInputSpecSchema>;
export type MnistInputSpec = z.infer<typeof mnistInputSpecSchema>;
export type LetterboxInputSpec = z.infer<typeof letterboxInputSpecSchema>;
export type ClassificationOutputSpec = z.infer<typeof classificationOutputSpecSchema>;
export type DetectionOutputSpec = z.infer<typeof detectionOutputSpecSchema>;
