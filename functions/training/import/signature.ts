import type { InferenceSession } from 'onnxruntime-node';
import { ImportRefusedError } from '../../platform/errors';
import type { ModelMetadata } from '../../serving/model-spec';

type Dim = number | string;

/** The input tensor's shape as the metadata describes it, batch first (the batch is any size). */
export function declaredInputShape(input: ModelMetadata['input']): Dim[] {
  if (input.kind === 'image') return ['N', input.channels, input.height, input.width];
  return input.window ? ['N', input.window.rows, input.features.length] : ['N', input.features.length];
}

/** The output tensors the metadata names, with the size of their last axis where the metadata fixes it. */
function declaredOutputs(output: ModelMetadata['output']): { name: string; last?: number }[] {
  if (output.kind === 'detection') return [{ name: output.scoresTensorName }, { name: output.boxesTensorName }];
  if (output.kind === 'classification') return [{ name: output.tensorName, last: output.labels.length }];
  return [{ name: output.tensorName }];
}

const shapeText = (shape: readonly Dim[]) => `[${shape.join(', ')}]`;

function tensorOf(values: readonly InferenceSession.ValueMetadata[], name: string) {
  return values.find((value) => value.name === name);
}

/**
 * The graph takes and gives what the metadata says: Vigie feeds exactly one float32 tensor of the declared name and
 * shape (a fixed axis must equal the metadata's; a named one takes any size) and reads float32 outputs of the
 * declared names. A mismatch here would otherwise surface as a 500 on the first prediction of an approved model.
 */
export function checkSignature(session: InferenceSession, metadata: ModelMetadata): void {
  const { input, output } = metadata;
  const inputs = session.inputMetadata;
  if (inputs.length !== 1 || inputs[0]!.name !== input.tensorName) {
    throw new ImportRefusedError(
      'inputs',
      `the graph takes ${inputs.length} input(s) (${inputs.map((value) => value.name).join(', ')}); the metadata says one ` +
        `tensor named '${input.tensorName}' (input.tensorName), which is all Vigie feeds.`,
    );
  }
  const graphInput = inputs[0]!;
  const declared = declaredInputShape(input);
  if (!graphInput.isTensor || graphInput.type !== 'float32') {
    throw new ImportRefusedError(
      'inputs',
      `input '${input.tensorName}' is ${graphInput.isTensor ? graphInput.type : 'not a tensor'}; Vigie feeds float32.`,
    );
  }
  const shape = graphInput.shape;
  const fits =
    shape.length === 0 ||
    (shape.length === declared.length && shape.every((dim, i) => i === 0 || typeof dim !== 'number' || dim === declared[i]));
  if (!fits) {
    throw new ImportRefusedError(
      'inputs',
      `input '${input.tensorName}' has shape ${shapeText(shape)}; the metadata describes ${shapeText(declared)}` +
        (input.kind === 'image' ? ' (NCHW: channels, height, width).' : ' (rows, features in the metadata’s order).'),
    );
  }
  for (const { name, last } of declaredOutputs(output)) {
    const graphOutput = tensorOf(session.outputMetadata, name);
    if (!graphOutput) {
      throw new ImportRefusedError(
        'outputs',
        `the graph has no output '${name}' (it has ${session.outputNames.join(', ')}): fix the tensor name in the metadata's output.`,
      );
    }
    if (!graphOutput.isTensor || graphOutput.type !== 'float32') {
      throw new ImportRefusedError(
        'outputs',
        `output '${name}' is ${graphOutput.isTensor ? graphOutput.type : 'not a tensor'}; Vigie reads float32.`,
      );
    }
    const axis = graphOutput.shape.at(-1);
    if (last !== undefined && typeof axis === 'number' && axis !== last) {
      throw new ImportRefusedError(
        'outputs',
        `output '${name}' gives ${axis} scores per input; the metadata lists ${last} labels (output.labels).`,
      );
    }
  }
}
