import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, SERVICE_NAME } from './metric-names';

/**
 * One logger and one metrics sink per container; POWERTOOLS_* variables tune them per stage. This file imports
 * nothing from the application, so any module may log without joining an import cycle (the audit reports that
 * use these live in observability.ts).
 */
export const logger = new Logger({ serviceName: SERVICE_NAME });
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: SERVICE_NAME });
