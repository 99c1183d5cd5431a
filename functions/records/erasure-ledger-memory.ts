import { objectId, type ErasureLedger } from './erasure-ledger';

/** The ledger in memory: for the in-process benchmark and unit tests, where no table stands behind it. */
export function createMemoryErasureLedger(): ErasureLedger {
  const entries = new Map<string, Date>();
  return {
    erasedAt: async (subjectPseudonym) => entries.get(`subject:${subjectPseudonym}`),
    recordErasure: async (subjectPseudonym, at) => void entries.set(`subject:${subjectPseudonym}`, at),
    objectErased: async (object) => entries.has(objectId(object)),
    markObjectErased: async (object, at) => void entries.set(objectId(object), at),
  };
}
