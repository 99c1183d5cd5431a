import { performance } from 'node:perf_hooks';

/** The bench's inputs are PNG renders or JPEG photos: the first byte tells them apart. */
const isJpeg = (bytes: Uint8Array) => bytes[0] === 0xff;
export const mediaTypeOf = (bytes: Uint8Array) => (isJpeg(bytes) ? 'image/jpeg' : 'image/png');
export const extensionOf = (bytes: Uint8Array) => (isJpeg(bytes) ? 'jpg' : 'png');

/**
 * One HTTP prediction: `body` POSTed to `base`'s predict route for `model`, the answer read to its end (so the
 * time covers the whole answer). The one request every measurement sends, to Vigie or to the peer.
 */
export async function postPredict(
  base: string,
  model: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
  query = '',
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${base}/v1/models/${model}/predict${query}`, {
    method: 'POST',
    headers: { 'content-type': mediaTypeOf(body), ...headers },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/**
 * Runs `task(0)`, `task(1)`, … `task(count - 1)` with `concurrency` of them in flight at all times, starting none
 * after `deadline` (epoch ms); resolves with the seconds it took. The one loop behind every request rate measured.
 */
export async function inFlight(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  deadline = Infinity,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count && Date.now() < deadline) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

export interface PredictLoopOptions {
  /** The platform's HTTP API. */
  http: string;
  apiKey: string;
  /** PNG digits, sent in turn. */
  images: Uint8Array[];
  count: number;
  /** Requests in flight at once; 1 for sequential latency. */
  concurrency: number;
  /** Epoch milliseconds after which no further request starts. */
  deadline?: number;
  onProgress?: (done: number) => void;
}

export interface PredictLoopResult {
  /** Milliseconds per request, from sending to the body read, in completion order. */
  latencies: number[];
  /** HTTP status → count; -1 counts requests that got no answer. */
  statuses: Map<number, number>;
  seconds: number;
}

/**
 * Timed HTTP predictions of digits, `concurrency` at a time, every answer counted by status: `vigie latency`
 * (sequential) and `vigie load` (concurrent) measure the same request in the same loop.
 */
export async function runPredictLoop(options: PredictLoopOptions): Promise<PredictLoopResult> {
  const { http, apiKey, images, count, concurrency, deadline, onProgress } = options;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const predict = async (i: number) => {
    const started = performance.now();
    let status = -1;
    try {
      ({ status } = await postPredict(http, 'digits', images[i % images.length]!, { 'x-api-key': apiKey }));
    } catch {
      // No answer at all: counted as -1, as a load test must go on through them.
    }
    latencies.push(performance.now() - started);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    onProgress?.(latencies.length);
  };
  const seconds = await inFlight(count, concurrency, predict, deadline);
  return { latencies, statuses, seconds };
}

/** Requests that did not get a 200. */
export const failedRequests = ({ statuses }: PredictLoopResult) =>
  [...statuses].filter(([status]) => status !== 200).reduce((n, [, count]) => n + count, 0);
