import { describe, expect, it } from 'vitest';
import { decodeTensor, encodeTensor, inferRequestSchema } from '../../functions/shared/inference/protocol';

describe('tensor transport', () => {
  it('round-trips float32 values exactly, including from unaligned buffers', () => {
    const data = new Float32Array([0, -0.4242, 2.8215, Number.MIN_VALUE, 1e30]);
    const encoded = encodeTensor({ dims: [1, 5], data });
    const decoded = decodeTensor(encoded);
    expect(decoded.dims).toEqual([1, 5]);
    expect([...decoded.data]).toEqual([...data]);
  });

  it('refuses data that is not a whole number of float32 values', () => {
    expect(() => decodeTensor({ dims: [1], data: Buffer.from([1, 2, 3]).toString('base64') })).toThrow(RangeError);
  });

  it('validates the request shape', () => {
    expect(inferRequestSchema.safeParse({ model: 'digits', tensor: { dims: [1], data: 'AAAAAA==' } }).success).toBe(true);
    expect(inferRequestSchema.safeParse({ model: '', tensor: { dims: [1], data: 'AAAAAA==' } }).success).toBe(false);
    expect(inferRequestSchema.safeParse({ model: 'digits', tensor: { dims: [1], data: 'not base64!' } }).success).toBe(false);
  });
});
