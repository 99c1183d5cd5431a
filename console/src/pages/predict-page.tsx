import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ProblemView } from '../components/problem-view';
import { PredictionView, type PictureShown } from '../components/prediction-view';
import { TabularForm } from '../components/tabular-form';
import { t } from '../i18n';
import { models, modelsError, servedVersion } from '../models-store';
import type { Prediction } from '../types';

function pictureOf(file: File): Promise<PictureShown> {
  const url = URL.createObjectURL(file);
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => resolve({ url, width: image.naturalWidth, height: image.naturalHeight });
    image.onerror = () => resolve({ url, width: 1, height: 1 });
    image.onabort = reject;
    image.src = url;
  });
}

/** Pick a model, then drop or photograph a picture (it is sent at once) or fill the model's form. */
export function PredictPage() {
  const [modelName, setModelName] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ prediction: Prediction; picture?: PictureShown }>();
  const [error, setError] = useState<unknown>();
  const list = models.value ?? [];
  const model = list.find((m) => m.name === modelName) ?? list[0];
  const version = model && servedVersion(model);

  useEffect(() => setAnswer(undefined), [model?.name]);

  async function predict(body: BodyInit, contentType: string, picture?: PictureShown) {
    if (!model) return;
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    try {
      const prediction = await api<Prediction>(`v1/models/${encodeURIComponent(model.name)}/predict`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      setAnswer({ prediction, picture });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function sendPicture(file: File | undefined) {
    if (!file) return;
    await predict(file, file.type || 'application/octet-stream', await pictureOf(file));
  }

  if (modelsError.value) return <ProblemView error={modelsError.value} />;
  if (!models.value) return <p>{t('common.loading')}</p>;
  return (
    <section aria-labelledby="predict-title">
      <h1 id="predict-title">{t('predict.title')}</h1>
      <div class="field">
        <label for="predict-model">{t('predict.model')}</label>
        <select id="predict-model" value={model?.name} onChange={(e) => setModelName(e.currentTarget.value)}>
          {list.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      {version?.input.kind === 'image' && (
        <div
          class="drop-zone"
          onDragOver={(e) => e.preventDefault()}
          onDrop={(e) => {
            e.preventDefault();
            void sendPicture(e.dataTransfer?.files[0]);
          }}
        >
          <label for="predict-image">{t('predict.image')}</label>
          <input
            id="predict-image"
            type="file"
            accept="image/*"
            capture="environment"
            aria-describedby="predict-image-hint"
            disabled={busy}
            onChange={(e) => void sendPicture(e.currentTarget.files?.[0])}
          />
          <small id="predict-image-hint">{t('predict.imageHint')}</small>
        </div>
      )}
      {version?.input.kind === 'tabular' && version.input.features && (
        <TabularForm
          key={model?.name}
          features={version.input.features}
          busy={busy}
          onSubmit={(features) => void predict(JSON.stringify({ features }), 'application/json')}
        />
      )}
      {busy && <p role="status">{t('predict.running')}</p>}
      {error !== undefined && <ProblemView error={error} />}
      {answer && <PredictionView prediction={answer.prediction} picture={answer.picture} />}
    </section>
  );
}
