import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient, createLambdaClient } from '../../functions/platform/aws';
import { queuedTraining } from '../../functions/training/training-request';
import { createTrainingStore } from '../../functions/training/training-store-dynamodb';
import { startDynamoDB } from '../../scripts/local/emulators';
import { LOCAL_CREDENTIALS } from '../../scripts/local/settings';

/**
 * #20: a training POST answered 500 under load because its asynchronous hand-over to the train function met one
 * reset connection with no retry. Hand-overs now retry (the SDK's standard retries), so a duplicate can arrive:
 * the train function claims the training with a conditional write, and only one invocation runs it.
 */
const portOf = (server: { address(): unknown }) => (server.address() as AddressInfo).port;

describe('an asynchronous hand-over survives a reset connection', () => {
  let server: Server;
  let requests = 0;
  beforeAll(async () => {
    Object.assign(process.env, LOCAL_CREDENTIALS);
    // The first connection of each pair is cut before any answer, as an overloaded endpoint does (ECONNRESET).
    server = createServer((request, response) => {
      requests += 1;
      if (requests % 2 === 1) return request.socket.destroy();
      response.writeHead(202).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const handOver = (retries: 'caller' | 'sdk') =>
    createLambdaClient({ AWS_REGION: 'eu-west-3', VIGIE_LAMBDA_ENDPOINT: `http://127.0.0.1:${portOf(server)}` }, retries).send(
      new InvokeCommand({ FunctionName: 'vigie-local-train', InvocationType: 'Event', Payload: Buffer.from('{}') }),
    );

  it('is tried again by the SDK for an Event hand-over', async () => {
    requests = 0;
    const answer = await handOver('sdk');
    expect(answer.StatusCode).toBe(202);
    expect(requests).toBe(2);
  });

  it('is left to the caller (one attempt) where the caller owns the retries', async () => {
    requests = 0;
    await expect(handOver('caller')).rejects.toThrow();
    expect(requests).toBe(1);
  });
});

describe('a training is claimed once, on the real DynamoDB emulator', () => {
  const directory = mkdtempSync(join(tmpdir(), 'vigie-claim-'));
  let dynamodb: Awaited<ReturnType<typeof startDynamoDB>>;
  let store: ReturnType<typeof createTrainingStore>;
  beforeAll(async () => {
    dynamodb = await startDynamoDB({ port: 0, directory });
    const endpoint = `http://127.0.0.1:${portOf(dynamodb)}`;
    Object.assign(process.env, LOCAL_CREDENTIALS);
    await new DynamoDBClient({ endpoint, region: LOCAL_CREDENTIALS.AWS_REGION }).send(
      new CreateTableCommand({
        TableName: 'trainings',
        AttributeDefinitions: [{ AttributeName: 'trainingId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'trainingId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    store = createTrainingStore(
      createDocumentClient({ AWS_REGION: 'eu-west-3', VIGIE_DYNAMODB_ENDPOINT: endpoint }),
      'trainings',
    );
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => dynamodb.close(() => resolve()));
    rmSync(directory, { recursive: true, force: true });
  });

  it('lets exactly one of two concurrent invocations run a queued training, and none run a finished one', async () => {
    const record = queuedTraining({
      trainingId: 'claim-once',
      model: 'claims',
      source: 'http',
      inputKey: 'training-requests/claims/claim-once.csv',
      options: { target: 'label', timeBudgetSeconds: 10 },
      callerId: 'caller',
      now: new Date(),
      retentionDays: 30,
    });
    expect(await store.create(record)).toBe(true);
    const claims = await Promise.all([store.claim('claim-once', 'a'), store.claim('claim-once', 'b')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.get('claim-once')).toMatchObject({ status: 'running', stage: 'reading' });

    await store.update('claim-once', { status: 'succeeded' });
    expect(await store.claim('claim-once', 'c')).toBe(false);
    expect(await store.claim('no-such-training', 'd')).toBe(false);
  });
});
