import { InvalidInputError } from '../../platform/errors';
import { imageInputOf, type ModelMetadata } from '../../serving/model-spec';
import type { PreparedInput } from '../../serving/preprocessing';
import type { DecodedTensor } from './tensors';

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((dim, i) => dim === b[i]);

/**
 * An image model's input given as a tensor rather than a file: the model-ready FP32 (or FP64) tensor
 * [1, C, H, W], already normalised as the metadata says (what a Triton client sends), or the fitted pixels as
 * UINT8 [1, H, W, C], which the infer function normalises (a quarter of the bytes). Either goes to the model as
 * it is: no decoding, no fitting, and a detector's boxes come back in the tensor's pixels.
 */
export function imageTensorInput(metadata: Pick<ModelMetadata, 'name' | 'input'>, tensor: DecodedTensor): PreparedInput {
  const spec = imageInputOf(metadata);
  const { channels, height, width } = spec;
  // The tensor is the picture: a detector maps its boxes back through the identity geometry.
  const geometry =
    spec.fit === 'letterbox' ? { letterbox: { scale: 1, padX: 0, padY: 0, sourceWidth: width, sourceHeight: height } } : {};
  const source = { format: 'tensor', width, height };
  const values = tensor.values as number[];
  if ((tensor.datatype === 'FP32' || tensor.datatype === 'FP64') && sameShape(tensor.shape, [1, channels, height, width])) {
    return {
      tensor: { dtype: 'float32', dims: [1, channels, height, width], data: Float32Array.from(values) },
      source,
      ...geometry,
    };
  }
  if (tensor.datatype === 'UINT8' && sameShape(tensor.shape, [1, height, width, channels])) {
    return { tensor: { dtype: 'uint8', dims: [1, height, width, channels], data: Uint8Array.from(values) }, source, ...geometry };
  }
  throw new InvalidInputError(
    'invalid-tensor',
    `Input '${tensor.name}' of model '${metadata.name}' is FP32 [1, ${channels}, ${height}, ${width}] (normalised), ` +
      `UINT8 [1, ${height}, ${width}, ${channels}] (pixels) or BYTES [1] (the picture's file, base64).`,
  );
}
