import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { ImportRefusedError } from '../../functions/platform/errors';
import { checkModel } from '../../functions/training/import/check-model';
import { importMetadata } from '../../functions/training/import/import-metadata';
import { parseSamples, type SamplesDocument } from '../../functions/training/import/samples';
import { GraphBuilder, serialise } from '../../functions/training/onnx/graph';
import type { ModelMetadata } from '../../functions/serving/model-spec';
import { runModel } from '../../functions/serving/inference/run-model';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';

/**
 * Every check between an uploaded ONNX file and a pending version, each on a model that fails it and only it
 * (the committed iris and digits packages, or a graph built here), with the real onnxruntime and Vigie's own
 * pre- and post-processing. The HTTP and S3 doors around them are tested in tests/integration/model-import.test.ts.
 */
const { onnx } = onnxProto;
const scratch = () => join(tmpdir(), `vigie-import-test-${process.pid}-${Math.random().toString(36).slice(2)}`);
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function shipped(name: string, version: string): { onnx: Uint8Array; raw: Record<string, unknown> } {
  const bytes = readFileSync(`models/${name}/${version}/model.onnx`);
  const raw = JSON.parse(readFileSync(`models/${name}/${version}/metadata.json`, 'utf8')) as Record<string, unknown>;
  delete raw.name;
  delete raw.version;
  delete raw.artifact;
  return { onnx: bytes, raw };
}

const metadataFor = (raw: unknown, bytes: Uint8Array, model = 'imported') =>
  importMetadata(raw, { model, version: '1.0.0', sha256: sha(bytes), bytes: bytes.length });

async function refusal(promise: Promise<unknown>): Promise<ImportRefusedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ImportRefusedError);
  return error as ImportRefusedError;
}

const iris = shipped('iris', '1.0.0');
/** A shipped digits version whose page work has its own network (D40): a file the import does not carry. */
const digits = shipped('digits', '1.6.0');
/** A shipped car-detector version whose boxes a second network places again: the same. */
const refinedCars = shipped('car-detector', '1.2.0');
const irisMetadata = metadataFor(iris.raw, iris.onnx);
const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

/** A graph with the iris metadata's input and output names, made of the nodes given. */
function graph(build: (g: GraphBuilder) => string, outputWidth = 3): Uint8Array {
  const g = new GraphBuilder();
  g.node('Identity', [build(g)], {}, '', 'logits');
  return serialise(g, { name: 'features', width: 4 }, { name: 'logits', width: outputWidth });
}

/** Another graph under the iris metadata (its artifact's own SHA-256), without samples. */
const checkIrisLike = (bytes: Uint8Array) => checkModel(bytes, metadataFor(iris.raw, bytes), undefined, scratch());

/** The same model bytes with their default-domain opset replaced. */
function withOpset(bytes: Uint8Array, version: number): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  model.opsetImport = model.opsetImport.map((entry) => (entry.domain ? entry : { ...entry, version }));
  return onnx.ModelProto.encode(model).finish();
}

describe('import checks', () => {
  it('accepts a model that is what its metadata says, and measures it', async () => {
    const samples = parseSamples({ samples: [{ features: setosa, expected: { label: 'setosa' } }] });
    const figures = await checkModel(iris.onnx, irisMetadata, samples, scratch());
    expect(figures).toMatchObject({ opset: 17, operators: ['Gemm', 'Relu'], samples: { count: 1, tolerance: 0.01 } });
    expect(figures.loadMs).toBeGreaterThan(0);
    expect(figures.firstInferenceMs).toBeGreaterThan(0);
  });

  it('forces the approval to pending and the name to the one given at import', () => {
    const raw = structuredClone(iris.raw) as { name?: string; governance: { approval: unknown } };
    raw.name = 'someone-else';
    raw.governance.approval = { status: 'approved', approver: 'Me, myself', date: '2026-01-01' };
    const metadata = metadataFor(raw, iris.onnx, 'my-iris');
    expect(metadata.name).toBe('my-iris');
    expect(metadata.governance?.approval).toEqual({ status: 'pending' });
  });

  it.each<[string, () => Promise<unknown> | unknown, string?]>([
    ['metadata-schema', () => metadataFor({ ...iris.raw, governance: undefined }, iris.onnx)],
    ['artifact-sha256', () => metadataFor({ ...iris.raw, artifact: { sha256: 'f'.repeat(64) } }, iris.onnx)],
    ['metadata-schema', () => metadataFor(digits.raw, digits.onnx), 'inkSegmenter'],
    ['metadata-schema', () => metadataFor(refinedCars.raw, refinedCars.onnx), 'boxRefiner'],
    ['samples-schema', () => parseSamples({ tolerance: 0.5, samples: [{ features: setosa, expected: { label: 'setosa' } }] })],
    ['onnx-graph', () => checkIrisLike(Buffer.from('PK\u0003\u0004 a pytorch checkpoint'))],
    ['runtime-load', () => checkIrisLike(withOpset(iris.onnx, 99)), 'opset 99'],
    ['runtime-load', () => checkIrisLike(graph((g) => g.node('NoSuchOperator', ['features']))), 'NoSuchOperator'],
    [
      'inputs',
      () =>
        checkModel(
          iris.onnx,
          { ...irisMetadata, input: { ...irisMetadata.input, tensorName: 'x' } } as ModelMetadata,
          undefined,
          scratch(),
        ),
    ],
    [
      'outputs',
      () =>
        checkModel(
          iris.onnx,
          { ...irisMetadata, output: { ...irisMetadata.output, labels: ['a', 'b', 'c', 'd'] } } as ModelMetadata,
          undefined,
          scratch(),
        ),
    ],
    [
      'first-inference',
      // Four values per row into rows of three: the graph loads (the batch is not known then) and fails when it runs.
      () => checkIrisLike(graph((g) => g.node('Reshape', ['features', g.int64s([-1, 3], [2])]))),
    ],
    [
      'samples',
      () =>
        checkModel(
          iris.onnx,
          irisMetadata,
          parseSamples({ samples: [{ features: setosa, expected: { label: 'virginica' } }] }),
          scratch(),
        ),
    ],
  ])('refuses with check %s', async (check, attempt, why) => {
    const error = await refusal(Promise.resolve().then(attempt));
    expect(error.extensions.check, error.message).toBe(check);
    expect(error.message).not.toContain('refusing to load it');
    if (why) expect(error.message).toContain(why);
    expect(error.status).toBe(422);
    expect(error.message).toContain(`Check '${check}' failed`);
  });

  it('refuses weights kept in an external data file, saying how to embed them', async () => {
    const model = onnx.ModelProto.decode(iris.onnx);
    model.graph!.initializer![0]!.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    const error = await refusal(checkIrisLike(onnx.ModelProto.encode(model).finish()));
    expect(error.extensions.check).toBe('onnx-graph');
    expect(error.message).toContain('save_as_external_data=False');
  });

  it("catches a picture model whose metadata scales pixels differently from the notebook's pipeline", async () => {
    const digits = shipped('digits', '1.1.0');
    const right = metadataFor(digits.raw, digits.onnx, 'my-digits');
    const picture = readFileSync('events/samples/seven.png').toString('base64');
    const input = right.input as Extract<ModelMetadata['input'], { kind: 'image' }>;
    // What the notebook's own pipeline (here: the right spec, through Vigie) says for the sample.
    const prepared = await preprocessImage(readFileSync('events/samples/seven.png'), input, DEFAULT_DECODE_LIMITS);
    const model = { metadata: right, artifactPath: 'models/digits/1.1.0/model.onnx' };
    const { result } = await runModel(new SessionCache(), model, prepared.tensor);
    const probe: SamplesDocument = parseSamples({ samples: [{ image: picture, expected: result }] });
    await checkModel(digits.onnx, right, probe, scratch());
    // The classic mistake: the network learnt 0–255 pixels, the metadata says they are scaled to 0–1 (here the
    // other way round on a network that learnt 0–1: the metadata scales them 255 times too small).
    const scale = input.normalisation.scale / 255;
    const wrong = { ...right, input: { ...input, normalisation: { ...input.normalisation, scale } } } as ModelMetadata;
    const error = await refusal(checkModel(digits.onnx, wrong, probe, scratch()));
    expect(error.extensions.check).toBe('samples');
    expect(error.message).toContain("probability of '7'");
    expect(error.message).toContain('pixel scale');
  });
});
