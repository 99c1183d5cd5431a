import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { hashApiKey } from '../../functions/api/http/api-keys';

/**
 * Stores an API key in the local platform's keys table as `vigie keys create` would (its hash, never the key), for
 * an hour: a test's caller with only the models and permissions it names.
 */
export async function storeTestKey(
  documents: DynamoDBDocumentClient,
  key: string,
  grant: { name: string; models: string[]; permissions: string[] },
): Promise<void> {
  await documents.send(
    new PutCommand({
      TableName: 'vigie-local-api-keys',
      Item: {
        keyHash: hashApiKey(key),
        keyId: hashApiKey(key).slice(0, 12),
        ...grant,
        createdAt: new Date().toISOString(),
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
      },
    }),
  );
}
