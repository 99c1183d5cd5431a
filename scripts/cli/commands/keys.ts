/**
 * `vigie keys create|list|revoke`: API keys for the HTTP API, stored only as SHA-256 hashes with the models they may
 * call and an expiry. The key itself is printed once, at creation, and never stored. Keys live in the stage's
 * DynamoDB table, so this talks to DynamoDB (the local emulator, or AWS with your credentials), not to the API.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import { createApiKeyStore } from '../../../functions/api/http/api-key-store-dynamodb';
import type { ApiKeyRecord, ApiKeyStore } from '../../../functions/api/http/api-key-store';
import { hashApiKey, PERMISSIONS } from '../../../functions/api/http/api-keys';
import { MODEL_NAME } from '../../../functions/platform/model-name';
import { ModelRegistry } from '../../../functions/serving/registry';
import { LOCAL_CREDENTIALS, localSettings } from '../../local/settings';
import { emit } from '../output';
import { UsageError, type GlobalOptions } from '../target';

async function withStore<T>(options: GlobalOptions, work: (store: ApiKeyStore) => Promise<T>): Promise<T> {
  const local = options.stage === 'local';
  const client = new DynamoDBClient(
    local
      ? {
          endpoint: `http://127.0.0.1:${localSettings().dynamodbPort}`,
          region: LOCAL_CREDENTIALS.AWS_REGION,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {},
  );
  try {
    return await work(createApiKeyStore(DynamoDBDocumentClient.from(client), `vigie-${options.stage}-api-keys`));
  } catch (error) {
    const code =
      (error as { code?: string; cause?: { code?: string } }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    if (local && code === 'ECONNREFUSED')
      throw new UsageError('The local DynamoDB does not answer: start the platform first (vigie start).');
    throw error;
  } finally {
    client.destroy();
  }
}

/** What is shown of a key's record: the hash identifies the key, so it is no one's business outside the table. */
function withoutHash(record: ApiKeyRecord): Omit<ApiKeyRecord, 'keyHash'> {
  const shown: Partial<ApiKeyRecord> = { ...record };
  delete shown.keyHash;
  return shown as Omit<ApiKeyRecord, 'keyHash'>;
}

interface CreateOptions {
  name?: string;
  models?: string;
  subjectRights?: boolean;
  permissions?: string;
  expiresInDays: string;
}

const commaList = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

async function create(options: CreateOptions, global: GlobalOptions): Promise<void> {
  const name = options.name?.trim();
  if (!name) throw new UsageError('Give the key a --name (who or what will use it).');
  const models = commaList(options.models);
  const subjectRights = options.subjectRights === true;
  const permissions = commaList(options.permissions);
  if (models.length === 0 && !subjectRights) {
    throw new UsageError('Say which --models the key may call (comma-separated, or * for all), or give it --subject-rights.');
  }
  const invalid = models.filter((m) => m !== '*' && !MODEL_NAME.test(m));
  if (invalid.length) throw new UsageError(`Not a model name: ${invalid.join(', ')} (lowercase letters, digits and hyphens).`);
  const unknownPermissions = permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
  if (unknownPermissions.length) {
    throw new UsageError(`Unknown permission(s): ${unknownPermissions.join(', ')}. Known: ${PERMISSIONS.join(', ')}.`);
  }
  // Trained models live in the stage's models bucket, not here: a name not shipped may be one (or a typo).
  const shipped = await new ModelRegistry('models').modelNames();
  const notShipped = models.filter((m) => m !== '*' && !shipped.includes(m));
  if (notShipped.length && !global.json) {
    console.error(`Note: ${notShipped.join(', ')} is not a shipped model (${shipped.join(', ')}); fine if it is trained.`);
  }
  // Digits only: Number() also reads '0x10', '1e2', '0b11' and ' 7 ', which nobody means as a number of days.
  const days = /^\d{1,4}$/.test(options.expiresInDays) ? Number(options.expiresInDays) : Number.NaN;
  if (!(days >= 1 && days <= 3650)) {
    throw new UsageError('--expires-in-days must be a whole number of days, 1 to 3650.');
  }
  const key = `vk_${randomBytes(32).toString('base64url')}`;
  const keyHash = hashApiKey(key);
  const now = new Date();
  const record: ApiKeyRecord = {
    keyHash,
    keyId: keyHash.slice(0, 12),
    name,
    models,
    subjectRights,
    ...(permissions.length > 0 && { permissions }),
    createdAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + days * 86_400,
  };
  await withStore(global, (store) => store.put(record));
  emit(global.json, { ...withoutHash(record), key }, () => [
    `Created key ${record.keyId} for "${name}" (models: ${models.join(', ') || 'none'}${subjectRights ? '; subject rights' : ''}${permissions.length ? `; ${permissions.join(', ')}` : ''}; expires ${new Date(record.expiresAt * 1000).toISOString()}).`,
    'The key, shown this once (send it in the x-api-key header):',
    key,
  ]);
}

const stateOf = (record: ApiKeyRecord, now: number) =>
  record.revokedAt ? `revoked ${record.revokedAt}` : record.expiresAt < now ? 'expired' : 'active';

async function list(global: GlobalOptions): Promise<void> {
  const now = Date.now() / 1000;
  const records = await withStore(global, (store) => store.list());
  const shown = records.map((record) => ({ ...withoutHash(record), state: stateOf(record, now) }));
  emit(global.json, shown, () =>
    shown.map((record) => `${record.keyId}  ${record.name.padEnd(24)} ${record.models.join(',').padEnd(24)} ${record.state}`),
  );
}

async function revoke(keyId: string, global: GlobalOptions): Promise<void> {
  if (!(await withStore(global, (store) => store.revoke(keyId, new Date())))) throw new UsageError(`No key ${keyId}.`);
  emit(global.json, { keyId, revoked: true }, () => `Revoked ${keyId}; containers that cached it refuse it within a minute.`);
}

export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description("create, list and revoke the HTTP API's keys (stored as hashes in the stage's DynamoDB)")
    .addHelpText(
      'after',
      `
The local stage needs \`vigie start\` running (its DynamoDB); other stages use your AWS credentials and region.

Examples:
  vigie keys create --name "line-3 cameras" --models car-detector --expires-in-days 90
  vigie keys create --stage prod --name DPO --subject-rights
  vigie keys create --name "model reviewer" --models churn --permissions models:approve
  vigie keys create --name "vision team" --models my-detector --permissions models:import
  vigie keys list --json
  vigie keys revoke 3f9a0c1d2e4b`,
    );
  keys
    .command('create')
    .description('make a key, printed once')
    .option('--name <who>', 'who or what will use the key')
    .option('--models <list>', 'models it may call, comma-separated, or * for all')
    .option('--subject-rights', 'it may export and erase a person’s data (the data-protection officer)')
    .option(
      '--permissions <list>',
      `named permissions, comma-separated: ${PERMISSIONS.join(', ')} (decide on trained or imported versions; import models)`,
    )
    .option('--expires-in-days <days>', 'lifetime, 1 to 3650 days', '90')
    .addHelpText('after', '\nExample:\n  vigie keys create --name integration --models digits,iris --expires-in-days 1')
    .action((options: CreateOptions, command: Command) => create(options, command.optsWithGlobals<GlobalOptions>()));
  keys
    .command('list')
    .description('every key with its models and state (active, expired, revoked); never the key itself')
    .addHelpText('after', '\nExample:\n  vigie keys list --stage prod')
    .action((_options: unknown, command: Command) => list(command.optsWithGlobals<GlobalOptions>()));
  keys
    .command('revoke')
    .description('refuse a key from now on')
    .argument('<keyId>', 'the 12-character id `keys list` shows')
    .addHelpText('after', '\nExample:\n  vigie keys revoke 3f9a0c1d2e4b')
    .action((keyId: string, _options: unknown, command: Command) => revoke(keyId, command.optsWithGlobals<GlobalOptions>()));
}
