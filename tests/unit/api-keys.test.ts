import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord, ApiKeyStore } from '../../functions/api/http/api-key-store';
import { apiHandler } from '../../functions/api/http/api-handler';
import { json } from '../../functions/api/http/responses';
import { ForbiddenError } from '../../functions/platform/errors';
import {
  authorizePermission,
  anyOf,
  authorizeModel,
  authorizeSubjectRights,
  createStaticVerifier,
  mayCall,
  createStoreVerifier,
  hashApiKey,
} from '../../functions/api/http/api-keys';

const now = new Date('2026-11-22T10:00:00Z');
const epoch = now.getTime() / 1000;

function memoryStore(records: Partial<ApiKeyRecord>[]): ApiKeyStore & { reads: number } {
  const byHash = new Map(
    records.map((r) => [
      r.keyHash!,
      { keyId: r.keyHash!.slice(0, 12), name: 'n', models: ['*'], createdAt: '', expiresAt: epoch + 60, ...r } as ApiKeyRecord,
    ]),
  );
  const store = {
    reads: 0,
    async get(hash: string) {
      store.reads += 1;
      return byHash.get(hash);
    },
    async put() {},
    async list() {
      return [...byHash.values()];
    },
    async revoke() {
      return false;
    },
  };
  return store;
}

describe('static keys (the local VIGIE_API_KEY)', () => {
  it('accepts the configured key, for every model and the subject rights (local stage), and names it by its hash prefix only', async () => {
    const verifier = createStaticVerifier([hashApiKey('alpha-key'), hashApiKey('beta-key')]);
    expect(await verifier.verify('beta-key')).toEqual({
      keyId: hashApiKey('beta-key').slice(0, 12),
      models: ['*'],
      subjectRights: true,
      permissions: ['*'],
    });
  });

  it.each([undefined, '', 'wrong', 'alpha-key '])('refuses %j', async (presented) => {
    expect(await createStaticVerifier([hashApiKey('alpha-key')]).verify(presented)).toBeUndefined();
  });

  it('ignores malformed stored hashes instead of matching them', async () => {
    expect(await createStaticVerifier(['not-hex', '']).verify('not-hex')).toBeUndefined();
  });
});

describe('stored keys (vigie keys)', () => {
  it('accepts an active key with its scope, refuses expired, revoked and unknown ones', async () => {
    const store = memoryStore([
      { keyHash: hashApiKey('active'), models: ['digits'], subjectRights: false },
      { keyHash: hashApiKey('expired'), expiresAt: epoch - 1 },
      { keyHash: hashApiKey('revoked'), revokedAt: '2026-11-01T00:00:00Z' },
    ]);
    const verifier = createStoreVerifier(store, () => now);
    expect(await verifier.verify('active')).toEqual({
      keyId: hashApiKey('active').slice(0, 12),
      models: ['digits'],
      subjectRights: false,
      permissions: [],
    });
    expect(await verifier.verify('expired')).toBeUndefined();
    expect(await verifier.verify('revoked')).toBeUndefined();
    expect(await verifier.verify('unknown')).toBeUndefined();
  });

  it('caches answers for a while, then asks the table again', async () => {
    let clock = now.getTime();
    const store = memoryStore([{ keyHash: hashApiKey('k') }]);
    const verifier = createStoreVerifier(store, () => new Date(clock), 60_000);
    await verifier.verify('k');
    await verifier.verify('k');
    expect(store.reads).toBe(1);
    clock += 61_000;
    await verifier.verify('k');
    expect(store.reads).toBe(2);
  });

  it('combines with the static key: the first that knows the key answers', async () => {
    const verifier = anyOf([
      createStaticVerifier([hashApiKey('local')]),
      createStoreVerifier(memoryStore([{ keyHash: hashApiKey('stored') }]), () => now),
    ]);
    // The static key holds every permission; a stored key exactly the ones its record lists (none here).
    expect(await verifier.verify('local')).toEqual({
      keyId: hashApiKey('local').slice(0, 12),
      models: ['*'],
      subjectRights: true,
      permissions: ['*'],
    });
    expect(await verifier.verify('stored')).toEqual({
      keyId: hashApiKey('stored').slice(0, 12),
      models: ['*'],
      subjectRights: false,
      permissions: [],
    });
    expect(await verifier.verify('neither')).toBeUndefined();
  });
});

describe('authorizeSubjectRights', () => {
  it('lets only keys with the subject-rights permission erase or export, whatever their models', () => {
    expect(() => authorizeSubjectRights({ keyId: 'dpo', models: [], subjectRights: true })).not.toThrow();
    expect(() => authorizeSubjectRights({ keyId: 'k', models: ['*'], subjectRights: false })).toThrow(ForbiddenError);
  });
});

describe('authorizeModel', () => {
  it('lets a key call the models in its scope, or all with *, and refuses others with 403', () => {
    expect(() => authorizeModel({ keyId: 'k', models: ['digits'], subjectRights: false }, 'digits')).not.toThrow();
    expect(() => authorizeModel({ keyId: 'k', models: ['*'], subjectRights: false }, 'car-detector')).not.toThrow();
    expect(() => authorizeModel({ keyId: 'k', models: ['digits'], subjectRights: false }, 'car-detector')).toThrow(
      ForbiddenError,
    );
  });

  it('gives a key scoped to `unknown` none of the records filed under it; a * key reads them (#20.17)', () => {
    expect(mayCall({ keyId: 'k', models: ['unknown'], subjectRights: false }, 'unknown')).toBe(false);
    expect(mayCall({ keyId: 'k', models: ['unknown', 'iris'], subjectRights: false }, 'iris')).toBe(true);
    expect(mayCall({ keyId: 'k', models: ['*'], subjectRights: false }, 'unknown')).toBe(true);
  });

  it('quotes the refused name bounded and printable', () => {
    const refuse = () => authorizeModel({ keyId: 'k', models: ['digits'], subjectRights: false }, `x\r\n${'y'.repeat(5000)}`);
    expect(refuse).toThrow(`This API key may not call model 'x??${'y'.repeat(61)}…'.`);
  });
});

describe('requireApiKey (every keyed route)', () => {
  const key = 'the-one-key';
  const route = apiHandler({ verifier: createStaticVerifier([hashApiKey(key)]) }).handler(async () => json(200, { ok: true }));
  const call = (headers: Record<string, string>) =>
    route(
      { routeKey: 'GET /v1/models', headers, requestContext: { requestId: 'r-1' } } as unknown as APIGatewayProxyEventV2,
      { functionName: 'f', awsRequestId: 'a-1' } as Context,
    );

  it('lets one valid key through', async () => {
    expect((await call({ 'x-api-key': key })).statusCode).toBe(200);
  });

  it('refuses a repeated x-api-key, joined with commas as API Gateway (and the local platform) hand it over', async () => {
    // Whichever copy is valid, and in either order: no copy may win.
    for (const joined of [`wrong,${key}`, `${key}, wrong`, `${key},${key}`, `,${key}`]) {
      const answer = await call({ 'x-api-key': joined });
      expect(answer.statusCode).toBe(400);
      expect(answer.headers?.['content-type']).toBe('application/problem+json');
      expect(JSON.parse(answer.body ?? '{}')).toMatchObject({ code: 'duplicate-api-key', status: 400 });
    }
  });
});

describe('named permissions (models:approve)', () => {
  const caller = (permissions?: string[]) => ({ keyId: 'k', models: ['*'], subjectRights: false, permissions });
  it('lets a key holding the permission, or every permission, through', () => {
    expect(() => authorizePermission(caller(['models:approve']), 'models:approve')).not.toThrow();
    expect(() => authorizePermission(caller(['*']), 'models:approve')).not.toThrow();
  });
  it('refuses a key without it with 403', () => {
    expect(() => authorizePermission(caller([]), 'models:approve')).toThrow(ForbiddenError);
    expect(() => authorizePermission(caller(), 'models:approve')).toThrow(ForbiddenError);
    expect(() => authorizePermission(caller(['models:manage']), 'models:approve')).toThrow(ForbiddenError);
  });
});
