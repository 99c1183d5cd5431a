import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_LISTED_PROBLEMS } from '../../functions/serving/tabular/tabular-errors';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * Feature rows and the keyed read routes as a hostile or careless client meets them, on the real local platform
 * (issue #20, items 5, 6, 10, 15, 16, 17, 18): every one is a 4xx with a code and a record where one is due,
 * never a 500, and what a scoped key reads stays within its scope.
 */
const run = promisify(execFile);
const key = TEST_SETTINGS.apiKey;
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});

afterAll(async () => {
  await t?.stop();
});

const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

const api = (path: string, init: RequestInit = {}, as = key) =>
  fetch(`${t.http}${path}`, { ...init, headers: { 'x-api-key': as, ...(init.headers as Record<string, string>) } });

const predict = (body: string, contentType = 'application/json', model = 'iris') =>
  api(`/v1/models/${model}/predict`, { method: 'POST', headers: { 'content-type': contentType }, body });

interface Problem {
  code: string;
  detail: string;
  errors?: Array<{ field: string; row?: number; message: string }>;
  errorCount?: number;
  features?: string[];
}

async function problemOf(response: Response, status: number, code: string): Promise<Problem> {
  expect(response.status).toBe(status);
  const body = (await response.json()) as Problem;
  expect(body.code).toBe(code);
  return body;
}

const createKey = async (...models: string[]) => {
  const { stdout } = await run(process.execPath, ['bin/vigie.js', 'keys', 'create', '--name', 'scope', '--models', ...models], {
    env: t.env,
  });
  return stdout.trim().split('\n').at(-1)!;
};

describe('problem answers stay small whatever the body (#20.5)', () => {
  it('lists the first problems, counts them all, and names the features once', async () => {
    // 2,000 rows of 20 unknown fields each: 40,000 unknown-field problems plus 8,000 missing values.
    const row = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`column_${i}`, i]));
    const body = JSON.stringify({ rows: Array.from({ length: 2_000 }, () => row) });
    const response = await predict(body);
    const text = await response.text();
    expect(response.status).toBe(400);
    const problem = JSON.parse(text) as Problem;
    expect(problem).toMatchObject({ code: 'invalid-features', errorCount: 48_000 });
    expect(problem.errors).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(problem.features).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
    expect(problem.errors![0]).toEqual({ field: 'column_0', row: 0, message: 'unknown field' });
    // Before: every problem repeated the feature list, a 5.6 MB answer to this 564 KB body.
    expect(text.length).toBeLessThan(20_000);
  });
});

describe('feature values a float32 tensor and a record can hold (#20.6)', () => {
  it.each([
    ['9007199254740993', 'above 2^53'],
    ['-1e16', 'below -2^53'],
    ['3.5e38', 'above float32'],
  ])('refuses %s (%s) with 400 invalid-features, and records the refusal', async (value) => {
    const body = `{"features": {"sepal_length": ${value}, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}}`;
    const problem = await problemOf(await predict(body), 400, 'invalid-features');
    expect(problem.errors).toEqual([{ field: 'sepal_length', message: expect.stringContaining('must lie within') }]);
    const sha = createHash('sha256').update(body).digest('hex');
    const record = await eventually(async () => (await t.records()).find((r) => r.inputSha256 === sha));
    expect(record).toMatchObject({ status: 'rejected', error: { code: 'invalid-features' } });
  });

  it('gives a CSV row holding one its error cell and scores the others', async () => {
    const csv = 'sepal_length,sepal_width,petal_length,petal_width\n1e16,3.5,1.4,0.2\n5.1,3.5,1.4,0.2\n';
    const response = await predict(csv, 'text/csv');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { summary: { succeededRows: number }; results: Array<{ error?: string }> };
    expect(body.summary.succeededRows).toBe(1);
    expect(body.results[0]!.error).toContain('sepal_length: must lie within');
  });

  it('refuses FP64 1e16 on /v2 with 400 invalid-features', async () => {
    const response = await api('/v2/models/iris/infer', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP64', data: [1e16, 3.5, 1.4, 0.2] }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'invalid-features' });
  });
});

describe('JSON nested without end (#20.15)', () => {
  it('answers 400 json-too-deep on /v2 and /v1 instead of overflowing the validator', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const v2 = await api('/v2/models/iris/infer', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"inputs": [{"name": "features", "shape": [1, 4], "datatype": "FP32", "data": ${deep}}]}`,
    });
    expect(v2.status).toBe(400);
    expect(await v2.json()).toMatchObject({ code: 'json-too-deep' });
    await problemOf(await predict(`{"rows": ${deep}}`), 400, 'json-too-deep');
  });
});

describe('a training id that cannot be one (#20.16)', () => {
  it('answers 404 to a 3,000-character id', async () => {
    await problemOf(await api(`/v1/trainings/${'a'.repeat(3_000)}`), 404, 'not-found');
  });
});

describe('what a scoped key reads (#20.17)', () => {
  it('a key scoped to `unknown` reads no record of a mistyped model name', async () => {
    await problemOf(await predict(JSON.stringify({ features: setosa }), 'application/json', 'irsi'), 404, 'model-not-found');
    const record = await eventually(async () =>
      (await t.records()).find((r) => r.model === 'unknown' && r.error?.code === 'model-not-found'),
    );
    // The platform's key, which may call every model, still reads it.
    expect((await api(`/v1/predictions/${record.predictionId}`)).status).toBe(200);
    const scoped = await createKey('unknown');
    await problemOf(await api(`/v1/predictions/${record.predictionId}`, {}, scoped), 404, 'not-found');
  }, 30_000);

  it('a key scoped to iris lists iris only, and is refused the other models and their cards', async () => {
    const scoped = await createKey('iris');
    const listed = (await (await api('/v1/models', {}, scoped)).json()) as { models: Array<{ name: string }> };
    expect(listed.models.map((model) => model.name)).toEqual(['iris']);
    expect((await api('/v1/models/iris', {}, scoped)).status).toBe(200);
    await problemOf(await api('/v1/models/digits', {}, scoped), 403, 'forbidden');
    await problemOf(await api('/v1/models/digits/versions/1.1.0/card', {}, scoped), 403, 'forbidden');
    const all = (await (await api('/v1/models')).json()) as { models: Array<{ name: string }> };
    expect(all.models.map((model) => model.name)).toEqual(expect.arrayContaining(['iris', 'digits']));
  }, 30_000);
});

describe('a field or column given twice (#20.18)', () => {
  it('refuses JSON fields that are the same once trimmed', async () => {
    const body =
      '{"features": {"sepal_length": 5.1, " sepal_length ": 7.9, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}}';
    const problem = await problemOf(await predict(body), 400, 'invalid-features');
    expect(problem.errors).toEqual([{ field: 'sepal_length', message: expect.stringContaining('given 2 times') }]);
  });

  const duplicated = 'sepal_length,sepal_width,petal_length,petal_width,sepal_length\n5.1,3.5,1.4,0.2,7.9\n';

  it('refuses a text/csv body whose header names a feature twice', async () => {
    const problem = await problemOf(await predict(duplicated, 'text/csv'), 400, 'duplicate-columns');
    expect(problem.errors).toEqual([{ field: 'sepal_length', message: 'the header names this column 2 times' }]);
  });

  it('rejects such a batch file as a whole, with its code', async () => {
    const uploadKey = 'incoming/iris/duplicated-column.csv';
    await t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: uploadKey, Body: duplicated }));
    const record = await eventually(async () => {
      const found = (await t.records()).find((r) => r.inputKey === uploadKey);
      return found && (found.status as string) !== 'running' ? found : undefined;
    }, 30_000);
    expect(record).toMatchObject({ status: 'rejected', error: { code: 'duplicate-columns' } });
  }, 40_000);
});

describe('a class named __proto__ (#20.10)', { timeout: 240_000 }, () => {
  it('trains, serves and records it like any other label', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `${i % 2 === 0 ? i : i + 100},${i % 2 === 0 ? '__proto__' : 'other'}`);
    const queued = await api('/v1/models/proto-class/trainings?target=kind&timeBudgetSeconds=5', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: `x,kind\n${rows.join('\n')}\n`,
    });
    expect(queued.status).toBe(202);
    const { trainingId } = (await queued.json()) as { trainingId: string };
    const training = await eventually(async () => {
      const body = (await (await api(`/v1/trainings/${trainingId}`)).json()) as { status: string; version?: string };
      return body.status === 'succeeded' || body.status === 'failed' ? body : undefined;
    }, 180_000);
    expect(training.status).toBe('succeeded');
    const approval = await api(`/v1/models/proto-class/versions/${training.version}/approval`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approved', approver: 'Jane Reviewer' }),
    });
    expect(approval.status).toBe(200);

    const response = await eventually(async () => {
      const answer = await predict(JSON.stringify({ features: { x: 4 } }), 'application/json', 'proto-class');
      return answer.status === 403 ? undefined : answer; // the registry reads the approval within its cache time
    }, 30_000);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { predictionId: string; result: { label: string; probabilities: object } };
    expect(body.result.label).toBe('__proto__');
    expect(Object.keys(body.result.probabilities).sort()).toEqual(['__proto__', 'other']);
    const stored = (await (await api(`/v1/predictions/${body.predictionId}`)).json()) as { result: { probabilities: object } };
    expect(Object.keys(stored.result.probabilities).sort()).toEqual(['__proto__', 'other']);
    expect(stored.result).toEqual(body.result);
  });
});
