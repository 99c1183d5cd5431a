/**
 * `npx tsx scripts/deploy/console.ts --stage <stage> [--region <region>]` — after `serverless deploy`: builds the web
 * console and uploads it to `vigie-<stage>-console`, which CloudFront serves with the API on one origin (the stack's
 * `ConsoleUrl` output). Uses your AWS credentials, as `serverless deploy` does.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { parseArgs } from 'node:util';
import { buildConsole } from '../build/console';
import { publishConsole } from './publish-console';

const { values } = parseArgs({ options: { stage: { type: 'string' }, region: { type: 'string' }, help: { type: 'boolean' } } });
if (values.help || !values.stage) {
  console.log('Usage: npx tsx scripts/deploy/console.ts --stage <stage> [--region <region>]  (uploads the web console)');
  process.exit(values.help ? 0 : 2);
}
await buildConsole();
const bucket = `vigie-${values.stage}-console`;
const keys = await publishConsole(new S3Client({ region: values.region ?? process.env.AWS_REGION ?? 'eu-west-3' }), bucket);
console.log(`uploaded ${keys.join(', ')} to s3://${bucket}/`);
