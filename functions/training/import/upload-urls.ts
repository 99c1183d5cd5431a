import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { InvalidInputError } from '../../platform/errors';
import { importVersion, type ImportDeps } from './import-model';

/** How long the URLs stay valid: long enough for a large model on a slow line, short enough not to linger. */
export const UPLOAD_URL_SECONDS = 15 * 60;
/** Sample pictures a samples.json may name (samples.ts takes at most 100 samples). */
const MAX_SAMPLE_FILES = 100;

const samplePath = z.string().check(
  z.regex(/^samples\/[\w.-]+(\/[\w.-]+)*$/, 'a path under samples/ of letters, digits, ".", "_" and "-"'),
  z.refine((path) => !path.split('/').some((part) => part === '..' || part === '.'), 'no "." or ".." segment'),
);

export const uploadRequestSchema = z.object({
  version: z.optional(z.string()),
  /** The samples folder's files (samples/samples.json and the pictures it names), when samples come along. */
  files: z.optional(z.array(samplePath).check(z.maxLength(MAX_SAMPLE_FILES + 1))),
});

export type UploadRequest = z.infer<typeof uploadRequestSchema>;

export function parseUploadRequest(body: unknown): UploadRequest {
  const parsed = uploadRequestSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError('invalid-body', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Presigned PUT URLs into the S3 door (`models/<model>/<version>/` in the uploads bucket) for a model too large for
 * the HTTP route: a key with `models:import` brings it without AWS credentials of its own. The version is chosen
 * now (and refused now when it cannot be had); metadata.json is listed last, since its upload starts the import.
 */
export async function uploadUrls(
  deps: Pick<ImportDeps, 'models' | 'shipped'> & { s3: S3Client; uploadsBucket: string; now: () => Date },
  model: string,
  request: UploadRequest,
) {
  const version = await importVersion(deps, model, request.version);
  const files = ['model.onnx', ...new Set(request.files ?? []), 'metadata.json'];
  const uploads = await Promise.all(
    files.map(async (file) => ({
      file,
      method: 'PUT' as const,
      url: await getSignedUrl(
        deps.s3,
        new PutObjectCommand({ Bucket: deps.uploadsBucket, Key: `models/${model}/${version}/${file}` }),
        { expiresIn: UPLOAD_URL_SECONDS },
      ),
    })),
  );
  return {
    model,
    version,
    expiresAt: new Date(deps.now().getTime() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    uploads,
    outcome: `/v1/models/${model}/imports/${version}`,
  };
}
