import { formatNumber, formatPercent, t, type MessageKey } from '../i18n';
import type { Prediction } from '../types';
import { DetectionsView } from './detections-view';
import { ProbabilityBars } from './probability-bars';

const UNCERTAIN_REASONS = ['low-confidence', 'nothing-found', 'unclear-writing'];

/** Why an answer is flagged uncertain, in words a person can act on. */
function uncertainText(reason: string | undefined): string {
  const known = reason && UNCERTAIN_REASONS.includes(reason) ? reason : 'other';
  return t(`predict.uncertain.${known}` as MessageKey);
}

export interface PictureShown {
  url: string;
  width: number;
  height: number;
}

/** One answer: who answered (model, version, alias, record id), then the result drawn for its kind. */
export function PredictionView({ prediction, picture }: { prediction: Prediction; picture?: PictureShown }) {
  const { result } = prediction;
  return (
    <section class="prediction" aria-live="polite">
      <p class="answered-by">
        {t('predict.answeredBy', {
          model: prediction.model,
          version: prediction.modelVersion,
          alias: prediction.alias ?? t('common.none'),
        })}
      </p>
      {result.uncertain && (
        <p class="uncertain" role="note">
          {uncertainText(result.reason)}
        </p>
      )}
      {result.readings !== undefined && <p class="readings">{t('predict.readings', { count: result.readings })}</p>}
      {result.label !== undefined && <p class="verdict">{t('predict.label', { label: result.label })}</p>}
      {result.confidence !== undefined && <p>{t('predict.confidence', { value: formatPercent(result.confidence) })}</p>}
      {result.score !== undefined && <p>{t('predict.score', { value: formatNumber(result.score) })}</p>}
      {result.value !== undefined && <p>{t('predict.value', { value: formatNumber(result.value) })}</p>}
      {result.probabilities && <ProbabilityBars probabilities={result.probabilities} />}
      {result.detections && picture && <DetectionsView imageUrl={picture.url} size={picture} detections={result.detections} />}
      <p class="record-id">{t('predict.record', { id: prediction.predictionId })}</p>
    </section>
  );
}
