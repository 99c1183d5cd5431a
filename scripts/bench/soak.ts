/**
 * `vigie soak`: good and hostile traffic mixed for SOAK_MINUTES (10) on a scratch local platform (its own ports and
 * state), as a careless crowd would send it: HTTP predictions (iris rows, iris CSV, digit images), good CSV batches
 * of up to 20,000 rows, every case of the hostile corpus (scripts/samples/hostile/) over and over, and trainings.
 * After a warm-up of the same mix (SOAK_WARMUP_MINUTES, 1) and a rest, the baseline; after the traffic, it waits for
 * every upload to hold a final record and every training to end, lets the platform rest as long, and says whether
 * the platform held: every upload final, no serverless-offline restart, every good request answered 200,
 * every hostile case answered as the corpus says, and memory back to its baseline (SOAK_MEMORY_SLACK, 1.1×).
 * Exits 1 when any of those fails. Issue #20's done-when.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { uploadPredictionId } from '../../functions/uploads/upload-key';
import { exitNotStarted } from '../local/platform';
import { startScratchPlatform } from '../local/scratch-platform';
import { measurementSettings } from '../local/settings';
import { hostileCases } from '../samples/hostile/index';
import type { HostileCase } from '../samples/hostile/case';
import { sendCase, type CaseTarget } from '../samples/hostile/send';
import { generatedCsv } from '../tabular/generated-csv';
import { heldOutDigitsOf, renderMnistPng } from '../samples/mnist';
import { inFlight, postPredict } from './predict-loop';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const MINUTES = env('SOAK_MINUTES', 10);
const WARMUP_MINUTES = env('SOAK_WARMUP_MINUTES', 1);
const HTTP_CONCURRENCY = env('SOAK_HTTP_CONCURRENCY', 4);
const BATCH_EVERY_S = env('SOAK_BATCH_EVERY_S', 5);
const TRAINING_EVERY_S = env('SOAK_TRAINING_EVERY_S', 60);
const MEMORY_SLACK = env('SOAK_MEMORY_SLACK', 1.1);
// serverless-offline ends a worker idle for 60 s, looking every 60 s, as Lambda recycles idle containers: a rest
// of 130 s before each reading leaves only what the platform itself holds, so a leak is not hidden by warm workers.
const SETTLE_MS = env('SOAK_SETTLE_S', 130) * 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** Resident memory of a process group (serverless-offline, its worker threads and any child), from /proc. */
function groupRss(pgid: number | undefined): number {
  if (pgid === undefined) return 0;
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of stat is the process group; the command name (field 2) may hold spaces, so count after its ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, 'utf8'));
      total += Number(rss?.[1] ?? 0) * 1024;
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

const irisRow = (i: number) => ({
  sepal_length: 4.5 + (i % 30) / 10,
  sepal_width: 2.2 + (i % 20) / 10,
  petal_length: 1 + (i % 55) / 10,
  petal_width: 0.1 + (i % 24) / 10,
});
const irisCsv = (rows: number) =>
  `sepal_length,sepal_width,petal_length,petal_width\n${Array.from({ length: rows }, (_, i) => Object.values(irisRow(i)).join(',')).join('\n')}\n`;
const trainingCsv = (rows: number) =>
  `a,b,kind\n${Array.from({ length: rows }, (_, i) => `${i % 17},${(i * 7) % 13},${i % 17 > 8 ? 'high' : 'low'}`).join('\n')}\n`;

async function csvOf(rows: number): Promise<string> {
  let text = '';
  for await (const piece of generatedCsv(rows)) text += piece;
  return text;
}

/**
 * A case with its upload moved under `incoming/<model>/soak-<round>/`, so each sending finds its own record; a key
 * that would then pass S3's 1,024 bytes loses characters from the start of its path instead.
 */
function roundOf(c: HostileCase, round: string): HostileCase {
  if (c.via !== 's3') return c;
  const [, folder, path] = /^(incoming\/[^/]+\/)(.*)$/s.exec(c.key)!;
  let rest = path!;
  const keyOf = () => `${folder}soak-${round}/${rest}`;
  while (Buffer.byteLength(keyOf()) > 1024) rest = rest.slice(1);
  return { ...c, key: keyOf() };
}

const digits = await Promise.all(heldOutDigitsOf().slice(0, 20).map(renderMnistPng));
const apiKey = 'soak-test-key';
const t = await startScratchPlatform(measurementSettings('soak', apiKey)).catch(exitNotStarted);
const target: CaseTarget = { ...t, apiKey, uploadsBucket: t.platform.uploadsBucket };

const statuses = new Map<string, number>();
const count = (what: string) => statuses.set(what, (statuses.get(what) ?? 0) + 1);
const uploads: string[] = [];
const trainings: string[] = [];
const departures: string[] = [];

/** A good prediction, in turn a digit image, iris rows as JSON and an iris CSV: each must be answered 200. */
const httpRequest = async (i: number) => {
  const kind = i % 3;
  try {
    const { status } =
      kind === 0
        ? await postPredict(t.http, 'digits', digits[i % digits.length]!, { 'x-api-key': apiKey })
        : await fetch(`${t.http}/v1/models/iris/predict`, {
            method: 'POST',
            headers: { 'x-api-key': apiKey, 'content-type': kind === 1 ? 'application/json' : 'text/csv' },
            body: kind === 1 ? JSON.stringify({ rows: [irisRow(i), irisRow(i + 1)] }) : irisCsv(20),
          }).then(async (response) => ({ status: response.status, text: await response.text() }));
    count(`http ${status}`);
  } catch {
    count('http no answer');
  }
};

async function goodBatch(n: number) {
  const key = `incoming/iris/soak-good/${uploads.length}.csv`;
  const rows = [200, 2_000, 20_000][n % 3]!;
  const put = await t.s3.send(new PutObjectCommand({ Bucket: target.uploadsBucket, Key: key, Body: await csvOf(rows) }));
  uploads.push(uploadPredictionId(target.uploadsBucket, key, (put.ETag ?? '').replaceAll('"', '')));
}

async function goodTraining() {
  const response = await fetch(`${t.http}/v1/models/soak-model/trainings?target=kind&timeBudgetSeconds=5`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'text/csv' },
    body: trainingCsv(300),
  });
  if (response.status !== 202) departures.push(`good training answered ${response.status}: ${await response.text()}`);
  else trainings.push(((await response.json()) as { trainingId: string }).trainingId);
}

/** Sends requests until the deadline: each lane on its own, all at once; `phase` names this run's uploads. */
async function traffic(deadline: number, phase: string) {
  let round = 0;
  await Promise.all([
    inFlight(Number.MAX_SAFE_INTEGER, HTTP_CONCURRENCY, httpRequest, deadline),
    (async () => {
      for (let n = 0; Date.now() < deadline; n += 1) {
        await goodBatch(n);
        await sleep(Math.min(BATCH_EVERY_S * 1000, deadline - Date.now()));
      }
    })(),
    (async () => {
      while (Date.now() < deadline) {
        await goodTraining();
        await sleep(Math.min(TRAINING_EVERY_S * 1000, deadline - Date.now()));
      }
    })(),
    (async () => {
      for (; hostileCases.length > 0 && Date.now() < deadline; round += 1) {
        for (const c of hostileCases) {
          if (Date.now() >= deadline) break;
          const problems = await sendCase(target, roundOf(c, `${phase}-${round}`));
          count(`hostile ${c.via}`);
          if (problems.length > 0) departures.push(`${c.issue} ${c.name}: ${problems.join('; ')}`);
        }
      }
    })(),
  ]);
  return round;
}

/** Waits (5 minutes at most) for every upload to hold a final record and every training to end; the open ones. */
async function openJobs(): Promise<string[]> {
  const waitUntil = Date.now() + 5 * 60_000;
  const notFinal = async () => {
    const open: string[] = [];
    for (const id of uploads) {
      const record = await t.record(id);
      if (!record || (record.status as string) === 'running') open.push(`upload ${id}: ${record?.status ?? 'no record'}`);
    }
    for (const id of trainings) {
      const body = (await (await fetch(`${t.http}/v1/trainings/${id}`, { headers: { 'x-api-key': apiKey } })).json()) as {
        status: string;
      };
      if (body.status !== 'succeeded' && body.status !== 'failed') open.push(`training ${id}: ${body.status}`);
    }
    return open;
  };
  let open = await notFinal();
  while (open.length > 0 && Date.now() < waitUntil) {
    await sleep(2000);
    open = await notFinal();
  }
  return open;
}

try {
  // Warm-up: the same mix for SOAK_WARMUP_MINUTES, so that every path has run and grown its caches and heaps
  // once; then the rest, then the baseline. Memory that keeps growing after that is held per request: a leak.
  await traffic(Date.now() + WARMUP_MINUTES * 60_000, 'warm');
  await openJobs();
  await sleep(SETTLE_MS);
  const baseline = groupRss(t.platform.offlinePid());
  let peak = baseline;
  const watchMemory = setInterval(() => (peak = Math.max(peak, groupRss(t.platform.offlinePid()))), 2000);
  process.stderr.write(`soak: ${MINUTES} min of mixed traffic; baseline ${mb(baseline)} MB\n`);

  const rounds = await traffic(Date.now() + MINUTES * 60_000, 'soak');
  process.stderr.write('soak: traffic over, waiting for every upload and training to end\n');
  const open = await openJobs();
  // With the traffic's workers still warm, then after the same rest as the baseline's.
  const drained = groupRss(t.platform.offlinePid());
  await sleep(SETTLE_MS);
  clearInterval(watchMemory);
  const end = groupRss(t.platform.offlinePid());
  const summary = {
    minutes: MINUTES,
    requests: Object.fromEntries([...statuses].sort()),
    hostileRounds: rounds,
    goodUploads: uploads.length,
    trainings: trainings.length,
    notFinal: open,
    restarts: t.platform.offlineRestarts().total,
    memoryMb: { baseline: mb(baseline), peak: mb(peak), drained: mb(drained), end: mb(end) },
    departures: departures.slice(0, 20),
    departureCount: departures.length,
  };
  console.log(JSON.stringify(summary, null, 2));
  const httpFailed = [...statuses].filter(([what]) => /^http (?!200)/.test(what)).reduce((n, [, c]) => n + c, 0);
  const failures = [
    ...(open.length > 0 ? [`${open.length} uploads or trainings never ended`] : []),
    ...(summary.restarts > 0 ? [`serverless-offline restarted ${summary.restarts} times`] : []),
    ...(httpFailed > 0 ? [`${httpFailed} good HTTP requests were not answered 200`] : []),
    ...(departures.length > 0 ? [`${departures.length} answers departed from the corpus`] : []),
    ...(end > baseline * MEMORY_SLACK
      ? [`memory ended at ${mb(end)} MB, over ${MEMORY_SLACK}× the ${mb(baseline)} MB baseline`]
      : []),
  ];
  if (failures.length > 0) {
    console.error(`soak failed: ${failures.join('; ')}`);
    process.exitCode = 1;
  } else console.error('soak passed: every upload final, no restart, every good request answered, memory back near its baseline');
} finally {
  await t.stop();
}
