import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The GitHub workflows, checked without GitHub: each file against the workflow schema (action-validator, from
 * npm), then the properties the team relies on — CI runs exactly the README's commands, deploys use OIDC and no
 * stored AWS keys, prod waits for a person, and every deploy ends with a smoke test.
 */
const run = promisify(execFile);
const WORKFLOWS = ['.github/workflows/ci.yml', '.github/workflows/deploy.yml'];
const validate = (path: string) => run('node_modules/.bin/action-validator', [path]);

describe('GitHub workflows', () => {
  it.each(WORKFLOWS)('%s is a valid workflow', async (path) => {
    // Exit code 0 and nothing said: the validator prints every error it finds.
    await expect(validate(path)).resolves.toEqual({ stdout: '', stderr: '' });
  });

  it('the validator refuses a broken workflow (so the check above can fail)', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'vigie-workflow-')), 'broken.yml');
    writeFileSync(broken, readFileSync('.github/workflows/ci.yml', 'utf8').replace('runs-on:', 'runs_on:'));
    await expect(validate(broken)).rejects.toThrow();
  });

  it('CI runs the README’s install and test commands, as .ci/run does', () => {
    const ci = readFileSync('.github/workflows/ci.yml', 'utf8');
    const local = readFileSync('.ci/run', 'utf8');
    for (const command of ['npm install --no-audit --no-fund', 'npm test']) {
      expect(ci).toContain(`run: ${command}`);
      expect(local).toContain(command);
    }
    expect(ci).toContain('cache: npm');
    expect(ci).toContain('actions/upload-artifact');
  });

  it('deploys through an OIDC role, with a person approving prod and a smoke test after', () => {
    const deploy = readFileSync('.github/workflows/deploy.yml', 'utf8');
    expect(deploy).toContain('id-token: write');
    expect(deploy).toContain('role-to-assume:');
    expect(deploy).not.toMatch(/AWS_SECRET_ACCESS_KEY|aws-secret-access-key/);
    expect(deploy).toMatch(/environment: .*'prod'/);
    expect(deploy).toContain('scripts/deploy/smoke-test.ts');
  });
});
