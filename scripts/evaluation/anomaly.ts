/**
 * Evaluates a time-series anomaly detector on its validation files as SKAB does (point-wise F1, false-alarm and
 * missed-alarm rates on the `anomaly` column), through the serving code: the spec's calibration and windowing
 * (functions/serving/tabular/time-series.ts), chunk by chunk as a batch arrives, and the checked ONNX Runtime
 * session of functions/serving/inference/sessions.ts.
 */
import { performance } from 'node:perf_hooks';
import { ort } from '../../functions/platform/native/onnxruntime';
import { SessionCache } from '../../functions/serving/inference/sessions';
import type { ModelVersion } from '../../functions/serving/registry';
import { TimeSeriesTensorizer } from '../../functions/serving/tabular/time-series';
import { anomalyFigures, confusion, pooled, type AnomalyFigures } from './anomaly-metrics';
import { readSkabFile, SKAB_DIR } from './skab-dataset';

/** The package's parts this evaluation needs, checked: a time-series anomaly detector, and its validation files. */
function anomalyParts({ metadata }: ModelVersion) {
  const { input, output } = metadata;
  const files = (metadata.training.data.split as { validationFiles?: unknown }).validationFiles;
  if (input.kind !== 'tabular' || output.kind !== 'anomaly' || !input.window?.timeColumn || !Array.isArray(files)) {
    throw new Error(`${metadata.name}@${metadata.version} is not a time-series anomaly detector with validation files.`);
  }
  return { input, output, timeColumn: input.window.timeColumn, validationFiles: files as string[] };
}

/** Rows per infer call, as a batch would send them. */
export const CHUNK_ROWS = 256;

export interface AnomalyEvaluation extends AnomalyFigures {
  threshold: number;
  files: number;
  perFile: Record<string, AnomalyFigures>;
  /** ONNX Runtime `session.run` per chunk of CHUNK_ROWS rows, median over the chunks after the first. */
  inferenceMsPerChunkMedian: number;
  /** Rows per second through calibration, windowing and the session, all files. */
  rowsPerSecond: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

export async function evaluateAnomalyDetector(model: ModelVersion, dir = SKAB_DIR): Promise<AnomalyEvaluation> {
  const { input, output, timeColumn, validationFiles } = anomalyParts(model);
  const session = await new SessionCache().get(model);
  const features = input.features.map((feature) => feature.name);
  const perFile: Record<string, AnomalyFigures> = {};
  const counts = [];
  const inferenceMs: number[] = [];
  let rows = 0;
  let servingMs = 0;
  for (const file of validationFiles) {
    const series = readSkabFile(file, features, timeColumn, dir);
    const started = performance.now();
    const tensorizer = new TimeSeriesTensorizer(input);
    const predictions = new Uint8Array(series.rows.length);
    const score = async (batch: ReturnType<TimeSeriesTensorizer['push']>) => {
      if (!batch) return;
      const feeds = { [input.tensorName]: new ort.Tensor('float32', batch.tensor.data, batch.tensor.dims) };
      const runStarted = performance.now();
      const outputs = await session.run(feeds);
      inferenceMs.push(performance.now() - runStarted);
      const scores = outputs[output.tensorName]!.data as Float32Array;
      scores.forEach((value, i) => (predictions[batch.firstRow + i] = value >= output.threshold ? 1 : 0));
    };
    for (let i = 0; i < series.rows.length; i += CHUNK_ROWS) await score(tensorizer.push(series.rows.slice(i, i + CHUNK_ROWS)));
    await score(tensorizer.end());
    servingMs += performance.now() - started;
    rows += series.rows.length;
    const fileCounts = confusion(series.labels, predictions);
    counts.push(fileCounts);
    perFile[file] = anomalyFigures(fileCounts);
  }
  return {
    ...anomalyFigures(pooled(counts)),
    threshold: output.threshold,
    files: counts.length,
    perFile,
    inferenceMsPerChunkMedian: median(inferenceMs.slice(1)),
    rowsPerSecond: rows / (servingMs / 1000),
  };
}
