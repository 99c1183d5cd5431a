import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { objectId, TOMBSTONE_DAYS, type ErasureLedger } from './erasure-ledger';

/** The erasure ledger in its DynamoDB table (vigie-<stage>-erasures, infra/storage.yml), entries expiring by TTL. */
export function createErasureLedger(documents: DynamoDBDocumentClient, tableName: string): ErasureLedger {
  const expiresAt = (at: Date) => Math.floor(at.getTime() / 1000) + TOMBSTONE_DAYS * 86_400;
  const read = async (id: string) =>
    (await documents.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }))).Item;
  const write = (id: string, at: Date) =>
    documents.send(new PutCommand({ TableName: tableName, Item: { id, erasedAt: at.toISOString(), expiresAt: expiresAt(at) } }));
  return {
    async erasedAt(subjectPseudonym) {
      const item = await read(`subject:${subjectPseudonym}`);
      return item ? new Date(String(item.erasedAt)) : undefined;
    },
    recordErasure: (subjectPseudonym, at) => write(`subject:${subjectPseudonym}`, at).then(() => undefined),
    objectErased: async (object) => (await read(objectId(object))) !== undefined,
    markObjectErased: (object, at) => write(objectId(object), at).then(() => undefined),
  };
}
