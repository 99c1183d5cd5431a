import { createDocumentClient } from '../shared/aws';
import { predictionsConfigSchema, loadConfig } from '../shared/config';
import { NotFoundError } from '../shared/errors';
import { loadApiKeyVerifier } from '../shared/http/api-keys';
import { apiHandler } from '../shared/http/api-handler';
import { json } from '../shared/http/responses';
import { createPredictionStore } from '../shared/records';

const config = loadConfig(predictionsConfigSchema);
const store = createPredictionStore(createDocumentClient(config), config.PREDICTIONS_TABLE);
const verifier = loadApiKeyVerifier();

/** GET /v1/predictions/{id}: one stored record, as written. */
export const handler = apiHandler({ verifier }).handler(async (event) => {
  const id = event.pathParameters?.id ?? '';
  const record = /^[0-9a-f-]{36}$/.test(id) ? await store.get(id) : undefined;
  if (!record) throw new NotFoundError(`No prediction with id '${id}'.`);
  return json(200, record);
});
