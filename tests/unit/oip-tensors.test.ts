import { describe, expect, it } from 'vitest';
import { imageTensorInput } from '../../functions/api/oip/image-input';
import { checkRequestedOutputs, encodeOutputs, inputTensors, outputTensors } from '../../functions/api/oip/model-tensors';
import { inferenceRequestSchema } from '../../functions/api/oip/schemas';
import { decodeTensor } from '../../functions/api/oip/tensors';

/** Reading OIP v2 request tensors (inference_rest.md, "Request Input") and writing the answer's output tensors. */
const input = (datatype: string, shape: number[], data: unknown[]) => ({ name: 'x', datatype, shape, data }) as never;

describe('decodeTensor', () => {
  it('reads flat and nested data as the same row-major values', () => {
    const flat = decodeTensor(input('FP32', [2, 3], [1, 2, 3, 4, 5, 6]));
    const nested = decodeTensor(
      input(
        'FP32',
        [2, 3],
        [
          [1, 2, 3],
          [4, 5, 6],
        ],
      ),
    );
    expect(flat.values).toEqual([1, 2, 3, 4, 5, 6]);
    expect(nested).toEqual(flat);
  });

  it('takes every datatype JSON can carry, each with its own element type', () => {
    expect(decodeTensor(input('BOOL', [2], [true, false])).values).toEqual([true, false]);
    expect(decodeTensor(input('BYTES', [1], ['aGk='])).values).toEqual(['aGk=']);
    expect(decodeTensor(input('UINT8', [2], [0, 255])).values).toEqual([0, 255]);
    expect(decodeTensor(input('INT8', [2], [-128, 127])).values).toEqual([-128, 127]);
    expect(decodeTensor(input('INT64', [1], [-5])).values).toEqual([-5]);
    expect(decodeTensor(input('FP64', [1], [0.1])).values).toEqual([0.1]);
  });

  it('refuses an element count that does not match the shape, naming both', () => {
    expect(() => decodeTensor(input('FP32', [2, 2], [1, 2, 3]))).toThrow(/shape \[2, 2\] holds 4 elements, data has 3/);
  });

  it.each([
    ['UINT8', 256, /integer from 0 to 255/],
    ['UINT8', -1, /integer from 0 to 255/],
    ['INT32', 1.5, /integer/],
    ['INT8', 128, /integer from -128 to 127/],
    ['FP32', 'one', /finite number/],
    ['FP32', true, /finite number/],
    ['BOOL', 1, /a boolean/],
    ['BYTES', 3, /a string/],
  ])('refuses a %s element %j', (datatype, value, message) => {
    expect(() => decodeTensor(input(datatype, [1], [value]))).toThrow(message);
  });

  it('refuses a datatype the protocol does not define or JSON cannot carry, with a 400 code', () => {
    for (const datatype of ['FLOAT', 'FP16', 'fp32']) {
      let error: unknown;
      try {
        decodeTensor(input(datatype, [1], [1]));
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({ status: 400, code: 'invalid-tensor' });
    }
  });

  it('reads an empty tensor (a zero dimension) as no values', () => {
    expect(decodeTensor(input('FP32', [0, 4], [])).values).toEqual([]);
  });
});

describe('inferenceRequestSchema', () => {
  it('takes the protocol example request (id, inputs of several datatypes, outputs)', () => {
    const parsed = inferenceRequestSchema.safeParse({
      id: '42',
      inputs: [
        { name: 'input0', shape: [2, 2], datatype: 'UINT32', data: [1, 2, 3, 4] },
        { name: 'input1', shape: [3], datatype: 'BOOL', data: [true] },
      ],
      outputs: [{ name: 'output0' }],
    });
    expect(parsed.success).toBe(true);
  });

  it.each([
    ['no inputs', {}],
    ['an input without data', { inputs: [{ name: 'a', shape: [1], datatype: 'FP32' }] }],
    ['a negative dimension', { inputs: [{ name: 'a', shape: [-1], datatype: 'FP32', data: [] }] }],
    ['an object in data', { inputs: [{ name: 'a', shape: [1], datatype: 'FP32', data: [{}] }] }],
    ['a numeric id', { id: 42, inputs: [{ name: 'a', shape: [1], datatype: 'FP32', data: [1] }] }],
  ])('refuses %s', (_, body) => {
    expect(inferenceRequestSchema.safeParse(body).success).toBe(false);
  });
});

const classifier = {
  name: 'flowers',
  input: { kind: 'tabular', tensorName: 'features', features: [{}, {}, {}] },
  output: { kind: 'classification', tensorName: 'logits', activation: 'softmax', labels: ['a', 'b'] },
} as never;
const detector = {
  name: 'cars',
  input: { kind: 'image', tensorName: 'image', fit: 'letterbox', channels: 3, height: 8, width: 16 },
  output: { kind: 'detection', labels: ['car'] },
} as never;

describe('model tensors', () => {
  it('describes a tabular model as an [N, F] FP32 input and a classifier as label, confidence, probabilities', () => {
    expect(inputTensors(classifier)).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, 3] }]);
    expect(outputTensors(classifier).map((t) => [t.name, t.datatype, t.shape])).toEqual([
      ['label', 'BYTES', [-1]],
      ['confidence', 'FP32', [-1]],
      ['probabilities', 'FP32', [-1, 2]],
    ]);
    // One tensor entry per input; the image's other accepted forms are named in scalar parameters (#21).
    expect(inputTensors(detector)).toEqual([
      {
        name: 'image',
        datatype: 'FP32',
        shape: [1, 3, 8, 16],
        parameters: {
          also_fp64: expect.stringMatching(/^\[1, 3, 8, 16\]/),
          also_uint8: expect.stringMatching(/^\[1, 8, 16, 3\]/),
          also_bytes: expect.stringMatching(/^\[1\], the encoded picture/),
        },
      },
    ]);
  });

  it('writes rows as output tensors in label order, or only the outputs asked for', () => {
    const rows = [
      { label: 'b', confidence: 0.9, probabilities: { b: 0.9, a: 0.1 } },
      { label: 'a', confidence: 0.7, probabilities: { a: 0.7, b: 0.3 } },
    ];
    expect(encodeOutputs(classifier, rows, undefined)).toEqual([
      { name: 'label', datatype: 'BYTES', shape: [2], data: ['b', 'a'] },
      { name: 'confidence', datatype: 'FP32', shape: [2], data: [0.9, 0.7] },
      { name: 'probabilities', datatype: 'FP32', shape: [2, 2], data: [0.1, 0.9, 0.7, 0.3] },
    ]);
    expect(encodeOutputs(classifier, rows, [{ name: 'label' }]).map((o) => o.name)).toEqual(['label']);
  });

  it('writes detections as boxes [D, 4], scores [D] and labels [D]', () => {
    const result = { detections: [{ label: 'car', score: 0.8, box: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 } }] };
    expect(encodeOutputs(detector, [result], undefined)).toEqual([
      { name: 'boxes', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] },
      { name: 'scores', datatype: 'FP32', shape: [1], data: [0.8] },
      { name: 'labels', datatype: 'BYTES', shape: [1], data: ['car'] },
    ]);
  });

  it('refuses an output the model does not have, naming those it has', () => {
    expect(() => checkRequestedOutputs(classifier, [{ name: 'logits' }])).toThrow(/no output 'logits'; its outputs are label/);
  });
});

describe('imageTensorInput', () => {
  const zeros = (datatype: string, shape: number[]) =>
    decodeTensor(input(datatype, shape, new Array(shape.reduce((a, b) => a * b, 1)).fill(0)));

  it('takes the model-ready FP32 (or FP64) [1, C, H, W] tensor as float32, as the model reads it', () => {
    for (const datatype of ['FP32', 'FP64']) {
      const prepared = imageTensorInput(detector, zeros(datatype, [1, 3, 8, 16]));
      expect(prepared.tensor).toMatchObject({ dtype: 'float32', dims: [1, 3, 8, 16] });
      expect(prepared.tensor.data).toBeInstanceOf(Float32Array);
      expect(prepared.source).toEqual({ format: 'tensor', width: 16, height: 8 });
    }
  });

  it('takes UINT8 [1, H, W, C] pixels as they travel to the infer function, which normalises them', () => {
    const prepared = imageTensorInput(detector, zeros('UINT8', [1, 8, 16, 3]));
    expect(prepared.tensor).toMatchObject({ dtype: 'uint8', dims: [1, 8, 16, 3] });
    // A detector's boxes are then in the tensor's own pixels.
    expect(prepared.letterbox).toEqual({ scale: 1, padX: 0, padY: 0, sourceWidth: 16, sourceHeight: 8 });
    expect(prepared.tensor.data).toBeInstanceOf(Uint8Array);
  });

  it.each([
    ['FP32', [1, 8, 16, 3]],
    ['FP32', [2, 3, 8, 16]],
    ['UINT8', [1, 3, 8, 16]],
    ['INT32', [1, 3, 8, 16]],
  ])('refuses %s %j, naming the three forms it takes', (datatype, shape) => {
    expect(() => imageTensorInput(detector, zeros(datatype, shape))).toThrow(
      /FP32 \[1, 3, 8, 16\] \(normalised\), UINT8 \[1, 8, 16, 3\] \(pixels\) or BYTES \[1\]/,
    );
  });
});
