import { api, apiResponse } from './api';

/** Raw bytes per part: the API's limit (functions/uploads/staged-batch.ts, PART_MAX_BYTES). */
const PART_BYTES = 4_000_000;
const LINE_FEED = 10;

/** Where a batch is: its bytes going up, then its rows being scored (an estimate of the total from the file's lines). */
export type BatchProgress =
  | { phase: 'upload'; sent: number; total: number }
  | { phase: 'queued' }
  | { phase: 'scoring'; rows: number; estimatedRows: number };

/** GET /v1/models/{model}/batches/{batchId}: the batch's record as far as it goes. */
export interface BatchRecord {
  batchId: string;
  predictionId: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'rejected';
  processedRows?: number;
  rows?: number;
  rejectedRows?: number;
  error?: { code: string; message: string };
  timeWarnings?: { row: number; field: string; message: string }[];
  timeWarningCount?: number;
}

export interface BatchOutput {
  head: string;
  downloadUrl: string;
}

/**
 * Sends the file as it is (its bytes untouched: a Windows-1252 export stays one) in parts through the API, then
 * completes the batch: from there it is an upload like any other, one record and one results file. Answers the
 * batch's path, which follows it, and the file's line count, which sizes the scoring bar.
 */
export async function sendBatch(
  model: string,
  file: File,
  onProgress: (progress: BatchProgress) => void,
): Promise<{ path: string; lines: number }> {
  const batchId = crypto.randomUUID();
  const path = `v1/models/${encodeURIComponent(model)}/batches/${batchId}`;
  const parts = Math.max(1, Math.ceil(file.size / PART_BYTES));
  let lines = 0;
  for (let part = 0; part < parts; part += 1) {
    onProgress({ phase: 'upload', sent: part * PART_BYTES, total: file.size });
    const bytes = new Uint8Array(await file.slice(part * PART_BYTES, (part + 1) * PART_BYTES).arrayBuffer());
    for (const byte of bytes) if (byte === LINE_FEED) lines += 1;
    await apiResponse(`${path}/parts/${part}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
  }
  onProgress({ phase: 'upload', sent: file.size, total: file.size });
  await api(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ parts }) });
  return { path, lines };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Follows the batch until it ends: `queued` while its upload waits its turn, then `running` with its rows. */
export async function followBatch(
  path: string,
  estimatedRows: number,
  onProgress: (progress: BatchProgress) => void,
): Promise<BatchRecord> {
  for (;;) {
    const batch = await api<BatchRecord>(path);
    if (batch.status !== 'queued' && batch.status !== 'running') return batch;
    onProgress(
      batch.status === 'queued' ? { phase: 'queued' } : { phase: 'scoring', rows: batch.processedRows ?? 0, estimatedRows },
    );
    await pause(500);
  }
}

/** The results file's first rows and its download link (to whoever sent the batch). */
export const batchOutput = (predictionId: string) =>
  api<BatchOutput>(`v1/predictions/${encodeURIComponent(predictionId)}/output`);
