import type { LeaderboardEntry } from './search';
import type { DataReport } from './profile';

export type TrainingStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** One training, as `GET /v1/trainings/{trainingId}` shows it (one DynamoDB item, key `trainingId`). */
export interface TrainingRecord {
  trainingId: string;
  model: string;
  status: TrainingStatus;
  /** 0 to 1, with the stage reached. */
  progress: number;
  stage: string;
  source: 's3' | 'http';
  /**
   * Where the CSV is (uploads bucket key): the uploader's own key for an S3 upload, shown to callers so that the
   * training an upload started can be found (`GET /v1/trainings?model=&inputKey=`); Vigie's own
   * `training-requests/` key for one sent over HTTP, never shown.
   */
  inputKey: string;
  target: string;
  task?: 'classification' | 'regression';
  metric?: string;
  timeBudgetSeconds: number;
  /** Identifier-like columns the uploader accepted to train on (`acceptIdentifiers`). */
  acceptIdentifiers?: string[];
  version?: string;
  dataSha256?: string;
  metrics?: Record<string, unknown>;
  leaderboard?: LeaderboardEntry[];
  dataReport?: DataReport;
  error?: { code: string; message: string };
  callerId?: string;
  /** Pseudonym of the person the table is about: the trainings table's `bySubject` index finds it (#20.4). */
  subjectId?: string;
  /** When a data-subject erasure removed the training file and the personal parts of this record. */
  erasedAt?: string;
  createdAt: string;
  updatedAt: string;
  expiresAt: number;
}

/** The port the trainings code reads and writes training records through; training-store-dynamodb.ts is its adapter. */
export interface TrainingStore {
  /** False when the id is already taken (a redelivered S3 event): the training is not started twice. */
  create(record: TrainingRecord): Promise<boolean>;
  get(trainingId: string): Promise<TrainingRecord | undefined>;
  update(trainingId: string, changes: Partial<TrainingRecord>): Promise<void>;
  /** Moves a queued training to running; false when it is not queued (another invocation already has it). */
  claim(trainingId: string, updatedAt: string): Promise<boolean>;
  /**
   * Removes from the training's record what came from the subject's table (data report, metrics, where the file
   * was) and their pseudonym, and notes `erasedAt`; false when the record no longer names the subject it was found
   * under (another erasure did it meanwhile).
   */
  eraseSubject(training: Pick<TrainingRecord, 'trainingId' | 'subjectId'>, at: Date): Promise<boolean>;
  /**
   * A model's trainings, newest first, `limit` at most, as summaries (the full record is `get`'s); `inputKey`
   * keeps those started by that upload. `next` is where the following page starts, absent on the last one.
   */
  listByModel(
    model: string,
    options: { limit: number; after?: TrainingPageKey; inputKey?: string },
  ): Promise<{ items: TrainingSummary[]; next?: TrainingPageKey }>;
}

/**
 * What a listing shows of each training: enough to find one and see how it went. The leaderboard, data report and
 * metrics stay with the full record: a page of 100 full records (each up to DynamoDB's 400 KB) would pass Lambda's
 * 6 MB answer, and the trainings table's `byModel` index projects these fields only (infra/automl.yml).
 */
export const TRAINING_SUMMARY_FIELDS = [
  'trainingId',
  'model',
  'status',
  'progress',
  'stage',
  'source',
  'inputKey',
  'target',
  'task',
  'version',
  'error',
  'erasedAt',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof TrainingRecord>;

export type TrainingSummary = Pick<TrainingRecord, (typeof TRAINING_SUMMARY_FIELDS)[number]>;

/** Where a listing by model stopped: the `byModel` index's key of the last training it returned. */
export type TrainingPageKey = Pick<TrainingRecord, 'trainingId' | 'model' | 'createdAt'>;

/**
 * What callers see: the record without who sent it nor whom it is about; the key of an S3 upload (the uploader's
 * own, which finds the training it started), never where Vigie keeps a CSV sent over HTTP.
 */
export function publicTraining<T extends Partial<TrainingRecord>>(record: T): Partial<T> {
  const shown: Partial<T> = { ...record };
  if (record.source !== 's3') delete shown.inputKey;
  delete shown.callerId;
  delete shown.subjectId;
  delete shown.expiresAt;
  return shown;
}
