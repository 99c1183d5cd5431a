import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { UnauthorizedError } from '../errors';
import { logger } from '../observability';
import { resolveSecret } from '../secrets';

export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** Which stored key answered: the first 12 hex digits of its hash, safe to log and to pseudonymise. */
export type KeyId = string;

export interface ApiKeyVerifier {
  verify(presented: string | undefined): KeyId | undefined;
}

/**
 * Keys are stored only as SHA-256 hashes. The presented key is hashed and compared with every stored hash in
 * constant time, without stopping at the first match, so timing reveals neither the key nor which one matched.
 */
export function createApiKeyVerifier(storedHashesHex: string[]): ApiKeyVerifier {
  const stored = storedHashesHex.map((hex) => Buffer.from(hex.trim(), 'hex')).filter((hash) => hash.length === 32);
  return {
    verify(presented) {
      if (!presented) return undefined;
      const candidate = hashApiKey(presented);
      let match: Buffer | undefined;
      for (const hash of stored) {
        if (timingSafeEqual(hash, candidate)) match = hash;
      }
      return match?.toString('hex').slice(0, 12);
    },
  };
}

/** The local stage takes the plain key in VIGIE_API_KEY; deployed stages take stored hashes (env or SSM). */
export async function loadApiKeyVerifier(env: NodeJS.ProcessEnv = process.env): Promise<ApiKeyVerifier> {
  if (env.VIGIE_API_KEY) return createApiKeyVerifier([hashApiKey(env.VIGIE_API_KEY).toString('hex')]);
  const hashes = await resolveSecret('VIGIE_API_KEY_HASHES', env);
  return createApiKeyVerifier(hashes.split(','));
}

export interface AuthenticatedContext extends Context {
  callerKeyId: KeyId;
}

/** Refuses the request with 401 unless `x-api-key` holds a valid key; logs the attempt, never the key. */
export function requireApiKey(
  verifier: Promise<ApiKeyVerifier>,
): MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return {
    before: async (request) => {
      const presented = request.event.headers?.['x-api-key'];
      const keyId = (await verifier).verify(presented);
      if (!keyId) {
        logger.warn('api key refused', {
          reason: presented ? 'unknown-key' : 'missing-key',
          route: request.event.routeKey,
        });
        throw new UnauthorizedError();
      }
      (request.context as AuthenticatedContext).callerKeyId = keyId;
    },
  };
}
