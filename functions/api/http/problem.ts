import { STATUS_CODES } from 'node:http';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { VigieError } from '../../platform/errors';
import { logger } from '../../platform/telemetry';
import { securityHeaders } from './responses';

/** RFC 9110's names where Node's table still has the older ones; every other status takes Node's (409 Conflict…). */
const RENAMED: Record<number, string> = { 413: 'Content Too Large', 422: 'Unprocessable Content' };

/** The problem's `title`: the status's name, never a generic word, so a client can show it as it is. */
const problemTitle = (status: number): string => RENAMED[status] ?? STATUS_CODES[status] ?? `HTTP ${status}`;

/** An RFC 9457 problem document; `type` names the error code so clients can branch on it. */
export function problem(
  status: number,
  code: string,
  detail: string,
  extensions: Record<string, unknown> = {},
): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...securityHeaders },
    body: JSON.stringify({
      ...extensions,
      type: `https://vigie.dev/problems/${code}`,
      title: problemTitle(status),
      status,
      detail,
      code,
    }),
  };
}

/** Maps typed errors to problem+json. 4xx explain themselves; anything else is logged and answered generically. */
export function problemErrors(): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    onError: async (request) => {
      const { error } = request;
      if (error instanceof VigieError && error.exposeMessage) {
        request.response = problem(error.status, error.code, error.message, error.extensions);
        return;
      }
      logger.error('request failed', { error: error ?? undefined });
      const status = error instanceof VigieError ? error.status : 500;
      request.response = problem(
        status,
        error instanceof VigieError ? error.code : 'internal-error',
        'The request could not be completed.',
      );
    },
  };
}
