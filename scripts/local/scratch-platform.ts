import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { scanAll } from '../../functions/platform/scan-all';
import type { PredictionRecord } from '../../functions/records/records';
import { buildFunctions } from '../build/functions';
import { startLocalPlatform, type LocalPlatform } from './platform';
import { LOCAL_CREDENTIALS, type LocalSettings } from './settings';

/**
 * A throw-away local platform (fresh state folder, its own ports) with clients for its S3 and DynamoDB: what
 * the integration tests, the latency measurement and the load test run against.
 */
export interface ScratchPlatform {
  platform: LocalPlatform;
  http: string;
  s3: S3Client;
  documents: DynamoDBDocumentClient;
  env: NodeJS.ProcessEnv;
  records(): Promise<PredictionRecord[]>;
  /** One record by its id, read directly: no scan of a table that a long run fills. */
  record(predictionId: string): Promise<PredictionRecord | undefined>;
  stop(): Promise<void>;
}

const credentials = { accessKeyId: 'any', secretAccessKey: 'thing' };

/** Builds the functions and starts the real local platform in a fresh state folder. */
export async function startScratchPlatform(
  base: Omit<LocalSettings, 'stateDir'>,
  overrides: Partial<LocalSettings> = {},
): Promise<ScratchPlatform> {
  await buildFunctions();
  const settings: LocalSettings = { ...base, stateDir: mkdtempSync(join(tmpdir(), 'vigie-scratch-')), ...overrides };
  const platform = await startLocalPlatform(settings);
  const s3 = new S3Client({
    endpoint: `http://127.0.0.1:${settings.s3Port}`,
    region: LOCAL_CREDENTIALS.AWS_REGION,
    forcePathStyle: true,
    credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${settings.dynamodbPort}`,
      region: LOCAL_CREDENTIALS.AWS_REGION,
      credentials,
    }),
  );
  const table = platform.tables[0] ?? 'vigie-local-predictions';
  return {
    platform,
    http: `http://127.0.0.1:${settings.httpPort}`,
    s3,
    documents,
    env: {
      ...process.env,
      ...LOCAL_CREDENTIALS,
      AWS_ACCESS_KEY_ID: 'any',
      AWS_SECRET_ACCESS_KEY: 'thing',
      AWS_DEFAULT_REGION: LOCAL_CREDENTIALS.AWS_REGION,
      VIGIE_HTTP_PORT: String(settings.httpPort),
      VIGIE_LAMBDA_PORT: String(settings.lambdaPort),
      VIGIE_S3_PORT: String(settings.s3Port),
      VIGIE_DYNAMODB_PORT: String(settings.dynamodbPort),
      VIGIE_API_KEY: settings.apiKey,
      VIGIE_STATE_DIR: settings.stateDir,
    },
    records: () => scanAll<PredictionRecord>(documents, table),
    record: async (predictionId) =>
      (await documents.send(new GetCommand({ TableName: table, Key: { predictionId } }))).Item as PredictionRecord | undefined,
    async stop() {
      s3.destroy();
      documents.destroy();
      await platform.stop();
    },
  };
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
