import * as z from 'zod/mini';
import '../../platform/zod-messages';
import { predictionIdSchema } from '../http/path-parameters';
import { MAX_PARTS, PART_MAX_BYTES } from '../../platform/batch-parts';
import { binary, modelParameter, type RouteDoc } from './route-doc';
import { described } from './responses';

/** CSV batches sent through the API in parts (functions/batches; the web console sends its batches this way). */

const batchIdParameter = {
  name: 'batchId',
  in: 'path' as const,
  required: true,
  description: 'a UUID the sender chooses for the batch (`crypto.randomUUID()`)',
};

const completedSchema = z.object({
  batchId: z.string(),
  predictionId: described(z.string(), 'the id the batch’s record has (`GET /v1/predictions/{id}`)'),
  inputKey: described(z.string(), 'the upload it became: `incoming/<model>/console/<batchId>.csv` in the uploads bucket'),
});

const statusSchema = z.extend(completedSchema, {
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'rejected']),
  processedRows: z.optional(described(z.int(), 'rows scored so far (updated about once a second while running)')),
  rows: z.optional(z.int()),
  rejectedRows: z.optional(z.int()),
  error: z.optional(z.object({ code: z.string(), message: z.string() })),
  timeWarnings: z.optional(z.array(z.object({ row: z.int(), field: z.string(), message: z.string() }))),
  timeWarningCount: z.optional(z.int()),
});

const outputSchema = z.object({
  predictionId: z.string(),
  outputKey: z.string(),
  head: described(z.string(), 'the results file’s header and first 20 rows, byte for byte (its dialect kept)'),
  downloadUrl: described(z.url(), 'the whole results file, presigned for 15 minutes'),
  expiresAt: z.iso.datetime(),
});

export const BATCH_ROUTES: RouteDoc[] = [
  {
    method: 'put',
    path: '/v1/models/{model}/batches/{batchId}/parts/{part}',
    operationId: 'sendBatchPart',
    summary: 'One part of a CSV batch, its bytes as they are in the file',
    description:
      `Parts are numbered 0, 1, 2… in the order of the file's bytes, ${PART_MAX_BYTES} bytes at most each ` +
      `(${MAX_PARTS} parts at most). Nothing is scored before the batch is completed; parts never completed are ` +
      'deleted after a day.',
    tag: 'Predictions',
    permission: 'model',
    parameters: [
      modelParameter,
      batchIdParameter,
      { name: 'part', in: 'path', required: true, description: 'the part’s number, from 0' },
    ],
    requestBody: { required: true, content: { 'application/octet-stream': binary('application/octet-stream') } },
    responses: {
      200: {
        description: 'Staged.',
        content: {
          'application/json': z.object({ batchId: z.string(), part: z.int(), bytes: described(z.int(), 'as received') }),
        },
      },
    },
    problems: {
      400: ['invalid-model-name', 'invalid-part', 'empty-input'],
      403: ['forbidden'],
      404: ['not-found'],
      409: ['batch-taken'],
      413: ['payload-too-large'],
    },
  },
  {
    method: 'post',
    path: '/v1/models/{model}/batches/{batchId}',
    operationId: 'completeBatch',
    summary: 'Completes a CSV batch: its parts become one upload, scored as any upload is',
    description:
      'The parts, in order, are written as `incoming/<model>/console/<batchId>.csv`: one record, one results file ' +
      '(`batch/…` in the results bucket), the columns and dialect as in a CSV upload. `?alias=` or `?version=` ' +
      'choose what scores it, as for a predict.',
    tag: 'Predictions',
    permission: 'model',
    parameters: [
      modelParameter,
      batchIdParameter,
      { name: 'alias', in: 'query', description: 'the alias to score with (default production)' },
      { name: 'version', in: 'query', description: 'a version to score with instead of an alias' },
    ],
    requestBody: {
      required: true,
      content: { 'application/json': z.object({ parts: described(z.int(), 'how many parts were sent') }) },
    },
    responses: { 202: { description: 'Uploaded; follow it.', content: { 'application/json': completedSchema } } },
    problems: {
      400: ['invalid-model-name', 'invalid-part', 'missing-part', 'invalid-json', 'json-too-deep'],
      403: ['forbidden'],
      404: ['not-found'],
      415: ['unsupported-media-type'],
    },
  },
  {
    method: 'get',
    path: '/v1/models/{model}/batches/{batchId}',
    operationId: 'batchStatus',
    summary: 'Where a completed batch is: queued, running (rows so far), or its outcome',
    tag: 'Predictions',
    permission: 'model',
    parameters: [modelParameter, batchIdParameter],
    responses: { 200: { description: 'The batch.', content: { 'application/json': statusSchema } } },
    // Another caller's batch is answered as absent: a batch id tells nothing about whose it is.
    problems: { 400: ['invalid-model-name'], 403: ['forbidden'], 404: ['not-found'] },
  },
  {
    method: 'get',
    path: '/v1/predictions/{id}/output',
    operationId: 'batchOutput',
    summary: 'A batch’s results file, to whoever sent it: its first rows and a download link',
    tag: 'Predictions',
    permission: 'model',
    parameters: [
      { name: 'id', in: 'path', required: true, description: 'the batch’s `predictionId`', schema: predictionIdSchema },
    ],
    responses: { 200: { description: 'The results.', content: { 'application/json': outputSchema } } },
    problems: { 404: ['not-found'] },
  },
];
