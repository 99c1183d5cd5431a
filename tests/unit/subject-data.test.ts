import { describe, expect, it } from 'vitest';
import { createMemoryErasureLedger } from '../../functions/records/erasure-ledger-memory';
import type { PredictionRecord } from '../../functions/records/records';
import type { ModelMetadata } from '../../functions/serving/model-spec';
import { createPseudonymiser } from '../../functions/records/pseudonym';
import type { TrainingRecord } from '../../functions/training/training-store';
import type { FileHead } from '../../functions/uploads/bucket-files';
import {
  EXPORT_CONTENT_LIMIT_BYTES,
  eraseSubject,
  exportSubject,
  type SubjectDataDeps,
} from '../../functions/subjects/subject-data';

const pseudonymise = createPseudonymiser('unit-test-pseudonym-key');
const X = pseudonymise('person-x');
/** person-x, with no earlier spelling (an ASCII identifier has none). */
const SUBJECT = { pseudonym: X, formerPseudonyms: [] };

interface FakeObject {
  size: number;
  subject?: string;
  eTag?: string;
  modified?: Date;
  replacedAfterHead?: FakeObject;
}

/**
 * The buckets in memory behind the files port (keys alone: the tests do not mix buckets), noting which bodies
 * were read and which files deleted. Nothing is listed: no upload is in flight.
 */
function memoryFiles(objects: Record<string, FakeObject>) {
  const read: string[] = [];
  const deleted: string[] = [];
  const eTagOf = (object: FakeObject) => object.eTag ?? 'e';
  const remove = (key: string) => void (deleted.push(key), delete objects[key]);
  const files: SubjectDataDeps['files'] = {
    list: async () => ({ files: [] }),
    async head(_bucket, key): Promise<FileHead | undefined> {
      const object = objects[key];
      if (!object) return undefined;
      // Someone uploads to the same key right after this read (the race the conditional delete closes).
      if (object.replacedAfterHead) objects[key] = object.replacedAfterHead;
      return {
        bytes: object.size,
        contentType: 'image/png',
        eTag: eTagOf(object),
        lastModified: object.modified ?? new Date(0),
        metadata: object.subject ? { 'subject-id': object.subject } : {},
      };
    },
    async readIfUnchanged({ key, eTag }) {
      const object = objects[key];
      if (!object || eTagOf(object) !== eTag) return undefined;
      read.push(key);
      return new Uint8Array(object.size);
    },
    async deleteIfUnchanged({ key, eTag }) {
      const object = objects[key];
      if (!object || (eTag && eTag !== eTagOf(object))) return false;
      remove(key);
      return true;
    },
    delete: async (_bucket, key) => {
      if (objects[key]) remove(key);
    },
  };
  return { files, read, deleted };
}

const records = (keys: string[]) =>
  keys.map((key, i) => ({
    predictionId: `p-${i}`,
    source: 's3',
    inputKey: key,
    subjectId: X,
    createdAt: new Date(i).toISOString(),
  }));

type Item = Record<string, unknown>;

/**
 * The tables in memory behind the ports: the subject's prediction records (uploads of `keys`, and `more`), which
 * erasure deletes, and `trainings`, which erasure redacts as the trainings table's adapter does.
 */
function memoryTables(keys: string[], more: Item[] = [], trainings: Item[] = []) {
  const items: Item[] = [...records(keys), ...more];
  const about = <T>(table: Item[], subject: string) => table.filter((item) => item.subjectId === subject) as T[];
  const predictions: SubjectDataDeps['predictions'] = {
    bySubject: async (subject) => about<PredictionRecord>(items, subject),
    async delete(predictionId) {
      const at = items.findIndex((item) => item.predictionId === predictionId);
      if (at >= 0) items.splice(at, 1);
    },
  };
  const trainingStore: SubjectDataDeps['trainings'] = {
    bySubject: async (subject) => about<TrainingRecord>(trainings, subject),
    async eraseSubject({ trainingId, subjectId }, at) {
      const training = trainings.find((item) => item.trainingId === trainingId);
      if (!training || training.subjectId !== subjectId) return false;
      for (const removed of ['subjectId', 'dataReport', 'metrics', 'inputKey']) delete training[removed];
      training.erasedAt = at.toISOString();
      return true;
    },
  };
  return { predictions, trainings: trainingStore };
}

/** Trained versions in memory: the metadata each was registered with, replaced as the bucket would be. */
function fakeModels(versions: Record<string, ModelMetadata> = {}) {
  return {
    versions,
    current: async (model: string, version: string) => {
      const metadata = versions[`${model}@${version}`];
      if (!metadata) throw new Error('no such version');
      return { metadata, eTag: 'e' };
    },
    replaceMetadata: async (metadata: ModelMetadata) => {
      versions[`${metadata.name}@${metadata.version}`] = metadata;
      return true;
    },
  };
}

const deps = (
  files: SubjectDataDeps['files'],
  keys: string[],
  more: Item[] = [],
  trainings: Item[] = [],
  models = fakeModels(),
): SubjectDataDeps => ({
  files,
  ...memoryTables(keys, more, trainings),
  models,
  erasures: createMemoryErasureLedger(),
  pseudonymise,
  uploadsBucket: 'uploads',
  resultsBucket: 'results',
  now: () => new Date(1_000),
  settleMs: 0,
});

describe('exportSubject', () => {
  it('embeds the files while they fit', async () => {
    const { files, read } = memoryFiles({ a: { size: 10, subject: 'person-x' }, b: { size: 20, subject: 'person-x' } });
    const exported = await exportSubject(deps(files, ['a', 'b']), SUBJECT);
    expect(exported.contentIncluded).toBe(true);
    expect(exported.files.map((f) => [f.key, f.bytes, Buffer.from(f.contentBase64!, 'base64').length])).toEqual([
      ['a', 10, 10],
      ['b', 20, 20],
    ]);
    expect(read).toEqual(['a', 'b']);
  });

  it('past the limit lists the files without reading any more of them', async () => {
    const big = EXPORT_CONTENT_LIMIT_BYTES - 5;
    const { files, read } = memoryFiles({
      a: { size: big, subject: 'person-x' },
      b: { size: 10, subject: 'person-x' },
      c: { size: 10, subject: 'person-x' },
    });
    const exported = await exportSubject(deps(files, ['a', 'b', 'c']), SUBJECT);
    expect(exported.contentIncluded).toBe(false);
    expect(exported.files.map((f) => [f.key, f.bytes, f.contentBase64])).toEqual([
      ['a', big, undefined],
      ['b', 10, undefined],
      ['c', 10, undefined],
    ]);
    expect(read).toEqual(['a']);
  });

  it('leaves out an upload whose key now holds someone else’s object (#11.1)', async () => {
    const { files, read } = memoryFiles({
      mine: { size: 5, subject: 'person-x' },
      reused: { size: 7, subject: 'person-y' },
      anon: { size: 3 },
    });
    const exported = await exportSubject(deps(files, ['mine', 'reused', 'anon']), SUBJECT);
    expect(exported.files.map((f) => f.key)).toEqual(['mine']);
    expect(read).toEqual(['mine']);
  });
});

describe('eraseSubject', () => {
  it('deletes only the subject’s own uploads, leaves a tombstone, and marks each deleted upload', async () => {
    const { files, deleted } = memoryFiles({
      mine: { size: 5, subject: 'person-x', eTag: 'm' },
      reused: { size: 7, subject: 'person-y' },
    });
    const d = deps(files, ['mine', 'reused']);
    const receipt = await eraseSubject(d, SUBJECT);
    expect(deleted).toEqual(['mine']);
    expect(receipt).toMatchObject({ predictions: 2, files: 1, inFlightUploads: 0, inFlightScanComplete: true });
    expect(await d.erasures.erasedAt(X)).toEqual(new Date(1_000));
    expect(await d.erasures.objectErased({ bucket: 'uploads', key: 'mine', eTag: 'm' })).toBe(true);
    expect(await d.erasures.objectErased({ bucket: 'uploads', key: 'reused', eTag: 'e' })).toBe(false);
  });

  it('keeps what the person sent after the erasure began: they may come back (#11.2)', async () => {
    const { files, deleted } = memoryFiles({
      before: { size: 5, subject: 'person-x', modified: new Date(1_000) },
      after: { size: 5, subject: 'person-x', modified: new Date(2_000) },
    });
    const receipt = await eraseSubject(deps(files, ['before', 'after']), SUBJECT);
    expect(deleted).toEqual(['before']);
    expect(receipt.files).toBe(1);
  });

  it('leaves an upload that someone else put at the key between the check and the delete (#11.1)', async () => {
    const { files, deleted } = memoryFiles({
      shared: { size: 5, subject: 'person-x', eTag: 'mine', replacedAfterHead: { size: 6, subject: 'person-y', eTag: 'theirs' } },
    });
    await eraseSubject(deps(files, ['shared']), SUBJECT);
    expect(deleted).toEqual([]);
  });
});

describe('batch outputs (#20.2)', () => {
  /** A batch record of person-x whose scored CSV is `outputKey`; its upload was deleted after scoring. */
  const batch = (predictionId: string, outputKey: string) => ({
    predictionId,
    source: 's3',
    inputKey: `incoming/iris/${predictionId}.csv`,
    subjectId: X,
    createdAt: new Date(0).toISOString(),
    result: { kind: 'batch', rows: 2, succeededRows: 2, rejectedRows: 0, outputKey },
  });
  const own = 'batch/iris/day.b-1.csv';
  const legacy = 'batch/iris/day.csv';

  it('exports the output a batch of theirs wrote, and lists one named by its input key alone without its content', async () => {
    const { files, read } = memoryFiles({ [own]: { size: 40 }, [legacy]: { size: 30 } });
    const exported = await exportSubject(deps(files, [], [batch('b-1', own), batch('b-2', legacy)]), SUBJECT);
    expect(exported.files.map((f) => [f.role, f.key, f.predictionId, f.contentBase64 !== undefined])).toEqual([
      ['batch-output', own, 'b-1', true],
      ['batch-output', legacy, 'b-2', false],
    ]);
    expect(exported.files[1]).toMatchObject({ mayBeShared: true });
    expect(read).toEqual([own]);
  });

  it('erases the outputs of their batches with their records', async () => {
    const { files, deleted } = memoryFiles({ [own]: { size: 40 }, [legacy]: { size: 30 }, 'batch/iris/other.csv': { size: 9 } });
    const receipt = await eraseSubject(deps(files, [], [batch('b-1', own), batch('b-2', legacy)]), SUBJECT);
    expect(deleted.sort()).toEqual([legacy, own].sort());
    expect(receipt).toMatchObject({ predictions: 2, files: 2 });
  });
});

describe('trainings on a table about the person (#20.4)', () => {
  const training = (trainingId: string, fields: Item) => ({
    trainingId,
    model: 'loans',
    status: 'succeeded',
    source: 's3',
    subjectId: X,
    target: 'granted',
    createdAt: new Date(0).toISOString(),
    dataReport: { encodings: [{ column: 'town', values: ['Tulle'] }] },
    metrics: { heldOut: { accuracy: 0.9 } },
    ...fields,
  });
  const version = { name: 'loans', version: '1.0.0', governance: { approval: { status: 'approved' } } } as ModelMetadata;
  const tables = () => [
    training('t-s3', { inputKey: 'training/loans/me.csv', version: '1.0.0' }),
    training('t-http', { source: 'http', inputKey: 'training-requests/loans/t-http.csv', status: 'failed' }),
    training('t-reused', { inputKey: 'training/loans/shared.csv', status: 'failed' }),
    training('t-running', { inputKey: 'training-requests/loans/t-running.csv', source: 'http', status: 'running' }),
  ];
  const objects = () => ({
    'training/loans/me.csv': { size: 11, subject: 'person-x' },
    // The HTTP body is kept under the training's own id: it carries no metadata, the record names it.
    'training-requests/loans/t-http.csv': { size: 12 },
    'training-requests/loans/t-running.csv': { size: 13 },
    'training/loans/shared.csv': { size: 14, subject: 'person-y' },
  });

  it('exports the trainings, their tables and the versions they registered', async () => {
    const { files } = memoryFiles(objects());
    const exported = await exportSubject(deps(files, [], [], tables(), fakeModels({ 'loans@1.0.0': version })), SUBJECT);
    expect(exported.trainings.map((t) => t.trainingId)).toEqual(['t-s3', 't-http', 't-reused', 't-running']);
    // An upload's own key is shown (the files below name it too); where Vigie kept an HTTP body is not.
    expect(exported.trainings[0]).toHaveProperty('inputKey', 'training/loans/me.csv');
    expect(exported.trainings[1]).not.toHaveProperty('inputKey');
    expect(exported.trainings[0]).not.toHaveProperty('subjectId');
    expect(exported.files.map((f) => [f.role, f.key, f.trainingId, f.contentBase64 !== undefined])).toEqual([
      ['training-upload', 'training/loans/me.csv', 't-s3', true],
      ['training-request', 'training-requests/loans/t-http.csv', 't-http', true],
      ['training-request', 'training-requests/loans/t-running.csv', 't-running', true],
    ]);
    expect(exported.modelVersions).toEqual([{ model: 'loans', version: '1.0.0', approval: 'approved' }]);
  });

  it('erases the tables, redacts the ended records, marks the version, and leaves a running one to a rerun', async () => {
    const { files, deleted } = memoryFiles(objects());
    const trainings = tables();
    const models = fakeModels({ 'loans@1.0.0': version });
    const receipt = await eraseSubject(deps(files, [], [], trainings, models), SUBJECT);
    expect(deleted.sort()).toEqual(
      ['training-requests/loans/t-http.csv', 'training-requests/loans/t-running.csv', 'training/loans/me.csv'].sort(),
    );
    expect(receipt).toMatchObject({
      files: 3,
      trainings: 3,
      trainingsInProgress: 1,
      modelVersionsFlagged: ['loans@1.0.0'],
    });
    const [mine] = trainings;
    expect(mine).not.toHaveProperty('dataReport');
    expect(mine).not.toHaveProperty('metrics');
    expect(mine).not.toHaveProperty('subjectId');
    expect(mine).toMatchObject({ trainingId: 't-s3', version: '1.0.0', erasedAt: new Date(1_000).toISOString() });
    expect(trainings[3]).toMatchObject({ status: 'running', subjectId: X });
    expect(models.versions['loans@1.0.0']!.governance!.trainedOnErasedSubject).toEqual({
      erasedAt: '1970-01-01',
      trainingIds: ['t-s3'],
    });
  });
});
