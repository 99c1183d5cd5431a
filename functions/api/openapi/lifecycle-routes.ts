import { aliasHistoryQuerySchema, aliasMoveBodySchema, aliasNameSchema, reasonBodySchema } from '../http/lifecycle-body';
import { aliasAtSchema, lifecycleAnswerSchema, replayAnswerSchema } from './lifecycle-schemas';
import { modelParameter, type RouteDoc } from './route-doc';

const aliasParameter = {
  name: 'alias',
  in: 'path' as const,
  required: true,
  description: 'the alias: `production`, `canary` or any name of lowercase letters, digits and hyphens',
  schema: aliasNameSchema,
};

const ifMatch = {
  name: 'If-Match',
  in: 'header' as const,
  description:
    'the `ETag` of `GET /v1/models/{model}` (e.g. `"12"`): the change applies only if nothing was written since, ' +
    'else 409 `concurrent-change`; without it, the race is settled from the moment the request reads the history',
};
const changed = {
  200: {
    description: 'The change, as now in the history.',
    content: { 'application/json': lifecycleAnswerSchema },
    headers: { ETag: 'the history’s number after this change, for the next `If-Match`' },
  },
};
const BODY_PROBLEMS = ['invalid-json', 'json-too-deep', 'invalid-body', 'invalid-if-match'];

/** A change to what a model serves with a `{reason}` body: rollback, disable, enable. */
function reasonRoute(
  action: string,
  route: Pick<RouteDoc, 'operationId' | 'summary' | 'description'>,
  conflicts: string[],
): RouteDoc {
  return {
    method: 'post',
    path: `/v1/models/{model}/${action}`,
    tag: 'Lifecycle',
    permission: 'models:manage',
    parameters: [modelParameter, ifMatch],
    requestBody: { required: true, content: { 'application/json': reasonBodySchema } },
    responses: changed,
    problems: {
      400: BODY_PROBLEMS,
      403: ['forbidden'],
      404: ['model-not-found'],
      409: ['concurrent-change', ...conflicts],
      415: ['unsupported-media-type'],
    },
    ...route,
  };
}

/** Changing what is served (functions/lifecycle, docs/architecture.md D19): aliases, their history, rollback, kill switch. */
export const LIFECYCLE_ROUTES: RouteDoc[] = [
  {
    method: 'put',
    path: '/v1/models/{model}/aliases/{alias}',
    operationId: 'moveAlias',
    summary: 'Point an alias at an approved version (production, canary with a weight, any other)',
    description:
      'One conditional write: of two moves made at once, one wins and the other gets 409 `concurrent-change`. ' +
      'The move is appended to the model’s history (from, to, weight, actor, reason, time) and audited; ' +
      'predictions follow it within a second. Production moved to the canary’s version ends the canary in the same ' +
      'event (a promotion).',
    tag: 'Lifecycle',
    permission: 'models:manage',
    parameters: [modelParameter, aliasParameter, ifMatch],
    requestBody: { required: true, content: { 'application/json': aliasMoveBodySchema } },
    responses: changed,
    problems: {
      400: [...BODY_PROBLEMS, 'invalid-alias'],
      403: ['forbidden'],
      404: ['model-not-found'],
      409: ['concurrent-change', 'version-not-approved'],
      415: ['unsupported-media-type'],
    },
  },
  {
    method: 'get',
    path: '/v1/models/{model}/aliases/{alias}/history',
    operationId: 'aliasAt',
    summary: 'Which version an alias pointed at at an instant',
    tag: 'Lifecycle',
    permission: 'model',
    parameters: [
      modelParameter,
      aliasParameter,
      { name: 'at', in: 'query', description: 'an ISO 8601 instant; now when absent', schema: aliasHistoryQuerySchema.shape.at },
    ],
    responses: { 200: { description: 'The alias then.', content: { 'application/json': aliasAtSchema } } },
    problems: { 400: ['invalid-alias', 'invalid-query'], 403: ['forbidden'], 404: ['model-not-found', 'alias-not-found'] },
  },
  reasonRoute(
    'rollback',
    {
      operationId: 'rollBack',
      summary: 'Put production back on the version it had before',
      description:
        'The version before the current one in production’s history (rollbacks undone in turn: 1 → 2 → 3, then 2, then 1).',
    },
    ['nothing-to-roll-back', 'version-not-approved'],
  ),
  reasonRoute(
    'disable',
    {
      operationId: 'disableModel',
      summary: 'Kill switch: every path answers 503 `model-disabled` for this model',
      description: 'Uploads for a disabled model are recorded `failed` with that code and kept, not quarantined.',
    },
    [],
  ),
  reasonRoute('enable', { operationId: 'enableModel', summary: 'Turn the kill switch off: the model answers again' }, []),
  {
    method: 'post',
    path: '/v1/models/{model}/replay',
    operationId: 'replayUploads',
    summary: 'Run the uploads held while disabled, and the dead-lettered ones, again: each exactly once',
    description:
      'Held uploads (records `failed` with `model-disabled`) and dead-lettered ones (the SQS queue in AWS, ' +
      '`.local/dead-letters/` locally) go through the preprocess function again; an upload whose record says how it ' +
      'ended is never run again, so a second replay runs nothing. A disabled model answers 503 `model-disabled`. ' +
      'The answer names what ran; `remaining` > 0 asks for another call. Audited as a `model-lifecycle` event.',
    tag: 'Lifecycle',
    permission: 'models:manage',
    parameters: [modelParameter],
    requestBody: { required: true, content: { 'application/json': reasonBodySchema } },
    responses: { 200: { description: 'What was run again.', content: { 'application/json': replayAnswerSchema } } },
    problems: {
      400: BODY_PROBLEMS,
      403: ['forbidden'],
      404: ['model-not-found'],
      415: ['unsupported-media-type'],
      503: ['model-disabled'],
    },
  },
];
