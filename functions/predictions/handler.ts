import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { createDocumentClient } from '../shared/aws';
import { predictionsConfigSchema, loadConfig } from '../shared/config';
import { NotFoundError } from '../shared/errors';
import { loadApiKeyVerifier, requireApiKey } from '../shared/http/api-keys';
import { problemErrors } from '../shared/http/problem';
import { json } from '../shared/http/responses';
import { logger } from '../shared/observability';
import { createPredictionStore } from '../shared/records';

const config = loadConfig(predictionsConfigSchema);
const store = createPredictionStore(createDocumentClient(config), config.PREDICTIONS_TABLE);
const verifier = loadApiKeyVerifier();

/** GET /v1/predictions/{id}: one stored record, as written. */
export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(requireApiKey(verifier))
  .use(problemErrors())
  .handler(async (event) => {
    const id = event.pathParameters?.id ?? '';
    const record = /^[0-9a-f-]{36}$/.test(id) ? await store.get(id) : undefined;
    if (!record) throw new NotFoundError(`No prediction with id '${id}'.`);
    return json(200, record);
  });
