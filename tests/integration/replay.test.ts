import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../../functions/records/records';
import { uploadPredictionId } from '../../functions/uploads/upload-key';
import { auditEventsOf, readLogEvents } from '../../scripts/audit/log-events';
import { deadLetter, type S3Notification } from '../../scripts/local/delivery-queue';
import { heldOutDigits, renderMnistPng } from '../../scripts/samples/mnist';
import { digitsMetadata, SERVED_DIGITS } from '../support/models';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * The kill switch on every path, then replay, on the real local platform: uploads (pictures and CSV batches) made
 * while a model is disabled are held, an upload whose event was dead-lettered waits in `.local/dead-letters/`, and
 * `POST /v1/models/{model}/replay` runs each exactly once, across restarts of the platform and a replay cut short
 * by one. "Once" is read from the functions' own logs: one prediction audit event per upload, no duplicate run.
 */
const key = TEST_SETTINGS.apiKey;
// Claims on uploads last this long here (90 s by default): a replay cut short is taken over within the test.
const LEASE_SECONDS = 15;
let t: TestPlatform;
let stateDir: string;
let seven: Buffer;
const setosa = 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n';

const start = (overrides: { stateDir?: string } = {}) => startTestPlatform(overrides);

beforeAll(async () => {
  process.env.VIGIE_REPLAY_LEASE_SECONDS = String(LEASE_SECONDS);
  t = await start();
  stateDir = t.env.VIGIE_STATE_DIR!;
  const sample = heldOutDigits(digitsMetadata().training.data.split).find((s) => s.label === '7')!;
  seven = await renderMnistPng(sample);
});

afterAll(async () => {
  await t?.stop();
  delete process.env.VIGIE_REPLAY_LEASE_SECONDS;
});

const send = (method: string, path: string, body?: unknown) =>
  fetch(`${t.http}${path}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
const act = (model: string, action: 'disable' | 'enable' | 'replay' | 'rollback', reason: string) =>
  send('POST', `/v1/models/${model}/${action}`, { reason });

interface ReplayAnswer {
  model: string;
  replayed: number;
  uploads: Array<{ predictionId: string; from: string; status?: string }>;
  alreadyEnded: string[];
  remaining: number;
}
async function replay(model: string): Promise<ReplayAnswer> {
  const response = await act(model, 'replay', 'incident closed: run what was held');
  const answer = (await response.json()) as ReplayAnswer;
  expect(response.status, JSON.stringify(answer)).toBe(200);
  return answer;
}

/** `vigie models replay` as a person runs it, against this platform: the calls' answers merged (--json). */
async function replayWithCli(model: string): Promise<ReplayAnswer> {
  const args = ['bin/vigie.js', 'models', 'replay', model, '--reason', 'incident closed', '--json'];
  const { stdout } = await promisify(execFile)(process.execPath, args, { env: t.env });
  return JSON.parse(stdout) as ReplayAnswer;
}

async function put(objectKey: string, body: Buffer | string): Promise<string> {
  const answer = await t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: objectKey, Body: body }));
  return uploadPredictionId(t.platform.uploadsBucket, objectKey, (answer.ETag ?? '').replace(/"/g, ''));
}
const recordOf = (id: string, done: (record: PredictionRecord) => boolean) =>
  eventually(async () => {
    const record = await t.record(id);
    return record && done(record) ? record : undefined;
  }, 60_000);
const isHeld = (record: PredictionRecord) => record.status === 'failed' && record.error?.code === 'model-disabled';
const hasEnded = (record: PredictionRecord) => record.status === 'succeeded' || record.status === 'rejected';

/** Every run of an upload, read from the logs of every start on the state folder: audit events and duplicate runs. */
function runsOf(ids: string[]) {
  const events = readLogEvents(join(stateDir, 'logs'));
  const audits = (auditEventsOf(events) as Array<Record<string, unknown>>).filter(
    (audit) => audit.event === 'prediction' && audit.status === 'succeeded',
  );
  const duplicates = events.filter((event) => /duplicate (batch )?delivery ignored/.test(String(event.fields.message)));
  return {
    succeeded: Object.fromEntries(ids.map((id) => [id, audits.filter((audit) => audit.predictionId === id).length])),
    duplicates: duplicates.length,
  };
}

const held: Record<string, string> = {};

describe('what production serves, as health and /v2 name it', () => {
  it('follows an alias move and a rollback within a second: GET /v1/health, /v2 ready', async () => {
    const healthOf = async () => {
      const answer = (await (await fetch(`${t.http}/v1/health`)).json()) as { models: Array<{ name: string; version?: string }> };
      return answer.models.find((model) => model.name === 'digits')?.version;
    };
    expect(await healthOf()).toBe(SERVED_DIGITS);
    expect((await send('PUT', '/v1/models/digits/aliases/production', { version: '1.0.0', reason: 'INC-6' })).status).toBe(200);
    await eventually(async () => ((await healthOf()) === '1.0.0' ? true : undefined), 1_500);
    expect((await send('GET', '/v2/models/digits/ready')).status).toBe(200);
    expect((await act('digits', 'rollback', 'INC-6 was not it')).status).toBe(200);
    await eventually(async () => ((await healthOf()) === SERVED_DIGITS ? true : undefined), 1_500);
  });
});

describe('the kill switch', () => {
  it('answers 503 model-disabled on /v1 (pictures and rows) within 5 s, and holds S3 pictures and CSV batches as failed', async () => {
    expect((await act('digits', 'disable', 'INC-7: wrong answers')).status).toBe(200);
    expect((await act('iris', 'disable', 'INC-7: iris too')).status).toBe(200);
    const refused = await eventually(async () => {
      const answer = await send('POST', '/v1/models/iris/predict', {
        rows: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }],
      });
      return answer.status === 503 ? ((await answer.json()) as { code: string }) : undefined;
    }, 5_000);
    expect(refused.code).toBe('model-disabled');
    held.first = await put('incoming/digits/replay/first.png', seven);
    held.second = await put('incoming/digits/replay/second.png', seven);
    held.batch = await put('incoming/iris/replay/batch.csv', setosa);
    for (const id of Object.values(held)) {
      const record = await recordOf(id, (r) => (r.status as string) !== 'running');
      expect(record).toMatchObject({ status: 'failed', error: { code: 'model-disabled' } });
      expect(record.quarantineKey).toBeUndefined();
    }
    // While the switch is on, a replay would only hold them again.
    const early = await act('digits', 'replay', 'too early');
    expect(early.status).toBe(503);
    expect(await early.json()).toMatchObject({ code: 'model-disabled' });
  }, 120_000);
});

describe('replay', () => {
  it('runs every held and dead-lettered upload exactly once after a restart of the local platform, and nothing on a second replay', async () => {
    // An upload whose event failed every attempt: queued, never delivered, then dead-lettered as the platform does.
    const release = t.platform.holdDeliveries();
    const deadId = await put('incoming/digits/replay/dead-lettered.png', seven);
    const queued = await eventually(async () => {
      const names = readdirSync(join(stateDir, 'queue')).filter((name) => name.endsWith('.json'));
      return names.length === 1 ? names[0] : undefined;
    });
    await t.stop();
    release();
    const event = JSON.parse(readFileSync(join(stateDir, 'queue', queued), 'utf8')) as S3Notification;
    rmSync(join(stateDir, 'queue', queued));
    writeFileSync(
      join(stateDir, 'dead-letters', `${Date.now()}-replay-test.json`),
      JSON.stringify(deadLetter(event, 'Task timed out after 40.00 seconds', 3)),
    );

    t = await start({ stateDir });
    expect((await act('digits', 'enable', 'INC-7 closed')).status).toBe(200);
    expect((await act('iris', 'enable', 'INC-7 closed')).status).toBe(200);
    // The switch is read within a second by each container: a replay right after `enable` could be held again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const digits = await replay('digits');
    expect(digits.replayed).toBe(3);
    expect(digits.remaining).toBe(0);
    expect(digits.uploads).toEqual(
      expect.arrayContaining([
        { predictionId: held.first, from: 'held', status: 'succeeded' },
        { predictionId: held.second, from: 'held', status: 'succeeded' },
        { predictionId: deadId, from: 'dead-letter', status: 'succeeded' },
      ]),
    );
    const iris = await replayWithCli('iris');
    expect(iris.uploads.map((upload) => upload.predictionId)).toEqual([held.batch]);
    expect(await recordOf(held.batch!, hasEnded)).toMatchObject({ status: 'succeeded', modelVersion: '1.0.0' });
    expect(readdirSync(join(stateDir, 'dead-letters'))).toEqual([]);

    // A second replay, then another after a restart: nothing runs again.
    expect(await replay('digits')).toMatchObject({ replayed: 0, uploads: [], remaining: 0 });
    await t.stop();
    t = await start({ stateDir });
    expect(await replay('digits')).toMatchObject({ replayed: 0, remaining: 0 });
    expect(await replay('iris')).toMatchObject({ replayed: 0, remaining: 0 });
    const ids = [held.first!, held.second!, held.batch!, deadId];
    expect(runsOf(ids)).toEqual({ succeeded: Object.fromEntries(ids.map((id) => [id, 1])), duplicates: 0 });
  }, 300_000);

  it('runs nothing twice when a restart of the local platform cuts a replay short: what it left is taken over after the lease', async () => {
    expect((await act('digits', 'disable', 'INC-8')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const ids = await Promise.all(Array.from({ length: 8 }, (_, i) => put(`incoming/digits/cut/${i}.png`, seven)));
    for (const id of ids) await recordOf(id, isHeld);
    expect((await act('digits', 'enable', 'INC-8 closed')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // The replay is under way once one upload has ended; the platform stops under it.
    const cut = act('digits', 'replay', 'cut short').catch(() => undefined);
    await eventually(async () => {
      for (const id of ids) if (hasEnded((await t.record(id))!)) return true;
      return undefined;
    }, 60_000);
    await t.stop();
    await cut;

    t = await start({ stateDir });
    const endedIds = async () =>
      (await Promise.all(ids.map((id) => t.record(id)))).flatMap((r, i) => (r && hasEnded(r) ? [ids[i]!] : []));
    const ended = async () => (await endedIds()).length;
    const endedBefore = await endedIds();
    const after = endedBefore.length;
    const left = (await Promise.all(ids.map((id) => t.record(id)))).filter((r) => r && isHeld(r) && r.replayClaimedAt).length;
    // Claimed by the replay that died: untouched until the lease is over, then run once by the next replay.
    await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1000));
    let runs = 0;
    for (let call = 0; call < 3 && (await ended()) < ids.length; call += 1) runs += (await replay('digits')).replayed;
    console.warn(
      `replay cut short: ${after} of ${ids.length} ended before the restart, ${left} left claimed, ${runs} run after the lease`,
    );
    expect(runs).toBe(ids.length - after);
    expect(await ended()).toBe(ids.length);
    // Nothing ran twice: at most one audit line per upload, and exactly one for each run after the restart (once
    // the lines have reached the logs, a moment after the records). A run that ended as the platform stopped can
    // miss its line: stopping serverless-offline does not wait for its functions' last output (the record is kept).
    const runAfter = ids.filter((id) => !endedBefore.includes(id));
    const logged = await eventually(async () => {
      const counted = runsOf(ids);
      return runAfter.every((id) => counted.succeeded[id]! >= 1) ? counted : undefined;
    }, 10_000).catch(() => runsOf(ids));
    expect(logged.duplicates).toBe(0);
    for (const id of ids) expect(logged.succeeded[id], id).toBeLessThanOrEqual(1);
    for (const id of runAfter) expect(logged.succeeded[id], id).toBe(1);
  }, 300_000);
});
