import { registryConfigSchema, loadConfig } from '../shared/config';
import { apiHandler } from '../shared/http/api-handler';
import { json } from '../shared/http/responses';
import { createApiKeyVerifier, createModelRegistry } from '../shared/wiring';
import { describeModel } from './describe';

const config = loadConfig(registryConfigSchema);
const registry = createModelRegistry(config);
const verifier = createApiKeyVerifier(config);

/** GET /v1/models and GET /v1/models/{model}: the registry as clients see it. */
export const handler = apiHandler({ verifier }).handler(async (event) => {
  const name = event.pathParameters?.model;
  if (name) return json(200, await describeModel(registry, name));
  const names = await registry.modelNames();
  return json(200, { models: await Promise.all(names.map((model) => describeModel(registry, model))) });
});
