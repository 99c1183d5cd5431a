/**
 * `vigie models import`: bring an ONNX model with its metadata (and samples) as a pending version. Up to the HTTP
 * route's 4 MiB it goes through `POST /v1/models/{model}/versions`; a larger one through the S3 door, by upload URLs
 * the API hands out (no AWS credentials needed), with a progress bar, then the outcome the door writes is read back.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { inlineSampleFiles, parseSamples, type SamplesDocument } from '../../../functions/training/import/samples';
import { UPLOAD_URL_SECONDS } from '../../../functions/training/import/upload-request';
import { ApiError, callApi } from '../api';
import { modelArgument } from '../model-argument';
import { emit } from '../output';
import { progressBar } from '../progress';
import { apiTarget, UsageError, type GlobalOptions, type ApiTarget } from '../target';

interface ImportOptions {
  name: string;
  spec: string;
  version?: string;
  samples?: string;
}

interface ImportAnswer {
  model: string;
  version: string;
  status: string;
  checks?: { opset?: number; loadMs?: number; firstInferenceMs?: number; samples?: { count: number; tolerance: number } };
}

/** What the HTTP route takes in one body (functions/platform/config.ts, IMPORT_HTTP_MAX_BYTES), with room for the parts' headers. */
const HTTP_LIMIT = 4 * 1024 * 1024 - 64 * 1024;
/** How long the S3 door may take to answer: a large model's copy, load and samples. */
const S3_DOOR_WAIT_MS = 10 * 60 * 1000;

async function readInput(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new UsageError(`Cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** The samples folder's samples.json with its pictures inline, as the HTTP route and the checks take them. */
async function readSamples(dir: string): Promise<SamplesDocument> {
  const raw = await readInput(join(dir, 'samples.json'), 'samples file');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new UsageError(`${join(dir, 'samples.json')} is not valid JSON.`);
  }
  return inlineSampleFiles(parseSamples(parsed), (file) => readInput(resolve(dir, file), 'sample'));
}

/** What one import sends, whichever way it goes. */
interface ImportFiles {
  model: string;
  onnx: Buffer;
  metadata: Buffer;
  samples?: SamplesDocument;
  version?: string;
}

function viaHttp(target: ApiTarget, { model, onnx, metadata, samples, version }: ImportFiles) {
  const form = new FormData();
  form.set('model', new Blob([onnx]), 'model.onnx');
  form.set('metadata', new Blob([metadata], { type: 'application/json' }), 'metadata.json');
  if (samples) form.set('samples', new Blob([JSON.stringify(samples)], { type: 'application/json' }), 'samples.json');
  if (version) form.set('version', version);
  return callApi(target, `/v1/models/${model}/versions`, { method: 'POST', body: form }) as Promise<ImportAnswer>;
}

interface UploadUrls {
  version: string;
  expiresAt: string;
  uploads: { file: string; url: string }[];
  outcome: string;
}

/** A PUT of `bytes` to a presigned URL, reporting progress as the body is read (S3 needs its length up front). */
async function put(url: string, bytes: Uint8Array, progress?: (sent: number) => void): Promise<void> {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes.length) return controller.close();
      const chunk = bytes.subarray(sent, sent + 1024 * 1024);
      sent += chunk.length;
      progress?.(sent);
      controller.enqueue(chunk);
    },
  });
  const response = await fetch(url, {
    method: 'PUT',
    body,
    headers: { 'content-length': String(bytes.length) },
    duplex: 'half',
  } as RequestInit);
  if (!response.ok) throw new Error(`The upload was refused: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
}

/**
 * Past the HTTP route's limit: upload URLs from the API (POST /v1/models/{model}/imports, the same key and
 * permission), the model with a progress bar, the samples, then metadata.json (the import starts once it and the
 * model are there), then the outcome the S3 door writes, read back through the API.
 */
async function viaUploadUrls(
  global: GlobalOptions,
  target: ApiTarget,
  { model, onnx, metadata, samples, version }: ImportFiles,
): Promise<ImportAnswer> {
  const granted = (await callApi(target, `/v1/models/${model}/imports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...(version && { version }), ...(samples && { files: ['samples/samples.json'] }) }),
  })) as UploadUrls;
  const urlOf = (file: string) => granted.uploads.find((upload) => upload.file === file)!.url;
  // The server's clock when it granted the URLs: an outcome written before is an earlier import's.
  const grantedAt = Date.parse(granted.expiresAt) - UPLOAD_URL_SECONDS * 1000;
  const bar = global.json ? undefined : progressBar('uploading', onnx.length);
  await put(urlOf('model.onnx'), onnx, (sent) => bar?.update(sent));
  bar?.stop();
  if (samples) await put(urlOf('samples/samples.json'), Buffer.from(JSON.stringify(samples)));
  await put(urlOf('metadata.json'), metadata);
  if (!global.json) console.error(`  checking ${model} ${granted.version}…`);
  const started = Date.now();
  while (Date.now() - started < S3_DOOR_WAIT_MS) {
    await new Promise((done) => setTimeout(done, 1000));
    const outcome = (await callApi(target, granted.outcome).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    })) as (ImportAnswer & { at: string; httpStatus?: number }) | undefined;
    if (!outcome || Date.parse(outcome.at) < grantedAt) continue;
    if (outcome.status === 'refused') throw new ApiError(outcome.httpStatus ?? 422, outcome);
    return outcome;
  }
  throw new Error(
    `No outcome for ${model} ${granted.version} after ${S3_DOOR_WAIT_MS / 60000} minutes: see the imports function's logs.`,
  );
}

async function importVersion(file: string, options: ImportOptions, global: GlobalOptions): Promise<void> {
  const model = modelArgument(options.name);
  const onnx = await readInput(file, 'model');
  const metadata = await readInput(options.spec, 'metadata');
  const samples = options.samples ? await readSamples(options.samples) : undefined;
  const target = await apiTarget(global);
  const size = onnx.length + metadata.length + (samples ? JSON.stringify(samples).length : 0);
  const files: ImportFiles = {
    model,
    onnx,
    metadata,
    ...(samples && { samples }),
    ...(options.version && { version: options.version }),
  };
  const answer = size <= HTTP_LIMIT ? await viaHttp(target, files) : await viaUploadUrls(global, target, files);
  const { checks } = answer;
  emit(global.json, answer, () => [
    `${answer.model} ${answer.version}: ${answer.status} (${basename(file)}, ${onnx.length} bytes)`,
    `  checks passed: opset ${checks?.opset ?? '?'}, load ${checks?.loadMs} ms, first inference ${checks?.firstInferenceMs} ms` +
      (checks?.samples ? `, ${checks.samples.count} sample(s) within ${checks.samples.tolerance}` : ', no samples given'),
    `  next: vigie models approve ${answer.model} ${answer.version} --approver "<name, role>"`,
  ]);
}

export function registerModelsImport(models: Command): void {
  models
    .command('import')
    .description('import an ONNX model as a pending version, checked against its metadata and samples')
    .argument('<model.onnx>', 'the ONNX file')
    .requiredOption('--name <model>', 'the model to import under (wins over the metadata’s name)')
    .requiredOption('--spec <metadata.json>', 'its metadata (docs/bring-your-own-model.md)')
    .option('--version <version>', 'the version to take (1.2.3); the next free minor when absent')
    .option('--samples <dir>', 'a folder with samples.json (and the pictures it names): inputs with the outputs expected')
    .addHelpText(
      'after',
      '\nModels up to 4 MiB go through the HTTP API; larger ones are uploaded through URLs the API hands out (the\n' +
        'S3 door). A refusal names the check that failed.\n\nExample:\n' +
        '  vigie models import out/model.onnx --name my-iris --spec out/metadata.json --samples out/samples',
    )
    .action((file: string, options: ImportOptions, command: Command) =>
      importVersion(file, options, command.optsWithGlobals<GlobalOptions>()),
    );
}
