import type { AuditFigures, VersionReport } from './audit-figures';

export type Language = 'fr' | 'en';
export const LANGUAGES: readonly Language[] = ['fr', 'en'];

/** A recommendation with the figure that triggered it and the threshold it passed. */
export interface Recommendation {
  rule: string;
  subject: string;
  value: number;
  threshold: number;
  text: Record<Language, string>;
}

const percent = (share: number) => `${(share * 100).toFixed(1).replace(/\.0$/, '')} %`;
const decimal = (share: number, language: Language) => (language === 'fr' ? percent(share).replace('.', ',') : percent(share));
const name = (version: VersionReport) => `${version.model}${version.version ? ` ${version.version}` : ''}`;

interface VersionRule {
  rule: string;
  threshold: number;
  /** Fewer predictions than this and a share says nothing: the rule stays silent. */
  minPredictions: number;
  value(version: VersionReport): number | undefined;
  advice: Record<Language, (subject: string, value: string, threshold: string) => string>;
  /** How the value and threshold are written: a share as a percentage, or a count. */
  format: 'share' | 'count';
}

/**
 * The rules, one row each: the report recommends what a row finds above its threshold, with the figures
 * (an operator changes a threshold here, and the test of the report reads it from here).
 */
export const VERSION_RULES: readonly VersionRule[] = [
  {
    rule: 'uncertain-share',
    threshold: 0.05,
    minPredictions: 20,
    format: 'share',
    value: (v) => (v.succeeded > 0 ? v.uncertain / v.succeeded : undefined),
    advice: {
      fr: (s, v, t) => `${s} : ${v} de réponses incertaines, au-dessus du seuil de ${t} : revoir les entrées.`,
      en: (s, v, t) => `${s}: ${v} uncertain answers, above the ${t} threshold: review the inputs.`,
    },
  },
  {
    rule: 'error-rate',
    threshold: 0.01,
    minPredictions: 20,
    format: 'share',
    value: (v) => (v.predictions > 0 ? v.failed / v.predictions : undefined),
    advice: {
      fr: (s, v, t) => `${s} : ${v} d'erreurs, au-dessus du seuil de ${t} : lire les journaux et les codes d'erreur.`,
      en: (s, v, t) => `${s}: ${v} errors, above the ${t} threshold: read the logs and the error codes.`,
    },
  },
  {
    rule: 'rejection-rate',
    threshold: 0.1,
    minPredictions: 20,
    format: 'share',
    value: (v) => (v.predictions > 0 ? v.rejected / v.predictions : undefined),
    advice: {
      fr: (s, v, t) => `${s} : ${v} d'entrées refusées, au-dessus du seuil de ${t} : vérifier ce qu'envoient les clients.`,
      en: (s, v, t) => `${s}: ${v} rejected inputs, above the ${t} threshold: check what clients send.`,
    },
  },
  {
    rule: 'latency-p95',
    threshold: 1000,
    minPredictions: 20,
    format: 'count',
    value: (v) => v.latencyMs?.p95,
    advice: {
      fr: (s, v, t) => `${s} : latence p95 de ${v} ms, au-dessus de ${t} ms : mesurer avec vigie latency.`,
      en: (s, v, t) => `${s}: p95 latency ${v} ms, above ${t} ms: measure it with vigie latency.`,
    },
  },
  {
    rule: 'drift-alarm',
    threshold: 0,
    minPredictions: 0,
    format: 'count',
    value: (v) => v.drift.alarmDays,
    advice: {
      fr: (s, v, t) =>
        `${s} : alarme de dérive ${v} jour(s) (seuil ${t}) : suivre la procédure d'incident (governance/incident-procedure.md).`,
      en: (s, v, t) => `${s}: drift alarm on ${v} day(s) (threshold ${t}): follow governance/incident-procedure.md.`,
    },
  },
];

/** What the month's figures call for, rule by rule, with the figures that triggered each recommendation. */
export function recommendations(figures: AuditFigures): Recommendation[] {
  const found: Recommendation[] = [];
  for (const rule of VERSION_RULES) {
    for (const version of figures.models) {
      const value = rule.value(version);
      if (value === undefined || version.predictions < rule.minPredictions || !(value > rule.threshold)) continue;
      const written = (x: number, language: Language) => (rule.format === 'share' ? decimal(x, language) : String(Math.round(x)));
      const text = (language: Language) =>
        rule.advice[language](name(version), written(value, language), written(rule.threshold, language));
      found.push({
        rule: rule.rule,
        subject: name(version),
        value,
        threshold: rule.threshold,
        text: { fr: text('fr'), en: text('en') },
      });
    }
  }
  const { pastRetention, rawIdentifiers } = figures.gdpr;
  if (pastRetention.records > 0) {
    found.push({
      rule: 'past-retention',
      subject: 'records',
      value: pastRetention.records,
      threshold: 0,
      text: {
        fr: `${pastRetention.records} enregistrement(s) au-delà de la durée de conservation (${pastRetention.retentionDays} jours) : vérifier le TTL de la table.`,
        en: `${pastRetention.records} record(s) past the retention period (${pastRetention.retentionDays} days): check the table's TTL.`,
      },
    });
  }
  if (rawIdentifiers.findings.length > 0) {
    found.push({
      rule: 'raw-identifiers',
      subject: 'records and logs',
      value: rawIdentifiers.findings.length,
      threshold: 0,
      text: {
        fr: `${rawIdentifiers.findings.length} identifiant(s) en clair trouvé(s) : les effacer et ouvrir un incident (governance/incident-procedure.md).`,
        en: `${rawIdentifiers.findings.length} raw identifier(s) found: erase them and open an incident (governance/incident-procedure.md).`,
      },
    });
  }
  return found;
}
