import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEventKey, encodeEventKey } from '../../functions/uploads/upload-key';

/** The notification S3 sends to Lambda; s3rver emits the same shape for every write. */
export interface S3Notification {
  Records: Array<{
    eventName: string;
    eventTime?: string;
    s3: {
      bucket: { name: string };
      object: { key: string; eTag?: string; versionId?: string; sequencer?: string; size?: number };
    };
  }>;
}

export interface QueuedNotification {
  id: string;
  event: S3Notification;
}

/**
 * S3 keeps an event it has accepted until Lambda has taken it, whatever happens to the caller. The local
 * platform does the same on disk: each notification is written to the queue folder before the upload is
 * answered (s3rver emits the event synchronously, before its response), removed once delivered or
 * dead-lettered, and what is left there is delivered again on the next start. Delivery is at least once, as in
 * AWS: the record id (bucket, key, ETag) makes a second delivery of the same event overwrite, not add.
 */
export function deliveryQueue(folder: string) {
  return {
    add(event: S3Notification): QueuedNotification {
      // Names sort by arrival, so a restart delivers the backlog in the order it came.
      const id = `${Date.now().toString().padStart(15, '0')}-${randomUUID()}`;
      const file = join(folder, `${id}.json`);
      // Written whole then renamed, so a crash mid-write never leaves half an event to resume.
      writeFileSync(`${file}.tmp`, JSON.stringify(event));
      renameSync(`${file}.tmp`, file);
      return { id, event };
    },
    remove(id: string): void {
      rmSync(join(folder, `${id}.json`), { force: true });
    },
    pending(): QueuedNotification[] {
      return readdirSync(folder)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => ({
          id: name.slice(0, -'.json'.length),
          event: JSON.parse(readFileSync(join(folder, name), 'utf8')) as S3Notification,
        }));
    },
  };
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// Real S3 URL-encodes keys in notifications; s3rver does not, so the platform does (as replay does, in functions/).
export { encodeEventKey } from '../../functions/uploads/upload-key';

/** Every form a key can take in an error text (raw, as in the event, JSON-escaped, URL-encoded), replaced. */
export function scrubKey(text: string, key: string): string {
  const forms = [key, encodeEventKey(key), encodeURIComponent(key), JSON.stringify(key).slice(1, -1)];
  return forms
    .filter((form) => form.length > 0)
    .sort((a, b) => b.length - a.length)
    .reduce((scrubbed, form) => scrubbed.split(form).join('[key]'), text);
}

/**
 * A dead letter without the raw key: people put names in keys, and dead letters outlive the upload's own
 * retention. It names the object by the SHA-256 of its key (hash the keys of a bucket listing to find it
 * again, README.md "Dead letters") and keeps what tells the version apart (ETag, version id, sequencer).
 */
export function deadLetter(event: S3Notification, error: string, attempts: number) {
  const record = event.Records[0];
  // An event of any shape may fail: one without an object is kept too.
  const object = record?.s3?.object;
  const key = object?.key ? decodeEventKey(object.key) : '';
  const { eTag, versionId, sequencer } = object ?? {};
  return {
    bucket: record?.s3?.bucket?.name,
    keySha256: sha256(key),
    eTag,
    versionId,
    sequencer,
    eventName: record?.eventName,
    eventTime: record?.eventTime,
    error: scrubKey(error, key),
    attempts,
    failedAt: new Date().toISOString(),
  };
}

/**
 * The dead letter of an asynchronous invocation of one of the functions (a CSV batch handed over by preprocess, a
 * training queued over HTTP) that failed every attempt: an S3 event is kept as deadLetter keeps it, a training by
 * its id alone, and nothing else of the payload.
 */
export function invocationDeadLetter(functionName: string, event: unknown, error: string, attempts: number) {
  const payload = (event ?? {}) as Partial<S3Notification> & { trainingId?: unknown };
  if (Array.isArray(payload.Records)) return { functionName, ...deadLetter(payload as S3Notification, error, attempts) };
  return {
    functionName,
    trainingId: typeof payload.trainingId === 'string' ? payload.trainingId : undefined,
    error,
    attempts,
    failedAt: new Date().toISOString(),
  };
}
