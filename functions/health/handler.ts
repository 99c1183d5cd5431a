import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { inferConfigSchema, loadConfig } from '../shared/config';
import { SessionCache } from '../shared/inference/sessions';
import { json } from '../shared/http/responses';
import { logger } from '../shared/observability';
import { ModelRegistry } from '../shared/registry';
import { checkModels } from './check-models';

const config = loadConfig(inferConfigSchema);
const registry = new ModelRegistry(config.MODELS_DIR);
const sessions = new SessionCache();

/** GET /v1/health — no key: load balancers and people check it. 503 when a model cannot be loaded. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async () => {
    const models = await checkModels(registry, sessions);
    const ok = models.every((model) => model.loaded);
    return json(ok ? 200 : 503, { status: ok ? 'ok' : 'degraded', models });
  });
