import { parse } from 'csv-parse/browser/esm/sync';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, apiResponse } from '../api';
import { readCsvText } from '../csv-file';
import { ProblemView } from '../components/problem-view';
import { t } from '../i18n';
import { models } from '../models-store';

const SHOWN_ROWS = 20;

interface Scored {
  csv: string;
  predictionId: string;
  header: string[];
  rows: string[][];
}

interface TimeWarning {
  row: number;
  field: string;
  message: string;
}

/** The answered CSV (the rows as sent, with `prediction`, `score` and `error` appended), read for display. */
function readAnswer(csv: string, predictionId: string): Scored {
  const separator = (csv.split('\n')[0] ?? '').includes(';') ? ';' : ',';
  const [header = [], ...rows] = parse(csv.replace(/^\uFEFF/, ''), {
    delimiter: separator,
    relax_column_count: true,
  }) as string[][];
  return { csv, predictionId, header, rows };
}

/** Drop a CSV of rows for a tabular model: every row scored, the first ones shown, rejected rows with their reason. */
export function BatchPage() {
  const tabular = (models.value ?? []).filter((m) => m.versions.some((v) => v.input.kind === 'tabular'));
  const [modelName, setModelName] = useState('');
  const [busy, setBusy] = useState<string>();
  const [scored, setScored] = useState<Scored>();
  const [error, setError] = useState<unknown>();
  const [timeWarnings, setTimeWarnings] = useState<{ shown: TimeWarning[]; count: number }>();
  const model = tabular.find((m) => m.name === modelName) ?? tabular[0];
  const href = useMemo(() => scored && URL.createObjectURL(new Blob([scored.csv], { type: 'text/csv' })), [scored]);
  useEffect(() => () => href && URL.revokeObjectURL(href), [href]);

  async function score(file: File | undefined) {
    if (!file || !model) return;
    setError(undefined);
    setScored(undefined);
    setTimeWarnings(undefined);
    setBusy(file.name);
    try {
      const text = await readCsvText(file);
      const response = await apiResponse(`v1/models/${encodeURIComponent(model.name)}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'text/csv; charset=utf-8', accept: 'text/csv' },
        body: text,
      });
      const answer = readAnswer(await response.text(), response.headers.get('x-prediction-id') ?? '');
      setScored(answer);
      // The record holds what the CSV answer cannot: the time series' warnings (gaps, disorder). A key that may
      // not read records simply sees none.
      const record = await api<{ timeWarnings?: TimeWarning[]; timeWarningCount?: number }>(
        `v1/predictions/${encodeURIComponent(answer.predictionId)}`,
      ).catch(() => undefined);
      if (record?.timeWarningCount) setTimeWarnings({ shown: record.timeWarnings ?? [], count: record.timeWarningCount });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(undefined);
    }
  }

  const errorColumn = scored ? scored.header.lastIndexOf('error') : -1;
  const rejected = scored ? scored.rows.filter((row) => (row[errorColumn] ?? '') !== '') : [];
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
      {busy && (
        <p role="status">
          {/* No figure to show: one request scores the whole file (up to the API's body limit), so the bar only says it runs. */}
          <progress aria-label={t('batch.running', { file: busy })} /> {t('batch.running', { file: busy })}
        </p>
      )}
      {error !== undefined && <ProblemView error={error} />}
      {scored && (
        <section aria-labelledby="batch-result" aria-live="polite">
          <h2 id="batch-result">{t('batch.result')}</h2>
          <p role="status">{t('batch.summary', { rows: scored.rows.length, rejected: rejected.length })}</p>
          <p>
            <a href={href} download="predictions.csv">
              {t('batch.download')}
            </a>
          </p>
          <p class="record-id">{t('predict.record', { id: scored.predictionId })}</p>
          {timeWarnings && (
            <section aria-labelledby="time-warnings" class="warning">
              <h3 id="time-warnings">{t('batch.timeWarnings', { count: timeWarnings.count })}</h3>
              <ul>
                {timeWarnings.shown.map((w) => (
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
