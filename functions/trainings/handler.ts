import { randomUUID } from 'node:crypto';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { BucketModels } from '../training/model-bucket';
import { checkTrainable } from '../training/trainable';
import { checkModelName, parseTrainingOptions, queuedTraining } from '../training/training-request';
import { createTrainingStore } from '../training/training-store-dynamodb';
import { publicTraining } from '../training/training-store';
import { createDocumentClient, createLambdaClient, createS3Client } from '../platform/aws';
import { loadConfig, trainingsConfigSchema } from '../platform/config';
import { InvalidInputError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../platform/errors';
import { apiHandler } from '../api/http/api-handler';
import { authorizeModel, authorizePermission, mayCall, type AuthenticatedContext, type Caller } from '../api/http/api-keys';
import { trainingIdSchema } from '../api/http/path-parameters';
import { encodeCursor } from '../api/http/cursor';
import { parseTrainingListQuery } from '../api/http/training-list-query';
import { json } from '../api/http/responses';
import { logger } from '../platform/telemetry';
import { ModelRegistry } from '../serving/registry';
import { quoteName } from '../platform/model-name';
import { decodeCsv, sniffDialect } from '../serving/tabular/csv-dialect';
import { columnName } from '../serving/tabular/spec';
import { createApiKeyVerifier, loadPseudonymiser } from '../wiring/wiring';
import { decide, parseApprovalBody, trainerOf } from './approval';
import { jsonBodyOf, mediaTypeOf, rawBody } from '../api/http/body';
import { subjectFromHeaders } from '../records/subject-id';

const config = loadConfig(trainingsConfigSchema);
const verifier = createApiKeyVerifier(config);
const s3 = createS3Client(config);
const lambda = createLambdaClient(config, 'sdk');
const trainings = createTrainingStore(createDocumentClient(config), config.TRAININGS_TABLE);
const models = new BucketModels(s3, config.MODELS_BUCKET);
/** The shipped models (the models layer): names a training may not take. */
const shipped = new ModelRegistry(config.MODELS_DIR);
const pseudonymiser = loadPseudonymiser();

/** The header row only: an unknown target is the request's fault, answered at once. */
function headerOf(body: Buffer): string[] {
  const head = decodeCsv(body.subarray(0, 64 * 1024), body.length <= 64 * 1024).text;
  try {
    const [header] = parse(head, { delimiter: sniffDialect(head).separator, bom: true, to_line: 1, trim: true }) as string[][];
    return (header ?? []).map(columnName);
  } catch {
    return [];
  }
}

/**
 * The media types a training table is taken in: `text/csv`, or `application/octet-stream` for a file that is not
 * UTF-8. API Gateway hands a `text/*` body to the function as UTF-8 text (serverless-offline too): a Windows-1252
 * byte (French Excel's « CSV (séparateur : point-virgule) ») is lost there, replaced by U+FFFD, before any code of
 * ours reads it; an octet-stream body comes base64-encoded, byte for byte, and is read as the S3 upload is.
 */
const TRAINING_MEDIA_TYPES = ['text/csv', 'application/octet-stream'];

async function startTraining(event: APIGatewayProxyEventV2, model: string, callerId: string) {
  const options = parseTrainingOptions(event.queryStringParameters ?? {});
  await checkTrainable(shipped, models, model);
  // The person the table is about, as for predictions: their export and erasure then reach it (#20.4).
  const subject = subjectFromHeaders(event.headers);
  if (!TRAINING_MEDIA_TYPES.includes(mediaTypeOf(event))) {
    throw new UnsupportedMediaTypeError(
      'Send the training table as text/csv with a header row (application/octet-stream for a file not in UTF-8).',
    );
  }
  if (!event.isBase64Encoded && event.body?.includes('\uFFFD')) {
    throw new InvalidInputError(
      'csv-not-utf8',
      'The text/csv body did not arrive as UTF-8 (a Windows-1252 export?): its accented letters were lost on the way. ' +
        'Send the file as application/octet-stream (its bytes are then kept and its encoding read), or save it as UTF-8.',
    );
  }
  const body = rawBody(event);
  if (body.length > config.TRAINING_MAX_BYTES) {
    throw new PayloadTooLargeError(`The body is ${body.length} bytes; the limit is ${config.TRAINING_MAX_BYTES}.`);
  }
  if (body.length === 0) throw new InvalidInputError('empty-input', 'The body is empty: send the CSV.');
  const header = headerOf(body);
  if (header.length > 1 && !header.includes(columnName(options.target))) {
    throw new InvalidInputError('unknown-target', `The CSV has no column '${options.target}'.`);
  }
  const trainingId = randomUUID();
  const inputKey = `training-requests/${model}/${trainingId}.csv`;
  await s3.send(new PutObjectCommand({ Bucket: config.UPLOADS_BUCKET, Key: inputKey, Body: body, ContentType: 'text/csv' }));
  const record = queuedTraining({
    trainingId,
    model,
    source: 'http',
    inputKey,
    options,
    callerId,
    subjectId: subject && (await pseudonymiser)(subject),
    now: new Date(),
    retentionDays: config.RETENTION_DAYS,
  });
  await trainings.create(record);
  await lambda.send(
    new InvokeCommand({
      FunctionName: config.TRAIN_FUNCTION_NAME,
      InvocationType: 'Event',
      Payload: Buffer.from(JSON.stringify({ trainingId })),
    }),
  );
  logger.info('training queued', { trainingId });
  const queued = json(202, { trainingId, status: 'queued' });
  // Where to follow it (RFC 9110 §15.3.3): a client polls that address instead of building it.
  return { ...queued, headers: { ...queued.headers, location: `/v1/trainings/${trainingId}` } };
}

/** A model's trainings, newest first, a page at a time (the training an S3 upload started: `inputKey`). */
async function listTrainings(event: APIGatewayProxyEventV2, caller: Caller) {
  const query = parseTrainingListQuery(event.queryStringParameters ?? {});
  authorizeModel(caller, query.model);
  const page = await trainings.listByModel(query.model, query);
  return json(200, { items: page.items.map(publicTraining), ...(page.next && { cursor: encodeCursor(page.next) }) });
}

/**
 *   POST /v1/models/{model}/trainings?target=…           a CSV body → 202 {trainingId, status: "queued"}
 *   GET  /v1/trainings?model=…[&inputKey&limit&cursor]    a model's trainings, newest first → {items, cursor?}
 *   GET  /v1/trainings/{trainingId}                       the training's state, report, leaderboard, metrics
 *   POST /v1/models/{model}/versions/{version}/approval  a person's decision (permission models:approve)
 */
async function lambdaHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const { caller } = context as AuthenticatedContext;
  const pseudonymise = await pseudonymiser;
  const callerPseudonym = pseudonymise(`api-key:${caller.keyId}`);
  const { model, version, trainingId } = event.pathParameters ?? {};
  if (trainingId !== undefined) {
    const record = trainingIdSchema.safeParse(trainingId).success ? await trainings.get(trainingId) : undefined;
    if (!record || !mayCall(caller, record.model)) {
      throw new NotFoundError(`No training '${quoteName(trainingId)}'.`);
    }
    return json(200, publicTraining(record));
  }
  if (model === undefined) return listTrainings(event, caller);
  checkModelName(model ?? '');
  authorizeModel(caller, model!);
  if (version === undefined) return startTraining(event, model!, callerPseudonym);
  authorizePermission(caller, 'models:approve');
  const body = parseApprovalBody(jsonBodyOf(event));
  const { metadata, audit } = await decide({ models, shipped }, model!, version, body, {
    now: new Date(),
    requestId: event.requestContext.requestId,
    callerPseudonym,
    approverPseudonym: pseudonymise(`approver:${body.approver}`),
    ...(config.VIGIE_TWO_PERSON_APPROVAL && { trainer: trainerOf(trainings) }),
  });
  logger.info('model-approval', { audit });
  return json(200, { model: metadata.name, version: metadata.version, approval: metadata.governance?.approval });
}

export const handler = apiHandler({ verifier }).handler(lambdaHandler);
