import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { InvalidInputError, PayloadTooLargeError, VigieError } from '../../platform/errors';
import { logger } from '../../platform/telemetry';
import { AUDIT_SCHEMA_VERSION, type ModelImportAuditEvent } from '../../records/audit';
import { VERSION, type ModelMetadata } from '../../serving/model-spec';
import type { ModelRegistry } from '../../serving/registry';
import { nextVersion, versionExists, type BucketModels } from '../model-bucket';
import { checkTrainableName } from '../trainable';
import { checkModel, type ImportFigures, type ImportProvenance } from './check-model';
import { importMetadata } from './import-metadata';
import { parseSamples } from './samples';

export interface ImportDeps {
  models: BucketModels;
  /** The shipped models: names an import may not take, as a training may not. */
  shipped: Pick<ModelRegistry, 'shippedNames'>;
  /** Where the artifact is written to be loaded as a serving container loads it (Lambda: /tmp). */
  scratchDir: string;
  maxBytes: number;
  now: () => Date;
}

export interface ImportRequest {
  model: string;
  /** The version asked for; absent, the next free minor (1.0.0 for a new model). */
  version?: string;
  onnx: Uint8Array;
  /** The metadata document as sent, not yet validated. */
  metadata: unknown;
  /** The samples document as sent (pictures inline), if any. */
  samples?: unknown;
  source: 'http' | 's3';
  requestId: string;
  callerPseudonym?: string;
}

export interface ImportOutcome {
  model: string;
  version: string;
  status: 'pending';
  sha256: string;
  bytes: number;
  figures: ImportFigures;
}

/** The answer of every door once a version is registered: what the CLI prints, and the checks' figures. */
export const importAnswer = (outcome: ImportOutcome) => ({
  model: outcome.model,
  version: outcome.version,
  status: outcome.status,
  sha256: outcome.sha256,
  bytes: outcome.bytes,
  checks: outcome.figures,
});

/**
 * One import, whichever door it came through (the HTTP route, the S3 prefix): the name may be imported, the version
 * is free, the metadata passes the schema, the model passes every check of check-model.ts, then the version is
 * registered as pending in the models bucket, number claimed by a conditional write, card generated. Refusals are
 * VigieErrors (422 `model-import-refused` naming the check; 409; 413); every outcome is audited.
 */
export async function importModel(deps: ImportDeps, request: ImportRequest): Promise<ImportOutcome> {
  const { model, onnx } = request;
  const sha256 = createHash('sha256').update(onnx).digest('hex');
  const audit = (fields: Partial<ModelImportAuditEvent>) => {
    const event: ModelImportAuditEvent = {
      event: 'model-import',
      schemaVersion: AUDIT_SCHEMA_VERSION,
      timestamp: deps.now().toISOString(),
      requestId: request.requestId,
      ...(request.callerPseudonym && { callerPseudonym: request.callerPseudonym }),
      source: request.source,
      model,
      bytes: onnx.length,
      ...(onnx.length > 0 && { modelSha256: sha256 }),
      status: 'refused',
      ...fields,
    };
    logger.info('model-import', { audit: event });
  };
  try {
    const outcome = await run(deps, request, sha256);
    audit({ status: 'pending', modelVersion: outcome.version });
    return outcome;
  } catch (error) {
    const code = error instanceof VigieError ? error.code : 'internal-error';
    const check = error instanceof VigieError ? (error.extensions?.check as string | undefined) : undefined;
    audit({ errorCode: code, ...(check && { check }), ...(request.version && { modelVersion: request.version }) });
    throw error;
  }
}

/**
 * The version an import of `model` takes: the one asked for, or the next free minor (1.0.0 for a new model). Refused
 * at once when the name is a shipped model's, the number is malformed or already taken (read past the cache: a
 * version imported or trained a moment ago is taken); the conditional write at registration settles any race left.
 */
export async function importVersion(
  deps: Pick<ImportDeps, 'models' | 'shipped'>,
  model: string,
  asked?: string,
): Promise<string> {
  await checkTrainableName(deps.shipped, model);
  if (asked !== undefined && !VERSION.test(asked)) {
    throw new InvalidInputError('invalid-version', `Version '${asked.slice(0, 40)}' is not of the form 1.2.3.`);
  }
  deps.models.forget();
  const existing = (await deps.models.listing()).get(model) ?? [];
  if (asked !== undefined && existing.includes(asked)) throw versionExists(model, asked);
  return asked ?? nextVersion(existing);
}

async function run(deps: ImportDeps, request: ImportRequest, sha256: string): Promise<ImportOutcome> {
  const { model, onnx } = request;
  const version = await importVersion(deps, model, request.version);
  if (onnx.length === 0) throw new InvalidInputError('empty-input', 'The model file is empty.');
  if (onnx.length > deps.maxBytes) {
    throw new PayloadTooLargeError(`The model is ${onnx.length} bytes; an import takes at most ${deps.maxBytes}.`);
  }
  const metadata = importMetadata(request.metadata, { model, version, sha256, bytes: onnx.length });
  await deps.models.checkInputKind(model, metadata.input.kind);
  const samples = request.samples === undefined ? undefined : parseSamples(request.samples);
  const figures = await checkModel(onnx, metadata, samples, join(deps.scratchDir, randomUUID()));
  const imported: ModelMetadata = {
    ...metadata,
    training: {
      ...metadata.training,
      import: {
        importedAt: deps.now().toISOString(),
        source: request.source,
        ...(request.callerPseudonym && { callerPseudonym: request.callerPseudonym }),
        ...figures,
      } satisfies ImportProvenance,
    },
  };
  const registered = await deps.models.register(imported, onnx, { exact: request.version !== undefined });
  return { model, version: registered.version, status: 'pending', sha256, bytes: onnx.length, figures };
}
