/**
 * Bundles each function into dist/<function>/handler.js (ESM, marked so by a package.json beside it, which is
 * what Lambda and `serverless invoke local` both honour): one file per function, with only what it imports.
 * The native packages (onnxruntime-node, sharp) stay outside: they come from Lambda layers in AWS and from
 * node_modules locally (see functions/platform/native/).
 */
import { build } from 'esbuild';
import { cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VIEWER_FILES } from '../../functions/docs/viewer';
import { buildConsole } from './console';
import { filesUnder, reusableBuild, stampBuild } from './build-stamp';

export const NATIVE_PACKAGES = ['onnxruntime-node', 'sharp'];

export function functionNames(): string[] {
  return readdirSync('functions', { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join('functions', entry.name, 'handler.ts')))
    .map((entry) => entry.name)
    .sort();
}

/** The docs function serves Swagger UI's files from its own package (functions/docs/viewer.ts), not from a CDN. */
function copyViewer(): string[] {
  const from = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/swagger-ui-bundle.js'));
  return VIEWER_FILES.map((file) => {
    cpSync(join(from, file), join('dist', 'docs', 'viewer', file));
    return relative(process.cwd(), join(from, file));
  });
}

/** The standard fonts pdfkit reads at run time, beside the report function's bundle. */
function copyPdfFonts(): string[] {
  const from = join(dirname(createRequire(import.meta.url).resolve('pdfkit')), 'data');
  return readdirSync(from)
    .filter((file) => file.startsWith('Helvetica'))
    .map((file) => {
      cpSync(join(from, file), join('dist', 'report', 'data', file));
      return relative(process.cwd(), join(from, file));
    });
}

const STAMP = join('dist', '.build-stamp.json');

/**
 * What a build reads besides the sources esbuild lists: this script and its options, the folder whose
 * sub-folders are the functions, and what configures esbuild's resolution.
 */
const BUILD_INPUTS = [
  relative(process.cwd(), fileURLToPath(import.meta.url)),
  relative(process.cwd(), fileURLToPath(new URL('./build-stamp.ts', import.meta.url))),
  'functions',
  'console',
  'package.json',
  'tsconfig.json',
  'node_modules/esbuild/package.json',
];

/**
 * Builds every function; returns each output file with its size in bytes. The build is reused
 * when no source it bundled and no file of dist/ changed since (scripts/build/build-stamp.ts).
 */
export async function buildFunctions(): Promise<Record<string, number>> {
  const reused = reusableBuild<Record<string, number>>(STAMP);
  if (reused) return reused;
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
    // pdfkit (the report function) reads its fonts from `__dirname + '/data'`, which ESM lacks: the bundle's own
    // folder, where copyPdfFonts puts them.
    define: { __dirname: 'import.meta.dirname' },
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
  const viewerSources = copyViewer();
  const fontSources = copyPdfFonts();
  const webConsole = await buildConsole();
  const sizes = {
    ...Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, output]) => [file, output.bytes])),
    ...webConsole.sizes,
  };
  const read = [
    ...BUILD_INPUTS,
    ...names.map((name) => join('functions', name)),
    ...Object.keys(result.metafile.inputs),
    ...viewerSources,
    ...fontSources,
    ...webConsole.read,
  ];
  stampBuild(STAMP, [...read, ...filesUnder('dist')], sizes);
  return sizes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const [file, bytes] of Object.entries(await buildFunctions())) console.log(`${file}  ${(bytes / 1024).toFixed(0)} KiB`);
}
