import { describe, expect, it } from 'vitest';
import {
  decodeTensor,
  encodeTensor,
  inferRequestSchema,
  serializeInferRequest,
} from '../../functions/serving/inference/protocol';

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
    expect(inferRequestSchema.safeParse({ model: 'digits', tensor: { dims: [1], data: 42 } }).success).toBe(false);
  });

  it.each([
    ['characters outside the alphabet', 'not base64!'],
    ['url-safe characters', 'AAAA-_8='],
    ['whitespace', 'AAAA AAA='],
    ['missing padding', 'AAAAAA'],
  ])('refuses tensor data with %s', (_name, data) => {
    expect(() => decodeTensor({ dims: [1], data })).toThrow('Tensor data is not base64.');
  });
});

describe('pixel transport', () => {
  it('round-trips uint8 NHWC pixels byte for byte, a quarter of the float32 size', () => {
    // Prepare: a 2×3 RGB picture, bytes 0..17, as sharp gives it.
    const pixels = {
      dtype: 'uint8' as const,
      dims: [1, 2, 3, 3] as [number, number, number, number],
      data: Uint8Array.from({ length: 18 }, (_, i) => i * 14),
    };

    // Act
    const encoded = encodeTensor(pixels);
    const decoded = decodeTensor(encoded);

    // Assess
    expect(encoded.dtype).toBe('uint8');
    expect(Buffer.from(encoded.data, 'base64').length).toBe(18);
    expect(decoded).toMatchObject({ dtype: 'uint8', dims: [1, 2, 3, 3] });
    expect([...decoded.data]).toEqual([...pixels.data]);
    expect(inferRequestSchema.safeParse({ model: 'car-detector', tensor: encoded }).success).toBe(true);
  });

  it('reads a tensor without dtype as float32, as requests made before pixels existed', () => {
    const legacy = { dims: [1, 2], data: Buffer.from(new Float32Array([1.5, -2]).buffer).toString('base64') };
    const decoded = decodeTensor(legacy);
    expect(decoded.dtype).toBeUndefined();
    expect([...decoded.data]).toEqual([1.5, -2]);
  });

  it('refuses pixels that do not say [N, H, W, C]', () => {
    expect(() => decodeTensor({ dims: [6], dtype: 'uint8', data: 'AAAAAAAA' })).toThrow(RangeError);
  });
});

describe('Invoke payload', () => {
  it('serialises to the JSON of the request, whatever the other fields hold', () => {
    // Prepare: a model name with quotes and the marker's own text, and fields after the tensor.
    const pixels = {
      dtype: 'uint8' as const,
      dims: [1, 2, 2, 3] as [number, number, number, number],
      data: new Uint8Array(12).fill(200),
    };
    const request = {
      model: 'odd "data":"" name',
      tensor: encodeTensor(pixels),
      letterbox: { scale: 0.5, padX: 1, padY: 0, sourceWidth: 4, sourceHeight: 2 },
    };

    // Act
    const text = serializeInferRequest(request);

    // Assess: the same text JSON.stringify gives, and the same request once parsed.
    expect(text).toBe(JSON.stringify(request));
    expect(JSON.parse(text)).toEqual(request);
  });
});
