/**
 * A worker thread that photographs pages (photographPage) for ensurePageSet: painting a page is plain JavaScript
 * on one core, so the set is drawn on every core at once (see workers.ts).
 */
import { parentPort } from 'node:worker_threads';
import type { DigitSample } from '../../samples/mnist';
import { photographPage, type PageSetOptions } from './set';

interface Request {
  index: number;
  digit?: DigitSample;
  options: PageSetOptions;
}

parentPort!.on('message', (request: Request) => {
  void photographPage(request.index, request.digit, request.options).then(
    ({ bytes, conditions }) => parentPort!.postMessage({ index: request.index, bytes, conditions }),
    (error: unknown) => parentPort!.postMessage({ index: request.index, error: String(error) }),
  );
});
