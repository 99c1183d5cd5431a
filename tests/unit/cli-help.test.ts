import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('--help', () => {
  // Each once crashed on --help: a strict argument parser (keys, audit) or a model named '--help' (eval).
  it.each(['keys', 'audit', 'eval'])(
    'npm run %s -- --help prints its usage and exits 0',
    async (script) => {
      const { stdout } = await run(process.execPath, ['node_modules/tsx/dist/cli.mjs', `scripts/${script}.ts`, '--help']);
      expect(stdout).toMatch(new RegExp(`^Usage: npm run ${script} -- `));
    },
    30_000,
  );
});
