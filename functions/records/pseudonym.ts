import { createHmac } from 'node:crypto';

export type Pseudonymise = (identifier: string) => string;

/**
 * Keyed HMAC-SHA-256: the same person always maps to the same pseudonym (so erasure and export can find their
 * records), and without the key nobody can go back from the pseudonym, nor test a guess.
 */
export function createPseudonymiser(key: string): Pseudonymise {
  if (key.length < 16) throw new Error('The pseudonymisation key must be at least 16 characters long.');
  return (identifier) => `ps_${createHmac('sha256', key).update(identifier, 'utf8').digest('hex').slice(0, 32)}`;
}
