import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { formatNumber, formatPercent, t } from '../i18n';

interface Figures {
  count: number;
  failed: number;
  rejected: number;
  latencyMs: { p50: number; p95: number } | null;
  uncertainShare: number | null;
}

interface Stats {
  series: Array<{ version: string | null; alias: string | null; total: Figures; buckets: Array<{ start: string } & Figures> }>;
}

const HOURS = 24;
const WIDTH = 480;
const HEIGHT = 80;

/** Predictions per hour over the last day, one row of bars per version and alias, with their totals in a table. */
export function ModelStats({ model }: { model: string }) {
  const [stats, setStats] = useState<Stats>();
  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - (HOURS - 1) * 3_600_000);
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), interval: 'hour' });
    api<Stats>(`v1/models/${encodeURIComponent(model)}/stats?${query}`).then(setStats, () => setStats(undefined));
  }, [model]);
  const series = (stats?.series ?? []).filter((s) => s.version !== null);
  if (series.length === 0) return null;
  const start = Date.now() - (HOURS - 1) * 3_600_000;
  const slot = (iso: string) => Math.floor((Date.parse(iso) - start) / 3_600_000) + 1;
  const peak = Math.max(1, ...series.flatMap((s) => s.buckets.map((b) => b.count)));
  const barWidth = WIDTH / HOURS;
  return (
    <div class="model-stats">
      <h3>{t('stats.title')}</h3>
      {series.map((s) => {
        const name = `${s.version} (${s.alias ?? t('common.none')})`;
        return (
          <figure key={name}>
            <svg
              viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
              role="img"
              aria-label={t('stats.chart', { series: name, count: s.total.count })}
            >
              {s.buckets.map((b) => {
                const height = (b.count / peak) * (HEIGHT - 4);
                const failed = ((b.failed + b.rejected) / peak) * (HEIGHT - 4);
                const x = Math.min(HOURS - 1, Math.max(0, slot(b.start))) * barWidth;
                return (
                  <g key={b.start}>
                    <rect x={x + 1} y={HEIGHT - height} width={barWidth - 2} height={height} class="bar-ok" />
                    <rect x={x + 1} y={HEIGHT - failed} width={barWidth - 2} height={failed} class="bar-bad" />
                  </g>
                );
              })}
            </svg>
            <figcaption>{name}</figcaption>
          </figure>
        );
      })}
      <div class="table-scroll" tabIndex={0} aria-label={t('stats.table')}>
        <table>
          <caption>{t('stats.table')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('common.version')}</th>
              <th scope="col">{t('common.alias')}</th>
              <th scope="col">{t('stats.count')}</th>
              <th scope="col">{t('stats.failed')}</th>
              <th scope="col">{t('stats.rejected')}</th>
              <th scope="col">{t('stats.latency')}</th>
              <th scope="col">{t('stats.uncertain')}</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s) => (
              <tr key={`${s.version}-${s.alias}`}>
                <th scope="row">{s.version}</th>
                <td>{s.alias ?? '—'}</td>
                <td>{s.total.count}</td>
                <td>{s.total.failed}</td>
                <td>{s.total.rejected}</td>
                <td>
                  {s.total.latencyMs
                    ? `${formatNumber(s.total.latencyMs.p50, 0)} / ${formatNumber(s.total.latencyMs.p95, 0)}`
                    : '—'}
                </td>
                <td>{s.total.uncertainShare === null ? '—' : formatPercent(s.total.uncertainShare)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
