import { createHash } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Context, S3Event } from 'aws-lambda';
import { BucketModels } from '../training/model-bucket';
import { parseTrainingMetadata, queuedTraining } from '../training/training-request';
import { checkTrainable } from '../training/trainable';
import { createTrainingStore } from '../training/training-store-dynamodb';
import { createDocumentClient, createS3Client } from '../platform/aws';
import { loadConfig, trainConfigSchema } from '../platform/config';
import { VigieError } from '../platform/errors';
import { logger } from '../platform/telemetry';
import { reportTraining } from '../records/observability';
import { ModelRegistry } from '../serving/registry';
import { runTraining, type TrainDeps } from './run-training';
import { headerText } from '../platform/header-text';
import { uploadIdentities } from '../uploads/announced-object';
import { loadPseudonymiser } from '../wiring/wiring';

const config = loadConfig(trainConfigSchema);
const pseudonymiser = loadPseudonymiser();
const s3 = createS3Client(config);
const models = new BucketModels(s3, config.MODELS_BUCKET);
const deps: TrainDeps = {
  s3,
  uploadsBucket: config.UPLOADS_BUCKET,
  trainings: createTrainingStore(createDocumentClient(config), config.TRAININGS_TABLE),
  models,
  registry: new ModelRegistry(config.MODELS_DIR, models),
  limits: { maxBytes: config.TRAINING_MAX_BYTES, maxRows: config.TRAINING_MAX_ROWS },
  codeCommit: config.VIGIE_CODE_COMMIT ?? null,
  ownerContact: config.MODEL_OWNER_CONTACT,
  audit: reportTraining,
  now: () => new Date(),
};

/** `training/<model>/<file>.csv` in the uploads bucket, with `target` (and task, metric…) in its metadata. */
async function fromUpload(event: S3Event, context: Context): Promise<void> {
  for (const record of event.Records) {
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const [prefix, model, ...rest] = key.split('/');
    if (prefix !== 'training' || !model || rest.length === 0 || !key.toLowerCase().endsWith('.csv')) continue;
    // One training per object version: a redelivered notification finds its record and starts nothing.
    const trainingId = createHash('sha256')
      .update(`${record.s3.bucket.name}/${key}/${record.s3.object.eTag ?? ''}`)
      .digest('hex')
      .slice(0, 32);
    const now = deps.now();
    const base = { trainingId, model, source: 's3' as const, inputKey: key, now, retentionDays: config.RETENTION_DAYS };
    let training;
    try {
      await checkTrainable(deps.registry, models, model);
      const head = await s3.send(new HeadObjectCommand({ Bucket: record.s3.bucket.name, Key: key }));
      // S3 metadata is ASCII: a target such as `Espèce` comes as an RFC 2047 encoded word (header-text.ts).
      const metadata = Object.fromEntries(Object.entries(head.Metadata ?? {}).map(([name, value]) => [name, headerText(value)]));
      const options = parseTrainingMetadata(metadata);
      // `subject-id` and `requested-by`, pseudonymised as for predictions: export and erasure reach the table (#20.4).
      training = queuedTraining({ ...base, options, ...uploadIdentities(head, await pseudonymiser) });
    } catch (error) {
      if (!(error instanceof VigieError)) throw error;
      // The upload itself is wrong (no target in its metadata, a bad name): a failed training says why.
      const failed = {
        ...queuedTraining({ ...base, options: { target: '-', timeBudgetSeconds: 0 } }),
        status: 'failed' as const,
      };
      await deps.trainings.create({ ...failed, error: { code: error.code, message: error.message } });
      continue;
    }
    if (!(await deps.trainings.create(training))) continue;
    logger.info('training started from an upload', { trainingId });
    await runTraining(deps, training, context.awsRequestId);
  }
}

/** Asynchronous invocations: `{trainingId}` from POST /v1/models/{model}/trainings, or an S3 notification. */
async function lambdaHandler(event: S3Event | { trainingId: string }, context: Context): Promise<void> {
  if ('Records' in event) return fromUpload(event, context);
  const training = await deps.trainings.get(event.trainingId);
  if (!training || training.status !== 'queued') {
    logger.warn('training not queued: nothing to do', { trainingId: event.trainingId, status: training?.status });
    return;
  }
  await runTraining(deps, training, context.awsRequestId);
}

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
