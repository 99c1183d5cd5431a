import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { apiKey } from './api';
import { KeyForm } from './components/key-form';
import { lang, t, type Lang, type MessageKey } from './i18n';
import { loadModels } from './models-store';
import { BatchPage } from './pages/batch-page';
import { HistoryPage } from './pages/history-page';
import { ModelsPage } from './pages/models-page';
import { PredictPage } from './pages/predict-page';
import { PrivacyPage } from './pages/privacy-page';
import { TrainPage } from './pages/train-page';

const PAGES = {
  predict: { title: 'nav.predict', view: PredictPage },
  batch: { title: 'nav.batch', view: BatchPage },
  train: { title: 'nav.train', view: TrainPage },
  models: { title: 'nav.models', view: ModelsPage },
  history: { title: 'nav.history', view: HistoryPage },
  privacy: { title: 'nav.privacy', view: PrivacyPage },
} satisfies Record<string, { title: MessageKey; view: () => preact.JSX.Element }>;
type PageName = keyof typeof PAGES;

/** The page is in the address's fragment (#/models): nothing the server sees, so the key never rides along. */
function pageFromHash(): PageName {
  const name = location.hash.replace(/^#\/?/, '');
  return name in PAGES ? (name as PageName) : 'predict';
}

const page = signal<PageName>(pageFromHash());
window.addEventListener('hashchange', () => (page.value = pageFromHash()));

export function App() {
  const current = PAGES[page.value];
  useEffect(() => {
    document.title = `${t(current.title)} · ${t('app.title')}`;
  }, [current, lang.value]);
  useEffect(() => {
    if (apiKey.value) void loadModels();
  }, [apiKey.value]);
  const View = current.view;
  return (
    <>
      <header class="top">
        <p class="brand">
          <span class="brand-name">{t('app.title')}</span> <span class="tagline">{t('app.tagline')}</span>
        </p>
        <nav aria-label={t('nav.label')}>
          <ul>
            {(Object.keys(PAGES) as PageName[]).map((name) => (
              <li key={name}>
                <a href={`#/${name}`} aria-current={page.value === name ? 'page' : undefined}>
                  {t(PAGES[name].title)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="settings">
          <label for="lang">{t('lang.label')}</label>
          <select id="lang" value={lang.value} onChange={(e) => (lang.value = e.currentTarget.value as Lang)}>
            <option value="fr" lang="fr">
              Français
            </option>
            <option value="en" lang="en">
              English
            </option>
          </select>
          <KeyForm />
        </div>
      </header>
      <main>{apiKey.value ? <View /> : <p class="needs-key">{t('key.needed')}</p>}</main>
    </>
  );
}
