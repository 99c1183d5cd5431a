import { useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { loadModels } from '../models-store';
import type { Model } from '../types';
import { ProblemView } from './problem-view';

/** The aliases a person moves from the page: production takes all traffic; canary and shadow take a weight. */
const ALIASES = ['production', 'canary', 'shadow'] as const;
type MovableAlias = (typeof ALIASES)[number];

/**
 * Points an alias at a version, with the reason the history keeps: a canary at a share of the traffic, a rollout
 * by raising that share, a promotion by moving production. One `PUT …/aliases/{alias}` per move, so the API decides
 * (approval, permission, a concurrent move's 409) and the page shows its answer.
 */
export function AliasMove({ model }: { model: Model }) {
  const approved = model.versions.filter((v) => (v.governance?.approval?.status ?? 'approved') === 'approved');
  const [alias, setAlias] = useState<MovableAlias>('canary');
  const [version, setVersion] = useState(approved.at(-1)?.version ?? '');
  const [weight, setWeight] = useState('10');
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<unknown>();
  const id = (field: string) => `move-${field}-${model.name}`;
  const weighted = alias !== 'production';

  async function move(event: Event) {
    event.preventDefault();
    setError(undefined);
    setDone(undefined);
    try {
      await api(`v1/models/${encodeURIComponent(model.name)}/aliases/${alias}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ version, ...(weighted && { weight: Number(weight) }), reason: reason.trim() }),
      });
      setReason('');
      await loadModels();
      setDone(t('move.done', { alias, version }));
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <form class="alias-move" onSubmit={(e) => void move(e)}>
      <h3>{t('move.title')}</h3>
      <div class="field">
        <label for={id('alias')}>{t('common.alias')}</label>
        <select id={id('alias')} value={alias} onChange={(e) => setAlias(e.currentTarget.value as MovableAlias)}>
          {ALIASES.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={id('version')}>{t('common.version')}</label>
        <select id={id('version')} value={version} onChange={(e) => setVersion(e.currentTarget.value)}>
          {approved.map((v) => (
            <option key={v.version} value={v.version}>
              {v.version}
            </option>
          ))}
        </select>
      </div>
      {weighted && (
        <div class="field">
          <label for={id('weight')}>{t('move.weight')}</label>
          <input
            id={id('weight')}
            type="number"
            min={1}
            max={100}
            step={1}
            required
            value={weight}
            onInput={(e) => setWeight(e.currentTarget.value)}
          />
        </div>
      )}
      <div class="field">
        <label for={id('reason')}>{t('move.reason')}</label>
        <input id={id('reason')} required maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </div>
      <button type="submit" disabled={!reason.trim() || !version}>
        {t('move.submit')}
      </button>
      {done && <p role="status">{done}</p>}
      {error !== undefined && <ProblemView error={error} />}
    </form>
  );
}
