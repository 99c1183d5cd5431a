/**
 * Cold start and peak memory of one function: a fresh Node process imports the function's bundle from dist/,
 * makes its first call (session creation included, where the function has one), then `warmCalls` more, and
 * reports its timings and its peak resident set size. The process runs with the function's environment from
 * serverless.yml, as serverless-offline and Lambda give it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { StackFunction } from './stack-functions';

const run = promisify(execFile);
const DISTINCT_EVENTS = 4;

export interface ColdStart {
  /** Node's own start-up, before the bundle is imported. */
  bootMs: number;
  /** Importing the bundle: module-scope code, config, clients, native packages. */
  importMs: number;
  /** The first call: model session creation where there is one, then the prediction. */
  firstCallMs: number;
  /** Process start to the first answer, less the time spent reading the bench's events file. */
  totalMs: number;
  peakRssMb: number;
}

// Plain JavaScript, so the child pays for nothing but Node and the bundle.
const CHILD = `
import { readFileSync } from 'node:fs';
const bootMs = performance.now();
const [handlerUrl, eventsFile, name, memory, warm] = process.argv.slice(1);
const { handler } = await import(handlerUrl);
const importMs = performance.now() - bootMs;
// Read after the import and left out of the timings: the events stand for what Lambda hands the function.
const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
const context = (i) => ({
  functionName: 'vigie-local-' + name, functionVersion: '$LATEST', memoryLimitInMB: memory,
  invokedFunctionArn: 'arn:aws:lambda:eu-west-3:000000000000:function:vigie-local-' + name,
  awsRequestId: 'bench-' + i, logGroupName: '/aws/lambda/vigie-local-' + name, logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 10000,
});
const call = async (i) => {
  const answer = await handler(events[i % events.length], context(i));
  if (answer && (answer.ok === false || (answer.statusCode ?? 200) >= 400)) {
    throw new Error('call ' + i + ' failed: ' + JSON.stringify(answer).slice(0, 500));
  }
};
const firstStarted = performance.now();
await call(0);
const firstCallMs = performance.now() - firstStarted;
const totalMs = bootMs + importMs + firstCallMs;
for (let i = 1; i <= Number(warm); i += 1) await call(i);
// VmHWM, not getrusage's maxRSS: Linux carries maxRSS over from the forking parent (the bench, a big process).
const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
const peakRssMb = (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) / 1024;
const result = { bootMs, importMs, firstCallMs, totalMs, peakRssMb };
process.stdout.write('\\nBENCH_RESULT ' + JSON.stringify(result) + '\\n');
process.exit(0);
`;

export async function measureColdStart(
  fn: StackFunction,
  events: unknown[],
  env: NodeJS.ProcessEnv,
  warmCalls: number,
): Promise<ColdStart> {
  const eventsFile = join(mkdtempSync(join(tmpdir(), 'vigie-bench-')), 'events.json');
  // A few distinct events, cycled: enough for varied calls, without the events themselves weighing on peak RSS.
  writeFileSync(eventsFile, JSON.stringify(events.slice(0, DISTINCT_EVENTS)));
  const handlerUrl = pathToFileURL(resolve('dist', fn.name, 'handler.js')).href;
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', CHILD, handlerUrl, eventsFile, fn.name, String(fn.memorySize), String(warmCalls)],
    {
      env: {
        ...env,
        ...fn.environment,
        AWS_LAMBDA_FUNCTION_NAME: `vigie-local-${fn.name}`,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`${fn.name}: no result from the cold-start process:\n${stdout.slice(-2000)}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as ColdStart;
}

/** Per timing, the median of several cold starts (one process each is noisy); peak RSS, the highest seen. */
export function medianColdStart(samples: ColdStart[]): ColdStart {
  if (samples.length === 0) throw new Error('No cold start measured.');
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  };
  const pick = (key: keyof ColdStart) => median(samples.map((sample) => sample[key]));
  return {
    bootMs: pick('bootMs'),
    importMs: pick('importMs'),
    firstCallMs: pick('firstCallMs'),
    totalMs: pick('totalMs'),
    peakRssMb: Math.max(...samples.map((sample) => sample.peakRssMb)),
  };
}

/** `repeats` fresh processes; the first also makes the warm calls that peak RSS is read after. */
export async function measureColdStarts(
  fn: StackFunction,
  events: unknown[],
  env: NodeJS.ProcessEnv,
  warmCalls: number,
  repeats: number,
): Promise<ColdStart> {
  const samples = [await measureColdStart(fn, events, env, warmCalls)];
  for (let i = 1; i < repeats; i += 1) samples.push(await measureColdStart(fn, events, env, 0));
  return medianColdStart(samples);
}
