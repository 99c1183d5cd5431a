import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ensureTables, startDynamoDB, startS3, type S3Notification } from './emulators';
import { routeLogs } from './log-router';
import { LOCAL_CREDENTIALS, stateFolders, type LocalSettings } from './settings';
import { readStackResources } from './stack-resources';

export interface LocalPlatform {
  settings: LocalSettings;
  uploadsBucket: string;
  buckets: string[];
  tables: string[];
  /** Resolves when every S3 notification emitted so far has been handed to the preprocess function. */
  drained(): Promise<void>;
  stop(): Promise<void>;
}

/** Real S3 URL-encodes keys in notifications (spaces as '+'); s3rver does not, so the platform does. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

async function waitForPort(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`serverless offline exited with code ${child.exitCode}; see .local/logs/offline.log`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`Nothing answered on ${url} after ${timeoutMs} ms.`);
}

function startOffline(env: NodeJS.ProcessEnv, logsFolder: string) {
  const child = spawn(process.execPath, ['node_modules/osls/bin/serverless.js', 'offline', 'start', '--stage', 'local'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stopping the platform also stops the worker threads' children.
    detached: true,
  });
  const logs = routeLogs(
    [child.stdout, child.stderr].filter((stream) => stream !== null),
    logsFolder,
  );
  return { child, logs };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the tasks given to it with at most `limit` at a time, in arrival order. */
function semaphore(limit: number) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/**
 * Lambda's asynchronous invocation: the first try, one more per delay while the function fails, then the event
 * goes to the on-failure destination, here a file in .local/dead-letters/ (an SQS queue in AWS).
 */
async function deliverWithRetries(lambda: LambdaClient, event: S3Notification, delaysMs: number[], deadLetters: string) {
  let lastError = '';
  for (let attempt = 0; attempt <= delaysMs.length; attempt += 1) {
    if (attempt > 0) await sleep(delaysMs[attempt - 1] ?? 0);
    try {
      const answer = await lambda.send(
        new InvokeCommand({ FunctionName: 'vigie-local-preprocess', Payload: Buffer.from(JSON.stringify(event)) }),
      );
      if (!answer.FunctionError) return;
      lastError = Buffer.from(answer.Payload ?? [])
        .toString('utf8')
        .slice(0, 2000);
    } catch (error) {
      lastError = String(error);
    }
  }
  const key = event.Records[0]?.s3.object.key ?? 'event';
  const file = join(deadLetters, `${Date.now()}-${key.replace(/[^\w.-]+/g, '_')}.json`);
  writeFileSync(file, JSON.stringify({ event, error: lastError, attempts: delaysMs.length + 1 }, null, 2));
  console.error(`S3 notification for ${key} failed ${delaysMs.length + 1} times; kept in ${file}`);
}

/**
 * Starts the local stage: DynamoDB (dynalite) and S3 (s3rver) emulators holding the resources of
 * serverless.yml, serverless-offline for the functions, and the S3 → preprocess notifications between them.
 * Expects `npm run build` to have produced dist/.
 */
export async function startLocalPlatform(settings: LocalSettings): Promise<LocalPlatform> {
  const folders = stateFolders(settings);
  for (const folder of Object.values(folders)) mkdirSync(folder, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...LOCAL_CREDENTIALS,
    VIGIE_HTTP_PORT: String(settings.httpPort),
    VIGIE_LAMBDA_PORT: String(settings.lambdaPort),
    VIGIE_S3_PORT: String(settings.functionPorts?.s3 ?? settings.s3Port),
    VIGIE_DYNAMODB_PORT: String(settings.functionPorts?.dynamodb ?? settings.dynamodbPort),
    VIGIE_FUNCTIONS_LAMBDA_PORT: String(settings.functionPorts?.lambda ?? settings.lambdaPort),
    VIGIE_API_KEY: settings.apiKey,
  };
  const resources = await readStackResources(env);
  const dynamodb = await startDynamoDB({ port: settings.dynamodbPort, directory: folders.dynamodb });
  const tables = resources.tables.map((table) => String(table.TableName));
  await ensureTables(`http://127.0.0.1:${settings.dynamodbPort}`, resources.tables);
  const s3 = await startS3({ port: settings.s3Port, directory: folders.s3, buckets: resources.buckets });

  const { child: offline, logs } = startOffline(env, folders.logs);
  const lambda = new LambdaClient({
    endpoint: `http://127.0.0.1:${settings.lambdaPort}`,
    region: LOCAL_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deliveries = new Set<Promise<unknown>>();
  const slots = semaphore(settings.deliveryConcurrency);
  const offlineReady = waitForPort(`http://127.0.0.1:${settings.httpPort}/v1/health`, offline, 60_000);
  s3.on('event', (event: S3Notification) => {
    const records = event.Records.filter(
      (record) => record.eventName.startsWith('ObjectCreated:') && record.s3.bucket.name === resources.uploadsBucket,
    ).map((record) => ({
      ...record,
      s3: { ...record.s3, object: { ...record.s3.object, key: encodeEventKey(record.s3.object.key) } },
    }));
    if (records.length === 0) return;
    // Asynchronous, as S3 does it: the upload does not wait for the prediction.
    const delivery = offlineReady
      .then(() => slots(() => deliverWithRetries(lambda, { Records: records }, settings.retryDelaysMs, folders.deadLetters)))
      .catch((error: unknown) => console.error('S3 notification not delivered:', error))
      .finally(() => deliveries.delete(delivery));
    deliveries.add(delivery);
  });

  const stop = async () => {
    if (offline.exitCode === null && offline.pid) {
      process.kill(-offline.pid, 'SIGTERM');
      await Promise.race([once(offline, 'exit'), new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (offline.exitCode === null) process.kill(-offline.pid, 'SIGKILL');
    }
    await logs.close();
    lambda.destroy();
    await s3.close();
    await new Promise((resolve) => dynamodb.close(resolve));
  };
  try {
    await offlineReady;
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    settings,
    uploadsBucket: resources.uploadsBucket,
    buckets: resources.buckets,
    tables,
    drained: async () => {
      await Promise.all(deliveries);
    },
    stop,
  };
}
