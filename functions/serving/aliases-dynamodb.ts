import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { written } from '../platform/conditional-write';
import type { AliasStore, LifecycleEvent } from './aliases';

const byModel = (model: string) => ({
  KeyConditionExpression: '#model = :model',
  ExpressionAttributeNames: { '#model': 'model' },
  ExpressionAttributeValues: { ':model': model },
});

/**
 * The lifecycle log in its DynamoDB table (vigie-<stage>-aliases, infra/lifecycle.yml): key `model`, sort key
 * `seq`. Reads are strongly consistent: a move someone just made is what the next read sees.
 */
export function createAliasStore(documents: DynamoDBDocumentClient, table: string): AliasStore {
  return {
    async latest(model) {
      const { Items } = await documents.send(
        new QueryCommand({
          TableName: table,
          ...byModel(model),
          ScanIndexForward: false,
          Limit: 1,
          ConsistentRead: true,
        }),
      );
      return Items?.[0] as LifecycleEvent | undefined;
    },
    async history(model) {
      const events: LifecycleEvent[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: table,
            ...byModel(model),
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        events.push(...((page.Items ?? []) as LifecycleEvent[]));
        start = page.LastEvaluatedKey;
      } while (start);
      return events;
    },
    async append(event) {
      return written(
        documents.send(new PutCommand({ TableName: table, Item: event, ConditionExpression: 'attribute_not_exists(seq)' })),
      );
    },
  };
}
