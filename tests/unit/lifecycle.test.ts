import { describe, expect, it } from 'vitest';
import { aliasAt, rollbackTarget, type LifecycleEvent, type LifecycleState } from '../../functions/serving/aliases';
import { cachedLifecycle } from '../../functions/serving/lifecycle-cache';
import { chooseRoute, shareBucket } from '../../functions/serving/routing';

/** The lifecycle's pure parts: the history's answers, the routing decision, the cache's bounds. */

const state = (aliases: LifecycleState['aliases'], disabled = false): LifecycleState => ({ aliases, disabled });

function log(...steps: Array<[LifecycleEvent['action'], string | undefined, string | undefined, string]>): LifecycleEvent[] {
  let aliases: LifecycleState['aliases'] = {};
  return steps.map(([action, from, to, at], i) => {
    if (to) aliases = { ...aliases, production: { version: to } };
    return { model: 'm', seq: i + 1, action, alias: 'production', from, to, actor: 'k', reason: 'r', at, state: state(aliases) };
  });
}

describe('rollbackTarget', () => {
  it('goes back one version per rollback, undoing rollbacks in turn: 1 → 2 → 3, then 2, then 1, then nothing', () => {
    // Prepare
    const moves = log(['move', '1', '2', '2026-01-01T00:00:00Z'], ['move', '2', '3', '2026-01-02T00:00:00Z']);
    // Act / Assess
    expect(rollbackTarget(moves)).toBe('2');
    const once = [...moves, ...log(['rollback', '3', '2', '2026-01-03T00:00:00Z'])];
    expect(rollbackTarget(once)).toBe('1');
    const twice = [...once, ...log(['rollback', '2', '1', '2026-01-04T00:00:00Z'])];
    expect(rollbackTarget(twice)).toBeUndefined();
  });

  it('ignores other aliases and the kill switch', () => {
    const events = log(['move', '1', '2', '2026-01-01T00:00:00Z']);
    events.push({ ...events[0]!, seq: 2, alias: 'canary', from: '7', to: '9' });
    events.push({ ...events[0]!, seq: 3, action: 'disable', alias: undefined, from: undefined, to: undefined });
    expect(rollbackTarget(events)).toBe('1');
  });
});

describe('aliasAt', () => {
  it('answers the version of the newest event at or before the instant, undefined before the first', () => {
    const events = log(['move', '1', '2', '2026-01-01T00:00:00Z'], ['move', '2', '3', '2026-01-02T00:00:00Z']);
    expect(aliasAt(events, 'production', new Date('2025-12-31T23:59:59Z'))).toBeUndefined();
    expect(aliasAt(events, 'production', new Date('2026-01-01T00:00:00Z'))).toBe('2');
    expect(aliasAt(events, 'production', new Date('2026-01-01T12:00:00Z'))).toBe('2');
    expect(aliasAt(events, 'production', new Date('2026-01-05T00:00:00Z'))).toBe('3');
    expect(aliasAt(events, 'canary', new Date('2026-01-05T00:00:00Z'))).toBeUndefined();
  });
});

describe('chooseRoute', () => {
  const aliased = state({ production: { version: '1.0.0' }, canary: { version: '2.0.0', weight: 30 } });

  it('refuses a disabled model whatever is asked', () => {
    for (const asked of [{}, { version: '1.0.0' }, { alias: 'production' }]) {
      expect(() => chooseRoute('m', state({}, true), asked)).toThrow(
        expect.objectContaining({ code: 'model-disabled', status: 503 }),
      );
    }
  });

  it('serves a version by name without an alias, an alias by name, production by default (newest approved without it)', () => {
    expect(chooseRoute('m', aliased, { version: '3.0.0' })).toEqual({ version: '3.0.0' });
    expect(chooseRoute('m', aliased, { alias: 'canary' })).toEqual({ version: '2.0.0', alias: 'canary' });
    expect(chooseRoute('m', state({}), {})).toEqual({ version: undefined, alias: 'production' });
    expect(chooseRoute('m', state({}), { alias: 'production' })).toEqual({ version: undefined, alias: 'production' });
    expect(() => chooseRoute('m', aliased, { alias: 'shadow' })).toThrow(expect.objectContaining({ code: 'alias-not-found' }));
    expect(() => chooseRoute('m', aliased, { alias: 'Bad_Name' })).toThrow(expect.objectContaining({ code: 'invalid-alias' }));
  });

  it('sends the canary its weight of default traffic, the same key always the same way, within ±5 % over 1,000 keys', () => {
    const canary = Array.from({ length: 1_000 }, (_, i) => chooseRoute('m', aliased, { shareKey: `request-${i}` })).filter(
      (choice) => choice.alias === 'canary',
    ).length;
    expect(canary).toBeGreaterThanOrEqual(250);
    expect(canary).toBeLessThanOrEqual(350);
    for (let i = 0; i < 50; i += 1) {
      expect(chooseRoute('m', aliased, { shareKey: `ps_${i}` })).toEqual(chooseRoute('m', aliased, { shareKey: `ps_${i}` }));
    }
    // A request naming an alias is never diverted.
    expect(chooseRoute('m', aliased, { alias: 'production', shareKey: 'request-1' })).toEqual({
      version: '1.0.0',
      alias: 'production',
    });
  });

  it('spreads keys evenly over the 100 buckets', () => {
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 100_000; i += 1) counts[shareBucket(`k${i}`)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1_150);
  });
});

describe('cachedLifecycle', () => {
  /** A store whose answers the test controls, counting reads, on a clock the test moves. */
  function setup() {
    let clock = 0;
    let version = '1';
    let reads = 0;
    const store = {
      latest: async () => {
        reads += 1;
        return { state: state({ production: { version } }) } as LifecycleEvent;
      },
    };
    const reader = cachedLifecycle(store, { maxAgeMs: 1_000, refreshAfterMs: 200, now: () => clock });
    const served = async () => (await reader.current('m')).aliases.production!.version;
    return {
      served,
      reads: () => reads,
      tick: (ms: number) => (clock += ms),
      move: (to: string) => (version = to),
    };
  }

  it('reads once while fresh, refreshes behind after refreshAfterMs, and never serves a state older than maxAgeMs', async () => {
    const s = setup();
    expect(await s.served()).toBe('1');
    s.move('2');
    s.tick(100);
    expect(await s.served()).toBe('1');
    expect(s.reads()).toBe(1);
    // Past refreshAfterMs: this answer is the cached one, the next the refreshed one.
    s.tick(150);
    expect(await s.served()).toBe('1');
    await Promise.resolve();
    expect(await s.served()).toBe('2');
    expect(s.reads()).toBe(2);
    // No traffic for longer than maxAgeMs: the next prediction waits for a fresh read.
    s.move('3');
    s.tick(1_000);
    expect(await s.served()).toBe('3');
  });
});
