/**
 * `serverless package` without an AWS account or network (`npm run package`, and the infra tests).
 *
 * The framework asks CloudFormation for the last deployed stack to reuse unchanged layers; offline that call
 * fails and so does packaging. This script answers it the way AWS answers before a first deploy ("stack does
 * not exist") from a stand-in on loopback, so the package is the one a first deploy would upload.
 */
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { filesUnder, reusableBuild, stampBuild } from './build-stamp';
import { frameworkInputs, readVariables } from './serverless-print';

/** CloudFormation's answer to DescribeStacks for a stack that does not exist. */
export const NO_STACK = `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack does not exist (packaged offline)</Message></Error>
  <RequestId>offline</RequestId>
</ErrorResponse>`;

/**
 * What packaging reads besides the configuration: the function bundles, the layers' folders (bundled into each
 * function's zip on stages without layers) and the patches applied to the framework in node_modules.
 */
const PACKAGE_INPUTS = ['dist', 'layers/build', 'patches'];
const STAMP = '.vigie-package-stamp.json';

const withFiles = (path: string) => (existsSync(path) ? [path, ...filesUnder(path)] : [path]);

/** What a package of `stage` is made from, and the stamp that says so: the stage and the variables' values. */
function packageStamp(stage: string, outDir: string, env: NodeJS.ProcessEnv) {
  const configuration = frameworkInputs();
  return {
    inputs: [...configuration, ...PACKAGE_INPUTS.flatMap(withFiles)],
    key: JSON.stringify([stage, readVariables(configuration, env)]),
    stampFile: join(outDir, STAMP),
  };
}

/** Whether `outDir` holds the package `packageOffline(stage, outDir)` would make with these variables. */
export function reusablePackage(stage: string, outDir: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const { key, stampFile } = packageStamp(stage, outDir, env);
  return reusableBuild<string>(stampFile) === key;
}

/**
 * Packages `stage` into `outDir`, unless the package already there was made for the same stage and variables from
 * the same inputs (the framework takes some 18 s of CPU to package; the infra tests package two stages at every
 * run): its stamp (build-stamp.ts) holds the digests of what packaging read and of every file it wrote.
 */
export async function packageOffline(stage: string, outDir: string): Promise<{ code: number; output: string; reused: boolean }> {
  const { inputs, key, stampFile } = packageStamp(stage, outDir, process.env);
  if (reusableBuild<string>(stampFile) === key) {
    return { code: 0, output: `Reused the package in ${outDir}/: nothing it was made from has changed.`, reused: true };
  }
  // Gone before the framework writes: a package cut short never keeps an earlier stamp, nor another stage's zips.
  rmSync(outDir, { recursive: true, force: true });
  const { code, output } = await runPackage(stage, outDir);
  if (code === 0) stampBuild(stampFile, [...inputs, ...filesUnder(outDir)], key);
  return { code, output, reused: false };
}

async function runPackage(stage: string, outDir: string): Promise<{ code: number; output: string }> {
  const stub = createServer((request, response) => {
    request.resume();
    response.writeHead(400, { 'content-type': 'text/xml' }).end(NO_STACK);
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  const { port } = stub.address() as AddressInfo;
  try {
    const child = spawn(
      process.execPath,
      ['node_modules/osls/bin/serverless.js', 'package', '--stage', stage, '--package', outDir],
      {
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID ?? 'offline',
          AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY ?? 'offline',
          AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${port}`,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number>((resolve) => child.on('close', (exit) => resolve(exit ?? 1)));
    return { code, output };
  } finally {
    stub.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [stage = 'dev', outDir = '.serverless'] = process.argv.slice(2);
  const { code, output, reused } = await packageOffline(stage, outDir);
  console.log(output.trim());
  if (code === 0 && !reused) console.log(`Packaged stage ${stage} into ${outDir}/ (CloudFormation template and zips).`);
  process.exit(code);
}
