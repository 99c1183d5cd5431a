import type { AuditFigures } from './audit-figures';
import { LANGUAGES, type Language } from './recommendations';
import { renderHtml } from './render-html';
import { renderPdf } from './render-pdf';
import { reportDocument } from './report-document';

export interface RenderedReport {
  language: Language;
  html: string;
  pdf: Buffer;
}

export async function renderReport(figures: AuditFigures, language: Language): Promise<RenderedReport> {
  const blocks = reportDocument(figures, language);
  return { language, html: renderHtml(blocks, language), pdf: await renderPdf(blocks, language, new Date(figures.generatedAt)) };
}

/** The language of `reports/<yyyy-mm>/audit.*`: the processing register's (governance/), French. */
export const DEFAULT_LANGUAGE: Language = 'fr';

/**
 * Where a month's report is kept in the results bucket: `reports/<yyyy-mm>/audit.html|pdf` in French (DESIGN's
 * path) and `reports/<yyyy-mm>/<lang>/audit.html|pdf` in every language, French included, so each language has
 * one address whatever the default.
 */
export function reportPrefixes(month: string, language: Language): string[] {
  const prefixes = [`reports/${month}/${language}/`, ...(language === DEFAULT_LANGUAGE ? [`reports/${month}/`] : [])];
  return prefixes;
}

export type PutFile = (key: string, body: Uint8Array, contentType: string) => Promise<void>;

/** Renders the month in every language and stores each file at its keys; returns the renderings and the keys. */
export async function publishReport(figures: AuditFigures, put: PutFile): Promise<{ reports: RenderedReport[]; keys: string[] }> {
  const reports = await Promise.all(LANGUAGES.map((language) => renderReport(figures, language)));
  const keys: string[] = [];
  for (const report of reports) {
    for (const prefix of reportPrefixes(figures.month, report.language)) {
      await put(`${prefix}audit.html`, Buffer.from(report.html), 'text/html; charset=utf-8');
      await put(`${prefix}audit.pdf`, report.pdf, 'application/pdf');
      keys.push(`${prefix}audit.html`, `${prefix}audit.pdf`);
    }
  }
  return { reports, keys };
}
