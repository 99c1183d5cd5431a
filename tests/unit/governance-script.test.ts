import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** `npm run governance`'s own arguments: help, and a clear refusal instead of a stack trace. */
const governance = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/governance/main.ts', ...args], { encoding: 'utf8' });

describe('npm run governance', () => {
  it('prints its usage for --help, and writes nothing', () => {
    const run = governance('--help');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('npm run governance -- approve <model> <version> --approver');
    expect(run.stdout).not.toContain('wrote ');
  });

  it('refuses an unknown option with the reason and its usage, exit 2, no stack trace', () => {
    const run = governance('--aprover', 'Jane');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("Unknown option '--aprover'");
    expect(run.stderr).toContain('Usage: npm run governance');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
