/**
 * `serverless package` without an AWS account or network (`npm run package`, and the infra tests).
 *
 * The framework asks CloudFormation for the last deployed stack to reuse unchanged layers; offline that call
 * fails and so does packaging. This script answers it the way AWS answers before a first deploy ("stack does
 * not exist") from a stand-in on loopback, so the package is the one a first deploy would upload.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** CloudFormation's answer to DescribeStacks for a stack that does not exist. */
export const NO_STACK = `<ErrorResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack does not exist (packaged offline)</Message></Error>
  <RequestId>offline</RequestId>
</ErrorResponse>`;

export async function packageOffline(stage: string, outDir: string): Promise<{ code: number; output: string }> {
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
  const { code, output } = await packageOffline(stage, outDir);
  console.log(output.trim());
  if (code === 0) console.log(`Packaged stage ${stage} into ${outDir}/ (CloudFormation template and zips).`);
  process.exit(code);
}
