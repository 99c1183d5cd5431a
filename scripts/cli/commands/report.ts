/**
 * `vigie report --month <yyyy-mm> [--lang fr|en] [--out <dir>]`: the monthly audit report of the local stage,
 * built in this process from its stores and logs exactly as the scheduled report function builds it in AWS
 * (functions/report/); writes audit.html and audit.pdf into --out and both languages to the results bucket.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { MONTH_PATTERN } from '../../../functions/monitoring/report/audit-figures';
import { LANGUAGES, recommendations, type Language } from '../../../functions/monitoring/report/recommendations';
import { emit } from '../output';
import { UsageError, type GlobalOptions } from '../target';

interface ReportOptions {
  month?: string;
  lang: string;
  out?: string;
}

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
  // Loaded here: pdfkit takes half a second to load, which no other command should wait for.
  const { writeLocalReport } = await import('../../audit/monthly-report');
  const written = await writeLocalReport(month, options.lang as Language, options.out && resolve(options.out));
  const { figures } = written;
  const advice = recommendations(figures);
  emit(global.json, written, () => [
    `${month}: ${figures.models.length} model version(s), ${figures.gdpr.subjectRequests.length} subject request(s), ${advice.length} recommendation(s)`,
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
