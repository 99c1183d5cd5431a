import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InferenceSession } from 'onnxruntime-node';
import { ImportRefusedError } from '../../platform/errors';
import { ort } from '../../platform/native/onnxruntime';
import type { PredictionResult, RowResult } from '../../records/results';
import { runModel } from '../../serving/inference/run-model';
import { runTabular } from '../../serving/inference/run-tabular';
import { SessionCache } from '../../serving/inference/sessions';
import type { ModelMetadata } from '../../serving/model-spec';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../serving/preprocessing';
import type { ModelVersion } from '../../serving/registry';
import { readJsonRows } from '../../serving/tabular/json-rows';
import { createTensorizer } from '../../serving/tabular/model-tensor';
import { readGraph, type GraphFacts } from './graph';
import { DEFAULT_TOLERANCE, disagreements, type Sample, type SamplesDocument } from './samples';
import { declaredInputShape, checkSignature } from './signature';

/** What the checks measured, stored with the version (`training.import`) for its approver and its card. */
export interface ImportFigures extends GraphFacts {
  /** Creating the onnxruntime session from the file, as a cold container does. */
  loadMs: number;
  /** The first run, on a zero tensor of the declared shape. */
  firstInferenceMs: number;
  samples?: { count: number; tolerance: number };
}

/** What a version's provenance keeps of its import (`training.import`): when, through which door, by whom, and the figures. */
export type ImportProvenance = ImportFigures & { importedAt: string; source: 'http' | 's3'; callerPseudonym?: string };

/** Where a notebook and its metadata usually part ways, by input kind: what a `samples` refusal asks to check. */
const HINTS = {
  image:
    'the channel order (Vigie feeds RGB), the pixel scale (normalisation.scale 1/255 means pixels in [0, 1]), mean ' +
    'and std per channel, the fit (letterbox: aspect kept, padded), the output activation.',
  tabular: 'the order and names of the features (the tensor follows input.features), category codes, the output activation.',
};

/** Samples whose disagreement a refusal lists: enough to see the pattern. */
const LISTED_SAMPLES = 5;

const round = (ms: number) => Math.round(ms * 10) / 10;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 600);

/** A zero tensor of the declared input shape, one in the batch: what the first-inference check feeds. */
function zeroInput(metadata: ModelMetadata) {
  const dims = declaredInputShape(metadata.input).map((dim) => (typeof dim === 'number' ? dim : 1));
  return new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);
}

/** The outputs of one input have the sizes Vigie's post-processing reads (a label per score, a box per cell). */
function checkOutputSizes(outputs: InferenceSession.OnnxValueMapType, metadata: ModelMetadata): void {
  const { input, output } = metadata;
  if (output.kind === 'detection') {
    const scores = outputs[output.scoresTensorName]!;
    const boxes = outputs[output.boxesTensorName]!;
    const grid = input.kind === 'image' ? [input.height / output.stride, input.width / output.stride] : [];
    const expected = [1, 1, ...grid];
    if (scores.dims.join() !== expected.join() || boxes.dims.join() !== [1, 4, ...grid].join()) {
      throw new ImportRefusedError(
        'outputs',
        `the detection heads are [${scores.dims}] and [${boxes.dims}]; stride ${output.stride} on a ${input.kind === 'image' ? `${input.width}×${input.height}` : ''} input needs [${expected}] and [1,4,${grid}].`,
      );
    }
    return;
  }
  const values = outputs[output.tensorName]!.data.length;
  const expected = output.kind === 'classification' ? output.labels.length : 1;
  if (values !== expected) {
    throw new ImportRefusedError(
      'outputs',
      `output '${output.tensorName}' gives ${values} value(s) for one input; the metadata's ${output.kind} output needs ${expected}.`,
    );
  }
}

/** One sample through Vigie's own pre- and post-processing, as a prediction of the approved version would run. */
async function answer(sessions: SessionCache, model: ModelVersion, sample: Sample): Promise<PredictionResult | RowResult> {
  const { input } = model.metadata;
  if (sample.image !== undefined) {
    if (input.kind !== 'image') throw new Error('this model takes feature rows, not pictures');
    const prepared = await preprocessImage(Buffer.from(sample.image, 'base64'), input, DEFAULT_DECODE_LIMITS);
    return (await runModel(sessions, model, prepared.tensor, prepared.letterbox)).result;
  }
  if (input.kind !== 'tabular') throw new Error('this model takes pictures, not feature rows');
  const rows = sample.rows ?? [sample.features!];
  const read = readJsonRows(input, rows, sample.rows !== undefined);
  if (read.problemCount > 0) throw new Error(read.problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  const chunk = createTensorizer(input).next(read.matrix.data, rows.length, read.times);
  const { results } = await runTabular(sessions, model, chunk.tensor);
  if (results.length === 0) throw new Error(`too few rows for one window of ${input.window?.rows ?? 1}`);
  return results.at(-1)!;
}

async function checkSamples(sessions: SessionCache, model: ModelVersion, document: SamplesDocument): Promise<number> {
  const tolerance = document.tolerance ?? DEFAULT_TOLERANCE;
  const failed: { sample: number; problems: string[] }[] = [];
  for (const [index, sample] of document.samples.entries()) {
    const problems = await answer(sessions, model, sample).then(
      (got) => disagreements(sample.expected, got, tolerance),
      (error: unknown) => [`Vigie could not run it: ${messageOf(error)}`],
    );
    if (problems.length > 0) failed.push({ sample: index, problems });
  }
  if (failed.length > 0) {
    const listed = failed.slice(0, LISTED_SAMPLES).map(({ sample, problems }) => `sample ${sample}: ${problems.join('; ')}`);
    throw new ImportRefusedError(
      'samples',
      `${failed.length} of ${document.samples.length} samples disagree with the outputs their author expected ` +
        `(tolerance ${tolerance}), through Vigie's pre-processing as the metadata describes it: ${listed.join(' | ')}. ` +
        `Check the metadata against the notebook: ${HINTS[model.metadata.input.kind]}`,
      { failedSamples: failed.slice(0, LISTED_SAMPLES) },
    );
  }
  return tolerance;
}

/**
 * Every check between an uploaded file and a pending version, in order, each refusing with its own name: the file
 * is an ONNX graph with its weights (`onnx-graph`), onnxruntime loads it, its opset and operators included
 * (`runtime-load`), its inputs and outputs are the metadata's (`inputs`, `outputs`), it runs on an input of the
 * declared shape and answers the sizes post-processing reads (`first-inference`, `outputs`), and the author's
 * samples come out as the author's notebook said (`samples`). The artifact is loaded from `scratch` the way a
 * serving container loads it, SHA-256 check included; `scratch` is removed afterwards.
 */
export async function checkModel(
  onnx: Uint8Array,
  metadata: ModelMetadata,
  samples: SamplesDocument | undefined,
  scratch: string,
): Promise<ImportFigures> {
  const graph = readGraph(onnx);
  await mkdir(scratch, { recursive: true });
  try {
    const model: ModelVersion = { metadata, artifactPath: join(scratch, 'model.onnx') };
    await writeFile(model.artifactPath, onnx);
    const sessions = new SessionCache();
    let started = performance.now();
    const session = await sessions.get(model).catch((error: unknown) => {
      throw new ImportRefusedError(
        'runtime-load',
        `onnxruntime ${ort.env.versions.common} cannot load the graph (opset ${graph.opset ?? 'none'}; operators ` +
          `${graph.operators.join(', ')}): ${messageOf(error)}`,
      );
    });
    const loadMs = performance.now() - started;
    checkSignature(session, metadata);
    started = performance.now();
    const outputs = await session.run({ [metadata.input.tensorName]: zeroInput(metadata) }).catch((error: unknown) => {
      throw new ImportRefusedError('first-inference', `the graph fails on an input of the declared shape: ${messageOf(error)}`);
    });
    const firstInferenceMs = performance.now() - started;
    checkOutputSizes(outputs, metadata);
    const tolerance = samples && (await checkSamples(sessions, model, samples));
    return {
      ...graph,
      loadMs: round(loadMs),
      firstInferenceMs: round(firstInferenceMs),
      ...(samples && { samples: { count: samples.samples.length, tolerance: tolerance! } }),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
