import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { directorySize } from '../../layers/build';

const run = promisify(execFile);

/** A function as serverless.yml declares it for the local stage, with the environment it runs with. */
export interface StackFunction {
  name: string;
  memorySize: number;
  /** Layer folders under layers/build/. */
  layers: string[];
  environment: Record<string, string>;
}

/** `{ Ref: 'SharpLambdaLayer' }` → `sharp`: the framework's logical id for the layer declared as `sharp`. */
export const layerFolder = (ref: unknown) =>
  String((ref as { Ref?: string }).Ref ?? ref)
    .replace(/LambdaLayer$/, '')
    .toLowerCase();

/** Reads the functions as the framework resolves them, so memory sizes and layers come from serverless.yml itself. */
export async function stackFunctions(env: NodeJS.ProcessEnv): Promise<StackFunction[]> {
  const { stdout } = await run(
    process.execPath,
    ['node_modules/osls/bin/serverless.js', 'print', '--stage', 'local', '--format', 'json'],
    { env, maxBuffer: 16 * 1024 * 1024 },
  );
  const config = JSON.parse(stdout.slice(stdout.indexOf('{'))) as {
    provider: { memorySize?: number; environment?: Record<string, string> };
    functions: Record<string, { memorySize?: number; layers?: unknown[]; environment?: Record<string, string> }>;
  };
  return Object.entries(config.functions).map(([name, fn]) => ({
    name,
    memorySize: fn.memorySize ?? config.provider.memorySize ?? 1024,
    layers: (fn.layers ?? []).map(layerFolder),
    environment: { ...config.provider.environment, ...fn.environment },
  }));
}

/** Unzipped bytes of a function's bundle and of each of its layers, as `npm run package` builds them. */
export function unzippedSizes(fn: StackFunction) {
  const bundle = directorySize(join('dist', fn.name));
  const layers = fn.layers.map((layer) => {
    const dir = join('layers', 'build', layer);
    return { layer, bytes: existsSync(dir) ? directorySize(dir) : NaN };
  });
  return { bundle, layers, total: bundle + layers.reduce((sum, { bytes }) => sum + bytes, 0) };
}
