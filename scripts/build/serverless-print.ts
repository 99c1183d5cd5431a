import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * serverless.yml as the framework resolves it for the local stage (`serverless print`): variables, included files
 * and plugins applied, so the local platform and the benchmarks read the same definition AWS gets.
 */
export async function resolvedServerlessConfig<T>(env: NodeJS.ProcessEnv): Promise<T> {
  const { stdout } = await run(
    process.execPath,
    ['node_modules/osls/bin/serverless.js', 'print', '--stage', 'local', '--format', 'json'],
    { env, maxBuffer: 16 * 1024 * 1024 },
  );
  // osls may print a notice before the document.
  return JSON.parse(stdout.slice(stdout.indexOf('{'))) as T;
}
