import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { VigieError } from '../../platform/errors';
import { requireApiKey, type ApiKeyVerifier } from '../http/api-keys';
import { json } from '../http/responses';
import { logger } from '../../platform/telemetry';

/**
 * Errors in the protocol's shape, `{"error": "…"}` with the HTTP status of the typed error (400 bad request, 401
 * no key, 403, 404 unknown model, 413, 503…), plus Vigie's stable `code`. As with problem+json on /v1, a 4xx
 * explains itself and a 5xx stays generic, its details in the logs.
 */
function oipErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof VigieError && error.exposeMessage) {
        request.response = json(error.status, { ...error.extensions, error: error.message, code: error.code });
        return;
      }
      logger.error('request failed', { error: error ?? undefined });
      const status = error instanceof VigieError ? error.status : 500;
      const code = error instanceof VigieError ? error.code : 'internal-error';
      request.response = json(status, { error: 'The request could not be completed.', code });
    },
  };
}

/**
 * The middy chain of the /v2 routes: the /v1 chain (Powertools context, API key, typed errors) with the
 * protocol's error body. The key is asked for on the routes `needsKey` names: probes and server metadata stay
 * open, as GET /v1/health does, so a load balancer or Kubernetes can call them.
 */
export function oipHandler(verifier: ApiKeyVerifier, needsKey: (event: APIGatewayProxyEventV2) => boolean) {
  const keyCheck = requireApiKey(verifier);
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use({
      before: async (request) => {
        if (needsKey(request.event)) await keyCheck.before?.(request);
      },
    })
    .use(oipErrors());
}
