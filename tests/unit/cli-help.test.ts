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

  it('refuses an unknown command with exit code 2 (a usage mistake, as the README says) and points at --help', async () => {
    await expect(vigie('nonsense')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('vigie --help') });
  }, 30_000);
});

describe('usage mistakes exit 2 with what to fix, before anything is sent (issue #20.20)', () => {
  // None of these needs a platform: each is refused before the API or DynamoDB is called.
  it.each([
    [['predict'], "missing required argument 'file'"],
    [['predict', 'events/samples/seven.png', '--model'], 'argument missing'],
    [['keys', 'create', '--bogus'], "unknown option '--bogus'"],
    [['keys'], 'Usage: vigie keys'],
    [['keys', 'create', '--name', 'x', '--models', 'iris', '--expires-in-days', '0x10'], 'whole number of days'],
    [['keys', 'create', '--name', 'x', '--models', 'iris', '--expires-in-days', '1e2'], 'whole number of days'],
    [['subjects', 'export', ''], "the person's identifier"],
    [['subjects', 'erase', '   '], "the person's identifier"],
    [['subjects', 'export', '..'], 'cannot be sent in a URL path'],
    [['predict', 'events/samples/seven.png', '-m', 'digits', '--subject', 'driver-42\nrm -rf'], 'control character'],
    [['predict', 'events/samples/seven.png', '-m', 'digits', '--subject', ''], '--subject is empty'],
    [['predict', 'events/samples/seven.png', '-m', '../digits'], 'is not a model name'],
    [['models', 'show', ''], 'is not a model name'],
  ])(
    'vigie %j exits 2: %s',
    async (args, message) => {
      await expect(vigie(...args)).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining(message) });
    },
    30_000,
  );

  it('still exits 0 for --help and --version', async () => {
    expect((await vigie('--version')).stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect((await vigie('help', 'keys')).stdout).toMatch(/^Usage: vigie keys /);
  }, 30_000);
});
