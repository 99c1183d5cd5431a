import { inferConfigSchema, loadConfig } from '../platform/config';
import { NotFoundError } from '../platform/errors';
import { apiHandler } from '../api/http/api-handler';
import { json, securityHeaders } from '../api/http/responses';
import { openApiDocument } from '../api/openapi/document';
import { servedModels } from '../api/openapi/served-models';
import { ModelRegistry } from '../serving/registry';
import { viewerFile } from './viewer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const config = loadConfig(inferConfigSchema);
const registry = new ModelRegistry(config.MODELS_DIR);
/** The models layer does not change under a running container: one document per container. */
let document: Promise<ReturnType<typeof openApiDocument>> | undefined;

/** The page runs Swagger UI from this origin only; "Try it" calls this same API (connect-src 'self'). */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/** GET /v1/openapi.json and GET /docs[/{asset}] — no key: the description of the API is public, its data is not. */
async function lambdaHandler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  if (event.rawPath === '/v1/openapi.json') {
    // A failed read is not kept: the next request tries again.
    document ??= servedModels(registry)
      .then(openApiDocument)
      .catch((error: unknown) => {
        document = undefined;
        throw error;
      });
    return json(200, await document);
  }
  const file = viewerFile(event.pathParameters?.asset ?? '');
  if (!file) throw new NotFoundError('No such file in the documentation viewer.');
  return {
    statusCode: 200,
    headers: {
      ...securityHeaders,
      'content-type': file.contentType,
      'content-security-policy': PAGE_POLICY,
      'cache-control': 'public, max-age=3600',
    },
    body: file.body,
  };
}

export const handler = apiHandler().handler(lambdaHandler);
