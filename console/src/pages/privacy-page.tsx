import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { ProblemView } from '../components/problem-view';
import { formatDate, t } from '../i18n';

interface Receipt {
  kind: 'export' | 'erasure';
  body: { subjectPseudonym: string; exportedAt?: string; erasedAt?: string; predictions: unknown };
}

/** A download link for a receipt: a file made in the browser, so the person's data never travels in a URL. */
function DownloadLink({ receipt, subjectId }: { receipt: Receipt; subjectId: string }) {
  const href = useMemo(
    () => URL.createObjectURL(new Blob([JSON.stringify(receipt.body, null, 2)], { type: 'application/json' })),
    [receipt],
  );
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  const safe = subjectId.replace(/[^\p{L}\p{N}_-]+/gu, '_');
  return (
    <a href={href} download={`vigie-${receipt.kind}-${safe}.json`}>
      {t(receipt.kind === 'export' ? 'privacy.downloadExport' : 'privacy.downloadReceipt')}
    </a>
  );
}

/** A person's rights (GDPR Art. 15, 17): export what Vigie holds about them, or erase it, with a receipt. */
export function PrivacyPage() {
  const [subjectId, setSubjectId] = useState('');
  const [confirmed, setConfirmed] = useState(false);
  const [receipt, setReceipt] = useState<Receipt>();
  const [error, setError] = useState<unknown>();
  const id = subjectId.trim();

  async function act(kind: Receipt['kind']) {
    setError(undefined);
    setReceipt(undefined);
    try {
      const path = `v1/subjects/${encodeURIComponent(id)}`;
      const body = await api<Receipt['body']>(kind === 'export' ? `${path}/export` : path, {
        method: kind === 'export' ? 'GET' : 'DELETE',
      });
      setReceipt({ kind, body });
      setConfirmed(false);
    } catch (caught) {
      setError(caught);
    }
  }

  const count =
    receipt && (Array.isArray(receipt.body.predictions) ? receipt.body.predictions.length : Number(receipt.body.predictions));
  const at = receipt && (receipt.body.exportedAt ?? receipt.body.erasedAt);
  return (
    <section aria-labelledby="privacy-title">
      <h1 id="privacy-title">{t('privacy.title')}</h1>
      <p>{t('privacy.intro')}</p>
      <div class="field">
        <label for="subject-id">{t('privacy.subject')}</label>
        <input id="subject-id" autocomplete="off" value={subjectId} onInput={(e) => setSubjectId(e.currentTarget.value)} />
      </div>
      <div class="actions">
        <button type="button" disabled={!id} onClick={() => void act('export')}>
          {t('privacy.export')}
        </button>
      </div>
      <fieldset>
        <legend>{t('privacy.erase')}</legend>
        <label class="choice">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.currentTarget.checked)} />
          {t('privacy.confirm', { subject: id || '…' })}
        </label>
        <button type="button" class="danger" disabled={!id || !confirmed} onClick={() => void act('erasure')}>
          {t('privacy.eraseNow')}
        </button>
      </fieldset>
      {error !== undefined && <ProblemView error={error} />}
      {receipt && at && (
        <section class="receipt" aria-live="polite">
          <p role="status">
            {t(receipt.kind === 'export' ? 'privacy.exported' : 'privacy.erased', { count: count ?? 0, at: formatDate(at) })}
          </p>
          <p>{t('privacy.pseudonym', { pseudonym: receipt.body.subjectPseudonym })}</p>
          <DownloadLink receipt={receipt} subjectId={id} />
        </section>
      )}
    </section>
  );
}
