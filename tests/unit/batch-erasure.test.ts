import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { S3EventRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { BatchRecords } from '../../functions/batch/batch-record';
import { processBatch, type BatchDeps } from '../../functions/batch/process-batch';
import { createMemoryErasureLedger } from '../../functions/records/erasure-ledger-memory';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { ModelRegistry } from '../../functions/serving/registry';
import { MODELS_DIR } from '../support/models';
import { createMemoryPredictionStats } from '../../functions/records/prediction-stats-memory';

/** A CSV batch about a person erased after the upload: deleted, never scored, nothing left recorded (GDPR Art. 17). */
const key = 'incoming/iris/forms/readings.csv';
const event = {
  s3: { bucket: { name: 'uploads' }, object: { key, eTag: 'abc', sequencer: '1' } },
} as unknown as S3EventRecord;

function fakes(erasedAt: Date | undefined) {
  const sent: string[] = [];
  const s3 = {
    send: async (command: unknown) => {
      if (command instanceof GetObjectCommand) {
        sent.push('get');
        return {
          ETag: '"abc"',
          Metadata: { 'subject-id': 'driver-42' },
          LastModified: new Date('2026-11-26T10:00:00Z'),
          Body: Object.assign([Buffer.from('sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n')], {
            transformToWebStream: () => new ReadableStream(),
          }),
        };
      }
      if (command instanceof DeleteObjectCommand) sent.push(`delete ${command.input.Bucket}/${command.input.Key}`);
      else sent.push((command as object).constructor.name);
      return {};
    },
  } as unknown as S3Client;
  const writes: string[] = [];
  const records: BatchRecords = {
    start: async (record) => Boolean(writes.push(`start ${record.status}`)),
    progress: async () => undefined,
    finish: async (record) => void writes.push(`finish ${record.status}`),
    remove: async () => void writes.push('remove'),
  };
  const erasures = createMemoryErasureLedger();
  const deps: BatchDeps = {
    s3,
    records,
    erasures,
    stats: createMemoryPredictionStats(),
    registry: new ModelRegistry(MODELS_DIR),
    sessions: new SessionCache(),
    pseudonymise: (raw) => `ps_${raw.length.toString(16).padStart(32, '0')}`,
    report: () => writes.push('report'),
    reportRejected: () => undefined,
    now: () => new Date('2026-11-26T10:00:05Z'),
    resultsBucket: 'results',
    retentionDays: 30,
    chunkRows: 4096,
    progressEveryMs: 1000,
  };
  const ready = erasedAt ? erasures.recordErasure(deps.pseudonymise('driver-42'), erasedAt) : Promise.resolve();
  return { deps, sent, writes, ready };
}

describe('a CSV batch and the erasure of its subject', () => {
  it('deletes the upload of a person erased after uploading it, and leaves no record or output', async () => {
    const { deps, sent, writes, ready } = fakes(new Date('2026-11-26T10:00:02Z'));
    await ready;
    expect(await processBatch(deps, event, { kind: 'upload', key, model: 'iris' }, 'req-1')).toBe('erased');
    expect(sent).toEqual(['get', `delete uploads/${key}`]);
    expect(writes).toEqual(['start running', 'remove']);
  });
});
