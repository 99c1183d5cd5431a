import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../functions/api/http/cursor';
import { parseTrainingListQuery } from '../../functions/api/http/training-list-query';
import { createTrainingStore } from '../../functions/training/training-store-dynamodb';
import {
  publicTraining,
  TRAINING_SUMMARY_FIELDS,
  type TrainingRecord,
  type TrainingStore,
} from '../../functions/training/training-store';
import { createTableInput, readStackResources } from '../../scripts/local/stack-resources';
import { startLocalDynamoDB, type LocalDynamoDB } from '../support/local-dynamodb';

/**
 * GET /v1/trainings?model= (#22): the trainings table's byModel index as serverless.yml declares it, in dynalite
 * as the local platform runs it, read through the store's adapter and the query's cursor.
 */
const TABLE = 'vigie-local-trainings';
let local: LocalDynamoDB;
let store: TrainingStore;
let definition: CreateTableCommandInput;

const training = (n: number, fields: Partial<TrainingRecord> = {}): TrainingRecord => ({
  trainingId: `${String(n).padStart(2, '0')}${'0'.repeat(30)}`,
  model: 'penguins',
  status: 'succeeded',
  progress: 1,
  stage: 'registered',
  source: 'http',
  inputKey: `training-requests/penguins/${n}.csv`,
  target: 'species',
  timeBudgetSeconds: 40,
  version: `1.${n}.0`,
  leaderboard: [{ candidate: 'decision-tree', parameters: {}, cvScore: 0.9, foldScores: [], fitSeconds: 1, status: 'scored' }],
  callerId: 'ps_caller',
  subjectId: 'ps_subject',
  createdAt: new Date(Date.UTC(2026, 11, 1, 10, n)).toISOString(),
  updatedAt: new Date(Date.UTC(2026, 11, 1, 11, n)).toISOString(),
  expiresAt: 2_000_000_000,
  ...fields,
});

beforeAll(async () => {
  const { tables } = await readStackResources(process.env);
  definition = createTableInput(tables.find((table) => table.TableName === TABLE)!) as unknown as CreateTableCommandInput;
  local = await startLocalDynamoDB(definition);
  store = createTrainingStore(local.documents, TABLE);
  // Seven trainings of penguins (the oldest one from an S3 upload), two of another model.
  for (let n = 1; n <= 7; n++) {
    await store.create(training(n, n === 1 ? { source: 's3', inputKey: 'training/penguins/day-1.csv' } : {}));
  }
  for (let n = 8; n <= 9; n++) await store.create(training(n, { model: 'other' }));
}, 60_000);

afterAll(() => local?.stop());

describe('the byModel index (infra/automl.yml)', () => {
  it('projects exactly the fields a listing shows', () => {
    const index = definition.GlobalSecondaryIndexes!.find((gsi) => gsi.IndexName === 'byModel')!;
    const keys = index.KeySchema!.map((key) => key.AttributeName);
    expect(keys).toEqual(['model', 'createdAt']);
    const projected = [...definition.KeySchema!.map((key) => key.AttributeName), ...keys, ...index.Projection!.NonKeyAttributes!];
    expect(projected.sort()).toEqual([...TRAINING_SUMMARY_FIELDS].sort());
  });
});

describe('listByModel', () => {
  it("pages through one model's trainings, newest first, as summaries", async () => {
    const seen: string[] = [];
    let after;
    let pages = 0;
    do {
      const page = await store.listByModel('penguins', { limit: 3, after });
      expect(page.items.length).toBeLessThanOrEqual(3);
      for (const item of page.items) {
        expect(Object.keys(item).every((field) => (TRAINING_SUMMARY_FIELDS as readonly string[]).includes(field))).toBe(true);
        expect(item).not.toHaveProperty('leaderboard');
        expect(item).not.toHaveProperty('callerId');
      }
      seen.push(...page.items.map((item) => item.version!));
      after = page.next;
      pages++;
    } while (after);
    expect(seen).toEqual(['1.7.0', '1.6.0', '1.5.0', '1.4.0', '1.3.0', '1.2.0', '1.1.0']);
    expect(pages).toBeLessThanOrEqual(4);
  });

  it('finds the training an upload started by its key, however far down the index it is', async () => {
    const page = await store.listByModel('penguins', { limit: 1, inputKey: 'training/penguins/day-1.csv' });
    expect(page.items).toMatchObject([{ version: '1.1.0', source: 's3', inputKey: 'training/penguins/day-1.csv' }]);
    // DynamoDB hands a key back whenever `Limit` was reached, last item or not: the page after it is empty.
    const rest = await store.listByModel('penguins', { limit: 1, inputKey: 'training/penguins/day-1.csv', after: page.next });
    expect(rest).toEqual({ items: [] });
    expect((await store.listByModel('penguins', { limit: 5, inputKey: 'training/penguins/nothing.csv' })).items).toEqual([]);
    expect((await store.listByModel('nobody', { limit: 5 })).items).toEqual([]);
  });

  it('continues from the cursor the route hands out', async () => {
    const first = await store.listByModel('penguins', { limit: 2 });
    const query = parseTrainingListQuery({ model: 'penguins', limit: '2', cursor: encodeCursor(first.next!) });
    expect(query).toMatchObject({ model: 'penguins', limit: 2, after: first.next });
    const second = await store.listByModel(query.model, query);
    expect(second.items.map((item) => item.version)).toEqual(['1.5.0', '1.4.0']);
  });
});

describe('the query of GET /v1/trainings', () => {
  const refusal = (raw: Record<string, string>) => {
    try {
      parseTrainingListQuery(raw);
    } catch (error) {
      return (error as { code: string }).code;
    }
    return 'accepted';
  };
  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const key = { trainingId: '0'.repeat(32), model: 'penguins', createdAt: '2026-12-01T10:00:00.000Z' };

  it('takes a model, a page size (20 by default, 100 at most) and an upload key', () => {
    expect(parseTrainingListQuery({ model: 'penguins' })).toEqual({ model: 'penguins', limit: 20 });
    expect(parseTrainingListQuery({ model: 'penguins', limit: '100', inputKey: 'training/penguins/a.csv' })).toEqual({
      model: 'penguins',
      limit: 100,
      inputKey: 'training/penguins/a.csv',
    });
    const refused: Array<Record<string, string>> = [
      {},
      { model: '' },
      { model: 'Penguins' },
      ...['0', '101', 'x', '2.5'].map((limit) => ({ model: 'penguins', limit })),
    ];
    for (const raw of refused) expect(refusal(raw)).toBe('invalid-query');
  });

  it('answers a cursor it did not hand out with 400 invalid-cursor, never a key DynamoDB would refuse', () => {
    expect(refusal({ model: 'penguins', cursor: cursor(key) })).toBe('accepted');
    for (const bad of [
      'not a cursor!',
      Buffer.from('{"trainingId":').toString('base64url'),
      cursor(['a']),
      cursor({ ...key, extra: 1 }),
      cursor({ ...key, trainingId: 'x' }),
      cursor({ ...key, createdAt: 'yesterday' }),
      cursor({ ...key, model: 'other' }),
      'A'.repeat(3_000),
    ]) {
      expect(refusal({ model: 'penguins', cursor: bad })).toBe('invalid-cursor');
    }
  });
});

describe('publicTraining', () => {
  it("shows an upload's own key, never where Vigie keeps a CSV sent over HTTP, nor who sent it", () => {
    expect(publicTraining(training(1, { source: 's3', inputKey: 'training/penguins/a.csv' }))).toMatchObject({
      inputKey: 'training/penguins/a.csv',
    });
    const shown = publicTraining(training(2));
    for (const field of ['inputKey', 'callerId', 'subjectId', 'expiresAt']) expect(shown).not.toHaveProperty(field);
  });
});
