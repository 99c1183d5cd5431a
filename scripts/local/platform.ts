import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  deadLetter,
  deliveryQueue,
  encodeEventKey,
  invocationDeadLetter,
  sha256,
  type QueuedNotification,
  type S3Notification,
} from './delivery-queue';
import { scheduleDrift, type DriftScheduler } from './drift-scheduler';
import { ensureTables, startDynamoDB, startS3 } from './emulators';
import { guardTicker } from './guard-ticker';
import { superviseOffline, type OfflineRestarts } from './offline';
import { DEFAULT_DRIFT_EVERY_MINUTES, LOCAL_CREDENTIALS, stateFolders, type LocalSettings } from './settings';
import { readStackResources } from './stack-resources';

export interface LocalPlatform {
  settings: LocalSettings;
  uploadsBucket: string;
  buckets: string[];
  tables: string[];
  /** Resolves when every S3 notification emitted so far has been handed to the preprocess function. */
  drained(): Promise<void>;
  /** Settles when a part of the platform died and could not be brought back (npm start then exits). */
  failed: Promise<Error>;
  /** serverless-offline's process id (fault-injection tests end it). */
  offlinePid(): number | undefined;
  /** How often serverless-offline was started again (a soak expects none). */
  offlineRestarts(): OfflineRestarts;
  /**
   * Holds S3 notifications (queued, not delivered) until the returned function is called: the delay S3's own
   * delivery can have, made deterministic for tests of what happens to an object between upload and processing.
   */
  holdDeliveries(): () => void;
  /** The scheduled drift runs (settings.driftEveryMinutes), absent when they are off. */
  drift: DriftScheduler | undefined;
  stop(): Promise<void>;
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
 * As the uploads bucket's notifications say (infra/storage.yml): training tables go to train, a model's
 * model.onnx and metadata.json under models/ to imports, the rest to preprocess (which ignores what is not under
 * incoming/).
 */
function notifiedFunction(event: S3Notification): string {
  const keys = event.Records.map((record) => record.s3.object.key);
  if (keys.every((key) => key.startsWith('training/'))) return 'vigie-local-train';
  if (keys.every((key) => key.startsWith('models/') && /\/(metadata\.json|model\.onnx)$/.test(key))) return 'vigie-local-imports';
  return 'vigie-local-preprocess';
}

/**
 * Lambda's asynchronous invocation: the first try, one more per delay while the function fails, then the event
 * goes to the on-failure destination, here a file in .local/dead-letters/ (an SQS queue in AWS). A delivery cut
 * short by the platform stopping is neither dead-lettered nor done: it stays queued for the next start.
 */
async function deliverWithRetries(
  lambda: LambdaClient,
  event: S3Notification,
  delaysMs: number[],
  deadLetters: string,
  stopping: () => boolean,
): Promise<'delivered' | 'dead-lettered' | 'interrupted'> {
  let lastError = '';
  for (let attempt = 0; attempt <= delaysMs.length; attempt += 1) {
    if (attempt > 0) await sleep(delaysMs[attempt - 1] ?? 0);
    if (stopping()) return 'interrupted';
    try {
      const answer = await lambda.send(
        new InvokeCommand({ FunctionName: notifiedFunction(event), Payload: Buffer.from(JSON.stringify(event)) }),
      );
      if (!answer.FunctionError) return 'delivered';
      lastError = Buffer.from(answer.Payload ?? [])
        .toString('utf8')
        .slice(0, 2000);
    } catch (error) {
      lastError = String(error);
    }
    if (stopping()) return 'interrupted';
  }
  keepDeadLetter(deadLetters, 'An S3 notification', event, deadLetter(event, lastError, delaysMs.length + 1));
  return 'dead-lettered';
}

/** Writes a dead letter into the dead-letters folder (the on-failure destination's queue in AWS), and says so. */
function keepDeadLetter(folder: string, what: string, event: unknown, letter: { attempts: number }) {
  const file = join(folder, `${Date.now()}-${sha256(JSON.stringify(event)).slice(0, 16)}.json`);
  writeFileSync(file, JSON.stringify(letter, null, 2));
  console.error(`${what} failed ${letter.attempts} times; kept in ${file}`);
}

/**
 * Ends the process with the reason the platform did not start (a port already taken, most often) and exit code 1:
 * `vigie start` and the measurement scripts say it in one line, never with a stack trace.
 */
export function exitNotStarted(error: unknown): never {
  console.error(`\nVigie did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
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
    // Replay (POST /v1/models/{model}/replay) reads the dead letters where this platform keeps them.
    VIGIE_DEAD_LETTERS_DIR: folders.deadLetters,
    // The asynchronous invocations (batches, trainings) retry as S3's notifications do.
    VIGIE_ASYNC_RETRY_DELAYS_MS: settings.retryDelaysMs.join(','),
    // The window each drift run measures (serverless.yml param driftWindowMinutes): as long as the time between runs.
    VIGIE_DRIFT_EVERY_MINUTES: String(settings.driftEveryMinutes > 0 ? settings.driftEveryMinutes : DEFAULT_DRIFT_EVERY_MINUTES),
    // serverless-offline runs every function in worker threads of one long-lived process; glibc gives each thread
    // an arena of its own and keeps what they freed, and past a large free it raises its mmap threshold so later
    // large buffers (tensors, CSV chunks) land in the heap and fragment it: that process never went back to its
    // size after a burst (`vigie soak`, 10 min: 365 → 476 MB after the rest; 2 arenas: 276 → 304 MB; 2 arenas and
    // a fixed 128 KiB threshold: 253 → 262 MB). Lambda runs one process per container: a local concern only.
    // A user's own values win.
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
    MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '131072',
  };
  // The buckets and tables depend on the stage alone: read with the caller's variables, not this start's ports and
  // state folder, so the print kept from the last start is reused (serverless-print.ts).
  const resources = await readStackResources(process.env);
  const dynamodb = await startDynamoDB({ port: settings.dynamodbPort, directory: folders.dynamodb });
  const tables = resources.tables.map((table) => String(table.TableName));
  await ensureTables(`http://127.0.0.1:${settings.dynamodbPort}`, resources.tables);
  const s3 = await startS3({ port: settings.s3Port, directory: folders.s3, buckets: resources.buckets });

  const offline = superviseOffline(env, folders.logs, {
    onAsyncFailure: ({ functionName, event, error, attempts }) =>
      keepDeadLetter(
        folders.deadLetters,
        `An asynchronous invocation of ${functionName}`,
        event,
        invocationDeadLetter(functionName, event, error, attempts),
      ),
  });
  const lambda = new LambdaClient({
    endpoint: `http://127.0.0.1:${settings.lambdaPort}`,
    region: LOCAL_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const queue = deliveryQueue(folders.queue);
  const deliveries = new Set<Promise<unknown>>();
  const slots = semaphore(settings.deliveryConcurrency);
  let stopping = false;
  let held: Promise<void> | undefined;
  const deliver = ({ id, event }: QueuedNotification) => {
    // Asynchronous, as S3 does it: the upload does not wait for the prediction.
    const delivery = slots(async () => {
      await held;
      if (stopping) return;
      await offline.ready();
      const outcome = await deliverWithRetries(lambda, event, settings.retryDelaysMs, folders.deadLetters, () => stopping);
      if (outcome !== 'interrupted') queue.remove(id);
    })
      .catch((error: unknown) => console.error('S3 notification not delivered yet (kept queued):', String(error)))
      .finally(() => deliveries.delete(delivery));
    deliveries.add(delivery);
  };
  // What an earlier run accepted but had not delivered when it stopped or crashed.
  const backlog = queue.pending();
  if (backlog.length > 0) console.log(`Delivering ${backlog.length} S3 notification(s) queued by an earlier run.`);
  backlog.forEach(deliver);
  s3.on('event', (event: S3Notification) => {
    const records = event.Records.filter(
      (record) => record.eventName.startsWith('ObjectCreated:') && record.s3.bucket.name === resources.uploadsBucket,
    ).map((record) => ({
      ...record,
      s3: { ...record.s3, object: { ...record.s3.object, key: encodeEventKey(record.s3.object.key) } },
    }));
    if (records.length > 0) deliver(queue.add({ Records: records }));
  });

  const guard = guardTicker(lambda, 'vigie-local-guard', settings.guardIntervalMs);
  let drift: DriftScheduler | undefined;
  const stop = async () => {
    stopping = true;
    await guard.stop();
    await drift?.stop();
    await offline.stop();
    lambda.destroy();
    await s3.close();
    await new Promise((resolve) => dynamodb.close(resolve));
  };
  try {
    await offline.ready();
  } catch (error) {
    await stop();
    throw error;
  }
  guard.start();
  if (settings.driftEveryMinutes > 0) drift = scheduleDrift(lambda, settings.driftEveryMinutes * 60_000);
  return {
    settings,
    uploadsBucket: resources.uploadsBucket,
    buckets: resources.buckets,
    tables,
    drained: async () => {
      while (deliveries.size > 0) await Promise.all(deliveries);
    },
    failed: offline.failed,
    offlinePid: offline.pid,
    offlineRestarts: offline.restarts,
    holdDeliveries: () => {
      let release = () => {};
      held = new Promise<void>((resolve) => (release = resolve));
      return () => {
        held = undefined;
        release();
      };
    },
    drift,
    stop,
  };
}
