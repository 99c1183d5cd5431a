import { describe, expect, it } from 'vitest';
import { createApiKeyVerifier, hashApiKey, loadApiKeyVerifier } from '../../functions/shared/http/api-keys';

const hex = (key: string) => hashApiKey(key).toString('hex');

describe('API key verification', () => {
  it('accepts a stored key and names it by its hash prefix only', () => {
    const verifier = createApiKeyVerifier([hex('alpha-key'), hex('beta-key')]);
    expect(verifier.verify('beta-key')).toBe(hex('beta-key').slice(0, 12));
  });

  it.each([undefined, '', 'wrong', 'alpha-key '])('refuses %j', (presented) => {
    const verifier = createApiKeyVerifier([hex('alpha-key')]);
    expect(verifier.verify(presented)).toBeUndefined();
  });

  it('ignores malformed stored hashes instead of matching them', () => {
    const verifier = createApiKeyVerifier(['not-hex', '']);
    expect(verifier.verify('not-hex')).toBeUndefined();
  });

  it('takes the plain local key from VIGIE_API_KEY', async () => {
    const verifier = await loadApiKeyVerifier({ VIGIE_API_KEY: 'local-dev-key' });
    expect(verifier.verify('local-dev-key')).toBeDefined();
    expect(verifier.verify('other')).toBeUndefined();
  });

  it('takes comma-separated hashes from VIGIE_API_KEY_HASHES', async () => {
    const verifier = await loadApiKeyVerifier({ VIGIE_API_KEY_HASHES: `${hex('a-key')}, ${hex('b-key')}` });
    expect(verifier.verify('b-key')).toBeDefined();
  });
});
