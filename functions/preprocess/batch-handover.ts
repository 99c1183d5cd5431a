import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { S3EventRecord } from 'aws-lambda';

/** A CSV under `incoming/<model>/` is a batch of feature rows, not one input. */
export const isCsvKey = (key: string) => key.toLowerCase().endsWith('.csv');

/**
 * Hands a CSV upload to the batch function, asynchronously (as S3 itself would): a batch may run for minutes,
 * far past this function's timeout, and has its own retries and duplicate check.
 */
export function createBatchHandOver(lambda: LambdaClient, functionName: string) {
  return async (record: S3EventRecord): Promise<void> => {
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ Records: [record] })),
      }),
    );
  };
}
