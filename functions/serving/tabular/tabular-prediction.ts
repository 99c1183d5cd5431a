import { PayloadTooLargeError } from '../../platform/errors';
import type { RowResult } from '../../records/results';
import { runTabular } from '../inference/run-tabular';
import type { SessionCache } from '../inference/sessions';
import type { PredictionDeps } from '../prediction';
import {
  answeredBy,
  buildRecord,
  recordedModelName,
  recordHead,
  sha256Hex,
  stopwatch,
  storeRecord,
  type PredictionEnd,
} from '../prediction-record';
import type { FloatTensor } from '../preprocessing/tensor';
import type { PredictionRecord } from '../../records/records';
import type { ModelVersion, ServedVersion } from '../registry';
import { routeOf } from '../routing';
import { scoreCsv, type CsvSummary, type RowOutcome } from './csv-score';
import type { TimeSeriesWarning } from '../../records/warnings';
import { readJsonRows } from './json-rows';
import { createTensorizer } from './model-tensor';
import type { TabularInputSpec } from './spec';
import { RangeWarningTally, RECORDED_WARNINGS, recordedTimeWarnings, type RowsSummary } from '../../records/rows-summary';
import { TabularInputError } from './tabular-errors';
import { BinTally } from '../baseline';
import { shadowAfterAnswer, type ShadowInput } from '../shadow';
import { AnswerTally } from '../../records/answer-counts';

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
  alias?: string;
  /** The version the caller already routed this request to (to read its input): not looked up again. */
  resolved?: ServedVersion;
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
  const outcomes = results.map((result, i) => ({
    result,
    warnings: read.warnings[i] ?? [],
    values: read.matrix.data.subarray(i * width, (i + 1) * width),
  }));
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

/** A single `features` row has no row index: its warnings are recorded without one. */
function recordedWarnings(outcomes: RowOutcome[], indexed: boolean) {
  const tally = new RangeWarningTally();
  for (const { warnings } of outcomes) tally.add(indexed ? warnings : warnings.map((w) => ({ ...w, row: undefined })));
  return tally.fields();
}

/** Several rows' answers, counted for statistics (a single row's answer is its record's `result`). */
function recordedAnswers(outcomes: readonly RowOutcome[]) {
  const tally = new AnswerTally();
  for (const { result } of outcomes) tally.add(result);
  return tally.fields();
}

/** The rows' bins for drift, when the version has a baseline (functions/serving/baseline.ts). */
function recordedBins(model: ModelVersion, spec: TabularInputSpec, outcomes: readonly RowOutcome[]) {
  if (!model.metadata.baseline) return {};
  const tally = new BinTally(
    model.metadata.baseline,
    spec.features.map((feature) => feature.name),
  );
  for (const { values, result } of outcomes) tally.add(values, result);
  return tally.fields();
}

/** JSON rows go to the shadow as they came; a CSV body is not shadowed (its rows would be read a second time). */
const shadowInput = (input: TabularInput): ShadowInput | undefined =>
  'features' in input ? { kind: 'features', ...input } : 'rows' in input ? { kind: 'rows', ...input } : undefined;

/**
 * The tabular prediction path of the HTTP API: the model's spec validates the features (all problems at once),
 * the rows are scored in chunks through the shared session cache, and one record (with its audit event) is
 * written for the request, whatever its outcome. A refusal is recorded before it is thrown.
 */
export async function runTabularPrediction(deps: TabularDeps, request: TabularRequest): Promise<TabularOutcome> {
  const clock = stopwatch();
  const createdAt = deps.prediction.now();
  let model: ServedVersion | undefined;
  let inferenceMs = 0;
  let end: PredictionEnd;
  let outcome: Omit<TabularOutcome, 'record'> = {};
  try {
    model = request.resolved ?? (await deps.prediction.registry.route(request.model, routeOf(request)));
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
    end = {
      result: single ? scored.outcomes[0]!.result : summary,
      ...recordedWarnings(scored.outcomes, !single),
      ...recordedBins(model, spec, scored.outcomes),
      ...(!single && recordedAnswers(scored.outcomes)),
      ...('timeWarnings' in scored ? scored.timeWarnings : {}),
    };
    outcome = {
      outcomes: scored.outcomes,
      csv: 'csv' in scored ? scored.csv : undefined,
      rejectedByReason: 'rejectedByReason' in scored ? scored.rejectedByReason : undefined,
    };
  } catch (error) {
    end = { error };
  }
  const head = recordHead(
    {
      predictionId: request.predictionId,
      requestId: request.requestId,
      source: 'http',
      inputSha256: sha256Hex(request.bytes),
      model: await recordedModelName(deps.prediction.registry, request.model, model),
      subjectId: request.subjectId,
      callerId: request.callerId,
    },
    createdAt,
    deps.prediction.retentionDays,
  );
  const record = buildRecord(head, model && answeredBy(model), end, clock.timings(0, inferenceMs));
  const stored = await storeRecord(deps.prediction, record, createdAt);
  if (stored.written) {
    shadowAfterAnswer(
      deps.prediction.shadow,
      model,
      record,
      () => shadowInput(request.input),
      () => (outcome.outcomes ?? []).map((row) => row.result ?? null),
    );
  }
  // A refusal is recorded before it is thrown.
  if ('error' in end) throw end.error;
  if (stored.written && outcome.rejectedByReason) deps.reportRejected?.(record, outcome.rejectedByReason);
  return { record, ...outcome };
}
