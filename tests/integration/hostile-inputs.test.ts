import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostileCase } from '../../scripts/samples/hostile/case';
import { hostileCases } from '../../scripts/samples/hostile/index';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * The hostile-input corpus (issue #20), every case sent to one real local platform: each gets its answer or its
 * final record, and serverless-offline serves them all without a single restart.
 */
let t: TestPlatform;
let pidAtStart: number | undefined;

beforeAll(async () => {
  t = await startTestPlatform();
  pidAtStart = t.platform.offlinePid();
});

afterAll(async () => {
  await t?.stop();
});

type Case<V extends HostileCase['via']> = Extract<HostileCase, { via: V }>;

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${t.http}${path}`, {
    ...init,
    headers: { 'x-api-key': TEST_SETTINGS.apiKey, ...(init.headers as Record<string, string>) },
  });

/** The problem code of a `/v1` problem+json or the error text of a `/v2` answer. */
function codeOf(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { code?: string; error?: string };
    return body.code ?? body.error;
  } catch {
    return undefined;
  }
}

async function sendHttp(c: Case<'http'>) {
  const response = await api(c.path, { method: c.method, headers: c.headers, body: c.body });
  const bytes = Buffer.from(await response.arrayBuffer());
  expect(response.status, `${c.name}: ${bytes.toString('utf8').slice(0, 300)}`).toBe(c.answer.status);
  if (c.answer.code) expect(codeOf(bytes.toString('utf8'))).toContain(c.answer.code);
  if (c.answer.maxBytes !== undefined) expect(bytes.length).toBeLessThanOrEqual(c.answer.maxBytes);
}

async function sendUpload(c: Case<'s3'>) {
  await t.s3.send(
    new PutObjectCommand({
      Bucket: 'vigie-local-uploads',
      Key: c.key,
      Body: c.body,
      Metadata: c.metadata,
      ContentType: c.contentType,
    }),
  );
  const record = await eventually(async () => {
    const found = (await t.records()).find((r) => r.inputKey === c.key);
    return found && (found.status as string) !== 'running' ? found : undefined;
  }, 60_000);
  expect(record.status, c.name).toBe(c.record.status);
  if (c.record.code) expect(record.error?.code, c.name).toBe(c.record.code);
}

async function sendTraining(c: Case<'training'>) {
  const response = await api(`/v1/models/${c.model}/trainings?${c.query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: c.body,
  });
  const text = await response.text();
  expect(response.status, `${c.name}: ${text.slice(0, 300)}`).toBe(c.answer.status);
  if (!('final' in c.answer)) {
    expect(codeOf(text)).toBe(c.answer.code);
    return;
  }
  const { final } = c.answer;
  const { trainingId } = JSON.parse(text) as { trainingId: string };
  const ended = await eventually(async () => {
    const body = (await (await api(`/v1/trainings/${trainingId}`)).json()) as {
      status: string;
      error?: { code: string };
    };
    return body.status === 'succeeded' || body.status === 'failed' ? body : undefined;
  }, 120_000);
  expect(ended.status, c.name).toBe(final.status);
  if (final.code) expect(ended.error?.code, c.name).toBe(final.code);
}

describe('the hostile-input corpus on one local platform', () => {
  it('names every upload key once, so each case finds its own record', () => {
    const keys = hostileCases.flatMap((c) => (c.via === 's3' ? [c.key] : []));
    expect(new Set(keys).size).toBe(keys.length);
  });

  for (const c of hostileCases) {
    it(`${c.issue} ${c.via}: ${c.name}`, { timeout: 150_000 }, async () => {
      if (c.via === 'http') await sendHttp(c);
      else if (c.via === 's3') await sendUpload(c);
      else await sendTraining(c);
    });
  }

  it('served every case without serverless-offline restarting', async () => {
    const health = await fetch(`${t.http}/v1/health`);
    expect(health.status).toBe(200);
    expect(t.platform.offlinePid()).toBe(pidAtStart);
  });
});
