import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { registryConfigSchema, loadConfig } from '../shared/config';
import { loadApiKeyVerifier, requireApiKey } from '../shared/http/api-keys';
import { problemErrors } from '../shared/http/problem';
import { json } from '../shared/http/responses';
import { logger } from '../shared/observability';
import { ModelRegistry } from '../shared/registry';
import { describeModel } from './describe';

const config = loadConfig(registryConfigSchema);
const registry = new ModelRegistry(config.MODELS_DIR);
const verifier = loadApiKeyVerifier();

/** GET /v1/models and GET /v1/models/{model}: the registry as clients see it. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(requireApiKey(verifier))
  .use(problemErrors())
  .handler(async (event) => {
    const name = event.pathParameters?.model;
    if (name) return json(200, await describeModel(registry, name));
    const names = await registry.modelNames();
    return json(200, { models: await Promise.all(names.map((model) => describeModel(registry, model))) });
  });
