import { describe, expect, it } from 'vitest';
import { MAX_PARTS, PART_MAX_BYTES } from '../../functions/platform/batch-parts';
import {
  batchInputKey,
  checkBatchId,
  checkPart,
  checkPartCount,
  checkPartSize,
  stagingKey,
} from '../../functions/uploads/staged-batch';

describe('a CSV batch sent in parts', () => {
  it('takes a UUID in lower case as batch id, and nothing that could leave its folder', () => {
    expect(checkBatchId('0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    for (const id of ['0F8FAD5B-D9CB-469F-A165-70867728950E', '../../incoming/iris/x', '', 'a'.repeat(36)]) {
      expect(() => checkBatchId(id), id).toThrow(expect.objectContaining({ status: 404 }));
    }
  });

  it('numbers parts from 0 to the last allowed, and counts them from the completing body', () => {
    expect(checkPart('0')).toBe(0);
    expect(checkPart(String(MAX_PARTS - 1))).toBe(MAX_PARTS - 1);
    for (const part of [String(MAX_PARTS), '-1', '1.5', '01e2', ' 1', '']) {
      expect(() => checkPart(part), part).toThrow(expect.objectContaining({ code: 'invalid-part' }));
    }
    expect(checkPartCount({ parts: 1 })).toBe(1);
    expect(checkPartCount({ parts: MAX_PARTS })).toBe(MAX_PARTS);
    for (const body of [{ parts: 0 }, { parts: MAX_PARTS + 1 }, { parts: '2' }, { parts: 1.5 }, {}, null]) {
      expect(() => checkPartCount(body), JSON.stringify(body)).toThrow(expect.objectContaining({ code: 'invalid-part' }));
    }
  });

  it('refuses an empty part and one over the limit, and takes one at the limit', () => {
    expect(() => checkPartSize(0)).toThrow(expect.objectContaining({ code: 'empty-input' }));
    expect(() => checkPartSize(PART_MAX_BYTES + 1)).toThrow(expect.objectContaining({ code: 'payload-too-large' }));
    expect(() => checkPartSize(PART_MAX_BYTES)).not.toThrow();
  });

  it('stages parts outside incoming/ in an order their keys sort in, and completes under the console folder', () => {
    const keys = [0, 1, 10, 999].map((n) => stagingKey('iris', 'b', n));
    expect(keys.every((key) => key.startsWith('staging/batches/iris/b/'))).toBe(true);
    expect([...keys].sort()).toEqual(keys);
    expect(batchInputKey('iris', 'b')).toBe('incoming/iris/console/b.csv');
  });
});
