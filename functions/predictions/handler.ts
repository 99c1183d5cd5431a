import { createDocumentClient } from '../platform/aws';
import { predictionsConfigSchema, loadConfig } from '../platform/config';
import { NotFoundError } from '../platform/errors';
import { apiHandler } from '../api/http/api-handler';
import { authorizeModel, authorizePermission, mayCall, type AuthenticatedContext, type Caller } from '../api/http/api-keys';
import { encodeCursor } from '../api/http/cursor';
import { predictionIdSchema } from '../api/http/path-parameters';
import { parsePredictionListQuery } from '../api/http/prediction-list-query';
import { json } from '../api/http/responses';
import { createModelRecords } from '../records/model-records-dynamodb';
import { createPredictionStore } from '../records/records-dynamodb';
import { listedRecord } from '../records/records';
import { createPredictionStats } from '../records/prediction-stats-dynamodb';
import { parseStatsQuery } from '../api/http/stats-query';
import { modelStats } from '../monitoring/stats';
import { MODEL_NAME } from '../platform/model-name';
import { createApiKeyVerifier } from '../wiring/wiring';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

const config = loadConfig(predictionsConfigSchema);
const documents = createDocumentClient(config);
const store = createPredictionStore(documents, config.PREDICTIONS_TABLE);
const modelRecords = createModelRecords(documents, config.PREDICTIONS_TABLE);
const stats = createPredictionStats(documents, config.STATS_TABLE);
const verifier = createApiKeyVerifier(config);

/**
 * A model's records, newest first, a page at a time, as stored (pseudonyms, never a raw identifier). Reading what
 * everyone asked a model takes `predictions:read` on top of the model itself.
 */
async function listPredictions(event: APIGatewayProxyEventV2, caller: Caller) {
  const listing = parsePredictionListQuery(event.queryStringParameters ?? {}, new Date());
  authorizeModel(caller, listing.query.model);
  authorizePermission(caller, 'predictions:read');
  const page = await modelRecords.page(listing.query, listing);
  return json(200, { items: page.items.map(listedRecord), ...(page.next && { cursor: encodeCursor(page.next) }) });
}

/** A model's statistics over time (#24), from its hourly counters: the same permission as its records. */
async function getStats(event: APIGatewayProxyEventV2, caller: Caller) {
  const model = event.pathParameters?.model ?? '';
  // No model has such a name, and DynamoDB would refuse it as a key (a 500).
  if (!MODEL_NAME.test(model)) throw new NotFoundError(`No model '${model.slice(0, 64)}'.`);
  authorizeModel(caller, model);
  authorizePermission(caller, 'predictions:read');
  const { interval, ...range } = parseStatsQuery(event.queryStringParameters ?? {}, new Date());
  return json(200, await modelStats(stats, model, range, interval));
}

/**
 *   GET /v1/predictions/{id}: one stored record, as written. A key sees only the predictions of the models it may
 *     call; another model's record is answered as absent (404), so a key cannot learn which ids exist.
 *   GET /v1/predictions?model&version&status&source&from&to&limit&cursor → {items, cursor?}
 *   GET /v1/models/{model}/stats?from&to&interval → {model, from, to, interval, series}
 */
async function lambdaHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const { caller } = context as AuthenticatedContext;
  if (event.pathParameters?.model !== undefined) return getStats(event, caller);
  const id = event.pathParameters?.id;
  if (id === undefined) return listPredictions(event, caller);
  const record = predictionIdSchema.safeParse(id).success ? await store.get(id) : undefined;
  if (!record || !mayCall(caller, record.model)) throw new NotFoundError(`No prediction with id '${id}'.`);
  return json(200, listedRecord(record));
}

export const handler = apiHandler({ verifier }).handler(lambdaHandler);
