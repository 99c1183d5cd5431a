import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { countAnswers } from '../../platform/after-answer';
import { logger } from '../../platform/telemetry';
import { requireApiKey, type ApiKeyVerifier } from './api-keys';
import { problemErrors } from './problem';

/**
 * The middy chain every HTTP route shares: Powertools logging context first, then the API key check (every
 * route but health), then typed errors mapped to problem+json; the route's handler goes last. Metrics are
 * published per prediction by `reportPrediction`, not per request, so routes without predictions emit none.
 */
export function apiHandler(options: { verifier?: ApiKeyVerifier } = {}) {
  const chain = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().use(
    injectLambdaContext(logger, { resetKeys: true }),
  );
  if (options.verifier) chain.use(requireApiKey(options.verifier));
  // Counts answers for work that runs after them (platform/after-answer.ts); last `after`, first `onError` to run.
  chain.use(countAnswers);
  return chain.use(problemErrors());
}
