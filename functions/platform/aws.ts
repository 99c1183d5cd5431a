import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsEndpointsConfig } from './config';
import { keepUnsafeKeys } from './dynamodb-keys';

/**
 * The one place AWS clients are built. In AWS the endpoints are the defaults; on the local stage they point
 * at the emulators. Handlers call these once at module scope so every invocation of a container reuses them.
 */
export function createS3Client(config: AwsEndpointsConfig): S3Client {
  return new S3Client({
    region: config.AWS_REGION,
    ...(config.VIGIE_S3_ENDPOINT && { endpoint: config.VIGIE_S3_ENDPOINT, forcePathStyle: true }),
    // The local S3 emulator does not understand the streaming checksum trailers newer SDKs send by default.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export function createDocumentClient(config: AwsEndpointsConfig): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: config.AWS_REGION,
    ...(config.VIGIE_DYNAMODB_ENDPOINT && { endpoint: config.VIGIE_DYNAMODB_ENDPOINT }),
  });
  return keepUnsafeKeys(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }));
}

/**
 * `retries: 'caller'` when the caller owns them (infer-client.ts: capped, jittered, never for permanent errors);
 * `'sdk'` for a one-shot asynchronous hand-over, where the SDK's standard retries turn a reset connection into a
 * second try instead of a lost training or batch (their handlers ignore a duplicate).
 */
export function createLambdaClient(config: AwsEndpointsConfig, retries: 'caller' | 'sdk'): LambdaClient {
  return new LambdaClient({
    region: config.AWS_REGION,
    ...(config.VIGIE_LAMBDA_ENDPOINT && { endpoint: config.VIGIE_LAMBDA_ENDPOINT }),
    ...(retries === 'caller' && { maxAttempts: 1 }),
  });
}
