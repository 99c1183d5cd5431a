import { InvalidInputError } from '../../platform/errors';
import { quoteName } from '../../platform/model-name';
import { OIP_DATATYPES, type OipDatatype, type RequestInput, type TensorData } from './schemas';

/** A request input read into plain values, checked against its declared datatype and shape. */
export type DecodedTensor =
  | { name: string; shape: number[]; datatype: Exclude<OipDatatype, 'BOOL' | 'BYTES'>; values: number[] }
  | { name: string; shape: number[]; datatype: 'BOOL'; values: boolean[] }
  | { name: string; shape: number[]; datatype: 'BYTES'; values: string[] };

/** Integer ranges; the 64-bit ones are bounded by what a JSON number holds exactly. */
const INTEGER_RANGES: Partial<Record<OipDatatype, [number, number]>> = {
  UINT8: [0, 2 ** 8 - 1],
  UINT16: [0, 2 ** 16 - 1],
  UINT32: [0, 2 ** 32 - 1],
  UINT64: [0, Number.MAX_SAFE_INTEGER],
  INT8: [-(2 ** 7), 2 ** 7 - 1],
  INT16: [-(2 ** 15), 2 ** 15 - 1],
  INT32: [-(2 ** 31), 2 ** 31 - 1],
  INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const isDatatype = (value: string): value is OipDatatype => (OIP_DATATYPES as readonly string[]).includes(value);

const invalid = (message: string) => new InvalidInputError('invalid-tensor', message);

/** Row-major flattening: the protocol allows the same contents flat or nested to the tensor's rank. */
function flatten(data: TensorData, into: Array<number | string | boolean>): void {
  for (const item of data) {
    if (Array.isArray(item)) flatten(item, into);
    else into.push(item);
  }
}

/** Why an element does not fit the datatype, or undefined when it does. */
function elementProblem(datatype: OipDatatype, value: number | string | boolean): string | undefined {
  if (datatype === 'BOOL') return typeof value === 'boolean' ? undefined : 'a boolean';
  if (datatype === 'BYTES') return typeof value === 'string' ? undefined : 'a string';
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'a finite number';
  const range = INTEGER_RANGES[datatype];
  if (range && (!Number.isInteger(value) || value < range[0] || value > range[1])) {
    return `an integer from ${range[0]} to ${range[1]}`;
  }
  return undefined;
}

/**
 * Reads one request input: a datatype the protocol defines and JSON can carry, as many elements as the shape
 * says (flat or nested), each of that datatype. Every refusal is a 400 naming the input and what was wrong.
 */
export function decodeTensor(input: RequestInput): DecodedTensor {
  const { shape, datatype } = input;
  const name = quoteName(input.name);
  if (!isDatatype(datatype)) {
    throw invalid(`Input '${name}': datatype '${quoteName(datatype)}' is not one of ${OIP_DATATYPES.join(', ')}.`);
  }
  const values: Array<number | string | boolean> = [];
  flatten(input.data, values);
  const expected = shape.reduce((product, dim) => product * dim, 1);
  if (values.length !== expected) {
    throw invalid(`Input '${name}': shape [${shape.join(', ')}] holds ${expected} elements, data has ${values.length}.`);
  }
  const bad = values.findIndex((value) => elementProblem(datatype, value) !== undefined);
  if (bad >= 0) {
    const problem = elementProblem(datatype, values[bad]!);
    throw invalid(`Input '${name}': element ${bad} is ${JSON.stringify(values[bad])}, not ${problem} (${datatype}).`);
  }
  return { name: input.name, shape: [...shape], datatype, values } as DecodedTensor;
}
