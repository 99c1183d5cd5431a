import { performance } from 'node:perf_hooks';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { storeTestKey } from '../support/api-key';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../functions/api/http/api-keys';
import { uploadPredictionId } from '../../functions/uploads/upload-key';
import { heldOutDigits, renderMnistPng } from '../../scripts/samples/mnist';
import { digitsMetadata, SERVED_DIGITS } from '../support/models';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';
import { savedQuery } from '../support/saved-queries';

/**
 * Changing what is served, on the real local platform (its DynamoDB aliases table, its functions in their own
 * processes): alias moves and their history, routing by alias and version on HTTP, /v2 and S3 (images and CSV
 * batches), two moves at once, rollback timed from the call to the first answer of the previous version, the kill
 * switch on every path, the permission, and the audit trail's saved query.
 */
const key = TEST_SETTINGS.apiKey;
let t: TestPlatform;
let seven: Buffer;
const setosa = 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n';

beforeAll(async () => {
  t = await startTestPlatform();
  const sample = heldOutDigits(digitsMetadata().training.data.split).find((s) => s.label === '7')!;
  seven = await renderMnistPng(sample);
});

afterAll(async () => {
  await t?.stop();
});

const api = (path: string, init: RequestInit = {}, apiKey = key) =>
  fetch(`${t.http}${path}`, { ...init, headers: { 'x-api-key': apiKey, ...(init.headers as Record<string, string>) } });
const send = (method: string, path: string, body: unknown, apiKey = key) =>
  api(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }, apiKey);
const move = (alias: string, body: Record<string, unknown>, model = 'digits') =>
  send('PUT', `/v1/models/${model}/aliases/${alias}`, body);
const act = (action: 'rollback' | 'disable' | 'enable', reason: string, model = 'digits') =>
  send('POST', `/v1/models/${model}/${action}`, { reason });

async function predictDigits(query = '') {
  const response = await api(`/v1/models/digits/predict${query}`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: seven,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Predicts until an answer comes from `version`; the milliseconds from `since` to that answer. */
async function firstAnswerFrom(version: string, since: number, timeoutMs = 5_000): Promise<number> {
  for (;;) {
    const { body } = await predictDigits();
    if (body.modelVersion === version) return performance.now() - since;
    if (performance.now() - since > timeoutMs) throw new Error(`no answer from ${version} within ${timeoutMs} ms`);
  }
}

async function upload(key: string, body: Buffer | string, metadata: Record<string, string> = {}) {
  const put = await t.s3.send(
    new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key, Body: body, Metadata: metadata }),
  );
  const id = uploadPredictionId(t.platform.uploadsBucket, key, (put.ETag ?? '').replace(/"/g, ''));
  return eventually(async () => {
    const record = await t.record(id);
    return record && (record.status as string) !== 'running' ? record : undefined;
  });
}

/** Callers predicting side by side in the rollback measurement. */
const CLIENTS = 4;
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1]!;

describe('before any alias', () => {
  it('serves the newest approved version as production, and shows no alias', async () => {
    expect(await predictDigits()).toMatchObject({ status: 200, body: { modelVersion: SERVED_DIGITS, alias: 'production' } });
    const model = (await (await api('/v1/models/digits')).json()) as Record<string, unknown>;
    expect(model).toMatchObject({ servedVersion: SERVED_DIGITS, aliases: {}, aliasHistory: [], disabled: false });
  });
});

describe('who may move an alias, and what', () => {
  it('refuses a key without models:manage (403), a move without a reason, an unknown version, a bad alias name', async () => {
    const reader = 'vk_test_reader_without_manage_0001';
    await storeTestKey(t.documents, reader, { name: 'reader', models: ['digits'], permissions: ['models:approve'] });
    const forbidden = await send('PUT', '/v1/models/digits/aliases/production', { version: '1.0.0', reason: 'x' }, reader);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ code: 'forbidden', detail: expect.stringContaining('models:manage') });
    expect((await send('POST', '/v1/models/digits/rollback', { reason: 'x' }, reader)).status).toBe(403);
    expect((await send('POST', '/v1/models/digits/disable', { reason: 'x' }, reader)).status).toBe(403);
    // It may still read the history: that needs the model only.
    expect((await api('/v1/models/digits/aliases/production/history', {}, reader)).status).toBe(200);

    expect(await (await move('production', { version: '1.0.0' })).json()).toMatchObject({ status: 400, code: 'invalid-body' });
    expect(await (await move('production', { version: '1.0.0', reason: '   ' })).json()).toMatchObject({ code: 'invalid-body' });
    expect(await (await move('production', { version: '9.9.9', reason: 'x' })).json()).toMatchObject({
      status: 404,
      code: 'model-not-found',
    });
    expect(await (await move('Prod_1', { version: '1.0.0', reason: 'x' })).json()).toMatchObject({
      status: 400,
      code: 'invalid-alias',
    });
    expect(await (await move('production', { version: '1.0.0', reason: 'x' }, 'no-such-model')).json()).toMatchObject({
      status: 404,
      code: 'model-not-found',
    });
    // Nothing was written by any of these.
    expect(await (await api('/v1/models/digits')).json()).toMatchObject({ aliasHistory: [] });
  });
});

describe('alias moves and their history', () => {
  it('answers which version production pointed at at each instant of a sequence of moves', async () => {
    const before = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const first = await move('production', { version: '1.0.0', reason: 'incident INC-1: 1.1.0 misreads sevens' });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      model: 'digits',
      change: { seq: 1, action: 'move', alias: 'production', from: SERVED_DIGITS, fromNewestApproved: true, to: '1.0.0' },
      aliases: { production: { version: '1.0.0' } },
      disabled: false,
    });
    const afterFirst = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await move('production', { version: '1.1.0', reason: 'fixed' })).status).toBe(200);
    const afterSecond = new Date();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await move('production', { version: '1.0.0', reason: 'again' })).status).toBe(200);

    const at = async (instant: Date) =>
      (await api(`/v1/models/digits/aliases/production/history?at=${instant.toISOString()}`)).json();
    expect(await at(before)).toEqual({ alias: 'production', version: null, at: before.toISOString(), rule: 'newest-approved' });
    expect(await at(afterFirst)).toMatchObject({ alias: 'production', version: '1.0.0' });
    expect(await at(afterSecond)).toMatchObject({ alias: 'production', version: '1.1.0' });
    expect(await (await api('/v1/models/digits/aliases/production/history')).json()).toMatchObject({ version: '1.0.0' });
    expect((await api('/v1/models/digits/aliases/production/history?at=yesterday')).status).toBe(400);
    expect(await (await api(`/v1/models/digits/aliases/canary/history?at=${before.toISOString()}`)).json()).toMatchObject({
      status: 404,
      code: 'alias-not-found',
    });

    const model = (await (await api('/v1/models/digits')).json()) as { aliasHistory: Array<Record<string, unknown>> };
    expect(model).toMatchObject({ servedVersion: '1.0.0', aliases: { production: { version: '1.0.0' } } });
    expect(model.aliasHistory.map(({ seq, from, to, reason }) => ({ seq, from, to, reason }))).toEqual([
      { seq: 1, from: SERVED_DIGITS, to: '1.0.0', reason: 'incident INC-1: 1.1.0 misreads sevens' },
      { seq: 2, from: '1.0.0', to: '1.1.0', reason: 'fixed' },
      { seq: 3, from: '1.1.0', to: '1.0.0', reason: 'again' },
    ]);
    // The actor is the key's id (a hash prefix), never the key.
    expect(model.aliasHistory[0]!.actor).toBe(hashApiKey(key).slice(0, 12));
  });

  it('of two people moving production at once from what they both read, writes one and answers 409 to the other', async () => {
    for (let round = 0; round < 3; round += 1) {
      // Prepare: both read the model (its ETag is the newest event's number).
      const etag = (await api('/v1/models/digits')).headers.get('etag')!;
      expect(etag).toMatch(/^"\d+"$/);
      // Act: two moves at once, each conditional on that read.
      const answers = await Promise.all(
        ['1.1.0', '1.0.0'].map((version, i) =>
          api('/v1/models/digits/aliases/production', {
            method: 'PUT',
            headers: { 'content-type': 'application/json', 'if-match': etag },
            body: JSON.stringify({ version, reason: `race ${round} person ${i}` }),
          }),
        ),
      );
      // Assess
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
      const loser = answers.find((answer) => answer.status === 409)!;
      expect(await loser.json()).toMatchObject({ code: 'concurrent-change' });
      const winner = answers.find((answer) => answer.status === 200)!;
      expect(winner.headers.get('etag')).toBe(`"${Number(JSON.parse(etag)) + 1}"`);
    }
    // A stale ETag is refused too, even with nobody else writing at that moment.
    const stale = await api('/v1/models/digits/aliases/production', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': '"1"' },
      body: JSON.stringify({ version: '1.0.0', reason: 'based on an old read' }),
    });
    expect(stale.status).toBe(409);
    // Without If-Match, moves sent at once are settled from each request's own read: never two events of one number.
    const unconditional = await Promise.all(
      ['1.1.0', '1.0.0', '1.1.0'].map((version, i) => move('production', { version, reason: `unconditional ${i}` })),
    );
    for (const answer of unconditional) expect([200, 409]).toContain(answer.status);
    const model = (await (await api('/v1/models/digits')).json()) as { aliasHistory: Array<{ seq: number }> };
    const seqs = model.aliasHistory.map((event) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.length).toBe(3 + 3 + unconditional.filter((answer) => answer.status === 200).length);
  });
});

describe('routing', () => {
  it('serves production within a second of a move, a version by name, an alias by name, and 404 for an unknown alias', async () => {
    expect((await move('production', { version: '1.1.0', reason: 'routing test' })).status).toBe(200);
    const since = performance.now();
    expect(await firstAnswerFrom('1.1.0', since)).toBeLessThan(1_500);
    expect(await predictDigits('?version=1.0.0')).toMatchObject({ status: 200, body: { modelVersion: '1.0.0' } });
    expect((await predictDigits('?version=1.0.0')).body.alias).toBeUndefined();
    expect(await predictDigits('?alias=canary')).toMatchObject({ status: 404, body: { code: 'alias-not-found' } });
    expect((await move('canary', { version: '1.0.0', reason: 'try the older one on a few', weight: 10 })).status).toBe(200);
    await eventually(async () => {
      const answer = await predictDigits('?alias=canary');
      return answer.status === 200 ? answer : undefined;
    });
    expect(await predictDigits('?alias=canary')).toMatchObject({ body: { modelVersion: '1.0.0', alias: 'canary' } });
    expect(await predictDigits('?alias=bad_name')).toMatchObject({ status: 400, body: { code: 'invalid-alias' } });
    // The record says the same as the answer.
    const { body } = await predictDigits('?alias=canary');
    expect(await t.record(body.predictionId as string)).toMatchObject({ modelVersion: '1.0.0', alias: 'canary' });
  });

  it('routes /v2 infer by ?alias= and names the alias in its parameters', async () => {
    const infer = await api('/v2/models/digits/infer?alias=canary', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [seven.toString('base64')] }],
      }),
    });
    const answer = (await infer.json()) as Record<string, unknown>;
    expect(infer.status, JSON.stringify(answer)).toBe(200);
    expect(answer).toMatchObject({ model_version: '1.0.0', parameters: { alias: 'canary' } });
  });

  it('routes S3 uploads by their alias or version metadata, images and CSV batches alike', async () => {
    expect(await upload('incoming/digits/lifecycle/by-alias.png', seven, { alias: 'canary' })).toMatchObject({
      status: 'succeeded',
      modelVersion: '1.0.0',
      alias: 'canary',
    });
    const byVersion = await upload('incoming/digits/lifecycle/by-version.png', seven, { version: '1.1.0' });
    expect(byVersion).toMatchObject({ status: 'succeeded', modelVersion: '1.1.0' });
    expect(byVersion.alias).toBeUndefined();
    expect(await upload('incoming/digits/lifecycle/nameless.png', seven, { alias: 'nameless' })).toMatchObject({
      status: 'rejected',
      error: { code: 'alias-not-found' },
    });
    expect(await upload('incoming/iris/lifecycle/batch.csv', setosa, { alias: 'production' })).toMatchObject({
      status: 'succeeded',
      modelVersion: '1.0.0',
      alias: 'production',
    });
  });
});

/**
 * `clients` callers predicting side by side (so serverless-offline runs several workers, each with its own cached
 * lifecycle state, as Lambda runs several containers), each until an answer comes from `version`: the
 * milliseconds from `since` to each one's first answer from it.
 */
const firstAnswersFrom = (version: string, since: number, clients: number) =>
  Promise.all(Array.from({ length: clients }, () => firstAnswerFrom(version, since)));

describe('rollback', () => {
  it('puts production back on its previous version in one call; timed to the first answer from it, across workers', async () => {
    const first: number[] = [];
    const slowest: number[] = [];
    const versions = ['1.0.0', '1.1.0'];
    for (let i = 0; i < 50; i += 1) {
      const [next, previous] = i % 2 === 0 ? versions : [...versions].reverse();
      // Production on `previous`, then moved to `next` (and served from it), then rolled back.
      const current = ((await (await api('/v1/models/digits')).json()) as { aliases: { production: { version: string } } })
        .aliases.production.version;
      if (current !== previous) expect((await move('production', { version: previous!, reason: 'set up' })).status).toBe(200);
      expect((await move('production', { version: next!, reason: `release ${i}` })).status).toBe(200);
      // Every worker serves the new version before the rollback, so each one has to see it.
      await firstAnswersFrom(next!, performance.now(), CLIENTS);
      const started = performance.now();
      const rolled = await act('rollback', `rollback ${i}`);
      expect(rolled.status).toBe(200);
      expect(await rolled.json()).toMatchObject({ change: { action: 'rollback', from: next, to: previous } });
      const times = await firstAnswersFrom(previous!, started, CLIENTS);
      first.push(Math.min(...times));
      slowest.push(Math.max(...times));
    }
    const figures = (times: number[]) => `p50 ${percentile(times, 50).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(0)} ms`;
    console.warn(
      `rollback → first answer from the previous version over ${first.length} rollbacks, ${CLIENTS} callers side by side: ` +
        `first caller ${figures(first)}; slowest caller ${figures(slowest)}`,
    );
    expect(percentile(first, 99)).toBeLessThan(1_500);
    expect(percentile(slowest, 99)).toBeLessThan(2_000);
  }, 420_000);

  it('answers 409 nothing-to-roll-back when production has no earlier version', async () => {
    expect((await move('production', { version: '1.0.0', reason: 'first move' }, 'iris')).status).toBe(200);
    expect((await act('rollback', 'back to what it served', 'iris')).status).toBe(200);
    const again = await act('rollback', 'and again', 'iris');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'nothing-to-roll-back' });
  });
});

describe('the kill switch', () => {
  it('answers 503 model-disabled on /v1, /v2 and S3 (held as failed, not quarantined), then serves again once enabled', async () => {
    expect(await (await act('disable', 'incident INC-2: wrong answers')).json()).toMatchObject({ disabled: true });
    expect(await (await act('disable', 'incident INC-2: iris too', 'iris')).json()).toMatchObject({ disabled: true });
    const refused = await eventually(async () => {
      const answer = await predictDigits();
      return answer.status === 503 ? answer : undefined;
    }, 2_000);
    expect(refused.body).toMatchObject({ code: 'model-disabled', detail: expect.stringContaining('disabled') });
    // Whatever is asked: a version by name too.
    expect(await predictDigits('?version=1.0.0')).toMatchObject({ status: 503, body: { code: 'model-disabled' } });
    const infer = await api('/v2/models/digits/infer', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [seven.toString('base64')] }] }),
    });
    expect(infer.status).toBe(503);
    expect(await infer.json()).toMatchObject({ code: 'model-disabled' });
    const held = await upload('incoming/digits/lifecycle/while-disabled.png', seven);
    expect(held).toMatchObject({ status: 'failed', error: { code: 'model-disabled' } });
    expect(held.quarantineKey).toBeUndefined();
    const batch = await upload('incoming/iris/lifecycle/while-disabled.csv', setosa);
    expect(batch).toMatchObject({ status: 'failed', error: { code: 'model-disabled' } });

    expect(await (await act('enable', 'INC-2 closed')).json()).toMatchObject({ disabled: false });
    await eventually(async () => ((await predictDigits()).status === 200 ? true : undefined), 2_000);
    expect(await (await api('/v1/models/digits')).json()).toMatchObject({ disabled: false });
  });
});

describe('the audit trail', () => {
  it('answers the saved query of alias moves with every change, its actor and its reason', async () => {
    await expect
      .poll(() => savedQuery(t, 'alias-moves').rows)
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            model: 'digits',
            seq: 1,
            action: 'move',
            alias: 'production',
            fromVersion: SERVED_DIGITS,
            toVersion: '1.0.0',
            reason: 'incident INC-1: 1.1.0 misreads sevens',
            callerPseudonym: expect.stringMatching(/^ps_/),
          }),
          expect.objectContaining({ model: 'digits', action: 'rollback' }),
          expect.objectContaining({ model: 'digits', action: 'disable', reason: 'incident INC-2: wrong answers' }),
          expect.objectContaining({ model: 'digits', action: 'enable' }),
        ]),
      );
  });
});
