import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedRequests, inFlight, runPredictLoop } from '../../scripts/bench/predict-loop';

/**
 * The one request loop of `vigie latency`, `vigie load` and the bench's peer comparison, against a real HTTP
 * server on loopback that counts what it receives and how many requests it holds at once.
 */
let server: Server;
let base: string;
const seen = { requests: 0, inFlight: 0, mostInFlight: 0, contentTypes: new Set<string>(), keys: new Set<string>() };
/** The loop's concurrency in the first test: the server holds its answers until that many requests are in. */
const CONCURRENCY = 4;
let held: Array<() => void> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.requests += 1;
    seen.inFlight += 1;
    seen.mostInFlight = Math.max(seen.mostInFlight, seen.inFlight);
    seen.contentTypes.add(String(request.headers['content-type']));
    seen.keys.add(String(request.headers['x-api-key']));
    request.resume();
    // Every fifth request (by arrival) is refused, so the loop's status count has something to count.
    const status = seen.requests % 5 === 0 ? 503 : 200;
    const answer = () => {
      seen.inFlight -= 1;
      response.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    };
    // Answered once CONCURRENCY requests are in, however slowly a loaded machine sends them: `mostInFlight` then
    // reads the loop's concurrency, not the race between its sends and the answers. A loop that holds fewer
    // still gets its answers, a second later, and fails the count; one that holds more shows more.
    held.push(answer);
    if (held.length >= CONCURRENCY) {
      for (const release of held) release();
      held = [];
    } else {
      setTimeout(() => {
        if (!held.includes(answer)) return;
        held = held.filter((waiting) => waiting !== answer);
        answer();
      }, 1_000);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('runPredictLoop', () => {
  it('sends every request with the key and media type, holds `concurrency` in flight, and counts each status', async () => {
    // Prepare
    Object.assign(seen, { requests: 0, mostInFlight: 0 });
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47]);
    const progress: number[] = [];

    // Act
    const result = await runPredictLoop({
      http: base,
      apiKey: 'loop-key',
      images: [png],
      count: 20,
      concurrency: CONCURRENCY,
      onProgress: (done) => progress.push(done),
    });

    // Assess
    expect(seen.requests).toBe(20);
    expect(seen.mostInFlight).toBe(CONCURRENCY);
    expect([...seen.contentTypes]).toEqual(['image/png']);
    expect([...seen.keys]).toEqual(['loop-key']);
    expect(result.latencies).toHaveLength(20);
    expect(Object.fromEntries(result.statuses)).toEqual({ 200: 16, 503: 4 });
    expect(failedRequests(result)).toBe(4);
    expect(progress.at(-1)).toBe(20);
  });

  it('counts a request that gets no answer as -1 and goes on', async () => {
    const result = await runPredictLoop({
      http: 'http://127.0.0.1:1',
      apiKey: 'k',
      images: [new Uint8Array(1)],
      count: 3,
      concurrency: 1,
    });
    expect(Object.fromEntries(result.statuses)).toEqual({ '-1': 3 });
  });
});

describe('inFlight', () => {
  it('starts no task after the deadline', async () => {
    const started: number[] = [];
    const deadline = Date.now() + 30;
    await inFlight(
      1_000,
      2,
      async (i) => {
        started.push(i);
        await new Promise((resolve) => setTimeout(resolve, 10));
      },
      deadline,
    );
    expect(started.length).toBeGreaterThan(0);
    expect(started.length).toBeLessThan(20);
  });
});
