import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VigieRun } from '../support/vigie-runs';

const run = promisify(execFile);
/** The real binary, in a process of its own: what a user types. */
const vigie = (...args: string[]) => run(process.execPath, ['bin/vigie.js', ...args]);

const COMMANDS = [
  'start',
  'keys',
  'models',
  'drift',
  'stats',
  'predict',
  'train',
  'trainings',
  'audit',
  'report',
  'subjects',
  'eval',
  'bench',
  'load',
  'latency',
  'soak',
];
const SUBCOMMANDS = [
  'keys create',
  'keys list',
  'keys revoke',
  'models list',
  'models show',
  'models approve',
  'models reject',
  'models alias',
  'models promote',
  'models rollback',
  'models disable',
  'models enable',
  'models replay',
  'models shadow',
  'models canary',
  'models rollout',
  'trainings list',
  'trainings get',
  'subjects export',
  'subjects erase',
];

const USAGE_MISTAKES: Array<[string[], string]> = [
  [['predict'], "missing required argument 'file'"],
  [['predict', 'events/samples/seven.png', '--model'], 'argument missing'],
  [['keys', 'create', '--bogus'], "unknown option '--bogus'"],
  [['keys'], 'Usage: vigie keys'],
  [['keys', 'create', '--name', 'x', '--models', 'iris', '--expires-in-days', '0x10'], 'whole number of days'],
  [['keys', 'create', '--name', 'x', '--models', 'iris', '--expires-in-days', '1e2'], 'whole number of days'],
  [['report', '--month', '2026-13'], '--month is yyyy-mm'],
  [['report', '--month', '2026-12', '--lang', 'de'], '--lang is fr or en'],
  [['subjects', 'export', ''], "the person's identifier"],
  [['subjects', 'erase', '   '], "the person's identifier"],
  [['subjects', 'export', '..'], 'cannot be sent in a URL path'],
  [['predict', 'events/samples/seven.png', '-m', 'digits', '--subject', 'driver-42\nrm -rf'], 'control character'],
  [['predict', 'events/samples/seven.png', '-m', 'digits', '--subject', ''], '--subject is empty'],
  [['predict', 'events/samples/seven.png', '-m', '../digits'], 'is not a model name'],
  [['models', 'show', ''], 'is not a model name'],
  [['models', 'replay', 'digits', '--reason', '  '], 'Say why with --reason'],
  [['models', 'replay', '../digits', '--reason', 'x'], 'is not a model name'],
  // The trained-model loop (#22): each refused as the API would refuse it, before the CSV is read or sent.
  [['train', 'docs/samples/penguins.csv', '--target', 'species'], '--model <name>'],
  [['train', 'docs/samples/penguins.csv', '-m', 'penguins'], '--target <column>'],
  [['train', 'docs/samples/penguins.csv', '-m', 'Penguins', '-t', 'species'], 'is not a model name'],
  [['train', 'docs/samples/penguins.csv', '-m', 'penguins', '-t', 'species', '--time-budget', '2'], '--time-budget'],
  [['train', 'docs/samples/penguins.csv', '-m', 'penguins', '-t', 'species', '--task', 'clustering'], 'task'],
  [['trainings', 'list'], '--model <name>'],
  [['trainings', 'list', '-m', 'penguins', '--limit', '0'], 'limit'],
  [['trainings', 'list', '-m', 'penguins', '--cursor', 'not-one-of-ours'], 'cursor'],
  [['trainings', 'get', '../models'], 'is not a training id'],
  [['models', 'approve', 'penguins', '1.0'], 'is not a version'],
  [['models', 'approve', 'penguins', '1.0.0'], '--approver'],
  [['eval', 'digits', '--against', '1.3.0', '--record'], 'do not go together'],
  [['eval', 'digits', '1.4.0', '--against', '0.9.9'], 'No version 0.9.9'],
  [['eval', 'iris', '--against', '1.0.0'], 'is neither'],
  [['models', 'reject', 'penguins', '1.0.0', '--approver', 'x', '--status', 'retired'], "unknown option '--status'"],
  [['models', 'approve', 'penguins', '1.0.0', '--approver', 'x', '--status', 'retired'], 'approved or rejected'],
  // Changing what is served (#23): refused before any call.
  [['models', 'alias', 'digits', 'canary', '1.1.0'], "required option '--reason <text>'"],
  [['models', 'alias', 'digits', 'canary', '1.1.0', '--reason', '  '], 'Say why with --reason'],
  [['models', 'alias', 'digits', 'Canary!', '1.1.0', '--reason', 'x'], 'is not an alias name'],
  [['models', 'alias', 'digits', 'canary', 'latest', '--reason', 'x'], 'is not a version'],
  [['models', 'alias', 'digits', 'canary', '1.1.0', '--reason', 'x', '--weight', '150'], '--weight takes a whole percentage'],
  [['models', 'rollback', 'digits'], "required option '--reason <text>'"],
  [['models', 'disable', '../digits', '--reason', 'x'], 'is not a model name'],
  [['models', 'shadow', '../digits'], 'is not a model name'],
  [['models', 'rollout', 'iris', '1.1.0'], "required option '--reason <text>'"],
  [['models', 'rollout', 'iris', '1.1.0', '--reason', 'x', '--steps', '50,25'], '--steps takes rising whole percentages'],
  [['models', 'rollout', 'iris', '1.1.0', '--reason', 'x', '--steps', '5,250'], '--steps takes rising whole percentages'],
  [['models', 'rollout', 'iris', '1.1.0', '--reason', 'x', '--bake', 'ten minutes'], '--bake takes a duration'],
  [['models', 'rollout', 'iris', 'next', '--reason', 'x'], 'is not a version'],
  [['models', 'canary', 'Iris'], 'is not a model name'],
];

/**
 * Every other invocation runs through the same command tree in one process (tests/support/vigie-runs.ts): one
 * tsx start-up for all of them, each with its own stdout, stderr and exit code.
 */
let runs: VigieRun[];
const runOf = (...args: string[]) => {
  const found = runs.find((candidate) => JSON.stringify(candidate.args) === JSON.stringify(args));
  if (!found) throw new Error(`vigie ${args.join(' ')} was not run`);
  return found;
};

beforeAll(async () => {
  const argumentLists = [
    ...[...COMMANDS, ...SUBCOMMANDS].map((command) => [...command.split(' '), '--help']),
    ...USAGE_MISTAKES.map(([args]) => args),
    ['--version'],
    ['help', 'keys'],
  ];
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'tests/support/vigie-runs.ts', JSON.stringify(argumentLists)],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  runs = JSON.parse(stdout) as VigieRun[];
}, 60_000);

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
  it.each([...COMMANDS, ...SUBCOMMANDS])('vigie %s --help prints its usage with an example and exits 0', (command) => {
    const { stdout, code } = runOf(...command.split(' '), '--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: vigie ${command} `));
    expect(stdout).toMatch(/Examples?:\n {2}(\w+=\S+ )?vigie /);
  });

  it('refuses an unknown command with exit code 2 (a usage mistake, as the README says) and points at --help', async () => {
    await expect(vigie('nonsense')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('vigie --help') });
  }, 30_000);
});

describe('usage mistakes exit 2 with what to fix, before anything is sent (issue #20.20)', () => {
  // None of these needs a platform: each is refused before the API or DynamoDB is called.
  it.each(USAGE_MISTAKES)('vigie %j exits 2: %s', (args, message) => {
    expect(runOf(...args)).toMatchObject({ code: 2, stderr: expect.stringContaining(message) });
  });

  it('still exits 0 for --help and --version', () => {
    expect(runOf('--version')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(runOf('help', 'keys')).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: vigie keys /) });
  });
});
