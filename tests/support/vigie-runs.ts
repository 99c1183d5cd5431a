/**
 * Runs the `vigie` command tree (scripts/cli/main.ts, which bin/vigie.js imports after registering tsx) once per
 * argument list, all in this one process, and prints what each run wrote and its exit code as JSON. Each run
 * imports main.ts afresh (a query string makes it a new module), so each parses its own arguments with a new
 * program, as a process of its own would. One tsx start-up instead of one per run: the CLI help test took 28 s
 * with about forty of them (issue #21).
 *
 *   node --import tsx tests/support/vigie-runs.ts '[["--help"], ["keys", "--help"]]'
 */
export interface VigieRun {
  args: string[];
  stdout: string;
  stderr: string;
  code: number;
}

const runs = JSON.parse(process.argv[2] ?? '[]') as string[][];
const streams = { stdout: process.stdout.write, stderr: process.stderr.write };
const [node, script] = process.argv as [string, string];
const results: VigieRun[] = [];
for (const [index, args] of runs.entries()) {
  const run: VigieRun = { args, stdout: '', stderr: '', code: 0 };
  // Commander, console.log and console.error all end in these two writes.
  process.stdout.write = ((chunk: string | Uint8Array) => ((run.stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((run.stderr += String(chunk)), true)) as typeof process.stderr.write;
  process.argv = [node, script, ...args];
  process.exitCode = undefined;
  try {
    await import(`../../scripts/cli/main.ts?run=${index}`);
  } finally {
    process.stdout.write = streams.stdout;
    process.stderr.write = streams.stderr;
  }
  run.code = Number(process.exitCode ?? 0);
  results.push(run);
}
process.exitCode = 0;
process.stdout.write(`${JSON.stringify(results)}\n`);
