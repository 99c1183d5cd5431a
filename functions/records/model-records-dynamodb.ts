import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { ModelRecords, RecordPageKey, RecordQuery } from './model-records';
import type { PredictionRecord } from './records';

/** The index (model, createdAt) that reads a model's records over a time range (infra/storage.yml). */
const MODEL_INDEX = 'byModel';

/**
 * What one listing page may weigh: Lambda answers at most 6 MB, and a record may be up to DynamoDB's 400 KB
 * (record-size.ts), so a page is cut short by bytes before it is by count.
 */
const PAGE_BYTES = 4 * 1024 * 1024;

/** The Query of one model between two times, with the optional filters (applied by DynamoDB after the key). */
function queryInput(table: string, query: RecordQuery, newestFirst: boolean): QueryCommandInput {
  const filters = (['version', 'status', 'source'] as const).filter((field) => query[field] !== undefined);
  // The record names the version `modelVersion`; `status` and `source` are reserved words in expressions.
  const attribute = { version: 'modelVersion', status: 'status', source: 'source' } as const;
  return {
    TableName: table,
    IndexName: MODEL_INDEX,
    KeyConditionExpression: '#model = :model AND #createdAt BETWEEN :from AND :to',
    ...(filters.length > 0 && { FilterExpression: filters.map((field) => `#${field} = :${field}`).join(' AND ') }),
    ExpressionAttributeNames: {
      '#model': 'model',
      '#createdAt': 'createdAt',
      ...Object.fromEntries(filters.map((field) => [`#${field}`, attribute[field]])),
    },
    ExpressionAttributeValues: {
      ':model': query.model,
      ':from': query.from,
      ':to': query.to,
      ...Object.fromEntries(filters.map((field) => [`:${field}`, query[field]])),
    },
    ScanIndexForward: !newestFirst,
  };
}

const pageKeyOf = (record: PredictionRecord): RecordPageKey => ({
  predictionId: record.predictionId,
  model: record.model,
  createdAt: record.createdAt,
});

export function createModelRecords(documents: DynamoDBDocumentClient, table: string): ModelRecords {
  return {
    async page(query, { limit, after }) {
      const items: PredictionRecord[] = [];
      let bytes = 0;
      let start: Record<string, unknown> | undefined = after;
      // A filter applies after `Limit`: pages are read until `limit` records are found or the range ends.
      do {
        const page = await documents.send(
          new QueryCommand({ ...queryInput(table, query, true), Limit: limit - items.length, ExclusiveStartKey: start }),
        );
        start = page.LastEvaluatedKey;
        for (const item of (page.Items ?? []) as PredictionRecord[]) {
          bytes += Buffer.byteLength(JSON.stringify(item));
          if (bytes > PAGE_BYTES && items.length > 0) return { items, next: pageKeyOf(items.at(-1)!) };
          items.push(item);
        }
      } while (start && items.length < limit);
      // The loop ends with a key only once `limit` records are in: the next page starts after the last of them.
      return { items, ...(start && { next: pageKeyOf(items.at(-1)!) }) };
    },
    async *each(query) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await documents.send(new QueryCommand({ ...queryInput(table, query, false), ExclusiveStartKey: start }));
        yield* (page.Items ?? []) as PredictionRecord[];
        start = page.LastEvaluatedKey;
      } while (start);
    },
  };
}
