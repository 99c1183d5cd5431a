import { randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ConflictError, ModelNotFoundError, ModelPackageError } from '../platform/errors';
import { modelCardJson, modelCardMarkdown, type Registered } from './model-card';
import { isPreconditionFailed } from '../platform/s3-errors';
import { modelMetadataSchema, registeredModelMetadataSchema, VERSION, type ModelMetadata } from '../serving/model-spec';
import type { ModelSource, ModelVersion } from '../serving/registry';
import { MODEL_NAME } from '../platform/model-name';

const metadataKey = (model: string, version: string) => `models/${model}/${version}/metadata.json`;
export const artifactKey = (model: string, version: string) => `models/${model}/${version}/model.onnx`;
export const cardKey = (model: string, version: string, format: 'md' | 'json') =>
  `models/${model}/${version}/model-card.${format}`;

export const versionExists = (model: string, version: string) =>
  new ConflictError(
    'version-exists',
    `Version ${version} of '${model}' exists: a version is never replaced; import under another number.`,
  );

/** How many taken version numbers a registration steps over before it gives up (a runaway, not a race). */
const MAX_VERSION_CLAIMS = 20;

/** The version after `version` for a new training: its minor raised (1.2.0 → 1.3.0). */
export function nextMinor(version: string): string {
  const [major, minor] = version.split('.').map(Number);
  return `${major}.${minor! + 1}.0`;
}

/** A first guess at a new version's number, from the versions that exist (sorted): register() steps past a taken one. */
export function nextVersion(existing: string[]): string {
  return existing.length === 0 ? '1.0.0' : nextMinor(existing.at(-1)!);
}

/**
 * Trained versions in the models bucket (`models/<name>/<version>/model.onnx` + `metadata.json`, and the
 * `model-card.md`/`.json` written with each metadata change). A version exists
 * once its metadata is written, and the artifact is written first: a failure between the two leaves an orphan
 * artifact, never a half-registered version. Listings and metadata are cached for `ttlMs`, and dropped before a
 * refusal (`refresh`, called by the registry); the artifact is downloaded once per container into `cacheDir`, and the
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
    readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /**
   * Makes the next reads S3's, for a refusal about to be given (a refusal is final: an upload is quarantined, never
   * retried), so that a model trained or approved within the cache time is not refused. A flood of unknown names
   * costs at most one listing a second: a caller within a second of the last listing waits for the next one rather
   * than refuse from a cache older than its own call (the listing may be fresh while a version's metadata is not,
   * which once refused a batch sent a second after its model's approval), and one listing read after its call
   * serves it.
   */
  async refresh(): Promise<void> {
    const asked = this.now();
    const last = this.#listing?.at;
    if (last !== undefined && asked - last < 1_000) await this.sleep(1_000 - (asked - last));
    if (this.#listing && this.#listing.at > asked) return;
    this.forget();
  }

  /** Forgets the cached listing and metadata (never the artifacts, kept by their SHA-256): the next read is S3's. */
  forget(): void {
    this.#listing = undefined;
    this.#metadata.clear();
  }

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
        if (file !== 'metadata.json' || !name || !version || !MODEL_NAME.test(name) || !VERSION.test(version)) continue;
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
    return this.#parse(model, version, raw);
  }

  #parse(model: string, version: string, raw: Uint8Array): ModelMetadata {
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
    // Written aside, then renamed (atomic): the worker threads of the local platform share /tmp, and one reading
    // the artifact while another rewrote it in place read it empty (its checksum refused: 500 model-package-invalid).
    const partial = `${path}.${randomUUID()}.partial`;
    await writeFile(partial, await this.#get(artifactKey(model, version)));
    await rename(partial, path);
    return path;
  }

  async #get(key: string): Promise<Uint8Array> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    return object.Body!.transformToByteArray();
  }

  /**
   * Registers a trained version under the first free version number from `metadata.version` on: the artifact is
   * written only if its key is new (S3 If-None-Match: *), which claims the number, so two trainings of one model
   * finishing together never share one (the loser takes the next minor). The metadata, which makes the version
   * exist, comes last, then its card. Answers the metadata as registered. With `exact` (an import that named its
   * version), a taken number is a 409 `version-exists` instead.
   */
  async register(metadata: ModelMetadata, onnx: Uint8Array, { exact = false } = {}): Promise<ModelMetadata> {
    await this.checkInputKind(metadata.name, metadata.input.kind);
    let version = metadata.version;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.s3.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: artifactKey(metadata.name, version), Body: onnx, IfNoneMatch: '*' }),
        );
        break;
      } catch (error) {
        if (exact && isPreconditionFailed(error)) throw versionExists(metadata.name, version);
        if (!isPreconditionFailed(error) || attempt >= MAX_VERSION_CLAIMS) throw error;
        version = nextMinor(version);
      }
    }
    const registered = { ...metadata, version };
    await this.#putMetadata(registered, { IfNoneMatch: '*' });
    return registered;
  }

  /**
   * A version keeps its model's input kind (a tabular version of an image model would turn its clients away):
   * refuses `kind` when another version of `model` in the bucket takes another one. Every version is checked this
   * way when it is registered and decided, so one other version tells the model's kind. The bucket is listed past
   * the cache, and the cache left as it was: a listing cached here would hide a version trained meanwhile from the
   * approval that follows.
   */
  async checkInputKind(model: string, kind: string, version?: string): Promise<void> {
    const other = ((await this.#list()).get(model) ?? []).find((listed) => listed !== version);
    if (other === undefined) return;
    const theirs = (await this.metadata(model, other)).input.kind;
    if (theirs !== kind) {
      throw new ConflictError(
        'input-kind-changed',
        `Model '${model}' takes ${theirs} input (version ${other}); a version with ${kind} input needs another name.`,
      );
    }
  }

  /** A version's metadata read past the cache, with the ETag a decision must still find to be written. */
  async current(model: string, version: string): Promise<{ metadata: ModelMetadata; eTag: string }> {
    const object = await this.s3
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: metadataKey(model, version) }))
      .catch((error: unknown) => {
        if ((error as { name?: string }).name === 'NoSuchKey') throw new ModelNotFoundError(model, version);
        throw error;
      });
    const metadata = this.#parse(model, version, await object.Body!.transformToByteArray());
    return { metadata, eTag: object.ETag ?? '' };
  }

  /**
   * Replaces a version's metadata only if it is still the one read (S3 If-Match on `eTag`), then its card: two
   * people deciding at once cannot both be recorded. Answers false when someone else wrote first.
   */
  async replaceMetadata(metadata: ModelMetadata, eTag: string): Promise<boolean> {
    try {
      await this.#putMetadata(metadata, { IfMatch: eTag });
      return true;
    } catch (error) {
      if (isPreconditionFailed(error)) return false;
      throw error;
    }
  }

  async #putMetadata(metadata: ModelMetadata, condition: { IfNoneMatch: '*' } | { IfMatch: string }): Promise<void> {
    const { name, version } = metadata;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: metadataKey(name, version),
        Body: JSON.stringify(metadata, null, 2),
        ContentType: 'application/json',
        ...condition,
      }),
    );
    this.#metadata.delete(`${name}@${version}`);
    this.#listing = undefined;
    await this.#putCard(metadata);
  }

  /** The version's model card beside its metadata, as people and auditors read it (Markdown, and JSON). */
  async #putCard(metadata: ModelMetadata): Promise<void> {
    const registered = registeredModelMetadataSchema.safeParse(metadata);
    if (!registered.success) return;
    const m = metadata as Registered;
    const source = `Vigie when version ${m.version} was ${m.governance.approval.status === 'pending' ? 'registered' : m.governance.approval.status}`;
    await Promise.all([
      this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: cardKey(m.name, m.version, 'md'),
          Body: modelCardMarkdown(m, source),
          ContentType: 'text/markdown; charset=utf-8',
        }),
      ),
      this.s3.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: cardKey(m.name, m.version, 'json'),
          Body: `${JSON.stringify(modelCardJson(m), null, 2)}\n`,
          ContentType: 'application/json',
        }),
      ),
    ]);
  }
}
