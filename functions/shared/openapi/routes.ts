import type * as z from 'zod/mini';
import { predictJsonBodySchema } from '../http/predict-body';
import { predictionIdSchema, subjectIdSchema } from '../http/path-parameters';
import { PREDICT_PROBLEMS, type ProblemCodes } from './problems';
import {
  erasureReceiptSchema,
  healthSchema,
  modelDescriptionSchema,
  modelListSchema,
  predictionRecordSchema,
  resultSchema,
  singlePredictionSchema,
  subjectExportSchema,
} from './responses';

/**
 * Who may call a route: anyone; any valid key; a key allowed for the model named (or, for a record, the model
 * that made it); a key with the subject-rights permission (functions/shared/http/api-keys.ts).
 */
export type Permission = 'none' | 'any-key' | 'model' | 'subject-rights';

/** A body per media type: a zod schema, or a JSON Schema where zod has nothing to say (bytes). */
export type Content = Record<string, z.ZodMiniType | Record<string, unknown>>;

export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI path template, as serverless.yml declares it. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  permission: Permission;
  parameters?: Array<{
    name: string;
    in: 'path' | 'query' | 'header';
    required?: boolean;
    description: string;
    schema?: z.ZodMiniType;
  }>;
  requestBody?: { required: boolean; description?: string; content: Content };
  /** Successful answers by status. */
  responses: Record<number, { description: string; content?: Content; headers?: Record<string, string> }>;
  /** problem+json answers; the key and server problems are added from `permission`. */
  problems: ProblemCodes;
}

/** Bytes of that media type: nothing zod validates, so a JSON Schema as OpenAPI 3.1 writes one. */
export const binary = (mediaType: string) => ({ type: 'string', contentMediaType: mediaType });
const modelParameter = { name: 'model', in: 'path' as const, required: true, description: 'the model name (`GET /v1/models`)' };

export const predictParameters: RouteDoc['parameters'] = [
  modelParameter,
  { name: 'version', in: 'query', description: 'an approved version; the newest approved one when absent' },
  { name: 'annotate', in: 'query', description: 'detectors: `true` answers the picture with the boxes drawn (PNG)' },
  {
    name: 'x-subject-id',
    in: 'header',
    description: 'the person the input is about: stored pseudonymised, for erasure and export',
  },
];

/** Detectors answer a picture when asked (`Accept: image/png|image/jpeg` or `?annotate=true`). */
export const PREDICTION_HEADERS = {
  'x-prediction-id': 'the record of this prediction (`GET /v1/predictions/{id}`)',
  'x-automated-decision': '`true`: an automated decision (GDPR Art. 22)',
};

/**
 * Every HTTP route of the API, in the order the document lists them: the one place to add a route to `/docs`.
 * The document also gets one concrete predict path per served model (model-schemas.ts).
 */
export const ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/health',
    operationId: 'getHealth',
    summary: 'Is every served model loadable?',
    tag: 'Platform',
    permission: 'none',
    responses: {
      200: { description: 'Every served model loads.', content: { 'application/json': healthSchema } },
      503: { description: 'A served model cannot be loaded.', content: { 'application/json': healthSchema } },
    },
    problems: {},
  },
  {
    method: 'get',
    path: '/v1/models',
    operationId: 'listModels',
    summary: 'Every model with every version, its spec, provenance, metrics and approval',
    tag: 'Models',
    permission: 'any-key',
    responses: { 200: { description: 'The registry.', content: { 'application/json': modelListSchema } } },
    problems: {},
  },
  {
    method: 'get',
    path: '/v1/models/{model}',
    operationId: 'getModel',
    summary: 'One model with every version',
    tag: 'Models',
    permission: 'any-key',
    parameters: [modelParameter],
    responses: { 200: { description: 'The model.', content: { 'application/json': modelDescriptionSchema } } },
    problems: { 404: ['model-not-found'] },
  },
  {
    method: 'post',
    path: '/v1/models/{model}/predict',
    operationId: 'predict',
    summary: 'Predict from an image (bytes or base64 JSON) or feature rows (JSON or CSV)',
    description:
      'Image models take the encoded image as the body (`Content-Type: image/*`) or `{"image": "<base64>"}`; tabular ' +
      'models take `{"features": {...}}`, `{"rows": [...]}` or a `text/csv` body with a header. Each model’s own ' +
      'schemas are under its concrete path below. Every prediction is recorded.',
    tag: 'Predict',
    permission: 'model',
    parameters: predictParameters,
    requestBody: {
      required: true,
      content: {
        'image/*': binary('image/*'),
        'application/json': predictJsonBodySchema,
        'text/csv': binary('text/csv'),
      },
    },
    responses: {
      200: {
        description: 'The prediction (JSON), the scored CSV (`Accept: text/csv`) or the annotated picture.',
        content: {
          'application/json': singlePredictionSchema(resultSchema),
          'text/csv': binary('text/csv'),
          'image/png': binary('image/png'),
          'image/jpeg': binary('image/jpeg'),
        },
        headers: PREDICTION_HEADERS,
      },
    },
    problems: PREDICT_PROBLEMS,
  },
  {
    method: 'get',
    path: '/v1/predictions/{id}',
    operationId: 'getPrediction',
    summary: 'One prediction record, as stored',
    tag: 'Predictions',
    permission: 'model',
    parameters: [
      { name: 'id', in: 'path', required: true, description: 'the `predictionId` of an answer', schema: predictionIdSchema },
    ],
    responses: { 200: { description: 'The record.', content: { 'application/json': predictionRecordSchema } } },
    problems: { 403: ['forbidden'], 404: ['not-found'] },
  },
  {
    method: 'get',
    path: '/v1/subjects/{subjectId}/export',
    operationId: 'exportSubject',
    summary: 'Everything held about one person (GDPR Art. 15, 20)',
    tag: 'Data subjects',
    permission: 'subject-rights',
    parameters: [
      {
        name: 'subjectId',
        in: 'path',
        required: true,
        description: 'the identifier the uploads carried',
        schema: subjectIdSchema,
      },
    ],
    responses: { 200: { description: 'The export.', content: { 'application/json': subjectExportSchema } } },
    problems: { 400: ['invalid-subject'], 403: ['forbidden'] },
  },
  {
    method: 'delete',
    path: '/v1/subjects/{subjectId}',
    operationId: 'eraseSubject',
    summary: 'Erase everything held about one person (GDPR Art. 17)',
    tag: 'Data subjects',
    permission: 'subject-rights',
    parameters: [
      {
        name: 'subjectId',
        in: 'path',
        required: true,
        description: 'the identifier the uploads carried',
        schema: subjectIdSchema,
      },
    ],
    responses: { 200: { description: 'The erasure receipt.', content: { 'application/json': erasureReceiptSchema } } },
    problems: { 400: ['invalid-subject'], 403: ['forbidden'] },
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    operationId: 'getOpenApi',
    summary: 'This document',
    tag: 'Platform',
    permission: 'none',
    responses: { 200: { description: 'OpenAPI 3.1.', content: { 'application/json': { type: 'object' } } } },
    problems: {},
  },
];
