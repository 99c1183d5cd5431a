import { CopyObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectVersion } from '../records/erasure-ledger';
import { isMissingObject, isPreconditionFailed } from '../platform/s3-errors';
import { deleteUpload } from './delete-upload';

/**
 * Moves a rejected upload out of the uploads bucket into the results bucket's quarantine prefix (server-side
 * copy, then delete). The copy drops the upload's metadata, which holds raw identifiers (`subject-id`): the
 * record keeps their pseudonyms (#11.6). The copy is of the checked object only (its ETag): an upload replaced
 * since is someone else's, neither quarantined under this record nor deleted. A redelivery finds the object
 * already gone, which is fine.
 */
export async function quarantine(
  deps: { s3: S3Client; resultsBucket: string },
  upload: ObjectVersion,
  quarantineKey: string,
  contentType?: string,
) {
  try {
    await deps.s3.send(
      new CopyObjectCommand({
        Bucket: deps.resultsBucket,
        Key: quarantineKey,
        CopySource: `${upload.bucket}/${upload.key.split('/').map(encodeURIComponent).join('/')}`,
        ...(upload.eTag && { CopySourceIfMatch: `"${upload.eTag}"` }),
        MetadataDirective: 'REPLACE',
        ContentType: contentType,
      }),
    );
  } catch (error) {
    if (isMissingObject(error) || isPreconditionFailed(error)) return;
    throw error;
  }
  await deleteUpload(deps.s3, upload);
}
