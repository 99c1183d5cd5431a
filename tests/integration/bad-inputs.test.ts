import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quarantineKeyFor } from '../../functions/uploads/upload-key';
import type { ClassificationResult } from '../../functions/records/results';
import { badInputs, type BadInput } from '../../scripts/samples/bad-inputs';
import { heldOutDigits } from '../../scripts/samples/mnist';
import { digitsMetadata } from '../support/models';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * Every input of the bad-input corpus, sent through the HTTP API and uploaded to S3 on the real local platform:
 * each gets the answer the corpus says, a 4xx problem+json with its reason or a prediction, and nothing crashes.
 */
let t: TestPlatform;
let cases: BadInput[];
const seven = heldOutDigits(digitsMetadata().training.data.split).find((s) => s.label === '7')!;

beforeAll(async () => {
  [t, cases] = await Promise.all([startTestPlatform(), badInputs(seven)]);
});

afterAll(async () => {
  await t?.stop();
});

describe('bad inputs over HTTP', () => {
  it('answers every case as the corpus says', async () => {
    const table: string[] = [];
    for (const c of cases.filter((x) => x.http)) {
      const response = await fetch(`${t.http}/v1/models/${c.model ?? 'digits'}/predict${c.query ? `?${c.query}` : ''}`, {
        method: 'POST',
        headers: { 'content-type': c.contentType, 'x-api-key': TEST_SETTINGS.apiKey },
        body: c.body,
      });
      const body = (await response.json()) as { code?: string; detail?: string; result?: ClassificationResult };
      table.push(`${c.name} → ${response.status} ${body.code ?? body.result?.label}`);
      expect({ name: c.name, status: response.status }).toEqual({ name: c.name, status: c.http!.status });
      if (c.http!.code) {
        expect(response.headers.get('content-type'), c.name).toBe('application/problem+json');
        expect(body.code, c.name).toBe(c.http!.code);
        expect(body.detail, c.name).toBeTruthy();
      } else {
        expect(body.result?.label, c.name).toBe('7');
      }
    }
    console.warn(`HTTP bad-input table:\n  ${table.join('\n  ')}`);
  }, 120_000);
});

describe('bad inputs uploaded to S3', () => {
  it('records every case as the corpus says and quarantines the rejected ones', async () => {
    const s3Cases = cases.filter((c) => c.s3);
    const keyOf = (c: BadInput) => c.s3Key ?? `incoming/${c.model ?? 'digits'}/bad/${c.file}`;
    for (const c of s3Cases) {
      await t.s3.send(
        new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: keyOf(c), Body: c.body, ContentType: c.contentType }),
      );
    }
    const table: string[] = [];
    const results = t.platform.buckets.find((bucket) => bucket.endsWith('-results'))!;
    for (const c of s3Cases.filter((x) => x.s3!.status !== 'ignored')) {
      const record = await eventually(async () => (await t.records()).find((r) => r.inputKey === keyOf(c)), 60_000);
      table.push(`${c.name} → ${record.status} ${record.error?.code ?? ''}`);
      expect({ name: c.name, status: record.status }).toEqual({ name: c.name, status: c.s3!.status });
      if (c.s3!.status === 'rejected') {
        expect(record.error?.code, c.name).toBe(c.s3!.code);
        expect(record.quarantineKey, c.name).toBe(quarantineKeyFor(record.predictionId, keyOf(c)));
        await eventually(() =>
          t.s3.send(new GetObjectCommand({ Bucket: results, Key: record.quarantineKey! })).then(
            () => true,
            () => undefined,
          ),
        );
        // Moved: copied first, then deleted from the uploads bucket.
        await eventually(() =>
          t.s3.send(new HeadObjectCommand({ Bucket: t.platform.uploadsBucket, Key: keyOf(c) })).then(
            () => undefined,
            () => true,
          ),
        );
      }
    }
    // Each event reached the platform's queue before its PUT was answered; drained() waits until preprocess has
    // answered every one: an ignored key is final by then.
    await t.platform.drained();
    const keys = new Set((await t.records()).map((r) => r.inputKey));
    for (const c of s3Cases.filter((x) => x.s3!.status === 'ignored')) expect(keys.has(keyOf(c)), c.name).toBe(false);
    console.warn(`S3 bad-input table:\n  ${table.join('\n  ')}`);
  }, 180_000);
});
