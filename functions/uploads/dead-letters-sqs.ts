import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { S3EventRecord } from 'aws-lambda';
import type { DeadLetters, ReplayItem } from './replay';
import { decodeEventKey, uploadPredictionId } from './upload-key';

/** Lambda's on-failure record (its destination's message): the event it was given, key in clear. */
interface FailureRecord {
  requestPayload?: { Records?: S3EventRecord[] };
}

/** Messages read per replay call at most: the rest wait for the next call. */
const MAX_MESSAGES = 100;

/**
 * The dead-letter queue in AWS (`vigie-<stage>-preprocess-failures`): the preprocess and batch functions' failed
 * events. A message received is hidden from other readers for the lease (SQS's visibility timeout is the claim);
 * one about another model is made visible again at once, one about this model is deleted once its upload ended.
 */
export function createSqsDeadLetters(sqs: SQSClient, queueName: string, leaseSeconds: number): DeadLetters {
  let url: Promise<string> | undefined;
  return {
    async claim(model) {
      url ??= sqs.send(new GetQueueUrlCommand({ QueueName: queueName })).then((answer) => answer.QueueUrl!);
      const queueUrl = await url;
      const items: ReplayItem[] = [];
      for (let read = 0; read < MAX_MESSAGES;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: leaseSeconds }),
        );
        if (Messages.length === 0) break;
        read += Messages.length;
        for (const message of Messages) {
          const handle = message.ReceiptHandle!;
          const failure = JSON.parse(message.Body ?? '{}') as FailureRecord;
          const record = failure.requestPayload?.Records?.[0];
          const key = record ? decodeEventKey(record.s3.object.key) : '';
          if (!record || !key.startsWith(`incoming/${model}/`)) {
            await sqs.send(
              new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
            );
            continue;
          }
          const { bucket, object } = record.s3;
          const eTag = object.eTag ?? '';
          items.push({
            predictionId: uploadPredictionId(bucket.name, key, eTag || object.sequencer),
            from: 'dead-letter',
            object: { bucket: bucket.name, key, eTag, sequencer: object.sequencer, eventTime: record.eventTime },
            settle: async () => {
              await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: handle }));
            },
          });
        }
      }
      return items;
    },
  };
}
