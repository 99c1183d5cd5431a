import { localSettings } from '../local/settings';
import { stageEndpoint, type StageEndpointSources } from './stage-endpoint';

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
 * The HTTP API a command talks to: `--endpoint` when given; else, for the local stage, the local platform
 * (`vigie start`, whose port VIGIE_HTTP_PORT moves); else the deployed stage's own, read from its CloudFormation
 * stack (stage-endpoint.ts). A deployed stage has no default key, so one must be given for it.
 */
export async function apiTarget(
  options: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
  sources?: StageEndpointSources,
): Promise<ApiTarget> {
  const local = localSettings(env);
  const apiKey = options.apiKey ?? (options.stage === 'local' ? local.apiKey : undefined);
  if (!apiKey) throw new UsageError(`Stage '${options.stage}': give an API key with --api-key or VIGIE_API_KEY.`);
  const endpoint =
    options.endpoint ??
    env.VIGIE_ENDPOINT ??
    (options.stage === 'local' ? `http://localhost:${local.httpPort}` : await stageEndpoint(options.stage, sources));
  return { endpoint: endpoint.replace(/\/+$/, ''), apiKey };
}
