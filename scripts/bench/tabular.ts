import { execFile } from 'node:child_process';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { promisify } from 'node:util';
import type { ScratchPlatform } from '../local/scratch-platform';
import { eventually } from '../local/scratch-platform';
import { generatedCsv } from '../tabular/generated-csv';
import { markdownTable } from './table';

const run = promisify(execFile);

interface StreamBatchRun {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  onnxRuntimeRowsPerSecond: number;
  csvParseRowsPerSecond: number;
  peakRssMB: number;
  chunkRows: number;
}

/** scripts/tabular/stream-batch.ts in a fresh process: the batch path and ONNX Runtime alone on the same chunks. */
async function streamBatch(rows: number): Promise<StreamBatchRun> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/tabular/stream-batch.ts', String(rows)], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as StreamBatchRun;
}

/** A generated CSV uploaded to the platform's S3, timed by its batch record (the batch function's own clock). */
async function throughS3(t: ScratchPlatform, rows: number) {
  const chunks: string[] = [];
  for await (const piece of generatedCsv(rows)) chunks.push(piece);
  const key = `incoming/iris/bench/${Date.now()}-${rows}.csv`;
  await t.s3.send(new PutObjectCommand({ Bucket: 'vigie-local-uploads', Key: key, Body: chunks.join('') }));
  const record = await eventually(async () => {
    const found = (await t.records()).find((r) => r.inputKey === key);
    return found && found.status === 'succeeded' ? found : undefined;
  }, 600_000);
  return { seconds: record.timings.totalMs / 1000, rowsPerSecond: Math.round(rows / (record.timings.totalMs / 1000)) };
}

/**
 * CSV batches (issue 12): rows per second of the batch path against ONNX Runtime alone on chunks of the same shape
 * (the floor), in process and through S3 on the local platform, with the peak RSS of the in-process run.
 */
export async function measureTabularBatches(t: ScratchPlatform, rows: number): Promise<string> {
  const inProcess = await streamBatch(rows);
  const s3 = await throughS3(t, rows);
  const percent = (value: number) => `${((100 * value) / inProcess.onnxRuntimeRowsPerSecond).toFixed(2)} %`;
  return (
    `### iris CSV batches (${rows.toLocaleString('en')} rows × 9 columns, ${inProcess.chunkRows}-row chunks)\n\n` +
    markdownTable(
      ['path', 'rows/s', 'vs floor', 'seconds', 'peak RSS'],
      [
        [
          '(a) session.run alone on the same chunks (floor)',
          inProcess.onnxRuntimeRowsPerSecond.toLocaleString('en'),
          '100 %',
          '',
          '',
        ],
        [
          '(g₀) csv-parse alone on the same text',
          inProcess.csvParseRowsPerSecond.toLocaleString('en'),
          percent(inProcess.csvParseRowsPerSecond),
          '',
          '',
        ],
        [
          '(g) batch path in process (parse, validate, score, write)',
          inProcess.rowsPerSecond.toLocaleString('en'),
          percent(inProcess.rowsPerSecond),
          inProcess.seconds.toFixed(1),
          `${inProcess.peakRssMB} MB`,
        ],
        [
          '(h) S3 upload → scored CSV + record (batch function)',
          s3.rowsPerSecond.toLocaleString('en'),
          percent(s3.rowsPerSecond),
          s3.seconds.toFixed(1),
          '',
        ],
      ],
    ) +
    '\n\nThe iris graph is 84 multiply-adds per row: ONNX Runtime scores a chunk in microseconds, so the floor measures ' +
    'the model, not the batch; (g₀), reading the same text with csv-parse alone, is the floor the batch path can approach.'
  );
}
