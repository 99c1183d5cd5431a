import { createDocumentClient } from '../platform/aws';
import { registryConfigSchema, loadConfig } from '../platform/config';
import { apiHandler } from '../api/http/api-handler';
import { authorizeModel, mayCall, type AuthenticatedContext } from '../api/http/api-keys';
import { json } from '../api/http/responses';
import { parseDriftQuery } from '../api/http/drift-query';
import { driftReport, type DriftSources } from '../monitoring/drift-report';
import { createModelRecords } from '../records/model-records-dynamodb';
import { createApiKeyVerifier, createModelRegistry } from '../wiring/wiring';
import { modelCard } from './card';
import { describeModel } from './describe';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

const config = loadConfig(registryConfigSchema);
const registry = createModelRegistry(config);
const verifier = createApiKeyVerifier(config);
const driftSources: DriftSources = {
  records: createModelRecords(createDocumentClient(config), config.PREDICTIONS_TABLE),
  servedVersion: async (model) => (await registry.resolve(model)).metadata.version,
  // Any version that answered, approved now or not: its records are measured against its own baseline.
  baselineOf: async (model, version) => (await registry.inspect(model, version)).metadata.baseline,
};

/**
 * GET /v1/models, GET /v1/models/{model}, a version's card, and the model's drift (#24): the registry as clients see it, within the key's
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
  if (name && event.routeKey.endsWith('/drift')) {
    return json(200, await driftReport(driftSources, name, parseDriftQuery(event.queryStringParameters ?? {}, new Date())));
  }
  if (name && version) return modelCard(registry, name, version, event.headers?.accept);
  if (name) return json(200, await describeModel(registry, name));
  const names = (await registry.modelNames()).filter((model) => mayCall(caller, model));
  return json(200, { models: await Promise.all(names.map((model) => describeModel(registry, model))) });
}

export const handler = apiHandler({ verifier }).handler(lambdaHandler);
