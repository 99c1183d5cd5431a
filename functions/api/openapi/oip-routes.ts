import {
  inferenceRequestSchema,
  inferenceResponseSchema,
  modelMetadataResponseSchema,
  modelReadyResponseSchema,
  serverLiveResponseSchema,
  serverMetadataResponseSchema,
  serverReadyResponseSchema,
} from '../oip/schemas';
import { OIP_INFER_PROBLEMS } from './problems';
import { modelParameter, PREDICTION_HEADERS, probeResponses, subjectHeader, versionParameter, type RouteDoc } from './route-doc';

export const OIP_TAG = 'Open Inference Protocol';

/** What every /v2 route shares: its tag and its problem+json bodies with the protocol's `error` (oip-handler.ts). */
const oip = (route: Omit<RouteDoc, 'tag' | 'errors'>): RouteDoc => ({ ...route, tag: OIP_TAG, errors: 'oip' });

/**
 * A model route and its twin under `/versions/{version}`: the same answers and refusals, for the version named
 * rather than the one served by default (the newest approved).
 */
function withVersion(route: RouteDoc, suffix: string): RouteDoc[] {
  const [, ...others] = route.parameters ?? [];
  return [
    route,
    {
      ...route,
      path: `/v2/models/{model}/versions/{version}${suffix}`,
      operationId: `${route.operationId}Version`,
      summary: `${route.summary}, one version`,
      parameters: [modelParameter, versionParameter, ...others],
    },
  ];
}

const MODEL_REFUSALS = { 403: ['forbidden'], 404: ['model-not-found'] };

/**
 * The Open Inference Protocol v2 REST routes (docs/oip.md). Probes and server metadata need no key; anything
 * naming a model needs one allowed for it. The model's own tensors are under its concrete infer path
 * (oip-model-schemas.ts).
 */
export const OIP_ROUTES: RouteDoc[] = [
  oip({
    method: 'get',
    path: '/v2/health/live',
    operationId: 'oipServerLive',
    summary: 'Is the server live?',
    permission: 'none',
    responses: { 200: { description: 'Live.', content: { 'application/json': serverLiveResponseSchema } } },
    problems: {},
  }),
  oip({
    method: 'get',
    path: '/v2/health/ready',
    operationId: 'oipServerReady',
    summary: 'Does every served model load?',
    description: 'The protocol’s text gives this answer a `live` member: both `ready` and `live` are sent.',
    permission: 'none',
    responses: probeResponses(serverReadyResponseSchema, 'Every served model loads.', 'A served model cannot be loaded.'),
    problems: {},
  }),
  oip({
    method: 'get',
    path: '/v2',
    operationId: 'oipServerMetadata',
    summary: 'The server’s name, version and protocol extensions (none)',
    permission: 'none',
    responses: { 200: { description: 'Server metadata.', content: { 'application/json': serverMetadataResponseSchema } } },
    problems: {},
  }),
  ...withVersion(
    oip({
      method: 'get',
      path: '/v2/models/{model}',
      operationId: 'oipModelMetadata',
      summary: 'A model’s input and output tensors, platform and approved versions',
      permission: 'model',
      parameters: [modelParameter],
      responses: { 200: { description: 'Model metadata.', content: { 'application/json': modelMetadataResponseSchema } } },
      problems: { ...MODEL_REFUSALS, 403: ['forbidden', 'model-not-approved'], 500: ['model-package-invalid'] },
    }),
    '',
  ),
  ...withVersion(
    oip({
      method: 'get',
      path: '/v2/models/{model}/ready',
      operationId: 'oipModelReady',
      summary: 'Would the version be served, and does its session load?',
      permission: 'model',
      parameters: [modelParameter],
      responses: probeResponses(
        modelReadyResponseSchema,
        'Ready.',
        'Known but not ready: not approved, or its artifact does not load.',
      ),
      problems: MODEL_REFUSALS,
    }),
    '/ready',
  ),
  ...withVersion(
    oip({
      method: 'post',
      path: '/v2/models/{model}/infer',
      operationId: 'oipInfer',
      summary: 'Infer from input tensors (or an image model’s encoded picture as one BYTES element)',
      description:
        'Each model takes one input, named as its metadata says; `outputs` selects some of its outputs, in that ' +
        'order; `id` is echoed. Every inference is recorded, as on `/v1`. Each served model’s own tensors are ' +
        'under its concrete path below.',
      permission: 'model',
      parameters: [modelParameter, subjectHeader],
      requestBody: { required: true, content: { 'application/json': inferenceRequestSchema } },
      responses: {
        200: {
          description: 'The output tensors; `parameters.prediction_id` names the record.',
          content: { 'application/json': inferenceResponseSchema },
          headers: PREDICTION_HEADERS,
        },
      },
      problems: OIP_INFER_PROBLEMS,
    }),
    '/infer',
  ),
];
