import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeLogs } from './log-router';

/** An asynchronous invocation that failed every attempt, as the patched serverless-offline hands it over. */
export interface AsyncInvocationFailure {
  functionName: string;
  event: unknown;
  error: string;
  attempts: number;
}

export interface OfflineOptions {
  readyTimeoutMs?: number;
  maxRestarts?: number;
  restartWindowMs?: number;
  /** The on-failure destination of asynchronous invocations. */
  onAsyncFailure?: (failure: AsyncInvocationFailure) => void;
}

/** serverless-offline's restarts since the platform started, and within the last window. */
export interface OfflineRestarts {
  total: number;
  inWindow: number;
  windowMs: number;
}

/**
 * serverless-offline in a child process, watched: readiness is its own "Server ready" line (a health answer
 * alone could come from whatever else holds the port), a start that fails says why, and a child that dies
 * later is reported and started again, up to `maxRestarts` times within `restartWindowMs`, before the platform
 * gives up. Restarts are counted over a window, not "in a row": a child that serves a while between deaths would
 * otherwise reset the count and crash without end, unnoticed (#20.1). Each restart is said loudly and written to
 * `<logs>/offline-restarts.json`.
 */
export interface OfflineSupervisor {
  /** Resolves when the current child serves; rejects with the reason when it cannot be started. */
  ready(): Promise<void>;
  pid(): number | undefined;
  restarts(): OfflineRestarts;
  /** Settles when serverless-offline died and could not be brought back. */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/** The lines of serverless-offline's output that say why it stopped (its `×` error and the error's code). */
export function failureReason(lines: string[]): string {
  const errorAt = lines.findIndex((line) => line.trimStart().startsWith('×'));
  // Without its own error line, the output is the functions' logs: nothing to quote.
  if (errorAt === -1) return 'no error reported';
  const code = lines.slice(errorAt).find((line) => /^\s*code: /.test(line));
  return [lines[errorAt]!.trim().slice(0, 300), code?.trim()].filter(Boolean).join(' ');
}

export function superviseOffline(
  env: NodeJS.ProcessEnv,
  logsFolder: string,
  { readyTimeoutMs = 60_000, maxRestarts = 3, restartWindowMs = 10 * 60_000, onAsyncFailure }: OfflineOptions = {},
): OfflineSupervisor {
  let stopping = false;
  let child: ChildProcess;
  let logs: { close(): Promise<void> };
  let readiness: Promise<void>;
  /** When each restart happened, within the window. */
  let recent: number[] = [];
  let total = 0;
  const restarts = (): OfflineRestarts => {
    recent = recent.filter((at) => Date.now() - at < restartWindowMs);
    return { total, inWindow: recent.length, windowMs: restartWindowMs };
  };
  let everServed = false;
  let giveUp: (error: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => (giveUp = resolve));

  const launch = () => {
    const output: string[] = [];
    let served: () => void = () => {};
    const serving = new Promise<void>((resolve) => (served = resolve));
    child = spawn(process.execPath, ['node_modules/osls/bin/serverless.js', 'offline', 'start', '--stage', 'local'], {
      env,
      // The IPC channel carries the asynchronous invocations that failed every attempt (the patched InvocationsController).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // Its own process group, so stopping the platform also stops the worker threads' children.
      detached: true,
    });
    child.on('message', (message: { vigie?: string } & AsyncInvocationFailure) => {
      if (message.vigie !== 'async-invocation-failed') return;
      try {
        onAsyncFailure?.(message);
      } catch (error) {
        // Keeping a dead letter must never stop the platform.
        console.error(`An asynchronous invocation of ${message.functionName} failed and could not be kept: ${String(error)}`);
      }
    });
    logs = routeLogs(
      [child.stdout, child.stderr].filter((stream) => stream !== null),
      logsFolder,
      (line) => {
        if (output.push(line) > 200) output.shift();
        if (line.includes('Server ready:')) served();
      },
    );
    const exited = once(child, 'exit').then(([code, signal]) => {
      const reason = failureReason(output);
      return new Error(`serverless-offline exited (${signal ?? `code ${code}`}): ${reason}. Its log: ${logsFolder}/offline.log`);
    });
    readiness = Promise.race([
      serving.then(() => {
        everServed = true;
      }),
      exited.then((error) => Promise.reject(error)),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`serverless-offline not ready after ${readyTimeoutMs} ms`)), readyTimeoutMs).unref(),
      ),
    ]);
    readiness.catch(() => {});
    void exited.then(async (error) => {
      await logs.close();
      if (stopping) return;
      // A first start that fails is the caller's error to report (readiness rejects with the reason).
      if (!everServed) return giveUp(error);
      console.error(`\n!! ${error.message}`);
      const minutes = restartWindowMs / 60_000;
      if (restarts().inWindow >= maxRestarts) {
        console.error(`!! serverless-offline died ${maxRestarts + 1} times within ${minutes} min; the local platform gives up.`);
        giveUp(error);
        return;
      }
      recent.push(Date.now());
      total += 1;
      const count = restarts();
      writeFileSync(join(logsFolder, 'offline-restarts.json'), `${JSON.stringify({ ...count, at: new Date().toISOString() })}\n`);
      console.error(
        `!! Starting serverless-offline again: restart ${count.inWindow} of ${maxRestarts} allowed within ${minutes} min, ` +
          `${count.total} since the platform started. A function that crashes it is a bug: see ${logsFolder}/offline.log.`,
      );
      launch();
    });
  };
  launch();

  return {
    ready: () => readiness,
    pid: () => child.pid,
    restarts,
    failed,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // Already gone.
        }
        await Promise.race([once(child, 'exit'), new Promise((resolve) => setTimeout(resolve, 5000))]);
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
      }
      await logs.close();
    },
  };
}
