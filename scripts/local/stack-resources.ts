import { environmentOf, printedResources, serverlessPrint } from '../build/serverless-print';

export interface StackResources {
  buckets: string[];
  tables: Record<string, unknown>[];
  uploadsBucket: string;
  /** The variables every function gets (provider.environment), as resolved for the local stage. */
  functionEnvironment: Record<string, string>;
}

/**
 * The buckets and tables the local emulators must hold, read from serverless.yml as the framework resolves it
 * for the local stage: one definition for AWS and for the laptop.
 */
export async function readStackResources(env: NodeJS.ProcessEnv): Promise<StackResources> {
  const config = await serverlessPrint('local', env);
  const resources = Object.values(printedResources(config));
  return {
    buckets: resources.filter((r) => r.Type === 'AWS::S3::Bucket').map((r) => String(r.Properties?.BucketName)),
    tables: resources.filter((r) => r.Type === 'AWS::DynamoDB::Table').map((r) => r.Properties ?? {}),
    uploadsBucket: config.custom.uploadsBucket,
    functionEnvironment: environmentOf(config),
  };
}

/** The CreateTable input for DynamoDB emulation: key schema, attributes, indexes; AWS-only settings dropped. */
export function createTableInput(properties: Record<string, unknown>) {
  const { TableName, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode } = properties;
  return { TableName, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode } as Record<string, unknown>;
}
