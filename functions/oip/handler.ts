import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { loadConfig, predictConfigSchema } from '../platform/config';
import { PayloadTooLargeError } from '../platform/errors';
import { authorizeModel, type AuthenticatedContext } from '../api/http/api-keys';
import { json } from '../api/http/responses';
import { SessionCache } from '../serving/inference/sessions';
import { logger } from '../platform/telemetry';
import { oipHandler } from '../api/oip/oip-handler';
import { inferInProcess } from '../serving/inference/infer';
import { createApiKeyVerifier, createModelRegistry, createHttpPredictionDeps, loadPseudonymiser } from '../wiring/wiring';
import { checkModels, healthy } from '../serving/model-health';
import { infer } from './infer';
import { modelMetadata, modelReady, SERVER_METADATA } from './metadata';
import { rawBody } from '../api/http/body';
import { subjectFromHeaders } from '../records/subject-id';

const config = loadConfig(predictConfigSchema);
// One session per model version per container, shared by readiness, image and tabular inference: like predict,
// the model runs here (no Invoke hop to the infer function).
const sessions = new SessionCache();
const registry = createModelRegistry(config);
const deps = createHttpPredictionDeps(config, registry, inferInProcess({ sessions }));
const pseudonymise = loadPseudonymiser();
const verifier = createApiKeyVerifier(config);

/** Probes and server metadata answer without a key, as GET /v1/health does; anything about a model needs one. */
const OPEN_ROUTES = new Set(['GET /v2/health/live', 'GET /v2/health/ready', 'GET /v2']);
const needsKey = (event: APIGatewayProxyEventV2) => !OPEN_ROUTES.has(event.routeKey);

/**
 * The Open Inference Protocol v2 REST routes (docs/oip.md), one function: health, server and model metadata,
 * model readiness, and inference through the same prediction paths, records and audit events as /v1.
 */
async function lambdaHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  logger.setCorrelationId(event.requestContext.requestId);
  const route = event.routeKey;
  if (route === 'GET /v2/health/live') return json(200, { live: true });
  if (route === 'GET /v2/health/ready') {
    const ready = healthy(await checkModels(deps.registry, sessions));
    return json(ready ? 200 : 503, { ready, live: true });
  }
  if (route === 'GET /v2') return json(200, SERVER_METADATA);
  const model = event.pathParameters?.model ?? '';
  const version = event.pathParameters?.version;
  const { caller } = context as AuthenticatedContext;
  // Before the body is read or the model looked up, as on /v1: a key for other models learns nothing else.
  authorizeModel(caller, model);
  if (route.endsWith('/ready')) {
    const answer = await modelReady(deps.registry, sessions, model, version);
    return json(answer.ready ? 200 : 503, answer);
  }
  if (route.startsWith('GET ')) return json(200, await modelMetadata(deps.registry, model, version));
  const body = rawBody(event);
  if (body.length > config.MAX_INPUT_BYTES) {
    throw new PayloadTooLargeError(`The body is ${body.length} bytes; the limit is ${config.MAX_INPUT_BYTES}.`);
  }
  const subject = subjectFromHeaders(event.headers);
  const answer = await infer(
    { prediction: deps, sessions },
    {
      model,
      version,
      // `?alias=` as on /v1 (a version in the path wins: the router serves the version asked by name).
      alias: event.queryStringParameters?.alias || undefined,
      body,
      requestId: event.requestContext.requestId,
      callerId: (await pseudonymise)(`api-key:${caller.keyId}`),
      subjectId: subject ? (await pseudonymise)(subject) : undefined,
    },
  );
  const response = json(200, answer.response);
  return {
    ...response,
    headers: { ...response.headers, 'x-prediction-id': answer.predictionId, 'x-automated-decision': 'true' },
  };
}

export const handler = oipHandler(verifier, needsKey).handler(lambdaHandler);
