import { DeleteObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectVersion } from '../records/erasure-ledger';
import { isMissingObject, isPreconditionFailed } from '../platform/s3-errors';

/**
 * Deletes exactly this upload, never a newer object someone else put at the same key since it was read: a
 * conditional delete on its ETag (S3 honours If-Match on DeleteObject; the local s3rver is patched to). Returns
 * false when the object had already gone or changed, which the callers take as "nothing of theirs left there".
 */
export async function deleteUpload(s3: S3Client, upload: ObjectVersion): Promise<boolean> {
  try {
    await s3.send(
      new DeleteObjectCommand({ Bucket: upload.bucket, Key: upload.key, ...(upload.eTag && { IfMatch: `"${upload.eTag}"` }) }),
    );
    return true;
  } catch (error) {
    if (isMissingObject(error) || isPreconditionFailed(error)) return false;
    throw error;
  }
}
