import { healthConfigSchema, loadConfig } from '../platform/config';
import { SessionCache } from '../serving/inference/sessions';
import { apiHandler } from '../api/http/api-handler';
import { json } from '../api/http/responses';
import { createModelRegistry } from '../wiring/wiring';
import { checkModels, healthy } from '../serving/model-health';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const config = loadConfig(healthConfigSchema);
// The shipped models at the version production serves: a rollback shows here within a second.
const registry = createModelRegistry(config);
const sessions = new SessionCache();

/** GET /v1/health — no key: load balancers and people check it. 503 when a served model cannot be loaded. */
async function lambdaHandler(): Promise<APIGatewayProxyStructuredResultV2> {
  const models = await checkModels(registry, sessions);
  const ok = healthy(models);
  return json(ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', models });
}

export const handler = apiHandler().handler(lambdaHandler);
