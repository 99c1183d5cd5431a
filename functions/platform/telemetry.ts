import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One logger and one metrics sink per container; POWERTOOLS_* variables tune them per stage. This file imports
 * nothing from the application, so any module may log without joining an import cycle (the audit reports that
 * use these live in observability.ts).
 */
export const logger = new Logger({ serviceName: 'vigie' });
export const metrics = new Metrics({ namespace: 'Vigie', serviceName: 'vigie' });
