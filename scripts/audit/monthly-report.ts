/**
 * The work of `vigie report` (scripts/cli/commands/report.ts imports it when the command runs, so that pdfkit's
 * half-second load is not paid by every other command): the local stage's month, gathered in this process as
 * the report function gathers it in AWS, stored in both languages in the results bucket, one written to a folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, reportConfigSchema } from '../../functions/platform/config';
import { monthRange } from '../../functions/monitoring/report/audit-figures';
import { collectAuditFigures } from '../../functions/monitoring/report/collect';
import { publishReport } from '../../functions/monitoring/report/publish';
import type { Language } from '../../functions/monitoring/report/recommendations';
import { createAuditSources, resultsWriter } from '../../functions/wiring/audit-report';
import { LOCAL_CREDENTIALS, localSettings, stateFolders } from '../local/settings';
import { readStackResources } from '../local/stack-resources';
import { localLogLines } from './local-log-lines';

const GOVERNANCE_DIR = fileURLToPath(new URL('../../governance', import.meta.url));

export async function writeLocalReport(month: string, language: Language, out: string | undefined) {
  const env = { ...process.env, ...LOCAL_CREDENTIALS };
  const settings = localSettings();
  const config = loadConfig(reportConfigSchema, {
    ...env,
    ...(await readStackResources(env)).functionEnvironment,
    GOVERNANCE_DIR,
  });
  const sources = createAuditSources(config, localLogLines(stateFolders(settings).logs), new Date());
  const figures = await collectAuditFigures(sources, monthRange(month));
  const { reports, keys } = await publishReport(figures, resultsWriter(config));
  const chosen = reports.find((report) => report.language === language)!;
  const folder = out ?? join(settings.stateDir, 'reports', month);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'audit.html'), chosen.html);
  await writeFile(join(folder, 'audit.pdf'), chosen.pdf);
  return {
    month,
    html: join(folder, 'audit.html'),
    pdf: join(folder, 'audit.pdf'),
    stored: keys.map((key) => `s3://${config.RESULTS_BUCKET}/${key}`),
    figures,
  };
}
