import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { scanAll } from '../../platform/scan-all';

/** One API key as stored: never the key itself, only its SHA-256. */
export interface ApiKeyRecord {
  /** SHA-256 of the key, hex: the partition key. */
  keyHash: string;
  /** The first 12 hex digits of the hash: how logs, records and the CLI name the key. */
  keyId: string;
  name: string;
  /** Models the key may call; `*` for all of them. */
  models: string[];
  /** May erase and export a data subject's data (GDPR rights); off unless asked for at creation. */
  subjectRights?: boolean;
  /** Named permissions beyond predicting (`models:approve`: decide on trained versions). */
  permissions?: string[];
  createdAt: string;
  /** Epoch seconds after which the key is refused. */
  expiresAt: number;
  revokedAt?: string;
}

export interface ApiKeyStore {
  get(keyHash: string): Promise<ApiKeyRecord | undefined>;
  put(record: ApiKeyRecord): Promise<void>;
  list(): Promise<ApiKeyRecord[]>;
  revoke(keyId: string, at: Date): Promise<boolean>;
}

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
