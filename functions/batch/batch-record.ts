import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PredictionRecord } from '../records/records';
import { conditionalPut } from '../records/records-dynamodb';
import { withinItemLimit } from '../records/record-size';

/** A batch's record while it runs: the usual fields, status `running`, and the rows scored so far. */
export type RunningRecord = Omit<PredictionRecord, 'status'> & { status: 'running'; processedRows: number };

/** Longer than the batch function's own timeout: a `running` record older than this was left by a dead run. */
const STALE_AFTER_MS = 16 * 60 * 1000;

/** Progress and the final record go only over a `running` one: a delivery that lost the claim writes nothing. */
const WHILE_RUNNING = {
  ConditionExpression: '#status = :running',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':running': 'running' },
};

export interface BatchRecords {
  /** Claims the batch for this run; false when another delivery already ended it or is still running it. */
  start(record: RunningRecord, now: Date): Promise<boolean>;
  progress(predictionId: string, processedRows: number): Promise<void>;
  /** The final record, written only over this run's `running` one. */
  finish(record: PredictionRecord): Promise<void>;
  /** Withdraws the batch's record when its subject's erasure overtook it. */
  remove(predictionId: string): Promise<void>;
}

export function createBatchRecords(documents: DynamoDBDocumentClient, tableName: string): BatchRecords {
  return {
    start(record, now) {
      return conditionalPut(documents, {
        TableName: tableName,
        Item: record,
        // At-least-once delivery: a batch that ended is never run again; one still running is left to its run
        // unless it is older than any run could be (its function died), and a failed one may be retried.
        ConditionExpression:
          'attribute_not_exists(predictionId) OR #status = :failed OR (#status = :running AND createdAt < :stale)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':failed': 'failed',
          ':running': 'running',
          ':stale': new Date(now.getTime() - STALE_AFTER_MS).toISOString(),
        },
      });
    },
    async progress(predictionId, processedRows) {
      await documents.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { predictionId },
          UpdateExpression: 'SET processedRows = :rows',
          ...WHILE_RUNNING,
          ExpressionAttributeValues: { ...WHILE_RUNNING.ExpressionAttributeValues, ':rows': processedRows },
        }),
      );
    },
    async finish(record) {
      await documents.send(new PutCommand({ TableName: tableName, Item: withinItemLimit(record), ...WHILE_RUNNING }));
    },
    async remove(predictionId) {
      await documents.send(new DeleteCommand({ TableName: tableName, Key: { predictionId } }));
    },
  };
}
