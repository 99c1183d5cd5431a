// The stage's CloudWatch dashboard, its alarms and the SNS topic they alert (#24), as infrastructure. Every
// metric name and dimension comes from functions/platform/metric-names.json, the file the code's reporters emit
// from: nothing here is retyped. The graphs are SEARCH expressions over a metric's dimension schema, so a model or
// version trained after the deploy shows without a redeploy; the alarms watch the service-wide series (dimension
// `service` alone), as an alarm cannot SEARCH.
// CommonJS because osls `require()`s the files it resolves with ${file(...)}.
const names = require('../functions/platform/metric-names.json');

const D = names.dimensions;
const PER_VERSION = [D.model, D.version];
const FIVE_MINUTES = 300;
const HOUR = 3600;

/**
 * What alarms, and how long it must last: M breaching datapoints of the last N (a blip is not an incident), and
 * missing data (no traffic, no training, no scheduled run yet) never an alarm by itself.
 */
const ALARMS = {
  // More than 5 % of predictions failed on the platform's side (status `failed`, answered 5xx), 3 of 5 × 5 min.
  failureRate: { threshold: 0.05, periods: 5, datapoints: 3 },
  // The 95th percentile of a prediction's total time above 2 s (docs/benchmarks.md: a few hundred ms warm), 3 of 5 × 5 min.
  latencyP95Ms: { threshold: 2000, periods: 5, datapoints: 3 },
  // Any event left in the dead-letter queue, seen once in the last 3 × 5 min: it waits there for a person.
  deadLetters: { threshold: 0, periods: 3, datapoints: 1 },
  // A model's drift alarm (already M of N windows, functions/monitoring/drift.ts) in the hourly run.
  drift: { threshold: 1, periods: 1, datapoints: 1 },
  // Three failed trainings in an hour, twice in the last 3 hours: a pattern, not one bad CSV.
  failedTrainings: { threshold: 3, periods: 3, datapoints: 2 },
};

const search = (metric, stat, period, dimensions = PER_VERSION) =>
  `SEARCH('{${names.namespace},${[...dimensions, D.service].join(',')}} MetricName="${metric}"', '${stat}', ${period})`;

/** A graph of one SEARCH per statistic. */
function graph(title, x, y, metric, stats, period = FIVE_MINUTES, dimensions = PER_VERSION) {
  return {
    type: 'metric',
    x,
    y,
    width: 12,
    height: 6,
    properties: {
      title,
      region: '${AWS::Region}',
      view: 'timeSeries',
      period,
      metrics: stats.map((stat, i) => [{ expression: search(metric, stat, period, dimensions), id: `e${i}`, label: stat }]),
    },
  };
}

function dashboardBody() {
  const P = names.prediction;
  const widgets = [
    graph('Predictions per model and version', 0, 0, P.predictions, ['Sum']),
    graph('Errors by code, per model and version', 12, 0, names.errorsByCode, ['Sum'], FIVE_MINUTES, [D.code, ...PER_VERSION]),
    graph('Latency p50 and p95 (ms), per model and version', 0, 6, P.latency, ['p50', 'p95']),
    graph('Rejected inputs per model and version', 12, 6, P.rejections, ['Sum']),
    graph('Drift: largest PSI / threshold (above 1 breaches), hourly', 0, 12, names.drift.psiRatio, ['Maximum'], HOUR),
    graph('Drift alarm (1: 3 of the last 5 windows drifted)', 12, 12, names.drift.alarm, ['Maximum'], HOUR),
    {
      type: 'metric',
      x: 0,
      y: 18,
      width: 12,
      height: 6,
      properties: {
        title: 'Dead letters waiting (preprocess, batch, train)',
        region: '${AWS::Region}',
        view: 'timeSeries',
        period: FIVE_MINUTES,
        metrics: [
          [
            'AWS/SQS',
            'ApproximateNumberOfMessagesVisible',
            'QueueName',
            '${PreprocessDeadLetterQueue.QueueName}',
            { stat: 'Maximum' },
          ],
        ],
      },
    },
    graph('Trainings and failed trainings per model', 12, 18, names.training.trainings, ['Sum'], HOUR, [D.model]),
  ];
  // The failed trainings beside the trainings, in the same graph.
  widgets
    .at(-1)
    .properties.metrics.push([
      { expression: search(names.training.failures, 'Sum', HOUR, [D.model]), id: 'f0', label: 'failed' },
    ]);
  return JSON.stringify({ widgets });
}

/** An alarm on one service-wide Vigie metric (dimension `service` only), or on the given namespace and dimensions. */
function alarm(stage, id, description, metric, statistic, period, settings, options = {}) {
  const percentile = /^p\d+/.test(statistic);
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmName: `vigie-${stage}-${id}`,
      AlarmDescription: `${description} See governance/incident-procedure.md.`,
      Namespace: options.namespace ?? names.namespace,
      MetricName: metric,
      Dimensions: options.dimensions ?? [{ Name: D.service, Value: names.service }],
      ...(percentile ? { ExtendedStatistic: statistic } : { Statistic: statistic }),
      Period: period,
      EvaluationPeriods: settings.periods,
      DatapointsToAlarm: settings.datapoints,
      Threshold: settings.threshold,
      ComparisonOperator: options.operator ?? 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlertsTopic' }],
      OKActions: [{ Ref: 'AlertsTopic' }],
    },
  };
}

/** Resolved by `${file(infra/dashboard.cjs)}` in serverless.yml. */
async function dashboardResources({ resolveConfigurationProperty }) {
  const stage = await resolveConfigurationProperty(['provider', 'stage']);
  const atLeast = { operator: 'GreaterThanOrEqualToThreshold' };
  return {
    Resources: {
      // Where the alarms go: subscribe the on-call address or chat hook to it (README, "Monitoring").
      AlertsTopic: { Type: 'AWS::SNS::Topic', Properties: { TopicName: `vigie-${stage}-alerts` } },
      Dashboard: {
        Type: 'AWS::CloudWatch::Dashboard',
        Properties: { DashboardName: `vigie-${stage}`, DashboardBody: { 'Fn::Sub': dashboardBody() } },
      },
      FailureRateAlarm: alarm(
        stage,
        'prediction-failures',
        'More than 5 % of predictions failed on the platform side (5xx) in 3 of the last 5 five-minute periods.',
        names.prediction.failures,
        'Average',
        FIVE_MINUTES,
        ALARMS.failureRate,
      ),
      LatencyAlarm: alarm(
        stage,
        'latency-p95',
        'The 95th percentile of prediction time was above 2 s in 3 of the last 5 five-minute periods.',
        names.prediction.latency,
        'p95',
        FIVE_MINUTES,
        ALARMS.latencyP95Ms,
      ),
      DeadLettersAlarm: alarm(
        stage,
        'dead-letters',
        'An event failed every retry and waits in the dead-letter queue.',
        'ApproximateNumberOfMessagesVisible',
        'Maximum',
        FIVE_MINUTES,
        ALARMS.deadLetters,
        {
          namespace: 'AWS/SQS',
          dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['PreprocessDeadLetterQueue', 'QueueName'] } }],
        },
      ),
      DriftAlarm: alarm(
        stage,
        'drift',
        'A model drifted in 3 of its last 5 hourly windows: read its drift report (vigie drift <model>).',
        names.drift.alarm,
        'Maximum',
        HOUR,
        ALARMS.drift,
        atLeast,
      ),
      FailedTrainingsAlarm: alarm(
        stage,
        'failed-trainings',
        'Three or more trainings failed in an hour, twice in the last 3 hours.',
        names.training.failures,
        'Sum',
        HOUR,
        ALARMS.failedTrainings,
        atLeast,
      ),
    },
  };
}

module.exports = dashboardResources;
