import onnxProto from 'onnx-proto';
import { ImportRefusedError } from '../../platform/errors';

const { onnx } = onnxProto;

/** What the import reads from the graph itself, before onnxruntime sees it: recorded with the version. */
export interface GraphFacts {
  /** The default domain's opset (`ai.onnx`); undefined when the model declares none (onnxruntime then refuses it). */
  opset?: number;
  /** Operators used, with their domain when not the default one (`ai.onnx.ml:TreeEnsembleClassifier`). */
  operators: string[];
  producer?: string;
}

/**
 * The file is an ONNX model with a graph that carries its own weights: a truncated upload, a PyTorch checkpoint or
 * a model saved with external data files (which a single uploaded file cannot bring) is refused here, with what to
 * do about it, rather than as onnxruntime's lower-level message.
 */
export function readGraph(bytes: Uint8Array): GraphFacts {
  let model: onnxProto.onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ImportRefusedError(
      'onnx-graph',
      `the file is not an ONNX model (${error instanceof Error ? error.message : String(error)}); export it with torch.onnx.export or onnx.save.`,
    );
  }
  const nodes = model.graph?.node ?? [];
  if (nodes.length === 0) {
    throw new ImportRefusedError('onnx-graph', 'the file holds no ONNX graph (no node): export the model with onnx.save.');
  }
  const external = (model.graph?.initializer ?? []).find(
    (tensor) => tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL,
  );
  if (external) {
    throw new ImportRefusedError(
      'onnx-graph',
      `weight '${external.name}' is stored in an external data file: save the model with its weights inside ` +
        '(onnx.save(model, path, save_as_external_data=False)).',
    );
  }
  const defaultDomain = model.opsetImport.find((entry) => !entry.domain || entry.domain === 'ai.onnx');
  const operators = [...new Set(nodes.map((node) => (node.domain ? `${node.domain}:${node.opType}` : `${node.opType}`)))].sort();
  return {
    ...(defaultDomain?.version != null && { opset: Number(defaultDomain.version) }),
    operators,
    ...(model.producerName && { producer: `${model.producerName} ${model.producerVersion ?? ''}`.trim() }),
  };
}
