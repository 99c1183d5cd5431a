import { randomUUID } from 'node:crypto';
import { loadConfig, predictConfigSchema } from '../shared/config';
import { InvalidInputError } from '../shared/errors';
import { loadApiKeyVerifier, type AuthenticatedContext } from '../shared/http/api-keys';
import { apiHandler } from '../shared/http/api-handler';
import { json } from '../shared/http/responses';
import { logger } from '../shared/observability';
import { runPrediction } from '../shared/prediction';
import { createPredictionDeps, loadPseudonymiser } from '../shared/wiring';
import { parsePredictBody } from './request-body';

const config = loadConfig(predictConfigSchema);
const deps = createPredictionDeps(config);
const pseudonymise = loadPseudonymiser();
const verifier = loadApiKeyVerifier();

/** POST /v1/models/{model}/predict — the synchronous path: same preprocessing, same infer function, same record. */
export const handler = apiHandler({ verifier }).handler(async (event, context) => {
  logger.setCorrelationId(event.requestContext.requestId);
  const model = event.pathParameters?.model ?? '';
  const input = parsePredictBody(event, config.MAX_INPUT_BYTES);
  if (!('image' in input)) {
    throw new InvalidInputError('unsupported-input', `Model '${model}' takes images; send image bytes or {"image": "<base64>"}.`);
  }
  const subject = event.headers?.['x-subject-id'];
  const { callerKeyId } = context as AuthenticatedContext;
  const outcome = await runPrediction(deps, {
    predictionId: randomUUID(),
    source: 'http',
    model,
    version: event.queryStringParameters?.version,
    bytes: input.image,
    subjectId: subject ? (await pseudonymise)(subject) : undefined,
    callerId: (await pseudonymise)(`api-key:${callerKeyId}`),
  });
  if (outcome.error !== undefined) throw outcome.error;
  const { record } = outcome;
  return json(200, {
    predictionId: record.predictionId,
    model: record.model,
    modelVersion: record.modelVersion,
    result: record.result,
    timings: record.timings,
  });
});
