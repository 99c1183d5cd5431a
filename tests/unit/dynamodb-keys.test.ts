import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { escapeKeys, unescapeKeys } from '../../functions/shared/dynamodb-keys';

/** A record of a model whose classes are `__proto__` and `other` (#20.10), as classify() builds it. */
const record = {
  predictionId: 'p',
  result: {
    label: '__proto__',
    confidence: 0.9,
    probabilities: Object.fromEntries([
      ['__proto__', 0.9],
      ['other', 0.1],
    ]),
  },
  warnings: [{ field: 'x', tags: new Set(['a']) }],
  bytes: Buffer.from('kept'),
};

describe('DynamoDB map keys the SDK cannot carry', () => {
  it('loses a __proto__ key when marshalled as it is (the defect)', () => {
    const stored = unmarshall(marshall(record)) as typeof record;
    expect(Object.keys(stored.result.probabilities)).toEqual(['other']);
  });

  it('keeps it through marshalling once escaped, and gives it back as an own key', () => {
    const stored = unescapeKeys(unmarshall(marshall(escapeKeys(record) as typeof record))) as typeof record;
    expect(Object.keys(stored.result.probabilities)).toEqual(['__proto__', 'other']);
    expect(Object.getPrototypeOf(stored.result.probabilities)).toBe(Object.prototype);
    expect(stored.result).toEqual(record.result);
  });

  it('gives every key back as it went, one that starts with the escape included, and leaves non-plain values alone', () => {
    const odd = { '\uE000x': 1, '\uE000__proto__': 2, plain: 3 };
    expect(unescapeKeys(escapeKeys(odd))).toEqual(odd);
    const escaped = escapeKeys(record) as typeof record;
    expect(escaped.bytes).toBe(record.bytes);
    expect(escaped.warnings[0]!.tags).toBe(record.warnings[0]!.tags);
  });
});
