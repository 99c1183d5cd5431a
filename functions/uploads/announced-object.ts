import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectVersion } from '../records/erasure-ledger';
import type { Pseudonymise } from '../records/pseudonym';
import { isMissingObject } from '../platform/s3-errors';
import { normaliseSubjectId } from '../records/subject-id';

/** The object an S3 event announced, read as it is now: the announced one, or a reason it no longer is. */
export type AnnouncedObject = { kind: 'present'; object: GetObjectCommandOutput } | { kind: 'gone' | 'replaced' };

const LAST_MODIFIED_SLACK_MS = 1_000;

/**
 * Reads exactly the object the event names (#11.4): S3 answers a GET with the ETag and Last-Modified of the bytes
 * it sends, so a body that is not the announced one (other bytes, or the same bytes uploaded again later, with
 * someone else's metadata) is recognised from the answer itself, with no window between a check and the read.
 * Last-Modified has one-second resolution, hence the slack. Used by every reader of uploads: preprocess (pictures)
 * and batch (CSV files).
 */
export async function openAnnounced(s3: S3Client, upload: ObjectVersion, eventTime: string): Promise<AnnouncedObject> {
  let object: GetObjectCommandOutput;
  try {
    object = await s3.send(new GetObjectCommand({ Bucket: upload.bucket, Key: upload.key }));
  } catch (error) {
    if (isMissingObject(error)) return { kind: 'gone' };
    throw error;
  }
  const announced = Date.parse(eventTime);
  const modified = object.LastModified?.getTime() ?? 0;
  // s3rver's Copy events carry no ETag (S3's do): then only the time can tell.
  const sameBytes = !upload.eTag || (object.ETag ?? '').replace(/"/g, '') === upload.eTag;
  if (!sameBytes || (Number.isFinite(announced) && modified > announced + LAST_MODIFIED_SLACK_MS)) {
    await object.Body?.transformToWebStream().cancel();
    return { kind: 'replaced' };
  }
  return { kind: 'present', object };
}

/**
 * Which version an upload asks for (`alias` or `version` metadata, as `?alias=` and `?version=` over HTTP);
 * blank is no choice: production.
 */
export function uploadRoute(object: Pick<GetObjectCommandOutput, 'Metadata'>): { alias?: string; version?: string } {
  const metadata = object.Metadata ?? {};
  return { alias: metadata.alias?.trim() || undefined, version: metadata.version?.trim() || undefined };
}

/** Whom an upload is about and who sent it, from its metadata (`subject-id`, `requested-by`), as pseudonyms. */
export function uploadIdentities(
  object: Pick<GetObjectCommandOutput, 'Metadata'>,
  pseudonymise: Pseudonymise,
): { subjectId?: string; callerId?: string } {
  const metadata = object.Metadata ?? {};
  // Read as the subjects route reads the identifier it is given (subject-id.ts); blank is no one.
  const subject = normaliseSubjectId(metadata['subject-id'] ?? '');
  const requester = normaliseSubjectId(metadata['requested-by'] ?? '');
  return {
    subjectId: subject ? pseudonymise(subject) : undefined,
    callerId: requester ? pseudonymise(requester) : undefined,
  };
}
