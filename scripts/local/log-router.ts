import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

const FUNCTION_NAME = /^[\w-]+$/;

/** The function a structured log line came from (Powertools writes `function_name`), if it is one. */
export function functionOfLogLine(line: string): string | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed = JSON.parse(line) as { function_name?: unknown };
    return typeof parsed.function_name === 'string' && FUNCTION_NAME.test(parsed.function_name)
      ? parsed.function_name
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * serverless-offline prints each request's path, and the GDPR routes carry a person's identifier in theirs
 * (`/v1/subjects/{subjectId}`): it is masked before the line is kept. (In AWS, the same reason keeps API Gateway
 * access logs, if ever enabled, to `$context.routeKey` rather than `$context.path`.)
 */
export function redactSubjectPaths(line: string): string {
  return line.replace(/(\/v1\/subjects\/)[^/\s?]+/g, '$1[subject]');
}

/**
 * serverless-offline runs every function in one process, so their output arrives mixed. In AWS each function
 * writes to its own log group (/aws/lambda/<function>); the local stage keeps the same split, one file per
 * function under the logs folder (`<function>.log`), so the audit queries read the same groups in both places.
 * Lines that are not a function's structured log (serverless-offline's own output) go to `offline.log`.
 * `onLine` sees every line first (the platform watches serverless-offline's own messages in it).
 */
export function routeLogs(
  streams: Readable[],
  folder: string,
  onLine: (line: string) => void = () => {},
): { close(): Promise<void> } {
  const files = new Map<string, WriteStream>();
  const fileFor = (name: string) => {
    let file = files.get(name);
    if (!file) {
      file = createWriteStream(join(folder, `${name}.log`), { flags: 'a' });
      files.set(name, file);
    }
    return file;
  };
  const readers = streams.map((stream) => {
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on('line', (line) => {
      onLine(line);
      const fn = functionOfLogLine(line);
      fileFor(fn ?? 'offline').write(`${fn ? line : redactSubjectPaths(line)}\n`);
    });
    return new Promise<void>((resolve) => lines.once('close', resolve));
  });
  return {
    async close() {
      await Promise.all(readers);
      await Promise.all([...files.values()].map((file) => new Promise((resolve) => file.end(resolve))));
    },
  };
}
