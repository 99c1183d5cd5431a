import { docsConfigSchema, loadConfig } from '../platform/config';
import { NotFoundError } from '../platform/errors';
import { quoteName } from '../platform/model-name';
import { apiHandler } from '../api/http/api-handler';
import { problem } from '../api/http/problem';
import { json, securityHeaders } from '../api/http/responses';
import { openApiDocument, type OpenApiDocument } from '../api/openapi/document';
import { servedModels } from '../api/openapi/served-models';
import { createModelRegistry } from '../wiring/wiring';
import { viewerFile } from './viewer';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

const config = loadConfig(docsConfigSchema);
// Shipped and trained models: the registry reads the models bucket past a cache of seconds (BucketModels' ttlMs),
// so a model trained or approved at run time shows in the document within that time, in any container.
const registry = createModelRegistry(config);

/** The document of the last set of served models: rebuilt only when a model, version or approval changes. */
let built: { key: string; document: OpenApiDocument } | undefined;

async function currentDocument(): Promise<OpenApiDocument> {
  const models = await servedModels(registry);
  const key = JSON.stringify(models.map((m) => [m.name, m.version, m.governance?.approval.status]));
  if (built?.key !== key) built = { key, document: openApiDocument(models) };
  return built.document;
}

/**
 * The page's references are relative to /docs (so that a stage or a custom domain's base path is kept). Asked for
 * as /docs/, the page is served all the same (serverless-offline drops the slash before the function sees it), and
 * its references resolve under /docs/docs/ and /docs/v1/: each is sent where it is, by a relative redirect too.
 * Where the function does see /docs/ (API Gateway keeps the path as sent), the page itself is sent to /docs.
 */
function misplacedByTrailingSlash(path: string): string | undefined {
  if (path === '/docs/') return '../docs';
  if (path === '/docs/v1/openapi.json') return '../../v1/openapi.json';
  const asset = /^\/docs\/docs\/([^/]+)$/.exec(path);
  return asset ? `../${asset[1]}` : undefined;
}

/** The page runs Swagger UI from this origin only; "Try it" calls this same API (connect-src 'self'). */
const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/**
 * GET /v1/openapi.json and GET /docs[/{asset}] — no key: the description of the API is public, its data is not.
 * Also every route no other function has (the HTTP API's `$default` route): a problem+json 404 that names /docs.
 */
async function lambdaHandler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const path = event.rawPath;
  const { method } = event.requestContext.http;
  // The $default route brings every method: only GET reads the document and the page.
  const read = method === 'GET';
  if (read && path === '/v1/openapi.json') return json(200, await currentDocument());
  const misplaced = read ? misplacedByTrailingSlash(path) : undefined;
  if (misplaced) return { statusCode: 308, headers: { ...securityHeaders, location: misplaced }, body: '' };
  const asset = read ? /^\/docs(?:\/([^/]+))?$/.exec(path) : null;
  if (!asset) {
    const detail = `No route ${quoteName(method)} ${quoteName(path)}: /docs lists every route.`;
    // Under /v2 the Open Inference Protocol's clients read `error`, as on every /v2 error.
    return problem(404, 'not-found', detail, path.startsWith('/v2/') || path === '/v2' ? { error: detail } : {});
  }
  const file = viewerFile(asset[1] ?? '');
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
