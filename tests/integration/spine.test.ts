import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldOutDigits, renderMnistPng, renderPaperJpeg, type DigitSample } from '../../scripts/samples/mnist';
import type { ClassificationResult } from '../../functions/records/results';
import { readLogEvents } from '../../scripts/audit/log-events';
import { writeFaintRing } from '../support/faint-ring';
import { digitsMetadata } from '../support/models';
import { eventually, startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * The spine end to end on the real local platform: s3rver and dynalite over the network, serverless-offline
 * running the bundled functions, onnxruntime and sharp for real. Inputs go in through the S3 API, the aws CLI
 * and HTTP; answers are read back through the DynamoDB API.
 */
const run = promisify(execFile);
const metadata = digitsMetadata();
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let t: TestPlatform;
let samples: DigitSample[];

beforeAll(async () => {
  t = await startTestPlatform();
  // Two of each digit from the held-out part.
  const all = heldOutDigits(metadata.training.data.split);
  samples = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].flatMap((label) =>
    all.filter((s) => s.label === label).slice(0, 2),
  );
});

afterAll(async () => {
  await t?.stop();
});

/** The upload is gone from the uploads bucket and sits, unchanged, under quarantine/ in the results bucket. */
async function expectQuarantined(key: string, quarantineKey: string, body: string | Uint8Array) {
  const results = t.platform.buckets.find((bucket) => bucket.endsWith('-results'))!;
  const moved = await eventually(() =>
    t.s3.send(new GetObjectCommand({ Bucket: results, Key: quarantineKey })).then(
      (o) => o.Body!.transformToByteArray(),
      () => undefined,
    ),
  );
  expect(Buffer.from(moved)).toEqual(Buffer.from(body));
  await eventually(() =>
    t.s3.send(new HeadObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key })).then(
      () => undefined,
      () => true,
    ),
  );
}

async function recordFor(key: string, timeoutMs?: number) {
  return eventually(async () => (await t.records()).find((record) => record.inputKey === key), timeoutMs);
}

describe('S3 upload → preprocess → infer → DynamoDB', () => {
  it('records a succeeded prediction for each uploaded digit, with every audit field', { timeout: 90_000 }, async () => {
    const uploads = await Promise.all(
      samples.map(async (sample, i) => {
        const bytes = i % 2 === 0 ? await renderMnistPng(sample) : await renderPaperJpeg(sample);
        const key = `incoming/digits/batch/${sample.label}-${sample.index}.${i % 2 === 0 ? 'png' : 'jpg'}`;
        await t.s3.send(
          new PutObjectCommand({
            Bucket: t.platform.uploadsBucket,
            Key: key,
            Body: bytes,
            Metadata: { 'subject-id': 'driver-42', 'requested-by': 'alice@example.com' },
          }),
        );
        return { key, bytes, label: sample.label };
      }),
    );
    // A burst of cold starts: each concurrent delivery gets its own worker, which loads sharp and onnxruntime.
    const records = await Promise.all(uploads.map((upload) => recordFor(upload.key, 60_000)));
    let correct = 0;
    records.forEach((record, i) => {
      const upload = uploads[i]!;
      expect(record).toMatchObject({
        source: 's3',
        status: 'succeeded',
        model: 'digits',
        modelVersion: metadata.version,
        modelSha256: metadata.artifact.sha256,
        inputSha256: sha256(upload.bytes),
      });
      expect(record.subjectId).toMatch(/^ps_[0-9a-f]{32}$/);
      expect(record.callerId).toMatch(/^ps_[0-9a-f]{32}$/);
      expect(JSON.stringify(record)).not.toMatch(/driver-42|alice@example\.com/);
      expect(record.timings.totalMs).toBeGreaterThan(0);
      expect(record.expiresAt - Date.parse(record.createdAt) / 1000).toBeCloseTo(90 * 86_400, -1);
      const result = record.result as ClassificationResult;
      expect(Object.values(result.probabilities).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
      if (result.label === upload.label) correct += 1;
    });
    // Same subject, same pseudonym: erasure and export can find all of a person's records.
    expect(new Set(records.map((record) => record.subjectId)).size).toBe(1);
    expect(correct).toBeGreaterThanOrEqual(samples.length - 1);

    // One structured audit event per prediction in the preprocess function's own log (its log group in AWS),
    // joined to the record by the request id.
    const auditEvents = () =>
      readLogEvents(join(t.env.VIGIE_STATE_DIR!, 'logs'))
        .filter((e) => e['@log'] === '/aws/lambda/vigie-local-preprocess')
        .map((e) => e.fields.audit as Record<string, unknown> | undefined)
        .filter((audit) => audit?.event === 'prediction') as Array<Record<string, unknown>>;
    // The event is logged once the record is written, so the last ones may trail the table by a moment.
    const ids = new Set(records.map((record) => record.predictionId));
    const events = await eventually(async () => {
      const found = auditEvents().filter((e) => ids.has(e.predictionId as string));
      return found.length >= ids.size ? found : undefined;
    });
    for (const record of records) {
      const event = events.find((e) => e.predictionId === record.predictionId);
      expect(event).toMatchObject({
        requestId: record.requestId,
        timestamp: record.createdAt,
        model: 'digits',
        modelVersion: record.modelVersion,
        modelSha256: record.modelSha256,
        inputSha256: record.inputSha256,
        status: 'succeeded',
        automated: true,
        subjectPseudonym: record.subjectId,
        output: {
          label: (record.result as ClassificationResult).label,
          confidence: (record.result as ClassificationResult).confidence,
        },
        timings: record.timings,
      });
    }
  });

  it('takes an upload from the plain aws CLI and answers within seconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigie-cli-'));
    const seven = samples.find((s) => s.label === '7')!;
    const file = join(dir, 'seven.jpg');
    writeFileSync(file, await renderPaperJpeg(seven));
    const key = 'incoming/digits/cli/seven.jpg';
    const started = Date.now();
    await run(
      'aws',
      ['--endpoint-url', `http://127.0.0.1:${t.env.VIGIE_S3_PORT}`, 's3', 'cp', file, `s3://${t.platform.uploadsBucket}/${key}`],
      { env: t.env },
    );
    const uploaded = Date.now();
    const record = await recordFor(key);
    const answered = Date.now() - uploaded;
    console.warn(`aws s3 cp: ${uploaded - started} ms (the CLI's own start-up included); then its record: ${answered} ms`);
    expect(record.status).toBe('succeeded');
    expect((record.result as ClassificationResult).label).toBe('7');
    // The platform's part only: the CLI's Python start-up alone took seconds on a loaded machine, and is not ours.
    expect(answered).toBeLessThan(10_000);
  });

  it('reads an upload in doubt again over Lambda Invoke, and records and audits how many readings answered', async () => {
    // A "0" in faint ink: uncertain (unclear-writing), so the served digits version reads it again with its ink
    // segmenter, run in the preprocessing function (D40), and one more call of the infer function answers that reading.
    const key = 'incoming/digits/faint-ring.png';
    await t.s3.send(
      new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key, Body: readFileSync(await writeFaintRing()) }),
    );
    const record = await recordFor(key);
    expect(record.status).toBe('succeeded');
    expect(record.result).toMatchObject({ uncertain: true, reason: 'unclear-writing', readings: 2 });
    const audit = await eventually(async () =>
      readLogEvents(join(t.env.VIGIE_STATE_DIR!, 'logs'))
        .map((e) => e.fields.audit as { predictionId?: string; output?: unknown } | undefined)
        .find((event) => event?.predictionId === record.predictionId),
    );
    expect(audit.output).toEqual({
      label: '0',
      confidence: expect.any(Number),
      uncertain: true,
      reason: 'unclear-writing',
      readings: 2,
    });
  });

  it('records a rejected prediction with a reason for a file that is not an image, and quarantines the file', async () => {
    const key = 'incoming/digits/not-an-image.png';
    await t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key, Body: 'hello, I am text' }));
    const record = await recordFor(key);
    expect(record).toMatchObject({
      status: 'rejected',
      error: { code: 'unsupported-image' },
      quarantineKey: `quarantine/${record.predictionId}/${key}`,
    });
    expect(record.result).toBeUndefined();
    await expectQuarantined(key, record.quarantineKey!, 'hello, I am text');
  });

  it('ignores objects outside incoming/, and rejects malformed keys under it', async () => {
    const bytes = await renderMnistPng(samples[0]!);
    await t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: 'elsewhere/digits/zero.png', Body: bytes }));
    await t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: 'incoming/zero.png', Body: bytes }));
    const record = await recordFor('incoming/zero.png');
    expect(record).toMatchObject({ status: 'rejected', error: { code: 'invalid-key' } });
    await expectQuarantined('incoming/zero.png', record.quarantineKey!, bytes);
    // The local S3 hands each event to the platform's queue before it answers the PUT, and drained() waits until
    // every queued event has been delivered to preprocess and answered: what it did with the key is done by then.
    await t.platform.drained();
    const keys = (await t.records()).map((r) => r.inputKey);
    expect(keys).not.toContain('elsewhere/digits/zero.png');
  });

  it('writes one record when the same S3 event is delivered twice or the same bytes are uploaded again', async () => {
    const key = 'incoming/digits/twice.png';
    const bytes = await renderMnistPng(samples[4]!);
    await t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key, Body: bytes }));
    const first = await recordFor(key);
    const head = await t.s3.send(new HeadObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key }));
    // Redeliver the event S3 sent (same bucket, key and ETag), synchronously, through the Lambda Invoke API.
    const event = JSON.parse(readFileSync('events/s3-put-digit.json', 'utf8'));
    event.Records[0].s3.bucket.name = t.platform.uploadsBucket;
    event.Records[0].s3.object.key = key;
    event.Records[0].s3.object.eTag = head.ETag?.replace(/"/g, '');
    const lambda = new LambdaClient({
      endpoint: `http://127.0.0.1:${t.env.VIGIE_LAMBDA_PORT}`,
      region: 'eu-west-3',
      credentials: { accessKeyId: 'any', secretAccessKey: 'thing' },
    });
    const answer = await lambda.send(
      new InvokeCommand({ FunctionName: 'vigie-local-preprocess', Payload: Buffer.from(JSON.stringify(event)) }),
    );
    lambda.destroy();
    expect(answer.FunctionError).toBeUndefined();
    // And the same bytes uploaded again: same ETag, same prediction.
    await t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: key, Body: bytes }));
    await t.platform.drained();
    // Not a pause that hopes both were handled: preprocess says each duplicate it refused (its log, as CloudWatch's).
    const refusals = () =>
      readFileSync(join(t.env.VIGIE_STATE_DIR!, 'logs', 'vigie-local-preprocess.log'), 'utf8')
        .split('\n')
        .filter((line) => line.includes('"duplicate delivery ignored"') && line.includes(first.predictionId)).length;
    await eventually(async () => (refusals() >= 2 ? true : undefined));
    expect(refusals()).toBe(2);
    const records = (await t.records()).filter((record) => record.inputKey === key);
    expect(records).toHaveLength(1);
    expect(records[0]).toEqual(first);
  });
});
