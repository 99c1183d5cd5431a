import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
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

/**
 * One ONNX Runtime session per model version per container, created on first use and reused: creating a
 * session costs far more than running it. The artifact's SHA-256 is checked against its metadata before
 * loading, so a record's `modelSha256` is what actually answered.
 */
export class SessionCache {
  readonly #sessions = new Map<string, Promise<InferenceSession>>();

  get(model: ModelVersion): Promise<InferenceSession> {
    const key = `${model.metadata.name}@${model.metadata.version}`;
    let session = this.#sessions.get(key);
    if (!session) {
      session = this.#create(model);
      session.catch(() => this.#sessions.delete(key));
      this.#sessions.set(key, session);
    }
    return session;
  }

  /** Which versions have a live session (for the health route). */
  loaded(): string[] {
    return [...this.#sessions.keys()];
  }

  async #create(model: ModelVersion): Promise<InferenceSession> {
    const bytes = await readFile(model.artifactPath).catch((error: unknown) => {
      throw new ModelPackageError(`Cannot read ${model.artifactPath}`, { cause: error });
    });
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== model.metadata.artifact.sha256) {
      // An error for the compliance trail, not only for the caller: a swapped or corrupted artifact.
      logger.error('model artifact refused: checksum mismatch', {
        model: model.metadata.name,
        modelVersion: model.metadata.version,
        expectedSha256: model.metadata.artifact.sha256,
        actualSha256: sha256,
      });
      throw new ModelPackageError(
        `${model.artifactPath} has SHA-256 ${sha256}, metadata says ${model.metadata.artifact.sha256}: refusing to load it.`,
      );
    }
    return ort.InferenceSession.create(bytes, sessionOptions(nativeThreads()));
  }
}
