/**
 * A deployed stage's HTTP API, found the way the deploy workflow finds it: the `HttpApiUrl` output of the stage's
 * CloudFormation stack (the framework adds that output for `httpApi` routes). The stack's name and region come
 * from serverless.yml as the framework resolves it for the stage, so they cannot drift from what was deployed.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { serverlessPrint, stackName, type PrintedService } from '../build/serverless-print';

/** A stack's outputs by key, or undefined when there is no such stack. */
export type ReadStackOutputs = (stack: string, region: string) => Promise<Record<string, string> | undefined>;

export interface StageEndpointSources {
  print?: (stage: string) => Promise<PrintedService>;
  outputs?: ReadStackOutputs;
}

/** Raised when the endpoint cannot be found: says why, and what to give instead. */
export class StageEndpointError extends Error {}

export const readStackOutputs: ReadStackOutputs = async (stack, region) => {
  const client = new CloudFormationClient({ region });
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stack }));
    const outputs = Stacks[0]?.Outputs ?? [];
    return Object.fromEntries(outputs.flatMap((o) => (o.OutputKey && o.OutputValue ? [[o.OutputKey, o.OutputValue]] : [])));
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError naming it, not with a code of its own.
    if ((error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message)) return undefined;
    throw error;
  } finally {
    client.destroy();
  }
};

export async function stageEndpoint(stage: string, sources: StageEndpointSources = {}): Promise<string> {
  const { print = serverlessPrint, outputs = readStackOutputs } = sources;
  const instead = 'give its HTTP API with --endpoint (or VIGIE_ENDPOINT)';
  const printed = await print(stage).catch((error: Error) => {
    // The stack's name and region come from serverless.yml, read from the repository root; the first line of a
    // failed print names the command, the rest is its stack trace.
    const why = error.message.split('\n')[0];
    throw new StageEndpointError(
      `Stage '${stage}': could not read serverless.yml for it (${why}); run vigie from the repository, or ${instead}.`,
    );
  });
  const stack = stackName(printed, stage);
  const region = printed.provider.region;
  let found: Record<string, string> | undefined;
  try {
    found = await outputs(stack, region);
  } catch (error) {
    throw new StageEndpointError(
      `Stage '${stage}': could not read the CloudFormation stack ${stack} in ${region} (${(error as Error).message}); ` +
        `check your AWS credentials, or ${instead}.`,
    );
  }
  if (!found) throw new StageEndpointError(`Stage '${stage}': there is no stack ${stack} in ${region} (deployed?); ${instead}.`);
  const url = found.HttpApiUrl;
  if (!url)
    throw new StageEndpointError(`Stage '${stage}': the stack ${stack} in ${region} has no HttpApiUrl output; ${instead}.`);
  return url;
}
