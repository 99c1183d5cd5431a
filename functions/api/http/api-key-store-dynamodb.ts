import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanAll } from '../../platform/scan-all';
import type { ApiKeyRecord, ApiKeyStore } from './api-key-store';

/** The API keys in their DynamoDB table (vigie-<stage>-api-keys, infra/storage.yml), key `keyHash`. */
export function createApiKeyStore(documents: DynamoDBDocumentClient, tableName: string): ApiKeyStore {
  const list = async () =>
    (await scanAll<ApiKeyRecord>(documents, tableName)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return {
    async get(keyHash) {
      return (await documents.send(new GetCommand({ TableName: tableName, Key: { keyHash } }))).Item as ApiKeyRecord | undefined;
    },
    async put(record) {
      await documents.send(
        new PutCommand({ TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(keyHash)' }),
      );
    },
    list,
    async revoke(keyId, at) {
      const matches = (await list()).filter((record) => record.keyId === keyId);
      for (const record of matches) {
        await documents.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { keyHash: record.keyHash },
            UpdateExpression: 'SET revokedAt = :at',
            ExpressionAttributeValues: { ':at': at.toISOString() },
          }),
        );
      }
      return matches.length > 0;
    },
  };
}
