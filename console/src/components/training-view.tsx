import { formatNumber, formatPercent, t } from '../i18n';
import type { Training } from '../types';

/** The training's data report, leaderboard, held-out metrics and confusion matrix. */
export function TrainingView({ training }: { training: Training }) {
  const report = training.dataReport;
  const heldOut = training.metrics?.heldOut;
  const matrix = heldOut?.confusionMatrix;
  return (
    <div class="training">
      {report && (
        <section aria-labelledby="data-report">
          <h2 id="data-report">{t('train.dataReport')}</h2>
          <p>{t('train.rows', { read: report.rows.read, used: report.rows.used })}</p>
          <p>{t('train.columns', { kept: report.columns.kept.map((c) => c.name).join(', ') })}</p>
          {report.columns.dropped.length > 0 && (
            <p>{t('train.dropped', { dropped: report.columns.dropped.map((c) => `${c.name} (${c.reason})`).join(', ') })}</p>
          )}
        </section>
      )}
      {training.leaderboard && (
        <div class="table-scroll" tabIndex={0} aria-labelledby="leaderboard-caption">
          <table>
            <caption id="leaderboard-caption">{t('train.leaderboard')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('train.candidate')}</th>
                <th scope="col">{t('train.cvScore', { metric: training.metric ?? '' })}</th>
                <th scope="col">{t('common.status')}</th>
              </tr>
            </thead>
            <tbody>
              {training.leaderboard.map((row) => (
                <tr key={row.candidate}>
                  <th scope="row">{row.candidate}</th>
                  <td>{row.cvScore === undefined ? '—' : formatNumber(row.cvScore)}</td>
                  <td>{row.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {heldOut && (
        <section aria-labelledby="held-out">
          <h2 id="held-out">{t('train.heldOut', { samples: heldOut.samples ?? 0 })}</h2>
          <ul>
            {Object.entries(heldOut)
              .filter((entry): entry is [string, number] => typeof entry[1] === 'number' && entry[0] !== 'samples')
              .map(([name, value]) => (
                <li key={name}>
                  {name} : {name === 'accuracy' || name === 'balancedAccuracy' ? formatPercent(value) : formatNumber(value)}
                </li>
              ))}
          </ul>
        </section>
      )}
      {matrix && (
        <div class="table-scroll" tabIndex={0} aria-labelledby="confusion-caption">
          <table class="confusion">
            <caption id="confusion-caption">{t('train.confusion')}</caption>
            <thead>
              <tr>
                <td />
                {matrix.labels.map((label) => (
                  <th scope="col" key={label}>
                    {label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {matrix.counts.map((row, i) => {
                const total = row.reduce((a, b) => a + b, 0) || 1;
                return (
                  <tr key={matrix.labels[i]}>
                    <th scope="row">{matrix.labels[i]}</th>
                    {row.map((count, j) => (
                      // The cell's shade is its share of the true class's rows; the count is written in it.
                      <td
                        key={j}
                        class={i === j ? 'hit' : count > 0 ? 'miss' : undefined}
                        data-share={Math.round((count / total) * 10)}
                      >
                        {count}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
