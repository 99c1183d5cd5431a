import { predictJsonBodySchema } from '../http/predict-body';
import { predictionIdSchema, subjectIdSchema } from '../http/path-parameters';
import { MAX_PREDICTIONS_PAGE, predictionListFields } from '../http/prediction-list-query';
import { driftQueryFields } from '../http/drift-query';
import { isoTimeField } from '../http/time-range';
import { shadowAgreementSchema } from './shadow-schemas';
import { OIP_ROUTES } from './oip-routes';
import { PREDICT_PROBLEMS } from './problems';
import {
  driftSchema,
  healthSchema,
  modelDescriptionSchema,
  modelCardSchema,
  modelListSchema,
  predictionListSchema,
  predictionRecordSchema,
  resultSchema,
  singlePredictionSchema,
} from './responses';
import { erasureReceiptSchema, subjectExportSchema } from './subject-schemas';
import {
  binary,
  modelParameter,
  PREDICTION_HEADERS,
  probeResponses,
  subjectHeader,
  versionParameter,
  type RouteDoc,
} from './route-doc';
import { BATCH_ROUTES } from './batch-routes';
import { IMPORT_ROUTES } from './import-routes';
import { LIFECYCLE_ROUTES } from './lifecycle-routes';
import { CANARY_ROUTES } from './canary-routes';
import { STATS_ROUTE } from './stats-route';
import { TRAINING_ROUTES } from './training-routes';

export const predictParameters: RouteDoc['parameters'] = [
  modelParameter,
  { name: 'version', in: 'query', description: 'an approved version, whatever the aliases say' },
  {
    name: 'alias',
    in: 'query',
    description:
      '`production` when neither it nor `version` is given (a model without that alias: its newest approved version; ' +
      'with a `canary` weight, that share of requests goes to the canary)',
  },
  { name: 'annotate', in: 'query', description: 'detectors: `true` answers the picture with the boxes drawn (PNG)' },
  subjectHeader,
];

/** A data-subject route: the subject in the path, the subject-rights permission, the same refusals. */
function subjectRoute(
  method: RouteDoc['method'],
  suffix: string,
  route: Pick<RouteDoc, 'operationId' | 'summary' | 'responses'>,
): RouteDoc {
  return {
    method,
    path: `/v1/subjects/{subjectId}${suffix}`,
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
    problems: { 400: ['invalid-subject'], 403: ['forbidden'] },
    ...route,
  };
}

/**
 * The /v1 prediction, registry and data-subject routes; ROUTES below adds the training and /v2 ones.
 */
const V1_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/v1/health',
    operationId: 'getHealth',
    summary: 'Is every served model loadable?',
    tag: 'Platform',
    permission: 'none',
    responses: probeResponses(healthSchema, 'Every served model loads.', 'A served model cannot be loaded.'),
    problems: {},
  },
  {
    method: 'get',
    path: '/v1/models',
    operationId: 'listModels',
    summary: 'Every model with every version, its spec, provenance, metrics and approval',
    description: 'Only the models the key may call (all of them for a `*` key).',
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
    permission: 'model',
    parameters: [modelParameter],
    responses: {
      200: {
        description: 'The model.',
        content: { 'application/json': modelDescriptionSchema },
        headers: { ETag: 'the number of its newest lifecycle event: what `If-Match` sends back to change its aliases' },
      },
    },
    problems: { 403: ['forbidden'], 404: ['model-not-found'] },
  },
  {
    method: 'get',
    path: '/v1/models/{model}/versions/{version}/card',
    operationId: 'getModelCard',
    summary: 'A version’s model card, as it stands now (approval included)',
    description:
      'Markdown by default, the Model Card Toolkit JSON with `Accept: application/json`. A trained version’s card ' +
      'shows the data report, the leaderboard, the held-out metrics, the training data’s SHA-256, the code commit ' +
      'and the approval; it is also written beside the version in the models bucket at each decision.',
    tag: 'Models',
    permission: 'model',
    parameters: [modelParameter, versionParameter],
    responses: {
      200: {
        description: 'The card.',
        content: { 'text/markdown': binary('text/markdown'), 'application/json': modelCardSchema },
      },
    },
    problems: { 403: ['forbidden'], 404: ['model-not-found', 'not-found'] },
  },
  {
    method: 'get',
    path: '/v1/models/{model}/drift',
    operationId: 'getModelDrift',
    summary: 'Whether the model’s recent inputs and answers moved away from its training data',
    description:
      'PSI per feature and for the answers over [from, to] against the baseline of the ' +
      'version that answered most of it, each with the threshold PSI passes only 1 % of the time with no change at ' +
      'that window size; `not-enough-data` under 50 rows; `alarm` when 3 of the last 5 windows of this length drifted. ' +
      'Without from and to: the latest report of the scheduled drift run (hourly; `generatedAt` and `history` say so), ' +
      'or the last hour measured now when records arrived after that report or none was written yet.',
    tag: 'Models',
    permission: 'model',
    parameters: [
      modelParameter,
      {
        name: 'from',
        in: 'query',
        description: 'the window’s start (default: an hour before `to`)',
        schema: driftQueryFields.from,
      },
      { name: 'to', in: 'query', description: 'the window’s end (default: now)', schema: driftQueryFields.to },
    ],
    responses: { 200: { description: 'The drift of the window.', content: { 'application/json': driftSchema } } },
    problems: { 400: ['invalid-query'], 403: ['forbidden'], 404: ['model-not-found', 'not-found'] },
  },
  {
    method: 'get',
    path: '/v1/models/{model}/shadow',
    operationId: 'getModelShadow',
    summary: 'How the shadow version agrees with the version that answered',
    description:
      'The `shadow` alias (`PUT /v1/models/{model}/aliases/shadow` with a `weight`) scores that share of production’s ' +
      'HTTP requests after their answer, and its outputs are stored on their records. This route sums them over ' +
      '[from, to] (every retained record by default), per production version and shadow version: same-label share, ' +
      'mean score difference, and for detectors the mean IoU of matched boxes and box-count agreement.',
    tag: 'Models',
    permission: 'model',
    parameters: [
      modelParameter,
      { name: 'from', in: 'query', description: 'the window’s start (default: the oldest record)', schema: isoTimeField },
      { name: 'to', in: 'query', description: 'the window’s end (default: now)', schema: isoTimeField },
    ],
    responses: {
      200: { description: 'The agreement over the window.', content: { 'application/json': shadowAgreementSchema } },
    },
    problems: { 400: ['invalid-query'], 403: ['forbidden'], 404: ['model-not-found'] },
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
    // Another model's record is answered as absent, not forbidden: a key cannot learn which ids exist.
    problems: { 404: ['not-found'] },
  },
  {
    method: 'get',
    path: '/v1/predictions',
    operationId: 'listPredictions',
    summary: 'A model’s prediction records, newest first, a page at a time',
    description:
      'Records as stored (`GET /v1/predictions/{id}`): people appear only as pseudonyms. `from` and `to` are both ' +
      'included; `to` is now when absent. Read through an index by model and time, never a table scan.',
    tag: 'Predictions',
    permission: 'predictions:read',
    parameters: [
      { name: 'model', in: 'query', required: true, description: 'the model', schema: predictionListFields.model },
      { name: 'version', in: 'query', description: 'only this version’s answers', schema: predictionListFields.version },
      { name: 'status', in: 'query', description: 'only records with this status', schema: predictionListFields.status },
      { name: 'source', in: 'query', description: 'only HTTP requests or S3 uploads', schema: predictionListFields.source },
      { name: 'from', in: 'query', description: 'the earliest `createdAt`', schema: predictionListFields.from },
      { name: 'to', in: 'query', description: 'the latest `createdAt`', schema: predictionListFields.to },
      {
        name: 'limit',
        in: 'query',
        description: `records per page, 1 to ${MAX_PREDICTIONS_PAGE} (default 20; fewer when they pass 4 MB)`,
        schema: predictionListFields.limit,
      },
      { name: 'cursor', in: 'query', description: 'the previous page’s `cursor`', schema: predictionListFields.cursor },
    ],
    responses: { 200: { description: 'A page of records.', content: { 'application/json': predictionListSchema } } },
    problems: { 400: ['invalid-query', 'invalid-cursor'], 403: ['forbidden'] },
  },
  subjectRoute('get', '/export', {
    operationId: 'exportSubject',
    summary: 'Everything held about one person (GDPR Art. 15, 20)',
    responses: { 200: { description: 'The export.', content: { 'application/json': subjectExportSchema } } },
  }),
  subjectRoute('delete', '', {
    operationId: 'eraseSubject',
    summary: 'Erase everything held about one person (GDPR Art. 17)',
    responses: { 200: { description: 'The erasure receipt.', content: { 'application/json': erasureReceiptSchema } } },
  }),
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
  STATS_ROUTE,
];

/**
 * Every HTTP route of the API (every `httpApi` event of serverless.yml but the /docs page itself), in the order
 * the document lists them: the one place to add a route to `/docs`. The document also gets one concrete predict
 * and one concrete /v2 infer path per served model (model-schemas.ts, oip-model-schemas.ts).
 */
export const ROUTES: RouteDoc[] = [
  ...V1_ROUTES,
  ...TRAINING_ROUTES,
  ...IMPORT_ROUTES,
  ...BATCH_ROUTES,
  ...LIFECYCLE_ROUTES,
  ...CANARY_ROUTES,
  ...OIP_ROUTES,
];
