import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { directorySize } from '../../layers/build';
import { buildFunctions } from '../../scripts/build/functions';
import { packageOffline } from '../../scripts/build/package-offline';

/**
 * The `localstack` stage, packaged offline (no Docker engine here, so nothing is deployed): LocalStack Community
 * has no Lambda layers, so each function carries the natives and models it needs (infra/bundle-natives.cjs),
 * finds them through NODE_PATH, and talks to LocalStack's endpoint.
 */
const run = promisify(execFile);
const OUT = '.serverless-localstack-test';
const LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024;
const ENDPOINT = 'http://localhost.localstack.cloud:4566';

interface LambdaFunction {
  Type: string;
  Properties: { FunctionName: string; Layers?: unknown; Environment: { Variables: Record<string, string> } };
}
let resources: Record<string, LambdaFunction>;
const functions = () => Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
const fn = (name: string) => functions().find((f) => f.Properties.FunctionName === `vigie-localstack-${name}`)!;

/** Unzips a function's package as Lambda does into /var/task. */
async function unzipped(name: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `vigie-localstack-${name}-`));
  await run('unzip', ['-q', join(OUT, `${name}.zip`), '-d', dir]);
  return dir;
}

beforeAll(async () => {
  rmSync(OUT, { recursive: true, force: true });
  await buildFunctions();
  await run('npm', ['run', 'build:layers'], { maxBuffer: 8 * 1024 * 1024 });
  const packaged = await packageOffline('localstack', OUT);
  if (packaged.code !== 0) throw new Error(`serverless package --stage localstack failed:\n${packaged.output}`);
  resources = JSON.parse(readFileSync(`${OUT}/cloudformation-template-update-stack.json`, 'utf8')).Resources;
}, 300_000);

describe('serverless package --stage localstack', () => {
  it('creates no layer and gives no function a layer', () => {
    expect(Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::LayerVersion')).toEqual([]);
    expect(functions().length).toBeGreaterThanOrEqual(7);
    for (const f of functions()) expect(f.Properties.Layers, f.Properties.FunctionName).toBeUndefined();
  });

  it('points every function at LocalStack and at the models inside its package', () => {
    for (const f of functions()) {
      expect(f.Properties.Environment.Variables, f.Properties.FunctionName).toMatchObject({
        VIGIE_S3_ENDPOINT: ENDPOINT,
        VIGIE_DYNAMODB_ENDPOINT: ENDPOINT,
        VIGIE_LAMBDA_ENDPOINT: ENDPOINT,
        MODELS_DIR: '/var/task/layers/build/models/models',
      });
    }
  });

  it(
    'bundles onnxruntime in infer and health, sharp in preprocess and predict, under the size limit',
    { timeout: 120_000 },
    async () => {
      const natives = { infer: 'onnxruntime-node', health: 'onnxruntime-node', preprocess: 'sharp', predict: 'sharp' };
      for (const [name, pkg] of Object.entries(natives)) {
        const task = await unzipped(name);
        expect(directorySize(task), name).toBeLessThan(LAMBDA_UNZIPPED_LIMIT);
        expect(readFileSync(join(task, 'layers/build/models/models/digits/1.0.0/metadata.json'), 'utf8')).toContain('"digits"');
        // A fresh process in the unzipped package, outside the repository, with only the function's NODE_PATH: the
        // native binary loads from the package alone.
        const nodePath = fn(name).Properties.Environment.Variables.NODE_PATH!.replaceAll('/var/task', task);
        const { stdout } = await run(process.execPath, ['-e', `console.log(Object.keys(require('${pkg}')).length > 0)`], {
          env: { ...process.env, NODE_PATH: nodePath },
          cwd: task,
        });
        expect(stdout.trim(), name).toBe('true');
        rmSync(task, { recursive: true, force: true });
      }
    },
  );
});
