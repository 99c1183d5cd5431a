import { ImportRefusedError } from '../../platform/errors';
import { companionArtifacts, registeredModelMetadataSchema, type ModelMetadata } from '../../serving/model-spec';

/** What the import knows that the metadata's author may leave out: the name and version it asked for, the file. */
export interface ImportedArtifact {
  model: string;
  version: string;
  sha256: string;
  bytes: number;
}

/** Problems listed in one refusal: enough to fix a first draft in one go, bounded for a hostile document. */
const LISTED_ISSUES = 20;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The metadata a version is registered with: the author's document (the schema of models/<name>/<version>/
 * metadata.json) with the name given at import (it wins over the document's), the version being claimed, the
 * artifact as received, and the approval reset to pending whatever the document claims: only a person's decision
 * through the approval route serves a version. A document that still fails the schema is refused with every
 * problem's path, as `npm run governance` reports a shipped package's.
 */
export function importMetadata(raw: unknown, artifact: ImportedArtifact): ModelMetadata {
  if (!isObject(raw)) throw new ImportRefusedError('metadata-schema', 'the metadata must be a JSON object.');
  const claimed = isObject(raw.artifact) ? raw.artifact.sha256 : undefined;
  if (claimed !== undefined && claimed !== artifact.sha256) {
    throw new ImportRefusedError(
      'artifact-sha256',
      `the metadata says the artifact's SHA-256 is ${String(claimed)}, the file sent has ${artifact.sha256}.`,
    );
  }
  const governance = isObject(raw.governance) ? { ...raw.governance, approval: { status: 'pending' } } : raw.governance;
  const parsed = registeredModelMetadataSchema.safeParse({
    ...raw,
    name: artifact.model,
    version: artifact.version,
    artifact: { file: 'model.onnx', sha256: artifact.sha256, bytes: artifact.bytes },
    governance,
  });
  if (parsed.success) {
    // An import sends one file, the model: a page spec's ink segmenter or a detector's box refiner (shipped digits
    // and car-detector versions) would have none.
    if (companionArtifacts(parsed.data).length > 0) {
      throw new ImportRefusedError(
        'metadata-schema',
        'input.page.inkSegmenter / output.boxRefiner: an import carries one file, the model; a second network beside it is not imported.',
      );
    }
    return parsed.data;
  }
  const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(document)'}: ${issue.message}`);
  throw new ImportRefusedError(
    'metadata-schema',
    `the metadata does not follow the model metadata schema (governance/schemas/model-metadata.schema.json): ${issues
      .slice(0, LISTED_ISSUES)
      .join('; ')}${issues.length > LISTED_ISSUES ? `; and ${issues.length - LISTED_ISSUES} more` : ''}.`,
    { issues: issues.slice(0, LISTED_ISSUES) },
  );
}
