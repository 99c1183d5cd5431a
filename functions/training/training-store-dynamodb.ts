import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  TRAINING_SUMMARY_FIELDS,
  type TrainingPageKey,
  type TrainingRecord,
  type TrainingStore,
  type TrainingSummary,
} from './training-store';
import { written } from '../platform/conditional-write';

/** The index (model, createdAt) that lists a model's trainings (infra/automl.yml). */
const MODEL_INDEX = 'byModel';

/** The training records in their DynamoDB table (vigie-<stage>-trainings, infra/automl.yml), key `trainingId`. */
export function createTrainingStore(documents: DynamoDBDocumentClient, table: string): TrainingStore {
  return {
    async create(record) {
      return written(
        documents.send(
          new PutCommand({ TableName: table, Item: record, ConditionExpression: 'attribute_not_exists(trainingId)' }),
        ),
      );
    },
    async get(trainingId) {
      const { Item } = await documents.send(new GetCommand({ TableName: table, Key: { trainingId } }));
      return Item as TrainingRecord | undefined;
    },
    async update(trainingId, changes) {
      const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
      if (entries.length === 0) return;
      await documents.send(
        new UpdateCommand({
          TableName: table,
          Key: { trainingId },
          UpdateExpression: `SET ${entries.map((_, i) => `#k${i} = :v${i}`).join(', ')}`,
          ExpressionAttributeNames: Object.fromEntries(entries.map(([key], i) => [`#k${i}`, key])),
          ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
        }),
      );
    },
    async claim(trainingId, updatedAt) {
      return written(
        documents.send(
          new UpdateCommand({
            TableName: table,
            Key: { trainingId },
            UpdateExpression: 'SET #status = :running, progress = :progress, stage = :stage, updatedAt = :updatedAt',
            ConditionExpression: '#status = :queued',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':queued': 'queued',
              ':running': 'running',
              ':progress': 0.05,
              ':stage': 'reading',
              ':updatedAt': updatedAt,
            },
          }),
        ),
      );
    },
    async eraseSubject({ trainingId, subjectId }, at) {
      return written(
        documents.send(
          new UpdateCommand({
            TableName: table,
            Key: { trainingId },
            // `metrics` is a reserved word of DynamoDB's expressions.
            UpdateExpression: 'SET erasedAt = :at REMOVE subjectId, dataReport, #metrics, inputKey',
            ConditionExpression: 'subjectId = :subject',
            ExpressionAttributeNames: { '#metrics': 'metrics' },
            ExpressionAttributeValues: { ':at': at.toISOString(), ':subject': subjectId },
          }),
        ),
      );
    },
    async listByModel(model, { limit, after, inputKey }) {
      const items: TrainingSummary[] = [];
      let start: Record<string, unknown> | undefined = after;
      // DynamoDB applies a filter after `Limit`: a page with a filter may come back short, so pages are read until
      // `limit` trainings are found or the index ends. Asking for the missing count only keeps `next` exact.
      do {
        const page = await documents.send(
          new QueryCommand({
            TableName: table,
            IndexName: MODEL_INDEX,
            KeyConditionExpression: '#model = :model',
            ...(inputKey !== undefined && { FilterExpression: '#inputKey = :inputKey' }),
            // Words such as `status` and `source` are reserved in expressions: every field goes by its placeholder.
            ExpressionAttributeNames: Object.fromEntries(TRAINING_SUMMARY_FIELDS.map((field) => [`#${field}`, field])),
            ExpressionAttributeValues: { ':model': model, ...(inputKey !== undefined && { ':inputKey': inputKey }) },
            ProjectionExpression: TRAINING_SUMMARY_FIELDS.map((field) => `#${field}`).join(', '),
            ScanIndexForward: false,
            Limit: limit - items.length,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...((page.Items ?? []) as TrainingSummary[]));
        start = page.LastEvaluatedKey;
      } while (start && items.length < limit);
      return { items, ...(start && { next: start as TrainingPageKey }) };
    },
  };
}
