/**
 * Builds the web console (console/) into dist/console/app/: one minified ES module, one style sheet and the page,
 * which the console function serves (functions/console/handler.ts). esbuild, already the functions' bundler, is
 * all it needs: Preact's JSX through `jsxImportSource`, no dev server.
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const CONSOLE_OUT = join('dist', 'console', 'app');

/** Returns the files the build read (for the build stamp) and each output's size in bytes. */
export async function buildConsole(): Promise<{ read: string[]; sizes: Record<string, number> }> {
  mkdirSync(CONSOLE_OUT, { recursive: true });
  const result = await build({
    entryPoints: { app: 'console/src/main.tsx' },
    outdir: CONSOLE_OUT,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: 'console/tsconfig.json',
    minify: true,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  copyFileSync('console/index.html', join(CONSOLE_OUT, 'index.html'));
  copyFileSync('console/src/style.css', join(CONSOLE_OUT, 'app.css'));
  const sizes = Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, output]) => [file, output.bytes]));
  return { read: [...Object.keys(result.metafile.inputs), 'console/index.html', 'console/src/style.css'], sizes };
}
