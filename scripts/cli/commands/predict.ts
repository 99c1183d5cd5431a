/** `vigie predict <file|->`: one prediction through POST /v1/models/{model}/predict, as any client makes it. */
import { readFile } from 'node:fs/promises';
import { buffer } from 'node:stream/consumers';
import type { Command } from 'commander';
import { callApi } from '../api';
import { inputContentType } from '../input-type';
import { modelArgument } from '../model-argument';
import { emit, formatFigure } from '../output';
import { headerSubjectIdProblem, normaliseSubjectId } from '../../../functions/records/subject-id';
import { apiTarget, UsageError, type GlobalOptions } from '../target';

interface PredictOptions {
  model?: string;
  subject?: string;
  type?: string;
}

interface PredictAnswer {
  predictionId: string;
  model: string;
  modelVersion?: string;
  result?: Record<string, unknown>;
  /** Several rows (a CSV or `{"rows"}`): one result each, or why that row was not scored (a sentence). */
  results?: Array<{ result?: Record<string, unknown>; error?: string }>;
}

/**
 * The answer's result in a line or a few: a class (and why it is uncertain, when it is; how many ways a page in doubt
 * was read), boxes, a value or a verdict;
 * rows and the rest as JSON.
 */
function describeResult(result: Record<string, unknown> = {}): string[] {
  if (typeof result.label === 'string') {
    const doubt = result.uncertain ? `  uncertain: ${String(result.reason ?? 'yes')}` : '';
    const readings = typeof result.readings === 'number' ? `  (read ${result.readings} ways)` : '';
    return [`${result.label}  (confidence ${formatFigure(result.confidence)})${doubt}${readings}`];
  }
  if (Array.isArray(result.detections)) {
    const boxes = result.detections as Array<{ label: string; score: number; box: unknown }>;
    return [
      `${boxes.length} detection(s)`,
      ...boxes.map((d) => `  ${d.label}  ${formatFigure(d.score)}  ${JSON.stringify(d.box)}`),
    ];
  }
  if ('anomaly' in result) return [`${result.anomaly ? 'anomaly' : 'normal'}  (score ${formatFigure(result.score)})`];
  if ('value' in result) return [formatFigure(result.value)];
  return [JSON.stringify(result, null, 2)];
}

/**
 * `x-subject-id` as the API reads it, or a usage error saying what it refuses (a line break, a comma…): fetch
 * refused such a header itself, reported as the API not answering. Header values travel as bytes: the UTF-8 of
 * the identifier goes one byte per character, as curl sends it, and the API reads it back as UTF-8.
 */
function subjectHeader(subject: string): string {
  const problem = headerSubjectIdProblem(normaliseSubjectId(subject), '--subject');
  if (problem) throw new UsageError(problem);
  return Buffer.from(subject.trim(), 'utf8').toString('latin1');
}

async function predict(source: string, options: PredictOptions, global: GlobalOptions): Promise<void> {
  if (!options.model) throw new UsageError('Say which model answers with --model <name> (vigie models list shows them).');
  const model = modelArgument(options.model);
  const subject = options.subject === undefined ? undefined : subjectHeader(options.subject);
  const bytes = source === '-' ? await buffer(process.stdin) : await readFile(source);
  if (bytes.length === 0) throw new UsageError(`${source === '-' ? 'Standard input' : source} is empty.`);
  const headers: Record<string, string> = { 'content-type': options.type ?? inputContentType(source, bytes) };
  if (subject !== undefined) headers['x-subject-id'] = subject;
  const answer = (await callApi(await apiTarget(global), `/v1/models/${model}/predict`, {
    method: 'POST',
    headers,
    body: bytes,
  })) as PredictAnswer;
  const rows = answer.results?.map((row, i) =>
    row.result
      ? `row ${i + 1}: ${describeResult(row.result).join(' ')}`
      : `row ${i + 1}: refused, ${row.error ?? 'no reason given'}`,
  );
  emit(global.json, answer, () => [
    ...(rows ?? describeResult(answer.result)),
    `${answer.model}@${answer.modelVersion ?? '?'}  prediction ${answer.predictionId}`,
  ]);
}

export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('one prediction from an image, a JSON body or a CSV file (POST /v1/models/{model}/predict)')
    .argument('<file>', 'the input, or - for standard input')
    .option('-m, --model <name>', 'the model to ask')
    .option('--subject <id>', 'the person the input is about (x-subject-id), for their GDPR rights')
    .option('--type <content-type>', 'the content type, when neither the extension nor the first bytes say it')
    .addHelpText(
      'after',
      `
The content type comes from the extension (.png .jpg .webp .json .csv) or, for standard input, from the first bytes.

Examples:
  vigie predict events/samples/seven.png --model digits
  echo '{"features": {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}}' | vigie predict - -m iris
  vigie predict readings.csv --model sensor-anomaly --json
  vigie predict frame.jpg -m car-detector --subject driver-42 --stage prod --endpoint https://api.example.com`,
    )
    .action((source: string, options: PredictOptions, command: Command) =>
      predict(source, options, command.optsWithGlobals<GlobalOptions>()),
    );
}
