import { createHash } from 'node:crypto';
import type { S3Event } from 'aws-lambda';
import { ConflictError, InvalidInputError, PayloadTooLargeError, VigieError } from '../platform/errors';
import { logger } from '../platform/telemetry';
import type { Pseudonymise } from '../records/pseudonym';
import { importAnswer, importModel, type ImportDeps } from '../training/import/import-model';
import { inlineSampleFiles, parseSamples } from '../training/import/samples';
import type { BucketFiles } from '../uploads/bucket-files';
import { uploadIdentities } from '../uploads/announced-object';
import { decodeEventKey } from '../uploads/upload-key';

export interface UploadDoorDeps extends ImportDeps {
  files: BucketFiles;
  resultsBucket: string;
  pseudonymiser: Promise<Pseudonymise>;
}

/** Where the S3 door writes what came of an import, in the results bucket: read by `vigie models import` and people. */
const IMPORT_FILES = ['metadata.json', 'model.onnx'];

export const importOutcomeKey = (model: string, version: string) => `imports/${model}/${version}.json`;

/**
 * `models/<model>/<version>/metadata.json` or `…/model.onnx`: the two files of an import, in either order; the
 * second to arrive starts it (samples/ come before it).
 */
function importKey(encoded: string): { model: string; version: string; prefix: string } | undefined {
  let key: string;
  try {
    key = decodeEventKey(encoded);
  } catch {
    return undefined;
  }
  const [root, model, version, file, ...rest] = key.split('/');
  if (root !== 'models' || !model || !version || !IMPORT_FILES.includes(file ?? '') || rest.length > 0) return undefined;
  return { model, version, prefix: `models/${model}/${version}/` };
}

/** A file of the upload's folder, exactly as it is now; undefined when it is not there. */
async function readFile(files: BucketFiles, bucket: string, key: string) {
  const head = await files.head(bucket, key);
  if (!head) return undefined;
  const bytes = await files.readIfUnchanged({ bucket, key, eTag: head.eTag });
  return bytes && { bytes, metadata: head.metadata };
}

const parseJson = (bytes: Uint8Array, name: string): unknown => {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new InvalidInputError('invalid-json', `${name} is not valid JSON.`);
  }
};

/**
 * The S3 door: `model.onnx` and `metadata.json` uploaded to `models/<model>/<version>/` in the uploads bucket, in
 * either order, are imported when the second arrives, with `samples/samples.json` and its pictures if they are
 * already there, at exactly that version. What came of
 * it (the version registered, or the problem that refused it) is written to `imports/<model>/<version>.json` in the
 * results bucket. A redelivered notification finds the version registered with the same file and changes nothing; a
 * failure of the platform (not of the upload) is thrown, for Lambda's retries.
 */
export async function importFromUpload(deps: UploadDoorDeps, event: S3Event, requestId: string): Promise<void> {
  for (const record of event.Records) {
    const target = importKey(record.s3.object.key);
    if (!target) continue;
    const { model, version, prefix } = target;
    const bucket = record.s3.bucket.name;
    let outcome: Record<string, unknown>;
    try {
      // The first of the two files waits for the second, whose notification starts the import.
      const modelHead = await deps.files.head(bucket, `${prefix}model.onnx`);
      const metadata = modelHead && (await readFile(deps.files, bucket, `${prefix}metadata.json`));
      if (!modelHead || !metadata) continue;
      // Refused before it is read: a model past the limit would only fill the function's memory.
      if (modelHead.bytes > deps.maxBytes) {
        throw new PayloadTooLargeError(
          `${prefix}model.onnx is ${modelHead.bytes} bytes; an import takes at most ${deps.maxBytes}.`,
        );
      }
      const onnx = await readFile(deps.files, bucket, `${prefix}model.onnx`);
      if (!onnx) continue;
      const samplesFile = await readFile(deps.files, bucket, `${prefix}samples/samples.json`);
      const samples =
        samplesFile &&
        (await inlineSampleFiles(parseSamples(parseJson(samplesFile.bytes, 'samples/samples.json')), async (file) => {
          const found = await readFile(deps.files, bucket, `${prefix}samples/${file}`);
          if (!found)
            throw new InvalidInputError('missing-part', `samples.json names ${file}, which is not in ${prefix}samples/.`);
          return found.bytes;
        }));
      const { callerId } = uploadIdentities({ Metadata: metadata.metadata }, await deps.pseudonymiser);
      const imported = await importModel(deps, {
        model,
        version,
        onnx: onnx.bytes,
        metadata: parseJson(metadata.bytes, 'metadata.json'),
        samples,
        source: 's3',
        requestId,
        ...(callerId && { callerPseudonym: callerId }),
      });
      outcome = importAnswer(imported);
    } catch (error) {
      if (!(error instanceof VigieError) || !error.exposeMessage) throw error;
      if (
        error instanceof ConflictError &&
        error.code === 'version-exists' &&
        (await sameArtifact(deps, bucket, prefix, model, version))
      ) {
        logger.info('import already done: a redelivered notification', { model, modelVersion: version });
        continue;
      }
      outcome = {
        model,
        version,
        status: 'refused',
        httpStatus: error.status,
        code: error.code,
        detail: error.message,
        ...error.extensions,
      };
    }
    await deps.files.put(
      deps.resultsBucket,
      importOutcomeKey(model, version),
      // `at`: which import this is the outcome of, when a refused one is retried at the same number.
      Buffer.from(`${JSON.stringify({ ...outcome, at: deps.now().toISOString() }, null, 2)}\n`),
      'application/json',
    );
  }
}

/** Whether the version registered is this upload's file (a redelivery), not another model's at the same number. */
async function sameArtifact(deps: UploadDoorDeps, bucket: string, prefix: string, model: string, version: string) {
  const onnx = await readFile(deps.files, bucket, `${prefix}model.onnx`);
  if (!onnx) return false;
  const sha256 = createHash('sha256').update(onnx.bytes).digest('hex');
  return (await deps.models.current(model, version)).metadata.artifact.sha256 === sha256;
}
