import { useState } from 'preact/hooks';
import { api } from '../api';
import { t, type MessageKey } from '../i18n';
import { loadModels } from '../models-store';
import type { Model } from '../types';
import { ProblemView } from './problem-view';

type Action = 'rollback' | 'disable' | 'enable';

/**
 * Roll production back, or turn the kill switch off and on: each with the reason the history keeps. A key without
 * `models:manage` gets the API's 403, shown as such: the console decides nothing the API would not.
 */
export function ModelActions({ model }: { model: Model }) {
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<unknown>();
  const id = `reason-${model.name}`;
  const actions: Action[] = model.disabled ? ['enable'] : ['rollback', 'disable'];

  async function act(action: Action) {
    setError(undefined);
    setDone(undefined);
    try {
      await api(`v1/models/${encodeURIComponent(model.name)}/${action}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ reason: reason.trim() }),
      });
      setReason('');
      // The page shows the new state before it says the action is done.
      await loadModels();
      setDone(t(`actions.${action}Done` as MessageKey));
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <div class="model-actions">
      <h3>{t('actions.title')}</h3>
      <div class="field">
        <label for={id}>{t('actions.reason')}</label>
        <input id={id} maxLength={500} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </div>
      <div class="actions">
        {actions.map((action) => (
          <button
            key={action}
            type="button"
            class={action === 'disable' ? 'danger' : undefined}
            disabled={!reason.trim()}
            onClick={() => void act(action)}
          >
            {t(`actions.${action}` as MessageKey)}
          </button>
        ))}
      </div>
      {done && <p role="status">{done}</p>}
      {error !== undefined && <ProblemView error={error} />}
    </div>
  );
}
