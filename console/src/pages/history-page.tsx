import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { ProblemView } from '../components/problem-view';
import { formatDate, formatPercent, knownMessage, t, type MessageKey } from '../i18n';
import { models } from '../models-store';
import type { PredictionRecord } from '../types';

const STATUSES = ['succeeded', 'failed', 'rejected'];
const SOURCES = ['http', 's3'];

function summary(record: PredictionRecord): string {
  if (record.error) return `${record.error.code}: ${record.error.message}`;
  const result = record.result;
  if (!result) return '';
  if (result.detections) return t('predict.detections', { count: result.detections.length });
  if (result.label !== undefined)
    return result.confidence !== undefined ? `${result.label} (${formatPercent(result.confidence)})` : result.label;
  return String(result.score ?? result.value ?? '');
}

/** Recent predictions, newest first, filtered by model and status (GET /v1/predictions), a page at a time. */
export function HistoryPage() {
  const [filters, setFilters] = useState({ model: '', version: '', status: '', source: '', from: '', to: '' });
  const [items, setItems] = useState<PredictionRecord[]>();
  const [cursor, setCursor] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [opened, setOpened] = useState<PredictionRecord>();
  // Only the newest request's answer is shown: a slower, older one must not overwrite it.
  const latest = useRef(0);
  const modelNames = (models.value ?? []).map((m) => m.name);
  const model = filters.model || modelNames[0] || '';
  const versions = (models.value ?? []).find((m) => m.name === model)?.versions.map((v) => v.version) ?? [];

  async function load(from?: string) {
    if (!model) return;
    setError(undefined);
    const query = new URLSearchParams({ model });
    if (filters.version) query.set('version', filters.version);
    if (filters.status) query.set('status', filters.status);
    if (filters.source) query.set('source', filters.source);
    // A day picked is the whole day, in the reader's time zone.
    if (filters.from) query.set('from', new Date(`${filters.from}T00:00:00`).toISOString());
    if (filters.to) query.set('to', new Date(`${filters.to}T23:59:59.999`).toISOString());
    if (from) query.set('cursor', from);
    const asked = ++latest.current;
    try {
      const page = await api<{ items: PredictionRecord[]; cursor?: string }>(`v1/predictions?${query}`);
      if (asked !== latest.current) return;
      setItems(from ? [...(items ?? []), ...page.items] : page.items);
      setCursor(page.cursor);
    } catch (caught) {
      setError(caught);
    }
  }

  useEffect(() => void load(), [model]);

  async function open(id: string) {
    try {
      setOpened(await api<PredictionRecord>(`v1/predictions/${encodeURIComponent(id)}`));
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">{t('history.title')}</h1>
      <form
        class="filters"
        aria-label={t('history.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <div class="field">
          <label for="history-model">{t('common.model')}</label>
          <select
            id="history-model"
            value={model}
            onChange={(e) => setFilters({ ...filters, model: e.currentTarget.value, version: '' })}
          >
            {modelNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="history-version">{t('common.version')}</label>
          <select
            id="history-version"
            value={filters.version}
            onChange={(e) => setFilters({ ...filters, version: e.currentTarget.value })}
          >
            <option value="">{t('history.allVersions')}</option>
            {versions.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="history-source">{t('history.source')}</label>
          <select
            id="history-source"
            value={filters.source}
            onChange={(e) => setFilters({ ...filters, source: e.currentTarget.value })}
          >
            <option value="">{t('history.allSources')}</option>
            {SOURCES.map((source) => (
              <option key={source} value={source}>
                {t(`history.source.${source}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="history-from">{t('history.from')}</label>
          <input
            id="history-from"
            type="date"
            value={filters.from}
            onInput={(e) => setFilters({ ...filters, from: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="history-to">{t('history.to')}</label>
          <input
            id="history-to"
            type="date"
            value={filters.to}
            onInput={(e) => setFilters({ ...filters, to: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="history-status">{t('common.status')}</label>
          <select
            id="history-status"
            value={filters.status}
            onChange={(e) => setFilters({ ...filters, status: e.currentTarget.value })}
          >
            <option value="">{t('history.allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {knownMessage('status', s)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">{t('history.apply')}</button>
      </form>
      {error !== undefined && <ProblemView error={error} />}
      {items && items.length === 0 && <p>{t('history.empty')}</p>}
      {items && items.length > 0 && (
        <div class="table-scroll" tabIndex={0} aria-labelledby="history-title">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('common.date')}</th>
                <th scope="col">{t('common.version')}</th>
                <th scope="col">{t('common.alias')}</th>
                <th scope="col">{t('history.source')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('history.result')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((record) => (
                <tr key={record.predictionId}>
                  <td>
                    <button type="button" class="link" onClick={() => void open(record.predictionId)}>
                      {formatDate(record.createdAt)}
                    </button>
                  </td>
                  <td>{record.modelVersion ?? '—'}</td>
                  <td>{record.alias ?? '—'}</td>
                  <td>{record.source}</td>
                  <td>{knownMessage('status', record.status) ?? record.status}</td>
                  <td>{summary(record)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {opened && (
        <section class="record" aria-labelledby="record-title">
          <h2 id="record-title">{t('predict.record', { id: opened.predictionId })}</h2>
          <pre tabIndex={0}>{JSON.stringify(opened, null, 2)}</pre>
        </section>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          {t('history.more')}
        </button>
      )}
    </section>
  );
}
