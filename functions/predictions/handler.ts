import { createDocumentClient } from '../platform/aws';
import { predictionsConfigSchema, loadConfig } from '../platform/config';
import { NotFoundError } from '../platform/errors';
import { apiHandler } from '../api/http/api-handler';
import { mayCall, type AuthenticatedContext } from '../api/http/api-keys';
import { predictionIdSchema } from '../api/http/path-parameters';
import { json } from '../api/http/responses';
import { createPredictionStore } from '../records/records-dynamodb';
import { createApiKeyVerifier } from '../wiring/wiring';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

const config = loadConfig(predictionsConfigSchema);
const store = createPredictionStore(createDocumentClient(config), config.PREDICTIONS_TABLE);
const verifier = createApiKeyVerifier(config);

/**
 * GET /v1/predictions/{id}: one stored record, as written. A key sees only the predictions of the models it may
 * call; another model's record is answered as absent (404), so a key cannot learn which ids exist.
 */
async function lambdaHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const id = event.pathParameters?.id ?? '';
  const { caller } = context as AuthenticatedContext;
  const record = predictionIdSchema.safeParse(id).success ? await store.get(id) : undefined;
  if (!record || !mayCall(caller, record.model)) throw new NotFoundError(`No prediction with id '${id}'.`);
  return json(200, record);
}

export const handler = apiHandler({ verifier }).handler(lambdaHandler);
