import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLayers, directorySize } from '../../layers/build';
import { buildFunctions } from '../../scripts/build/functions';
import { packageOffline, reusablePackage } from '../../scripts/build/package-offline';
import { savedQueries } from '../../infra/queries.cjs';
import { CONSOLE_POLICY } from '../../functions/console/policy';
import { auditTemplate } from '../support/template-audit';
import { layerFolder } from '../../scripts/build/serverless-print';
import { functionNeeds } from '../support/function-needs';
import { emittedMetrics } from '../support/emitted-metrics';
import { reportPrediction, reportTraining } from '../../functions/records/observability';
import { reportDrift } from '../../functions/monitoring/drift-observability';
import {
  DIMENSIONS,
  DRIFT_METRICS,
  ERRORS_BY_CODE_METRIC,
  METRICS_NAMESPACE,
  PREDICTION_METRICS,
  SERVICE_NAME,
  TRAINING_METRICS,
} from '../../functions/platform/metric-names';

/**
 * `serverless package` must work offline, and the CloudFormation it generates must pass cfn-lint: the deploy
 * to AWS is only ever one command away from what the tests run.
 */
const run = promisify(execFile);
const OUT = '.serverless-test';

function hasCfnLint(): boolean {
  try {
    execFileSync('cfn-lint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown>; Condition?: string }>;
}
let template: Template;

beforeAll(async () => {
  await buildFunctions();
  buildLayers();
  const packaged = await packageOffline('dev', OUT);
  if (packaged.code !== 0) throw new Error(`serverless package failed:\n${packaged.output}`);
  template = JSON.parse(readFileSync(`${OUT}/cloudformation-template-update-stack.json`, 'utf8'));
}, 300_000);

describe('serverless package --stage dev', () => {
  it('is reused only for the same stage, variables and files (scripts/build/package-offline.ts)', async () => {
    expect(reusablePackage('dev', OUT)).toBe(true);
    expect(await packageOffline('dev', OUT)).toMatchObject({ code: 0, reused: true });
    expect(reusablePackage('localstack', OUT)).toBe(false);
    expect(reusablePackage('dev', OUT, { ...process.env, VIGIE_CORS_ORIGIN: 'https://console.example.fr' })).toBe(false);
    const state = `${OUT}/serverless-state.json`;
    const written = readFileSync(state);
    appendFileSync(state, ' ');
    try {
      expect(reusablePackage('dev', OUT)).toBe(false);
    } finally {
      writeFileSync(state, written);
    }
    expect(reusablePackage('dev', OUT)).toBe(true);
  });

  it('declares the functions, layers, buckets and table of the spine', () => {
    const types = Object.values(template.Resources).map((resource) => resource.Type);
    expect(types.filter((type) => type === 'AWS::Lambda::Function').length).toBeGreaterThanOrEqual(4);
    expect(types.filter((type) => type === 'AWS::Lambda::LayerVersion')).toHaveLength(3);
    for (const name of ['vigie-dev-uploads', 'vigie-dev-results']) {
      const bucket = Object.values(template.Resources).find((resource) => resource.Properties?.BucketName === name);
      expect(bucket?.Properties, name).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
    }
    const table = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::DynamoDB::Table')!;
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('gives every function and layer its own artifact (a shared name would overwrite one zip with the other)', () => {
    const state = JSON.parse(readFileSync(`${OUT}/serverless-state.json`, 'utf8')) as {
      service: { functions: Record<string, unknown>; layers: Record<string, unknown> };
    };
    const names = [...Object.keys(state.service.functions), ...Object.keys(state.service.layers)];
    expect(new Set(names).size).toBe(names.length);
  });

  it('runs every function on nodejs22.x, x86_64', () => {
    const functions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    for (const fn of functions) expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['x86_64'] });
  });

  it('passes the security review: least-privilege IAM, locked and encrypted storage, retained logs', () => {
    expect(auditTemplate(template)).toEqual([]);
    const stage = template.Resources.HttpApiStage!.Properties as { DefaultRouteSettings: Record<string, number> };
    expect(stage.DefaultRouteSettings.ThrottlingRateLimit).toBeGreaterThan(0);
    const api = template.Resources.HttpApi!.Properties as { CorsConfiguration: { AllowOrigins: string[] } };
    expect(api.CorsConfiguration.AllowOrigins).not.toContain('*');
  });

  it('declares each saved query of governance/queries as an AWS::Logs::QueryDefinition over the logs of every function', () => {
    const queries = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Logs::QueryDefinition');
    const functions = Object.keys(template.Resources).filter((id) => template.Resources[id]!.Type === 'AWS::Lambda::Function');
    const files = savedQueries();
    expect(files.length).toBeGreaterThanOrEqual(6);
    expect(queries.map((q) => q.Properties.QueryString).sort()).toEqual(files.map((f) => f.queryString).sort());
    for (const query of queries) {
      expect(query.Properties.Name).toMatch(/^vigie-dev\//);
      expect(query.Properties.LogGroupNames).toHaveLength(functions.length);
      for (const group of query.Properties.LogGroupNames as Array<{ Ref: string }>) {
        expect(template.Resources[group.Ref]?.Type).toBe('AWS::Logs::LogGroup');
      }
    }
  });

  it('keeps personal data for a bounded time and indexes it by subject (GDPR retention, erasure, export)', () => {
    const table = Object.values(template.Resources).find((r) => r.Properties?.TableName === 'vigie-dev-predictions')!;
    expect(table.Properties).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: 'bySubject',
          KeySchema: [
            { AttributeName: 'subjectId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
        },
        {
          IndexName: 'byModel',
          KeySchema: [
            { AttributeName: 'model', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
        },
      ],
    });
    for (const name of ['vigie-dev-uploads', 'vigie-dev-results']) {
      const bucket = Object.values(template.Resources).find((r) => r.Properties?.BucketName === name)!;
      const rules = (bucket.Properties.LifecycleConfiguration as { Rules: Array<{ Status: string; ExpirationInDays?: number }> })
        .Rules;
      expect(
        rules.some((rule) => rule.Status === 'Enabled' && rule.ExpirationInDays === 90),
        name,
      ).toBe(true);
    }
    const groups = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup');
    for (const group of groups) expect(group.Properties.RetentionInDays).toBe(30);
  });

  it('sends S3 events that failed every retry to a dead-letter queue, with timeouts nested under their callers', () => {
    const configs = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::EventInvokeConfig');
    const configOf = (id: string) =>
      configs.find((config) => JSON.stringify(config.Properties.FunctionName) === JSON.stringify({ Ref: `${id}LambdaFunction` }));
    const deadLettered = { OnFailure: { Destination: { 'Fn::GetAtt': ['PreprocessDeadLetterQueue', 'Arn'] } } };
    // Every function invoked asynchronously keeps what failed for good: uploads, batches, and a training that
    // could not even record its failure (#20.1).
    expect(configOf('Preprocess')?.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: deadLettered });
    expect(configOf('Batch')?.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: deadLettered });
    expect(configOf('Train')?.Properties).toMatchObject({ MaximumRetryAttempts: 0, DestinationConfig: deadLettered });
    const timeout = (id: string) => template.Resources[`${id}LambdaFunction`]!.Properties.Timeout as number;
    const environment = (id: string) =>
      (template.Resources[`${id}LambdaFunction`]!.Properties.Environment as { Variables: Record<string, string> }).Variables;
    // Preprocess outlives all its attempts at infer; predict runs infer's work itself, under API Gateway's 30 s,
    // and neither needs nor may invoke infer.
    expect(timeout('Preprocess')).toBeGreaterThan(Number(environment('Preprocess').INFER_ATTEMPTS ?? 3) * timeout('Infer'));
    expect(timeout('Predict')).toBeGreaterThan(timeout('Infer'));
    expect(timeout('Predict')).toBeLessThan(30);
    expect(environment('Predict').INFER_ATTEMPTS).toBeUndefined();
    // The one function predict may invoke is the shadow (D24), after its answer.
    expect(JSON.stringify(template.Resources.PredictRole)).not.toContain('InferLambdaFunction');
    expect(JSON.stringify(template.Resources.PredictRole)).toContain('ShadowLambdaFunction');
    // A shadow run that fails is neither retried nor kept: the answer stands, and one comparison is missing.
    expect(configOf('Shadow')?.Properties).toMatchObject({ MaximumRetryAttempts: 0 });
    expect(configOf('Shadow')?.Properties.DestinationConfig ?? {}).toEqual({});
    // The canary guard runs once a minute and passes twice, 30 s apart, so a breach waits 30 s at most (#23); both
    // passes fit in its timeout.
    expect(environment('Guard').GUARD_PASSES_PER_RUN).toBe('2');
    expect(timeout('Guard')).toBeGreaterThan(30 + 10);
  });

  it('serves the console from a private bucket through CloudFront, on one origin with the API, under the console function’s policy', () => {
    const resource = (id: string) => template.Resources[id]!;
    // Only CloudFront reads the bucket, and only the console's files, for this distribution.
    const policy = JSON.stringify(resource('ConsoleBucketPolicy').Properties);
    expect(policy).toContain('cloudfront.amazonaws.com');
    expect(policy).toContain('ConsoleDistribution');
    expect(policy).not.toMatch(/"Principal":"\*","Action":"s3:GetObject"/);
    const distribution = resource('ConsoleDistribution').Properties.DistributionConfig as {
      Origins: Array<{ Id: string; OriginAccessControlId?: unknown; CustomOriginConfig?: unknown }>;
      DefaultCacheBehavior: { TargetOriginId: string; ViewerProtocolPolicy: string };
      CacheBehaviors: Array<{ PathPattern: string; TargetOriginId: string; ResponseHeadersPolicyId: unknown }>;
    };
    expect(distribution.Origins.find((o) => o.Id === 'console')?.OriginAccessControlId).toBeDefined();
    expect(distribution.DefaultCacheBehavior).toMatchObject({ TargetOriginId: 'api', ViewerProtocolPolicy: 'https-only' });
    expect(distribution.CacheBehaviors).toEqual([
      expect.objectContaining({
        PathPattern: 'console*',
        TargetOriginId: 'console',
        ResponseHeadersPolicyId: { Ref: 'ConsoleHeaders' },
      }),
    ]);
    const headers = resource('ConsoleHeaders').Properties.ResponseHeadersPolicyConfig as {
      SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: string; Override: boolean } };
    };
    expect(headers.SecurityHeadersConfig.ContentSecurityPolicy).toEqual({
      ContentSecurityPolicy: CONSOLE_POLICY,
      Override: true,
    });
    // Deployed stages only: the local platform serves the console itself, LocalStack Community has no CloudFront.
    expect(resource('ConsoleDistribution').Condition).toBe('ConsoleOnCloudFront');
  });

  it('passes cfn-lint with no errors', async (context) => {
    if (!hasCfnLint()) {
      console.warn('cfn-lint is not installed: the lint of the generated template was skipped.');
      context.skip();
    }
    // cfn-lint exits with 2 for errors, 4 for warnings, 8 for informational findings (bit flags).
    const result = await run('cfn-lint', ['--format', 'parseable', `${OUT}/cloudformation-template-update-stack.json`]).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    if (result.stdout) console.warn(result.stdout);
    expect(result.code & 2, result.stdout).toBe(0);
  }, 120_000);
});

describe('bundles and layers as Lambda runs them', () => {
  it('runs the bundled infer handler from outside the repository, resolving onnxruntime and the model through the layers', async () => {
    // Prepare: the bundle alone in an empty folder (like /var/task), the layers only reachable through NODE_PATH.
    const task = mkdtempSync(join(tmpdir(), 'vigie-task-'));
    cpSync('dist/infer', task, { recursive: true });
    const layers = resolve('layers/build');
    const script = `
      const { handler } = await import(${JSON.stringify(join(task, 'handler.js'))});
      const event = JSON.parse(require('node:fs').readFileSync(${JSON.stringify(resolve('events/infer-digit.json'))}, 'utf8'));
      const answer = await handler(event, { functionName: 'infer', awsRequestId: 'test' });
      console.log(JSON.stringify(answer));`;
    // Act
    const { stdout } = await run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { createRequire } from 'node:module'; const require = createRequire(import.meta.url); ${script}`,
      ],
      {
        cwd: task,
        env: {
          PATH: process.env.PATH,
          NODE_PATH: `${layers}/onnxruntime/nodejs/node_modules:${layers}/sharp/nodejs/node_modules`,
          MODELS_DIR: `${layers}/models/models`,
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
      },
    );
    // Assess
    const answer = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(answer).toMatchObject({ ok: true, model: 'digits', result: { label: '7' } });
  });

  it('loads every bundle with only the layers serverless.yml gives its function', async () => {
    const functions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    for (const fn of functions) {
      // Prepare: Handler "dist/<name>/handler.handler", Layers [{ Ref: "<Layer>LambdaLayer" }].
      const name = String(fn.Properties.Handler).split('/')[1]!;
      const layerNames = ((fn.Properties.Layers ?? []) as Array<{ Ref: string }>).map((layer) =>
        layer.Ref.replace(/LambdaLayer$/, '').toLowerCase(),
      );
      const task = mkdtempSync(join(tmpdir(), `vigie-${name}-`));
      cpSync(`dist/${name}`, task, { recursive: true });
      const nodePath = layerNames
        .filter((layer) => layer !== 'models')
        .map((layer) => resolve(`layers/build/${layer}/nodejs/node_modules`));
      // Act: import the bundle as Lambda would, with the environment the template gives it plus local secrets.
      const environment = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
      const result = await run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(join(task, 'handler.js'))}); console.log(typeof m.handler);`,
        ],
        {
          cwd: task,
          env: {
            PATH: process.env.PATH,
            ...environment,
            NODE_PATH: nodePath.join(':'),
            MODELS_DIR: resolve('layers/build/models/models'),
            VIGIE_API_KEY: 'any',
            VIGIE_PSEUDONYM_KEY: 'a-long-enough-local-key',
          },
        },
      ).catch((error: { stderr: string }) => ({ stdout: '', stderr: error.stderr }));
      // Assess
      expect(result.stdout.trim(), `${name} with layers [${layerNames}]: ${result.stderr}`).toBe('function');
    }
  });

  it('gives every function the layers its bundle loads: its natives, and the models where it reads them', async () => {
    for (const fn of Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function')) {
      const name = String(fn.Properties.Handler).split('/')[1]!;
      const layers = ((fn.Properties.Layers ?? []) as Array<{ Ref: string }>).map((layer) => layerFolder(layer));
      const needs = await functionNeeds(name);
      for (const pkg of needs.natives) {
        expect(
          layers.some((layer) => existsSync(`layers/build/${layer}/nodejs/node_modules/${pkg}/package.json`)),
          `${name} needs ${pkg}`,
        ).toBe(true);
      }
      if (needs.modelMetadata || needs.modelArtifacts) expect(layers, `${name} reads the models`).toContain('models');
    }
  }, 60_000);

  it('keeps every function with its layers under 120 MB unzipped (Lambda allows 250 MB)', () => {
    const layerSize = new Map<string, number>();
    const sizeOf = (layer: string) =>
      layerSize.get(layer) ?? layerSize.set(layer, directorySize(`layers/build/${layer}`)).get(layer)!;
    const functions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    const sizes = functions.map((fn) => {
      const name = String(fn.Properties.Handler).split('/')[1]!;
      const layers = ((fn.Properties.Layers ?? []) as Array<{ Ref: string }>).map((layer) => layerFolder(layer));
      return { name, layers, bytes: directorySize(`dist/${name}`) + layers.reduce((sum, layer) => sum + sizeOf(layer), 0) };
    });
    console.warn(`function + layers, unzipped (MB): ${sizes.map((s) => `${s.name} ${(s.bytes / 1e6).toFixed(1)}`).join(', ')}`);
    for (const { name, bytes } of sizes) expect(bytes, name).toBeLessThan(120e6);
  });
});

describe('the dashboard and alarms as code (#24)', () => {
  // What the code's reporters really emit: a failed and a rejected prediction, a drift report, a training.
  const prediction = {
    predictionId: 'p',
    requestId: 'r',
    source: 'http',
    model: 'iris',
    modelVersion: '1.0.0',
    timings: { preprocessMs: 0, inferenceMs: 1, totalMs: 2 },
    createdAt: '2026-12-01T00:00:00.000Z',
    expiresAt: 2_000_000_000,
  } as const;
  const emitted = emittedMetrics(() => {
    reportPrediction({ ...prediction, status: 'failed', error: { code: 'inference-failed', message: 'm' } });
    reportPrediction({ ...prediction, status: 'rejected', error: { code: 'invalid-input', message: 'm' } });
    reportDrift({
      model: 'iris',
      version: '1.0.0',
      window: { from: prediction.createdAt, to: prediction.createdAt, n: 60 },
      status: 'ok',
      alarm: false,
      features: [{ name: 'a', psi: 0.01, threshold: 0.1, breach: false }],
      output: { psi: 0.01, threshold: 0.1, breach: false },
    });
    reportTraining({
      event: 'training',
      schemaVersion: 1,
      timestamp: prediction.createdAt,
      requestId: 'r',
      trainingId: 't',
      source: 'http',
      model: 'iris',
      status: 'failed',
      durationSeconds: 1,
    } as Parameters<typeof reportTraining>[0]);
  });
  const emits = (namespace: string, name: string, dimensions: string[]) =>
    emitted.some(
      (metric) =>
        metric.namespace === namespace && metric.name === name && metric.dimensions.join() === [...dimensions].sort().join(),
    );
  const ofType = (type: string) =>
    Object.entries(template.Resources).filter(([, resource]) => resource.Type === type) as Array<
      [string, { Properties: Record<string, unknown> }]
    >;

  it('graphs per model and version, with SEARCH expressions over metrics the code emits, everything an operator watches', () => {
    const [dashboard, ...others] = ofType('AWS::CloudWatch::Dashboard');
    expect(others).toEqual([]);
    expect(dashboard![1].Properties.DashboardName).toBe('vigie-dev');
    const body = JSON.parse((dashboard![1].Properties.DashboardBody as { 'Fn::Sub': string })['Fn::Sub']) as {
      widgets: Array<{ properties: { metrics: unknown[][] } }>;
    };
    const searches = body.widgets.flatMap((widget) =>
      widget.properties.metrics.flatMap((line) =>
        line.flatMap((item) => {
          const match = /^SEARCH\('\{([^}]+)\} MetricName="([^"]+)"', '(\w+)', \d+\)$/.exec(
            (item as { expression?: string }).expression ?? '',
          );
          return match ? [{ schema: match[1]!.split(','), name: match[2]!, stat: match[3]! }] : [];
        }),
      ),
    );
    for (const { schema, name } of searches) {
      const [namespace, ...dimensions] = schema;
      expect(emits(namespace!, name, dimensions), `${schema.join()} ${name}`).toBe(true);
      // Per model (and version): the SEARCH finds models trained after the deploy.
      expect(dimensions).toContain(DIMENSIONS.model);
    }
    const graphed = (name: string) => searches.filter((search) => search.name === name).map((search) => search.stat);
    expect(graphed(PREDICTION_METRICS.predictions)).toEqual(['Sum']);
    expect(graphed(ERRORS_BY_CODE_METRIC)).toEqual(['Sum']);
    expect(graphed(PREDICTION_METRICS.latency)).toEqual(['p50', 'p95']);
    expect(graphed(PREDICTION_METRICS.rejections)).toEqual(['Sum']);
    expect(graphed(DRIFT_METRICS.psiRatio)).toEqual(['Maximum']);
    expect(graphed(DRIFT_METRICS.alarm)).toEqual(['Maximum']);
    expect(graphed(TRAINING_METRICS.trainings)).toEqual(['Sum']);
    expect(graphed(TRAINING_METRICS.failures)).toEqual(['Sum']);
    expect(JSON.stringify(body)).toContain(
      '"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","${PreprocessDeadLetterQueue.QueueName}"',
    );
  });

  it('alarms on 5xx rate, p95 latency, dead letters, drift and failed trainings, M of N, missing data explicit, to vigie-dev-alerts', () => {
    const [[topicId, topic]] = ofType('AWS::SNS::Topic') as [[string, { Properties: Record<string, unknown> }]];
    expect(topic.Properties.TopicName).toBe('vigie-dev-alerts');
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
      expect(alarm.DatapointsToAlarm as number).toBeGreaterThanOrEqual(1);
      expect(alarm.DatapointsToAlarm as number).toBeLessThanOrEqual(alarm.EvaluationPeriods as number);
      const dimensions = alarm.Dimensions as Array<{ Name: string; Value: unknown }>;
      if (alarm.Namespace === METRICS_NAMESPACE) {
        // The service-wide series of a metric the code emits.
        expect(dimensions).toEqual([{ Name: DIMENSIONS.service, Value: SERVICE_NAME }]);
        expect(emits(METRICS_NAMESPACE, alarm.MetricName as string, [DIMENSIONS.service]), String(alarm.MetricName)).toBe(true);
      }
    }
    const watched = alarms.map((alarm) => `${alarm.MetricName}:${alarm.ExtendedStatistic ?? alarm.Statistic}`).sort();
    expect(watched).toEqual(
      [
        `${PREDICTION_METRICS.failures}:Average`,
        `${PREDICTION_METRICS.latency}:p95`,
        'ApproximateNumberOfMessagesVisible:Maximum',
        `${DRIFT_METRICS.alarm}:Maximum`,
        `${TRAINING_METRICS.failures}:Sum`,
      ].sort(),
    );
    const deadLetters = alarms.find((alarm) => alarm.Namespace === 'AWS/SQS')!;
    expect(deadLetters.Dimensions).toEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': ['PreprocessDeadLetterQueue', 'QueueName'] } },
    ]);
  });

  it('runs the drift function every hour, with a role that writes only its reports', () => {
    const rules = ofType('AWS::Events::Rule').map(([, rule]) => rule.Properties);
    const drift = rules.find((rule) => JSON.stringify(rule.Targets).includes('DriftLambdaFunction'))!;
    expect(drift).toMatchObject({ ScheduleExpression: 'rate(60 minutes)', State: 'ENABLED' });
    const fn = template.Resources.DriftLambdaFunction!.Properties as { Environment: { Variables: Record<string, string> } };
    expect(fn.Environment.Variables).toMatchObject({ DRIFT_WINDOW_MINUTES: '60', DRIFT_SETTLE_MINUTES: '15' });
    expect(fn.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe(METRICS_NAMESPACE);
    const writes = JSON.stringify(template.Resources.DriftRole).match(/s3:PutObject[^}]*/g) ?? [];
    expect(writes.join()).toContain('/drift/*');
    expect(JSON.stringify(template.Resources.DriftRole)).not.toMatch(/PutItem|DeleteObject|UpdateItem/);
  });
});
