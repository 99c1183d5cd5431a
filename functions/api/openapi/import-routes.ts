import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { uploadRequestSchema } from '../../training/import/upload-request';
import { binary, modelParameter, versionParameter, type RouteDoc } from './route-doc';
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

const uploadUrlsSchema = z.object({
  model: z.string(),
  version: z.string(),
  expiresAt: z.iso.datetime(),
  uploads: described(
    z.array(z.object({ file: z.string(), method: z.literal('PUT'), url: z.url() })),
    'in order: the import starts when both model.onnx and metadata.json are there, so samples go first',
  ),
  outcome: described(z.string(), 'where to read what came of it'),
});

/** The S3 door's outcome (functions/imports/from-upload.ts): the import's answer, or a refusal as a problem says it. */
const importOutcomeSchema = z.union([
  z.extend(importAnswerSchema, { at: z.iso.datetime() }),
  z.object({
    at: z.iso.datetime(),
    model: z.string(),
    version: z.string(),
    status: z.literal('refused'),
    httpStatus: described(z.int(), 'the status the HTTP route would have answered'),
    code: z.string(),
    detail: z.string(),
    check: z.optional(z.string()),
    issues: z.optional(z.array(z.string())),
    failedSamples: z.optional(z.array(z.object({ sample: z.int(), problems: z.array(z.string()) }))),
  }),
]);

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
  {
    method: 'post',
    path: '/v1/models/{model}/imports',
    operationId: 'importUploadUrls',
    summary: 'Upload URLs for a model too large for the import route (the S3 door, no AWS credentials needed)',
    description:
      'Presigned PUT URLs, valid 15 minutes, for `model.onnx`, the sample files named in `files`, and ' +
      '`metadata.json`: the import starts at the version chosen here once both files are there (samples before the ' +
      'second of them). Follow it at `outcome`.',
    tag: 'Training',
    permission: 'models:import',
    parameters: [{ ...modelParameter, description: 'the name to import under' }],
    requestBody: { required: false, content: { 'application/json': uploadRequestSchema } },
    responses: { 201: { description: 'Where to upload each file.', content: { 'application/json': uploadUrlsSchema } } },
    problems: {
      400: ['invalid-model-name', 'invalid-json', 'json-too-deep', 'invalid-body', 'invalid-version'],
      403: ['forbidden'],
      409: ['reserved-model-name', 'version-exists'],
      415: ['unsupported-media-type'],
    },
  },
  {
    method: 'get',
    path: '/v1/models/{model}/imports/{version}',
    operationId: 'importOutcome',
    summary: 'What came of an import through the S3 door: the pending version, or the check that refused it',
    tag: 'Training',
    permission: 'models:import',
    parameters: [modelParameter, { ...versionParameter, description: 'the version the upload named' }],
    responses: { 200: { description: 'The outcome.', content: { 'application/json': importOutcomeSchema } } },
    problems: { 400: ['invalid-model-name'], 403: ['forbidden'], 404: ['not-found'] },
  },
];
