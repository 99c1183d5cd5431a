import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DIMENSIONS, DRIFT_METRICS, serviceWide } from '../platform/metric-names';
import { logger, metrics } from '../platform/telemetry';
import type { DriftAnswer } from './drift-report';

/** A window's largest PSI over its threshold, features and output together: above 1 is a breach. */
export function psiRatio(report: Pick<DriftAnswer, 'features' | 'output'>): number {
  const ratios = [...report.features, report.output].map((figure) => (figure.threshold > 0 ? figure.psi / figure.threshold : 0));
  return Number(Math.max(0, ...ratios).toPrecision(4));
}

/**
 * A scheduled drift report, told twice: a log line `drift` that the saved queries drift-reports and drift-alarms
 * read (governance/queries), and metrics per model and version (the dashboard's drift row, the drift alarm).
 */
export function reportDrift(report: DriftAnswer): void {
  const breaching = [...report.features, { name: '(answers)', ...report.output }].filter((figure) => figure.breach);
  logger.info('drift report', {
    drift: {
      model: report.model,
      modelVersion: report.version,
      from: report.window.from,
      to: report.window.to,
      rows: report.window.n,
      status: report.status,
      // 0 or 1, so that a query can add them up.
      alarmed: report.alarm ? 1 : 0,
      breaching: breaching.map((figure) => figure.name).join(', '),
      psiRatio: psiRatio(report),
    },
  });
  metrics.addDimensions({ [DIMENSIONS.model]: report.model, [DIMENSIONS.version]: report.version });
  serviceWide(metrics);
  metrics.addMetric(DRIFT_METRICS.alarm, MetricUnit.Count, report.alarm ? 1 : 0);
  metrics.addMetric(DRIFT_METRICS.breaches, MetricUnit.Count, breaching.length);
  metrics.addMetric(DRIFT_METRICS.psiRatio, MetricUnit.NoUnit, psiRatio(report));
  metrics.addMetric(DRIFT_METRICS.rows, MetricUnit.Count, report.window.n);
  metrics.publishStoredMetrics();
}
