import { performance } from 'node:perf_hooks';
import { errorCode, isPermanent, PayloadTooLargeError, VigieError } from '../../platform/errors';
import type { RowResult } from '../../records/results';
import { runTabular } from '../inference/run-tabular';
import type { SessionCache } from '../inference/sessions';
import { recordedModelName, sha256Hex, storeRecord, type PredictionDeps } from '../prediction';
import type { FloatTensor } from '../preprocessing/tensor';
import { expiryFor, type PredictionRecord } from '../../records/records';
import type { ModelVersion } from '../registry';
import { scoreCsv, type CsvSummary, type RowOutcome } from './csv-score';
import type { RangeWarning, TimeSeriesWarning } from '../../records/warnings';
import { readJsonRows } from './json-rows';
import { createTensorizer } from './model-tensor';
import type { TabularInputSpec } from './spec';
import { RECORDED_WARNINGS, recordedTimeWarnings, type RowsSummary } from '../../records/rows-summary';
import { TabularInputError } from './tabular-errors';

/** Rows per session.run: one call for any HTTP request, a few hundred per million-row batch. */
export const CHUNK_ROWS = 4096;
/** The most rows one HTTP request may carry; larger sets go to S3 as a batch. */
export const MAX_HTTP_ROWS = 10_000;

export type TabularInput = { features: Record<string, unknown> } | { rows: unknown[] } | { csv: Uint8Array };

export interface TabularDeps {
  prediction: PredictionDeps;
  sessions: SessionCache;
  /** The reasons of the CSV rows a request did not score (audit `rejected-rows` events). */
  reportRejected?: (record: PredictionRecord, byReason: CsvSummary['rejectedByReason']) => void;
}

export interface TabularRequest {
  predictionId: string;
  requestId: string;
  model: string;
  version?: string;
  input: TabularInput;
  /** The request body as received, for the record's inputSha256. */
  bytes: Uint8Array;
  subjectId?: string;
  callerId?: string;
}

export interface TabularOutcome {
  record: PredictionRecord;
  /** Per row, in order: the answer of a `rows` or CSV request. */
  outcomes?: RowOutcome[];
  /** The scored CSV, in the input's dialect (CSV requests). */
  csv?: string;
  rejectedByReason?: CsvSummary['rejectedByReason'];
}

const roundMs = (ms: number) => Math.round(ms * 100) / 100;

/** The model version, refused unless it takes feature rows. */
function tabularSpec(model: ModelVersion): TabularInputSpec {
  const { input, name } = model.metadata;
  if (input.kind !== 'tabular') {
    throw new TabularInputError('unsupported-input', `Model '${name}' takes images, not feature rows.`, [
      { field: 'features', message: 'this model takes images' },
    ]);
  }
  return input;
}

const scorer = (deps: TabularDeps, model: ModelVersion) => (tensor: FloatTensor) => runTabular(deps.sessions, model, tensor);

/** JSON rows: all validated first (every problem in one 400), then scored chunk by chunk, in order. */
async function scoreJson(deps: TabularDeps, model: ModelVersion, spec: TabularInputSpec, rows: unknown[], indexed: boolean) {
  if (rows.length > MAX_HTTP_ROWS) {
    throw new PayloadTooLargeError(`${rows.length} rows; one request takes at most ${MAX_HTTP_ROWS}, send more as an S3 batch.`);
  }
  const read = readJsonRows(spec, rows, indexed);
  if (read.problemCount > 0) {
    const listed = read.problemCount > read.problems.length ? `; the first ${read.problems.length} are listed` : '';
    throw new TabularInputError('invalid-features', `${read.problemCount} problem(s) in the features${listed}.`, read.problems, {
      errorCount: read.problemCount,
      features: read.unknownFields ? spec.features.map((feature) => feature.name) : undefined,
    });
  }
  const width = spec.features.length;
  const tensorizer = createTensorizer(spec);
  const results: RowResult[] = [];
  // The series counts rows from 0 as they come, as the rows' own indexes do: its warnings name them directly.
  const time = { timeWarnings: [] as TimeSeriesWarning[], timeWarningCount: 0 };
  let inferenceMs = 0;
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rows.length - start);
    const matrix = read.matrix.data.subarray(start * width, (start + count) * width);
    const { tensor, warnings } = tensorizer.next(matrix, count, read.times?.slice(start, start + count));
    time.timeWarningCount += warnings.length;
    time.timeWarnings.push(...warnings.slice(0, RECORDED_WARNINGS - time.timeWarnings.length));
    const answer = await scorer(deps, model)(tensor);
    results.push(...answer.results);
    inferenceMs += answer.inferenceMs;
  }
  const outcomes = results.map((result, i) => ({ result, warnings: read.warnings[i] ?? [] }));
  return { outcomes, inferenceMs, timeWarnings: recordedTimeWarnings(time) };
}

async function scoreCsvBody(deps: TabularDeps, model: ModelVersion, spec: TabularInputSpec, bytes: Uint8Array) {
  const outcomes: RowOutcome[] = [];
  const lines: string[] = [];
  const summary = await scoreCsv(
    [bytes],
    spec,
    scorer(deps, model),
    {
      header: (line) => void lines.push(line),
      rows: (chunk, chunkLines) => {
        outcomes.push(...chunk);
        lines.push(...chunkLines);
      },
    },
    { chunkRows: CHUNK_ROWS, maxRows: MAX_HTTP_ROWS },
  );
  return {
    outcomes,
    inferenceMs: summary.inferenceMs,
    csv: lines.join(''),
    rejectedByReason: summary.rejectedByReason,
    timeWarnings: recordedTimeWarnings(summary),
  };
}

function recordedWarnings(outcomes: RowOutcome[], indexed: boolean) {
  const all: RangeWarning[] = outcomes.flatMap((outcome) => outcome.warnings);
  if (all.length === 0) return {};
  return {
    warnings: all.slice(0, RECORDED_WARNINGS).map((w) => (indexed ? w : { ...w, row: undefined })),
    warningCount: all.length,
  };
}

/**
 * The tabular prediction path of the HTTP API: the model's spec validates the features (all problems at once),
 * the rows are scored in chunks through the shared session cache, and one record (with its audit event) is
 * written for the request, whatever its outcome. A refusal is recorded before it is thrown.
 */
export async function runTabularPrediction(deps: TabularDeps, request: TabularRequest): Promise<TabularOutcome> {
  const started = performance.now();
  const createdAt = deps.prediction.now();
  const base = {
    predictionId: request.predictionId,
    requestId: request.requestId,
    source: 'http' as const,
    inputSha256: sha256Hex(request.bytes),
    model: await recordedModelName(deps.prediction.registry, request.model),
    subjectId: request.subjectId,
    callerId: request.callerId,
    createdAt: createdAt.toISOString(),
    expiresAt: expiryFor(createdAt, deps.prediction.retentionDays),
  };
  let resolved: { modelVersion: string; modelSha256: string } | undefined;
  let inferenceMs = 0;
  const timings = () => ({
    preprocessMs: 0,
    inferenceMs: roundMs(inferenceMs),
    totalMs: roundMs(performance.now() - started),
  });
  let record: PredictionRecord;
  let outcome: TabularOutcome;
  try {
    const model = await deps.prediction.registry.resolve(request.model, request.version);
    resolved = { modelVersion: model.metadata.version, modelSha256: model.metadata.artifact.sha256 };
    const spec = tabularSpec(model);
    const { input } = request;
    const scored =
      'csv' in input
        ? await scoreCsvBody(deps, model, spec, input.csv)
        : await scoreJson(deps, model, spec, 'rows' in input ? input.rows : [input.features], 'rows' in input);
    inferenceMs = scored.inferenceMs;
    const single = 'features' in input;
    const succeededRows = scored.outcomes.filter((row) => row.result).length;
    const summary: RowsSummary = {
      kind: 'rows',
      rows: scored.outcomes.length,
      succeededRows,
      rejectedRows: scored.outcomes.length - succeededRows,
    };
    record = {
      ...base,
      ...resolved,
      status: 'succeeded',
      result: single ? scored.outcomes[0]!.result : summary,
      ...recordedWarnings(scored.outcomes, !single),
      ...('timeWarnings' in scored ? scored.timeWarnings : {}),
      timings: timings(),
    };
    outcome = {
      record,
      outcomes: scored.outcomes,
      csv: 'csv' in scored ? scored.csv : undefined,
      rejectedByReason: 'rejectedByReason' in scored ? scored.rejectedByReason : undefined,
    };
  } catch (error) {
    record = {
      ...base,
      ...resolved,
      status: isPermanent(error) ? 'rejected' : 'failed',
      error: {
        code: errorCode(error),
        message: error instanceof VigieError && error.exposeMessage ? error.message : 'Internal error while predicting.',
      },
      timings: timings(),
    };
    await storeRecord(deps.prediction, record, createdAt);
    throw error;
  }
  const stored = await storeRecord(deps.prediction, record, createdAt);
  if (stored.written && outcome.rejectedByReason) deps.reportRejected?.(record, outcome.rejectedByReason);
  return outcome;
}
