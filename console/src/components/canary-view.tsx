import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { formatNumber, formatPercent, t, type MessageKey } from '../i18n';

interface Arm {
  version: string;
  count: number;
  errorRate: number;
  rejectedRate: number;
  latencyP95Ms: number | null;
  weight?: number;
}

interface Canary {
  production: Arm;
  canary: Arm;
  guard: { verdict: { decision: 'wait' | 'keep' | 'roll-back'; reason: string } };
}

/**
 * The canary beside production over the guard's window (`GET …/canary`): requests, error and refusal rates, p95,
 * and the guard's verdict in words, so a person sees why the guard keeps or withdraws the canary.
 */
export function CanaryView({ model, canaryVersion }: { model: string; canaryVersion: string }) {
  const [report, setReport] = useState<Canary>();
  useEffect(() => {
    api<Canary>(`v1/models/${encodeURIComponent(model)}/canary`).then(setReport, () => setReport(undefined));
  }, [model, canaryVersion]);
  if (!report) return null;
  const arms: [MessageKey, Arm][] = [
    ['canary.production', report.production],
    ['canary.canary', report.canary],
  ];
  const { decision, reason } = report.guard.verdict;
  return (
    <div class="canary">
      <h3>{t('canary.title')}</h3>
      <table>
        <caption>{t('canary.caption', { weight: report.canary.weight ?? '?' })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('canary.arm')}</th>
            <th scope="col">{t('common.version')}</th>
            <th scope="col">{t('stats.count')}</th>
            <th scope="col">{t('canary.errors')}</th>
            <th scope="col">{t('stats.rejected')}</th>
            <th scope="col">{t('canary.p95')}</th>
          </tr>
        </thead>
        <tbody>
          {arms.map(([label, arm]) => (
            <tr key={label}>
              <th scope="row">{t(label)}</th>
              <td>{arm.version}</td>
              <td>{formatNumber(arm.count)}</td>
              <td>{formatPercent(arm.errorRate)}</td>
              <td>{formatPercent(arm.rejectedRate)}</td>
              <td>{arm.latencyP95Ms === null ? '—' : formatNumber(arm.latencyP95Ms, 1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class={decision === 'roll-back' ? 'warning' : undefined}>
        {t(`canary.verdict.${decision}` as MessageKey)} <span class="problem-detail">({reason})</span>
      </p>
    </div>
  );
}
