import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { S3EventRecord } from 'aws-lambda';

/** A CSV under `incoming/<model>/` is a batch of feature rows, not one input. */
export const isCsvKey = (key: string) => key.toLowerCase().endsWith('.csv');

/**
 * Hands a CSV upload to the batch function, asynchronously (as S3 itself would): a batch may run for minutes,
 * far past this function's timeout, and has its own retries and duplicate check.
 */
export function createBatchHandOver(lambdaClient: () => LambdaClient, functionName: string) {
  let lambda: LambdaClient | undefined;
  return async (record: S3EventRecord): Promise<void> => {
    // Made on the first CSV: the image path, most of this function's work, never needs it.
    lambda ??= lambdaClient();
    await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: Buffer.from(JSON.stringify({ Records: [record] })),
      }),
    );
  };
}
