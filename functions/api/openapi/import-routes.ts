import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { binary, modelParameter, type RouteDoc } from './route-doc';
import { described } from './responses';

/** The checks' figures stored with the version (functions/training/import/check-model.ts, ImportFigures). */
const importChecksSchema = z.object({
  opset: z.optional(z.int()),
  operators: z.array(z.string()),
  producer: z.optional(z.string()),
  loadMs: described(z.number(), 'creating the onnxruntime session from the file'),
  firstInferenceMs: described(z.number(), 'the first run, on a zero tensor of the declared shape'),
  samples: z.optional(z.object({ count: z.int(), tolerance: z.number() })),
});

export const importAnswerSchema = z.object({
  model: z.string(),
  version: z.string(),
  status: z.literal('pending'),
  sha256: z.string(),
  bytes: z.int(),
  checks: importChecksSchema,
});

const file = (description: string) => ({ ...binary('application/octet-stream'), description });

/** Bringing a model (functions/imports, docs/bring-your-own-model.md). */
export const IMPORT_ROUTES: RouteDoc[] = [
  {
    method: 'post',
    path: '/v1/models/{model}/versions',
    operationId: 'importVersion',
    summary: 'Import an ONNX model as a new, pending version, after checking it against its metadata',
    description:
      'Checks, in order, each refusing with 422 `model-import-refused` and its name in `check`: `metadata-schema`, ' +
      '`artifact-sha256`, `samples-schema`, `onnx-graph`, `runtime-load` (opset and operators), `inputs`, `outputs`, ' +
      '`first-inference`, `samples` (the samples through Vigie’s own pre- and post-processing). A version that ' +
      'passes is `pending` whatever its metadata says, and is served once approved ' +
      '(`POST /v1/models/{model}/versions/{version}/approval`). Bodies up to 4 MiB; larger models through the S3 ' +
      'door (`models/<model>/<version>/` in the uploads bucket).',
    tag: 'Training',
    permission: 'models:import',
    parameters: [{ ...modelParameter, description: 'the name to import under (it wins over the metadata’s `name`)' }],
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          type: 'object',
          required: ['model', 'metadata'],
          properties: {
            model: file('the .onnx file'),
            metadata: file(
              'JSON in the schema of models/<name>/<version>/metadata.json; name, version and artifact may be left out',
            ),
            samples: file('JSON {tolerance?, samples: [{image (base64) | features | rows, expected}]}: optional'),
            version: { type: 'string', description: 'the version to take (1.2.3); the next free minor when absent' },
          },
        },
      },
    },
    responses: {
      201: {
        description: 'Imported, pending approval.',
        content: { 'application/json': importAnswerSchema },
        headers: { Location: 'the version’s model card: `/v1/models/{model}/versions/{version}/card`' },
      },
    },
    problems: {
      400: [
        'invalid-model-name',
        'invalid-multipart',
        'missing-part',
        'invalid-json',
        'json-too-deep',
        'invalid-version',
        'empty-input',
      ],
      403: ['forbidden'],
      409: ['reserved-model-name', 'input-kind-changed', 'version-exists'],
      413: ['payload-too-large'],
      415: ['unsupported-media-type'],
      422: ['model-import-refused'],
    },
  },
];
