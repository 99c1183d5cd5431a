import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ort } from '../platform/native/onnxruntime';
import type { ModelMetadata } from '../serving/model-spec';
import type { Task } from './dataset';
import { METRICS, type Metric } from './metrics';
import { exportOnnx } from './onnx/export';
import { profileTable, type DataReport } from './profile';
import type { TrainingLimits } from '../platform/training-limits';
import { readTrainingCsv, trainingInputError } from './read-csv';
import { search, type LeaderboardEntry } from './search';
import { heldOutBaseline } from './trained-baseline';

export const SEED = 42;

export interface TrainingRequest {
  model: string;
  version: string;
  target: string;
  task?: Task;
  metric?: Metric;
  timeBudgetSeconds: number;
  /** Where the data came from, for provenance (`s3://…` or `http upload`). */
  source: string;
  codeCommit: string | null;
  ownerContact: string;
  /** Identifier-like columns the uploader accepted to train on; any other one is refused (identifiers.ts). */
  acceptIdentifiers?: string[];
  /** The upload named a data subject: the table is about an identified person. */
  aboutSubject?: boolean;
}

export interface TrainingOutcome {
  metadata: ModelMetadata;
  onnx: Uint8Array;
  dataSha256: string;
  task: Task;
  metric: Metric;
  dataReport: DataReport;
  leaderboard: LeaderboardEntry[];
  metrics: Record<string, unknown>;
}

/**
 * The gap allowed between the ONNX graph (float32) and the in-memory model (float64) on a held-out output: an
 * absolute part for probabilities and small values, and a part relative to the outputs' magnitude, since float32
 * keeps about 7 significant digits (a house price of 2,500,000 is off by 0.2 in float32 alone). The relative part
 * scales with the largest output, not each one: a prediction near 0 is a sum of terms as large as the others.
 */
const EXPORT_TOLERANCE = { absolute: 1e-3, relative: 1e-5 };

async function checkExport(
  onnx: Uint8Array,
  x: Float32Array,
  rows: number,
  width: number,
  expected: Float64Array,
  output: string,
) {
  const session = await ort.InferenceSession.create(onnx);
  const result = await session.run({ features: new ort.Tensor('float32', x, [rows, width]) });
  const actual = result[output]!.data as Float32Array;
  const scale = expected.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
  const allowed = EXPORT_TOLERANCE.absolute + EXPORT_TOLERANCE.relative * scale;
  const worst = expected.reduce((max, value, i) => Math.max(max, Math.abs(value - actual[i]!)), 0);
  if (actual.length !== expected.length || !(worst <= allowed)) {
    // Not the caller's to retry: the same data and seed give the same graph and the same gap.
    throw trainingInputError(
      'export-check-failed',
      `The exported ONNX graph differs from the trained model on the held-out rows (largest gap ${worst.toPrecision(3)}, ` +
        `allowed ${allowed.toPrecision(3)}); training the same file again gives the same result: report it.`,
    );
  }
}

/**
 * CSV bytes → a registrable, pending model version: read, profile and clean, search, export, and check that the
 * graph answers as the in-memory model on the held-out rows before anything is written.
 */
export async function trainFromCsv(
  bytes: Uint8Array,
  request: TrainingRequest,
  limits: TrainingLimits,
  onProgress: (progress: number, stage: string) => Promise<void> | void,
): Promise<TrainingOutcome> {
  const started = performance.now();
  const dataSha256 = createHash('sha256').update(bytes).digest('hex');
  const { data, report } = profileTable(readTrainingCsv(bytes, limits), {
    target: request.target,
    task: request.task,
    acceptIdentifiers: request.acceptIdentifiers,
  });
  const metric = request.metric ?? (data.task === 'classification' ? 'accuracy' : 'r2');
  if (!METRICS[data.task].includes(metric)) {
    throw trainingInputError(
      'invalid-metric',
      `Metric '${metric}' does not apply to ${data.task}; use ${METRICS[data.task].join(', ')}.`,
    );
  }
  await onProgress(0.2, 'profiled');
  const result = await search(data, { metric, timeBudgetSeconds: request.timeBudgetSeconds, seed: SEED, onProgress });
  const output = data.task === 'classification' ? 'probabilities' : 'value';
  const onnx = exportOnnx(result.model, output);
  const { heldOutData } = result;
  await checkExport(onnx, heldOutData.x, heldOutData.rows, data.features.length, result.heldOutOutputs, output);
  await onProgress(0.9, 'exported');
  const measuredBy = 'functions/training (Vigie AutoML)';
  const metrics = {
    heldOut: { measuredBy, ...result.heldOut },
    crossValidation: {
      measuredBy,
      metric,
      candidate: result.chosen.candidate,
      score: result.chosen.cvScore,
      folds: result.chosen.foldScores,
    },
  };
  const metadata: ModelMetadata = {
    name: request.model,
    version: request.version,
    task: `tabular-${data.task}`,
    description: `Trained by Vigie AutoML from a CSV (target '${request.target}'): ${result.chosen.candidate}.`,
    artifact: { file: 'model.onnx', sha256: createHash('sha256').update(onnx).digest('hex'), bytes: onnx.length },
    input: { kind: 'tabular', tensorName: 'features', dtype: 'float32', features: data.features },
    output:
      data.task === 'classification'
        ? { kind: 'classification', tensorName: output, activation: 'none', labels: data.labels }
        : { kind: 'regression', tensorName: output },
    training: {
      code: 'functions/training/train.ts',
      codeCommit: request.codeCommit,
      codeDirty: false,
      framework: 'Vigie AutoML (TypeScript; ONNX via onnx-proto)',
      seed: SEED,
      data: { source: request.source, sha256: dataSha256, split: result.split },
      parameters: {
        target: request.target,
        metric,
        timeBudgetSeconds: request.timeBudgetSeconds,
        candidate: result.chosen.candidate,
        ...result.chosen.parameters,
      },
      durationSeconds: Math.round((performance.now() - started) / 10) / 100,
      trainedAt: new Date().toISOString(),
      dataReport: report,
      leaderboard: result.leaderboard,
    },
    metrics,
    governance: {
      owner: { name: 'Vigie AutoML', contact: request.ownerContact },
      approval: { status: 'pending' },
      intendedUse: {
        primaryUses: [`Predicting '${request.target}' from the other columns of the uploaded table`],
        primaryUsers: ['The team that uploaded the training table'],
        outOfScope: [
          'Rows unlike the training table (see the feature ranges and categories)',
          'Any decision about a person without review',
        ],
      },
      personalData: { processesPersonalData: false, categories: [], dpiaReference: null },
      evaluationData: {
        heldOut: `${heldOutData.rows} rows of the uploaded table held out before training (training.data.split)`,
        crossValidation: `${String(result.split.rule).split('; ').at(-1)}: the ${data.rows - heldOutData.rows} training rows`,
      },
      factors: ['The uploaded table is the only data: its sampling decides what the model knows'],
      limitations: ['Trained automatically; the held-out figures are on one split of one table'],
      ethicalConsiderations: [
        {
          risk: 'A confident prediction on rows unlike the training data',
          mitigation: 'Out-of-range values are answered with warnings; a person approves the version before it is served',
        },
        ...(request.aboutSubject
          ? [
              {
                risk: 'Trained on a table about an identified person (the upload named a data subject)',
                mitigation:
                  'Their export lists this version; their erasure deletes the table and marks this version ' +
                  '(governance.trainedOnErasedSubject): retrain without their rows, or record why it is kept',
              },
            ]
          : []),
      ],
      licence: { model: 'Trained by the Vigie platform for the uploader', data: 'As licensed by the uploader' },
    },
  } as ModelMetadata;
  // What drift compares production with (#24), stored beside the version from its first moment.
  const baseline = heldOutBaseline(metadata, heldOutData, result.heldOutOutputs);
  return {
    metadata: { ...metadata, ...(baseline && { baseline }) },
    onnx,
    dataSha256,
    task: data.task,
    metric,
    dataReport: report,
    leaderboard: result.leaderboard,
    metrics,
  };
}
