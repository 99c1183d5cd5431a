import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { ModelPackageError } from '../../platform/errors';
import { nativeThreads } from '../../platform/native/lambda-cpu';
import { ort } from '../../platform/native/onnxruntime';
import { logger } from '../../platform/telemetry';
import type { ModelVersion } from '../registry';

/**
 * Full graph optimisation; one operator at a time, spread over as many threads as the function has vCPUs (a
 * second pool for parallel branches would only compete with the first); memory arena and pattern planning on, so
 * warm runs reuse their buffers. Outside Lambda (scripts) ONNX Runtime sizes its own pool unless told
 * (lambda-cpu.ts).
 */
export function sessionOptions(threads: number | undefined): InferenceSession.SessionOptions {
  return {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    ...(threads !== undefined && { intraOpNumThreads: threads, interOpNumThreads: 1 }),
    enableCpuMemArena: true,
    enableMemPattern: true,
  };
}

/** A network a version ships beside its model (a digits page's ink segmenter): its file, next to the model's. */
export interface CompanionArtifact {
  file: string;
  sha256: string;
}

/**
 * One ONNX Runtime session per model version per container, created on first use and reused: creating a
 * session costs far more than running it. The artifact's SHA-256 is checked against its metadata before
 * loading, so a record's `modelSha256` is what actually answered. `companion`: another network of the version.
 * A companion runs on the calling thread: a small network run beside the model, whose own pool's threads, still
 * spinning, would take the cores from the model's next run (car-detector 1.2.0: its detector's run 11.7 → 20.3 ms a
 * frame beside a box refiner with a pool, on 2 cores). Where it runs alone (a digits page's ink segmenter, in the
 * preprocess function) its function has one vCPU's share, so one thread is what it had.
 */
export class SessionCache {
  readonly #sessions = new Map<string, Promise<InferenceSession>>();

  get(model: ModelVersion, companion?: CompanionArtifact): Promise<InferenceSession> {
    const key = `${model.metadata.name}@${model.metadata.version}${companion ? `/${companion.file}` : ''}`;
    let session = this.#sessions.get(key);
    if (!session) {
      session = companion
        ? this.#create(model, join(dirname(model.artifactPath), companion.file), companion.sha256, 1)
        : this.#create(model, model.artifactPath, model.metadata.artifact.sha256, nativeThreads());
      session.catch(() => this.#sessions.delete(key));
      this.#sessions.set(key, session);
    }
    return session;
  }

  /** Which versions have a live session (for the health route). */
  loaded(): string[] {
    return [...this.#sessions.keys()];
  }

  async #create(model: ModelVersion, path: string, expected: string, threads: number | undefined): Promise<InferenceSession> {
    const bytes = await readFile(path).catch((error: unknown) => {
      throw new ModelPackageError(`Cannot read ${path}`, { cause: error });
    });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== expected) {
      // An error for the compliance trail, not only for the caller: a swapped or corrupted artifact.
      logger.error('model artifact refused: checksum mismatch', {
        model: model.metadata.name,
        modelVersion: model.metadata.version,
        expectedSha256: expected,
        actualSha256: sha256,
      });
      throw new ModelPackageError(`${path} has SHA-256 ${sha256}, metadata says ${expected}: refusing to load it.`);
    }
    return ort.InferenceSession.create(bytes, sessionOptions(threads));
  }
}
