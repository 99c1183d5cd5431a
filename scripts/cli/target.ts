import { localSettings } from '../local/settings';

/** The options every command takes: which stage, where its HTTP API is, which key, and machine output. */
export interface GlobalOptions {
  stage: string;
  endpoint?: string;
  apiKey?: string;
  json?: boolean;
}

/** Raised for a mistake the person can fix: printed without a stack trace, exit code 2. */
export class UsageError extends Error {}

export interface ApiTarget {
  endpoint: string;
  apiKey: string;
}

/**
 * The HTTP API a command talks to: `--endpoint` when given, else the local platform (`vigie start`, whose port
 * VIGIE_HTTP_PORT moves). A deployed stage has no default address or key, so both must be given for it.
 */
export function apiTarget(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): ApiTarget {
  const local = localSettings(env);
  const endpoint = options.endpoint ?? env.VIGIE_ENDPOINT;
  if (options.stage !== 'local' && !endpoint) {
    throw new UsageError(
      `Stage '${options.stage}': give its HTTP API with --endpoint (or VIGIE_ENDPOINT); \`serverless info --stage ${options.stage}\` prints it.`,
    );
  }
  const apiKey = options.apiKey ?? (options.stage === 'local' ? local.apiKey : undefined);
  if (!apiKey) throw new UsageError(`Stage '${options.stage}': give an API key with --api-key or VIGIE_API_KEY.`);
  return { endpoint: (endpoint ?? `http://localhost:${local.httpPort}`).replace(/\/+$/, ''), apiKey };
}
