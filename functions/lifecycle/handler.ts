import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createDocumentClient } from '../platform/aws';
import { lifecycleConfigSchema, loadConfig } from '../platform/config';
import { AliasNotFoundError, InvalidInputError, ModelNotFoundError } from '../platform/errors';
import { logger } from '../platform/telemetry';
import { apiHandler } from '../api/http/api-handler';
import { authorizeModel, authorizePermission, type AuthenticatedContext } from '../api/http/api-keys';
import { jsonBodyOf } from '../api/http/body';
import {
  aliasHistoryQuerySchema,
  aliasMoveBodySchema,
  aliasNameSchema,
  parseLifecycleBody,
  reasonBodySchema,
} from '../api/http/lifecycle-body';
import { json } from '../api/http/responses';
import { aliasAt, DEFAULT_ALIAS, lifecycleETag, publicEvent } from '../serving/aliases';
import { createAliasStore } from '../serving/aliases-dynamodb';
import { moveAlias, rollBack, switchModel, type LifecycleChange, type LifecycleDeps } from '../serving/lifecycle';
import { createApiKeyVerifier, createModelRegistry, loadPseudonymiser } from '../wiring/wiring';
import { createReplayDeps } from '../wiring/replay-deps';
import { replayRoute } from './replay';

const config = loadConfig(lifecycleConfigSchema);
const verifier = createApiKeyVerifier(config);
const store = createAliasStore(createDocumentClient(config), config.ALIASES_TABLE);
const registry = createModelRegistry(config);
const deps: LifecycleDeps = { store, registry, now: () => new Date() };
const pseudonymiser = loadPseudonymiser();
const replay = createReplayDeps(config);

const answer = (model: string, { event, audit }: LifecycleChange) => {
  logger.info('model-lifecycle', { audit });
  const answered = json(200, { model, change: publicEvent(event), aliases: event.state.aliases, disabled: event.state.disabled });
  return { ...answered, headers: { ...answered.headers, etag: lifecycleETag(event.seq) } };
};

/** `If-Match: "12"`: the change applies only if event 12 is still the newest (RFC 9110 §13.1.1); `*` asks nothing. */
function expectedSeq(event: APIGatewayProxyEventV2): number | undefined {
  const header = event.headers?.['if-match']?.trim();
  if (header === undefined || header === '*') return undefined;
  const seq = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header)?.[1];
  if (seq === undefined)
    throw new InvalidInputError('invalid-if-match', 'If-Match takes the ETag of GET /v1/models/{model}, e.g. "12".');
  return Number(seq);
}

/** `GET …/aliases/{alias}/history?at=`: the version the alias pointed at at that instant (now when absent). */
async function aliasHistory(event: APIGatewayProxyEventV2, model: string, alias: string) {
  const query = aliasHistoryQuerySchema.safeParse(event.queryStringParameters ?? {});
  if (!query.success)
    throw new InvalidInputError('invalid-query', 'Send ?at= as an ISO 8601 instant, e.g. 2026-12-03T10:00:00Z.');
  if (!(await registry.knows(model))) throw new ModelNotFoundError(model);
  const at = query.data.at === undefined ? new Date() : new Date(query.data.at);
  const version = aliasAt(await store.history(model), alias, at);
  // Production before any move: the model served its newest approved version, a rule rather than a version.
  if (version === undefined && alias !== DEFAULT_ALIAS) throw new AliasNotFoundError(model, alias);
  return json(200, {
    alias,
    version: version ?? null,
    at: at.toISOString(),
    ...(version === undefined && { rule: 'newest-approved' }),
  });
}

/**
 *   PUT  /v1/models/{model}/aliases/{alias}           {version, weight?, reason} → the move (permission models:manage)
 *   GET  /v1/models/{model}/aliases/{alias}/history   ?at=<ISO> → {alias, version, at}
 *   POST /v1/models/{model}/rollback|disable|enable   {reason} (permission models:manage)
 *   POST /v1/models/{model}/replay                    {reason} → the held and dead-lettered uploads run again
 */
async function lambdaHandler(event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> {
  const { caller } = context as AuthenticatedContext;
  const { model = '', alias } = event.pathParameters ?? {};
  authorizeModel(caller, model);
  if (alias !== undefined && !aliasNameSchema.safeParse(alias).success) {
    throw new InvalidInputError(
      'invalid-alias',
      'An alias is named as a model is: lowercase letters, digits and hyphens, up to 64.',
    );
  }
  if (event.requestContext.http.method === 'GET') return aliasHistory(event, model, alias!);
  authorizePermission(caller, 'models:manage');
  // Approvals as they are now: a version approved a moment ago can be put in production at once.
  registry.trained?.forget();
  const actor = (reason: string) =>
    pseudonymiser.then((pseudonymise) => ({
      keyId: caller.keyId,
      callerPseudonym: pseudonymise(`api-key:${caller.keyId}`),
      requestId: event.requestContext.requestId,
      reason,
      expectedSeq: expectedSeq(event),
    }));
  const body = jsonBodyOf(event);
  if (alias !== undefined) {
    const move = parseLifecycleBody(aliasMoveBodySchema, body, '{"version": "x.y.z", "weight"?: 1-100, "reason": "…"}');
    const target = { version: move.version, ...(move.weight !== undefined && { weight: move.weight }) };
    return answer(model, await moveAlias(deps, model, alias, target, await actor(move.reason)));
  }
  const { reason } = parseLifecycleBody(reasonBodySchema, body, '{"reason": "…"}');
  const action = event.rawPath.split('/').at(-1);
  if (action === 'replay') return replayRoute({ store, registry, replay }, model, await actor(reason), context);
  if (action === 'rollback') return answer(model, await rollBack(deps, model, await actor(reason)));
  return answer(model, await switchModel(deps, model, action === 'disable', await actor(reason)));
}

export const handler = apiHandler({ verifier }).handler(lambdaHandler);
