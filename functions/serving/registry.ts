import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelNotApprovedError, ModelNotFoundError, ModelPackageError } from '../platform/errors';
import { modelMetadataSchema, VERSION, type ModelMetadata } from './model-spec';
import { MODEL_NAME, UNKNOWN_MODEL } from '../platform/model-name';
import { logger } from '../platform/telemetry';
import { EMPTY_STATE, type LifecycleState } from './aliases';
import type { LifecycleReader } from './lifecycle-cache';
import { chooseRoute, type RouteRequest } from './routing';

/** A model version as found on disk: its validated metadata and where its artifact lives. */
export interface ModelVersion {
  metadata: ModelMetadata;
  artifactPath: string;
}

/**
 * The version a prediction is served by, the alias that chose it (absent when a version was asked by name), and
 * the version that shadows it, if this request falls in the shadow's share (serving/shadow.ts).
 */
export type ServedVersion = ModelVersion & { alias?: string; shadow?: string };

/**
 * Model versions kept outside the models directory (trained ones, in the models bucket: automl/model-bucket.ts).
 * The source caches as it sees fit; the registry asks it on every lookup so new and approved versions show up.
 */
export interface ModelSource {
  listing(): Promise<Map<string, string[]>>;
  load(model: string, version: string): Promise<ModelVersion>;
  /** Makes the next reads the source's own, at a bounded rate (see BucketModels.refresh). */
  refresh(): Promise<void>;
  /** Drops what the source cached, unconditionally: for a reader that must show the state as it is now. */
  forget(): void;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

async function listDirectories(path: string): Promise<string[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** A package without a governance block has not been reviewed yet: it counts as pending. */
export const approvalOf = (entry: ModelVersion) => entry.metadata.governance?.approval.status ?? 'pending';

function approved(entry: ModelVersion): ModelVersion {
  const { name, version } = entry.metadata;
  const status = approvalOf(entry);
  if (status !== 'approved') {
    logger.warn('model version refused: not approved', { model: name, modelVersion: version, approval: status });
    throw new ModelNotApprovedError(name, version, status);
  }
  return entry;
}

/**
 * Reads model packages from `MODELS_DIR` (`/opt/models` in AWS, `./models` locally). Metadata is read once per
 * container and cached: a new version ships as a new deployment of the models layer, never mid-flight.
 */
export class ModelRegistry {
  readonly #cache = new Map<string, Promise<ModelVersion>>();

  #listing: Promise<Map<string, string[]>> | undefined;

  constructor(
    readonly modelsDir: string,
    readonly trained?: ModelSource,
    /** Aliases and the kill switch (serving/aliases.ts); without it, every model serves its newest approved version. */
    readonly lifecycle?: LifecycleReader,
  ) {}

  /**
   * Every model on disk with its versions, newest last, read once per container like the metadata: every
   * prediction resolves a version, and the layer does not change under a running container.
   */
  #packages(): Promise<Map<string, string[]>> {
    if (!this.#listing) {
      this.#listing = (async () => {
        // `unknown` names the bucket of every name outside the registry (model-name.ts): never a model of its own.
        const names = (await listDirectories(this.modelsDir)).filter((name) => MODEL_NAME.test(name) && name !== UNKNOWN_MODEL);
        const listed = await Promise.all(
          names.map(async (name) => {
            const dirs = await listDirectories(join(this.modelsDir, name));
            return [name, dirs.filter((dir) => VERSION.test(dir)).sort(compareVersions)] as const;
          }),
        );
        return new Map(listed.filter(([, versions]) => versions.length > 0));
      })();
      // A failed read is not cached, so a fixed package is picked up without a cold start.
      this.#listing.catch(() => (this.#listing = undefined));
    }
    return this.#listing;
  }

  /** Shipped and trained versions together; a shipped version wins over a trained one of the same number. */
  async #all(): Promise<Map<string, string[]>> {
    const shipped = await this.#packages();
    if (!this.trained) return shipped;
    const merged = new Map(shipped);
    for (const [name, versions] of await this.trained.listing()) {
      // A shipped model is reviewed in the repository: a trained version of its name (stored before trainings
      // refused such names) never joins it, so it can never replace it (issue #20.12).
      if (name === UNKNOWN_MODEL || shipped.has(name)) continue;
      merged.set(name, [...new Set([...(shipped.get(name) ?? []), ...versions])].sort(compareVersions));
    }
    return merged;
  }

  /** The models of the models directory (the layer): names a training may not take (automl/trainable.ts). */
  async shippedNames(): Promise<string[]> {
    return [...(await this.#packages()).keys()];
  }

  async modelNames(): Promise<string[]> {
    return [...(await this.#all()).keys()].sort();
  }

  async versions(model: string): Promise<string[]> {
    return (await this.#all()).get(model) ?? [];
  }

  /** Whether a model of this name is on disk or in the models bucket, approved or not. */
  async knows(model: string): Promise<boolean> {
    if ((await this.#all()).has(model)) return true;
    // A model trained within the source's cache time is known all the same (see resolve).
    if (!this.trained) return false;
    await this.trained.refresh();
    return (await this.#all()).has(model);
  }

  /**
   * The version to serve: the requested one, or the highest approved one when none is asked for. A version whose
   * approval status is not `approved` is refused, by name or not: serving is a governance decision. Before refusing,
   * the models bucket is read past its cache: a refusal is final (an upload is quarantined, never retried), and a
   * model trained or approved a moment ago must not get one.
   */
  async resolve(model: string, version?: string): Promise<ModelVersion> {
    try {
      return await this.#resolve(model, version);
    } catch (error) {
      const refusal = error instanceof ModelNotFoundError || error instanceof ModelNotApprovedError;
      if (!refusal || !this.trained) throw error;
      await this.trained.refresh();
      return this.#resolve(model, version);
    }
  }

  /**
   * The version a prediction is served by: the routing decision (serving/routing.ts) on the model's lifecycle
   * state, then `resolve`, so an alias never serves a version that is not approved. Only models the registry
   * knows are looked up in the lifecycle table: any other name is refused first, as `resolve` refuses it.
   */
  async route(model: string, asked: RouteRequest = {}): Promise<ServedVersion> {
    return this.#route(model, asked, (state) => state);
  }

  /**
   * The version production serves (its alias, else the newest approved), the kill switch aside: what a model's
   * description and health name (/v2 metadata, GET /v1/health), which must follow rollbacks as predictions do.
   */
  async production(model: string): Promise<ServedVersion> {
    return this.#route(model, {}, (state) => ({ ...state, disabled: false }));
  }

  async #route(model: string, asked: RouteRequest, seen: (state: LifecycleState) => LifecycleState): Promise<ServedVersion> {
    if (this.lifecycle && !(await this.knows(model))) throw new ModelNotFoundError(model);
    const state = this.lifecycle ? await this.lifecycle.current(model) : EMPTY_STATE;
    const choice = chooseRoute(model, seen(state), asked);
    const entry = await this.resolve(model, choice.version);
    if (choice.alias === undefined) return entry;
    return { ...entry, alias: choice.alias, ...(choice.shadow !== undefined && { shadow: choice.shadow }) };
  }

  async #resolve(model: string, version?: string): Promise<ModelVersion> {
    const versions = await this.versions(model);
    if (versions.length === 0) throw new ModelNotFoundError(model);
    if (version !== undefined) return approved(await this.inspect(model, version));
    for (const candidate of [...versions].reverse()) {
      const entry = await this.inspect(model, candidate);
      if (approvalOf(entry) === 'approved') return entry;
    }
    return approved(await this.inspect(model, versions.at(-1)!));
  }

  /** A version's package as it is, approved or not (registry listings, evaluation, model cards). */
  async inspect(model: string, version: string): Promise<ModelVersion> {
    const versions = await this.versions(model);
    if (!versions.includes(version)) throw new ModelNotFoundError(model, version);
    // Trained versions are cached by their source (with a time to live: an approval changes their metadata).
    if (this.trained && !((await this.#packages()).get(model) ?? []).includes(version)) return this.trained.load(model, version);
    const key = `${model}@${version}`;
    let entry = this.#cache.get(key);
    if (!entry) {
      entry = this.#load(model, version);
      // A failed read is not cached, so a fixed package is picked up without a cold start.
      entry.catch(() => this.#cache.delete(key));
      this.#cache.set(key, entry);
    }
    return entry;
  }

  async #load(model: string, version: string): Promise<ModelVersion> {
    const dir = join(this.modelsDir, model, version);
    const metadataPath = join(dir, 'metadata.json');
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(metadataPath, 'utf8'));
    } catch (error) {
      throw new ModelPackageError(`Cannot read ${metadataPath}`, { cause: error });
    }
    const parsed = modelMetadataSchema.safeParse(raw);
    if (!parsed.success) {
      throw new ModelPackageError(`Invalid metadata in ${metadataPath}: ${parsed.error.message}`);
    }
    if (parsed.data.name !== model || parsed.data.version !== version) {
      throw new ModelPackageError(`${metadataPath} names ${parsed.data.name}@${parsed.data.version}`);
    }
    return { metadata: parsed.data, artifactPath: join(dir, parsed.data.artifact.file) };
  }
}
