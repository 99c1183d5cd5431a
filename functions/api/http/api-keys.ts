import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ApiKeyStore } from './api-key-store';
import { ForbiddenError, InvalidInputError, UnauthorizedError } from '../../platform/errors';
import { quoteName, UNKNOWN_MODEL } from '../../platform/model-name';
import { logger } from '../../platform/telemetry';

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/**
 * Who is calling: the key's id (safe to log and to pseudonymise), the models it may call, and whether it may
 * act on data subjects' rights (erasure, export): a right given to the data-protection officer's keys only.
 */
export interface Caller {
  keyId: string;
  models: string[];
  subjectRights: boolean;
  /** Named permissions (`models:approve`…); `*` holds them all (the local stage's key). */
  permissions?: string[];
}

export interface ApiKeyVerifier {
  verify(presented: string | undefined): Promise<Caller | undefined>;
}

const keyIdOf = (hashHex: string) => hashHex.slice(0, 12);

/**
 * Keys given as hashes in configuration (the local stage's VIGIE_API_KEY): the presented key is hashed and
 * compared with every stored hash in constant time, without stopping at the first match.
 */
export function createStaticVerifier(storedHashesHex: string[], models: string[] = ['*'], subjectRights = true): ApiKeyVerifier {
  const stored = storedHashesHex.map((hex) => Buffer.from(hex.trim(), 'hex')).filter((hash) => hash.length === 32);
  return {
    async verify(presented) {
      if (!presented) return undefined;
      const candidate = Buffer.from(hashApiKey(presented), 'hex');
      let match: Buffer | undefined;
      for (const hash of stored) {
        if (timingSafeEqual(hash, candidate)) match = hash;
      }
      // The configured key (the local stage's) holds every permission, as docs/architecture.md §2 (local stage) says.
      return match ? { keyId: keyIdOf(match.toString('hex')), models, subjectRights, permissions: ['*'] } : undefined;
    },
  };
}

/**
 * Keys created by `vigie keys create`, looked up by the hash of the presented key (the table holds nothing else).
 * Answers are cached per container for `cacheMs`, so a revocation takes effect within that time.
 */
export function createStoreVerifier(store: ApiKeyStore, now: () => Date = () => new Date(), cacheMs = 60_000): ApiKeyVerifier {
  const cache = new Map<string, { at: number; caller: Caller | undefined }>();
  return {
    async verify(presented) {
      if (!presented) return undefined;
      const hash = hashApiKey(presented);
      const cached = cache.get(hash);
      if (cached && now().getTime() - cached.at < cacheMs) return cached.caller;
      const record = await store.get(hash);
      const valid = record && !record.revokedAt && record.expiresAt * 1000 > now().getTime();
      const caller = valid
        ? {
            keyId: record.keyId,
            models: record.models,
            subjectRights: record.subjectRights === true,
            permissions: record.permissions ?? [],
          }
        : undefined;
      cache.set(hash, { at: now().getTime(), caller });
      return caller;
    },
  };
}

/** The first verifier that knows the key answers. */
export function anyOf(verifiers: ApiKeyVerifier[]): ApiKeyVerifier {
  return {
    async verify(presented) {
      for (const verifier of verifiers) {
        const caller = await verifier.verify(presented);
        if (caller) return caller;
      }
      return undefined;
    },
  };
}

export interface AuthenticatedContext extends Context {
  caller: Caller;
}

/**
 * Whether the key may call the model (its list, or `*`). `unknown` is no model but the name records of every
 * mistyped or missing model are filed under (model-name.ts): only a `*` key may read them, whatever a key's list
 * says, or a key scoped to `unknown` would read other callers' mistakes (#20.17).
 */
export const mayCall = (caller: Caller, model: string) =>
  caller.models.includes('*') || (model !== UNKNOWN_MODEL && caller.models.includes(model));

/**
 * A key scoped to other models gets 403: it is valid, just not for this. Routes check it before they read the
 * body or look the model up, so such a key learns nothing else (not whether its input would do, nor the
 * model's kind).
 */

export function authorizeModel(caller: Caller, model: string): void {
  if (!mayCall(caller, model)) {
    logger.warn('api key not allowed for model', { keyId: caller.keyId, model: quoteName(model) });
    throw new ForbiddenError(`This API key may not call model '${quoteName(model)}'.`);
  }
}

/** Erasure and export are for keys created with the subject-rights permission; others get 403. */
export function authorizeSubjectRights(caller: Caller): void {
  if (!caller.subjectRights) {
    logger.warn('api key not allowed for subject rights', { keyId: caller.keyId });
    throw new ForbiddenError('This API key may not act on data subjects (erasure, export).');
  }
}

/**
 * The named permissions a key can be given (`vigie keys create --permissions`), beyond calling its models.
 * `predictions:read` lists a model's records (GET /v1/predictions): calling a model does not let a key read what
 * everyone else asked it.
 */
export const PERMISSIONS = ['models:approve', 'models:import', 'models:manage', 'predictions:read'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Routes that change what is served (approving a trained version) need a named permission; others get 403. */
export function authorizePermission(caller: Caller, permission: Permission): void {
  const held = caller.permissions ?? [];
  if (!held.includes('*') && !held.includes(permission)) {
    logger.warn('api key lacks a permission', { keyId: caller.keyId, permission });
    throw new ForbiddenError(`This API key does not hold the '${permission}' permission.`);
  }
}

/**
 * API Gateway HTTP APIs (payload 2.0) hand a repeated header over once, its values joined with commas, and the
 * local platform does the same (patches/serverless-offline*.patch). Keys never hold a comma (config.ts refuses
 * one in VIGIE_API_KEY; `vigie keys create` makes base64url keys), so a comma means the request sent two keys: it is
 * refused rather than letting one of them win.
 */
const holdsSeveralValues = (header: string) => header.includes(',');

/**
 * Refuses the request with 401 unless `x-api-key` holds one valid key (400 when it holds several); logs the
 * attempt, never the key.
 */
export function requireApiKey(
  verifier: ApiKeyVerifier,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async (request) => {
      const presented = request.event.headers?.['x-api-key'];
      if (presented !== undefined && holdsSeveralValues(presented)) {
        logger.warn('api key refused', { reason: 'several-keys', route: request.event.routeKey });
        throw new InvalidInputError('duplicate-api-key', 'Send exactly one x-api-key header, holding one key.');
      }
      const caller = await verifier.verify(presented);
      if (!caller) {
        logger.warn('api key refused', { reason: presented ? 'unknown-key' : 'missing-key', route: request.event.routeKey });
        throw new UnauthorizedError();
      }
      (request.context as AuthenticatedContext).caller = caller;
    },
  };
}
