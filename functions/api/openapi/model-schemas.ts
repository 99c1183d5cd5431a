import * as z from 'zod/mini';
import '../../platform/zod-messages';
import type { ModelMetadata } from '../../serving/model-spec';
import type { FeatureSpec } from '../../serving/tabular/spec';
import { PREDICT_PROBLEMS } from './problems';
import {
  anomalyResultSchema,
  described,
  detectionResultSchema,
  regressionResultSchema,
  rowsPredictionSchema,
  singlePredictionSchema,
  uncertainFields,
} from './responses';
import { binary, PREDICTION_HEADERS, type RouteDoc } from './route-doc';
import { predictParameters } from './routes';

/** A JSON value the tabular reader takes for the feature (functions/serving/tabular/features.ts). */
function featureValueSchema(feature: FeatureSpec): z.ZodMiniType {
  const unit = 'unit' in feature && feature.unit ? ` (${feature.unit})` : '';
  if (feature.type === 'category')
    return described(z.enum(feature.values as [string, ...string[]]), `one of the categories${unit}`);
  const base = feature.type === 'integer' ? z.int() : z.number();
  const range = feature.range
    ? `; trained on ${feature.range.min} to ${feature.range.max}, outside it is served with a warning`
    : '';
  const example = exampleValue(feature);
  if (example === undefined) return described(base, `${feature.name}${unit}`);
  return base.check(z.describe(`${feature.name}${unit}${range}`), z.meta({ examples: [example] }));
}

/**
 * The middle of a number feature's training range, so that "Try it out" sends a row the model knows, not zeros;
 * undefined for a category or a feature without a range.
 */
export function exampleValue(feature: FeatureSpec): number | undefined {
  if (feature.type === 'category' || !feature.range) return undefined;
  const middle = (feature.range.min + feature.range.max) / 2;
  return feature.type === 'integer' ? Math.round(middle) : Number(middle.toPrecision(3));
}

/** One row as `features` or an element of `rows`: every feature named, nothing else (a typo is refused). */
function rowSchema(features: FeatureSpec[]) {
  return z.strictObject(
    Object.fromEntries(
      features.map((feature) => [
        feature.name,
        feature.required ? featureValueSchema(feature) : z.optional(featureValueSchema(feature)),
      ]),
    ),
  );
}

/** What the model answers for one input or row, with its own labels. */
function resultSchemaOf(output: ModelMetadata['output']): z.ZodMiniType {
  switch (output.kind) {
    case 'classification': {
      const labels = output.labels as [string, ...string[]];
      return z.object({
        label: z.enum(labels),
        confidence: z.number().check(z.gte(0), z.lte(1)),
        probabilities: z.strictObject(Object.fromEntries(labels.map((label) => [label, z.number().check(z.gte(0), z.lte(1))]))),
        ...uncertainFields,
      });
    }
    case 'detection':
      return z.object({
        detections: z.array(
          z.extend(detectionResultSchema.def.shape.detections.def.element, {
            label: z.enum(output.labels as [string, ...string[]]),
          }),
        ),
      });
    case 'regression':
      return regressionResultSchema;
    case 'anomaly':
      return anomalyResultSchema;
  }
}

/**
 * POST /v1/models/<name>/predict for one model, from its metadata: the features it takes (names, types,
 * categories, units, ranges) or the image it takes, and the labels it answers. OpenAPI matches a concrete path
 * before the templated one, so these are what a client of that model reads and what its answers are checked against.
 */
export function modelPredictRoute(metadata: ModelMetadata): RouteDoc {
  const result = resultSchemaOf(metadata.output);
  const { input } = metadata;
  const row = input.kind === 'tabular' ? rowSchema(input.features) : undefined;
  const requestContent: RouteDoc['requestBody'] =
    input.kind === 'tabular'
      ? {
          required: true,
          description: `Columns of a CSV body: ${input.features.map((feature) => feature.name).join(', ')}.`,
          content: {
            'application/json': z.union([z.strictObject({ features: row! }), z.strictObject({ rows: z.array(row!) })]),
            'text/csv': binary('text/csv'),
          },
        }
      : {
          required: true,
          description: `A ${input.width}×${input.height} picture is made from it (${input.fit}).`,
          content: {
            'image/*': binary('image/*'),
            'application/json': z.strictObject({ image: z.base64().check(z.minLength(1)) }),
          },
        };
  const json = row ? z.union([singlePredictionSchema(result), rowsPredictionSchema(result)]) : singlePredictionSchema(result);
  const content: Record<string, unknown> = { 'application/json': json };
  if (row) content['text/csv'] = binary('text/csv');
  if (metadata.output.kind === 'detection')
    Object.assign(content, { 'image/png': binary('image/png'), 'image/jpeg': binary('image/jpeg') });
  return {
    method: 'post',
    path: `/v1/models/${metadata.name}/predict`,
    operationId: `predict_${metadata.name.replace(/-/g, '_')}`,
    summary: `${metadata.name} ${metadata.version}: ${metadata.task}`,
    description: metadata.description,
    tag: 'Predict',
    permission: 'model',
    parameters: predictParameters?.filter(
      ({ name }) => name !== 'model' && (name !== 'annotate' || metadata.output.kind === 'detection'),
    ),
    requestBody: requestContent,
    responses: {
      200: {
        description: 'The prediction.',
        content: content as RouteDoc['responses'][number]['content'],
        headers: PREDICTION_HEADERS,
      },
    },
    problems: PREDICT_PROBLEMS,
  };
}
