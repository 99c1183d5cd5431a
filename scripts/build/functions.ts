/**
 * Bundles each function into dist/<function>/handler.js (ESM, marked so by a package.json beside it, which is
 * what Lambda and `serverless invoke local` both honour): one file per function, with only what it imports.
 * The native packages (onnxruntime-node, sharp) stay outside: they come from Lambda layers in AWS and from
 * node_modules locally (see functions/platform/native/).
 */
import { build } from 'esbuild';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { VIEWER_FILES } from '../../functions/docs/viewer';

export const NATIVE_PACKAGES = ['onnxruntime-node', 'sharp'];

export function functionNames(): string[] {
  return readdirSync('functions', { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join('functions', entry.name, 'handler.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** The docs function serves Swagger UI's files from its own package (functions/docs/viewer.ts), not from a CDN. */
function copyViewer(): void {
  const from = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/swagger-ui-bundle.js'));
  for (const file of VIEWER_FILES) cpSync(join(from, file), join('dist', 'docs', 'viewer', file));
}

/** Builds every function; returns each output file with its size in bytes. */
export async function buildFunctions(): Promise<Record<string, number>> {
  rmSync('dist', { recursive: true, force: true });
  const names = functionNames();
  const result = await build({
    entryPoints: names.map((name) => ({ in: `functions/${name}/handler.ts`, out: `${name}/handler` })),
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    // Prefer the ESM builds of dependencies (AWS SDK, Powertools): smaller bundles, no CommonJS wrappers.
    mainFields: ['module', 'main'],
    external: NATIVE_PACKAGES,
    // CommonJS code left in the bundle may still call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    minify: true,
    keepNames: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  for (const name of names) writeFileSync(join('dist', name, 'package.json'), '{ "type": "module" }\n');
  copyViewer();
  return Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, output]) => [file, output.bytes]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [file, bytes] of Object.entries(await buildFunctions())) console.log(`${file}  ${(bytes / 1024).toFixed(0)} KiB`);
}
