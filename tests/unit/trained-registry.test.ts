import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactKey, BucketModels, cardKey } from '../../functions/training/model-bucket';
import { ModelNotApprovedError, ModelNotFoundError, ModelPackageError } from '../../functions/platform/errors';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { modelMetadataSchema, type ModelMetadata } from '../../functions/serving/model-spec';
import { approvalOf, ModelRegistry } from '../../functions/serving/registry';
import { startLocalS3, type LocalS3 } from '../support/local-s3';

/**
 * The registry reading trained versions from a models bucket (a real S3 emulator) beside the shipped ones: pending
 * versions are listed but not served, an approval is picked up, and the artifact passes the same SHA-256 check.
 */
const bucket = 'vigie-test-models';
let local: LocalS3;
let s3: S3Client;
let clock = 0;

const iris = modelMetadataSchema.parse(JSON.parse(readFileSync('models/iris/1.0.0/metadata.json', 'utf8')));
const onnx = readFileSync('models/iris/1.0.0/model.onnx');
const trained = (approval: 'pending' | 'approved'): ModelMetadata => ({
  ...iris,
  name: 'trained-iris',
  governance: {
    ...iris.governance!,
    approval: approval === 'pending' ? { status: 'pending' } : { status: 'approved', approver: 'A Reviewer', date: '2026-11-26' },
  },
});

beforeAll(async () => {
  local = await startLocalS3([bucket]);
  s3 = local.s3;
});

afterAll(() => local?.stop());

const source = () => new BucketModels(s3, bucket, mkdtempSync(join(tmpdir(), 'vigie-trained-')), 1_000, () => clock);

describe('trained versions in the models bucket', () => {
  it('lists a pending version beside the shipped models and refuses to serve it', async () => {
    const models = source();
    expect((await models.register(trained('pending'), onnx)).version).toBe('1.0.0');
    const registry = new ModelRegistry('models', models);
    expect(await registry.modelNames()).toEqual(expect.arrayContaining(['iris', 'trained-iris']));
    expect(await registry.versions('trained-iris')).toEqual(['1.0.0']);
    await expect(registry.resolve('trained-iris')).rejects.toBeInstanceOf(ModelNotApprovedError);
    expect((await registry.resolve('iris')).metadata.name).toBe('iris');
  });

  it('serves it once approved (after the cache time), through the SHA-256-checked session cache', async () => {
    const models = source();
    const registry = new ModelRegistry('models', models);
    await expect(registry.resolve('trained-iris')).rejects.toBeInstanceOf(ModelNotApprovedError);
    // Another container approves: this one sees it once its cached metadata is older than the time to live.
    const other = source();
    const { eTag } = await other.current('trained-iris', '1.0.0');
    expect(await other.replaceMetadata(trained('approved'), eTag)).toBe(true);
    clock += 1_001;
    const version = await registry.resolve('trained-iris');
    const session = await new SessionCache().get(version);
    expect(session.inputNames).toEqual(['features']);
  });

  it('never shows another reader of its folder a half-written artifact (worker threads share /tmp locally)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'vigie-trained-'));
    const expected = (await source().metadata('trained-iris', '1.0.0')).artifact.sha256;
    // Containers of one machine: each downloads the artifact into the same folder and reads it straight away.
    const sums = await Promise.all(
      Array.from({ length: 16 }, async () => {
        const { artifactPath } = await new BucketModels(s3, bucket, folder, 1_000, () => clock).load('trained-iris', '1.0.0');
        return createHash('sha256')
          .update(await readFile(artifactPath))
          .digest('hex');
      }),
    );
    expect(new Set(sums)).toEqual(new Set([expected]));
  });

  it('gives two trainings finishing together two version numbers, each with its card', async () => {
    const models = source();
    const both = await Promise.all([1, 2].map(() => models.register({ ...trained('pending'), version: '1.1.0' }, onnx)));
    expect(both.map((m) => m.version).sort()).toEqual(['1.1.0', '1.2.0']);
    clock += 1_001;
    expect(await models.listing()).toEqual(new Map([['trained-iris', ['1.0.0', '1.1.0', '1.2.0']]]));
    for (const { version } of both) {
      const card = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: cardKey('trained-iris', version, 'md') }));
      expect(await card.Body!.transformToString()).toContain(`# Model card: trained-iris ${version}`);
    }
  });

  it('records one decision only when two people decide a version at once', async () => {
    const [first, second] = [source(), source()];
    const [a, b] = await Promise.all([first.current('trained-iris', '1.1.0'), second.current('trained-iris', '1.1.0')]);
    expect(await first.replaceMetadata({ ...trained('approved'), version: '1.1.0' }, a.eTag)).toBe(true);
    expect(await second.replaceMetadata({ ...trained('pending'), version: '1.1.0' }, b.eTag)).toBe(false);
    expect((await source().current('trained-iris', '1.1.0')).metadata.governance?.approval.status).toBe('approved');
    const card = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: cardKey('trained-iris', '1.1.0', 'md') }));
    expect(await card.Body!.transformToString()).toContain('Approval: **approved** by A Reviewer on 2026-11-26');
  });

  it('refuses an artifact whose bytes do not match the metadata', async () => {
    // Every version holds the same bytes, and a container downloads equal bytes once: corrupt them all.
    for (const version of (await source().listing()).get('trained-iris') ?? []) {
      await s3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: artifactKey('trained-iris', version),
          Body: Buffer.concat([onnx, Buffer.from([0])]),
        }),
      );
    }
    const version = await new ModelRegistry('models', source()).resolve('trained-iris');
    await expect(new SessionCache().get(version)).rejects.toBeInstanceOf(ModelPackageError);
  });

  /** A warm container's source: a 60 s cache, the test's clock, and waits that move the clock (and are counted). */
  const warm = (waits: number[] = []) =>
    new BucketModels(
      s3,
      bucket,
      mkdtempSync(join(tmpdir(), 'vigie-trained-')),
      60_000,
      () => clock,
      async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    );

  it('reads the bucket past its cache before refusing: a model trained a moment ago is served, not refused', async () => {
    // A warm container listed the bucket before `fresh-iris` existed; its cache (60 s here) is still valid.
    const waits: number[] = [];
    const models = warm(waits);
    const registry = new ModelRegistry('models', models);
    expect(await registry.knows('fresh-iris')).toBe(false);
    await source().register({ ...trained('approved'), name: 'fresh-iris' }, onnx);
    clock += 1_001;
    expect(await registry.knows('fresh-iris')).toBe(true);
    expect((await registry.resolve('fresh-iris')).metadata.name).toBe('fresh-iris');
    // Unknown names still get their refusal, with at most one listing per second whatever their number: the one
    // within a second of the last listing waits for the next instead of reading S3 at once.
    const before = waits.length;
    await expect(registry.resolve('never-trained')).rejects.toBeInstanceOf(ModelNotFoundError);
    expect(waits.slice(before)).toEqual([1_000]);
  });

  it('refuses from no metadata older than the refusal, even with the listing read a moment before', async () => {
    const models = warm();
    const registry = new ModelRegistry('models', models);
    await source().register({ ...trained('pending'), name: 'racing-iris' }, onnx);
    await expect(registry.resolve('racing-iris')).rejects.toBeInstanceOf(ModelNotApprovedError);
    // Approved elsewhere; this container reads its listing again (its cache time passed) but keeps the metadata.
    const other = source();
    const { eTag } = await other.current('racing-iris', '1.0.0');
    expect(await other.replaceMetadata({ ...trained('approved'), name: 'racing-iris' }, eTag)).toBe(true);
    clock += 500;
    await models.listing();
    // A batch arrives: the listing is half a second old, the metadata stale. It is served, not quarantined.
    expect((await registry.resolve('racing-iris')).metadata.name).toBe('racing-iris');
  });

  it('reads a decision at once after forget(), within the cache time and the refresh limit (the catalog routes)', async () => {
    const models = warm();
    const registry = new ModelRegistry('models', models);
    const decided = { ...trained('pending'), name: 'decided-iris' };
    await source().register(decided, onnx);
    expect(approvalOf(await registry.inspect('decided-iris', '1.0.0'))).toBe('pending');
    const other = source();
    const { eTag } = await other.current('decided-iris', '1.0.0');
    expect(await other.replaceMetadata({ ...trained('approved'), name: 'decided-iris' }, eTag)).toBe(true);
    expect(approvalOf(await registry.inspect('decided-iris', '1.0.0'))).toBe('pending');
    models.forget();
    expect(approvalOf(await registry.inspect('decided-iris', '1.0.0'))).toBe('approved');
  });
});
