import type { ApiTarget } from './target';

/** An answer from the API that is not a 2xx: its problem+json (RFC 9457) is kept for `--json` output. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    const problem = (body ?? {}) as { title?: string; detail?: string; code?: string };
    super(`HTTP ${status}${problem.code ? ` ${problem.code}` : ''}: ${problem.detail ?? problem.title ?? JSON.stringify(body)}`);
  }
}

export interface ApiRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | string | FormData;
}

/** One call to the Vigie HTTP API with the target's key; the JSON answer, or an ApiError. */
export async function callApi(target: ApiTarget, path: string, request: ApiRequest = {}): Promise<unknown> {
  return (await callApiFor(target, path, request)).body;
}

/** The same call, with the answer's headers too (a 202's `Location` says where to follow what it started). */
export async function callApiFor(
  target: ApiTarget,
  path: string,
  request: ApiRequest = {},
): Promise<{ body: unknown; headers: Headers }> {
  let response: Response;
  try {
    response = await fetch(`${target.endpoint}${path}`, {
      method: request.method ?? 'GET',
      headers: { 'x-api-key': target.apiKey, ...request.headers },
      body: request.body,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(
      cause === 'ECONNREFUSED'
        ? `Nothing answers at ${target.endpoint}: start the platform first (vigie start), or give --endpoint.`
        : `${target.endpoint} did not answer: ${(error as Error).message}`,
    );
  }
  const text = await response.text();
  const body: unknown = text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : text;
  if (!response.ok) throw new ApiError(response.status, body);
  return { body, headers: response.headers };
}
