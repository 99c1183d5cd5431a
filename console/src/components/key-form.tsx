import { useState } from 'preact/hooks';
import { apiKey } from '../api';
import { t } from '../i18n';

/** The key is typed once per tab; only its last four characters are shown back. */
export function KeyForm() {
  const [draft, setDraft] = useState('');
  if (apiKey.value) {
    return (
      <div class="key-form">
        <span>{t('key.active', { suffix: `…${apiKey.value.slice(-4)}` })}</span>
        <button type="button" onClick={() => (apiKey.value = '')}>
          {t('key.forget')}
        </button>
      </div>
    );
  }
  return (
    <form
      class="key-form"
      onSubmit={(event) => {
        event.preventDefault();
        apiKey.value = draft.trim();
        setDraft('');
      }}
    >
      <label for="api-key">{t('key.label')}</label>
      <input
        id="api-key"
        type="password"
        autocomplete="off"
        aria-describedby="api-key-hint"
        value={draft}
        onInput={(event) => setDraft(event.currentTarget.value)}
      />
      <button type="submit" disabled={!draft.trim()}>
        {t('key.save')}
      </button>
      <small id="api-key-hint">{t('key.hint')}</small>
    </form>
  );
}
