/**
 * `vigie models import`: bring an ONNX model with its metadata (and samples) as a pending version. Up to the HTTP
 * route's 4 MiB it goes through `POST /v1/models/{model}/versions`; a larger one through the S3 door
 * (`models/<model>/<version>/` in the stage's uploads bucket, with the person's AWS credentials, or the local
 * emulator's), with a progress bar, then the outcome the door writes is read back.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Command } from 'commander';
import { nextVersion } from '../../../functions/training/model-bucket';
import { inlineSampleFiles, parseSamples, type SamplesDocument } from '../../../functions/training/import/samples';
import { importOutcomeKey } from '../../../functions/imports/from-upload';
import { localSettings } from '../../local/settings';
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

function viaHttp(
  target: ApiTarget,
  model: string,
  onnx: Buffer,
  metadata: Buffer,
  samples: SamplesDocument | undefined,
  version?: string,
) {
  const form = new FormData();
  form.set('model', new Blob([onnx]), 'model.onnx');
  form.set('metadata', new Blob([metadata], { type: 'application/json' }), 'metadata.json');
  if (samples) form.set('samples', new Blob([JSON.stringify(samples)], { type: 'application/json' }), 'samples.json');
  if (version) form.set('version', version);
  return callApi(target, `/v1/models/${model}/versions`, { method: 'POST', body: form }) as Promise<ImportAnswer>;
}

/** The stage's buckets and an S3 client for them: the local emulator on the local stage, AWS's default chain elsewhere. */
function stageBuckets(stage: string) {
  const local = stage === 'local';
  const s3 = new S3Client({
    ...(local && {
      endpoint: `http://localhost:${localSettings().s3Port}`,
      forcePathStyle: true,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  return { s3, uploads: `vigie-${stage}-uploads`, results: `vigie-${stage}-results` };
}

/** The version the S3 door will take, which it needs in its key: the one asked for, or the next free minor. */
async function doorVersion(target: ApiTarget, model: string, asked?: string): Promise<string> {
  if (asked) return asked;
  try {
    const described = (await callApi(target, `/v1/models/${model}`)) as { versions: { version: string }[] };
    return nextVersion(described.versions.map((entry) => entry.version));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return '1.0.0';
    throw error;
  }
}

async function viaS3Door(
  global: GlobalOptions,
  target: ApiTarget,
  model: string,
  onnx: Buffer,
  metadata: Buffer,
  samples: SamplesDocument | undefined,
  askedVersion?: string,
): Promise<ImportAnswer> {
  const version = await doorVersion(target, model, askedVersion);
  const { s3, uploads, results } = stageBuckets(global.stage);
  const prefix = `models/${model}/${version}/`;
  const bar = global.json ? undefined : progressBar('uploading', onnx.length);
  const upload = new Upload({ client: s3, params: { Bucket: uploads, Key: `${prefix}model.onnx`, Body: onnx } });
  upload.on('httpUploadProgress', (progress) => bar?.update(progress.loaded ?? 0));
  await upload.done();
  bar?.stop();
  if (samples) {
    await s3.send(new PutObjectCommand({ Bucket: uploads, Key: `${prefix}samples/samples.json`, Body: JSON.stringify(samples) }));
  }
  const started = Date.now();
  // Last: its upload starts the import.
  await s3.send(new PutObjectCommand({ Bucket: uploads, Key: `${prefix}metadata.json`, Body: metadata }));
  if (!global.json) console.error(`  checking ${model} ${version} (s3://${uploads}/${prefix})…`);
  while (Date.now() - started < S3_DOOR_WAIT_MS) {
    await new Promise((done) => setTimeout(done, 1000));
    const outcome = await s3
      .send(new GetObjectCommand({ Bucket: results, Key: importOutcomeKey(model, version) }))
      // An outcome older than this upload (S3 keeps whole seconds) is an earlier import's answer at the same number.
      .then(async (object) =>
        (object.LastModified?.getTime() ?? 0) < Math.floor(started / 1000) * 1000
          ? undefined
          : (JSON.parse(await object.Body!.transformToString()) as ImportAnswer),
      )
      .catch(() => undefined);
    if (!outcome) continue;
    if (outcome.status === 'refused') throw new ApiError(422, outcome);
    return outcome;
  }
  throw new Error(
    `No outcome for ${model} ${version} after ${S3_DOOR_WAIT_MS / 60000} minutes: see the imports function's logs.`,
  );
}

async function importVersion(file: string, options: ImportOptions, global: GlobalOptions): Promise<void> {
  const model = modelArgument(options.name);
  const onnx = await readInput(file, 'model');
  const metadata = await readInput(options.spec, 'metadata');
  const samples = options.samples ? await readSamples(options.samples) : undefined;
  const target = await apiTarget(global);
  const size = onnx.length + metadata.length + (samples ? JSON.stringify(samples).length : 0);
  const answer =
    size <= HTTP_LIMIT
      ? await viaHttp(target, model, onnx, metadata, samples, options.version)
      : await viaS3Door(global, target, model, onnx, metadata, samples, options.version);
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
      '\nModels up to 4 MiB go through the HTTP API; larger ones through the S3 door (your AWS credentials on a\n' +
        'deployed stage). A refusal names the check that failed.\n\nExample:\n' +
        '  vigie models import out/model.onnx --name my-iris --spec out/metadata.json --samples out/samples',
    )
    .action((file: string, options: ImportOptions, command: Command) =>
      importVersion(file, options, command.optsWithGlobals<GlobalOptions>()),
    );
}
