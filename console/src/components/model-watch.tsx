import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { formatNumber, formatPercent, t, type MessageKey } from '../i18n';
import type { Model } from '../types';
import { CanaryView } from './canary-view';

interface Drift {
  version: string;
  window: { n: number };
  status: 'ok' | 'drift' | 'not-enough-data';
  alarm: boolean;
  features: { name: string; breach: boolean }[];
  output?: { breach: boolean };
}

interface Shadow {
  agreement: {
    productionVersion: string;
    shadowVersion: string;
    n: number;
    sameLabelShare?: number;
    meanScoreDifference?: number;
    meanIoU?: number;
  }[];
}

/** What the monitoring routes say about a model: its drift status, and its shadow's agreement when it has one. */
export function ModelWatch({ model }: { model: Model }) {
  const [drift, setDrift] = useState<Drift | 'none'>();
  const [shadow, setShadow] = useState<Shadow>();
  const name = encodeURIComponent(model.name);
  useEffect(() => {
    // A version with no baseline answers 404: no drift to show, not an error.
    api<Drift>(`v1/models/${name}/drift`).then(setDrift, (e: unknown) =>
      setDrift(e instanceof ApiError && e.status === 404 ? 'none' : undefined),
    );
    if (model.aliases?.shadow) api<Shadow>(`v1/models/${name}/shadow`).then(setShadow, () => setShadow(undefined));
  }, [model]);
  const breaches = drift && drift !== 'none' ? drift.features.filter((f) => f.breach).map((f) => f.name) : [];
  return (
    <div class="model-watch">
      <h3>{t('watch.title')}</h3>
      {drift === undefined && <p>{t('common.loading')}</p>}
      {drift === 'none' && <p>{t('watch.noBaseline')}</p>}
      {drift && drift !== 'none' && (
        <p class={drift.alarm ? 'warning' : undefined}>
          {t(`watch.status.${drift.status}` as MessageKey, { n: drift.window.n, version: drift.version })}
          {breaches.length > 0 && ` ${t('watch.features', { features: breaches.join(', ') })}`}
        </p>
      )}
      {model.aliases?.canary && <CanaryView model={model.name} canaryVersion={model.aliases.canary.version} />}
      {shadow && (
        <>
          <h3>{t('watch.shadow')}</h3>
          <ul>
            {shadow.agreement.map((a) => (
              <li key={`${a.productionVersion}-${a.shadowVersion}`}>
                {t('watch.agreement', { production: a.productionVersion, shadow: a.shadowVersion, n: a.n })}
                {a.sameLabelShare !== undefined && ` ${t('watch.sameLabel', { share: formatPercent(a.sameLabelShare) })}`}
                {a.meanIoU !== undefined && ` ${t('watch.iou', { iou: formatNumber(a.meanIoU, 2) })}`}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
