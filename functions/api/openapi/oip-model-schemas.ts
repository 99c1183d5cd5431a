import * as z from 'zod/mini';
import '../../platform/zod-messages';
import type { ModelMetadata } from '../../serving/model-spec';
import { inputTensors, outputTensors } from '../oip/model-tensors';
import { OIP_DATATYPES, parametersSchema, scalarParametersSchema, tensorDataSchema, type MetadataTensor } from '../oip/schemas';
import { exampleValue } from './model-schemas';
import { OIP_TAG } from './oip-routes';
import { OIP_INFER_PROBLEMS } from './problems';
import { described } from './responses';
import { PREDICTION_HEADERS, subjectHeader, type RouteDoc } from './route-doc';

/**
 * Exactly `length` items of `item`, as a plain array: no tuple (`prefixItems` + `items: false`), which Spectral's
 * OpenAPI rules flag and Prism's validator reads as "no item allowed", refusing every valid request. A fixed
 * shape is one `const` array; a tabular [N, F] shape says F with `contains` (the handler checks the order).
 */
const exactly = <T extends z.ZodMiniType>(item: T, length: number) => z.array(item).check(z.length(length));
const shapeOf = (dims: number[]) => exactly(z.int().check(z.nonnegative()), dims.length).check(z.meta({ const: dims }));
const NUMBER_TYPES = OIP_DATATYPES.filter((type) => type !== 'BOOL' && type !== 'BYTES') as [string, ...string[]];

/**
 * The one input the model takes, in each form functions/oip/infer.ts reads: an image model's own FP32 (or FP64)
 * [1, C, H, W] tensor, its fitted UINT8 [1, H, W, C] pixels or its encoded picture as one base64 BYTES element;
 * a tabular model's [N, F] number tensor, columns in the spec's feature order, categories by 0-based index.
 */
function inputSchema(metadata: ModelMetadata): z.ZodMiniType {
  const [tensor] = inputTensors(metadata) as [MetadataTensor];
  const head = { name: z.literal(tensor.name), parameters: z.optional(parametersSchema) };
  const { input } = metadata;
  if (input.kind === 'image') {
    const { channels, height, width } = input;
    return z.union([
      described(
        z.object({
          ...head,
          datatype: z.enum(['FP32', 'FP64']),
          shape: shapeOf([1, channels, height, width]),
          data: tensorDataSchema,
        }),
        `the model's own tensor, fitted (${input.fit}) and normalised as its metadata says`,
      ),
      described(
        z.object({
          ...head,
          datatype: z.literal('UINT8'),
          shape: shapeOf([1, height, width, channels]),
          data: tensorDataSchema,
        }),
        'the fitted pixels, normalised by Vigie',
      ),
      described(
        z.object({ ...head, datatype: z.literal('BYTES'), shape: shapeOf([1]), data: exactly(z.base64(), 1) }),
        'the encoded picture (PNG, JPEG, WebP, GIF, TIFF) in base64: decoded, oriented and fitted by Vigie',
      ),
    ]);
  }
  const columns = input.features.map((feature) => feature.name).join(', ');
  return described(
    z.object({
      ...head,
      datatype: z.enum(NUMBER_TYPES),
      shape: described(
        exactly(z.int().check(z.minimum(1)), 2).check(z.meta({ contains: { const: input.features.length } })),
        `[N, ${input.features.length}]: N rows of ${input.features.length} features`,
      ),
      data: tensorDataSchema,
    }),
    `one row per sample, columns in this order: ${columns}; a category by its 0-based index in the metadata's values`,
  );
}

/** A tabular model's example request: one row in the middle of each training range, "Try it out" ready. */
function exampleRequest(metadata: ModelMetadata) {
  const { input } = metadata;
  if (input.kind !== 'tabular') return undefined;
  const row = input.features.map((feature) => exampleValue(feature) ?? 0);
  return { inputs: [{ name: input.tensorName, shape: [1, row.length], datatype: 'FP32', data: row }] };
}

/** Each output as Vigie writes it: flat data, a classifier's or detector's labels among the model's own. */
function outputSchema(metadata: ModelMetadata, tensor: MetadataTensor): z.ZodMiniType {
  const { output } = metadata;
  const labelled = 'labels' in output && tensor.datatype === 'BYTES';
  const element = labelled
    ? z.enum(output.labels as [string, ...string[]])
    : tensor.datatype === 'BOOL'
      ? z.boolean()
      : z.number();
  return z.object({
    name: z.literal(tensor.name),
    shape: z.array(z.int().check(z.nonnegative())),
    datatype: z.literal(tensor.datatype),
    parameters: z.optional(scalarParametersSchema),
    data: z.array(element),
  });
}

/**
 * POST /v2/models/<name>/infer for one served model, from its metadata: the input tensor it takes (name,
 * datatypes, shapes) and the output tensors it answers, with its labels. Like the /v1 predict path of each model,
 * a concrete path matched before the templated one, so its answers are checked against these.
 */
export function modelInferRoute(metadata: ModelMetadata): RouteDoc {
  const outputs = outputTensors(metadata);
  const names = outputs.map((tensor) => tensor.name) as [string, ...string[]];
  const example = exampleRequest(metadata);
  const request = z.object({
    id: z.optional(z.string()),
    parameters: z.optional(parametersSchema),
    inputs: exactly(inputSchema(metadata), 1),
    outputs: z.optional(z.array(z.object({ name: z.enum(names), parameters: z.optional(parametersSchema) }))),
  });
  const response = z.object({
    model_name: z.literal(metadata.name),
    model_version: z.optional(z.string()),
    id: z.optional(z.string()),
    parameters: z.optional(scalarParametersSchema),
    outputs: z.array(z.union(outputs.map((tensor) => outputSchema(metadata, tensor)))),
  });
  return {
    method: 'post',
    path: `/v2/models/${metadata.name}/infer`,
    operationId: `oip_infer_${metadata.name.replace(/-/g, '_')}`,
    summary: `${metadata.name} ${metadata.version}: ${metadata.task} (tensors)`,
    description: metadata.description,
    tag: OIP_TAG,
    permission: 'model',
    errors: 'oip',
    parameters: [subjectHeader],
    requestBody: {
      required: true,
      content: { 'application/json': example ? request.check(z.meta({ examples: [example] })) : request },
    },
    responses: {
      200: {
        description: `The output tensors (${names.join(', ')}); \`parameters.prediction_id\` names the record.`,
        content: { 'application/json': response },
        headers: PREDICTION_HEADERS,
      },
    },
    problems: OIP_INFER_PROBLEMS,
  };
}
