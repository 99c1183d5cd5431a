import { performance } from 'node:perf_hooks';

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
 * Timed HTTP predictions of digits over keep-alive fetch, `concurrency` at a time: the one loop behind
 * `vigie latency` (sequential) and `vigie load` (concurrent), so both measure the same request.
 */
export async function runPredictLoop(options: PredictLoopOptions): Promise<PredictLoopResult> {
  const { http, apiKey, images, count, concurrency, deadline = Infinity, onProgress } = options;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const predict = async (i: number) => {
    const started = performance.now();
    let status = -1;
    try {
      const response = await fetch(`${http}/v1/models/digits/predict`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', 'x-api-key': apiKey },
        body: images[i % images.length],
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      // No answer at all: counted as -1, as a load test must go on through them.
    }
    latencies.push(performance.now() - started);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    onProgress?.(latencies.length);
  };
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count && Date.now() < deadline) await predict(next++);
    }),
  );
  return { latencies, statuses, seconds: (performance.now() - started) / 1000 };
}

/** Requests that did not get a 200. */
export const failedRequests = ({ statuses }: PredictLoopResult) =>
  [...statuses].filter(([status]) => status !== 200).reduce((n, [, count]) => n + count, 0);
