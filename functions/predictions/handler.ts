import { createDocumentClient } from '../shared/aws';
import { predictionsConfigSchema, loadConfig } from '../shared/config';
import { NotFoundError } from '../shared/errors';
import { apiHandler } from '../shared/http/api-handler';
import { authorizeModel, type AuthenticatedContext } from '../shared/http/api-keys';
import { json } from '../shared/http/responses';
import { createPredictionStore } from '../shared/records-dynamodb';
import { createApiKeyVerifier } from '../shared/wiring';

const config = loadConfig(predictionsConfigSchema);
const store = createPredictionStore(createDocumentClient(config), config.PREDICTIONS_TABLE);
const verifier = createApiKeyVerifier(config);

/** GET /v1/predictions/{id}: one stored record, as written. */
export const handler = apiHandler({ verifier }).handler(async (event, context) => {
  const id = event.pathParameters?.id ?? '';
  const record = /^[0-9a-f-]{36}$/.test(id) ? await store.get(id) : undefined;
  if (!record) throw new NotFoundError(`No prediction with id '${id}'.`);
  // A key sees only the predictions of the models it may call.
  authorizeModel((context as AuthenticatedContext).caller, record.model);
  return json(200, record);
});
