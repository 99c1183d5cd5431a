import { formatPercent, t } from '../i18n';

/** Each class's probability as a bar, highest first; the numbers are written too, not only drawn. */
export function ProbabilityBars({ probabilities }: { probabilities: Record<string, number> }) {
  const rows = Object.entries(probabilities).sort(([, a], [, b]) => b - a);
  return (
    <figure class="bars">
      <figcaption>{t('predict.probabilities')}</figcaption>
      <ul>
        {rows.map(([label, p]) => (
          <li key={label}>
            <span class="bar-label">{label}</span>
            <span class="bar-track" aria-hidden="true">
              <span class="bar-fill" style={{ width: `${(p * 100).toFixed(1)}%` }} />
            </span>
            <span class="bar-value">{formatPercent(p)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
