import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { NO_STACK } from '../../scripts/build/package-offline';
import type { PrintedService } from '../../scripts/build/serverless-print';
import { readStackOutputs, stageEndpoint, StageEndpointError, type ReadStackOutputs } from '../../scripts/cli/stage-endpoint';
import { apiTarget, UsageError } from '../../scripts/cli/target';

const run = promisify(execFile);

/** serverless.yml as print gives it, reduced to what the stack's name and region come from. */
const printed =
  (provider: Partial<PrintedService['provider']> = {}) =>
  async (): Promise<PrintedService> => ({
    service: 'vigie',
    provider: { region: 'eu-west-3', ...provider },
    custom: { uploadsBucket: '' },
    functions: {},
  });

/** A CloudFormation stand-in holding one stack; records what it was asked. */
function fakeCloudFormation(stacks: Record<string, Record<string, string>>) {
  const asked: Array<{ stack: string; region: string }> = [];
  const outputs: ReadStackOutputs = async (stack, region) => {
    asked.push({ stack, region });
    return stacks[`${region}/${stack}`];
  };
  return { asked, outputs };
}

const URL = 'https://abc123.execute-api.eu-west-3.amazonaws.com';

describe('stageEndpoint', () => {
  it("reads the HttpApiUrl output of the stage's stack, named and placed as the real serverless.yml says", async () => {
    // Prepare: the real `serverless print` of stage prod, a CloudFormation that has its stack.
    const cloudFormation = fakeCloudFormation({ 'eu-west-3/vigie-prod': { HttpApiId: 'abc123', HttpApiUrl: URL } });

    // Act
    const endpoint = await stageEndpoint('prod', { outputs: cloudFormation.outputs });

    // Assess
    expect(endpoint).toBe(URL);
    expect(cloudFormation.asked).toEqual([{ stack: 'vigie-prod', region: 'eu-west-3' }]);
  }, 30_000);

  it('follows provider.stackName and provider.region when serverless.yml sets them', async () => {
    const cloudFormation = fakeCloudFormation({ 'us-east-1/custom-name': { HttpApiUrl: URL } });
    const print = printed({ region: 'us-east-1', stackName: 'custom-name' });
    await expect(stageEndpoint('dev', { print, outputs: cloudFormation.outputs })).resolves.toBe(URL);
  });

  it('says when the stage has no stack, or a stack without the output, and what to give instead', async () => {
    const cloudFormation = fakeCloudFormation({ 'eu-west-3/vigie-dev': { HttpApiId: 'abc123' } });
    const sources = { print: printed(), outputs: cloudFormation.outputs };
    await expect(stageEndpoint('qa', sources)).rejects.toThrow(
      new StageEndpointError(
        "Stage 'qa': there is no stack vigie-qa in eu-west-3 (deployed?); give its HTTP API with --endpoint (or VIGIE_ENDPOINT).",
      ),
    );
    await expect(stageEndpoint('dev', sources)).rejects.toThrow('the stack vigie-dev in eu-west-3 has no HttpApiUrl output');
  });

  it('says so when serverless.yml cannot be read for the stage', async () => {
    const print = async () => {
      throw new Error('Command failed: serverless print\n    at a stack trace');
    };
    await expect(stageEndpoint('prod', { print, outputs: fakeCloudFormation({}).outputs })).rejects.toThrow(
      "Stage 'prod': could not read serverless.yml for it (Command failed: serverless print); run vigie from the repository, or give its HTTP API with --endpoint",
    );
  });

  it("names CloudFormation's refusal (here: no credentials)", async () => {
    const outputs: ReadStackOutputs = async () => {
      throw new Error('Could not load credentials from any providers');
    };
    await expect(stageEndpoint('prod', { print: printed(), outputs })).rejects.toThrow(
      "Stage 'prod': could not read the CloudFormation stack vigie-prod in eu-west-3 (Could not load credentials from any providers)",
    );
  });
});

describe('apiTarget', () => {
  const nowhere: ReadStackOutputs = async () => {
    throw new Error('CloudFormation must not be asked');
  };

  it('finds a deployed stage from its stack when no endpoint is given', async () => {
    const cloudFormation = fakeCloudFormation({ 'eu-west-3/vigie-prod': { HttpApiUrl: `${URL}/` } });
    const target = await apiTarget({ stage: 'prod', apiKey: 'k' }, {}, { print: printed(), outputs: cloudFormation.outputs });
    expect(target).toEqual({ endpoint: URL, apiKey: 'k' });
  });

  it('asks no stack when --endpoint is given, nor for the local stage', async () => {
    const sources = { print: printed(), outputs: nowhere };
    await expect(apiTarget({ stage: 'prod', apiKey: 'k', endpoint: URL }, {}, sources)).resolves.toEqual({
      endpoint: URL,
      apiKey: 'k',
    });
    await expect(apiTarget({ stage: 'local' }, { VIGIE_HTTP_PORT: '4000' }, sources)).resolves.toEqual({
      endpoint: 'http://localhost:4000',
      apiKey: 'local-dev-key',
    });
  });

  it('wants a key for a deployed stage before looking anything up', async () => {
    await expect(apiTarget({ stage: 'prod' }, {}, { print: printed(), outputs: nowhere })).rejects.toThrow(UsageError);
  });
});

describe('vigie --stage <name> with no endpoint and no AWS credentials', () => {
  it('exits 1 saying which stack it could not read and what to give instead', async () => {
    // Prepare: no credentials anywhere the AWS SDK looks (variables, files, instance metadata).
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'VIGIE_ENDPOINT'])
      delete env[name];

    // Act
    const answer = run(process.execPath, ['bin/vigie.js', 'models', 'list', '--stage', 'nosuch', '--api-key', 'k'], { env });

    // Assess
    await expect(answer).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        "vigie: Stage 'nosuch': could not read the CloudFormation stack vigie-nosuch in eu-west-3 (Could not load credentials",
      ),
    });
    await expect(answer).rejects.toMatchObject({ stderr: expect.stringContaining('--endpoint (or VIGIE_ENDPOINT)') });
  }, 30_000);
});

describe('readStackOutputs, the AWS SDK client against a CloudFormation stand-in on loopback', () => {
  const DESCRIBED = `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
  <DescribeStacksResult><Stacks><member>
    <StackName>vigie-prod</StackName><StackStatus>UPDATE_COMPLETE</StackStatus><CreationTime>2026-11-01T00:00:00Z</CreationTime>
    <Outputs>
      <member><OutputKey>HttpApiId</OutputKey><OutputValue>abc123</OutputValue></member>
      <member><OutputKey>HttpApiUrl</OutputKey><OutputValue>${URL}</OutputValue></member>
    </Outputs>
  </member></Stacks></DescribeStacksResult>
  <ResponseMetadata><RequestId>stand-in</RequestId></ResponseMetadata>
</DescribeStacksResponse>`;

  async function withCloudFormation<T>(answer: (body: string) => { status: number; xml: string }, work: () => Promise<T>) {
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        const { status, xml } = answer(body);
        response.writeHead(status, { 'content-type': 'text/xml' }).end(xml);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      AWS_ACCESS_KEY_ID: 'stand-in',
      AWS_SECRET_ACCESS_KEY: 'stand-in',
    });
    try {
      return await work();
    } finally {
      process.env = saved;
      server.close();
    }
  }

  it("gives the stack's outputs by key, having asked for the stack by name", async () => {
    let asked = '';
    const outputs = await withCloudFormation(
      (body) => ((asked = body), { status: 200, xml: DESCRIBED }),
      () => readStackOutputs('vigie-prod', 'eu-west-3'),
    );
    expect(new URLSearchParams(asked).get('Action')).toBe('DescribeStacks');
    expect(new URLSearchParams(asked).get('StackName')).toBe('vigie-prod');
    expect(outputs).toEqual({ HttpApiId: 'abc123', HttpApiUrl: URL });
  });

  it('gives undefined for a stack that does not exist, and passes on any other refusal', async () => {
    await expect(
      withCloudFormation(
        () => ({ status: 400, xml: NO_STACK }),
        () => readStackOutputs('vigie-qa', 'eu-west-3'),
      ),
    ).resolves.toBeUndefined();
    const denied = NO_STACK.replace('ValidationError', 'AccessDenied').replace('Stack does not exist', 'not allowed');
    await expect(
      withCloudFormation(
        () => ({ status: 403, xml: denied }),
        () => readStackOutputs('vigie-qa', 'eu-west-3'),
      ),
    ).rejects.toThrow('not allowed');
  });
});
