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
  /** Where the CSV is (uploads bucket key); never shown to callers. */
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
}

/** What callers see: the record without where the file is kept nor who sent it. */
export function publicTraining(record: TrainingRecord) {
  const shown: Partial<TrainingRecord> = { ...record };
  delete shown.inputKey;
  delete shown.callerId;
  delete shown.subjectId;
  delete shown.expiresAt;
  return shown;
}
