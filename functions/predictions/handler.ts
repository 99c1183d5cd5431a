import { createDocumentClient } from '../shared/aws';
import { predictionsConfigSchema, loadConfig } from '../shared/config';
import { NotFoundError } from '../shared/errors';
import { apiHandler } from '../shared/http/api-handler';
import { mayCall, type AuthenticatedContext } from '../shared/http/api-keys';
import { predictionIdSchema } from '../shared/http/path-parameters';
import { json } from '../shared/http/responses';
import { createPredictionStore } from '../shared/records-dynamodb';
import { createApiKeyVerifier } from '../shared/wiring';

const config = loadConfig(predictionsConfigSchema);
const store = createPredictionStore(createDocumentClient(config), config.PREDICTIONS_TABLE);
const verifier = createApiKeyVerifier(config);

/**
 * GET /v1/predictions/{id}: one stored record, as written. A key sees only the predictions of the models it may
 * call; another model's record is answered as absent (404), so a key cannot learn which ids exist.
 */
export const handler = apiHandler({ verifier }).handler(async (event, context) => {
  const id = event.pathParameters?.id ?? '';
  const { caller } = context as AuthenticatedContext;
  const record = predictionIdSchema.safeParse(id).success ? await store.get(id) : undefined;
  if (!record || !mayCall(caller, record.model)) throw new NotFoundError(`No prediction with id '${id}'.`);
  return json(200, record);
});
