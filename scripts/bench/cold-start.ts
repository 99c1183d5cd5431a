/**
 * Cold start and peak memory of one function: a fresh Node process imports the function's bundle from dist/,
 * makes its first call (session creation included, where the function has one), then `warmCalls` more, and
 * reports its timings and its peak resident set size. The process runs with the function's environment from
 * serverless.yml, as serverless-offline and Lambda give it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { ModelRegistry } from '../../functions/serving/registry';
import { carDatasetAvailable } from '../evaluation/car-dataset';
import { exitNotStarted } from '../local/platform';
import { startScratchPlatform } from '../local/scratch-platform';
import { measurementSettings } from '../local/settings';
import { inferEvents, predictEvents } from './events';
import { benchInputs } from './inputs';
import { stackFunctions, type StackFunction } from './stack-functions';
import { markdownTable } from './table';

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
  /**
   * The first answer's own `timings` where the function answers them (HTTP predict): preprocessing, and the model's
   * run, with the session creation before it counted in `totalMs` only.
   */
  firstTimings?: { preprocessMs: number; inferenceMs: number; totalMs: number };
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
  return answer;
};
const firstStarted = performance.now();
const first = await call(0);
const firstCallMs = performance.now() - firstStarted;
let firstTimings;
try {
  firstTimings = typeof first?.body === 'string' ? JSON.parse(first.body).timings : undefined;
} catch {}
const totalMs = bootMs + importMs + firstCallMs;
for (let i = 1; i <= Number(warm); i += 1) await call(i);
// VmHWM, not getrusage's maxRSS: Linux carries maxRSS over from the forking parent (the bench, a big process).
const hwm = /VmHWM:\\s+(\\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
const peakRssMb = (hwm ? Number(hwm[1]) : process.resourceUsage().maxRSS) / 1024;
const result = { bootMs, importMs, firstCallMs, totalMs, peakRssMb, firstTimings };
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
  const pick = (key: Exclude<keyof ColdStart, 'firstTimings'>) => median(samples.map((sample) => sample[key]));
  const timed = samples.flatMap((sample) => (sample.firstTimings ? [sample.firstTimings] : []));
  const pickTiming = (key: keyof NonNullable<ColdStart['firstTimings']>) => median(timed.map((timings) => timings[key]));
  return {
    bootMs: pick('bootMs'),
    importMs: pick('importMs'),
    firstCallMs: pick('firstCallMs'),
    totalMs: pick('totalMs'),
    peakRssMb: Math.max(...samples.map((sample) => sample.peakRssMb)),
    ...(timed.length === samples.length && {
      firstTimings: {
        preprocessMs: pickTiming('preprocessMs'),
        inferenceMs: pickTiming('inferenceMs'),
        totalMs: pickTiming('totalMs'),
      },
    }),
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

/**
 * `npx tsx scripts/bench/cold-start.ts`: the cold starts alone, without the rest of `npm run bench` (issue #16: the
 * HTTP predict function now loads onnxruntime and the model itself). Per model, BENCH_COLD_STARTS (default 5) fresh
 * processes of predict (module load, then the first request: API key, preprocessing, session creation, the first
 * inference and the record written to the local DynamoDB) and of infer for scale, against the goals (≤ 300 ms
 * digits, ≤ 800 ms car detector). Its platform takes the bench's ports, or VIGIE_HTTP_PORT, VIGIE_LAMBDA_PORT,
 * VIGIE_S3_PORT and VIGIE_DYNAMODB_PORT where set. The load average is printed beside each row: the goals are for
 * a quiet machine.
 */
async function main(): Promise<void> {
  const repeats = Number(process.env.BENCH_COLD_STARTS ?? 5);
  const goalsMs: Record<string, number> = { digits: 300, 'car-detector': 800 };
  const apiKey = 'bench-key';
  const load1 = () => loadavg()[0]!.toFixed(1);
  const registry = new ModelRegistry('models');
  const models = [await registry.resolve('digits')];
  if (carDatasetAvailable()) models.push(await registry.resolve('car-detector'));
  else console.warn('car-detector skipped: ../shared/datasets/car-object-detection is not there.');
  const t = await startScratchPlatform(measurementSettings('bench-and-load', apiKey)).catch(exitNotStarted);
  const rows: string[][] = [];
  try {
    const functions = await stackFunctions(t.env);
    const childEnv = { ...t.env, VIGIE_API_KEY: apiKey };
    for (const model of models) {
      const name = model.metadata.name;
      const inputs = await benchInputs(model, DISTINCT_EVENTS);
      const events: Record<string, unknown[]> = {
        predict: predictEvents(name, apiKey, inputs),
        infer: await inferEvents(model, inputs),
      };
      for (const [fnName, fnEvents] of Object.entries(events)) {
        const fn = functions.find((f) => f.name === fnName)!;
        process.stderr.write(`${name}: ${fnName}, ${repeats} cold starts…\n`);
        const loadBefore = load1();
        const samples: ColdStart[] = [];
        for (let i = 0; i < repeats; i += 1) samples.push(await measureColdStart(fn, fnEvents, childEnv, 0));
        const cold = medianColdStart(samples);
        const totals = samples.map((sample) => sample.totalMs);
        const timings = cold.firstTimings;
        rows.push([
          fnName,
          `${name}@${model.metadata.version}`,
          `${fn.memorySize} MB`,
          cold.bootMs.toFixed(0),
          cold.importMs.toFixed(0),
          cold.firstCallMs.toFixed(0),
          timings ? `${timings.preprocessMs.toFixed(0)} / ${timings.inferenceMs.toFixed(0)}` : '—',
          `**${cold.totalMs.toFixed(0)}**`,
          `${Math.min(...totals).toFixed(0)}–${Math.max(...totals).toFixed(0)}`,
          `≤ ${goalsMs[name]}`,
          cold.peakRssMb.toFixed(0),
          `${loadBefore} → ${load1()}`,
        ]);
      }
    }
  } finally {
    await t.stop();
  }
  const commit = (await promisify(execFile)('git', ['rev-parse', '--short', 'HEAD'])).stdout.trim();
  console.log(
    `Cold starts, ${new Date().toISOString()}, commit ${commit}: median of ${repeats} fresh processes per row; ` +
      `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.\n`,
  );
  console.log(
    markdownTable(
      [
        'function',
        'model',
        'memorySize',
        'boot ms',
        'import ms',
        'first call ms',
        'of which preprocess / session.run ms',
        'cold start ms',
        'min–max ms',
        'goal ms',
        'peak RSS MB',
        'load (1 min) before → after',
      ],
      rows,
    ),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
