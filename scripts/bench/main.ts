/**
 * `npm run bench`: where the time goes, per model, in one run on the same inputs (issue #6).
 *   (a) ONNX Runtime session.run alone: the floor; (a′) with ONNX Runtime's default threads; (a″) on a batch;
 *   (b) preprocessing alone (sharp); (b′) the same on 12-megapixel phone photos of a page (digits, issue #14);
 *   (b″) on 0.1–0.3-megapixel phone photos of a page (issue #27);
 *   (c) the handler chain in process (preprocess + Invoke payload + infer, as the functions run them);
 *   (c′) the upload path's chain (the same with the Invoke payload to infer in between);
 *   (d) the record write to the local DynamoDB; (e) HTTP predict through the local platform;
 *   (p) the peer a user would write instead (issue #16): node:http + sharp + onnxruntime + the record, one process,
 *   taking turns with (e) request by request, and both at 8 requests in flight; (e″), (p″) the two on the (b″)
 *   photos, one request at a time (issue #27), and (e‴) the version approved before the served one on them, in the
 *   same turns (`?version=`); a model without page photos, (eᵗ) and (e‴): its served and previous versions in turns
 *   on its own inputs;
 *   (f) S3 upload → record readable (latency one at a time, throughput from a burst);
 *   (e₀), (e₁), (f₀) the same platform with no model: HTTP hop, Invoke hop, storage emulators alone;
 *   (g), (h) iris CSV batches in process and through S3, in rows/s against (a) on the same chunks;
 *   (r), (e), (s) routing in process and over HTTP, and a shadow's delay, against their baselines (#23);
 * then cold start and peak RSS per function (fresh process on the built bundle) and unzipped sizes.
 * Starts its own platform on ports 3390/3392/4869/8390. BENCH_SCALE (default 1) multiplies every count.
 */
import { execFile } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { uploadPredictionId } from '../../functions/uploads/upload-key';
import { approvalOf, ModelRegistry, type ModelVersion } from '../../functions/serving/registry';
import { carDatasetAvailable } from '../evaluation/car-dataset';
import { exitNotStarted } from '../local/platform';
import { startScratchPlatform } from '../local/scratch-platform';
import { measurementSettings } from '../local/settings';
import { percentiles } from './stats';
import { measureColdStarts, type ColdStart } from './cold-start';
import { inferEvents, predictEvents, uploadEvents } from './events';
import { httpEvent } from '../samples/aws-events';
import { benchInputs, phonePhotos, smallPhonePhotos } from './inputs';
import { BATCH, measureInProcess } from './in-process';
import { floorOf, timeInterleaved } from './measure';
import { measureHttpHop, measureInvokeHop, measureStorageCeiling } from './hops';
import { measureS3Path } from './platform-paths';
import { IN_FLIGHT, measureBesidePeer, predictPost, startPeer, type Peer } from './peer';
import { goalLines, httpCosts } from './goals';
import { stackFunctions, unzippedSizes, type StackFunction } from './stack-functions';
import { latencyTable, markdownTable } from './table';
import { measureTabularBatches } from './tabular';
import { measureRouting } from './routing';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const WARM_UP = 5;
/** Per model: inputs (and in-process iterations), HTTP requests, sequential uploads, burst size, warm calls. */
const COUNTS = {
  digits: { inputs: 100, http: 100, uploads: 30, burst: 120, warmCalls: 20 },
  'car-detector': { inputs: 30, http: 30, uploads: 15, burst: 48, warmCalls: 10 },
} as const;
const COST_MEMORY_SIZES = [512, 1024, 1769, 3008];
const PEER_PORT = 3394;
/** 12-megapixel page photos (b′) and small ones (b″) preprocesses, for a digits model that finds the digit on a page. */
const PHONE_PHOTOS = 20;
/** Fresh processes per function; the table gives their median. */
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 3);
const scaled = (n: number) => Math.max(1, Math.round(n * SCALE));

const apiKey = 'bench-key';
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(', ');
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const ms = (value: number) => value.toFixed(0);

const registry = new ModelRegistry('models');
const models: ModelVersion[] = [await registry.resolve('digits')];
if (carDatasetAvailable()) models.push(await registry.resolve('car-detector'));
else console.warn('car-detector skipped: ../shared/datasets/car-object-detection is not there.');

/** The newest approved version older than `served` (what production served before it, as a rule): (e‴). */
async function previousApproved(model: string, served: string): Promise<string | undefined> {
  const versions = await registry.versions(model);
  for (const version of versions.slice(0, versions.indexOf(served)).reverse()) {
    if (approvalOf(await registry.inspect(model, version)) === 'approved') return version;
  }
  return undefined;
}

const out: string[] = [];
const print = (line = '') => out.push(line);
const run = promisify(execFile);
await run(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'layers/build.ts']);
const commit = (await run('git', ['rev-parse', '--short', 'HEAD'])).stdout.trim();
const loadBefore = load();

const t = await startScratchPlatform(measurementSettings('bench-and-load', apiKey)).catch(exitNotStarted);
const sections: string[] = [];
const coldStarts: Array<{ fn: StackFunction; model: string; cold: ColdStart }> = [];
const costs: string[][] = [];
let peer: Peer | undefined;
try {
  const functions = await stackFunctions(t.env);
  const fn = (name: string) => functions.find((f) => f.name === name)!;
  // The in-process paths run with the infer function's memory setting, as the function sizes its threads by it.
  process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE = String(fn('infer').memorySize);
  const childEnv = { ...t.env, VIGIE_API_KEY: apiKey };
  // The peer's sessions get the threads predict's get (one per vCPU of its memory size).
  peer = await startPeer(
    {
      ...t.env,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn('predict').memorySize),
      VIGIE_DYNAMODB_ENDPOINT: `http://127.0.0.1:${t.platform.settings.dynamodbPort}`,
    },
    PEER_PORT,
    t.platform.tables[0]!,
  );

  for (const model of models) {
    const name = model.metadata.name as keyof typeof COUNTS;
    const counts = COUNTS[name];
    process.stderr.write(`${name}: in process…\n`);
    const inputs = await benchInputs(model, scaled(counts.inputs));
    const spec = model.metadata.input;
    const onPages = spec.kind === 'image' && spec.fit === 'mnist' && spec.page !== undefined;
    const photos = onPages ? await phonePhotos(model, scaled(PHONE_PHOTOS)) : [];
    const small = onPages ? await smallPhonePhotos(model, scaled(PHONE_PHOTOS)) : [];
    const inProcess = await measureInProcess(registry, model, inputs, t.documents, t.platform.tables[0]!, WARM_UP, photos, small);
    process.stderr.write(`${name}: HTTP and S3…\n`);
    const { vigie: http, peer: peerRun } = await measureBesidePeer(
      predictPost(t.http, name, inputs, { 'x-api-key': apiKey }),
      predictPost(peer.url, name, inputs),
      scaled(counts.http),
      WARM_UP,
    );
    // What an app sends (issue #27): the small page photos over HTTP, Vigie and the peer taking turns, and the
    // version approved before the served one (?version=) in the same turns: a new version's cost on the same platform.
    // A model without page photos compares the two versions on its own inputs (e‴), in turns too.
    const previous = await previousApproved(name, model.metadata.version);
    const turnsOn = small.length > 0 ? small : inputs;
    const turns: Record<string, (i: number) => Promise<void>> = {
      vigie: predictPost(t.http, name, turnsOn, { 'x-api-key': apiKey }),
      ...(small.length > 0 && { peer: predictPost(peer.url, name, small) }),
      ...(previous && { previous: predictPost(t.http, name, turnsOn, { 'x-api-key': apiKey }, `?version=${previous}`) }),
    };
    const inTurns = small.length > 0 || previous ? await timeInterleaved(scaled(counts.http), WARM_UP, turns) : undefined;
    const s3 = await measureS3Path(t, name, inputs, scaled(counts.uploads), scaled(counts.burst), 2);
    const floor = floorOf(inProcess.sessionRun, inProcess.preprocessing);
    const httpHop = await measureHttpHop(t, apiKey, name, scaled(counts.http), WARM_UP);
    const httpHopPaced = await measureHttpHop(t, apiKey, name, scaled(counts.http), WARM_UP, floor.p50);
    const invokeHop = await measureInvokeHop(t, scaled(counts.http), WARM_UP);
    const storage = await measureStorageCeiling(t, inputs, scaled(counts.uploads), scaled(counts.burst), 2);
    sections.push(
      `### ${name}@${model.metadata.version} (${inputs.length} inputs)\n\n` +
        latencyTable(
          [
            { path: '(a) session.run alone', run: inProcess.sessionRun },
            { path: "(a′) session.run, ONNX Runtime's default threads", run: inProcess.defaultThreads },
            { path: `(a″) session.run on ${BATCH} inputs at once, per input`, run: inProcess.batched },
            { path: '(b) preprocessing alone (sharp)', run: inProcess.preprocessing },
            ...(inProcess.phonePhotos
              ? [{ path: '(b′) preprocessing alone, 12-megapixel phone photo of a page', run: inProcess.phonePhotos }]
              : []),
            ...(inProcess.smallPhotos
              ? [{ path: '(b″) preprocessing alone, 0.1–0.3-megapixel phone photo of a page', run: inProcess.smallPhotos }]
              : []),
            {
              path: '(c) handler chain in process (HTTP predict: infer code in process)',
              run: inProcess.handlerChain,
              compare: true,
            },
            { path: "(c′) upload path's chain in process (+ Invoke payload)", run: inProcess.uploadChain, compare: true },
            { path: '(d) record write (dynalite)', run: inProcess.recordWrite },
            { path: '(dᵖ) record write, each after a pause of (a)+(b)', run: inProcess.recordWritePaced },
            { path: `(e) HTTP predict (serverless-offline; throughput at ${IN_FLIGHT} in flight)`, run: http, compare: true },
            { path: `(p) peer: node:http + sharp + onnxruntime + record, one process`, run: peerRun, compare: true },
            ...(inTurns && small.length > 0
              ? [
                  { path: '(e″) HTTP predict, 0.1–0.3-megapixel phone photo of a page', run: inTurns.vigie! },
                  { path: '(p″) peer, the same photos', run: inTurns.peer! },
                ]
              : []),
            ...(inTurns && small.length === 0
              ? [{ path: `(eᵗ) HTTP predict, in turns with ${name}@${previous}`, run: inTurns.vigie! }]
              : []),
            ...(inTurns?.previous
              ? [
                  {
                    path: `(e‴) HTTP predict, the same ${small.length > 0 ? 'photos' : 'inputs'}, ${name}@${previous} (?version=)`,
                    run: inTurns.previous,
                  },
                ]
              : []),
            { path: '(f) S3 upload → record', run: s3, compare: true },
            { path: '(e₀) HTTP hop: GET /v1/models/<model>', run: httpHop },
            { path: '(e₀ᵖ) HTTP hop, each after a pause of (a)+(b)', run: httpHopPaced },
            { path: '(e₁) Invoke hop: infer refusing an empty request', run: invokeHop },
            { path: '(f₀) storage alone: S3 put + get, record put + get', run: storage, compare: true },
          ],
          floor,
        ) +
        '\n\n' +
        goalLines({ inProcess, http, peer: peerRun, httpHop, httpHopPaced, predictMb: fn('predict').memorySize }).join('\n') +
        `\n\n(c′) includes the infer function's side (payload parse, checks, run, post-processing): p50 ` +
        `${percentiles(inProcess.inferSide.samples).p50.toFixed(2)} ms. (f) throughput: a burst of ` +
        `${scaled(counts.burst)} uploads at once, drained ${t.platform.settings.deliveryConcurrency} at a time by warm ` +
        `workers (after an unmeasured burst); its latencies are one upload at a time. (e₀), (e₁) and (f₀) carry no ` +
        `model: the platform's hops and its storage emulators alone, which (e) and (f) cannot beat on this machine.`,
    );

    process.stderr.write(`${name}: cold starts…\n`);
    const uploads = await uploadEvents(t, name, inputs.slice(0, scaled(counts.warmCalls) + 1));
    const events: Record<string, unknown[]> = {
      infer: await inferEvents(model, inputs),
      predict: predictEvents(name, apiKey, inputs),
      preprocess: uploads,
    };
    for (const [fnName, fnEvents] of Object.entries(events)) {
      const cold = await measureColdStarts(fn(fnName), fnEvents, childEnv, scaled(counts.warmCalls), COLD_STARTS);
      coldStarts.push({ fn: fn(fnName), model: name, cold });
    }
    // Cost of one HTTP prediction: predict alone, at each memory size, against the floor at that size.
    for (const predictMb of COST_MEMORY_SIZES) {
      const cost = httpCosts({ inProcess, predictMb });
      costs.push([
        name,
        `${predictMb} MB`,
        `$${cost.predict.toFixed(5)}`,
        `$${cost.floor.toFixed(5)}`,
        `${(cost.predict / cost.floor).toFixed(2)}×`,
      ]);
    }
    if (name === 'digits') {
      // The functions that do not predict, once: their first call is what a cold container answers first.
      const firstUpload = uploads[0]!.Records[0]!.s3;
      const id = uploadPredictionId(firstUpload.bucket.name, firstUpload.object.key, firstUpload.object.eTag);
      const others: Record<string, unknown[]> = {
        health: [httpEvent('GET /v1/health', '/v1/health', { origin: 'bench' })],
        registry: [httpEvent('GET /v1/models', '/v1/models', { headers: { 'x-api-key': apiKey }, origin: 'bench' })],
        predictions: [
          httpEvent('GET /v1/predictions/{id}', `/v1/predictions/${id}`, {
            headers: { 'x-api-key': apiKey },
            pathParameters: { id },
            origin: 'bench',
          }),
        ],
      };
      for (const [fnName, fnEvents] of Object.entries(others)) {
        coldStarts.push({
          fn: fn(fnName),
          model: '—',
          cold: await measureColdStarts(fn(fnName), fnEvents, childEnv, 5, COLD_STARTS),
        });
      }
    }
  }

  process.stderr.write('iris: CSV batches…\n');
  sections.push(await measureTabularBatches(t, scaled(200_000)));
  process.stderr.write('iris: routing and shadow…\n');
  sections.push(await measureRouting(t, apiKey, scaled(200)));

  const loadAfter = load();
  print(`## Run of ${new Date().toISOString()} (commit ${commit})`);
  print();
  print(
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; ` +
      `load average (1, 5, 15 min) ${loadBefore} before, ${loadAfter} after. Scale ${SCALE}.`,
  );
  print();
  for (const section of sections) {
    print(section);
    print();
  }
  print(`### Cold start and peak memory per function (median of ${COLD_STARTS} fresh processes on the built bundle)`);
  print();
  print(
    markdownTable(
      ['function', 'model', 'memorySize', 'boot ms', 'import ms', 'first call ms', 'cold start ms', 'peak RSS MB'],
      coldStarts.map(({ fn: f, model, cold }) => [
        f.name,
        model,
        `${f.memorySize} MB`,
        ms(cold.bootMs),
        ms(cold.importMs),
        ms(cold.firstCallMs),
        ms(cold.totalMs),
        cold.peakRssMb.toFixed(0),
      ]),
    ),
  );
  print();
  print('### Unzipped sizes (`npm run build` + `npm run build:layers`), MB = 10^6 bytes');
  print();
  print(
    markdownTable(
      ['function', 'bundle MB', 'layers', 'function + layers MB'],
      functions.map((f) => {
        const size = unzippedSizes(f);
        return [
          f.name,
          mb(size.bundle),
          size.layers.map(({ layer, bytes }) => `${layer} ${mb(bytes)}`).join(', ') || '—',
          mb(size.total),
        ];
      }),
    ),
  );
  print();
  print('### Lambda cost per 1,000 HTTP predictions, by memory size of predict, against the floor');
  print();
  print(
    'From the p50s above: predict = (c) on CPU, then the record write (d) waited on; the floor = (a)+(b) in one ' +
      'function of the same size. CPU time stretched below 1,769 MB (one vCPU); x86_64 at $0.0000166667/GB-s and ' +
      '$0.20/million requests (scripts/bench/cost.ts).',
  );
  print();
  print(markdownTable(['model', 'predict memory', 'HTTP predict', 'floor (a)+(b)', 'ratio'], costs));
} finally {
  await peer?.stop();
  await t.stop();
}
console.log(out.join('\n'));
