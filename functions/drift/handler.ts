import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { createDocumentClient, createS3Client } from '../platform/aws';
import { driftConfigSchema, loadConfig } from '../platform/config';
import { logger } from '../platform/telemetry';
import { reportDrift } from '../monitoring/drift-observability';
import { runScheduledDrift, type ScheduledDriftDeps } from '../monitoring/drift-schedule';
import { registryDriftSources } from '../monitoring/drift-sources';
import { createDriftReportStore } from '../monitoring/drift-store-s3';
import { createModelRecords } from '../records/model-records-dynamodb';
import { createModelRegistry } from '../wiring/wiring';

const config = loadConfig(driftConfigSchema);
const registry = createModelRegistry(config);
const documents = createDocumentClient(config);
const deps: ScheduledDriftDeps = {
  ...registryDriftSources(registry, createModelRecords(documents, config.PREDICTIONS_TABLE)),
  reports: createDriftReportStore(createS3Client(config), config.RESULTS_BUCKET),
  models: () => registry.modelNames(),
  emit: reportDrift,
};

/**
 * The scheduled drift run (#24): EventBridge every hour in AWS, the local platform's scheduler every few minutes
 * (scripts/local/drift-scheduler.ts). The window ends DRIFT_SETTLE_MINUTES before the event's `time`, so a retried
 * event measures the same one and a batch still being scored is counted once it has its bins.
 */
async function lambdaHandler(event: { time?: string }): Promise<{ reports: number }> {
  // Versions trained or approved since the last run are watched from this run on.
  registry.trained?.forget();
  const time = new Date(event.time ?? Date.now());
  if (Number.isNaN(time.getTime())) throw new Error(`The event's time '${event.time}' is no time.`);
  const end = new Date(time.getTime() - config.DRIFT_SETTLE_MINUTES * 60_000);
  const reports = await runScheduledDrift(deps, end, config.DRIFT_WINDOW_MINUTES * 60_000);
  return { reports: reports.length };
}

export const handler = middy(lambdaHandler).use(injectLambdaContext(logger, { resetKeys: true }));
