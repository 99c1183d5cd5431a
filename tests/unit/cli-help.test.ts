import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const vigie = (...args: string[]) => run(process.execPath, ['bin/vigie.js', ...args]);

const COMMANDS = ['start', 'keys', 'models', 'predict', 'audit', 'subjects', 'eval', 'bench', 'load', 'latency', 'soak'];
const SUBCOMMANDS = [
  'keys create',
  'keys list',
  'keys revoke',
  'models list',
  'models show',
  'models approve',
  'subjects export',
  'subjects erase',
];

describe('vigie --help', () => {
  it('lists every command', async () => {
    const { stdout } = await vigie('--help');
    const listed = [
      ...stdout
        .split('Commands:')[1]!
        .split('Examples:')[0]!
        .matchAll(/^ {2}(\w+)/gm),
    ].map((match) => match[1]);
    expect(listed).toEqual([...COMMANDS, 'help']);
  }, 30_000);

  // Each once crashed on --help under the old scripts: a strict parser (keys, audit) or a model named '--help' (eval).
  it.each([...COMMANDS, ...SUBCOMMANDS])(
    'vigie %s --help prints its usage with an example and exits 0',
    async (command) => {
      const { stdout } = await vigie(...command.split(' '), '--help');
      expect(stdout).toMatch(new RegExp(`^Usage: vigie ${command} `));
      expect(stdout).toMatch(/Examples?:\n {2}(\w+=\S+ )?vigie /);
    },
    30_000,
  );

  it('refuses an unknown command with exit code 1 and points at --help', async () => {
    await expect(vigie('nonsense')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('vigie --help') });
  }, 30_000);
});
