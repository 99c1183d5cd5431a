import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { apiHandler } from '../api/http/api-handler';
import { authorizeModel, mayCall, type AuthenticatedContext, type Caller } from '../api/http/api-keys';
import { jsonBodyOf, rawBody } from '../api/http/body';
import { predictionIdSchema } from '../api/http/path-parameters';
import { json } from '../api/http/responses';
import { createDocumentClient, createS3Client } from '../platform/aws';
import { batchesConfigSchema, loadConfig } from '../platform/config';
import { NotFoundError } from '../platform/errors';
import { createPredictionStore } from '../records/records-dynamodb';
import { checkModelName } from '../training/training-request';
import { checkBatchId, checkPart, checkPartCount, checkPartSize } from '../uploads/staged-batch';
import {
  completeBatch,
  completedBatch,
  downloadUrl,
  DOWNLOAD_URL_SECONDS,
  outputHead,
  stagePart,
} from '../uploads/staged-batch-s3';
import { createApiKeyVerifier, loadPseudonymiser } from '../wiring/wiring';

const config = loadConfig(batchesConfigSchema);
const verifier = createApiKeyVerifier(config);
const pseudonymiser = loadPseudonymiser();
const s3 = createS3Client(config);
const store = createPredictionStore(createDocumentClient(config), config.PREDICTIONS_TABLE);

/** The rows a results file's head shows: what the console lists on screen. */
const HEAD_ROWS = 20;

/** Who staged and completed a batch, as S3's `requested-by` holds it: the key's id, pseudonymised like any caller. */
const ownerOf = (caller: Caller) => `api-key:${caller.keyId}`;

/**
 * A batch's results, to whoever sent it: the file's first rows and a short-lived download link. Anyone else, and a
 * prediction with no results file (yet), gets the same 404: an id tells nothing about whose it is.
 */
async function output(id: string, caller: Caller): Promise<APIGatewayProxyStructuredResultV2> {
  const record = predictionIdSchema.safeParse(id).success ? await store.get(id) : undefined;
  const outputKey = record?.result && 'outputKey' in record.result ? record.result.outputKey : undefined;
  const mine = record && record.callerId === (await pseudonymiser)(ownerOf(caller));
  if (!record || !outputKey || !mine || !mayCall(caller, record.model))
    throw new NotFoundError(`No results file of yours for prediction '${id.slice(0, 64)}' (yet).`);
  const name = `predictions-${id.slice(0, 8)}.csv`;
  return json(200, {
    predictionId: id,
    outputKey,
    head: await outputHead(s3, config.RESULTS_BUCKET, outputKey, HEAD_ROWS),
    downloadUrl: await downloadUrl(s3, config.RESULTS_BUCKET, outputKey, name),
    expiresAt: new Date(Date.now() + DOWNLOAD_URL_SECONDS * 1000).toISOString(),
  });
}

/**
 * Where a completed batch is: `queued` until its upload's run claims it, then its record's status, rows scored so
 * far, and at the end its figures, refusal or time warnings. Answered 200 all along, so a follower polls one route.
 */
async function batchStatus(model: string, batchId: string, caller: Caller): Promise<APIGatewayProxyStructuredResultV2> {
  const batch = await completedBatch(s3, config.UPLOADS_BUCKET, { model, batchId, owner: ownerOf(caller) });
  if (!batch) throw new NotFoundError(`No completed batch '${batchId}' of yours for model '${model}'.`);
  const record = await store.get(batch.predictionId);
  if (!record) return json(200, { batchId, ...batch, status: 'queued' });
  const { status, processedRows, result, error, timeWarnings, timeWarningCount } = record as typeof record & {
    processedRows?: number;
  };
  return json(200, {
    batchId,
    ...batch,
    status,
    ...(processedRows !== undefined && { processedRows }),
    ...(result && 'rows' in result && { rows: result.rows, rejectedRows: result.rejectedRows }),
    ...(error && { error }),
    ...(timeWarningCount !== undefined && { timeWarnings, timeWarningCount }),
  });
}

/**
 *   PUT  /v1/models/{model}/batches/{batchId}/parts/{part}  (the CSV's bytes, ≤ 4,000,000 a part) → {batchId, part, bytes}
 *   POST /v1/models/{model}/batches/{batchId}  {"parts": n}  → 202 {batchId, predictionId, inputKey}
 *   GET  /v1/models/{model}/batches/{batchId} → {batchId, predictionId, inputKey, status, processedRows?, rows?, …}
 *   GET  /v1/predictions/{id}/output → {predictionId, outputKey, head, downloadUrl, expiresAt}
 * Sending a batch takes the same right as predicting with its model; its progress is its record's (GET
 * /v1/predictions/{id}: `status`, `processedRows`).
 */
async function lambdaHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const { caller } = context as AuthenticatedContext;
  const { model, batchId = '', part, id } = event.pathParameters ?? {};
  if (id !== undefined) return output(id, caller);
  checkModelName(model ?? '');
  authorizeModel(caller, model!);
  checkBatchId(batchId);
  if (event.requestContext.http.method === 'GET') return batchStatus(model!, batchId, caller);
  if (part !== undefined) {
    const bytes = rawBody(event);
    checkPartSize(bytes.length);
    const n = checkPart(part);
    await stagePart(s3, config.UPLOADS_BUCKET, { model: model!, batchId, part: n, bytes, owner: ownerOf(caller) });
    return json(200, { batchId, part: n, bytes: bytes.length });
  }
  const parts = checkPartCount(jsonBodyOf(event));
  const { alias, version } = event.queryStringParameters ?? {};
  const completed = await completeBatch(s3, config.UPLOADS_BUCKET, {
    model: model!,
    batchId,
    parts,
    owner: ownerOf(caller),
    metadata: { ...(alias && { alias }), ...(version && { version }) },
  });
  return json(202, { batchId, ...completed });
}

export const handler = apiHandler({ verifier }).handler(lambdaHandler);
