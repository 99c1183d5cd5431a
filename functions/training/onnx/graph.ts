import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * A small builder over the official ONNX protobuf schema (npm onnx-proto, generated from onnx.proto): nodes,
 * float/int64 constants and attributes, then one serialised ModelProto with the default and ai.onnx.ml opsets.
 */
export type Attribute = number | string | number[] | string[] | { ints: number[] };

export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  #count = 0;

  name(prefix: string): string {
    this.#count += 1;
    return `${prefix}_${this.#count}`;
  }

  floats(values: ArrayLike<number>, dims: number[]): string {
    const name = this.name('const');
    this.initializers.push({ name, dataType: onnx.TensorProto.DataType.FLOAT, dims, floatData: Array.from(values) });
    return name;
  }

  int64s(values: number[], dims: number[]): string {
    const name = this.name('const');
    this.initializers.push({ name, dataType: onnx.TensorProto.DataType.INT64, dims, int64Data: values });
    return name;
  }

  node(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, domain = '', output?: string): string {
    const out = output ?? this.name(opType.toLowerCase());
    this.nodes.push({
      opType,
      domain,
      input: inputs,
      output: [out],
      name: this.name(opType),
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
    return out;
  }
}

function attribute(name: string, value: Attribute): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { name, type: AttributeType.INT, i: value } : { name, type: AttributeType.FLOAT, f: value };
  if (!Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value.ints };
  if (value.every((v) => typeof v === 'string')) {
    return { name, type: AttributeType.STRINGS, strings: (value as string[]).map((v) => new TextEncoder().encode(v)) };
  }
  return { name, type: AttributeType.FLOATS, floats: value as number[] };
}

function valueInfo(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** The model bytes: one float input [N, width] and one float output [N, outputs]. */
export function serialise(
  graph: GraphBuilder,
  input: { name: string; width: number },
  output: { name: string; width: number },
): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'vigie-automl',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ],
    graph: {
      name: 'vigie-automl',
      node: graph.nodes,
      initializer: graph.initializers,
      input: [valueInfo(input.name, ['N', input.width])],
      output: [valueInfo(output.name, ['N', output.width])],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
