/**
 * `tsx scripts/tabular/stream-batch.ts <rows> [chunkRows]`: streams a generated 9-column CSV of <rows> rows through
 * the batch path in this fresh process (csv-parse, validation from the spec, the iris model in 4096-row chunks, the
 * scored CSV written to a stream that is drained as S3's multipart upload drains it), then ONNX Runtime alone on
 * the same chunks. Prints one JSON line: rows/s of both, seconds, and the process's peak RSS.
 */
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { parse } from 'csv-parse';
import { runTabular } from '../../functions/serving/inference/run-tabular';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { ort } from '../../functions/platform/native/onnxruntime';
import { ModelRegistry } from '../../functions/serving/registry';
import { scoreCsv } from '../../functions/serving/tabular/csv-score';
import { CHUNK_ROWS } from '../../functions/serving/tabular/tabular-prediction';
import { generatedCsv } from './generated-csv';

const rows = Number(process.argv[2] ?? 100_000);
const chunkRows = Number(process.argv[3] ?? CHUNK_ROWS);
const model = await new ModelRegistry('models').resolve('iris');
const spec = model.metadata.input;
if (spec.kind !== 'tabular') throw new Error('iris must be tabular');
const sessions = new SessionCache();

// The output goes somewhere that takes time to accept it, with backpressure, as the multipart upload does.
let outputBytes = 0;
const sink = new Writable({
  highWaterMark: 1 << 20,
  write(chunk: Buffer, _encoding, done) {
    outputBytes += chunk.length;
    setImmediate(done);
  },
});
const write = async (text: string) => {
  if (!sink.write(text)) await new Promise<void>((resolve) => sink.once('drain', resolve));
};

const started = performance.now();
const summary = await scoreCsv(
  generatedCsv(rows),
  spec,
  (tensor) => runTabular(sessions, model, tensor),
  {
    header: write,
    rows: (_, lines) => write(lines.join('')),
  },
  { chunkRows },
);
const seconds = (performance.now() - started) / 1000;
const batchRss = process.resourceUsage().maxRSS / 1024;

// The floor: session.run alone on chunks of the same shape, the tensors made beforehand.
const session = await sessions.get(model);
const width = spec.features.length;
const tensor = new Float32Array(chunkRows * width).map((_, i) => 1 + (i % 50) / 10);
const feed = { [spec.tensorName]: new ort.Tensor('float32', tensor, [chunkRows, width]) };
const floorChunks = Math.max(1, Math.ceil(Math.min(rows, 500_000) / chunkRows));
await session.run(feed);
const floorStarted = performance.now();
for (let i = 0; i < floorChunks; i += 1) await session.run(feed);
const floorSeconds = (performance.now() - floorStarted) / 1000;

// The other floor: csv-parse alone on the same text, with the options the batch path uses.
const parseStarted = performance.now();
let parsed = 0;
const parser = Readable.from(generatedCsv(rows)).pipe(
  parse({ delimiter: ',', bom: true, relax_column_count: true, skip_empty_lines: true, raw: true }),
);
for await (const record of parser) if (record) parsed += 1;
const parseSeconds = (performance.now() - parseStarted) / 1000;

console.log(
  JSON.stringify({
    rows: summary.rows,
    succeededRows: summary.succeededRows,
    chunkRows,
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond: Math.round(summary.rows / seconds),
    onnxRuntimeRowsPerSecond: Math.round((floorChunks * chunkRows) / floorSeconds),
    csvParseRowsPerSecond: Math.round((parsed - 1) / parseSeconds),
    inferenceSeconds: Number((summary.inferenceMs / 1000).toFixed(2)),
    outputMB: Number((outputBytes / 1e6).toFixed(1)),
    peakRssMB: Math.round(batchRss),
  }),
);
