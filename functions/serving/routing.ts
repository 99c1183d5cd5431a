import { createHash } from 'node:crypto';
import { AliasNotFoundError, InvalidInputError, ModelDisabledError } from '../platform/errors';
import { MODEL_NAME, quoteName } from '../platform/model-name';
import { DEFAULT_ALIAS, type LifecycleState } from './aliases';

/** What a prediction asked for: an alias or a version (or neither: production), and what its canary share hashes. */
export interface RouteRequest {
  alias?: string;
  version?: string;
  /** The subject's pseudonym when there is one, else the prediction's id: one person, one arm of a canary. */
  shareKey?: string;
}

/** The version to serve (undefined: the newest approved one) and the alias that chose it, if any. */
export interface RouteChoice {
  version?: string;
  alias?: string;
  /** The version that also scores this request after its answer (`shadow` alias, its share of production's traffic). */
  shadow?: string;
}

/**
 * What a request asks the router: its alias or version, and the key of its canary share (the subject's pseudonym,
 * so one person sees one version; else the prediction's id, which an upload keeps across redeliveries).
 */
export const routeOf = (request: {
  version?: string;
  alias?: string;
  subjectId?: string;
  predictionId: string;
}): RouteRequest => ({ version: request.version, alias: request.alias, shareKey: request.subjectId ?? request.predictionId });

export const CANARY_ALIAS = 'canary';
export const SHADOW_ALIAS = 'shadow';

/** Which of 100 buckets a key falls in: the same key always the same bucket, keys spread evenly. */
export function shareBucket(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % 100;
}

/**
 * The routing decision, on the lifecycle state of the moment: the kill switch first (whatever was asked), then
 * a version asked by name, then the alias asked, else production, with the canary's share of that default
 * traffic. Production without an alias of its own is the newest approved version (what Vigie served before
 * aliases). Whether the version chosen is approved is the registry's check, made after this.
 */
export function chooseRoute(model: string, state: LifecycleState, asked: RouteRequest): RouteChoice {
  if (state.disabled) throw new ModelDisabledError(model);
  if (asked.version !== undefined) return { version: asked.version };
  if (asked.alias !== undefined && !MODEL_NAME.test(asked.alias)) {
    throw new InvalidInputError(
      'invalid-alias',
      `'${quoteName(asked.alias)}' is no alias name: lowercase letters, digits and hyphens.`,
    );
  }
  const alias = asked.alias ?? DEFAULT_ALIAS;
  const canary = state.aliases[CANARY_ALIAS];
  if (asked.alias === undefined && canary?.weight && asked.shareKey && shareBucket(asked.shareKey) < canary.weight) {
    return { version: canary.version, alias: CANARY_ALIAS };
  }
  const target = state.aliases[alias];
  if (!target && alias !== DEFAULT_ALIAS) {
    throw new AliasNotFoundError(model, alias);
  }
  const shadow = alias === DEFAULT_ALIAS ? shadowOf(state, asked.shareKey) : undefined;
  return { version: target?.version, alias, ...(shadow !== undefined && { shadow }) };
}

/**
 * The shadow's share of production's requests: the same hash as the canary's, counted from the top bucket down
 * (bucket ≥ 100 − weight) while the canary takes the bottom ones, so the two never claim the same requests as long
 * as their weights add up to 100 at most; a person is shadowed on every request or on none.
 */
function shadowOf(state: LifecycleState, shareKey: string | undefined): string | undefined {
  const shadow = state.aliases[SHADOW_ALIAS];
  if (!shadow?.weight || !shareKey || shareBucket(shareKey) < 100 - shadow.weight) return undefined;
  return shadow.version;
}
