import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ModelNotFoundError, ModelPackageError } from '../errors';
import { modelMetadataSchema, type ModelMetadata } from '../model-spec';
import type { ModelSource, ModelVersion } from '../registry';

const VERSION = /^\d+\.\d+\.\d+$/;
const NAME = /^[a-z0-9][a-z0-9-]*$/;

const metadataKey = (model: string, version: string) => `models/${model}/${version}/metadata.json`;
export const artifactKey = (model: string, version: string) => `models/${model}/${version}/model.onnx`;

/**
 * Trained versions in the models bucket (`models/<name>/<version>/model.onnx` + `metadata.json`). A version exists
 * once its metadata is written, and the artifact is written first: a failure between the two leaves an orphan
 * artifact, never a half-registered version. Listings and metadata are cached for `ttlMs` (an approval reaches
 * warm containers within that time); the artifact is downloaded once per container into `cacheDir`, and the
 * registry's SessionCache checks its SHA-256 against the metadata before loading it, as for shipped models.
 */
export class BucketModels implements ModelSource {
  #listing: { at: number; value: Promise<Map<string, string[]>> } | undefined;
  readonly #metadata = new Map<string, { at: number; value: Promise<ModelMetadata> }>();
  readonly #artifacts = new Map<string, Promise<string>>();

  constructor(
    readonly s3: S3Client,
    readonly bucket: string,
    readonly cacheDir = '/tmp/vigie-trained-models',
    readonly ttlMs = 10_000,
    readonly now: () => number = Date.now,
  ) {}

  listing(): Promise<Map<string, string[]>> {
    if (!this.#listing || this.now() - this.#listing.at > this.ttlMs) {
      const value = this.#list();
      value.catch(() => (this.#listing = undefined));
      this.#listing = { at: this.now(), value };
    }
    return this.#listing.value;
  }

  async #list(): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: 'models/', ContinuationToken: token }),
      );
      for (const { Key } of page.Contents ?? []) {
        const [, name, version, file] = Key?.split('/') ?? [];
        if (file !== 'metadata.json' || !name || !version || !NAME.test(name) || !VERSION.test(version)) continue;
        const versions = found.get(name);
        if (versions) versions.push(version);
        else found.set(name, [version]);
      }
      token = page.NextContinuationToken;
    } while (token);
    return found;
  }

  async load(model: string, version: string): Promise<ModelVersion> {
    const metadata = await this.metadata(model, version);
    let artifact = this.#artifacts.get(`${model}@${metadata.artifact.sha256}`);
    if (!artifact) {
      artifact = this.#download(model, version, metadata);
      artifact.catch(() => this.#artifacts.delete(`${model}@${metadata.artifact.sha256}`));
      this.#artifacts.set(`${model}@${metadata.artifact.sha256}`, artifact);
    }
    return { metadata, artifactPath: await artifact };
  }

  metadata(model: string, version: string): Promise<ModelMetadata> {
    const key = `${model}@${version}`;
    const cached = this.#metadata.get(key);
    if (cached && this.now() - cached.at <= this.ttlMs) return cached.value;
    const value = this.#readMetadata(model, version);
    value.catch(() => this.#metadata.delete(key));
    this.#metadata.set(key, { at: this.now(), value });
    return value;
  }

  async #readMetadata(model: string, version: string): Promise<ModelMetadata> {
    const raw = await this.#get(metadataKey(model, version)).catch((error: unknown) => {
      if ((error as { name?: string }).name === 'NoSuchKey') throw new ModelNotFoundError(model, version);
      throw error;
    });
    const parsed = modelMetadataSchema.safeParse(JSON.parse(Buffer.from(raw).toString('utf8')));
    if (!parsed.success) throw new ModelPackageError(`Invalid metadata in s3://${this.bucket}/${metadataKey(model, version)}`);
    if (parsed.data.name !== model || parsed.data.version !== version) {
      throw new ModelPackageError(`s3://${this.bucket}/${metadataKey(model, version)} names another version`);
    }
    return parsed.data;
  }

  async #download(model: string, version: string, metadata: ModelMetadata): Promise<string> {
    const dir = join(this.cacheDir, model, version, metadata.artifact.sha256);
    await mkdir(dir, { recursive: true });
    const path = join(dir, metadata.artifact.file);
    await writeFile(path, await this.#get(artifactKey(model, version)));
    return path;
  }

  async #get(key: string): Promise<Uint8Array> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return object.Body!.transformToByteArray();
  }

  /** Registers a version: the artifact first, the metadata (which makes it exist) last. */
  async put(metadata: ModelMetadata, onnx: Uint8Array): Promise<void> {
    const { name, version } = metadata;
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: artifactKey(name, version), Body: onnx }));
    await this.writeMetadata(metadata);
  }

  async writeMetadata(metadata: ModelMetadata): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: metadataKey(metadata.name, metadata.version),
        Body: JSON.stringify(metadata, null, 2),
        ContentType: 'application/json',
      }),
    );
    this.#metadata.delete(`${metadata.name}@${metadata.version}`);
    this.#listing = undefined;
  }
}
