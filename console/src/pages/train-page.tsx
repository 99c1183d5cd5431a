import { useEffect, useState } from 'preact/hooks';
import { api, apiText } from '../api';
import { csvColumns, readCsvText } from '../csv-file';
import { ProblemView } from '../components/problem-view';
import { TrainingView } from '../components/training-view';
import { formatPercent, t } from '../i18n';
import { loadModels } from '../models-store';
import type { Training } from '../types';

const MODEL_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const FINAL = ['succeeded', 'failed'];

/** Follows a training once a second until it ends. */
function useTraining(trainingId: string | undefined) {
  const [training, setTraining] = useState<Training>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (!trainingId) return;
    let stopped = false;
    const poll = async () => {
      try {
        const now = await api<Training>(`v1/trainings/${encodeURIComponent(trainingId)}`);
        if (stopped) return;
        setTraining(now);
        if (!FINAL.includes(now.status)) setTimeout(() => void poll(), 1000);
      } catch (caught) {
        if (!stopped) setError(caught);
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [trainingId]);
  return { training, error };
}

/** A person's decision on the trained version, with the comment the approver reads beside the metrics. */
function ApprovalForm({ model, version }: { model: string; version: string }) {
  const [decision, setDecision] = useState<'approved' | 'rejected'>('approved');
  const [approver, setApprover] = useState('');
  const [notes, setNotes] = useState('');
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [card, setCard] = useState<string>();
  useEffect(() => {
    apiText(`v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}/card`).then(setCard, setError);
  }, [model, version]);
  return (
    <section aria-labelledby="approval-title">
      <h2 id="approval-title">{t('train.approval', { model, version })}</h2>
      {card && (
        <details>
          <summary>{t('train.card')}</summary>
          <pre class="card" tabIndex={0}>
            {card}
          </pre>
        </details>
      )}
      {done ? (
        <p role="status">{done}</p>
      ) : (
        <form
          onSubmit={async (event) => {
            event.preventDefault();
            setError(undefined);
            try {
              await api(`v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}/approval`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ decision, approver: approver.trim(), notes: notes.trim() }),
              });
              setDone(t(decision === 'approved' ? 'train.approvedDone' : 'train.rejectedDone', { version }));
              void loadModels();
            } catch (caught) {
              setError(caught);
            }
          }}
        >
          <fieldset>
            <legend>{t('train.decision')}</legend>
            {(['approved', 'rejected'] as const).map((value) => (
              <label key={value} class="choice">
                <input
                  type="radio"
                  name="decision"
                  value={value}
                  checked={decision === value}
                  onChange={() => setDecision(value)}
                />
                {t(value === 'approved' ? 'train.approve' : 'train.reject')}
              </label>
            ))}
          </fieldset>
          <div class="field">
            <label for="approver">{t('train.approver')}</label>
            <input id="approver" required maxLength={500} value={approver} onInput={(e) => setApprover(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="notes">{t('train.notes')}</label>
            <textarea
              id="notes"
              required
              maxLength={500}
              rows={3}
              value={notes}
              onInput={(e) => setNotes(e.currentTarget.value)}
            />
          </div>
          <button type="submit" disabled={!approver.trim() || !notes.trim()}>
            {t('train.send')}
          </button>
        </form>
      )}
      {error !== undefined && <ProblemView error={error} />}
    </section>
  );
}

/** Upload a CSV, pick the target among its columns, watch the training, read its report, approve or reject. */
export function TrainPage() {
  const [csv, setCsv] = useState<string>();
  const [columns, setColumns] = useState<string[]>([]);
  const [target, setTarget] = useState('');
  const [model, setModel] = useState('');
  const [trainingId, setTrainingId] = useState<string>();
  const [error, setError] = useState<unknown>();
  const { training, error: pollError } = useTraining(trainingId);
  const validName = MODEL_NAME.test(model);

  async function pick(picked: File | undefined) {
    setTrainingId(undefined);
    const text = picked ? await readCsvText(picked) : undefined;
    setCsv(text);
    const names = text ? csvColumns(text) : [];
    setColumns(names);
    setTarget(names.at(-1) ?? '');
    if (picked && !model)
      setModel(
        picked.name
          .replace(/\.[^.]*$/, '')
          .toLowerCase()
          .replace(/[^a-z0-9-]+/g, '-')
          .replace(/^-+|-+$/g, ''),
      );
  }

  return (
    <section aria-labelledby="train-title">
      <h1 id="train-title">{t('train.title')}</h1>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (!csv) return;
          setError(undefined);
          try {
            const started = await api<{ trainingId: string }>(
              `v1/models/${encodeURIComponent(model)}/trainings?${new URLSearchParams({ target })}`,
              { method: 'POST', headers: { 'content-type': 'text/csv; charset=utf-8' }, body: csv },
            );
            setTrainingId(started.trainingId);
          } catch (caught) {
            setError(caught);
          }
        }}
      >
        <div class="field">
          <label for="train-file">{t('train.file')}</label>
          <input id="train-file" type="file" accept=".csv,text/csv" onChange={(e) => void pick(e.currentTarget.files?.[0])} />
        </div>
        <div class="field">
          <label for="train-target">{t('train.target')}</label>
          <select
            id="train-target"
            value={target}
            disabled={columns.length === 0}
            onChange={(e) => setTarget(e.currentTarget.value)}
          >
            {columns.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="train-model">{t('train.model')}</label>
          <input
            id="train-model"
            value={model}
            aria-describedby="train-model-hint"
            aria-invalid={model !== '' && !validName}
            onInput={(e) => setModel(e.currentTarget.value)}
          />
          <small id="train-model-hint">{t('train.modelHint')}</small>
        </div>
        <button
          type="submit"
          disabled={!csv || !target || !validName || (training !== undefined && !FINAL.includes(training.status))}
        >
          {t('train.start')}
        </button>
      </form>
      {error !== undefined && <ProblemView error={error} />}
      {pollError !== undefined && <ProblemView error={pollError} />}
      {training && (
        <section aria-labelledby="progress-title" aria-live="polite">
          <h2 id="progress-title">{t('train.progress')}</h2>
          <progress max={1} value={training.progress ?? 0} aria-labelledby="progress-title" />{' '}
          <span>
            {formatPercent(training.progress ?? 0)} — {training.stage ?? training.status}
          </span>
          {training.error && <ProblemView error={new Error(`${training.error.code}: ${training.error.message}`)} />}
        </section>
      )}
      {training?.status === 'succeeded' && <TrainingView training={training} />}
      {training?.status === 'succeeded' && training.version && <ApprovalForm model={training.model} version={training.version} />}
    </section>
  );
}
