import { useState } from 'preact/hooks';
import { apiText } from '../api';
import { t } from '../i18n';
import { ProblemView } from './problem-view';

/** A version's model card (GET …/card, Markdown shown as text), fetched when the person opens it. */
export function VersionCard({ model, version }: { model: string; version: string }) {
  const [card, setCard] = useState<string>();
  const [error, setError] = useState<unknown>();
  return (
    <details
      onToggle={(e) => {
        if (!e.currentTarget.open || card !== undefined) return;
        apiText(`v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}/card`).then(setCard, setError);
      }}
    >
      <summary>{t('models.card', { version })}</summary>
      {card === undefined && error === undefined && <p>{t('common.loading')}</p>}
      {card !== undefined && (
        <pre class="card" tabIndex={0}>
          {card}
        </pre>
      )}
      {error !== undefined && <ProblemView error={error} />}
    </details>
  );
}
