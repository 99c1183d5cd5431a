import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { createModelRecords } from '../records/model-records-dynamodb';
import type { PredictionRecord } from '../records/records';
import type { HeldUploads } from './replay';

/** The oldest instant a record can have: the held uploads are all of the model's, whenever they came. */
const EPOCH = '1970-01-01T00:00:00.000Z';

/**
 * The held uploads in the predictions table: read through the `byModel` index (failed records of the model,
 * never a Scan), claimed with one conditional update that only a record still held, and not under a live claim,
 * passes.
 */
export function createHeldUploads(documents: DynamoDBDocumentClient, table: string): HeldUploads {
  const records = createModelRecords(documents, table);
  return {
    held: (model) => records.each({ model, from: EPOCH, to: new Date().toISOString(), status: 'failed' }),
    async claim(predictionId, now, staleBefore) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: table,
            Key: { predictionId },
            UpdateExpression: 'SET replayClaimedAt = :now',
            ConditionExpression:
              '#status = :failed AND #error.#code = :disabled AND (attribute_not_exists(replayClaimedAt) OR replayClaimedAt < :stale)',
            ExpressionAttributeNames: { '#status': 'status', '#error': 'error', '#code': 'code' },
            ExpressionAttributeValues: {
              ':failed': 'failed',
              ':disabled': 'model-disabled',
              ':now': now.toISOString(),
              ':stale': staleBefore.toISOString(),
            },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    async get(predictionId) {
      const answer = await documents.send(new GetCommand({ TableName: table, Key: { predictionId }, ConsistentRead: true }));
      return answer.Item as PredictionRecord | undefined;
    },
  };
}
