import names from './metric-names.json';

/**
 * The CloudWatch metrics Vigie emits (Powertools, embedded metric format): namespace, names and dimensions. The
 * values live in metric-names.json because infra/monitoring.cjs builds the dashboard and the alarms from the same
 * file (osls loads it with require), so a renamed metric cannot leave a graph or an alarm watching nothing
 * (tests/infra/monitoring.test.ts checks the template against what the reporters really emit).
 */
export const METRICS_NAMESPACE = names.namespace;

/** Powertools' serviceName, which it adds to every metric as the `service` dimension. */
export const SERVICE_NAME = names.service;

/**
 * Every metric's dimensions: service (added by Powertools), model, modelVersion (`code` for errors by code). The
 * reporters also emit each under `service` alone (serviceWide below): the whole service's series, which the
 * alarms watch, as an alarm cannot SEARCH across models and versions that appear after a deploy.
 */
export const DIMENSIONS = names.dimensions;

/**
 * Per model and version, one each per prediction, each 0 or 1: `errors` any answer but a success, `failures` the
 * platform's own (status `failed`, a 5xx: their average is the 5xx rate), `rejections` refused inputs (a 4xx).
 */
export const PREDICTION_METRICS = names.prediction;

/** Per model, version and error code: every answer but a success (a `code` dimension on the others would split every graph). */
export const ERRORS_BY_CODE_METRIC = names.errorsByCode;

/**
 * Per model and version, once per scheduled drift run (monitoring/drift-observability.ts): `alarm` 1 when M of the last
 * N windows drifted; `breaches` the features and output over their threshold; `psiRatio` the largest PSI over its
 * threshold (above 1: a breach); `rows` the window's rows.
 */
export const DRIFT_METRICS = names.drift;

/** Per model, at each training's end (records/observability.ts): `failures` is 0 or 1. */
export const TRAINING_METRICS = names.training;

/** Adds Powertools' second dimension set, `service` alone: the service-wide series (see DIMENSIONS). */
export const serviceWide = (metrics: { addDimensions(dimensions: Record<string, string>): unknown }) => metrics.addDimensions({});
