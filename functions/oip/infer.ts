import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../platform/errors';
import { parseJsonBody } from '../api/http/body';
import type { PredictionResult } from '../records/results';
import type { SessionCache } from '../serving/inference/sessions';
import { quoteName } from '../platform/model-name';
import type { ModelVersion } from '../serving/registry';
import { reportRejectedRows } from '../records/observability';
import { imageTensorInput } from '../api/oip/image-input';
import { checkRequestedOutputs, encodeOutputs, inputTensors } from '../api/oip/model-tensors';
import { inferenceRequestSchema, type InferenceRequest, type InferenceResponse } from '../api/oip/schemas';
import { decodeTensor, type DecodedTensor } from '../api/oip/tensors';
import { runPrediction, type PredictionDeps } from '../serving/prediction';
import type { TabularInputSpec } from '../serving/tabular/spec';
import { routeOf } from '../serving/routing';
import { runTabularPrediction } from '../serving/tabular/tabular-prediction';

export interface InferDeps {
  prediction: PredictionDeps;
  sessions: SessionCache;
}

/** One /v2 inference call, already authorised for its model; identities already pseudonymised. */
export interface InferCall {
  model: string;
  version?: string;
  alias?: string;
  body: Buffer;
  requestId: string;
  callerId: string;
  subjectId?: string;
}

export interface InferAnswer {
  predictionId: string;
  response: InferenceResponse;
}

function parseRequest(body: Buffer): InferenceRequest {
  const parsed = inferenceRequestSchema.safeParse(parseJsonBody(body));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new InvalidInputError(
      'invalid-body',
      `Not an inference request${at}: ${issue?.message ?? 'invalid'}. Send {"inputs": [{"name", "shape", "datatype", "data"}]}.`,
    );
  }
  return parsed.data;
}

/** The one input the model takes, under the name its metadata gives (GET /v2/models/{m} lists it). */
function theInput(model: ModelVersion, request: InferenceRequest): DecodedTensor {
  const [expected] = inputTensors(model.metadata);
  const [input, ...others] = request.inputs;
  if (!input || others.length > 0 || input.name !== expected!.name) {
    throw new InvalidInputError(
      'invalid-tensor',
      `Model '${model.metadata.name}' takes one input, '${expected!.name}' (${expected!.datatype} [${expected!.shape.join(', ')}]); got ${request.inputs.map((i) => `'${quoteName(i.name)}'`).join(', ')}.`,
    );
  }
  return decodeTensor(input);
}

/** An image model's input: the encoded picture (PNG, JPEG…) as one base64 BYTES element, as KServe's examples send it. */
function encodedImage(tensor: Extract<DecodedTensor, { datatype: 'BYTES' }>): Buffer {
  if (tensor.values.length !== 1) {
    throw new InvalidInputError(
      'invalid-tensor',
      `Input '${tensor.name}' is one encoded picture: datatype BYTES, shape [1], data ["<base64 of the file>"].`,
    );
  }
  const text = tensor.values[0]!;
  const bytes = Buffer.from(text, 'base64');
  // Buffer.from skips what is not base64: a round trip tells a real base64 string from any other text.
  if (bytes.toString('base64').replace(/=+$/u, '') !== text.replace(/=+$/u, '')) {
    throw new InvalidInputError('invalid-tensor', `Input '${tensor.name}' must hold the picture's bytes in base64.`);
  }
  return bytes;
}

/**
 * An [N, F] number tensor as the feature rows the tabular path validates: the spec's feature order names the
 * columns, and a category is given by its 0-based index (as the model's tensor holds it).
 */
function featureRows(spec: TabularInputSpec, tensor: DecodedTensor): Array<Record<string, unknown>> {
  const width = spec.features.length;
  const [rows, columns, ...more] = tensor.shape;
  if (tensor.datatype === 'BOOL' || tensor.datatype === 'BYTES' || columns !== width || more.length > 0) {
    throw new InvalidInputError(
      'invalid-tensor',
      `Input '${tensor.name}' is a number tensor (FP32, FP64 or INT*) of shape [N, ${width}], columns in this order: ${spec.features.map((f) => f.name).join(', ')}.`,
    );
  }
  const values = tensor.values;
  return Array.from({ length: rows ?? 0 }, (_, row) =>
    Object.fromEntries(
      spec.features.map((feature, column) => {
        const value = values[row * width + column]!;
        const category = feature.type === 'category' && Number.isInteger(value) ? feature.values[value] : undefined;
        return [feature.name, category ?? value];
      }),
    ),
  );
}

/**
 * POST /v2/models/{m}[/versions/{v}]/infer through the same prediction paths as /v1 (image: preprocessing, the
 * infer function, one record; tabular: the spec's validation, in-process scoring, one record), answered as
 * output tensors. A model that cannot be resolved (unknown, not approved) goes down the tabular path with no
 * rows: that path records the refusal exactly as /v1 does, then throws it.
 */
export async function infer(deps: InferDeps, call: InferCall): Promise<InferAnswer> {
  const request = parseRequest(call.body);
  const predictionId = randomUUID();
  const model = await deps.prediction.registry.route(call.model, routeOf({ ...call, predictionId })).catch(() => undefined);
  const common = {
    predictionId,
    requestId: call.requestId,
    model: call.model,
    version: call.version,
    alias: call.alias,
    // Resolved once, here: the prediction paths use this version instead of looking it up again.
    resolved: model,
    subjectId: call.subjectId,
    callerId: call.callerId,
  };
  let answers: Parameters<typeof encodeOutputs>[1];
  let parameters: Record<string, string | number> = {};
  let record;
  if (model?.metadata.input.kind === 'image') {
    checkRequestedOutputs(model.metadata, request.outputs);
    const tensor = theInput(model, request);
    // A file is preprocessed as on /v1; a tensor goes to the model as it is, checked inside the recorded path.
    const input =
      tensor.datatype === 'BYTES'
        ? { bytes: encodedImage(tensor) }
        : { bytes: call.body, prepare: (version: ModelVersion) => imageTensorInput(version.metadata, tensor) };
    const outcome = await runPrediction(deps.prediction, { ...common, source: 'http', ...input });
    if (outcome.error !== undefined) throw outcome.error;
    record = outcome.record;
    answers = [record.result as PredictionResult];
  } else {
    let rows: Array<Record<string, unknown>> = [];
    if (model?.metadata.input.kind === 'tabular') {
      checkRequestedOutputs(model.metadata, request.outputs);
      rows = featureRows(model.metadata.input, theInput(model, request));
    }
    const outcome = await runTabularPrediction(
      { prediction: deps.prediction, sessions: deps.sessions, reportRejected: reportRejectedRows },
      { ...common, input: { rows }, bytes: call.body },
    );
    record = outcome.record;
    answers = (outcome.outcomes ?? []).map((row) => row.result!);
    const warnings = (outcome.outcomes ?? []).flatMap((row) => row.warnings);
    // The protocol's parameters are scalars: the warnings travel as JSON text, with their count beside.
    if (warnings.length > 0) parameters = { warning_count: warnings.length, warnings: JSON.stringify(warnings) };
  }
  const metadata = model!.metadata;
  return {
    predictionId: record.predictionId,
    response: {
      model_name: metadata.name,
      model_version: record.modelVersion ?? metadata.version,
      ...(request.id !== undefined && { id: request.id }),
      parameters: {
        prediction_id: record.predictionId,
        automated: true,
        ...(record.alias !== undefined && { alias: record.alias }),
        ...parameters,
      },
      outputs: encodeOutputs(metadata, answers, request.outputs),
    },
  };
}
