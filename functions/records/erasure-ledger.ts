import { createHash } from 'node:crypto';

/**
 * What an erasure leaves behind so that work already under way cannot bring the data back (GDPR Art. 17):
 * - a tombstone per erased subject pseudonym, with the time of the erasure: an upload made before it and
 *   processed after it is deleted instead of recorded, and a record written while the erasure ran is withdrawn;
 * - a marker per upload the erasure deleted before it was processed, so its late S3 event ends quietly instead
 *   of as an `input-gone` record that would keep the upload's key.
 * Both hold pseudonyms and hashes only, and expire once no event or dead letter can still arrive.
 */
export interface ErasureLedger {
  /** When the subject was last erased, if they were. */
  erasedAt(subjectPseudonym: string): Promise<Date | undefined>;
  recordErasure(subjectPseudonym: string, at: Date): Promise<void>;
  objectErased(object: ObjectVersion): Promise<boolean>;
  markObjectErased(object: ObjectVersion, at: Date): Promise<void>;
}

/** One upload as its S3 event names it. */
export interface ObjectVersion {
  bucket: string;
  key: string;
  eTag: string;
}

/**
 * Longer than anything that can still deliver an upload's event: Lambda's asynchronous retries (6 hours at most)
 * and the dead-letter queue's retention (14 days, infra/storage.yml), from which an operator may replay it.
 */
export const TOMBSTONE_DAYS = 15;

/** Whether an input that reached Vigie at `receivedAt` was covered by the subject's erasure. */
export async function erasedSince(ledger: ErasureLedger, subjectPseudonym: string, receivedAt: Date): Promise<boolean> {
  const erasedAt = await ledger.erasedAt(subjectPseudonym);
  return erasedAt !== undefined && receivedAt.getTime() <= erasedAt.getTime();
}

/** The key of an upload's marker: a hash, so the ledger holds no key of anyone's upload. */
export const objectId = ({ bucket, key, eTag }: ObjectVersion) =>
  `object:${createHash('sha256').update(`s3://${bucket}/${key}#${eTag}`).digest('hex')}`;
