/**
 * `npm run keys -- <command>`: API keys for the HTTP API, stored only as SHA-256 hashes with the models they may
 * call and an expiry. The key itself is printed once, at creation, and never stored. Commands: the usage below.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createApiKeyStore, type ApiKeyRecord } from '../functions/shared/api-key-store';
import { hashApiKey } from '../functions/shared/http/api-keys';
import { ModelRegistry } from '../functions/shared/registry';
import { answerHelp } from './cli-usage';
import { LOCAL_CREDENTIALS, localSettings } from './local/settings';

answerHelp(`
Usage: npm run keys -- <command>
  create --name <who> --models digits,car-detector|* [--subject-rights] [--expires-in-days 90] [--stage local]
      (--subject-rights: the key may erase and export a person's data, for the data-protection officer)
  list [--stage local]
  revoke <keyId> [--stage local]
The local stage needs \`npm start\` running (its DynamoDB); other stages use your AWS credentials and region.`);

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    models: { type: 'string' },
    'subject-rights': { type: 'boolean', default: false },
    'expires-in-days': { type: 'string', default: '90' },
    stage: { type: 'string', default: 'local' },
  },
});

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const stage = values.stage!;
const local = stage === 'local';
const client = new DynamoDBClient(
  local
    ? {
        endpoint: `http://127.0.0.1:${localSettings().dynamodbPort}`,
        region: LOCAL_CREDENTIALS.AWS_REGION,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }
    : {},
);
const store = createApiKeyStore(DynamoDBDocumentClient.from(client), `vigie-${stage}-api-keys`);

async function create(): Promise<void> {
  const name = values.name?.trim();
  if (!name) fail('Give the key a --name (who or what will use it).');
  const models = (values.models ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const subjectRights = values['subject-rights'] === true;
  if (models.length === 0 && !subjectRights) {
    fail('Say which --models the key may call (comma-separated, or * for all), or give it --subject-rights.');
  }
  const known = await new ModelRegistry('models').modelNames();
  const unknown = models.filter((m) => m !== '*' && !known.includes(m));
  if (unknown.length) fail(`Unknown model(s): ${unknown.join(', ')}. Known: ${known.join(', ')}.`);
  const days = Number(values['expires-in-days']);
  if (!Number.isInteger(days) || days < 1 || days > 3650) fail('--expires-in-days must be a whole number of days, 1 to 3650.');
  const key = `vk_${randomBytes(32).toString('base64url')}`;
  const keyHash = hashApiKey(key);
  const now = new Date();
  const record: ApiKeyRecord = {
    keyHash,
    keyId: keyHash.slice(0, 12),
    name,
    models,
    subjectRights,
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + days * 86_400,
  };
  await store.put(record);
  console.log(
    `Created key ${record.keyId} for "${name}" (models: ${models.join(', ') || 'none'}${subjectRights ? '; subject rights' : ''}; expires ${new Date(record.expiresAt * 1000).toISOString()}).`,
  );
  console.log('The key, shown this once (send it in the x-api-key header):');
  console.log(key);
}

async function list(): Promise<void> {
  const now = Date.now() / 1000;
  for (const record of await store.list()) {
    const state = record.revokedAt ? `revoked ${record.revokedAt}` : record.expiresAt < now ? 'expired' : 'active';
    console.log(`${record.keyId}  ${record.name.padEnd(24)} ${record.models.join(',').padEnd(24)} ${state}`);
  }
}

async function revoke(): Promise<void> {
  const keyId = positionals[1];
  if (!keyId) fail('Usage: npm run keys -- revoke <keyId>');
  if (!(await store.revoke(keyId, new Date()))) fail(`No key ${keyId}.`);
  console.log(`Revoked ${keyId}; containers that cached it refuse it within a minute.`);
}

const commands: Record<string, () => Promise<void>> = { create, list, revoke };
const command = commands[positionals[0] ?? ''];
if (!command)
  fail(
    'Usage: npm run keys -- create --name <who> --models <m1,m2|*> [--subject-rights] [--expires-in-days N] | list | revoke <keyId>  [--stage local]',
  );
try {
  await command();
} catch (error) {
  const code =
    (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (local && code === 'ECONNREFUSED') fail('The local DynamoDB does not answer: start the platform first (npm start).');
  throw error;
} finally {
  client.destroy();
}
