import { z } from 'zod';
import type { Tensor } from '../preprocessing';
import type { PredictionResult } from './run-model';

/**
 * What travels between the functions that prepare inputs and the infer function (Lambda Invoke payloads are
 * JSON): the tensor as base64 of its little-endian float32 bytes, a third the size of a JSON number array.
 */
export const inferRequestSchema = z.object({
  model: z.string().min(1),
  version: z.string().optional(),
  tensor: z.object({ dims: z.array(z.number().int().nonnegative()).min(1), data: z.base64() }),
  /** Where the picture sits in a letterboxed tensor; detectors need it to answer in the picture's pixels. */
  letterbox: z
    .object({
      scale: z.number().positive(),
      padX: z.number().int().nonnegative(),
      padY: z.number().int().nonnegative(),
      sourceWidth: z.number().int().positive(),
      sourceHeight: z.number().int().positive(),
    })
    .optional(),
});

export type InferRequest = z.infer<typeof inferRequestSchema>;

export interface InferSuccess {
  ok: true;
  model: string;
  modelVersion: string;
  modelSha256: string;
  result: PredictionResult;
  inferenceMs: number;
}

/** Expected refusals (unknown model, bad tensor) come back as data; only crashes surface as Lambda errors. */
export interface InferRefusal {
  ok: false;
  error: { code: string; message: string; status: number };
}

export type InferResponse = InferSuccess | InferRefusal;

export function encodeTensor(tensor: Tensor): InferRequest['tensor'] {
  const bytes = Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  return { dims: tensor.dims, data: bytes.toString('base64') };
}

export function decodeTensor(encoded: InferRequest['tensor']): Tensor {
  const bytes = Buffer.from(encoded.data, 'base64');
  if (bytes.length % 4 !== 0) throw new RangeError('Tensor data is not a whole number of float32 values.');
  // Copy into an aligned buffer: Float32Array needs a 4-byte aligned offset, and Buffer pool slices may not be.
  const data = new Float32Array(bytes.length / 4);
  new Uint8Array(data.buffer).set(bytes);
  return { dims: encoded.dims, data };
}
