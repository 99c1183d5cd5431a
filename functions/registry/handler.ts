import { registryConfigSchema, loadConfig } from '../platform/config';
import { createDocumentClient } from '../platform/aws';
import { createAliasStore } from '../serving/aliases-dynamodb';
import { lifecycleETag } from '../serving/aliases';
import { apiHandler } from '../api/http/api-handler';
import { authorizeModel, mayCall, type AuthenticatedContext } from '../api/http/api-keys';
import { json } from '../api/http/responses';
import { createApiKeyVerifier, createModelRegistry } from '../wiring/wiring';
import { modelCard } from './card';
import { describeModel } from './describe';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

const config = loadConfig(registryConfigSchema);
const registry = createModelRegistry(config);
const verifier = createApiKeyVerifier(config);
const aliases = createAliasStore(createDocumentClient(config), config.ALIASES_TABLE);

/**
 * GET /v1/models, GET /v1/models/{model} and a version's card: the registry as clients see it, within the key's
 * scope. A key for other models gets 403 for one model (as its predict route answers) and does not find it listed.
 */
async function lambdaHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const { caller } = context as AuthenticatedContext;
  // Approval states as they are now, not as this container last cached them: a decision just made by the trainings
  // function shows at once in the card and the listings. One listing and one metadata read per trained version a
  // request, on routes people and tools read, not on the prediction path (whose cache lives on, see registry.ts).
  registry.trained?.forget();
  const { model: name, version } = event.pathParameters ?? {};
  if (name) authorizeModel(caller, name);
  if (name && version) return modelCard(registry, name, version, event.headers?.accept);
  if (name) {
    const { lifecycleSeq, ...model } = await describeModel(registry, aliases, name);
    const answer = json(200, model);
    // What a lifecycle change sends back in If-Match to apply only to the state shown here (functions/lifecycle).
    return { ...answer, headers: { ...answer.headers, etag: lifecycleETag(lifecycleSeq) } };
  }
  const names = (await registry.modelNames()).filter((model) => mayCall(caller, model));
  const models = await Promise.all(names.map((model) => describeModel(registry, aliases, model)));
  return json(200, { models: models.map(({ lifecycleSeq: _seq, ...model }) => model) });
}

export const handler = apiHandler({ verifier }).handler(lambdaHandler);
