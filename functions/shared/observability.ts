import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { PredictionResult } from './inference/run-model';
import type { PredictionRecord } from './records';

/** One logger and one metrics sink per container; POWERTOOLS_* variables tune them per stage. */
export const logger = new Logger({ serviceName: 'vigie' });
export const metrics = new Metrics({ namespace: 'Vigie', serviceName: 'vigie' });

/** What the model said, in a line: the label and confidence, or how many boxes and the best score. */
function outputSummary(result: PredictionResult | undefined) {
  if (!result) return undefined;
  if ('label' in result) return { label: result.label, confidence: result.confidence };
  return { detections: result.detections.length, topScore: Math.max(0, ...result.detections.map((d) => d.score)) };
}

/**
 * The audit event of one prediction: who (pseudonyms), what (input hash, output summary), with which artifact,
 * when, and how it ended. It never holds raw identifiers, keys or input bytes.
 */
export function auditEvent(record: PredictionRecord) {
  return {
    predictionId: record.predictionId,
    source: record.source,
    inputKey: record.inputKey,
    inputSha256: record.inputSha256,
    model: record.model,
    modelVersion: record.modelVersion,
    modelSha256: record.modelSha256,
    status: record.status,
    output: outputSummary(record.result),
    errorCode: record.error?.code,
    subjectId: record.subjectId,
    callerId: record.callerId,
    timings: record.timings,
    createdAt: record.createdAt,
  };
}

export function reportPrediction(record: PredictionRecord): void {
  logger.info('prediction', { audit: auditEvent(record) });
  metrics.addDimensions({ model: record.model, modelVersion: record.modelVersion ?? 'none' });
  metrics.addMetric('Predictions', MetricUnit.Count, 1);
  metrics.addMetric('PredictionErrors', MetricUnit.Count, record.status === 'succeeded' ? 0 : 1);
  metrics.addMetric('PredictionLatency', MetricUnit.Milliseconds, record.timings.totalMs);
  metrics.publishStoredMetrics();
}
