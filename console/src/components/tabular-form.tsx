import { useState } from 'preact/hooks';
import { formatNumber, t } from '../i18n';
import type { Feature } from '../types';

/** Out of the training range: said next to the field, before and after the prediction. */
function rangeWarning(feature: Feature, raw: string): string | undefined {
  const value = Number(raw);
  if (!feature.range || raw.trim() === '' || !Number.isFinite(value)) return undefined;
  if (value >= feature.range.min && value <= feature.range.max) return undefined;
  return t('predict.warning', { min: formatNumber(feature.range.min), max: formatNumber(feature.range.max) });
}

/** A form generated from a tabular model's feature list: one field per feature, its unit and range shown. */
export function TabularForm({
  features,
  busy,
  onSubmit,
}: {
  features: Feature[];
  busy: boolean;
  onSubmit: (values: Record<string, number | string>) => void;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  return (
    <form
      class="tabular-form"
      onSubmit={(event) => {
        event.preventDefault();
        const typed = Object.fromEntries(
          features
            .filter((f) => (values[f.name] ?? '').trim() !== '')
            .map((f) => {
              const raw = (values[f.name] ?? '').trim();
              // A decimal comma is read as a point; text that is no number goes as typed, for the API to say why.
              const number = Number(raw.replace(',', '.'));
              return [f.name, f.type === 'category' || Number.isNaN(number) ? raw : number];
            }),
        );
        onSubmit(typed);
      }}
    >
      {features.map((feature) => {
        const id = `feature-${feature.name}`;
        const raw = values[feature.name] ?? '';
        const warning = rangeWarning(feature, raw.replace(',', '.'));
        const hint = [
          feature.unit,
          feature.range &&
            t('predict.feature.range', { min: formatNumber(feature.range.min), max: formatNumber(feature.range.max) }),
          feature.required && t('predict.required'),
        ]
          .filter(Boolean)
          .join(' · ');
        return (
          <div class="field" key={feature.name}>
            <label for={id}>{feature.name}</label>
            {feature.categories ? (
              <select id={id} value={raw} onChange={(e) => setValues({ ...values, [feature.name]: e.currentTarget.value })}>
                <option value="" />
                {feature.categories.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            ) : (
              <input
                id={id}
                inputMode="decimal"
                aria-describedby={`${id}-hint${warning ? ` ${id}-warning` : ''}`}
                required={feature.required}
                value={raw}
                onInput={(e) => setValues({ ...values, [feature.name]: e.currentTarget.value })}
              />
            )}
            <small id={`${id}-hint`}>{hint}</small>
            {warning && (
              <small id={`${id}-warning`} class="warning">
                {warning}
              </small>
            )}
          </div>
        );
      })}
      <button type="submit" disabled={busy}>
        {busy ? t('predict.running') : t('predict.submit')}
      </button>
    </form>
  );
}
