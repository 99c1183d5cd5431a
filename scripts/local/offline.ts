import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { routeLogs } from './log-router';

/**
 * serverless-offline in a child process, watched: readiness is its own "Server ready" line (a health answer
 * alone could come from whatever else holds the port), a start that fails says why, and a child that dies
 * later is reported and started again, up to `maxRestarts` times in a row, before the platform gives up.
 */
export interface OfflineSupervisor {
  /** Resolves when the current child serves; rejects with the reason when it cannot be started. */
  ready(): Promise<void>;
  pid(): number | undefined;
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
  { readyTimeoutMs = 60_000, maxRestarts = 3 } = {},
): OfflineSupervisor {
  let stopping = false;
  let child: ChildProcess;
  let logs: { close(): Promise<void> };
  let readiness: Promise<void>;
  let restarts = 0;
  let everServed = false;
  let giveUp: (error: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => (giveUp = resolve));

  const launch = () => {
    const output: string[] = [];
    let served: () => void = () => {};
    const serving = new Promise<void>((resolve) => (served = resolve));
    child = spawn(process.execPath, ['node_modules/osls/bin/serverless.js', 'offline', 'start', '--stage', 'local'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so stopping the platform also stops the worker threads' children.
      detached: true,
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
        restarts = 0;
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
      if (restarts >= maxRestarts) {
        console.error(`!! serverless-offline died ${restarts + 1} times in a row; the local platform gives up.`);
        giveUp(error);
        return;
      }
      restarts += 1;
      console.error(`!! Starting serverless-offline again (${restarts}/${maxRestarts}).`);
      launch();
    });
  };
  launch();

  return {
    ready: () => readiness,
    pid: () => child.pid,
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
