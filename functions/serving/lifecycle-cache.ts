import { performance } from 'node:perf_hooks';
import { EMPTY_STATE, type AliasStore, type LifecycleState } from './aliases';

/** What a prediction path asks of the lifecycle: the state to route by, at most `maxAgeMs` old. */
export interface LifecycleReader {
  current(model: string): Promise<LifecycleState>;
}

interface Entry {
  /** When the read that produced `state` started: its age is counted from there, never from its answer. */
  readAt: number;
  state: Promise<LifecycleState>;
  refreshing?: Promise<void>;
}

/**
 * The lifecycle state per model, cached per container (docs/architecture.md, D19): a prediction never waits on
 * the table while its copy is younger than `refreshAfterMs`; between that and `maxAgeMs` it is served the copy
 * while one read refreshes it behind; past `maxAgeMs` it waits for a fresh read. So a container sees an alias
 * move or a kill switch within `maxAgeMs` (1 s), and under traffic within about `refreshAfterMs`, at one read per
 * model and container every `refreshAfterMs` at most. A failed refresh keeps the copy until it is too old.
 */
export function cachedLifecycle(
  store: Pick<AliasStore, 'latest'>,
  { maxAgeMs = 1_000, refreshAfterMs = 200, now = () => performance.now() } = {},
): LifecycleReader {
  const entries = new Map<string, Entry>();
  const read = (model: string): Entry => {
    const entry: Entry = { readAt: now(), state: store.latest(model).then((event) => event?.state ?? EMPTY_STATE) };
    // A failed read is not kept: the next prediction reads again (and fails with the reason if it still fails).
    entry.state.catch(() => entries.get(model) === entry && entries.delete(model));
    return entry;
  };
  return {
    async current(model) {
      const cached = entries.get(model);
      const age = cached ? now() - cached.readAt : Infinity;
      if (!cached || age >= maxAgeMs) {
        const fresh = read(model);
        entries.set(model, fresh);
        return fresh.state;
      }
      if (age >= refreshAfterMs && !cached.refreshing) {
        const next = read(model);
        cached.refreshing = next.state.then(
          () => void entries.set(model, next),
          () => void (cached.refreshing = undefined),
        );
      }
      return cached.state;
    },
  };
}
