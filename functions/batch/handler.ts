import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, S3Event } from 'aws-lambda';
import { createDocumentClient, createS3Client } from '../platform/aws';
import { batchConfigSchema, loadConfig } from '../platform/config';
import { SessionCache } from '../serving/inference/sessions';
import { reportPrediction, reportRejectedRows } from '../records/observability';
import { logger } from '../platform/telemetry';
import { createModelRegistry, loadPseudonymiser } from '../wiring/wiring';
import { parseUploadKey } from '../uploads/upload-key';
import { createErasureLedger } from '../records/erasure-ledger-dynamodb';
import { createBatchRecords } from './batch-record';
import { createPredictionStats } from '../records/prediction-stats-dynamodb';
import { processBatch, type BatchDeps } from './process-batch';

const config = loadConfig(batchConfigSchema);
const documents = createDocumentClient(config);
// Module scope: sessions and clients live as long as the container.
const deps: Promise<BatchDeps> = loadPseudonymiser().then((pseudonymise) => ({
  s3: createS3Client(config),
  records: createBatchRecords(documents, config.PREDICTIONS_TABLE),
  erasures: createErasureLedger(documents, config.ERASURES_TABLE),
  stats: createPredictionStats(documents, config.STATS_TABLE),
  registry: createModelRegistry(config),
  sessions: new SessionCache(),
  pseudonymise,
  report: reportPrediction,
  reportRejected: reportRejectedRows,
  now: () => new Date(),
  resultsBucket: config.RESULTS_BUCKET,
  retentionDays: config.RETENTION_DAYS,
  chunkRows: config.BATCH_CHUNK_ROWS,
  progressEveryMs: 1000,
}));

/**
 * CSV batches (`incoming/<model>/<path>.csv`, handed over by the preprocess function with its S3 event): one
 * scored CSV in the results bucket and one record per file. A run that failed (its record says `failed`) is
 * rethrown so Lambda retries the event, then hands it to the on-failure destination; a rejected file is not.
 */
async function lambdaHandler(event: S3Event, context: Context): Promise<void> {
  const ready = await deps;
  for (const record of event.Records ?? []) {
    if (record.s3.bucket.name !== config.UPLOADS_BUCKET) continue;
    const upload = parseUploadKey(record.s3.object.key);
    if (upload.kind !== 'upload') continue;
    const outcome = await processBatch(ready, record, upload, context.awsRequestId);
    if (outcome === 'duplicate') logger.info('duplicate batch delivery ignored', { model: upload.model });
  }
}

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
