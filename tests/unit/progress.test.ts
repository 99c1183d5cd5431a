import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../scripts/cli/progress';

/** A terminal as cli-progress sees one: it draws only where `isTTY` is set, to the width in `columns`. */
function terminal() {
  const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 120 });
  let drawn = '';
  stream.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
  return { stream, drawn: () => drawn };
}

describe('progressBar', () => {
  it('says the time left is not known yet while no rate is, never "NFs left" (issue #21)', async () => {
    const { stream, drawn } = terminal();
    const bar = progressBar('HTTP predictions', 10, stream);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // No progress over some time: cli-progress's estimate is 'INF'.
    bar.update(0);
    bar.stop();
    expect(drawn()).toContain('0/10  ? left');
    expect(drawn()).not.toMatch(/NFs|LLs/);
  });

  it('gives the time left as a duration once progress is made', async () => {
    const { stream, drawn } = terminal();
    const bar = progressBar('HTTP predictions', 10, stream);
    await new Promise((resolve) => setTimeout(resolve, 20));
    bar.update(5);
    bar.stop();
    expect(drawn()).toMatch(/5\/10 {2}\s?\d+s left/);
  });
});
