import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sampleEvents } from '../../scripts/samples/events';

describe('events/', () => {
  it('holds what `npm run events` makes today (run it after changing the code the events come from)', async () => {
    const stale = [...(await sampleEvents())]
      .filter(([name, bytes]) => !readFileSync(join('events', name)).equals(bytes))
      .map(([name]) => name);
    expect(stale).toEqual([]);
  });
});
