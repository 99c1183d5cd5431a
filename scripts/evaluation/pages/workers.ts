import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { DigitSample } from '../../samples/mnist';
import type { PageConditions } from './conditions';

interface Photographed {
  index: number;
  bytes?: Uint8Array;
  conditions?: PageConditions;
  error?: string;
}

/**
 * Photographs pages `0..total-1` of a set with `options` (set.ts's PageSetOptions) in worker threads, one per
 * core, and hands each to `onPage` as it comes (in any order). Each page is drawn from its own seed (seed and
 * index), so the pages are byte for byte those one thread would draw.
 * The workers load TypeScript through tsx's loader, as the scripts do.
 */
export async function photographInWorkers<Options>(
  total: number,
  digitAt: (index: number) => DigitSample | undefined,
  options: Options,
  onPage: (index: number, bytes: Buffer, conditions: PageConditions) => void,
): Promise<void> {
  const count = Math.max(1, Math.min(availableParallelism(), total));
  // Registers tsx's loader in the thread before loading the TypeScript worker (Node 20 ignores `--import` there).
  const worker = JSON.stringify(new URL('./photograph-worker.ts', import.meta.url).href);
  const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${worker}); })`;
  const workers = Array.from({ length: count }, () => new Worker(boot, { eval: true }));
  let next = 0;
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= total) return resolve();
              const index = next++;
              worker.postMessage({ index, digit: digitAt(index), options });
            };
            worker.on('message', (page: Photographed) => {
              if (page.error !== undefined || !page.bytes || !page.conditions) {
                return reject(new Error(`page ${page.index}: ${page.error}`));
              }
              onPage(page.index, Buffer.from(page.bytes), page.conditions);
              send();
            });
            worker.on('error', reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
