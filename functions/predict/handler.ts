import { randomUUID } from 'node:crypto';
import { loadConfig, predictConfigSchema } from '../platform/config';
import { ANNOTATED_FORMATS, annotateDetections, type AnnotatedFormat } from '../serving/annotate';
import { NotAcceptableError } from '../platform/errors';
import { authorizeModel, type AuthenticatedContext } from '../api/http/api-keys';
import { apiHandler } from '../api/http/api-handler';
import { image, json } from '../api/http/responses';
import { logger } from '../platform/telemetry';
import { SessionCache } from '../serving/inference/sessions';
import { runPrediction } from '../serving/prediction';
import type { ServedVersion } from '../serving/registry';
import { routeOf, type RouteRequest } from '../serving/routing';
import { createApiKeyVerifier, createModelRegistry, createHttpPredictionDeps, loadPseudonymiser } from '../wiring/wiring';
import { inferInProcess } from '../serving/inference/infer';
import { subjectFromHeaders } from '../records/subject-id';
import { parsePredictBody } from './request-body';
import { createTabularAnswer } from './tabular';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

const config = loadConfig(predictConfigSchema);
const registry = createModelRegistry(config);
// Module scope: one session per model version per container, shared by pictures and feature rows. Pictures run
// through the infer function's own code in this process: no Lambda-to-Lambda hop on the synchronous path (the S3
// path still hands its tensors to the infer function).
const sessions = new SessionCache();
const deps = createHttpPredictionDeps(config, registry, inferInProcess({ sessions }));
const pseudonymise = loadPseudonymiser();
const verifier = createApiKeyVerifier(config);
const predictRows = createTabularAnswer(deps, sessions, pseudonymise);

/**
 * Only detectors have something to draw; an unknown model is left to the prediction path, which records it. The
 * version routed to is handed on, so the prediction does not route again.
 */
async function refusePictureFromClassifier(model: string, route: RouteRequest): Promise<ServedVersion | undefined> {
  const spec = await deps.registry.route(model, route).catch(() => undefined);
  if (spec && spec.metadata.output.kind !== 'detection') {
    throw new NotAcceptableError(`Model '${model}' is a ${spec.metadata.task} model: it answers JSON only, not a picture.`);
  }
  return spec;
}

/** The picture format the client asked for, if any: `Accept: image/jpeg`, or PNG (`Accept: image/png`, `?annotate=true`). */
function pictureFormat(accept: string, annotate: string | undefined): AnnotatedFormat | undefined {
  if (accept.includes(ANNOTATED_FORMATS.jpeg.contentType)) return 'jpeg';
  if (accept.includes(ANNOTATED_FORMATS.png.contentType) || annotate === 'true') return 'png';
  return undefined;
}

/**
 * POST /v1/models/{model}/predict — the synchronous path: same preprocessing, the infer function's code (run here), same
 * record, written before the answer.
 * Detectors answer the picture with the boxes drawn on it instead of JSON for `Accept: image/png` or `image/jpeg`,
 * or `?annotate=true` (PNG).
 */
async function lambdaHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  logger.setCorrelationId(event.requestContext.requestId);
  const model = event.pathParameters?.model ?? '';
  const { caller } = context as AuthenticatedContext;
  // First, before the body is read or the model looked up: a key for other models gets its 403 and nothing else.
  authorizeModel(caller, model);
  // `?version=` or `?alias=` with no value asks for nothing in particular: production, as without them.
  const asked = {
    version: event.queryStringParameters?.version || undefined,
    alias: event.queryStringParameters?.alias || undefined,
  };
  const input = parsePredictBody(event, config.MAX_INPUT_BYTES);
  if (!('image' in input)) return predictRows(event, caller, model, asked, input);
  const format = pictureFormat(event.headers?.accept ?? '', event.queryStringParameters?.annotate);
  const subject = subjectFromHeaders(event.headers);
  const predictionId = randomUUID();
  const subjectId = subject ? (await pseudonymise)(subject) : undefined;
  const resolved = format ? await refusePictureFromClassifier(model, routeOf({ ...asked, subjectId, predictionId })) : undefined;
  let picture: Buffer | undefined;
  const outcome = await runPrediction(deps, {
    predictionId,
    requestId: event.requestContext.requestId,
    source: 'http',
    model,
    ...asked,
    resolved,
    bytes: input.image,
    annotate: async (result, source) => {
      if (format && 'detections' in result) picture = await annotateDetections(input.image, result, source, format);
      return undefined;
    },
    subjectId,
    callerId: (await pseudonymise)(`api-key:${caller.keyId}`),
  });
  if (outcome.error !== undefined) throw outcome.error;
  const { record } = outcome;
  if (picture && format)
    return image(ANNOTATED_FORMATS[format].contentType, picture, {
      'x-prediction-id': record.predictionId,
      'x-automated-decision': 'true',
    });
  return json(200, {
    predictionId: record.predictionId,
    model: record.model,
    modelVersion: record.modelVersion,
    ...(record.alias !== undefined && { alias: record.alias }),
    result: record.result,
    timings: record.timings,
    automated: true,
  });
}

export const handler = apiHandler({ verifier }).handler(lambdaHandler);
