import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient, type PutCommandInput } from '@aws-sdk/lib-dynamodb';
import type { PredictionRecord, PredictionStore } from './records';
import { withinItemLimit } from './record-size';

/**
 * A put guarded by its ConditionExpression: true when written, false when the condition refused it (the item is
 * someone else's to keep). Any other failure is thrown.
 */
export async function conditionalPut(documents: DynamoDBDocumentClient, input: PutCommandInput): Promise<boolean> {
  try {
    await documents.send(new PutCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** The prediction records in one DynamoDB table (docs/architecture.md, "The prediction record"). */
export function createPredictionStore(documents: DynamoDBDocumentClient, tableName: string): PredictionStore {
  return {
    put(record) {
      return conditionalPut(documents, {
        TableName: tableName,
        Item: withinItemLimit(record),
        // S3 delivers events at least once: a redelivery must not write a second answer, but a `failed`
        // record may be replaced by the retry that succeeds.
        ConditionExpression: 'attribute_not_exists(predictionId) OR #status = :failed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':failed': 'failed' },
      });
    },
    async get(predictionId) {
      const answer = await documents.send(new GetCommand({ TableName: tableName, Key: { predictionId } }));
      return answer.Item as PredictionRecord | undefined;
    },
    async delete(predictionId) {
      await documents.send(new DeleteCommand({ TableName: tableName, Key: { predictionId } }));
    },
  };
}
