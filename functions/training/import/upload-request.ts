import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { InvalidInputError } from '../../platform/errors';

/** How long the upload URLs stay valid: long enough for a large model on a slow line, short enough not to linger. */
export const UPLOAD_URL_SECONDS = 15 * 60;

/** Sample pictures a samples.json may name (samples.ts takes at most 100 samples). */
const MAX_SAMPLE_FILES = 100;

const samplePath = z.string().check(
  z.regex(/^samples\/[\w.-]+(\/[\w.-]+)*$/, 'a path under samples/ of letters, digits, ".", "_" and "-"'),
  z.refine((path) => !path.split('/').some((part) => part === '..' || part === '.'), 'no "." or ".." segment'),
);

/**
 * The body of POST /v1/models/{model}/imports (upload-urls.ts), apart from the presigning: the OpenAPI document and
 * the CLI read it without loading what imports run (onnxruntime, sharp).
 */
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
