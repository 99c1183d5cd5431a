import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactKey, BucketModels } from '../../functions/training/model-bucket';
import { checkTrainable } from '../../functions/training/trainable';
import { ConflictError } from '../../functions/platform/errors';
import { modelMetadataSchema, type ModelMetadata } from '../../functions/serving/model-spec';
import { ModelRegistry } from '../../functions/serving/registry';
import { decide } from '../../functions/trainings/approval';
import { startLocalS3, type LocalS3 } from '../support/local-s3';

/**
 * Issue #20.12: a tabular training named `digits` (a shipped image model), once approved, became the served
 * `digits`; `unknown` was trainable. Shipped and reserved names are refused at training time, a version keeps its
 * model's input kind at registration and approval, and a trained version stored under a shipped name before the
 * fix is never served.
 */
const bucket = 'vigie-test-trainable';
let local: LocalS3;
let s3: S3Client;

const read = (path: string) => modelMetadataSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
const iris = read('models/iris/1.0.0/metadata.json');
const digits = read('models/digits/1.1.0/metadata.json');
const onnx = readFileSync('models/iris/1.0.0/model.onnx');
const pending = (metadata: ModelMetadata, name: string, version = '1.0.0'): ModelMetadata => ({
  ...metadata,
  name,
  version,
  governance: { ...metadata.governance!, approval: { status: 'pending' } },
});

beforeAll(async () => {
  local = await startLocalS3([bucket]);
  s3 = local.s3;
});

afterAll(() => local?.stop());

const bucketModels = () => new BucketModels(s3, bucket, mkdtempSync(join(tmpdir(), 'vigie-trainable-')), 0);
const context = { now: new Date('2026-12-01T00:00:00Z'), requestId: 'r', callerPseudonym: 'c', approverPseudonym: 'a' };
const decision = (value: 'approved' | 'rejected') => ({ decision: value, approver: 'A Reviewer' });

/** A version written as the code before the fix could have written it: no check on the way. */
async function storedAsBefore(metadata: ModelMetadata): Promise<void> {
  const key = artifactKey(metadata.name, metadata.version);
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: onnx }));
  const metadataKey = key.replace(/model\.onnx$/, 'metadata.json');
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: metadataKey, Body: JSON.stringify(metadata) }));
}

async function refusal(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConflictError);
  return { status: (error as ConflictError).status, code: (error as ConflictError).code };
}

describe('names a training may not take', () => {
  it.each(['digits', 'iris', 'car-detector', 'unknown'])('refuses %s: 409 reserved-model-name', async (name) => {
    const models = bucketModels();
    const shipped = new ModelRegistry('models', models);
    expect(await refusal(checkTrainable(shipped, models, name))).toEqual({ status: 409, code: 'reserved-model-name' });
  });

  it('accepts a new name', async () => {
    const models = bucketModels();
    await expect(checkTrainable(new ModelRegistry('models', models), models, 'penguins')).resolves.toBeUndefined();
  });
});

describe('a trained version under a shipped name, stored before the fix', () => {
  it('is not served nor listed with the shipped model, and cannot be approved, only rejected', async () => {
    const models = bucketModels();
    await models.register(pending(iris, 'digits', '9.0.0'), onnx);
    const registry = new ModelRegistry('models', models);
    // Exactly the shipped versions (models/digits/), not the stored 9.0.0.
    expect(await registry.versions('digits')).toEqual(await new ModelRegistry('models').versions('digits'));
    expect(await registry.versions('digits')).not.toContain('9.0.0');
    expect((await registry.resolve('digits')).metadata.input.kind).toBe('image');
    const approve = decide({ models, shipped: registry }, 'digits', '9.0.0', decision('approved'), context);
    expect(await refusal(approve)).toEqual({ status: 409, code: 'reserved-model-name' });
    const { metadata } = await decide({ models, shipped: registry }, 'digits', '9.0.0', decision('rejected'), context);
    expect(metadata.governance?.approval.status).toBe('rejected');
  });
});

describe('a version keeps its model input kind', () => {
  it('refuses to register an image version of a tabular model', async () => {
    const models = bucketModels();
    await models.register(pending(iris, 'kinds'), onnx);
    const image = pending(digits, 'kinds', '1.1.0');
    expect(await refusal(models.register(image, onnx))).toEqual({ status: 409, code: 'input-kind-changed' });
  });

  it('refuses a tabular training of, and the approval of a tabular version of, a model that takes images', async () => {
    const models = bucketModels();
    await models.register(pending(digits, 'photos'), onnx);
    const shipped = new ModelRegistry('models', models);
    expect(await refusal(checkTrainable(shipped, models, 'photos'))).toEqual({ status: 409, code: 'input-kind-changed' });
    // A tabular version that reached the bucket anyway (before the fix): never approved.
    await storedAsBefore(pending(iris, 'photos', '1.1.0'));
    const approve = decide({ models, shipped }, 'photos', '1.1.0', decision('approved'), context);
    expect(await refusal(approve)).toEqual({ status: 409, code: 'input-kind-changed' });
  });
});
