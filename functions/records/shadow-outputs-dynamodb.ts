import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ShadowOutputs } from './shadow-outputs';

/** Shadow outputs as the `shadow` attribute of the production record (one UpdateItem, never a PutItem). */
export function createShadowOutputs(documents: DynamoDBDocumentClient, tableName: string): ShadowOutputs {
  return {
    async attach(predictionId, output) {
      try {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { predictionId },
            UpdateExpression: 'SET #shadow = :shadow',
            // An update would otherwise create the item: an erased record must stay erased.
            ConditionExpression: 'attribute_exists(predictionId) AND #status = :succeeded',
            ExpressionAttributeNames: { '#shadow': 'shadow', '#status': 'status' },
            ExpressionAttributeValues: { ':shadow': output, ':succeeded': 'succeeded' },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
  };
}
