import type { PredictionRecord } from '../records/records';
import { uploadPredictionId } from './upload-key';

/**
 * Replay (docs/architecture.md, D22): once a model is enabled again, the uploads it held (records `failed`
 * with `model-disabled`) and the uploads whose events were dead-lettered are run again through the preprocess
 * function, each exactly once. The record is the ledger: an upload is run only while its record does not say how
 * it ended, and only under a claim that one replay at a time can hold. A claim left by a replay that died (the
 * platform restarted under it) is taken again once older than any run it started could last (`leaseMs`).
 */

/** An upload's object version, as an S3 event names it: what the preprocess function is given again. */
export interface UploadObject {
  bucket: string;
  key: string;
  eTag: string;
  sequencer?: string;
  /** When the upload was announced (its S3 event's time, else the object's Last-Modified). */
  eventTime: string;
}

/** One upload found to run again: its prediction id, where it was found, and its object. */
export interface ReplayItem {
  predictionId: string;
  from: 'held' | 'dead-letter';
  object: UploadObject;
  /** Dead letters: lets go of the letter once its upload ended (deleted from the folder or the queue). */
  settle?: () => Promise<void>;
}

/** The held uploads: records of the model that say `failed` with `model-disabled`, and the claim on each. */
export interface HeldUploads {
  held(model: string): AsyncIterable<PredictionRecord>;
  /** Claims a held record for this replay: false when it no longer is held, or a live claim is on it. */
  claim(predictionId: string, now: Date, staleBefore: Date): Promise<boolean>;
  /** The record as it is now (strongly consistent): whether a dead-lettered upload already ended. */
  get(predictionId: string): Promise<PredictionRecord | undefined>;
}

/** Dead-lettered uploads of a model (the local folder, or the SQS queue in AWS), each claimed as it is handed out. */
export interface DeadLetters {
  claim(model: string, now: Date, staleBefore: Date): Promise<ReplayItem[]>;
}

export interface ReplayDeps {
  uploads: HeldUploads;
  deadLetters: DeadLetters;
  /** The object now under `key` (HeadObject): its ETag and Last-Modified, or undefined when it is gone. */
  locate(bucket: string, key: string): Promise<{ eTag: string; lastModified: Date } | undefined>;
  /** Runs the upload through the preprocess function and waits for it to end (records its outcome). */
  rerun(object: UploadObject): Promise<void>;
  now: () => Date;
  uploadsBucket: string;
  /** Longer than the lifecycle function's timeout plus the preprocess function's: a claim past it is dead. */
  leaseMs: number;
  /** Stop starting runs past this: the answer says how many remain, and the next call goes on. */
  deadline: number;
}

export interface ReplayAnswer {
  /** The uploads run again by this call, by prediction id. */
  replayed: Array<{ predictionId: string; from: ReplayItem['from']; status?: string }>;
  /** Dead letters whose upload had already ended: let go of, not run. */
  settled: string[];
  /** Found but not run by this call (time ran out, or another replay holds them): call again. */
  remaining: number;
}

/** A record that says how its upload ended: never run again. */
const ended = (record: PredictionRecord | undefined) =>
  record !== undefined && (record.status === 'succeeded' || record.status === 'rejected');

/** The held records of the model as objects to run: those whose object is still the one the record was made for. */
async function heldItems(deps: ReplayDeps, model: string): Promise<ReplayItem[]> {
  const items: ReplayItem[] = [];
  for await (const record of deps.uploads.held(model)) {
    if (record.error?.code !== 'model-disabled' || !record.inputKey) continue;
    const found = await deps.locate(deps.uploadsBucket, record.inputKey);
    // The record's id is the object's (bucket, key, ETag): another object under the key now has its own event.
    if (!found || uploadPredictionId(deps.uploadsBucket, record.inputKey, found.eTag) !== record.predictionId) continue;
    items.push({
      predictionId: record.predictionId,
      from: 'held',
      object: { bucket: deps.uploadsBucket, key: record.inputKey, eTag: found.eTag, eventTime: found.lastModified.toISOString() },
    });
  }
  return items;
}

/**
 * Runs the model's held and dead-lettered uploads again, a few at a time, until none is left or the deadline:
 * each held record is claimed before its run, each dead letter came claimed, and an upload whose record already
 * says how it ended is never run again.
 */
export async function replayUploads(deps: ReplayDeps, model: string, concurrency = 4): Promise<ReplayAnswer> {
  const now = deps.now();
  const staleBefore = new Date(now.getTime() - deps.leaseMs);
  const queue = [...(await heldItems(deps, model)), ...(await deps.deadLetters.claim(model, now, staleBefore))];
  const answer: ReplayAnswer = { replayed: [], settled: [], remaining: 0 };
  const next = async (): Promise<void> => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      if (Date.now() > deps.deadline) {
        answer.remaining += 1;
        continue;
      }
      if (item.from === 'held' && !(await deps.uploads.claim(item.predictionId, now, staleBefore))) {
        // Another replay holds it, or it ended meanwhile: counted as remaining only while it is still held.
        if (!ended(await deps.uploads.get(item.predictionId))) answer.remaining += 1;
        continue;
      }
      if (item.from === 'dead-letter' && ended(await deps.uploads.get(item.predictionId))) {
        await item.settle?.();
        answer.settled.push(item.predictionId);
        continue;
      }
      await deps.rerun(item.object);
      await item.settle?.();
      answer.replayed.push({
        predictionId: item.predictionId,
        from: item.from,
        status: (await deps.uploads.get(item.predictionId))?.status,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, next));
  return answer;
}
