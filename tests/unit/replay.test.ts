import { describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../../functions/records/records';
import { replayUploads, type ReplayDeps, type ReplayItem, type UploadObject } from '../../functions/uploads/replay';
import { uploadPredictionId } from '../../functions/uploads/upload-key';

const BUCKET = 'uploads';
const idOf = (key: string, eTag: string) => uploadPredictionId(BUCKET, key, eTag);

function record(key: string, eTag: string, fields: Partial<PredictionRecord> = {}): PredictionRecord {
  return {
    predictionId: idOf(key, eTag),
    requestId: 'r',
    source: 's3',
    inputKey: key,
    model: 'digits',
    status: 'failed',
    error: { code: 'model-disabled', message: 'disabled' },
    timings: { preprocessMs: 0, inferenceMs: 0, totalMs: 0 },
    createdAt: '2026-12-03T10:00:00.000Z',
    expiresAt: 0,
    ...fields,
  };
}

/** A predictions table of records, objects in a bucket, and a preprocess function that ends each upload it runs. */
function world(records: PredictionRecord[], objects: Record<string, string>, letters: ReplayItem[] = []) {
  const table = new Map(records.map((r) => [r.predictionId, { ...r }]));
  const runs: UploadObject[] = [];
  const settled: string[] = [];
  const deps: ReplayDeps = {
    uploads: {
      async *held() {
        yield* [...table.values()].filter((r) => r.status === 'failed');
      },
      claim(id) {
        const r = table.get(id);
        const free = r?.status === 'failed' && r.error?.code === 'model-disabled' && !r.replayClaimedAt;
        if (free) r.replayClaimedAt = 'now';
        return Promise.resolve(free);
      },
      get: (id) => Promise.resolve(table.get(id)),
    },
    deadLetters: {
      claim: () =>
        Promise.resolve(letters.map((letter) => ({ ...letter, settle: async () => void settled.push(letter.predictionId) }))),
    },
    locate: (_bucket, key) =>
      Promise.resolve(objects[key] === undefined ? undefined : { eTag: objects[key], lastModified: new Date(0) }),
    rerun(object) {
      runs.push(object);
      const id = idOf(object.key, object.eTag);
      table.set(id, record(object.key, object.eTag, { status: 'succeeded', error: undefined }));
      return Promise.resolve();
    },
    now: () => new Date('2026-12-03T12:00:00Z'),
    uploadsBucket: BUCKET,
    leaseMs: 90_000,
    deadline: Date.now() + 60_000,
  };
  return { deps, table, runs, settled };
}

describe('replayUploads', () => {
  it('runs each held upload once, and nothing on a second call', async () => {
    const { deps, runs } = world([record('incoming/digits/a.png', 'e1'), record('incoming/digits/b.png', 'e2')], {
      'incoming/digits/a.png': 'e1',
      'incoming/digits/b.png': 'e2',
    });
    const first = await replayUploads(deps, 'digits');
    expect(first.replayed.map((u) => [u.from, u.status])).toEqual([
      ['held', 'succeeded'],
      ['held', 'succeeded'],
    ]);
    expect(runs.map((object) => object.key).sort()).toEqual(['incoming/digits/a.png', 'incoming/digits/b.png']);
    expect(await replayUploads(deps, 'digits')).toEqual({ replayed: [], settled: [], remaining: 0 });
    expect(runs).toHaveLength(2);
  });

  it('leaves alone a record failed for another reason, one whose object was replaced or deleted, and one another replay holds', async () => {
    const { deps, runs } = world(
      [
        record('incoming/digits/other.png', 'e1', { error: { code: 'internal', message: 'x' } }),
        record('incoming/digits/replaced.png', 'old'),
        record('incoming/digits/gone.png', 'e3'),
        record('incoming/digits/claimed.png', 'e4', { replayClaimedAt: 'earlier' }),
      ],
      { 'incoming/digits/other.png': 'e1', 'incoming/digits/replaced.png': 'new', 'incoming/digits/claimed.png': 'e4' },
    );
    const answer = await replayUploads(deps, 'digits');
    expect(runs).toEqual([]);
    expect(answer).toEqual({ replayed: [], settled: [], remaining: 1 });
  });

  it('runs a dead letter and lets go of it; lets go without running one whose upload already ended', async () => {
    const done = record('incoming/digits/done.png', 'e1', { status: 'succeeded', error: undefined });
    const letter = (key: string, eTag: string): ReplayItem => ({
      predictionId: idOf(key, eTag),
      from: 'dead-letter',
      object: { bucket: BUCKET, key, eTag, eventTime: '2026-12-03T10:00:00Z' },
    });
    const { deps, runs, settled } = world([done], {}, [
      letter('incoming/digits/done.png', 'e1'),
      letter('incoming/digits/lost.png', 'e2'),
    ]);
    const answer = await replayUploads(deps, 'digits', 1);
    expect(runs.map((object) => object.key)).toEqual(['incoming/digits/lost.png']);
    expect(answer.settled).toEqual([done.predictionId]);
    expect(answer.replayed).toEqual([
      { predictionId: idOf('incoming/digits/lost.png', 'e2'), from: 'dead-letter', status: 'succeeded' },
    ]);
    expect(settled.sort()).toEqual([done.predictionId, idOf('incoming/digits/lost.png', 'e2')].sort());
  });

  it('starts no run past its deadline: what is left is counted for the next call', async () => {
    const { deps, runs } = world([record('incoming/digits/a.png', 'e1')], { 'incoming/digits/a.png': 'e1' });
    expect(await replayUploads({ ...deps, deadline: Date.now() - 1 }, 'digits')).toEqual({
      replayed: [],
      settled: [],
      remaining: 1,
    });
    expect(runs).toEqual([]);
  });
});
