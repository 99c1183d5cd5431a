import { parse } from 'csv-parse/browser/esm/sync';
import { useState } from 'preact/hooks';
import { batchOutput, followBatch, sendBatch, type BatchProgress, type BatchRecord } from '../batch-upload';
import { ProblemView } from '../components/problem-view';
import { formatNumber, formatPercent, t } from '../i18n';
import { models } from '../models-store';

/** The rows shown on screen: the API hands over the results file's first 20 (functions/batches). */
const SHOWN_ROWS = 20;

interface Scored {
  record: BatchRecord;
  downloadUrl: string;
  header: string[];
  rows: string[][];
}

/** The results file's first rows (the rows as sent, with `prediction`, `score` and `error` appended), for display. */
function readHead(csv: string): Pick<Scored, 'header' | 'rows'> {
  const separator = (csv.split('\n')[0] ?? '').includes(';') ? ';' : ',';
  const [header = [], ...rows] = parse(csv.replace(/^\uFEFF/, ''), {
    delimiter: separator,
    relax_column_count: true,
  }) as string[][];
  return { header, rows };
}

/** The bar and its words for where the batch is: a figure whenever there is one. */
function ProgressView({ file, progress }: { file: string; progress: BatchProgress }) {
  const label =
    progress.phase === 'upload'
      ? t('batch.uploading', { file, share: formatPercent(progress.sent / Math.max(1, progress.total)) })
      : progress.phase === 'queued'
        ? t('batch.queued', { file })
        : t('batch.scoring', { file, rows: formatNumber(progress.rows), total: formatNumber(progress.estimatedRows) });
  const [value, max] =
    progress.phase === 'upload'
      ? [progress.sent, progress.total]
      : progress.phase === 'scoring'
        ? [Math.min(progress.rows, progress.estimatedRows), progress.estimatedRows]
        : [undefined, undefined];
  return (
    <p role="status">
      <progress aria-label={label} value={value} max={max} /> {label}
    </p>
  );
}

/**
 * Drop a CSV of rows for a tabular model: it goes up in parts and is scored as an upload (one record, one results
 * file, however large), its progress shown from the record; then the first rows, rejected ones with their reason.
 */
export function BatchPage() {
  const tabular = (models.value ?? []).filter((m) => m.versions.some((v) => v.input.kind === 'tabular'));
  const [modelName, setModelName] = useState('');
  const [busy, setBusy] = useState<{ file: string; progress: BatchProgress }>();
  const [scored, setScored] = useState<Scored>();
  const [error, setError] = useState<unknown>();
  const model = tabular.find((m) => m.name === modelName) ?? tabular[0];

  async function score(file: File | undefined) {
    if (!file || !model) return;
    setError(undefined);
    setScored(undefined);
    const show = (progress: BatchProgress) => setBusy({ file: file.name, progress });
    try {
      const sent = await sendBatch(model.name, file, show);
      // The header line is not a row; a last line without its line feed is.
      const record = await followBatch(sent.path, Math.max(1, sent.lines), show);
      if (record.status !== 'succeeded')
        throw new Error(record.error ? `${record.error.code}: ${record.error.message}` : record.status);
      const output = await batchOutput(record.predictionId);
      setScored({ record, downloadUrl: output.downloadUrl, ...readHead(output.head) });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(undefined);
    }
  }

  const errorColumn = scored ? scored.header.lastIndexOf('error') : -1;
  return (
    <section aria-labelledby="batch-title">
      <h1 id="batch-title">{t('batch.title')}</h1>
      <div class="field">
        <label for="batch-model">{t('predict.model')}</label>
        <select id="batch-model" value={model?.name} onChange={(e) => setModelName(e.currentTarget.value)}>
          {tabular.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      <div
        class="drop-zone"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          void score(e.dataTransfer?.files[0]);
        }}
      >
        <label for="batch-file">{t('batch.file')}</label>
        <input
          id="batch-file"
          type="file"
          accept=".csv,text/csv"
          aria-describedby="batch-file-hint"
          disabled={busy !== undefined}
          onChange={(e) => void score(e.currentTarget.files?.[0])}
        />
        <small id="batch-file-hint">{t('batch.hint')}</small>
      </div>
      {busy && <ProgressView file={busy.file} progress={busy.progress} />}
      {error !== undefined && <ProblemView error={error} />}
      {scored && (
        <section aria-labelledby="batch-result" aria-live="polite">
          <h2 id="batch-result">{t('batch.result')}</h2>
          <p role="status">
            {t('batch.summary', {
              rows: formatNumber(scored.record.rows ?? 0),
              rejected: formatNumber(scored.record.rejectedRows ?? 0),
            })}
          </p>
          <p>
            {/* A link to the results bucket, valid a few minutes: the file may be far larger than the page should hold. */}
            <a href={scored.downloadUrl} rel="noopener">
              {t('batch.download')}
            </a>
          </p>
          <p class="record-id">{t('predict.record', { id: scored.record.predictionId })}</p>
          {(scored.record.timeWarningCount ?? 0) > 0 && (
            <section aria-labelledby="time-warnings" class="warning">
              <h3 id="time-warnings">{t('batch.timeWarnings', { count: scored.record.timeWarningCount ?? 0 })}</h3>
              <ul>
                {(scored.record.timeWarnings ?? []).map((w) => (
                  <li key={`${w.row}-${w.field}`}>{t('batch.timeWarning', { row: w.row + 1, message: w.message })}</li>
                ))}
              </ul>
            </section>
          )}
          <div class="table-scroll" tabIndex={0} aria-labelledby="batch-rows">
            <table class="batch-rows">
              <caption id="batch-rows">{t('batch.firstRows', { count: Math.min(SHOWN_ROWS, scored.rows.length) })}</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  {scored.header.map((name, i) => (
                    <th scope="col" key={i}>
                      {name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {scored.rows.slice(0, SHOWN_ROWS).map((row, i) => {
                  const reason = row[errorColumn] ?? '';
                  return (
                    <tr key={i} class={reason ? 'rejected' : undefined}>
                      <th scope="row">{reason ? t('batch.rejectedRow', { row: i + 1 }) : i + 1}</th>
                      {scored.header.map((_, j) => (
                        <td key={j}>{row[j] ?? ''}</td>
                      ))}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </section>
  );
}
