import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { inferConfigSchema, loadConfig } from '../platform/config';
import { SessionCache } from '../serving/inference/sessions';
import { logger } from '../platform/telemetry';
import { infer, type InferDeps } from '../serving/inference/infer';
import type { InferResponse } from '../serving/inference/protocol';
import { createModelRegistry } from '../wiring/wiring';

const config = loadConfig(inferConfigSchema);
// Module scope: sessions live as long as the container, so only the first call of a model pays for loading it.
// The models bucket too: an uploaded picture for an imported or trained model is run here (preprocess hands it over).
const deps: InferDeps = { registry: createModelRegistry(config), sessions: new SessionCache() };

/** Model serving: the only function that carries onnxruntime and the model artifacts. */
function lambdaHandler(event: unknown): Promise<InferResponse> {
  return infer(deps, event);
}

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
