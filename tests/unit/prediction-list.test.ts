import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../functions/api/http/cursor';
import { parsePredictionListQuery } from '../../functions/api/http/prediction-list-query';
import { createModelRecords } from '../../functions/records/model-records-dynamodb';
import type { ModelRecords, RecordQuery } from '../../functions/records/model-records';
import type { PredictionRecord } from '../../functions/records/records';
import { createPredictionStore } from '../../functions/records/records-dynamodb';
import { createTableInput, readStackResources } from '../../scripts/local/stack-resources';
import { startLocalDynamoDB, type LocalDynamoDB } from '../support/local-dynamodb';

/**
 * GET /v1/predictions (#24): the predictions table's byModel index as serverless.yml declares it, in dynalite as
 * the local platform runs it, read through the adapter and the query's cursor.
 */
const TABLE = 'vigie-local-predictions';
let local: LocalDynamoDB;
let records: ModelRecords;
let definition: CreateTableCommandInput;

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 10, minute)).toISOString();

const record = (n: number, fields: Partial<PredictionRecord> = {}): PredictionRecord => ({
  predictionId: id(n),
  requestId: `request-${n}`,
  source: n % 2 ? 'http' : 's3',
  model: 'iris',
  modelVersion: n <= 6 ? '1.0.0' : '1.1.0',
  status: n % 5 === 0 ? 'rejected' : 'succeeded',
  subjectId: 'ps_someone',
  timings: { preprocessMs: 0, inferenceMs: 1, totalMs: 2 },
  createdAt: at(n),
  expiresAt: 2_000_000_000,
  ...fields,
});

const everything: RecordQuery = { model: 'iris', from: at(0), to: at(59) };

beforeAll(async () => {
  const { tables } = await readStackResources(process.env);
  definition = createTableInput(tables.find((table) => table.TableName === TABLE)!) as unknown as CreateTableCommandInput;
  local = await startLocalDynamoDB(definition);
  records = createModelRecords(local.documents, TABLE);
  const store = createPredictionStore(local.documents, TABLE);
  // Ten records of iris a minute apart, two of another model in between.
  for (let n = 1; n <= 10; n++) await store.put(record(n));
  for (let n = 11; n <= 12; n++) await store.put(record(n, { model: 'digits', createdAt: at(n - 8) }));
}, 60_000);

afterAll(() => local?.stop());

const pageAll = async (query: RecordQuery, limit: number) => {
  const seen: string[] = [];
  let after;
  let pages = 0;
  do {
    const page = await records.page(query, { limit, after });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    seen.push(...page.items.map((item) => item.predictionId));
    after = page.next;
    pages++;
  } while (after);
  return { seen, pages };
};

describe('the byModel index (infra/storage.yml)', () => {
  it('keys records by model and time, and projects them whole', () => {
    const index = definition.GlobalSecondaryIndexes!.find((gsi) => gsi.IndexName === 'byModel')!;
    expect(index.KeySchema!.map((key) => key.AttributeName)).toEqual(['model', 'createdAt']);
    expect(index.Projection!.ProjectionType).toBe('ALL');
  });
});

describe('page', () => {
  it("pages through one model's records, newest first, as stored", async () => {
    const { seen, pages } = await pageAll(everything, 3);
    expect(seen).toEqual([10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map(id));
    expect(pages).toBeLessThanOrEqual(4);
    const [first] = (await records.page(everything, { limit: 1 })).items;
    expect(first).toEqual(record(10));
  });

  it('narrows by version, status, source and time, both ends included', async () => {
    expect((await pageAll({ ...everything, version: '1.1.0' }, 2)).seen).toEqual([10, 9, 8, 7].map(id));
    expect((await pageAll({ ...everything, status: 'rejected' }, 1)).seen).toEqual([10, 5].map(id));
    expect((await pageAll({ ...everything, source: 's3', version: '1.0.0' }, 5)).seen).toEqual([6, 4, 2].map(id));
    expect((await pageAll({ ...everything, from: at(3), to: at(5) }, 10)).seen).toEqual([5, 4, 3].map(id));
    expect((await pageAll({ ...everything, model: 'nobody' }, 10)).seen).toEqual([]);
  });

  it('reads a window in time order for drift and statistics', async () => {
    const read: string[] = [];
    for await (const item of records.each({ ...everything, from: at(8) })) read.push(item.predictionId);
    expect(read).toEqual([8, 9, 10].map(id));
  });

  it('continues from the cursor the route hands out', async () => {
    const now = new Date(at(30));
    const first = await records.page(everything, { limit: 4 });
    const listing = parsePredictionListQuery({ model: 'iris', limit: '4', cursor: encodeCursor(first.next!) }, now);
    expect(listing.after).toEqual(first.next);
    const second = await records.page(listing.query, listing);
    expect(second.items.map((item) => item.predictionId)).toEqual([6, 5, 4, 3].map(id));
  });
});

describe('the query of GET /v1/predictions', () => {
  const now = new Date('2026-12-01T12:00:00.000Z');
  const refusal = (raw: Record<string, string>) => {
    try {
      parsePredictionListQuery(raw, now);
    } catch (error) {
      return (error as { code: string }).code;
    }
    return 'accepted';
  };
  const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const key = { predictionId: id(1), model: 'iris', createdAt: at(1) };

  it('takes a model, filters, a time range in any zone (compared in UTC) and a page size', () => {
    expect(parsePredictionListQuery({ model: 'iris' }, now)).toEqual({
      query: { model: 'iris', from: '1970-01-01T00:00:00.000Z', to: now.toISOString() },
      limit: 20,
    });
    expect(
      parsePredictionListQuery(
        { model: 'iris', version: '1.0.0', status: 'failed', source: 's3', from: '2026-12-01T11:00:00+01:00', limit: '100' },
        now,
      ),
    ).toEqual({
      query: {
        model: 'iris',
        version: '1.0.0',
        status: 'failed',
        source: 's3',
        from: '2026-12-01T10:00:00.000Z',
        to: now.toISOString(),
      },
      limit: 100,
    });
    const refused: Array<Record<string, string>> = [
      {},
      { model: 'Iris' },
      { model: 'iris', version: 'latest' },
      { model: 'iris', status: 'done' },
      { model: 'iris', source: 'ftp' },
      { model: 'iris', from: 'yesterday' },
      { model: 'iris', from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' },
      ...['0', '101', 'x'].map((limit) => ({ model: 'iris', limit })),
    ];
    for (const raw of refused) expect(refusal(raw), JSON.stringify(raw)).toBe('invalid-query');
  });

  it('answers a cursor it did not hand out with 400 invalid-cursor, never a key DynamoDB would refuse', () => {
    expect(refusal({ model: 'iris', cursor: cursor(key) })).toBe('accepted');
    for (const bad of [
      'not a cursor!',
      Buffer.from('{"predictionId":').toString('base64url'),
      cursor({ ...key, extra: 1 }),
      cursor({ ...key, predictionId: 'x' }),
      cursor({ ...key, model: 'digits' }),
      cursor({ ...key, createdAt: '2027-01-01T00:00:00.000Z' }),
    ]) {
      expect(refusal({ model: 'iris', cursor: bad }), bad).toBe('invalid-cursor');
    }
    expect(refusal({ model: 'iris', from: at(5), cursor: cursor(key) })).toBe('invalid-cursor');
  });
});
