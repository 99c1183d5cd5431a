import type { AuditFigures, VersionReport } from './audit-figures';
import { versionChart, type Chart } from './charts';
import { recommendations, type Language } from './recommendations';

/**
 * The report as blocks in one language, built from the figures alone: the HTML (render-html.ts) and the PDF
 * (render-pdf.ts) lay out the same blocks, so the two files say the same thing.
 */
export type Block =
  | { kind: 'title'; text: string }
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][] }
  | { kind: 'chart'; title: string; chart: Chart };

const WORDS = {
  fr: {
    title: (m: string, stage: string) => `Vigie — rapport d'audit mensuel, ${m} (UTC, stage ${stage})`,
    generated: (at: string) => `Produit le ${at}. Chiffres calculés à partir des enregistrements, des journaux et du registre.`,
    gdpr: 'Conformité RGPD',
    requests: (n: number) => `Demandes des personnes (export, effacement) : ${n}.`,
    requestHead: ['date', 'demande', 'personne (pseudonyme)', 'prédictions', 'fichiers', 'réponse (ms)'],
    kinds: { erasure: 'effacement', export: 'export' },
    retention: (n: number, days: number) => `Enregistrements au-delà de la conservation (${days} jours) : ${n}.`,
    scan: (found: number, records: number, lines: number) =>
      `Identifiants en clair trouvés : ${found} (${records} enregistrements et ${lines} lignes de journaux examinés).`,
    documents: 'Documents de gouvernance en vigueur',
    documentHead: ['document', 'SHA-256', 'octets'],
    models: 'Modèles et versions',
    modelHead: ['modèle', 'version', 'alias', 'prédictions', 'erreurs', 'refus', 'p50 (ms)', 'p95 (ms)', 'incertaines', 'dérive'],
    drift: {
      ok: 'stable',
      drift: 'dérive',
      alarm: 'alarme',
      'not-enough-data': 'données insuffisantes',
      'no-baseline': 'sans référence',
    },
    driftStrip: 'dérive',
    chart: (v: string) => `${v} : prédictions par jour (en rouge : non abouties) et dérive quotidienne`,
    breaches: (v: string, list: string) => `${v} : dépassements par caractéristique (jours) : ${list}.`,
    lifecycle: 'Mises en service et déplacements d’alias',
    lifecycleHead: ['date', 'modèle', 'action', 'alias', 'de', 'vers', 'par', 'raison'],
    approvals: 'Approbations',
    approvalHead: ['date', 'modèle', 'version', 'décision', 'approbateur'],
    none: 'Aucune.',
    recommendations: 'Recommandations',
    noRecommendation: 'Aucune : tous les chiffres sont sous leurs seuils.',
  },
  en: {
    title: (m: string, stage: string) => `Vigie — monthly audit report, ${m} (UTC, stage ${stage})`,
    generated: (at: string) => `Generated ${at}. Figures computed from the records, the logs and the registry.`,
    gdpr: 'GDPR conformity',
    requests: (n: number) => `Data-subject requests (export, erasure): ${n}.`,
    requestHead: ['date', 'request', 'subject (pseudonym)', 'predictions', 'files', 'answer (ms)'],
    kinds: { erasure: 'erasure', export: 'export' },
    retention: (n: number, days: number) => `Records past retention (${days} days): ${n}.`,
    scan: (found: number, records: number, lines: number) =>
      `Raw identifiers found: ${found} (${records} records and ${lines} log lines scanned).`,
    documents: 'Governance documents in force',
    documentHead: ['document', 'SHA-256', 'bytes'],
    models: 'Models and versions',
    modelHead: ['model', 'version', 'aliases', 'predictions', 'errors', 'rejected', 'p50 (ms)', 'p95 (ms)', 'uncertain', 'drift'],
    drift: { ok: 'stable', drift: 'drift', alarm: 'alarm', 'not-enough-data': 'not enough data', 'no-baseline': 'no baseline' },
    driftStrip: 'drift',
    chart: (v: string) => `${v}: predictions per day (red: not succeeded) and daily drift`,
    breaches: (v: string, list: string) => `${v}: breaches per feature (days): ${list}.`,
    lifecycle: 'Alias moves and releases',
    lifecycleHead: ['date', 'model', 'action', 'alias', 'from', 'to', 'by', 'reason'],
    approvals: 'Approvals',
    approvalHead: ['date', 'model', 'version', 'decision', 'approver'],
    none: 'None.',
    recommendations: 'Recommendations',
    noRecommendation: 'None: every figure is under its threshold.',
  },
} as const;

/** A share of a whole, as the report writes it: `14.3 %` (`14,3 %` in French), with the count. */
export function shareText(part: number, whole: number, language: Language): string {
  if (whole === 0) return '—';
  const text = `${((part / whole) * 100).toFixed(1)} %`;
  return `${part} (${language === 'fr' ? text.replace('.', ',') : text})`;
}

/** An ISO time as the tables show it, to the minute (all times are UTC, as the title says). */
const minute = (at: string) => at.slice(0, 16).replace('T', ' ');

const versionName = (v: VersionReport) => `${v.model} ${v.version || '—'}`;

export function reportDocument(figures: AuditFigures, language: Language): Block[] {
  const w = WORDS[language];
  const { gdpr } = figures;
  const blocks: Block[] = [
    { kind: 'title', text: w.title(figures.month, figures.stage) },
    { kind: 'paragraph', text: w.generated(figures.generatedAt) },
    { kind: 'heading', text: w.gdpr },
    { kind: 'paragraph', text: w.requests(gdpr.subjectRequests.length) },
  ];
  if (gdpr.subjectRequests.length > 0) {
    blocks.push({
      kind: 'table',
      head: [...w.requestHead],
      rows: gdpr.subjectRequests.map((r) => [
        minute(r.at),
        w.kinds[r.kind],
        r.subject,
        String(r.predictions),
        String(r.files),
        r.durationMs === undefined ? '—' : String(Math.round(r.durationMs)),
      ]),
    });
  }
  blocks.push(
    { kind: 'paragraph', text: w.retention(gdpr.pastRetention.records, gdpr.pastRetention.retentionDays) },
    {
      kind: 'paragraph',
      text: w.scan(gdpr.rawIdentifiers.findings.length, gdpr.rawIdentifiers.recordsScanned, gdpr.rawIdentifiers.logLinesScanned),
    },
  );
  if (gdpr.rawIdentifiers.findings.length > 0) blocks.push({ kind: 'list', items: gdpr.rawIdentifiers.findings });
  blocks.push(
    { kind: 'heading', text: w.documents },
    { kind: 'table', head: [...w.documentHead], rows: gdpr.documents.map((d) => [d.name, d.sha256, String(d.bytes)]) },
    { kind: 'heading', text: w.models },
    {
      kind: 'table',
      head: [...w.modelHead],
      rows: figures.models.map((v) => [
        v.model,
        v.version || '—',
        v.aliases.join(', ') || '—',
        String(v.predictions),
        shareText(v.failed, v.predictions, language),
        shareText(v.rejected, v.predictions, language),
        v.latencyMs ? String(Math.round(v.latencyMs.p50)) : '—',
        v.latencyMs ? String(Math.round(v.latencyMs.p95)) : '—',
        shareText(v.uncertain, v.succeeded, language),
        w.drift[v.drift.status],
      ]),
    },
  );
  for (const version of figures.models.filter((v) => v.predictions > 0)) {
    blocks.push({
      kind: 'chart',
      title: w.chart(versionName(version)),
      chart: versionChart(version, { drift: w.driftStrip }),
    });
    const breaches = Object.entries(version.drift.breaches);
    if (breaches.length > 0) {
      blocks.push({
        kind: 'paragraph',
        text: w.breaches(versionName(version), breaches.map(([f, d]) => `${f} ${d}`).join(', ')),
      });
    }
  }
  blocks.push({ kind: 'heading', text: w.lifecycle });
  blocks.push(
    figures.lifecycle.length === 0
      ? { kind: 'paragraph', text: w.none }
      : {
          kind: 'table',
          head: [...w.lifecycleHead],
          rows: figures.lifecycle.map((m) => [
            minute(m.at),
            m.model,
            m.action,
            m.alias ?? '—',
            m.from ?? '—',
            m.to ?? '—',
            m.actor,
            m.reason,
          ]),
        },
    { kind: 'heading', text: w.approvals },
  );
  blocks.push(
    figures.approvals.length === 0
      ? { kind: 'paragraph', text: w.none }
      : {
          kind: 'table',
          head: [...w.approvalHead],
          rows: figures.approvals.map((a) => [a.date, a.model, a.version, a.status, a.approver ?? '—']),
        },
  );
  const advice = recommendations(figures);
  blocks.push(
    { kind: 'heading', text: w.recommendations },
    advice.length === 0
      ? { kind: 'paragraph', text: w.noRecommendation }
      : { kind: 'list', items: advice.map((r) => r.text[language]) },
  );
  return blocks;
}
