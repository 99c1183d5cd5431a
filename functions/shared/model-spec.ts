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

export const imageInputSpecSchema = z.object({
  kind: z.literal('image'),
  tensorName: z.string().min(1),
  layout: z.literal('NCHW'),
  dtype: z.literal('float32'),
  /** The `mnist` fit works on one gray channel. */
  channels: z.literal(1),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
  /**
   * How a picture is fitted into the tensor. `mnist`: grayscale, light background inverted, cropped to the ink,
   * fitted in an `inkBox`² square and centred by mass, as the MNIST set itself was made.
   */
  fit: z.literal('mnist'),
  inkBox: z.number().int().positive(),
  normalisation,
});

export const classificationOutputSpecSchema = z.object({
  kind: z.literal('classification'),
  tensorName: z.string().min(1),
  activation: z.enum(['softmax', 'none']),
  labels: z.array(z.string()).min(2),
});

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
    output: classificationOutputSpecSchema,
    training: z.record(z.string(), z.unknown()),
    metrics: z.record(z.string(), z.unknown()),
  })
  .superRefine((meta, ctx) => {
    const { channels, normalisation: norm } = meta.input;
    if (norm.mean.length !== channels || norm.std.length !== channels) {
      ctx.addIssue({ code: 'custom', message: `mean and std need one value per channel (${channels})` });
    }
  });

export type ModelMetadata = z.infer<typeof modelMetadataSchema>;
export type ImageInputSpec = z.infer<typeof imageInputSpecSchema>;
export type ClassificationOutputSpec = z.infer<typeof classificationOutputSpecSchema>;
