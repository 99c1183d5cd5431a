import { MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  AUDIT_SCHEMA_VERSION,
  predictionAuditEvent,
  type RejectedRowsAuditEvent,
  type SubjectRequestAuditEvent,
  type TrainingAuditEvent,
} from './audit';
import type { PredictionRecord } from './records';
import { negated, recordCounts, slotOf, type PredictionStats } from './prediction-stats';
import { logger, metrics } from '../platform/telemetry';
import {
  DIMENSIONS,
  ERRORS_BY_CODE_METRIC,
  PREDICTION_METRICS as M,
  serviceWide,
  TRAINING_METRICS,
} from '../platform/metric-names';

export function reportPrediction(record: PredictionRecord): void {
  logger.info('prediction', { audit: predictionAuditEvent(record) });
  const dimensions = { [DIMENSIONS.model]: record.model, [DIMENSIONS.version]: record.modelVersion ?? 'none' };
  metrics.addDimensions(dimensions);
  serviceWide(metrics);
  metrics.addMetric(M.predictions, MetricUnit.Count, 1);
  metrics.addMetric(M.errors, MetricUnit.Count, record.status === 'succeeded' ? 0 : 1);
  metrics.addMetric(M.failures, MetricUnit.Count, record.status === 'failed' ? 1 : 0);
  metrics.addMetric(M.rejections, MetricUnit.Count, record.status === 'rejected' ? 1 : 0);
  metrics.addMetric(M.latency, MetricUnit.Milliseconds, record.timings.totalMs);
  // Tabular: values outside the training range (drift), and rows scored or refused in multi-row requests and batches.
  if (record.warningCount) metrics.addMetric(M.outOfRange, MetricUnit.Count, record.warningCount);
  if (record.result && 'rows' in record.result) {
    metrics.addMetric(M.rowsScored, MetricUnit.Count, record.result.succeededRows);
    metrics.addMetric(M.rowsRejected, MetricUnit.Count, record.result.rejectedRows);
  }
  metrics.publishStoredMetrics();
  // Errors by code in a metric of their own: a `code` dimension on the others would split every graph by it.
  if (record.error) {
    const byCode = metrics.singleMetric();
    byCode.addDimensions({ ...dimensions, [DIMENSIONS.code]: record.error.code });
    byCode.addMetric(ERRORS_BY_CODE_METRIC, MetricUnit.Count, 1);
  }
}

/** Why a tabular prediction left rows unscored: one audit event per reason, beside the prediction's own. */
export function reportRejectedRows(
  record: PredictionRecord,
  byReason: Partial<Record<RejectedRowsAuditEvent['reason'], number>>,
): void {
  for (const [reason, rows] of Object.entries(byReason)) {
    const event: RejectedRowsAuditEvent = {
      event: 'rejected-rows',
      schemaVersion: AUDIT_SCHEMA_VERSION,
      timestamp: record.createdAt,
      requestId: record.requestId,
      callerPseudonym: record.callerId,
      predictionId: record.predictionId,
      model: record.model,
      modelVersion: record.modelVersion,
      reason: reason as RejectedRowsAuditEvent['reason'],
      rows: rows ?? 0,
    };
    logger.info('rejected rows', { audit: event });
  }
}

/** Erasures and exports are themselves audited: who asked, about whom (pseudonyms), and how much was involved. */
export function reportSubjectRequest(event: SubjectRequestAuditEvent): void {
  logger.info(event.event, { audit: event });
}

/** A training's end: its audit event, and a count per model for the dashboard and the failed-trainings alarm. */
export function reportTraining(event: TrainingAuditEvent): void {
  logger.info('training', { audit: event });
  metrics.addDimensions({ [DIMENSIONS.model]: event.model });
  serviceWide(metrics);
  metrics.addMetric(TRAINING_METRICS.trainings, MetricUnit.Count, 1);
  metrics.addMetric(TRAINING_METRICS.failures, MetricUnit.Count, event.status === 'failed' ? 1 : 0);
  metrics.publishStoredMetrics();
}

/**
 * Adds a record to the statistics (#24), or with `sign` -1 takes it back out (a record the store did not keep);
 * true when it did. Never throws: a prediction does not fail for its statistics; a failure is logged and counted (`StatsNotCounted`,
 * per model and version), so the gap it leaves is known.
 */
export async function countInStats(stats: PredictionStats, record: PredictionRecord, sign: 1 | -1 = 1): Promise<boolean> {
  try {
    await stats.add(slotOf(record), sign === 1 ? recordCounts(record) : negated(recordCounts(record)));
    return true;
  } catch (error) {
    logger.warn('prediction not counted in statistics', {
      predictionId: record.predictionId,
      model: record.model,
      errorName: (error as Error).name,
    });
    metrics.addDimensions({ model: record.model, modelVersion: record.modelVersion ?? 'none' });
    metrics.addMetric('StatsNotCounted', MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
    return false;
  }
}
