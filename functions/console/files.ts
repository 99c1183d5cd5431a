import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The console's built files (scripts/build/console.ts), beside this function's bundle in dist/console/app. */
export const CONSOLE_FILES = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
} as const;

export interface ConsoleFile {
  contentType: string;
  body: string;
}

function appDir(): string {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), 'app');
  if (existsSync(bundled)) return bundled;
  // Run from source (tests, tsx): the build's output folder.
  return join(process.cwd(), 'dist', 'console', 'app');
}

let cache: Map<string, ConsoleFile> | undefined;

/** A file of the console by name (`''` is the page), read once per container; undefined for any other name. */
export function consoleFile(name: string): ConsoleFile | undefined {
  if (!cache) {
    const dir = appDir();
    cache = new Map(
      Object.entries(CONSOLE_FILES).map(([file, contentType]) => [
        file,
        { contentType, body: readFileSync(join(dir, file), 'utf8') },
      ]),
    );
    cache.set('', cache.get('index.html') as ConsoleFile);
  }
  return cache.get(name);
}
