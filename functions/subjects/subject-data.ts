import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, NotFound, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { DeleteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PredictionRecord } from '../shared/records';

export interface SubjectDataDeps {
  s3: S3Client;
  documents: DynamoDBDocumentClient;
  predictionsTable: string;
  uploadsBucket: string;
  resultsBucket: string;
  now: () => Date;
}

/** A file held about the subject: the upload itself, or what was derived from it. */
export interface SubjectFile {
  role: 'upload' | 'annotated' | 'quarantine';
  bucket: string;
  key: string;
  predictionId: string;
}

export const SUBJECT_INDEX = 'bySubject';

/** Every prediction record about the subject, through the subject index (one Query, paginated), oldest first. */
export async function subjectRecords(deps: SubjectDataDeps, subjectPseudonym: string): Promise<PredictionRecord[]> {
  const records: PredictionRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.documents.send(
      new QueryCommand({
        TableName: deps.predictionsTable,
        IndexName: SUBJECT_INDEX,
        KeyConditionExpression: 'subjectId = :subject',
        ExpressionAttributeValues: { ':subject': subjectPseudonym },
        ExclusiveStartKey: start,
      }),
    );
    records.push(...((page.Items ?? []) as PredictionRecord[]));
    start = page.LastEvaluatedKey;
  } while (start);
  return records;
}

/** Where a record's files live: the upload (S3 inputs), its annotated copy, or the quarantined upload. */
export function filesOf(deps: Pick<SubjectDataDeps, 'uploadsBucket' | 'resultsBucket'>, record: PredictionRecord): SubjectFile[] {
  const files: SubjectFile[] = [];
  const { predictionId } = record;
  if (record.source === 's3' && record.inputKey)
    files.push({ role: 'upload', bucket: deps.uploadsBucket, key: record.inputKey, predictionId });
  if (record.annotatedKey) files.push({ role: 'annotated', bucket: deps.resultsBucket, key: record.annotatedKey, predictionId });
  if (record.quarantineKey)
    files.push({ role: 'quarantine', bucket: deps.resultsBucket, key: record.quarantineKey, predictionId });
  return files;
}

const isMissing = (error: unknown) =>
  error instanceof NotFound ||
  error instanceof NoSuchKey ||
  ['NotFound', 'NoSuchKey'].includes((error as { name?: string }).name ?? '');

/** Whether the file still exists (a rejected upload has moved to quarantine; lifecycle rules expire others). */
async function exists(deps: SubjectDataDeps, file: SubjectFile): Promise<boolean> {
  try {
    await deps.s3.send(new HeadObjectCommand({ Bucket: file.bucket, Key: file.key }));
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

export interface ErasureReceipt {
  subjectPseudonym: string;
  erasedAt: string;
  predictions: number;
  files: number;
  /** What stays, and for how long, so the receipt is honest about it. */
  retained: string[];
}

/**
 * GDPR Art. 17: deletes the subject's files (uploads and derived) first, then their records, so an interrupted
 * erasure can be run again and still finds what is left through the records.
 */
export async function eraseSubject(deps: SubjectDataDeps, subjectPseudonym: string): Promise<ErasureReceipt> {
  const records = await subjectRecords(deps, subjectPseudonym);
  let files = 0;
  for (const file of records.flatMap((record) => filesOf(deps, record))) {
    if (!(await exists(deps, file))) continue;
    await deps.s3.send(new DeleteObjectCommand({ Bucket: file.bucket, Key: file.key }));
    files += 1;
  }
  for (const record of records) {
    await deps.documents.send(
      new DeleteCommand({ TableName: deps.predictionsTable, Key: { predictionId: record.predictionId } }),
    );
  }
  return {
    subjectPseudonym,
    erasedAt: deps.now().toISOString(),
    predictions: records.length,
    files,
    retained: [
      'Audit log events naming the pseudonym (never the identifier), until the log retention ends (30 days): kept for accountability (Art. 5(2), 17(3)(b)).',
      'Point-in-time backups of the predictions table roll over within 35 days.',
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
  files: Array<SubjectFile & { bytes: number; contentType?: string; contentBase64?: string }>;
  contentIncluded: boolean;
}

/** GDPR Art. 15 and 20: every record about the subject and every file held, with contents when they fit. */
export async function exportSubject(deps: SubjectDataDeps, subjectPseudonym: string): Promise<SubjectExport> {
  const predictions = await subjectRecords(deps, subjectPseudonym);
  const files: SubjectExport['files'] = [];
  let total = 0;
  for (const file of predictions.flatMap((record) => filesOf(deps, record))) {
    let object;
    try {
      object = await deps.s3.send(new GetObjectCommand({ Bucket: file.bucket, Key: file.key }));
    } catch (error) {
      if (isMissing(error)) continue;
      throw error;
    }
    const size = object.ContentLength ?? 0;
    total += size;
    // Past the limit nothing more is read: a person with many uploads must not exhaust the function's memory.
    const bytes = total <= EXPORT_CONTENT_LIMIT_BYTES ? await object.Body?.transformToByteArray() : undefined;
    if (!bytes) await object.Body?.transformToWebStream().cancel();
    files.push({
      ...file,
      bytes: size,
      contentType: object.ContentType,
      contentBase64: bytes && Buffer.from(bytes).toString('base64'),
    });
  }
  const contentIncluded = total <= EXPORT_CONTENT_LIMIT_BYTES;
  return {
    subjectPseudonym,
    exportedAt: deps.now().toISOString(),
    notice:
      'Each prediction below is an automated decision made by a machine-learning model (automated: true), without human review. ' +
      'You may ask for human review or contest it through the controller.',
    predictions: predictions.map((record) => ({ ...record, automated: true as const })),
    files: contentIncluded ? files : files.map(({ contentBase64: _omitted, ...listed }) => listed),
    contentIncluded,
  };
}
