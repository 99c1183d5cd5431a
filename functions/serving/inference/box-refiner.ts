import type { InferenceSession } from 'onnxruntime-node';
import { ort } from '../../platform/native/onnxruntime';
import type { Box } from '../../records/results';
import type { DetectionOutputSpec, LetterboxInputSpec } from '../model-spec';
import type { FloatTensor } from '../preprocessing';

/**
 * The second look at a detector's boxes (`output.boxRefiner`, car-detector 1.2.0, issue #27): each box the detector
 * keeps is cropped from the normalised input with some of its surroundings, and a small network trained on
 * misplaced boxes (models/car-detector/train_refiner.py) says where the object's edges are in that crop. The crop is
 * train_refiner.py's, sample for sample: its tests check both against the same fixture.
 */

export type BoxRefinerSpec = NonNullable<DetectionOutputSpec['boxRefiner']>;

/** The crop's span around a box (tensor pixels): the box and `context` of its size on each side. */
function span(box: Box, context: number) {
  const width = box.xmax - box.xmin;
  const height = box.ymax - box.ymin;
  return {
    left: box.xmin - context * width,
    top: box.ymin - context * height,
    width: width * (1 + 2 * context),
    height: height * (1 + 2 * context),
  };
}

/**
 * Where each of `side` output pixels samples along one axis, and how far it is past that pixel: output pixel u
 * takes X = start + (u + ½) · length / side − ½, bilinearly between floor(X) and the next pixel.
 */
function samplePoints(start: number, length: number, side: number) {
  const first = new Int32Array(side);
  const past = new Float32Array(side);
  for (let u = 0; u < side; u += 1) {
    const position = start + ((u + 0.5) * length) / side - 0.5;
    first[u] = Math.floor(position);
    past[u] = position - first[u]!;
  }
  return { first, past };
}

/**
 * The crops of `boxes` from a [1, 3, H, W] normalised tensor, as one [K, 3, side, side] batch; outside the picture
 * the letterbox's pad value, normalised as the picture is (`padding`, per channel).
 */
export function cropBoxes(input: FloatTensor, boxes: Box[], side: number, context: number, padding: number[]): Float32Array {
  const [, channels = 3, height = 0, width = 0] = input.dims;
  const plane = height * width;
  const crops = new Float32Array(boxes.length * channels * side * side);
  boxes.forEach((box, k) => {
    const area = span(box, context);
    const xs = samplePoints(area.left, area.width, side);
    const ys = samplePoints(area.top, area.height, side);
    for (let c = 0; c < channels; c += 1) {
      const source = c * plane;
      const pad = padding[c]!;
      const at = (y: number, x: number) =>
        y >= 0 && y < height && x >= 0 && x < width ? input.data[source + y * width + x]! : pad;
      const out = (k * channels + c) * side * side;
      for (let v = 0; v < side; v += 1) {
        const y = ys.first[v]!;
        const fy = ys.past[v]!;
        for (let u = 0; u < side; u += 1) {
          const x = xs.first[u]!;
          const fx = xs.past[u]!;
          const top = at(y, x) * (1 - fx) + at(y, x + 1) * fx;
          const bottom = at(y + 1, x) * (1 - fx) + at(y + 1, x + 1) * fx;
          crops[out + v * side + u] = top * (1 - fy) + bottom * fy;
        }
      }
    }
  });
  return crops;
}

/** The letterbox's pad value as the normalised input holds it, per channel. */
export function normalisedPadding(spec: LetterboxInputSpec): number[] {
  const { scale, mean, std } = spec.normalisation;
  return [0, 1, 2].map((c) => (spec.padValue * scale - (mean[c] ?? mean[0] ?? 0)) / (std[c] ?? std[0] ?? 1));
}

/** Each box placed where the refiner says, in tensor pixels (the caller undoes the letterbox). */
export async function refineBoxes(
  session: InferenceSession,
  input: FloatTensor,
  boxes: Box[],
  refiner: BoxRefinerSpec,
  padding: number[],
): Promise<Box[]> {
  if (boxes.length === 0) return boxes;
  const { side, context } = refiner;
  const crops = cropBoxes(input, boxes, side, context, padding);
  const outputs = await session.run({ crops: new ort.Tensor('float32', crops, [boxes.length, 3, side, side]) });
  const units = outputs.box!.data as Float32Array;
  return boxes.map((box, k) => {
    const area = span(box, context);
    return {
      xmin: area.left + units[4 * k]! * area.width,
      ymin: area.top + units[4 * k + 1]! * area.height,
      xmax: area.left + units[4 * k + 2]! * area.width,
      ymax: area.top + units[4 * k + 3]! * area.height,
    };
  });
}
