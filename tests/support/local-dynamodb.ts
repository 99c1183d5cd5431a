import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDB } from '../../scripts/local/emulators';
import { freePort } from './local-s3';

export interface LocalDynamoDB {
  documents: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

/**
 * The local DynamoDB as the platform runs it (dynalite), alone, on a free port and a folder of its own, with one
 * table keyed by `key` (a string), as the predictions table is by `predictionId`; or with the table as given
 * (a definition of serverless.yml, indexes and all: scripts/local/stack-resources.ts).
 */
export async function startLocalDynamoDB(table: string | CreateTableCommandInput, key?: string): Promise<LocalDynamoDB> {
  const directory = mkdtempSync(join(tmpdir(), 'vigie-dynamodb-'));
  const port = await freePort();
  const server = await startDynamoDB({ port, directory });
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-3',
    credentials: { accessKeyId: 'any', secretAccessKey: 'thing' },
  });
  await client.send(
    new CreateTableCommand(
      typeof table === 'string'
        ? {
            TableName: table,
            AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
            KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
          }
        : table,
    ),
  );
  return {
    documents: DynamoDBDocumentClient.from(client),
    async stop() {
      client.destroy();
      await new Promise((resolve) => server.close(resolve));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
