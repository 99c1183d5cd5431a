import { join, resolve } from 'node:path';

/** Ports and folders of the local stage (docs/architecture.md §2, "Local stage"); each can be moved with its environment variable. */
export interface LocalSettings {
  httpPort: number;
  lambdaPort: number;
  s3Port: number;
  dynamodbPort: number;
  stateDir: string;
  apiKey: string;
  /**
   * S3 gives an asynchronous invocation that fails two more tries (after about 1 and 2 minutes in AWS, shorter
   * here), then hands the event to the on-failure destination; the local platform does the same.
   */
  retryDelaysMs: number[];
  /**
   * S3 events handed to the preprocess function at once. Each concurrent delivery holds a worker thread that
   * loads sharp and onnxruntime, as each concurrent Lambda invocation holds a container; on a laptop a few warm
   * workers go further than many cold ones (in AWS, the function's reserved concurrency plays this part).
   */
  deliveryConcurrency: number;
  /** How often the canary guard runs (scripts/local/guard-ticker.ts; every minute in AWS); 5 s when unset. */
  guardIntervalMs?: number;
  /**
   * How often the scheduled drift run goes (EventBridge's hourly rule in AWS), each measuring the minutes since
   * the last: a few minutes, so a person sees it move; 0 turns it off. `VIGIE_DRIFT_EVERY_MINUTES` sets it.
   */
  driftEveryMinutes: number;
  /** Where the functions reach S3, DynamoDB and the Lambda API, when not directly (fault-injection tests). */
  functionPorts?: { s3?: number; dynamodb?: number; lambda?: number };
}

type Ports = Pick<LocalSettings, 'httpPort' | 'lambdaPort' | 's3Port' | 'dynamodbPort'>;

const port = (value: string | undefined, fallback: number) => (value ? Number.parseInt(value, 10) : fallback);

/** The ports the `VIGIE_*_PORT` variables set, the given ones for those unset. */
const portsFrom = (env: NodeJS.ProcessEnv, fallback: Ports): Ports => ({
  httpPort: port(env.VIGIE_HTTP_PORT, fallback.httpPort),
  lambdaPort: port(env.VIGIE_LAMBDA_PORT, fallback.lambdaPort),
  s3Port: port(env.VIGIE_S3_PORT, fallback.s3Port),
  dynamodbPort: port(env.VIGIE_DYNAMODB_PORT, fallback.dynamodbPort),
});

export function localSettings(env: NodeJS.ProcessEnv = process.env): LocalSettings {
  return {
    ...portsFrom(env, { httpPort: 3000, lambdaPort: 3002, s3Port: 4569, dynamodbPort: 8000 }),
    stateDir: resolve(env.VIGIE_STATE_DIR ?? '.local'),
    apiKey: env.VIGIE_API_KEY ?? 'local-dev-key',
    retryDelaysMs: [2_000, 4_000],
    deliveryConcurrency: 4,
    driftEveryMinutes: env.VIGIE_DRIFT_EVERY_MINUTES ? Number(env.VIGIE_DRIFT_EVERY_MINUTES) : DEFAULT_DRIFT_EVERY_MINUTES,
  };
}

export const DEFAULT_DRIFT_EVERY_MINUTES = 5;

/**
 * The platforms the measurement scripts start for themselves: ports apart from `npm start`'s and the tests', the
 * retries and delivery concurrency of the real local stage. `npm run latency` has its own ports; `npm run bench`
 * and `npm run load` share theirs, so those two do not run at the same time. The `VIGIE_*_PORT` variables move
 * them, as they move `vigie start`'s: a machine where those ports are taken can still measure.
 */
const MEASUREMENT_PORTS: Record<'latency' | 'bench-and-load' | 'soak', Ports> = {
  latency: { httpPort: 3290, lambdaPort: 3292, s3Port: 4769, dynamodbPort: 8290 },
  'bench-and-load': { httpPort: 3390, lambdaPort: 3392, s3Port: 4869, dynamodbPort: 8390 },
  soak: { httpPort: 3490, lambdaPort: 3492, s3Port: 4969, dynamodbPort: 8490 },
};

export function measurementSettings(
  ports: keyof typeof MEASUREMENT_PORTS,
  apiKey: string,
  env: NodeJS.ProcessEnv = process.env,
): Omit<LocalSettings, 'stateDir'> {
  return {
    ...portsFrom(env, MEASUREMENT_PORTS[ports]),
    apiKey,
    retryDelaysMs: [2_000, 4_000],
    deliveryConcurrency: 4,
    // A measurement measures the prediction paths alone.
    driftEveryMinutes: 0,
  };
}

export const stateFolders = (settings: LocalSettings) => ({
  s3: join(settings.stateDir, 's3'),
  dynamodb: join(settings.stateDir, 'dynamodb'),
  logs: join(settings.stateDir, 'logs'),
  deadLetters: join(settings.stateDir, 'dead-letters'),
  queue: join(settings.stateDir, 'queue'),
});

/** The emulators accept any credentials; the SDKs still want some. */
export const LOCAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_REGION: 'eu-west-3' };
