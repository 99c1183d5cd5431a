import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchRecords } from '../../functions/batch/batch-record';
import { batchOutputKeyFor, processBatch, type BatchDeps } from '../../functions/batch/process-batch';
import { createMemoryErasureLedger } from '../../functions/records/erasure-ledger-memory';
import { SessionCache } from '../../functions/serving/inference/sessions';
import type { PredictionRecord } from '../../functions/records/records';
import { ModelRegistry } from '../../functions/serving/registry';
import { startLocalS3, type LocalS3 } from '../support/local-s3';
import { MODELS_DIR } from '../support/models';
import { createMemoryPredictionStats } from '../../functions/records/prediction-stats-memory';

/**
 * A CSV batch scores exactly the file its event announced (#11.4, as pictures do): a file replaced before the
 * batch function reads it is recorded as such, naming no one, and neither scored nor quarantined. Real local S3.
 */
const uploads = 'uploads';
const results = 'results';
const csv = (petalWidth: number) => `sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,${petalWidth}\n`;
let local: LocalS3;

beforeAll(async () => {
  local = await startLocalS3([uploads, results]);
});
afterAll(() => local?.stop());

function deps() {
  const finished: PredictionRecord[] = [];
  const records: BatchRecords = {
    start: async () => true,
    progress: async () => undefined,
    finish: async (record) => void finished.push(record),
    remove: async () => undefined,
  };
  const batch: BatchDeps = {
    s3: local.s3,
    records,
    erasures: createMemoryErasureLedger(),
    stats: createMemoryPredictionStats(),
    registry: new ModelRegistry(MODELS_DIR),
    sessions: new SessionCache(),
    pseudonymise: (raw) => `ps_${raw}`,
    report: () => undefined,
    reportRejected: () => undefined,
    now: () => new Date(),
    resultsBucket: results,
    retentionDays: 30,
    chunkRows: 4096,
    progressEveryMs: 1000,
  };
  return { batch, finished };
}

async function upload(key: string, body: string, subject: string): Promise<S3EventRecord> {
  const put = await local.s3.send(
    new PutObjectCommand({ Bucket: uploads, Key: key, Body: body, Metadata: { 'subject-id': subject } }),
  );
  return {
    eventTime: new Date().toISOString(),
    s3: { bucket: { name: uploads }, object: { key, eTag: put.ETag!.replace(/"/g, ''), sequencer: '1' } },
  } as unknown as S3EventRecord;
}

const read = (bucket: string, key: string) => local.read(bucket, key);

describe('a CSV batch reads the file its event announced', () => {
  it('scores it, for the person it names', async () => {
    const key = 'incoming/iris/line-1/day.csv';
    const event = await upload(key, csv(0.2), 'reader-A');
    const { batch, finished } = deps();
    expect(await processBatch(batch, event, { kind: 'upload', key, model: 'iris' }, 'r1')).toBe('written');
    expect(finished[0]).toMatchObject({ status: 'succeeded', subjectId: 'ps_reader-A', result: { rows: 1 } });
    const { outputKey } = finished[0]!.result as { outputKey: string };
    expect(outputKey).toBe(`batch/iris/line-1/day.${finished[0]!.predictionId}.csv`);
    expect(await read(results, outputKey)).toContain('setosa');
  });

  it('records a file replaced before it was read as input-replaced, naming no one, and leaves the new file alone', async () => {
    const key = 'incoming/iris/line-2/day.csv';
    const first = await upload(key, csv(0.2), 'reader-A');
    await upload(key, csv(2.3), 'reader-B');
    const { batch, finished } = deps();
    await processBatch(batch, first, { kind: 'upload', key, model: 'iris' }, 'r2');
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({ status: 'rejected', error: { code: 'input-replaced' } });
    expect(finished[0]!.subjectId).toBeUndefined();
    expect(finished[0]!.quarantineKey).toBeUndefined();
    const outputs = await local.s3.send(new ListObjectsV2Command({ Bucket: results, Prefix: 'batch/iris/line-2/' }));
    expect(outputs.Contents ?? []).toEqual([]);
    expect(await read(uploads, key)).toBe(csv(2.3));
  });
});

describe('each upload has its own output (#20.3)', () => {
  it('two people uploading to one key each get the file their own rows produced, named on their record', async () => {
    const key = 'incoming/iris/shared/day.csv';
    const rows = (n: number, petalWidth: number) =>
      csv(petalWidth) + '5.1,3.5,1.4,0.2\n'.repeat(n - 1).replace(/0\.2\n/g, `${petalWidth}\n`);
    const alice = await upload(key, rows(300, 0.2), 'alice');
    const { batch, finished } = deps();
    await processBatch(batch, alice, { kind: 'upload', key, model: 'iris' }, 'r-alice');
    const bob = await upload(key, rows(2, 2.3), 'bob');
    await processBatch(batch, bob, { kind: 'upload', key, model: 'iris' }, 'r-bob');
    const [aliceRecord, bobRecord] = finished;
    expect(aliceRecord).toMatchObject({ subjectId: 'ps_alice', result: { rows: 300 } });
    expect(bobRecord).toMatchObject({ subjectId: 'ps_bob', result: { rows: 2 } });
    const aliceKey = (aliceRecord!.result as { outputKey: string }).outputKey;
    const bobKey = (bobRecord!.result as { outputKey: string }).outputKey;
    expect(aliceKey).not.toBe(bobKey);
    expect((await read(results, aliceKey))!.trimEnd().split('\n')).toHaveLength(301);
    expect((await read(results, bobKey))!.trimEnd().split('\n')).toHaveLength(3);
  });

  it('scores a file under a key too long to take the id, into an output named by the prediction', async () => {
    const key = `incoming/iris/${'é'.repeat(500)}.csv`;
    const { batch, finished } = deps();
    await processBatch(batch, await upload(key, csv(0.2), 'long'), { kind: 'upload', key, model: 'iris' }, 'r-long');
    expect(finished[0]).toMatchObject({
      status: 'succeeded',
      result: { outputKey: `batch/iris/${finished[0]!.predictionId}.csv` },
    });
    expect(await read(results, `batch/iris/${finished[0]!.predictionId}.csv`)).toContain('setosa');
  });

  it('names the output by the upload, and by the prediction alone when the key leaves no room', () => {
    expect(batchOutputKeyFor({ key: 'incoming/iris/a/b.CSV', model: 'iris' }, 'p-1')).toBe('batch/iris/a/b.p-1.csv');
    // 1,018 bytes: a key S3 takes, whose output with a 36-character id would not be.
    const long = `incoming/iris/${'é'.repeat(500)}.csv`;
    const id = '8f14e45f-ceea-467f-a0e6-e0b2c5d3a1f2';
    expect(batchOutputKeyFor({ key: long, model: 'iris' }, id)).toBe(`batch/iris/${id}.csv`);
  });
});
