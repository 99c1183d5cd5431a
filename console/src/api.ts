import { effect, signal } from '@preact/signals';

const KEY_STORAGE = 'vigie.apiKey';

/** The key the person typed: this tab's session storage only, sent as a header, never put in a URL. */
export const apiKey = signal<string>(sessionStorage.getItem(KEY_STORAGE) ?? '');

effect(() => {
  if (apiKey.value) sessionStorage.setItem(KEY_STORAGE, apiKey.value);
  else sessionStorage.removeItem(KEY_STORAGE);
});

/** What the API answered when it refused (its problem+json), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: { field: string; message: string }[] = [],
  ) {
    super(detail);
  }
}

/** The raw answer, when its headers matter too (a CSV batch's `x-prediction-id`); refusals thrown as `ApiError`. */
export async function apiResponse(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('x-api-key', apiKey.value);
  let response: Response;
  try {
    response = await fetch(new URL(`../${path}`, document.baseURI), { ...init, headers });
  } catch {
    throw new ApiError(0, 'network', '', '');
  }
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as {
      code?: string;
      title?: string;
      detail?: string;
      errors?: { field: string; message: string }[];
    };
    throw new ApiError(
      response.status,
      problem.code ?? String(response.status),
      problem.title ?? response.statusText,
      problem.detail ?? '',
      problem.errors,
    );
  }
  return response;
}

/**
 * The console talks to the public API of its own origin, relative to /console/ (so a stage's base path is kept),
 * with the typed key: it can do nothing the key may not.
 */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await (await apiResponse(path, init)).json()) as T;
}

/** The same, for an answer that is text (a model card in Markdown). */
export async function apiText(path: string, init: RequestInit = {}): Promise<string> {
  return (await apiResponse(path, init)).text();
}
