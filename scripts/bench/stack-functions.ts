import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { directorySize } from '../../layers/build';
import { environmentOf, layerFolder, serverlessPrint } from '../build/serverless-print';

/** A function as serverless.yml declares it for the local stage, with the environment it runs with. */
export interface StackFunction {
  name: string;
  memorySize: number;
  /** Layer folders under layers/build/. */
  layers: string[];
  environment: Record<string, string>;
}

/** Reads the functions as the framework resolves them, so memory sizes and layers come from serverless.yml itself. */
export async function stackFunctions(env: NodeJS.ProcessEnv): Promise<StackFunction[]> {
  const config = await serverlessPrint('local', env);
  return Object.entries(config.functions).map(([name, fn]) => ({
    name,
    memorySize: fn.memorySize ?? config.provider.memorySize ?? 1024,
    layers: (fn.layers ?? []).map(layerFolder),
    environment: environmentOf(config, fn),
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
