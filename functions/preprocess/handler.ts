import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, S3Event } from 'aws-lambda';
import { createLambdaClient, createS3Client } from '../platform/aws';
import { loadConfig, preprocessConfigSchema } from '../platform/config';
import { logger } from '../platform/telemetry';
import { createInferClient } from '../serving/inference/infer-client';
import { createModelRegistry, createPredictionDeps, loadPseudonymiser } from '../wiring/wiring';
import { createBatchHandOver, isCsvKey } from './batch-handover';
import { processUpload, rejectInvalidKey, type UploadDeps } from './process-upload';
import { parseUploadKey } from '../uploads/upload-key';
import { ModelDisabledError } from '../platform/errors';
import { createBucketFiles } from '../uploads/bucket-files-s3';

const config = loadConfig(preprocessConfigSchema);
// Uploads are scored by the infer function (its memory sized for the model), over Lambda Invoke.
const remoteInfer = createInferClient(createLambdaClient(config, 'caller'), config.INFER_FUNCTION_NAME, {
  attempts: config.INFER_ATTEMPTS,
  baseDelayMs: 50,
  maxDelayMs: 1000,
});
const s3 = createS3Client(config);
const deps: Promise<UploadDeps> = loadPseudonymiser().then((pseudonymise) => ({
  s3,
  files: createBucketFiles(s3),
  prediction: createPredictionDeps(config, createModelRegistry(config), remoteInfer),
  pseudonymise,
  resultsBucket: config.RESULTS_BUCKET,
}));
const handOverBatch = createBatchHandOver(() => createLambdaClient(config, 'sdk'), config.BATCH_FUNCTION_NAME);

/**
 * S3 ObjectCreated → one recorded prediction per upload under `incoming/<model>/`. Bad inputs end as
 * `rejected` records; a transient failure is recorded as `failed` and rethrown so Lambda retries the event.
 */
async function lambdaHandler(event: S3Event, context: Context): Promise<void> {
  const ready = await deps;
  const transient: unknown[] = [];
  for (const record of event.Records ?? []) {
    if (record.s3.bucket.name !== config.UPLOADS_BUCKET) continue;
    const upload = parseUploadKey(record.s3.object.key);
    if (upload.kind === 'ignored') {
      // Only the top-level prefix: object keys are file names, and people name files after people.
      logger.debug('ignored key outside incoming/', { prefix: record.s3.object.key.split('/')[0] });
      continue;
    }
    if (upload.kind === 'upload' && isCsvKey(upload.key)) {
      await handOverBatch(record);
      continue;
    }
    const outcome =
      upload.kind === 'upload'
        ? await processUpload(ready, record, upload, context.awsRequestId)
        : await rejectInvalidKey(ready, record, upload, context.awsRequestId);
    if (outcome.erased) {
      // No prediction id either: it would lead back to the key, which the erasure was about.
      logger.info('upload covered by an erasure of its subject: deleted, not recorded');
      continue;
    }
    if (!outcome.written) logger.info('duplicate delivery ignored', { predictionId: outcome.record.predictionId });
    // A disabled model's upload is held: recorded `failed` with `model-disabled`, kept in place, not retried (its
    // retries would only end in the dead letters while the switch is on).
    const held = outcome.error instanceof ModelDisabledError;
    if (outcome.written && outcome.record.status === 'failed' && !held) transient.push(outcome.error);
  }
  if (transient.length > 0) {
    throw new AggregateError(transient, `${transient.length} upload(s) failed and will be retried.`);
  }
}

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
