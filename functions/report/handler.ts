import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { loadConfig, reportConfigSchema } from '../platform/config';
import { logger } from '../platform/telemetry';
import { monthRange, previousMonth } from '../monitoring/report/audit-figures';
import { collectAuditFigures } from '../monitoring/report/collect';
import { publishReport } from '../monitoring/report/publish';
import { createAuditSources, resultsWriter } from '../wiring/audit-report';
import { cloudWatchLogLines } from './cloudwatch-log-lines';

const config = loadConfig(reportConfigSchema);
const put = resultsWriter(config);

/**
 * The monthly audit report (#24): on the 1st (EventBridge schedule, serverless.yml) the month before; invoked with
 * `{"month": "yyyy-mm"}`, that month. Writes reports/<yyyy-mm>/[<lang>/]audit.html|pdf to the results bucket.
 */
async function lambdaHandler(event: { month?: string } | undefined): Promise<{ month: string; keys: string[] }> {
  const now = new Date();
  const month = monthRange(event?.month ?? previousMonth(now));
  const figures = await collectAuditFigures(createAuditSources(config, cloudWatchLogLines(config.VIGIE_STAGE), now), month);
  const { keys } = await publishReport(figures, put);
  logger.info('audit report written', { month: month.month, keys, models: figures.models.length });
  return { month: month.month, keys };
}

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
