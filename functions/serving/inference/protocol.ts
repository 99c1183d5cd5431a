import * as z from 'zod/mini';
import '../../platform/zod-messages';
import type { Tensor } from '../preprocessing';
import type { PredictionResult } from '../../records/results';

/**
 * What travels between the functions that prepare inputs and the infer function (Lambda Invoke payloads are
 * JSON): the tensor as base64 of its bytes, a third the size of a JSON number array. `float32` (the default) is
 * model-ready little-endian float32; `uint8` is fitted NHWC pixels the infer function normalises (PixelTensor).
 */
const count = z.int().check(z.nonnegative());
const size = z.int().check(z.positive());

export const inferRequestSchema = z.object({
  model: z.string().check(z.minLength(1)),
  version: z.optional(z.string()),
  tensor: z.object({
    dims: z.array(count).check(z.minLength(1)),
    dtype: z.optional(z.enum(['float32', 'uint8'])),
    // Checked as base64 by decodeTensor, which decodes it anyway: a round trip costs a third of z.base64()'s regular
    // expression on a car frame's 1 MB (0.4 against 1.2 ms).
    data: z.string(),
  }),
  /** Where the picture sits in a letterboxed tensor; detectors need it to answer in the picture's pixels. */
  letterbox: z.optional(
    z.object({
      scale: z.number().check(z.positive()),
      padX: count,
      padY: count,
      sourceWidth: size,
      sourceHeight: size,
    }),
  ),
});

export type InferRequest = z.infer<typeof inferRequestSchema>;

/**
 * A request as the prediction path makes it, before it travels: the tensor as preprocessing left it. The predict
 * function hands it to the infer function's code in process; preprocess encodes it for Lambda Invoke.
 */
export type InferCall = Omit<InferRequest, 'tensor'> & { tensor: Tensor };

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
  return { dims: tensor.dims, dtype: tensor.dtype ?? 'float32', data: bytes.toString('base64') };
}

/**
 * The Invoke payload as JSON text. The tensor's data is base64 from encodeTensor, which needs no JSON escaping, so it
 * is spliced into the text instead of scanned by JSON.stringify: on a car frame's 1 MB, 0.01 ms instead of 1.3–2.3.
 */
export function serializeInferRequest(request: InferRequest): string {
  const marker = '"data":""';
  const text = JSON.stringify({ ...request, tensor: { ...request.tensor, data: '' } });
  // Quotes inside JSON strings are escaped, so the marker can only be the tensor's own (empty) data field.
  const at = text.indexOf(marker) + marker.length - 1;
  return text.slice(0, at) + request.tensor.data + text.slice(at);
}

/** Throws a RangeError, with the reason, for data that is not canonical base64 or does not fit the dtype. */
export function decodeTensor(encoded: InferRequest['tensor']): Tensor {
  const bytes = Buffer.from(encoded.data, 'base64');
  // Buffer skips characters outside the alphabet; only well-formed base64 encodes back to the same text.
  if (bytes.toString('base64') !== encoded.data) throw new RangeError('Tensor data is not base64.');
  if (encoded.dtype === 'uint8') {
    if (encoded.dims.length !== 4) throw new RangeError('Pixels travel as [N, H, W, C].');
    const [n = 0, h = 0, w = 0, c = 0] = encoded.dims;
    return { dtype: 'uint8', dims: [n, h, w, c], data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
  }
  if (bytes.length % 4 !== 0) throw new RangeError('Tensor data is not a whole number of float32 values.');
  // Float32Array needs a 4-byte aligned offset: a large decode has its own buffer (aligned, used as is), while a
  // small one may be a slice of Buffer's shared pool at any offset (copied).
  if (bytes.byteOffset % 4 === 0)
    return { dims: encoded.dims, data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4) };
  const data = new Float32Array(bytes.length / 4);
  new Uint8Array(data.buffer).set(bytes);
  return { dims: encoded.dims, data };
}
