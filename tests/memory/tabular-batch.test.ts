import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * The batch path's memory does not grow with the file: a generated CSV streamed through it (csv-parse, the spec,
 * the iris model in chunks, a slow drained output) in a fresh process, twice, 50,000 and 400,000 rows. The heap is
 * capped below the larger file's size (input and output are about 30 MB each), so keeping rows, lines or results
 * on the heap fails the run; keeping buffers off the heap shows as growth of the peak RSS.
 */
const run = promisify(execFile);

async function streamBatch(rows: number) {
  const { stdout } = await run(
    process.execPath,
    ['--max-old-space-size=40', '--import', 'tsx', 'scripts/tabular/stream-batch.ts', String(rows)],
    {
      env: { ...process.env, NODE_OPTIONS: '' },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    rows: number;
    outputMB: number;
    peakRssMB: number;
    rowsPerSecond: number;
  };
}

describe('CSV batch memory', () => {
  it('streams 400,000 rows in the memory it takes for 50,000', { timeout: 180_000 }, async () => {
    const small = await streamBatch(50_000);
    const large = await streamBatch(400_000);
    console.warn(
      `batch peak RSS: ${small.peakRssMB} MB for 50,000 rows, ${large.peakRssMB} MB for 400,000 (${large.rowsPerSecond} rows/s)`,
    );
    expect(large.rows).toBe(400_000);
    expect(large.outputMB - small.outputMB).toBeGreaterThan(25);
    expect(large.peakRssMB - small.peakRssMB).toBeLessThan(15);
    expect(large.peakRssMB).toBeLessThan(256);
  });
});
