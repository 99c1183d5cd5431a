import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFaintRing } from '../support/faint-ring';
import { startTestPlatform, type TestPlatform } from '../support/platform';

/** `vigie` as a person runs it: a child process, against the real local platform on the test ports. */
const exec = promisify(execFile);
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});

afterAll(async () => {
  await t?.stop();
});

/** Runs vigie with the platform's environment (ports, key); `input` goes to its standard input. */
function vigie(args: string[], input?: string) {
  const child = exec(process.execPath, ['bin/vigie.js', ...args], { env: t.env });
  if (input !== undefined) child.child.stdin!.end(input);
  return child;
}

const json = async (args: string[], input?: string) =>
  JSON.parse((await vigie([...args, '--json'], input)).stdout) as Record<string, unknown>;

describe('vigie predict', () => {
  it('answers an image file, with the class for people and the record for machines', async () => {
    const { stdout } = await vigie(['predict', 'events/samples/seven.png', '--model', 'digits']);
    expect(stdout).toMatch(/^7 {2}\(confidence 0\.9\d+\)\ndigits@\d+\.\d+\.\d+ {2}prediction [\w-]{36}$/m);
    const answer = await json(['predict', 'events/samples/seven-paper.jpg', '-m', 'digits']);
    expect(answer).toMatchObject({ model: 'digits', result: { label: '7' }, automated: true });
  });

  it('says when an answer is uncertain, and why (a "0" written in faint ink: unclear-writing), and how it was read', async () => {
    const file = await writeFaintRing();
    const { stdout } = await vigie(['predict', file, '--model', 'digits']);
    expect(stdout).toMatch(/^\d {2}\(confidence [\d.]+\) {2}uncertain: unclear-writing {2}\(read 2 ways\)$/m);
  });

  it('takes JSON and CSV from standard input, telling them apart by their first bytes', async () => {
    const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
    expect(await json(['predict', '-', '--model', 'iris'], JSON.stringify({ features: setosa }))).toMatchObject({
      result: { label: 'setosa' },
    });
    const csv = `${Object.keys(setosa).join(',')}\n${Object.values(setosa).join(',')}\n6.7,3.0,5.2,2.3\n`;
    const rows = (await json(['predict', '-', '--model', 'iris'], csv)) as { results: Array<{ result: { label: string } }> };
    expect(rows.results.map((row) => row.result.label)).toEqual(['setosa', 'virginica']);
    const { stdout } = await vigie(['predict', '-', '--model', 'iris'], csv);
    expect(stdout).toMatch(/^row 1: setosa {2}\(confidence [\d.]+\)\nrow 2: virginica /);
  });

  it('prints a refused row with the reason the API sent, a sentence (issue #21: "undefined: undefined")', async () => {
    const csv = 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\nabc,3.5,1.4,0.2\n';
    const { stdout } = await vigie(['predict', '-', '--model', 'iris'], csv);
    expect(stdout).toMatch(/^row 2: refused, sepal_length: expected a number, got the text "abc"$/m);
    expect(stdout).not.toContain('undefined');
  });

  it('says what the API refused, with its problem code, and exits 1', async () => {
    await expect(vigie(['predict', 'events/samples/seven.png', '--model', 'no-such-model'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('HTTP 404 model-not-found'),
    });
    await expect(vigie(['predict', 'events/samples/seven.png'])).rejects.toMatchObject({ code: 2 });
  });
});

describe('vigie models show', () => {
  it("prints each version's spec and metrics, as its help says (issue #21)", async () => {
    const { stdout } = await vigie(['models', 'show', 'iris']);
    expect(stdout).toContain('input   4 feature(s): sepal_length (cm), sepal_width (cm), petal_length (cm), petal_width (cm)');
    expect(stdout).toContain('output  classification: setosa, versicolor, virginica');
    expect(stdout).toMatch(/^ {6}metrics heldOut: accuracy 0\.\d{4}, samples \d+$/m);
    const digits = (await vigie(['models', 'show', 'digits'])).stdout;
    expect(digits).toMatch(/input {3}image 1×28×28, mnist fit/);
  });
});

describe('vigie keys', () => {
  it('creates a scoped key that the API honours, lists it without the key, and revokes it', async () => {
    const created = await json(['keys', 'create', '--name', 'cli-test', '--models', 'digits', '--expires-in-days', '1']);
    const key = created.key as string;
    expect(key).toMatch(/^vk_[\w-]{43}$/);
    const withKey = ['predict', 'events/samples/seven.png', '--api-key', key];
    expect(await json([...withKey, '--model', 'digits'])).toMatchObject({ result: { label: '7' } });
    await expect(vigie([...withKey, '--model', 'iris'])).rejects.toMatchObject({
      stderr: expect.stringContaining('HTTP 403 forbidden'),
    });

    const listed = JSON.parse((await vigie(['keys', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    const mine = listed.find((record) => record.keyId === created.keyId);
    expect(mine).toMatchObject({ name: 'cli-test', models: ['digits'], state: 'active' });
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(mine).not.toHaveProperty('keyHash');

    await vigie(['keys', 'revoke', created.keyId as string]);
    const after = JSON.parse((await vigie(['keys', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(after.find((record) => record.keyId === created.keyId)?.state).toMatch(/^revoked /);
    await expect(vigie(['keys', 'revoke', 'nothing'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('No key nothing'),
    });
  }, 60_000);
});

describe('vigie keys with a permission', () => {
  it('gives a reviewer key models:approve, which the approval route honours, and refuses an unknown permission', async () => {
    const reviewer = await json(['keys', 'create', '--name', 'reviewer', '--models', 'iris', '--permissions', 'models:approve']);
    expect(reviewer).toMatchObject({ permissions: ['models:approve'] });
    const plain = await json(['keys', 'create', '--name', 'caller', '--models', 'iris']);
    const decide = (key: unknown) =>
      fetch(`${t.http}/v1/models/iris/versions/1.0.0/approval`, {
        method: 'POST',
        headers: { 'x-api-key': String(key), 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approved', approver: 'A Reviewer' }),
      });
    expect((await decide(plain.key)).status).toBe(403);
    // Past the permission check: iris 1.0.0 is shipped (reviewed in the repository), not a trained version.
    expect((await decide(reviewer.key)).status).toBe(404);
    await expect(
      vigie(['keys', 'create', '--name', 'x', '--models', 'iris', '--permissions', 'models:everything']),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('Unknown permission(s): models:everything'),
    });
  }, 60_000);
});

describe('vigie subjects', () => {
  it("exports a person's prediction, erases it, and exports nothing after", async () => {
    const predicted = await json(['predict', 'events/samples/seven.png', '-m', 'digits', '--subject', 'driver-42']);
    const exported = (await json(['subjects', 'export', 'driver-42'])) as { predictions: Array<{ predictionId: string }> };
    expect(exported.predictions.map((p) => p.predictionId)).toEqual([predicted.predictionId]);

    const { stdout } = await vigie(['subjects', 'erase', 'driver-42']);
    expect(stdout).toMatch(/^Erased 1 prediction\(s\) and 0 file\(s\)/);
    expect(stdout).not.toContain('driver-42');
    expect(await json(['subjects', 'export', 'driver-42'])).toMatchObject({ predictions: [], files: [] });
  }, 60_000);

  it('sends an identifier beyond latin-1 as the API reads it, and finds it again (issue #20.20)', async () => {
    // fetch refuses a header character above U+00FF: this was "did not answer".
    const predicted = await json(['predict', 'events/samples/seven.png', '-m', 'digits', '--subject', 'Zoë 李-42']);
    const exported = (await json(['subjects', 'export', 'Zoë 李-42'])) as { predictions: Array<{ predictionId: string }> };
    expect(exported.predictions.map((p) => p.predictionId)).toEqual([predicted.predictionId]);
    await vigie(['subjects', 'erase', 'Zoë 李-42']);
  }, 60_000);

  it('refuses what the API cannot take before calling it: exit 2, never the local route list', async () => {
    for (const args of [
      ['subjects', 'export', ''],
      ['predict', 'events/samples/seven.png', '-m', 'digits', '--subject', 'driver-42\r\nx-api-key: stolen'],
    ]) {
      const failure = (await vigie(args).then(
        () => undefined,
        (error: unknown) => error,
      )) as { code: number; stdout: string; stderr: string };
      expect(failure).toMatchObject({ code: 2, stdout: '' });
      expect(failure.stderr).not.toMatch(/did not answer|routes|HTTP 404/);
    }
  }, 60_000);
});
