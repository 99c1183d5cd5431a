import { TOMBSTONE_DAYS, type ErasureLedger } from '../records/erasure-ledger';
import type { Pseudonymise } from '../records/pseudonym';
import type { PredictionRecord, PredictionStore } from '../records/records';
import type { TrainingRecord } from '../training/training-store';
import { normaliseSubjectId } from '../records/subject-id';
import type { SubjectIndex } from '../records/subject-index';
import type { BucketFiles } from '../uploads/bucket-files';
import {
  eraseTrainings,
  exportedTrainings,
  trainedVersions,
  trainingFileRole,
  type SubjectTrainingDeps,
  type TrainedVersion,
} from './subject-trainings';

export interface SubjectDataDeps extends SubjectTrainingDeps {
  files: Omit<BucketFiles, 'put'>;
  predictions: SubjectIndex<PredictionRecord> & Pick<PredictionStore, 'delete'>;
  erasures: ErasureLedger;
  pseudonymise: Pseudonymise;
  uploadsBucket: string;
  resultsBucket: string;
  now: () => Date;
  /** Pause before the second sweep of an erasure, for work that was under way during the first. */
  settleMs: number;
}

/**
 * A file held about the subject: an upload (recorded or still in flight), what was derived from one, or the table
 * of a training (`training-upload` under `training/`, `training-request` for one sent over HTTP).
 */
export interface SubjectFile {
  role: 'upload' | 'annotated' | 'quarantine' | 'batch-output' | 'training-upload' | 'training-request';
  bucket: string;
  key: string;
  /** Absent for an upload not processed yet. */
  predictionId?: string;
  trainingId?: string;
  /**
   * A batch output named by its input key alone, as before #20.3: a later upload to that key may have overwritten
   * it with someone else's rows, so it is erased with the subject but its content is not exported.
   */
  mayBeShared?: true;
}

/**
 * Uploads still waiting for processing are found by listing `incoming/`: only objects this recent (Lambda retries
 * an S3 event for 6 hours at most), and at most this many listed, so an erasure fits its function's timeout. Later
 * processing of anything missed honours the erasure's tombstone instead.
 */
export const IN_FLIGHT_WINDOW_MS = 6 * 3_600_000;
export const IN_FLIGHT_LIST_LIMIT = 20_000;

/**
 * Whom an export or erasure is about: the pseudonym of their identifier as every entry reads it now, and those it
 * may have been recorded under before identifiers were normalised (`formerSpellings` in subject-id.ts).
 */
export interface Subject {
  pseudonym: string;
  formerPseudonyms: string[];
}

/**
 * Derived files are named by their prediction (annotatedKeyFor in functions/preprocess/process-upload.ts,
 * quarantineKeyFor in functions/uploads/upload-key.ts, batchOutputKeyFor in functions/batch/process-batch.ts), so
 * a record's derived files are its own. An upload's key is not: anyone may upload to it again, so uploads are
 * claimed by their `subject-id` metadata when read (see `ownedBy`).
 */
function recordFiles(deps: SubjectDataDeps, records: PredictionRecord[]): SubjectFile[] {
  const files: SubjectFile[] = [];
  for (const { predictionId, ...record } of records) {
    if (record.source === 's3' && record.inputKey)
      files.push({ role: 'upload', bucket: deps.uploadsBucket, key: record.inputKey, predictionId });
    if (record.annotatedKey)
      files.push({ role: 'annotated', bucket: deps.resultsBucket, key: record.annotatedKey, predictionId });
    if (record.quarantineKey)
      files.push({ role: 'quarantine', bucket: deps.resultsBucket, key: record.quarantineKey, predictionId });
    // A batch's scored CSV holds every input row (#20.2).
    const output = record.result && 'outputKey' in record.result ? record.result.outputKey : undefined;
    if (output) {
      const mayBeShared = output.includes(predictionId) ? {} : { mayBeShared: true as const };
      files.push({ role: 'batch-output', bucket: deps.resultsBucket, key: output, predictionId, ...mayBeShared });
    }
  }
  // One key uploaded twice by the same person is one file now.
  return [...new Map(files.map((file) => [`${file.bucket}/${file.key}`, file])).values()];
}

/** The tables of the subject's trainings not erased yet (an erased record no longer says where its table was). */
const trainingFiles = (deps: SubjectDataDeps, trainings: TrainingRecord[]): SubjectFile[] =>
  trainings.flatMap(({ trainingId, inputKey, ...training }) =>
    inputKey ? [{ role: trainingFileRole(training), bucket: deps.uploadsBucket, key: inputKey, trainingId }] : [],
  );

/** Keys anyone may upload to again: the object there is the subject's only if its `subject-id` names them. */
const claimedByMetadata = (file: SubjectFile) => file.role === 'upload' || file.role === 'training-upload';

/** Recent keys under `prefix` that no record names: candidates for uploads still in flight. */
async function recentUploadKeys(
  deps: SubjectDataDeps,
  prefix: 'incoming/' | 'training/',
  known: Set<string>,
): Promise<{ keys: string[]; complete: boolean }> {
  const since = deps.now().getTime() - IN_FLIGHT_WINDOW_MS;
  const keys: string[] = [];
  let listed = 0;
  let token: string | undefined;
  do {
    const page = await deps.files.list(deps.uploadsBucket, prefix, token);
    for (const file of page.files) {
      listed += 1;
      if (!known.has(file.key) && (file.lastModified?.getTime() ?? 0) >= since) keys.push(file.key);
    }
    token = page.next;
  } while (token && listed < IN_FLIGHT_LIST_LIMIT);
  return { keys, complete: token === undefined };
}

interface HeldFile extends SubjectFile {
  bytes: number;
  contentType?: string;
  eTag: string;
  lastModified: Date;
}

/**
 * The file as it is now, if it is there and is the subject's: an upload whose `subject-id` metadata names
 * someone else (or no one) is not theirs, whatever record once named its key (#11.1).
 */
async function ownedBy(deps: SubjectDataDeps, file: SubjectFile, subjectPseudonym: string): Promise<HeldFile | undefined> {
  const head = await deps.files.head(file.bucket, file.key);
  if (!head) return undefined;
  const subject = normaliseSubjectId(head.metadata['subject-id'] ?? '');
  if (claimedByMetadata(file) && (!subject || deps.pseudonymise(subject) !== subjectPseudonym)) return undefined;
  const { bytes, contentType, eTag, lastModified } = head;
  return { ...file, bytes, contentType, eTag, lastModified };
}

/**
 * Everything held about the subject: records, their files, and uploads in flight that name them. With `until`
 * (an erasure's time), only what existed then: a person may come back after an erasure, and what they send
 * afterwards is new data, not the erased (S3's Last-Modified has one-second resolution, so an upload in the same
 * second as the erasure counts as before it).
 */
async function subjectHoldings(deps: SubjectDataDeps, subject: Subject, until?: Date) {
  const { pseudonym: subjectPseudonym } = subject;
  const before = (time: Date) => !until || time.getTime() <= until.getTime();
  const recorded: PredictionRecord[] = [];
  const trained: TrainingRecord[] = [];
  for (const pseudonym of [subjectPseudonym, ...subject.formerPseudonyms]) {
    recorded.push(...(await deps.predictions.bySubject(pseudonym)));
    trained.push(...(await deps.trainings.bySubject(pseudonym)));
  }
  const records = recorded.filter((record) => before(new Date(record.createdAt)));
  const trainings = trained.filter((training) => before(new Date(training.createdAt)));
  const fromRecords = [...recordFiles(deps, records), ...trainingFiles(deps, trainings)];
  const recordedUploads = new Set(fromRecords.filter(claimedByMetadata).map((f) => f.key));
  const recent = await recentUploadKeys(deps, 'incoming/', recordedUploads);
  // A training upload is recorded as soon as its event arrives: one not yet is still in flight.
  const recentTables = await recentUploadKeys(deps, 'training/', recordedUploads);
  const candidates = [
    ...fromRecords,
    ...recent.keys.map((key): SubjectFile => ({ role: 'upload', bucket: deps.uploadsBucket, key })),
    ...recentTables.keys.map((key): SubjectFile => ({ role: 'training-upload', bucket: deps.uploadsBucket, key })),
  ];
  const files: HeldFile[] = [];
  for (const candidate of candidates) {
    const held = await ownedBy(deps, candidate, subjectPseudonym);
    if (held && (!claimedByMetadata(held) || before(held.lastModified))) files.push(held);
  }
  return {
    records,
    trainings,
    files,
    inFlightUploads: files.filter((f) => !f.predictionId && !f.trainingId).length,
    scanComplete: recent.complete && recentTables.complete,
  };
}

export interface ErasureReceipt {
  subjectPseudonym: string;
  erasedAt: string;
  predictions: number;
  files: number;
  /** Uploads not processed yet when the erasure ran (already counted in `files`). */
  inFlightUploads: number;
  /** Until then, an upload made before the erasure and processed after it is deleted instead of recorded. */
  tombstoneUntil: string;
  /** False when `incoming/` held more recent objects than one erasure lists: the tombstone covers the rest. */
  inFlightScanComplete: boolean;
  /** Ended trainings on the subject's tables whose records lost their personal parts (#20.4). */
  trainings: number;
  /** Trainings still running on a table of theirs (now deleted): run the erasure again once they end. */
  trainingsInProgress: number;
  /** `model@version` of the versions trained on their data, now marked `trainedOnErasedSubject`. */
  modelVersionsFlagged: string[];
  /** What stays, and for how long, so the receipt is honest about it. */
  retained: string[];
}

/** Deletes what one sweep finds: files first, then records, so a run cut short is found again by a rerun. */
async function sweep(deps: SubjectDataDeps, subject: Subject, at: Date) {
  const holdings = await subjectHoldings(deps, subject, at);
  for (const file of holdings.files) {
    // Marked before it goes: its S3 event, if still to come, then ends quietly instead of recording the key.
    if (file.role === 'upload') await deps.erasures.markObjectErased({ bucket: file.bucket, key: file.key, eTag: file.eTag }, at);
    // Uploads go by their ETag: one replaced since it was checked is someone else's now, and stays.
    if (claimedByMetadata(file)) await deps.files.deleteIfUnchanged({ bucket: file.bucket, key: file.key, eTag: file.eTag });
    else await deps.files.delete(file.bucket, file.key);
  }
  const trainings = await eraseTrainings(deps, holdings.trainings, at);
  for (const record of holdings.records) await deps.predictions.delete(record.predictionId);
  return { ...holdings, erasedTrainings: trainings };
}

/**
 * GDPR Art. 17. The tombstone is written first: from then on, any processing of the subject's data that finishes
 * withdraws what it wrote, and anything that finished before is found by the sweeps. The second sweep, after a
 * pause, catches work that was between those two points during the first (#11.2).
 */
export async function eraseSubject(deps: SubjectDataDeps, subject: Subject): Promise<ErasureReceipt> {
  const at = deps.now();
  // Under the pseudonym every entry gives today: former spellings are no longer produced (subject-id.ts).
  await deps.erasures.recordErasure(subject.pseudonym, at);
  const first = await sweep(deps, subject, at);
  await new Promise((resolve) => setTimeout(resolve, deps.settleMs));
  const second = await sweep(deps, subject, at);
  return {
    subjectPseudonym: subject.pseudonym,
    erasedAt: at.toISOString(),
    predictions: first.records.length + second.records.length,
    files: first.files.length + second.files.length,
    inFlightUploads: first.inFlightUploads + second.inFlightUploads,
    tombstoneUntil: new Date(at.getTime() + TOMBSTONE_DAYS * 86_400_000).toISOString(),
    inFlightScanComplete: first.scanComplete && second.scanComplete,
    trainings: first.erasedTrainings.redacted + second.erasedTrainings.redacted,
    trainingsInProgress: second.erasedTrainings.inProgress,
    modelVersionsFlagged: [...new Set([...first.erasedTrainings.flagged, ...second.erasedTrainings.flagged])],
    retained: [
      'Audit log events naming the pseudonym (never the identifier), until the log retention ends (30 days): kept for accountability (Art. 5(2), 17(3)(b)).',
      `The erasure tombstone (the pseudonym and this time, in the erasures table) for ${TOMBSTONE_DAYS} days, so that uploads still in flight are erased when they arrive.`,
      'Point-in-time backups of the tables roll over within 35 days.',
      'Model versions trained on their data keep what they learnt (category values among it) and are marked trainedOnErasedSubject: their owner retrains or records why they stay; their training records keep that a training ran, when and for which model.',
    ],
  };
}

/** Exports embed file contents up to this total; beyond it they list the files (a Lambda answer is 6 MB at most). */
export const EXPORT_CONTENT_LIMIT_BYTES = 3 * 1024 * 1024;

export interface SubjectExport {
  subjectPseudonym: string;
  exportedAt: string;
  notice: string;
  predictions: Array<PredictionRecord & { automated: true }>;
  /** Trainings on tables about them, as GET /v1/trainings/{id} shows them, and the versions they registered. */
  trainings: ReturnType<typeof exportedTrainings>;
  modelVersions: TrainedVersion[];
  files: Array<SubjectFile & { bytes: number; contentType?: string; contentBase64?: string }>;
  contentIncluded: boolean;
}

/** GDPR Art. 15 and 20: every record about the subject and every file held, with contents when they fit. */
export async function exportSubject(deps: SubjectDataDeps, subject: Subject): Promise<SubjectExport> {
  const { pseudonym: subjectPseudonym } = subject;
  const { records, trainings, files: held } = await subjectHoldings(deps, subject);
  const files: SubjectExport['files'] = [];
  let total = 0;
  for (const { role, bucket, key, predictionId, trainingId, bytes, contentType, eTag, mayBeShared } of held) {
    const file = { role, bucket, key, predictionId, trainingId, bytes, contentType, ...(mayBeShared && { mayBeShared }) };
    if (!mayBeShared) total += bytes;
    // Past the limit nothing more is read: a person with many uploads must not exhaust the function's memory.
    const fits = total <= EXPORT_CONTENT_LIMIT_BYTES && !mayBeShared;
    const content = fits ? await deps.files.readIfUnchanged({ bucket, key, eTag }) : undefined;
    files.push({ ...file, contentBase64: content && Buffer.from(content).toString('base64') });
  }
  const contentIncluded = total <= EXPORT_CONTENT_LIMIT_BYTES;
  return {
    subjectPseudonym,
    exportedAt: deps.now().toISOString(),
    notice:
      'Each prediction below is an automated decision made by a machine-learning model (automated: true), without human review. ' +
      'You may ask for human review or contest it through the controller.',
    predictions: records.map((record) => ({ ...record, automated: true as const })),
    trainings: exportedTrainings(trainings),
    modelVersions: await trainedVersions(deps, trainings),
    files: contentIncluded ? files : files.map(({ contentBase64: _omitted, ...listed }) => listed),
    contentIncluded,
  };
}
