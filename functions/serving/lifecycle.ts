import { AUDIT_SCHEMA_VERSION, type ModelLifecycleAuditEvent } from '../records/audit';
import { AliasNotFoundError, ConflictError, ModelNotFoundError } from '../platform/errors';
import {
  concurrentChange,
  DEFAULT_ALIAS,
  EMPTY_STATE,
  rollbackTarget,
  type AliasStore,
  type LifecycleEvent,
  type LifecycleState,
} from './aliases';
import { approvalOf, type ModelRegistry } from './registry';
import { CANARY_ALIAS } from './routing';

/**
 * The changes people make to what a model serves: move an alias, roll production back, turn the kill switch on or
 * off. Each reads the newest event, checks what it is about, then appends the next event in one conditional
 * write: of two changes made at once, the second to write gets 409 `concurrent-change` and changes nothing.
 */

export interface LifecycleDeps {
  store: AliasStore;
  registry: Pick<ModelRegistry, 'knows' | 'inspect' | 'resolve'>;
  now: () => Date;
}

/** Who acts and why: the key's id goes into the history, its pseudonym into the audit trail. */
export interface LifecycleActor {
  keyId: string;
  callerPseudonym: string;
  requestId: string;
  reason: string;
  /**
   * The number of the newest event the person saw (`If-Match`, from the ETag of GET /v1/models/{model}): the
   * change is refused if anything was written since. Without it, the race is settled from this request's own read.
   */
  expectedSeq?: number;
}

export interface LifecycleChange {
  event: LifecycleEvent;
  audit: ModelLifecycleAuditEvent;
}

type EventBody = Pick<
  LifecycleEvent,
  'action' | 'alias' | 'from' | 'fromNewestApproved' | 'to' | 'weight' | 'evidence' | 'state'
>;

async function knownModel(deps: LifecycleDeps, model: string) {
  if (!(await deps.registry.knows(model))) throw new ModelNotFoundError(model);
}

/** An alias may point only at a version that exists (404) and is approved now (409). */
async function checkServable(deps: LifecycleDeps, model: string, version: string) {
  const entry = await deps.registry.inspect(model, version);
  const status = approvalOf(entry);
  if (status !== 'approved') {
    throw new ConflictError(
      'version-not-approved',
      `Version ${version} of '${model}' is ${status}: only an approved version can be served.`,
    );
  }
}

async function append(
  deps: { store: Pick<AliasStore, 'append'>; now: () => Date },
  model: string,
  latest: LifecycleEvent | undefined,
  body: EventBody,
  actor: LifecycleActor,
): Promise<LifecycleChange> {
  if (actor.expectedSeq !== undefined && actor.expectedSeq !== (latest?.seq ?? 0)) throw concurrentChange(model);
  const at = deps.now().toISOString();
  // Fields left undefined are not stored (the document client drops them) nor answered (JSON drops them).
  const event: LifecycleEvent = { model, seq: (latest?.seq ?? 0) + 1, ...body, actor: actor.keyId, reason: actor.reason, at };
  if (!(await deps.store.append(event))) throw concurrentChange(model);
  return {
    event,
    audit: {
      event: 'model-lifecycle',
      schemaVersion: AUDIT_SCHEMA_VERSION,
      timestamp: at,
      requestId: actor.requestId,
      callerPseudonym: actor.callerPseudonym,
      model,
      action: event.action,
      seq: event.seq,
      alias: event.alias,
      from: event.from,
      to: event.to,
      weight: event.weight,
      reason: actor.reason,
    },
  };
}

/** The aliases less the canary: a promoted or withdrawn canary takes no share any more. */
function withoutCanary(aliases: LifecycleState['aliases']): LifecycleState['aliases'] {
  const rest = { ...aliases };
  delete rest[CANARY_ALIAS];
  return rest;
}

/**
 * Points an alias at an approved version (`PUT /v1/models/{model}/aliases/{alias}`). Production's first move
 * records what it replaces: the newest approved version, which the model served until then. Production moved to
 * the canary's version is the canary promoted: the same event ends the canary, whose share would compare a
 * version with itself (`vigie models promote` leaves no canary behind).
 */
export async function moveAlias(
  deps: LifecycleDeps,
  model: string,
  alias: string,
  target: { version: string; weight?: number },
  actor: LifecycleActor,
): Promise<LifecycleChange> {
  await knownModel(deps, model);
  // Read first: what this move replaces, and the number its event claims.
  const latest = await deps.store.latest(model);
  await checkServable(deps, model, target.version);
  const state = latest?.state ?? EMPTY_STATE;
  let from = state.aliases[alias]?.version;
  let fromNewestApproved: true | undefined;
  if (from === undefined && alias === DEFAULT_ALIAS) {
    from = await deps.registry.resolve(model).then(
      (entry) => entry.metadata.version,
      () => undefined,
    );
    fromNewestApproved = from === undefined ? undefined : true;
  }
  const promoted = alias === DEFAULT_ALIAS && state.aliases[CANARY_ALIAS]?.version === target.version;
  const next: LifecycleState = {
    ...state,
    aliases: { ...(promoted ? withoutCanary(state.aliases) : state.aliases), [alias]: target },
  };
  return append(
    deps,
    model,
    latest,
    { action: 'move', alias, from, fromNewestApproved, to: target.version, weight: target.weight, state: next },
    actor,
  );
}

/** Production back to the version it had before (`POST /v1/models/{model}/rollback`), as the history says. */
export async function rollBack(deps: LifecycleDeps, model: string, actor: LifecycleActor): Promise<LifecycleChange> {
  await knownModel(deps, model);
  const history = await deps.store.history(model);
  const latest = history.at(-1);
  const target = rollbackTarget(history);
  if (!latest || target === undefined) {
    throw new ConflictError('nothing-to-roll-back', `Production of '${model}' has no earlier version in its history.`);
  }
  await checkServable(deps, model, target);
  const { state } = latest;
  const current = state.aliases[DEFAULT_ALIAS];
  const next: LifecycleState = { ...state, aliases: { ...state.aliases, [DEFAULT_ALIAS]: { version: target } } };
  return append(
    deps,
    model,
    latest,
    { action: 'rollback', alias: DEFAULT_ALIAS, from: current?.version, to: target, state: next },
    actor,
  );
}

/**
 * The canary withdrawn (its alias removed, weight 0): what the guard does when the canary does worse than
 * production (functions/monitoring/canary-guard-pass.ts), with the figures that decided it as the event's evidence.
 * `actor.expectedSeq` is the event the guard judged: if anyone changed the model since, nothing is written (409).
 */
export async function withdrawCanary(
  deps: { store: Pick<AliasStore, 'latest' | 'append'>; now: () => Date },
  model: string,
  actor: LifecycleActor,
  evidence: Record<string, unknown>,
): Promise<LifecycleChange> {
  const latest = await deps.store.latest(model);
  const canary = latest?.state.aliases[CANARY_ALIAS];
  if (!latest || !canary) throw new AliasNotFoundError(model, CANARY_ALIAS);
  const aliases = withoutCanary(latest.state.aliases);
  return append(
    deps,
    model,
    latest,
    { action: 'rollback', alias: CANARY_ALIAS, from: canary.version, weight: 0, evidence, state: { ...latest.state, aliases } },
    actor,
  );
}

/** The kill switch (`POST /v1/models/{model}/disable` and `/enable`): every path refuses a disabled model. */
export async function switchModel(
  deps: LifecycleDeps,
  model: string,
  disabled: boolean,
  actor: LifecycleActor,
): Promise<LifecycleChange> {
  await knownModel(deps, model);
  const latest = await deps.store.latest(model);
  const state = latest?.state ?? EMPTY_STATE;
  return append(deps, model, latest, { action: disabled ? 'disable' : 'enable', state: { ...state, disabled } }, actor);
}
