import { createDocumentClient, createS3Client } from '../platform/aws';
import { ModelNotFoundError } from '../platform/errors';
import { guardSettingsOf, registryConfigSchema, loadConfig } from '../platform/config';
import { createAliasStore } from '../serving/aliases-dynamodb';
import { lifecycleETag } from '../serving/aliases';
import { apiHandler } from '../api/http/api-handler';
import { authorizeModel, mayCall, type AuthenticatedContext } from '../api/http/api-keys';
import { json } from '../api/http/responses';
import { parseDriftQuery } from '../api/http/drift-query';
import { parseShadowQuery } from '../api/http/shadow-query';
import { shadowReport } from '../monitoring/shadow-report';
import { SHADOW_ALIAS } from '../serving/routing';
import { driftReport } from '../monitoring/drift-report';
import { registryDriftSources } from '../monitoring/drift-sources';
import { createDriftReportStore } from '../monitoring/drift-store-s3';
import { latestDrift } from '../monitoring/latest-drift';
import { parseCanaryQuery } from '../api/http/canary-query';
import { canaryReport, type CanarySources } from '../monitoring/canary-report';
import { createModelRecords } from '../records/model-records-dynamodb';
import { createApiKeyVerifier, createModelRegistry } from '../wiring/wiring';
import { modelCard } from './card';
import { describeModel } from './describe';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

const config = loadConfig(registryConfigSchema);
const registry = createModelRegistry(config);
const verifier = createApiKeyVerifier(config);
const documents = createDocumentClient(config);
const aliases = createAliasStore(documents, config.ALIASES_TABLE);
const driftSources = registryDriftSources(registry, createModelRecords(documents, config.PREDICTIONS_TABLE));
const driftReports = createDriftReportStore(createS3Client(config), config.RESULTS_BUCKET);

const canarySources: CanarySources = {
  aliases,
  records: driftSources.records,
  knows: (model) => registry.knows(model),
  newestApproved: driftSources.servedVersion,
};

/**
 * GET /v1/models, GET /v1/models/{model}, a version's card, the model's drift (#24) its shadow's agreement and its canary's two arms (#23): the registry as clients see it, within the key's
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
    const query = event.queryStringParameters ?? {};
    const range = parseDriftQuery(query, new Date());
    // No window named: the latest scheduled report (functions/drift); a window named: measured now.
    const named = query.from !== undefined || query.to !== undefined;
    return json(
      200,
      named ? await driftReport(driftSources, name, range) : await latestDrift(driftSources, driftReports, name, range),
    );
  }
  if (name && event.routeKey.endsWith('/shadow')) {
    const range = parseShadowQuery(event.queryStringParameters ?? {}, new Date());
    if (!(await registry.knows(name))) throw new ModelNotFoundError(name);
    const shadow = (await aliases.latest(name))?.state.aliases[SHADOW_ALIAS];
    return json(200, await shadowReport(driftSources.records, name, range, shadow));
  }
  if (name && event.routeKey.endsWith('/canary')) {
    const range = parseCanaryQuery(event.queryStringParameters ?? {});
    return json(200, await canaryReport(canarySources, name, guardSettingsOf(config), new Date(), range));
  }
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
