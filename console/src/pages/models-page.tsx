import { AliasMove } from '../components/alias-move';
import { ModelActions } from '../components/model-actions';
import { ModelStats } from '../components/model-stats';
import { ModelWatch } from '../components/model-watch';
import { ProblemView } from '../components/problem-view';
import { VersionCard } from '../components/version-card';
import { formatDate, formatPercent, knownMessage, t } from '../i18n';
import { loadModels, models, modelsError } from '../models-store';
import type { Model } from '../types';

function ModelSection({ model }: { model: Model }) {
  const aliases = Object.entries(model.aliases ?? {});
  const history = [...(model.aliasHistory ?? [])].reverse();
  return (
    <article class="model" aria-labelledby={`model-${model.name}`}>
      <h2 id={`model-${model.name}`}>{model.name}</h2>
      <p>{t('models.served', { version: model.servedVersion ?? model.latestVersion })}</p>
      {model.disabled && (
        <p class="warning" role="note">
          {t('models.disabled')}
        </p>
      )}
      <table>
        <caption>{t('models.versions')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('common.version')}</th>
            <th scope="col">{t('models.task')}</th>
            <th scope="col">{t('models.approval')}</th>
          </tr>
        </thead>
        <tbody>
          {model.versions.map((v) => {
            const status = v.governance?.approval?.status ?? 'approved';
            return (
              <tr key={v.version}>
                <th scope="row">{v.version}</th>
                <td>{v.task}</td>
                <td>{knownMessage('approval', status) ?? status}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {model.versions.map((v) => (
        <VersionCard key={v.version} model={model.name} version={v.version} />
      ))}
      <h3>{t('models.aliases')}</h3>
      {aliases.length === 0 ? (
        <p>{t('common.none')}</p>
      ) : (
        <ul>
          {aliases.map(([alias, target]) => (
            <li key={alias}>
              <strong>{alias}</strong> → {target.version}
              {target.weight !== undefined && ` (${t('models.weight', { weight: formatPercent(target.weight / 100) })})`}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('models.history')}</h3>
      {history.length === 0 ? (
        <p>{t('models.historyEmpty')}</p>
      ) : (
        <ol class="history">
          {history.map((move, i) => (
            <li key={i}>
              {t('models.move', {
                alias: move.alias ?? move.action ?? '',
                from: move.from ?? '—',
                to: move.to ?? '—',
                actor: move.actor,
                at: formatDate(move.at),
                reason: move.reason,
              })}
            </li>
          ))}
        </ol>
      )}
      <ModelStats model={model.name} />
      <ModelWatch model={model} />
      <AliasMove model={model} />
      <ModelActions model={model} />
    </article>
  );
}

/** The registry: each model's versions and approvals, its aliases and the history of their moves. */
export function ModelsPage() {
  return (
    <section aria-labelledby="models-title">
      <h1 id="models-title">{t('models.title')}</h1>
      <button type="button" onClick={() => void loadModels()}>
        {t('common.refresh')}
      </button>
      {modelsError.value !== undefined && <ProblemView error={modelsError.value} />}
      {!models.value && !modelsError.value && <p>{t('common.loading')}</p>}
      {models.value?.map((model) => (
        <ModelSection key={model.name} model={model} />
      ))}
    </section>
  );
}
