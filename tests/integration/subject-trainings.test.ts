import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingRecord } from '../../functions/training/training-store';
import type { PredictionRecord } from '../../functions/records/records';
import { scanAll } from '../../functions/platform/scan-all';
import { uploadPredictionId } from '../../functions/uploads/upload-key';
import type { ErasureReceipt, SubjectExport } from '../../functions/subjects/subject-data';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * A person's data follows them into CSV batch outputs and trainings (issue #20.2, #20.3, #20.4), on the real
 * local platform: two people's batches to one key each keep their own output, and export and erasure reach
 * outputs, training tables, training records and the versions trained on them.
 */
let t: TestPlatform;
let results: string;

beforeAll(async () => {
  t = await startTestPlatform();
  results = t.platform.buckets.find((bucket) => bucket.endsWith('-results'))!;
});

afterAll(async () => {
  await t?.stop();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${t.http}${path}`, { ...init, headers: { 'x-api-key': TEST_SETTINGS.apiKey, ...init.headers } });
const exportOf = async (subject: string) => (await (await api(`/v1/subjects/${subject}/export`)).json()) as SubjectExport;
const erase = async (subject: string) =>
  (await (await api(`/v1/subjects/${subject}`, { method: 'DELETE' })).json()) as ErasureReceipt;
const exists = (bucket: string, key: string) =>
  t.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    () => true,
    () => false,
  );
const decoded = (file: { contentBase64?: string }) => Buffer.from(file.contentBase64 ?? '', 'base64').toString('utf8');

const IRIS_HEADER = 'sepal_length,sepal_width,petal_length,petal_width\n';
const irisRows = (n: number) => IRIS_HEADER + Array.from({ length: n }, (_, i) => `5.${i % 10},3.5,1.4,0.2\n`).join('');

async function batch(key: string, csv: string, subject: string): Promise<PredictionRecord> {
  const put = await t.s3.send(
    new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key, Body: csv, Metadata: { 'subject-id': subject } }),
  );
  const id = uploadPredictionId(t.platform.uploadsBucket, key, put.ETag!.replace(/"/g, ''));
  return eventually(async () => {
    const record = (await t.records()).find((r) => r.predictionId === id);
    return record && (record.status as string) !== 'running' ? record : undefined;
  }, 60_000);
}

describe('two people’s CSV batches to one key', () => {
  it('each keep their own output, exported and erased with them alone (#20.2, #20.3)', { timeout: 120_000 }, async () => {
    const key = 'incoming/iris/shared/readings.csv';
    const alice = await batch(key, irisRows(300), 'alice-batch');
    const bob = await batch(key, irisRows(2), 'bob-batch');
    const aliceOutput = (alice.result as { outputKey: string }).outputKey;
    const bobOutput = (bob.result as { outputKey: string }).outputKey;
    expect(alice).toMatchObject({ status: 'succeeded', result: { rows: 300 } });
    expect(bob).toMatchObject({ status: 'succeeded', result: { rows: 2 } });
    expect(aliceOutput).not.toBe(bobOutput);

    const bobs = await exportOf('bob-batch');
    const bobFile = bobs.files.find((f) => f.role === 'batch-output')!;
    expect(bobFile.key).toBe(bobOutput);
    expect(decoded(bobFile).trimEnd().split('\n')).toHaveLength(3);
    const alices = await exportOf('alice-batch');
    expect(
      decoded(alices.files.find((f) => f.role === 'batch-output')!)
        .trimEnd()
        .split('\n'),
    ).toHaveLength(301);

    const receipt = await erase('bob-batch');
    expect(receipt).toMatchObject({ predictions: 1, files: 2 });
    expect(await exists(results, bobOutput)).toBe(false);
    expect(await exists(results, aliceOutput)).toBe(true);
    await erase('alice-batch');
    expect(await exists(results, aliceOutput)).toBe(false);
  });
});

/** 40 rows: `granted` follows `income`; `town` is a category; `email` names a person per row pair. */
function loansCsv(withEmail: boolean) {
  const header = ['income', 'town', 'granted', ...(withEmail ? ['email'] : [])].join(',');
  const rows = Array.from({ length: 40 }, (_, i) =>
    [1000 + i * 50, ['Tulle', 'Brive'][i % 2], i < 20 ? 'no' : 'yes', ...(withEmail ? [`client${i >> 1}@example.org`] : [])].join(
      ',',
    ),
  );
  return `${header}\n${rows.join('\n')}\n`;
}

const training = (trainingId: string) =>
  eventually(async () => {
    const found = (await scanAll<TrainingRecord>(t.documents, 'vigie-local-trainings')).find((r) => r.trainingId === trainingId);
    return found && (found.status === 'succeeded' || found.status === 'failed') ? found : undefined;
  }, 120_000);

async function trainOver(model: string, query: string, csv: string, subject: string) {
  const response = await api(`/v1/models/${model}/trainings?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', 'x-subject-id': subject },
    body: csv,
  });
  expect(response.status).toBe(202);
  return training(((await response.json()) as { trainingId: string }).trainingId);
}

describe('a training table about a person (#20.4)', () => {
  it(
    'refuses a column of e-mail addresses unless the caller accepts it, then shows it to the approver',
    { timeout: 180_000 },
    async () => {
      const refused = await trainOver('loans-refused', 'target=granted&timeBudgetSeconds=5', loansCsv(true), 'carol');
      expect(refused).toMatchObject({ status: 'failed', error: { code: 'identifier-columns' } });
      expect(refused.error!.message).toContain("'email' (e-mail)");

      const accepted = await trainOver(
        'loans-carol',
        'target=granted&timeBudgetSeconds=5&acceptIdentifiers=email',
        loansCsv(true),
        'carol',
      );
      expect(accepted).toMatchObject({ status: 'succeeded', subjectId: expect.stringMatching(/^ps_/) });
      expect(accepted.dataReport!.identifiersAccepted).toEqual([{ column: 'email', looksLike: 'e-mail' }]);
      const card = await (await api(`/v1/models/loans-carol/versions/${accepted.version}/card`)).text();
      expect(card).toContain('Direct identifiers accepted by the uploader (acceptIdentifiers): email (e-mail)');
    },
  );

  it(
    'is exported and erased with the person: its table, the record’s data report, and a mark on the version',
    { timeout: 180_000 },
    async () => {
      const csv = loansCsv(false);
      const over = await trainOver('loans-dan', 'target=granted&timeBudgetSeconds=5', csv, 'dan');
      expect(over.status).toBe('succeeded');
      // The same person's table uploaded to S3, named in its metadata.
      const s3Key = 'training/loans-dan-s3/table.csv';
      await t.s3.send(
        new PutObjectCommand({
          Bucket: t.platform.uploadsBucket,
          Key: s3Key,
          Body: csv,
          Metadata: { target: 'granted', 'subject-id': 'dan' },
        }),
      );
      const fromS3 = await eventually(async () => {
        const all = await scanAll<TrainingRecord>(t.documents, 'vigie-local-trainings');
        return all.find((r) => r.model === 'loans-dan-s3' && (r.status === 'succeeded' || r.status === 'failed'));
      }, 150_000);
      expect(fromS3).toMatchObject({ status: 'succeeded', subjectId: over.subjectId });

      const exported = await exportOf('dan');
      expect(exported.trainings.map((r) => r.trainingId).sort()).toEqual([over.trainingId, fromS3.trainingId].sort());
      const tables = exported.files.filter((f) => f.role.startsWith('training-'));
      expect(tables.map((f) => [f.role, f.key]).sort()).toEqual(
        [
          ['training-request', over.inputKey],
          ['training-upload', s3Key],
        ].sort(),
      );
      for (const table of tables) expect(decoded(table)).toBe(csv);
      expect(exported.modelVersions).toEqual(
        expect.arrayContaining([
          { model: 'loans-dan', version: over.version, approval: 'pending' },
          { model: 'loans-dan-s3', version: fromS3.version, approval: 'pending' },
        ]),
      );

      const receipt = await erase('dan');
      expect(receipt).toMatchObject({ trainings: 2, trainingsInProgress: 0, files: 2 });
      expect(receipt.modelVersionsFlagged.sort()).toEqual([`loans-dan-s3@${fromS3.version}`, `loans-dan@${over.version}`]);
      expect(await exists(t.platform.uploadsBucket, over.inputKey)).toBe(false);
      expect(await exists(t.platform.uploadsBucket, s3Key)).toBe(false);
      const shown = await (await api(`/v1/trainings/${over.trainingId}`)).json();
      expect(shown).toMatchObject({ status: 'succeeded', version: over.version, erasedAt: receipt.erasedAt });
      expect(shown).not.toHaveProperty('dataReport');
      expect(shown).not.toHaveProperty('metrics');
      expect(await exportOf('dan')).toMatchObject({ trainings: [], modelVersions: [], files: [] });

      const card = await eventually(async () => {
        const text = await (await api(`/v1/models/loans-dan/versions/${over.version}/card`)).text();
        return text.includes('Data-subject erasure') ? text : undefined;
      }, 20_000);
      expect(card).toContain(`trainings ${over.trainingId}`);
      const approve = (notes?: string) =>
        api(`/v1/models/loans-dan/versions/${over.version}/approval`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ decision: 'approved', approver: 'Jeanne Relectrice', ...(notes && { notes }) }),
        });
      const bare = await approve();
      expect(bare.status).toBe(400);
      expect(await bare.json()).toMatchObject({ code: 'erased-subject-needs-notes' });
      expect((await approve('kept: no category value names the person')).status).toBe(200);
    },
  );
});
