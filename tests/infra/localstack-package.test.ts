import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLayers, directorySize } from '../../layers/build';
import { buildFunctions, NATIVE_PACKAGES } from '../../scripts/build/functions';
import { packageOffline } from '../../scripts/build/package-offline';
import { functionNeeds } from '../support/function-needs';

/**
 * The `localstack` stage, packaged offline (no Docker engine here, so nothing is deployed): LocalStack Community
 * has no Lambda layers, so each function carries the natives and models it needs (infra/bundle-natives.cjs),
 * finds them through NODE_PATH, and talks to LocalStack's endpoint. What a function needs is derived from what its
 * bundle loads (tests/support/function-needs.ts), so a function that starts running a model in process (predict,
 * issue #16) is checked for onnxruntime and the model files without anyone editing a list.
 */
const run = promisify(execFile);
const OUT = '.serverless-localstack-test';
/** Every function with what it carries stays under 120 MB unzipped (issue #16), MB = 10^6 bytes. */
const FUNCTION_LIMIT = 120e6;

/** Every shipped model version, as the models layer holds them (layers/build.ts): metadata, artifact, its SHA-256. */
const MODEL_VERSIONS = readdirSync('models', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) =>
    readdirSync(join('models', entry.name))
      .filter((version) => /^\d+\.\d+\.\d+$/.test(version))
      .map((version) => {
        const dir = `${entry.name}/${version}`;
        const { artifact } = JSON.parse(readFileSync(join('models', dir, 'metadata.json'), 'utf8')) as {
          artifact: { file: string; sha256: string };
        };
        return { metadata: `${dir}/metadata.json`, artifact: `${dir}/${artifact.file}`, sha256: artifact.sha256 };
      }),
  );

/**
 * What each native package must do from the zip (CommonJS, in a fresh process): load its binary and work. A native
 * package without an entry here fails the test, so a new one gets its check.
 */
const NATIVE_USE: Record<string, string> = {
  // libvips encodes a picture.
  sharp: `const sharp = require('sharp');
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#ffffff' } }).png().toBuffer();
    if (png.length === 0) throw new Error('sharp encoded nothing');`,
  // ONNX Runtime opens a session on every artifact the function carries (none for a function that runs no model).
  'onnxruntime-node': `const ort = require('onnxruntime-node');
    if (typeof ort.InferenceSession?.create !== 'function') throw new Error('onnxruntime-node has no InferenceSession');
    for (const file of JSON.parse(process.env.ARTIFACTS)) {
      const session = await ort.InferenceSession.create(file);
      if (session.inputNames.length === 0) throw new Error(file + ' has no input');
    }`,
};
const ENDPOINT = 'http://localhost.localstack.cloud:4566';

interface LambdaFunction {
  Type: string;
  Properties: { FunctionName: string; Layers?: unknown; Environment: { Variables: Record<string, string> } };
}
let resources: Record<string, LambdaFunction>;
const functions = () => Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function');

/** Unzips a function's package as Lambda does into /var/task. */
async function unzipped(name: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `vigie-localstack-${name}-`));
  await run('unzip', ['-q', join(OUT, `${name}.zip`), '-d', dir]);
  return dir;
}

beforeAll(async () => {
  await buildFunctions();
  buildLayers();
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
    'bundles in each function every native package and model file its own code loads, and they work from the zip alone',
    { timeout: 300_000 },
    async () => {
      for (const f of functions()) {
        const name = f.Properties.FunctionName.replace(/^vigie-localstack-/, '');
        const needs = await functionNeeds(name);
        const task = await unzipped(name);
        try {
          // The project's own limit for a function with everything it carries (Lambda's is 250 MB).
          expect(directorySize(task), `${name} unzipped`).toBeLessThan(FUNCTION_LIMIT);
          const env = f.Properties.Environment.Variables;
          const inTask = (path: string) => path.replaceAll('/var/task', task);
          const nodePath = env.NODE_PATH ? inTask(env.NODE_PATH) : '';
          // Natives: only those the bundle loads, and each one used for real in a fresh process outside the
          // repository, with only the function's NODE_PATH (Lambda's runtime sees nothing else).
          const carried = NATIVE_PACKAGES.filter((pkg) =>
            nodePath.split(':').some((dir) => dir && existsSync(join(dir, pkg, 'package.json'))),
          );
          expect(carried.sort(), `${name} carries the natives its bundle loads, no more`).toEqual(needs.natives);
          const modelsDir = inTask(env.MODELS_DIR!);
          const artifacts = needs.modelArtifacts ? MODEL_VERSIONS.map((v) => join(modelsDir, v.artifact)) : [];
          if (needs.natives.length > 0) {
            const script = needs.natives.map((pkg) => NATIVE_USE[pkg] ?? `throw new Error('no check for ${pkg}')`).join('\n');
            const { stdout } = await run(
              process.execPath,
              ['-e', `(async () => { ${script}\n console.log('used'); })().catch((e) => { console.error(e); process.exit(1); })`],
              { env: { PATH: process.env.PATH, NODE_PATH: nodePath, ARTIFACTS: JSON.stringify(artifacts) }, cwd: task },
            );
            expect(stdout.trim(), name).toBe('used');
          }
          // Models: every shipped version's metadata where the registry reads them, and its artifact, unchanged,
          // where the function runs models.
          for (const version of needs.modelMetadata ? MODEL_VERSIONS : []) {
            expect(readFileSync(join(modelsDir, version.metadata), 'utf8'), `${name}: ${version.metadata}`).toBe(
              readFileSync(join('models', version.metadata), 'utf8'),
            );
          }
          for (const version of needs.modelArtifacts ? MODEL_VERSIONS : []) {
            const bytes = readFileSync(join(modelsDir, version.artifact));
            expect(createHash('sha256').update(bytes).digest('hex'), `${name}: ${version.artifact}`).toBe(version.sha256);
          }
        } finally {
          rmSync(task, { recursive: true, force: true });
        }
      }
    },
  );

  it('derives what predict needs from its imports: onnxruntime, sharp and the models (it runs them in process)', async () => {
    expect(await functionNeeds('predict')).toEqual({
      natives: ['onnxruntime-node', 'sharp'],
      modelMetadata: true,
      modelArtifacts: true,
    });
  });
});
