import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * The trained-model loop as a person runs it with `vigie` (#22): train a CSV, find the training (also one an S3
 * upload started), approve the version it registered, predict with it. The real CLI in a child process, against
 * the real local platform on the test ports; the sample table of docs/automl.md with a 5 s search budget.
 */
const exec = promisify(execFile);
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});

afterAll(async () => {
  await t?.stop();
});

const vigie = (...args: string[]) => exec(process.execPath, ['bin/vigie.js', ...args], { env: t.env });
const json = async (...args: string[]) => JSON.parse((await vigie(...args, '--json')).stdout) as Record<string, unknown>;
const api = (path: string, key = TEST_SETTINGS.apiKey) => fetch(`${t.http}${path}`, { headers: { 'x-api-key': key } });

/** The exit code, standard output and error of a vigie run that is expected to fail. */
const failure = (run: Promise<unknown>) =>
  run.then(
    () => ({ code: 0, stdout: '', stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

const MODEL = 'cli-penguins';

describe('vigie train, trainings, models approve', { timeout: 240_000 }, () => {
  let trainingId: string;

  it('trains a CSV, follows it to the end, and names the decision a person has to make', async () => {
    const training = await json('train', 'docs/samples/penguins.csv', '-m', MODEL, '-t', 'species', '--time-budget', '5');
    expect(training).toMatchObject({ model: MODEL, status: 'succeeded', progress: 1, version: '1.0.0', target: 'species' });
    expect(training).not.toHaveProperty('inputKey');
    trainingId = training.trainingId as string;
    const { stdout } = await vigie('trainings', 'get', trainingId);
    expect(stdout).toContain(`${MODEL} training ${trainingId}: succeeded`);
    expect(stdout).toMatch(/^ {6}version 1\.0\.0, pending until a person decides$/m);
    // A searched candidate, or the average of the two best (which the time budget and the machine's load decide).
    expect(stdout).toMatch(/^ {6}chosen {2}([a-z-]+|average\([a-z-]+, [a-z-]+\)) \(cross-validated accuracy 0\.\d{4}\)$/m);
    expect(stdout).toMatch(/^ {6}metrics heldOut: accuracy [\d.]+, balancedAccuracy [\d.]+/m);
    expect(stdout).toContain(`vigie models approve ${MODEL} 1.0.0 --approver`);
  });

  it('finds the training an S3 upload started by its key, and pages through the list newest first', async () => {
    const inputKey = `training/${MODEL}/from-upload.csv`;
    // No `target` in its metadata: a training that fails at once, found all the same.
    await t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: inputKey, Body: 'a,b\n1,2\n' }));
    const found = await eventually(async () => {
      const page = (await json('trainings', 'list', '-m', MODEL, '--input-key', inputKey)) as {
        items: Array<Record<string, unknown>>;
      };
      return page.items[0]?.status === 'failed' ? page.items : undefined;
    }, 60_000);
    expect(found).toEqual([
      expect.objectContaining({
        source: 's3',
        inputKey,
        status: 'failed',
        error: expect.objectContaining({ code: 'invalid-training-request' }),
      }),
    ]);
    expect(found[0]).not.toHaveProperty('leaderboard');

    const first = (await json('trainings', 'list', '-m', MODEL, '--limit', '1')) as {
      items: Array<{ trainingId: string }>;
      cursor: string;
    };
    expect(first.items.map((item) => item.trainingId)).toEqual([found[0]!.trainingId]);
    const second = (await json('trainings', 'list', '-m', MODEL, '--limit', '1', '--cursor', first.cursor)) as {
      items: Array<{ trainingId: string }>;
    };
    expect(second.items.map((item) => item.trainingId)).toEqual([trainingId]);
    const { stdout } = await vigie('trainings', 'list', '-m', MODEL);
    expect(stdout.split('\n')[0]).toMatch(
      new RegExp(`  ${found[0]!.trainingId}  failed {3}  invalid-training-request  target -  from ${inputKey}$`),
    );
    expect(stdout.split('\n')[1]).toMatch(new RegExp(`  ${trainingId}  succeeded  1\\.0\\.0  target species$`));
  });

  it('refuses a listing without a model, with a cursor it did not hand out, or for a model the key may not call', async () => {
    expect((await api('/v1/trainings')).status).toBe(400);
    expect(await (await api(`/v1/trainings?model=${MODEL}&cursor=bm9wZQ`)).json()).toMatchObject({
      status: 400,
      code: 'invalid-cursor',
    });
    const other = await json('keys', 'create', '--name', 'other-model', '--models', 'iris', '--expires-in-days', '1');
    expect((await api(`/v1/trainings?model=${MODEL}`, other.key as string)).status).toBe(403);
  });

  it('approves the trained version through the API (it failed with ENOENT), then serves it', async () => {
    const approval = await json(
      'models',
      'approve',
      MODEL,
      '1.0.0',
      '--approver',
      'Jane Reviewer, data lead',
      '--notes',
      'reviewed',
    );
    expect(approval).toMatchObject({
      model: MODEL,
      version: '1.0.0',
      approval: { status: 'approved', approver: 'Jane Reviewer, data lead' },
    });
    const again = await failure(vigie('models', 'reject', MODEL, '1.0.0', '--approver', 'Someone Else'));
    expect(again).toMatchObject({ code: 1, stderr: expect.stringContaining('HTTP 409 version-already-decided') });
    const features = {
      island: 'Biscoe',
      beak_length_mm: 46.1,
      beak_depth_mm: 13.2,
      flipper_length_mm: 211,
      body_mass_g: 4500,
      sex: 'FEMALE',
    };
    const child = exec(process.execPath, ['bin/vigie.js', 'predict', '-', '-m', MODEL, '--json'], { env: t.env });
    child.child.stdin!.end(JSON.stringify({ features }));
    expect(JSON.parse((await child).stdout)).toMatchObject({ model: MODEL, modelVersion: '1.0.0', result: { label: 'Gentoo' } });
  });

  it('exits 1 with the error of a training that failed', async () => {
    const oneClass = ['x,y', ...Array.from({ length: 30 }, (_, i) => `${i},same`)].join('\n') + '\n';
    const child = exec(process.execPath, ['bin/vigie.js', 'train', '-', '-m', MODEL, '-t', 'y'], { env: t.env });
    child.child.stdin!.end(oneClass);
    const failed = await failure(child);
    expect(failed).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^vigie: Training [\w-]+ of cli-penguins failed, single-class: /),
    });
  });
});
