import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { createTableInput } from './stack-resources';
import type { S3Notification } from './delivery-queue';
import { LOCAL_CREDENTIALS } from './settings';

const require = createRequire(import.meta.url);

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  on(event: 'event', listener: (event: S3Notification) => void): void;
  on(event: 'error', listener: (error: Error & { status?: number; code?: string }) => void): void;
}

/**
 * A request the emulator could not serve is answered 500 (S3's InternalError) and said here, loudly, by its
 * error code only: the error's own message holds the file path, hence the key.
 */
function reportServerError(service: string) {
  return (error: Error & { status?: number; code?: string }) => {
    if (typeof error.status === 'number' && error.status < 500) return;
    console.error(`!! Local ${service} failed a request (${error.code ?? error.name}); it answered 500.`);
  };
}

/**
 * S3 on s3rver. Real S3 accepts the caller's own credentials; s3rver knows one hard-wired key pair, so every
 * access key is mapped to its dummy account (signatures are not checked either), and any credentials work.
 */
export async function startS3(options: { port: number; directory: string; buckets: string[] }): Promise<S3rverInstance> {
  const S3rver = require('s3rver') as new (options: Record<string, unknown>) => S3rverInstance;
  const AWSAccount = require('s3rver/lib/models/account') as {
    registry: Map<string, unknown>;
    DUMMY_ACCOUNT: unknown;
  };
  const known = AWSAccount.registry.get.bind(AWSAccount.registry);
  AWSAccount.registry.get = (key: string) => known(key) ?? AWSAccount.DUMMY_ACCOUNT;
  const server = new S3rver({
    port: options.port,
    address: '127.0.0.1',
    directory: options.directory,
    silent: true,
    allowMismatchedSignatures: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  // Before run(): with a listener of its own, Koa no longer prints whole errors (file paths, hence keys).
  server.on('error', reportServerError('S3'));
  await server.run();
  return server;
}

/** DynamoDB on dynalite (LevelDB under the state folder, so records survive a restart). */
export async function startDynamoDB(options: { port: number; directory: string }): Promise<Server> {
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ path: options.directory, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  server.on('error', reportServerError('DynamoDB'));
  return server;
}

/** Creates the tables of serverless.yml that the emulator does not hold yet. */
export async function ensureTables(endpoint: string, tables: Record<string, unknown>[]): Promise<string[]> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
  });
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  const created: string[] = [];
  for (const table of tables) {
    const input = createTableInput(table) as unknown as CreateTableCommandInput;
    if (!input.TableName) continue;
    if (!existing.has(input.TableName)) {
      await client.send(new CreateTableCommand(input));
      created.push(input.TableName);
      continue;
    }
    // A `.local/` state from before an index was declared lacks it. dynalite cannot add an index to a table
    // (UpdateTable ignores index creation), so the table is rebuilt as declared with its items copied back.
    const described = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    const present = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    if ((input.GlobalSecondaryIndexes ?? []).every((index) => present.has(index.IndexName))) continue;
    const items: Array<Record<string, AttributeValue>> = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: input.TableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
    await client.send(new DeleteTableCommand({ TableName: input.TableName }));
    await client.send(new CreateTableCommand(input));
    for (const item of items) await client.send(new PutItemCommand({ TableName: input.TableName, Item: item }));
    console.warn(`${input.TableName}: rebuilt with its new index, ${items.length} item(s) kept.`);
  }
  client.destroy();
  return created;
}
