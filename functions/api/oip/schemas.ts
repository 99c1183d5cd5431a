import * as z from 'zod/mini';
import '../../platform/zod-messages';

/**
 * The Open Inference Protocol v2 REST bodies (kserve/open-inference-protocol, inference_rest.md), as zod schemas:
 * the handler validates requests with them, and the OpenAPI generator can turn them into the document's /v2
 * schemas, so code and document share one source. Field names are the protocol's (snake_case), not ours.
 */

/** The tensor element types of the protocol that Vigie reads or writes (FP16 and BF16 have no JSON form). */
export const OIP_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export const datatypeSchema = z.enum(OIP_DATATYPES);
export type OipDatatype = z.infer<typeof datatypeSchema>;

/** Key/value pairs a request and its tensors may carry: accepted whatever their values, and not interpreted. */
export const parametersSchema = z.record(z.string(), z.unknown());

/** What Vigie sends: the protocol's `$parameter = $string : $string | $number | $boolean`, scalars only. */
export const scalarParametersSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** Row-major tensor contents, flat or nested to any depth. */
export type TensorData = Array<number | string | boolean | TensorData>;
// Recursive, so its JSON Schema is a definition of its own: the id names it in the OpenAPI document's components.
export const tensorDataSchema: z.ZodMiniType<TensorData> = z
  .array(z.union([z.number(), z.string(), z.boolean(), z.lazy(() => tensorDataSchema)]))
  .check(z.meta({ id: 'OipTensorData', description: 'row-major tensor contents, flat or nested to the tensor’s rank' }));

/** Each dimension an unsigned integer (the protocol: representable as a uint64). */
const shapeSchema = z.array(z.int().check(z.nonnegative()));

export const requestInputSchema = z.object({
  name: z.string().check(z.minLength(1)),
  shape: shapeSchema,
  // Checked against the supported types by the tensor reader, which names what it takes.
  datatype: z.string(),
  parameters: z.optional(parametersSchema),
  data: tensorDataSchema,
});
export type RequestInput = z.infer<typeof requestInputSchema>;

export const requestOutputSchema = z.object({
  name: z.string().check(z.minLength(1)),
  parameters: z.optional(parametersSchema),
});

export const inferenceRequestSchema = z.object({
  id: z.optional(z.string()),
  parameters: z.optional(parametersSchema),
  inputs: z.array(requestInputSchema).check(z.minLength(1)),
  outputs: z.optional(z.array(requestOutputSchema)),
});
export type InferenceRequest = z.infer<typeof inferenceRequestSchema>;

export const responseOutputSchema = z.object({
  name: z.string(),
  shape: z.array(z.int()),
  datatype: datatypeSchema,
  parameters: z.optional(scalarParametersSchema),
  data: tensorDataSchema,
});
export type ResponseOutput = z.infer<typeof responseOutputSchema>;

export const inferenceResponseSchema = z.object({
  model_name: z.string(),
  model_version: z.optional(z.string()),
  id: z.optional(z.string()),
  parameters: z.optional(scalarParametersSchema),
  outputs: z.array(responseOutputSchema),
});
export type InferenceResponse = z.infer<typeof inferenceResponseSchema>;

/**
 * A variable-size dimension is -1. `parameters` (as MLServer's metadata tensors carry them) names the other forms
 * an input takes under the same name: the protocol's metadata lists one tensor per input.
 */
export const metadataTensorSchema = z.object({
  name: z.string(),
  datatype: datatypeSchema,
  shape: z.array(z.int().check(z.gte(-1))),
  parameters: z.optional(scalarParametersSchema),
});
export type MetadataTensor = z.infer<typeof metadataTensorSchema>;

export const modelMetadataResponseSchema = z.object({
  name: z.string(),
  versions: z.optional(z.array(z.string())),
  platform: z.string(),
  inputs: z.array(metadataTensorSchema),
  outputs: z.array(metadataTensorSchema),
});
export type ModelMetadataResponse = z.infer<typeof modelMetadataResponseSchema>;

export const serverMetadataResponseSchema = z.object({
  name: z.string(),
  version: z.string(),
  extensions: z.array(z.string()),
});

export const serverLiveResponseSchema = z.object({ live: z.boolean() });
/** The protocol's text gives the ready answer a `live` member (a slip for `ready`): both are sent. */
export const serverReadyResponseSchema = z.object({ ready: z.boolean(), live: z.boolean() });
export const modelReadyResponseSchema = z.object({ name: z.string(), ready: z.boolean() });

/**
 * Every /v2 error: the platform's problem+json (as on /v1) with the protocol's `{"error": "…"}` member, and for
 * bad feature values the first problems, how many there are and, when a field is not one, the features.
 */
export const errorResponseSchema = z.object({
  error: z.string(),
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string(),
  code: z.string(),
  errors: z.optional(z.array(z.unknown())),
  errorCount: z.optional(z.int().check(z.nonnegative())),
  features: z.optional(z.array(z.string())),
});
