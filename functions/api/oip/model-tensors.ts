import type { RowResult } from '../../records/results';
import type { PredictionResult } from '../../records/results';
import type { ModelMetadata } from '../../serving/model-spec';
import { InvalidInputError } from '../../platform/errors';
import { quoteName } from '../../platform/model-name';
import type { MetadataTensor, ResponseOutput } from './schemas';

/**
 * A model's tensors as the protocol shows them, read from its metadata (nothing here knows a model). Inputs are
 * the model's own: an image model's FP32 [1, C, H, W] tensor (its input also takes UINT8 pixels or the picture's
 * file, image-input.ts), a tabular model's rows as an [N, F] number tensor in the spec's feature order. Outputs
 * are the post-processed answer (labels, probabilities, boxes), not the raw ONNX heads.
 */
export function inputTensors(metadata: Pick<ModelMetadata, 'input'>): MetadataTensor[] {
  const { input } = metadata;
  if (input.kind === 'image') {
    const { channels: c, height: h, width: w } = input;
    // The protocol lists one tensor per input: the other forms this one takes are named in its parameters.
    return [
      {
        name: input.tensorName,
        datatype: 'FP32',
        shape: [1, c, h, w],
        parameters: {
          also_fp64: `[1, ${c}, ${h}, ${w}], as the FP32 tensor`,
          also_uint8: `[1, ${h}, ${w}, ${c}], the fitted pixels, which Vigie normalises`,
          also_bytes: '[1], the encoded picture (PNG, JPEG, WebP, GIF or TIFF) in base64, which Vigie preprocesses',
        },
      },
    ];
  }
  return [{ name: input.tensorName, datatype: 'FP32', shape: [-1, input.features.length] }];
}

export function outputTensors(metadata: Pick<ModelMetadata, 'output'>): MetadataTensor[] {
  const { output } = metadata;
  switch (output.kind) {
    case 'classification':
      return [
        { name: 'label', datatype: 'BYTES', shape: [-1] },
        { name: 'confidence', datatype: 'FP32', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, output.labels.length] },
      ];
    case 'detection':
      return [
        { name: 'boxes', datatype: 'FP32', shape: [-1, 4] },
        { name: 'scores', datatype: 'FP32', shape: [-1] },
        { name: 'labels', datatype: 'BYTES', shape: [-1] },
      ];
    case 'regression':
      return [{ name: 'value', datatype: 'FP32', shape: [-1] }];
    case 'anomaly':
      return [
        { name: 'anomaly', datatype: 'BOOL', shape: [-1] },
        { name: 'score', datatype: 'FP32', shape: [-1] },
      ];
  }
}

type Answers = RowResult[] | [PredictionResult];

/** The values of one output over all answers (rows, or the one picture), flat, with its actual shape. */
function outputData(
  metadata: Pick<ModelMetadata, 'output'>,
  name: string,
  answers: Answers,
): Pick<ResponseOutput, 'shape' | 'data'> {
  const n = answers.length;
  const field = <T>(pick: (answer: Record<string, unknown>) => T) =>
    answers.map((a) => pick(a as unknown as Record<string, unknown>));
  const { output } = metadata;
  if (output.kind === 'detection') {
    const detections = answers.flatMap((answer) => ('detections' in answer ? answer.detections : []));
    if (name === 'boxes')
      return { shape: [detections.length, 4], data: detections.flatMap(({ box }) => [box.xmin, box.ymin, box.xmax, box.ymax]) };
    if (name === 'scores') return { shape: [detections.length], data: detections.map((d) => d.score) };
    return { shape: [detections.length], data: detections.map((d) => d.label) };
  }
  if (name === 'probabilities' && output.kind === 'classification') {
    const rows = field((a) => a.probabilities as Record<string, number>);
    return { shape: [n, output.labels.length], data: rows.flatMap((p) => output.labels.map((label) => p[label] ?? 0)) };
  }
  if (name === 'anomaly') return { shape: [n], data: field((a) => a.anomaly === 1) };
  return { shape: [n], data: field((a) => a[name] as number | string) };
}

/**
 * Refuses a request for an output the model does not have before any work is done: a typo must not silently
 * return nothing, nor be recorded as a prediction.
 */
export function checkRequestedOutputs(
  metadata: Pick<ModelMetadata, 'output' | 'name'>,
  requested: Array<{ name: string }> | undefined,
): void {
  const names = outputTensors(metadata).map((tensor) => tensor.name);
  const unknown = requested?.find((output) => !names.includes(output.name));
  if (unknown) {
    throw new InvalidInputError(
      'unknown-output',
      `Model '${metadata.name}' has no output '${quoteName(unknown.name)}'; its outputs are ${names.join(', ')}.`,
    );
  }
}

/** The answer as output tensors: all of them in the model's order, or those the request named, in its order. */
export function encodeOutputs(
  metadata: Pick<ModelMetadata, 'output' | 'name'>,
  answers: Answers,
  requested: Array<{ name: string }> | undefined,
): ResponseOutput[] {
  checkRequestedOutputs(metadata, requested);
  const all = outputTensors(metadata);
  const names = requested?.map((output) => output.name) ?? all.map((tensor) => tensor.name);
  return names.map((name) => {
    const datatype = all.find((tensor) => tensor.name === name)!.datatype;
    return { name, datatype, ...outputData(metadata, name, answers) };
  });
}
