import middy from '@middy/core';
import { countAnswers } from '../../platform/after-answer';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { VigieError } from '../../platform/errors';
import { requireApiKey, type ApiKeyVerifier } from '../http/api-keys';
import { problem } from '../http/problem';
import { logger } from '../../platform/telemetry';

/**
 * Errors as the platform's problem+json (type, title, status, detail, code: problem.ts) carrying the protocol's
 * `error` member, the same sentence as `detail`, so an Open Inference Protocol client reads `{"error": "…"}` as
 * the protocol says and any other client reads the problem document of /v1. The HTTP status is the typed
 * error's (400 bad request, 401 no key, 403, 404 unknown model, 413, 503…); a 4xx explains itself and a 5xx stays
 * generic, its details in the logs.
 */
function oipErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof VigieError && error.exposeMessage) {
        request.response = problem(error.status, error.code, error.message, { ...error.extensions, error: error.message });
        return;
      }
      logger.error('request failed', { error: error ?? undefined });
      const status = error instanceof VigieError ? error.status : 500;
      const code = error instanceof VigieError ? error.code : 'internal-error';
      const detail = 'The request could not be completed.';
      request.response = problem(status, code, detail, { error: detail });
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
  return (
    middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use({
        before: async (request) => {
          if (needsKey(request.event)) await keyCheck.before?.(request);
        },
      })
      // As on /v1 (apiHandler): answers counted for work after them (platform/after-answer.ts).
      .use(countAnswers)
      .use(oipErrors())
  );
}
