import { InvokeCommand } from '@aws-sdk/client-lambda';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient, createLambdaClient, createS3Client } from '../platform/aws';
import { isMissingObject } from '../platform/s3-errors';
import type { LifecycleConfig } from '../platform/config';
import { createFolderDeadLetters } from '../uploads/dead-letters-folder';
import { createSqsDeadLetters } from '../uploads/dead-letters-sqs';
import { createHeldUploads } from '../uploads/held-uploads-dynamodb';
import type { DeadLetters, ReplayDeps, UploadObject } from '../uploads/replay';
import { encodeEventKey } from '../uploads/upload-key';

/** The S3 event of an upload, as S3 would have sent it: what the preprocess function takes. */
function uploadEvent(object: UploadObject) {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: object.eventTime,
        s3: {
          bucket: { name: object.bucket },
          object: { key: encodeEventKey(object.key), eTag: object.eTag, sequencer: object.sequencer },
        },
      },
    ],
  };
}

const noDeadLetters: DeadLetters = { claim: () => Promise.resolve([]) };

/** The replay's side effects, built once per container: records, dead letters, S3 and the preprocess function. */
export function createReplayDeps(config: LifecycleConfig): Omit<ReplayDeps, 'deadline'> {
  const s3 = createS3Client(config);
  const lambda = createLambdaClient(config, 'sdk');
  const deadLetters = config.DEAD_LETTER_QUEUE
    ? createSqsDeadLetters(new SQSClient({ region: config.AWS_REGION }), config.DEAD_LETTER_QUEUE, config.REPLAY_LEASE_SECONDS)
    : config.DEAD_LETTERS_DIR
      ? createFolderDeadLetters(config.DEAD_LETTERS_DIR, s3, config.UPLOADS_BUCKET)
      : noDeadLetters;
  return {
    uploads: createHeldUploads(createDocumentClient(config), config.PREDICTIONS_TABLE),
    deadLetters,
    async locate(bucket, key) {
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { eTag: (head.ETag ?? '').replace(/"/g, ''), lastModified: head.LastModified ?? new Date() };
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    },
    async rerun(object) {
      const Payload = Buffer.from(JSON.stringify(uploadEvent(object)));
      // Waited for, so the answer can say how each upload ended and a claim never outlives its run unseen.
      const answer = await lambda.send(new InvokeCommand({ FunctionName: config.PREPROCESS_FUNCTION_NAME, Payload }));
      // A run that failed goes the way of any failed upload: Lambda's retries, then the dead-letter queue.
      if (answer.FunctionError) {
        await lambda.send(new InvokeCommand({ FunctionName: config.PREPROCESS_FUNCTION_NAME, InvocationType: 'Event', Payload }));
      }
    },
    now: () => new Date(),
    uploadsBucket: config.UPLOADS_BUCKET,
    leaseMs: config.REPLAY_LEASE_SECONDS * 1000,
  };
}
