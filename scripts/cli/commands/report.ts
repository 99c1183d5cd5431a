/**
 * `vigie report --month <yyyy-mm> [--lang fr|en] [--out <dir>]`: the monthly audit report of the local stage,
 * built in this process from its stores and logs exactly as the scheduled report function builds it in AWS
 * (functions/report/); writes audit.html and audit.pdf into --out and both languages to the results bucket.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig, reportConfigSchema } from '../../../functions/platform/config';
import { MONTH_PATTERN, monthRange } from '../../../functions/monitoring/report/audit-figures';
import { collectAuditFigures } from '../../../functions/monitoring/report/collect';
import { publishReport } from '../../../functions/monitoring/report/publish';
import { LANGUAGES, recommendations, type Language } from '../../../functions/monitoring/report/recommendations';
import { createAuditSources, resultsWriter } from '../../../functions/wiring/audit-report';
import { localLogLines } from '../../audit/local-log-lines';
import { LOCAL_CREDENTIALS, localSettings, stateFolders } from '../../local/settings';
import { readStackResources } from '../../local/stack-resources';
import { emit } from '../output';
import { UsageError, type GlobalOptions } from '../target';

interface ReportOptions {
  month?: string;
  lang: string;
  out?: string;
}

const GOVERNANCE_DIR = fileURLToPath(new URL('../../../governance', import.meta.url));

async function report(options: ReportOptions, global: GlobalOptions): Promise<void> {
  if (global.stage !== 'local') {
    throw new UsageError(
      `Stage '${global.stage}': its report is written on the 1st of each month to s3://vigie-${global.stage}-results/reports/<yyyy-mm>/; ` +
        `for another month: aws lambda invoke --function-name vigie-${global.stage}-report --payload '{"month":"yyyy-mm"}' out.json`,
    );
  }
  const month = options.month ?? new Date().toISOString().slice(0, 7);
  if (!MONTH_PATTERN.test(month)) throw new UsageError(`--month is yyyy-mm, not '${month}'.`);
  if (!LANGUAGES.includes(options.lang as Language)) throw new UsageError(`--lang is fr or en, not '${options.lang}'.`);
  const env = { ...process.env, ...LOCAL_CREDENTIALS };
  const settings = localSettings();
  const config = loadConfig(reportConfigSchema, {
    ...env,
    ...(await readStackResources(env)).functionEnvironment,
    GOVERNANCE_DIR,
  });
  const figures = await collectAuditFigures(
    createAuditSources(config, localLogLines(stateFolders(settings).logs), new Date()),
    monthRange(month),
  );
  const { reports, keys } = await publishReport(figures, resultsWriter(config));
  const chosen = reports.find((r) => r.language === options.lang)!;
  const out = resolve(options.out ?? join(settings.stateDir, 'reports', month));
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'audit.html'), chosen.html);
  await writeFile(join(out, 'audit.pdf'), chosen.pdf);
  const written = {
    month,
    html: join(out, 'audit.html'),
    pdf: join(out, 'audit.pdf'),
    stored: keys.map((key) => `s3://${config.RESULTS_BUCKET}/${key}`),
    figures,
  };
  emit(global.json, written, () => [
    `${month}: ${figures.models.length} model version(s), ${figures.gdpr.subjectRequests.length} subject request(s), ${recommendations(figures).length} recommendation(s)`,
    `  ${written.html}`,
    `  ${written.pdf}`,
    ...written.stored.map((key) => `  ${key}`),
  ]);
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("the monthly audit report (GDPR, models' figures, drift, lifecycle, recommendations) as HTML and PDF")
    .option('--month <yyyy-mm>', 'the month, UTC (default: this month)')
    .option('--lang <fr|en>', 'the language of the files written to --out (the bucket gets both)', 'fr')
    .option('--out <dir>', 'where audit.html and audit.pdf are written (default: .local/reports/<yyyy-mm>)')
    .addHelpText(
      'after',
      `
Both languages are also stored in the results bucket: reports/<yyyy-mm>/audit.html|pdf (French) and
reports/<yyyy-mm>/<fr|en>/audit.html|pdf. Needs the local platform running (vigie start).

Examples:
  vigie report --month 2026-12
  vigie report --month 2026-12 --lang en --out /tmp/audit`,
    )
    .action((options: ReportOptions, command: Command) => report(options, command.optsWithGlobals<GlobalOptions>()));
}
