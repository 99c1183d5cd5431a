import { NotFoundError } from '../platform/errors';
import { apiHandler } from '../api/http/api-handler';
import { securityHeaders } from '../api/http/responses';
import { consoleFile } from './files';
import { CONSOLE_POLICY } from './policy';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * GET /console and GET /console/{asset}: the web console's page and files, no key (the page is public; it asks the
 * person for their key and sends it to the API, never to this function). Locally; in AWS, CloudFront serves the same
 * files from a private bucket (infra/console.yml) in front of the same API.
 */
async function serveConsole(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const name = /^\/console(?:\/([^/]*))?$/.exec(event.rawPath)?.[1] ?? '';
  const file = consoleFile(name);
  if (!file) throw new NotFoundError(`No such file in the console: the page is at /console/.`);
  return {
    statusCode: 200,
    headers: {
      ...securityHeaders,
      'content-type': file.contentType,
      'content-security-policy': CONSOLE_POLICY,
      // The page is small and names its files without a hash: each load checks for a new build.
      'cache-control': 'no-cache',
    },
    body: file.body,
  };
}

export const handler = apiHandler().handler(serveConsole);
