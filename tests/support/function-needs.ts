import { readFileSync } from 'node:fs';
import { build } from 'esbuild';
import { NATIVE_PACKAGES } from '../../scripts/build/functions';

/**
 * What a function's bundle really needs at run time, read from what its handler imports (esbuild's metafile over
 * the same entry point `npm run build` bundles), not from a list kept by hand:
 * - the native packages: those its modules under functions/platform/native/ load with `requireNative('<package>')`,
 *   or that it imports (they stay outside the bundle, so Lambda layers or the `localstack` stage's zip carry them);
 * - the models' metadata, when it reads the registry (functions/serving/registry.ts);
 * - the models' artifacts, when it creates ONNX Runtime sessions (functions/serving/inference/sessions.ts).
 */
export interface FunctionNeeds {
  natives: string[];
  modelMetadata: boolean;
  modelArtifacts: boolean;
}

const NATIVE_MODULES = /^functions\/platform\/native\/[^/]+\.ts$/;
const REQUIRE_NATIVE = /requireNative(?:<[^>]*>)?\(\s*'([^']+)'\s*\)/g;

export async function functionNeeds(name: string): Promise<FunctionNeeds> {
  const { metafile } = await build({
    entryPoints: [`functions/${name}/handler.ts`],
    bundle: true,
    write: false,
    outdir: 'dist',
    platform: 'node',
    format: 'esm',
    mainFields: ['module', 'main'],
    external: NATIVE_PACKAGES,
    metafile: true,
    logLevel: 'silent',
  });
  // What is left in the bundle after tree-shaking: a module merely reached through an import adds no code.
  const [output] = Object.values(metafile.outputs);
  const inputs = Object.entries(output!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
  const natives = inputs
    .filter((input) => NATIVE_MODULES.test(input))
    .flatMap((input) => [...readFileSync(input, 'utf8').matchAll(REQUIRE_NATIVE)].map((match) => match[1]!))
    // A plain import of a native package, should one appear, is left outside the bundle too.
    .concat(output!.imports.filter((i) => i.external && NATIVE_PACKAGES.includes(i.path)).map((i) => i.path));
  return {
    natives: [...new Set(natives)].sort(),
    modelMetadata: inputs.includes('functions/serving/registry.ts'),
    modelArtifacts: inputs.includes('functions/serving/inference/sessions.ts'),
  };
}
