import { ConflictError } from '../platform/errors';

/**
 * A model's lifecycle as an append-only log (docs/architecture.md, D19): every alias move, rollback, disable and
 * enable is one event, numbered from 1, never edited, and carries the state it leaves behind, so the newest event
 * alone says what is served (one read per refresh) and the whole log answers "what did this alias point at, then".
 * Writing event n + 1 only if it does not exist yet is what settles two people acting at once: one wins.
 */

/** Where an alias points: an approved version, and for `canary` the share of default traffic it takes. */
export interface AliasTarget {
  version: string;
  /** Percent of the requests that name no alias or version (`canary`); kept as given for the others. */
  weight?: number;
}

/** What is served after an event: the aliases, and whether the kill switch is on. */
export interface LifecycleState {
  aliases: Record<string, AliasTarget>;
  disabled: boolean;
}

export type LifecycleAction = 'move' | 'rollback' | 'disable' | 'enable';

export interface LifecycleEvent {
  model: string;
  /** 1, 2, 3…: the table's sort key; the next event's number is claimed by a conditional write. */
  seq: number;
  action: LifecycleAction;
  /** Moves and rollbacks: the alias moved, from which version to which. */
  alias?: string;
  from?: string;
  /** True when `from` was no alias but the rule it replaced: the newest approved version. */
  fromNewestApproved?: boolean;
  to?: string;
  weight?: number;
  /** The API key's id (never the key). */
  actor: string;
  reason: string;
  /** ISO time the event was written. */
  at: string;
  /** The figures behind an automatic move (the canary guard); absent for a person's. */
  evidence?: Record<string, unknown>;
  state: LifecycleState;
}

/** The port the lifecycle is kept through; aliases-dynamodb.ts is its DynamoDB adapter. */
export interface AliasStore {
  /** The newest event of the model (a strongly consistent read), or undefined when none was ever written. */
  latest(model: string): Promise<LifecycleEvent | undefined>;
  /** Every event of the model, oldest first. */
  history(model: string): Promise<LifecycleEvent[]>;
  /** Writes the event unless one of its number exists: false when another writer took that number first. */
  append(event: LifecycleEvent): Promise<boolean>;
}

export const EMPTY_STATE: LifecycleState = { aliases: {}, disabled: false };

/** The alias a prediction takes when it names neither an alias nor a version. */
export const DEFAULT_ALIAS = 'production';

/**
 * The version production had before its current one, skipping what rollbacks undid: after 1 → 2 → 3, a rollback
 * goes to 2, a second one to 1. Undefined when production has no earlier version.
 */
export function rollbackTarget(history: LifecycleEvent[]): string | undefined {
  const earlier: Array<string | undefined> = [];
  for (const event of history) {
    if (event.alias !== DEFAULT_ALIAS) continue;
    if (event.action === 'rollback') earlier.pop();
    else if (event.action === 'move') earlier.push(event.from);
  }
  return earlier.at(-1);
}

/** The version an alias pointed at at an instant (the auditor's question), from the log; undefined before it existed. */
export function aliasAt(history: LifecycleEvent[], alias: string, at: Date): string | undefined {
  let version: string | undefined;
  for (const event of history) {
    if (Date.parse(event.at) > at.getTime()) break;
    version = event.state.aliases[alias]?.version;
  }
  return version;
}

/** An event as the API shows it: everything but the state snapshot (which `aliases` and `disabled` show). */
export function publicEvent(event: LifecycleEvent) {
  const { seq, action, alias, from, fromNewestApproved, to, weight, actor, reason, at, evidence } = event;
  return { seq, action, alias, from, fromNewestApproved, to, weight, actor, reason, at, evidence };
}

/** The alias moves of the log, oldest first, as `GET /v1/models/{model}` shows them (`aliasHistory`). */
export const aliasMoves = (history: LifecycleEvent[]) =>
  history.filter((event) => event.action === 'move' || event.action === 'rollback').map(publicEvent);

/** The ETag of a model's lifecycle: its newest event's number (0 before any), which `If-Match` sends back. */
export const lifecycleETag = (seq: number | undefined) => `"${seq ?? 0}"`;

/** What a writer that lost the race hears: someone else changed the model's lifecycle meanwhile. */
export const concurrentChange = (model: string) =>
  new ConflictError(
    'concurrent-change',
    `Another change to '${model}' was written at the same moment and won: read GET /v1/models/${model} and try again.`,
  );
