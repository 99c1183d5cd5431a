import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DIMENSIONS, DRIFT_METRICS, serviceWide } from '../platform/metric-names';
import { metrics } from '../platform/telemetry';
import type { DriftAnswer } from './drift-report';

/** A window's largest PSI over its threshold, features and output together: above 1 is a breach. */
export function psiRatio(report: Pick<DriftAnswer, 'features' | 'output'>): number {
  const ratios = [...report.features, report.output].map((figure) => (figure.threshold > 0 ? figure.psi / figure.threshold : 0));
  return Number(Math.max(0, ...ratios).toPrecision(4));
}

/** The figures of a scheduled drift report as metrics per model and version (the dashboard's drift row, the drift alarm). */
export function reportDriftMetrics(report: DriftAnswer): void {
  metrics.addDimensions({ [DIMENSIONS.model]: report.model, [DIMENSIONS.version]: report.version });
  serviceWide(metrics);
  metrics.addMetric(DRIFT_METRICS.alarm, MetricUnit.Count, report.alarm ? 1 : 0);
  metrics.addMetric(DRIFT_METRICS.breaches, MetricUnit.Count, [...report.features, report.output].filter((f) => f.breach).length);
  metrics.addMetric(DRIFT_METRICS.psiRatio, MetricUnit.NoUnit, psiRatio(report));
  metrics.addMetric(DRIFT_METRICS.rows, MetricUnit.Count, report.window.n);
  metrics.publishStoredMetrics();
}
