/**
 * Paths (a)–(d), in this process: what the model costs on its own, and what the functions add before any
 * network hop other than the record write. (a), (b) and (c) take turns input by input (see timeInterleaved).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { infer, inferInProcess } from '../../functions/serving/inference/infer';
import { ort } from '../../functions/platform/native/onnxruntime';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { encodeTensor, serializeInferRequest } from '../../functions/serving/inference/protocol';
import { runPrediction, type PredictionDeps } from '../../functions/serving/prediction';
import { DEFAULT_DECODE_LIMITS, preprocessImage, toModelInput } from '../../functions/serving/preprocessing';
import { createMemoryErasureLedger } from '../../functions/records/erasure-ledger-memory';
import type { PredictionRecord } from '../../functions/records/records';
import { createPredictionStore } from '../../functions/records/records-dynamodb';
import type { ModelRegistry, ModelVersion } from '../../functions/serving/registry';
import { floorOf, timeInterleaved, timeRuns, type Run } from './measure';
import { imageInputOf } from '../../functions/serving/model-spec';
import { createMemoryPredictionStats } from '../../functions/records/prediction-stats-memory';

export interface InProcessRuns {
  sessionRun: Run;
  /** session.run with ONNX Runtime's default thread pool instead of the infer function's options. */
  defaultThreads: Run;
  /** session.run on BATCH inputs at once, per input: what batching uploads into one infer call saves in the model. */
  batched: Run;
  preprocessing: Run;
  /** Preprocessing alone on 12-megapixel phone photos of pages, for a model that finds the digit on a page. */
  phonePhotos?: Run;
  /** The same on small phone photos (0.1–0.3 megapixel JPEGs, what an app sends after its own resize, issue #27). */
  smallPhotos?: Run;
  /** HTTP predict's chain: preprocessing, the infer function's code in process, the record built. */
  handlerChain: Run;
  /** The upload path's chain: the same with the Invoke payload in between. */
  uploadChain: Run;
  /** The infer function's share of (c′): parsing the payload, checking the tensor, running and post-processing. */
  inferSide: Run;
  recordWrite: Run;
  /** The same record writes, each after a pause as long as the model's (a)+(b). */
  recordWritePaced: Run;
}

/** Times each page photo of the (b′) and (b″) rows is preprocessed, cycling through the list. */
const PHOTO_PASSES = 3;
const LIMITS = { ...DEFAULT_DECODE_LIMITS, maxBytes: 6 * 1024 * 1024 };
export const BATCH = 4;

/**
 * The model's inputs `BATCH` at a time in one tensor (the models take any batch size: their first dim is N); at
 * least one batch, taking inputs again from the first when there are fewer than `BATCH` (`BENCH_SCALE` below 1).
 */
function batchFeeds(tensorName: string, values: Array<{ data: Float32Array; dims: number[] }>) {
  const feeds = [];
  const batches = Math.max(1, Math.floor(values.length / BATCH));
  for (let b = 0; b < batches; b += 1) {
    const group = Array.from({ length: BATCH }, (_, k) => values[(b * BATCH + k) % values.length]!);
    const data = new Float32Array(group.reduce((size, value) => size + value.data.length, 0));
    group.forEach((value, i) => data.set(value.data, i * value.data.length));
    feeds.push({ [tensorName]: new ort.Tensor('float32', data, [BATCH, ...group[0]!.dims.slice(1)]) });
  }
  return feeds;
}

export async function measureInProcess(
  registry: ModelRegistry,
  model: ModelVersion,
  inputs: Buffer[],
  documents: DynamoDBDocumentClient,
  table: string,
  warmUp: number,
  photos: Buffer[] = [],
  smallPhotos: Buffer[] = [],
): Promise<InProcessRuns> {
  const spec = imageInputOf(model.metadata);
  const input = (i: number) => inputs[i % inputs.length]!;

  // The tensors (a) runs on, prepared once.
  const prepared = await Promise.all(inputs.map((bytes) => preprocessImage(bytes, spec, LIMITS)));
  const sessions = new SessionCache();
  const session = await sessions.get(model);
  const modelInputs = prepared.map(({ tensor }) => toModelInput(tensor, spec.normalisation));
  const feeds = modelInputs.map((values) => ({ [spec.tensorName]: new ort.Tensor('float32', values.data, values.dims) }));
  // (b) ends where the model begins: at the float tensor it takes. A detector's letterboxed pixels are normalised
  // too (the infer function's code does it, inside (c)), into a buffer kept between runs as that code keeps one:
  // a hand-written server could not skip that step either.
  let spare: Float32Array | undefined;
  const preprocessForModel = async (bytes: Buffer) => {
    const { tensor } = await preprocessImage(bytes, spec, LIMITS);
    spare = toModelInput(tensor, spec.normalisation, spare).data;
  };
  // (c) HTTP predict's chain as the function runs it: preprocessing, the infer function's code in process, the
  // record built (but kept here: writing it is (d)). (c′) the upload path's: the same with the Invoke payload
  // serialised and parsed as Lambda does, the infer function's answer likewise.
  const inferDeps = { registry, sessions };
  const inferSamples: number[] = [];
  const records: PredictionRecord[] = [];
  const chainDeps = (invokeInfer: PredictionDeps['invokeInfer']): PredictionDeps => ({
    registry,
    invokeInfer,
    store: {
      put: async (record) => {
        records.push(record);
        return true;
      },
      get: async () => undefined,
      delete: async () => undefined,
    },
    erasures: createMemoryErasureLedger(),
    stats: createMemoryPredictionStats(),
    report: () => undefined,
    now: () => new Date(),
    limits: LIMITS,
    retentionDays: 90,
  });
  const httpDeps = chainDeps(inferInProcess(inferDeps));
  const uploadDeps = chainDeps(async ({ model: version, ...call }) => {
    const started = performance.now();
    const named = { model: version.metadata.name, version: version.metadata.version };
    const answer = await infer(
      inferDeps,
      JSON.parse(serializeInferRequest({ ...named, ...call, tensor: encodeTensor(call.tensor) })),
    );
    const reply = JSON.parse(JSON.stringify(answer)) as typeof answer;
    inferSamples.push(performance.now() - started);
    if (!reply.ok) throw new Error(`infer refused: ${reply.error.message}`);
    return reply;
  });
  const chain = (deps: PredictionDeps) => async (i: number) => {
    const outcome = await runPrediction(deps, {
      predictionId: randomUUID(),
      requestId: 'bench',
      source: 'http',
      model: model.metadata.name,
      bytes: input(i),
    });
    if (outcome.error) throw outcome.error;
  };
  // (a) session.run alone, on the session the infer function would create; (b) preprocessing alone; (c), (c′).
  const runs = await timeInterleaved(inputs.length, warmUp, {
    sessionRun: (i) => session.run(feeds[i % feeds.length]!),
    preprocessing: (i) => preprocessForModel(input(i)),
    handlerChain: chain(httpDeps),
    uploadChain: chain(uploadDeps),
  });
  // The same model with ONNX Runtime's own thread pool (one thread per core of this machine), for comparison; on
  // its own, after the others: its idle pool threads spin for a while after each run and would slow what follows.
  const defaultSession = await ort.InferenceSession.create(await readFile(model.artifactPath), {
    graphOptimizationLevel: 'all',
  });
  const defaultThreads = await timeRuns(inputs.length, warmUp, (i) => defaultSession.run(feeds[i % feeds.length]!));
  await defaultSession.release();
  const batches = batchFeeds(spec.tensorName, modelInputs);
  const perBatch = await timeRuns(batches.length, warmUp, (i) => session.run(batches[i % batches.length]!));
  const batched: Run = {
    samples: perBatch.samples.map((ms) => ms / BATCH),
    seconds: perBatch.seconds,
    throughputPerSecond: (perBatch.samples.length * BATCH) / perBatch.seconds,
  };
  const inferSide: Run = { samples: inferSamples.slice(warmUp), seconds: runs.uploadChain.seconds };

  // (d) the record write, to the local DynamoDB, with records the chain produced.
  const store = createPredictionStore(documents, table);
  const write = (i: number) => store.put({ ...records[i % records.length]!, predictionId: randomUUID() });
  const recordWrite = await timeRuns(Math.max(inputs.length, 50), warmUp, write);
  // (dᵖ) the same writes, each after a pause as long as the model's own work, (a)+(b): how (e) meets the write.
  const recordWritePaced = await timeRuns(Math.max(inputs.length, 50), warmUp, write, {
    pauseMs: floorOf(runs.sessionRun, runs.preprocessing).p50,
  });
  // Each photo preprocessed PHOTO_PASSES times: from 20 samples the p50 moved by up to 1.1 ms between two runs of one
  // commit (docs/benchmarks.md, the (b″) rows).
  const photoRun = async (list: Buffer[]) =>
    list.length > 0
      ? await timeRuns(list.length * PHOTO_PASSES, warmUp, (i) => preprocessForModel(list[i % list.length]!))
      : undefined;
  const phonePhotos = await photoRun(photos);
  const small = await photoRun(smallPhotos);
  return {
    ...runs,
    defaultThreads,
    batched,
    inferSide,
    recordWrite,
    recordWritePaced,
    ...(phonePhotos ? { phonePhotos } : {}),
    ...(small ? { smallPhotos: small } : {}),
  };
}
