import type { MnistInputSpec } from '../model-spec';
import type { GrayImage } from './decode';

/** A tensor as it travels between functions: dims plus float32 values. */
export interface Tensor {
  dims: number[];
  data: Float32Array;
}

/** uint8 pixels → the normalised NCHW float32 tensor the model was trained on: ((p · scale) − mean) / std. */
export function grayToTensor(image: GrayImage, spec: MnistInputSpec): Tensor {
  const { scale, mean, std } = spec.normalisation;
  const m = mean[0] ?? 0;
  const s = std[0] ?? 1;
  const data = new Float32Array(image.data.length);
  for (let i = 0; i < data.length; i += 1) data[i] = ((image.data[i] ?? 0) * scale - m) / s;
  return { dims: [1, 1, image.height, image.width], data };
}
