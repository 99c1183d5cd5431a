import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { PredictionRecord } from '../../../functions/records/records';
import { uploadPredictionId } from '../../../functions/uploads/upload-key';
import { eventually } from '../../local/scratch-platform';
import type { HostileCase } from './case';

/** What a case needs of a running platform: its HTTP API, its key, its S3 and its records. */
export interface CaseTarget {
  http: string;
  apiKey: string;
  s3: S3Client;
  uploadsBucket: string;
  record(predictionId: string): Promise<PredictionRecord | undefined>;
}

type Case<V extends HostileCase['via']> = Extract<HostileCase, { via: V }>;

const api = (target: CaseTarget, path: string, init: RequestInit = {}) =>
  fetch(`${target.http}${path}`, {
    ...init,
    headers: { 'x-api-key': target.apiKey, ...(init.headers as Record<string, string>) },
  });

/** The problem code of a `/v1` problem+json or the error text of a `/v2` answer. */
function codeOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { code?: string; error?: string };
    return body.code ?? body.error;
  } catch {
    return undefined;
  }
}

const differs = (what: string, got: unknown, wanted: unknown) =>
  `${what}: got ${JSON.stringify(got)}, wanted ${JSON.stringify(wanted)}`;

async function sendHttp(target: CaseTarget, c: Case<'http'>): Promise<string[]> {
  const response = await api(target, c.path, { method: c.method, headers: c.headers, body: c.body });
  const bytes = Buffer.from(await response.arrayBuffer());
  const text = bytes.toString('utf8');
  const code = codeOf(text);
  return [
    ...(response.status === c.answer.status
      ? []
      : [differs('status', response.status, c.answer.status) + ` (${text.slice(0, 200)})`]),
    ...(c.answer.code && !code?.includes(c.answer.code) ? [differs('code', code, c.answer.code)] : []),
    ...(c.answer.maxBytes !== undefined && bytes.length > c.answer.maxBytes
      ? [differs('answer bytes', bytes.length, `≤ ${c.answer.maxBytes}`)]
      : []),
  ];
}

async function sendUpload(target: CaseTarget, c: Case<'s3'>, timeoutMs: number): Promise<string[]> {
  const put = await target.s3.send(
    new PutObjectCommand({
      Bucket: target.uploadsBucket,
      Key: c.key,
      Body: c.body,
      Metadata: c.metadata,
      ContentType: c.contentType,
    }),
  );
  // The id the platform gives this upload (S3 events carry the ETag unquoted).
  const predictionId = uploadPredictionId(target.uploadsBucket, c.key, (put.ETag ?? '').replaceAll('"', ''));
  const record = await eventually(async () => {
    const found = await target.record(predictionId);
    return found && (found.status as string) !== 'running' ? found : undefined;
  }, timeoutMs).catch(() => undefined);
  if (!record) return [`no final record for ${c.key} after ${timeoutMs} ms`];
  return [
    ...(record.status === c.record.status ? [] : [differs('record status', record.status, c.record.status)]),
    ...(c.record.code && record.error?.code !== c.record.code ? [differs('record code', record.error?.code, c.record.code)] : []),
  ];
}

async function sendTraining(target: CaseTarget, c: Case<'training'>, timeoutMs: number): Promise<string[]> {
  const response = await api(target, `/v1/models/${c.model}/trainings?${c.query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: c.body,
  });
  const text = await response.text();
  if (response.status !== c.answer.status)
    return [differs('status', response.status, c.answer.status) + ` (${text.slice(0, 200)})`];
  if (!('final' in c.answer)) return codeOf(text) === c.answer.code ? [] : [differs('code', codeOf(text), c.answer.code)];
  const { final } = c.answer;
  const { trainingId } = JSON.parse(text) as { trainingId: string };
  const ended = await eventually(async () => {
    const body = (await (await api(target, `/v1/trainings/${trainingId}`)).json()) as {
      status: string;
      error?: { code: string };
    };
    return body.status === 'succeeded' || body.status === 'failed' ? body : undefined;
  }, timeoutMs).catch(() => undefined);
  if (!ended) return [`training ${trainingId} not ended after ${timeoutMs} ms`];
  return [
    ...(ended.status === final.status ? [] : [differs('training status', ended.status, final.status)]),
    ...(final.code && ended.error?.code !== final.code ? [differs('training code', ended.error?.code, final.code)] : []),
  ];
}

/**
 * Sends one case and waits for its outcome (an answer, a final record, an ended training); resolves with how the
 * outcome departs from the case's expectation: empty when it matches.
 */
export function sendCase(target: CaseTarget, c: HostileCase, timeoutMs = 120_000): Promise<string[]> {
  if (c.via === 'http') return sendHttp(target, c);
  if (c.via === 's3') return sendUpload(target, c, timeoutMs);
  return sendTraining(target, c, timeoutMs);
}
