import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { afterAnswer, answered, EXTENSION_NAME, keepAliveForWorkAfterAnswers } from '../../functions/platform/after-answer';
import { shadowReport } from '../../functions/monitoring/shadow-report';
import { createMemoryErasureLedger } from '../../functions/records/erasure-ledger-memory';
import type { ModelRecords } from '../../functions/records/model-records';
import type { PredictionRecord } from '../../functions/records/records';
import type { ShadowOutput } from '../../functions/records/shadow-outputs';
import type { LifecycleState } from '../../functions/serving/aliases';
import { inferInProcess } from '../../functions/serving/inference/infer';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { ModelRegistry } from '../../functions/serving/registry';
import { chooseRoute, shareBucket } from '../../functions/serving/routing';
import { createShadowHandOver, SHADOW_PAYLOAD_LIMIT, type ShadowCall } from '../../functions/serving/shadow';
import { compareAnswers } from '../../functions/serving/shadow-compare';
import { runShadow } from '../../functions/serving/shadow-run';
import { MODELS_DIR } from '../support/models';

/** Shadow's pure parts (share, comparison, window sums), the shadow run on the real iris model, and the extension. */

const state = (aliases: LifecycleState['aliases']): LifecycleState => ({ aliases, disabled: false });
const keys = Array.from({ length: 1_000 }, (_, i) => `request-${i}`);

describe('the shadow share', () => {
  it('takes its weight of production’s requests from the top buckets, apart from the canary’s', () => {
    const routed = state({
      production: { version: '1.0.0' },
      canary: { version: '1.1.0', weight: 30 },
      shadow: { version: '1.2.0', weight: 20 },
    });
    const choices = keys.map((shareKey) => chooseRoute('m', routed, { shareKey }));
    const shadowed = choices.filter((choice) => choice.shadow === '1.2.0');
    expect(shadowed.length / keys.length).toBeGreaterThan(0.15);
    expect(shadowed.length / keys.length).toBeLessThan(0.25);
    // Every shadowed request was answered by production, none by the canary.
    expect(shadowed.every((choice) => choice.alias === 'production' && choice.version === '1.0.0')).toBe(true);
    expect(keys.filter((key, i) => choices[i]!.shadow !== undefined).every((key) => shareBucket(key) >= 80)).toBe(true);
  });

  it('is deterministic, and leaves out requests that name a version or another alias', () => {
    const routed = state({ shadow: { version: '1.2.0', weight: 100 }, canary: { version: '1.1.0' } });
    expect(chooseRoute('m', routed, { shareKey: 'a' })).toEqual({ alias: 'production', shadow: '1.2.0' });
    expect(chooseRoute('m', routed, { shareKey: 'a', alias: 'production' })).toEqual({ alias: 'production', shadow: '1.2.0' });
    expect(chooseRoute('m', routed, { shareKey: 'a', version: '1.0.0' })).toEqual({ version: '1.0.0' });
    expect(chooseRoute('m', routed, { shareKey: 'a', alias: 'canary' })).toEqual({ version: '1.1.0', alias: 'canary' });
    // Without a weight, an alias named `shadow` only serves who asks for it.
    expect(chooseRoute('m', state({ shadow: { version: '1.2.0' } }), { shareKey: 'a' }).shadow).toBeUndefined();
  });
});

describe('the hand-over', () => {
  it('is one asynchronous Invoke of the shadow function, and none for an input past the payload limit', async () => {
    const sent: InvokeCommand[] = [];
    const client = { send: (command: InvokeCommand) => (sent.push(command), Promise.resolve({})) } as unknown as LambdaClient;
    const handOver = createShadowHandOver(() => client, 'vigie-test-shadow');
    const call: ShadowCall = {
      model: 'digits',
      version: '1.1.0',
      productionVersion: '1.0.0',
      predictionId: 'p',
      requestId: 'r',
      input: { kind: 'image', image: 'AAAA' },
      answers: [null],
    };
    await handOver(call);
    await handOver({ ...call, input: { kind: 'image', image: 'A'.repeat(SHADOW_PAYLOAD_LIMIT) } });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.input).toMatchObject({ FunctionName: 'vigie-test-shadow', InvocationType: 'Event' });
    expect(JSON.parse(Buffer.from(sent[0]!.input.Payload as Uint8Array).toString())).toEqual(call);
  });
});

describe('compareAnswers', () => {
  const setosa = { label: 'setosa', confidence: 0.9, probabilities: { setosa: 0.9, versicolor: 0.1 } };
  const versicolor = { label: 'versicolor', confidence: 0.6, probabilities: { setosa: 0.4, versicolor: 0.6 } };

  it('counts same labels and sums the difference on production’s label, skipping refused rows', () => {
    expect(compareAnswers([setosa, setosa, null], [setosa, versicolor, setosa])).toEqual({
      compared: 2,
      sameLabel: 1,
      scoreDifferenceSum: 0.5,
      scoreDifferences: 2,
    });
    expect(compareAnswers([{ anomaly: 1, score: 0.8 }], [{ anomaly: 0, score: 0.3 }])).toEqual({
      compared: 1,
      sameLabel: 0,
      scoreDifferenceSum: 0.5,
      scoreDifferences: 1,
    });
    expect(compareAnswers([{ value: 2 }], [{ value: 2.5 }])).toEqual({
      compared: 1,
      scoreDifferenceSum: 0.5,
      scoreDifferences: 1,
    });
  });

  it('matches boxes of the same label by IoU, once each', () => {
    const car = (xmin: number, score: number) => ({ label: 'car', score, box: { xmin, ymin: 0, xmax: xmin + 10, ymax: 10 } });
    const comparison = compareAnswers(
      [{ detections: [car(0, 0.9), car(100, 0.8)] }],
      [{ detections: [car(1, 0.7), car(2, 0.6), car(300, 0.5)] }],
    );
    expect(comparison.boxes).toMatchObject({ production: 2, shadow: 3, matched: 1, sameCount: 0 });
    expect(comparison.boxes!.iouSum).toBeCloseTo(90 / 110);
    expect(comparison).toMatchObject({ compared: 1, scoreDifferenceSum: expect.closeTo(0.2) as number, scoreDifferences: 1 });
  });
});

describe('shadowReport', () => {
  const record = (modelVersion: string, shadow?: ShadowOutput): PredictionRecord =>
    ({
      predictionId: 'p',
      model: 'car',
      modelVersion,
      status: 'succeeded',
      createdAt: '2026-12-03T10:00:00.000Z',
      shadow,
    }) as PredictionRecord;
  const boxes = (matched: number, iouSum: number, sameCount: number) => ({
    production: 2,
    shadow: 2,
    matched,
    iouSum,
    sameCount,
  });
  const output = (version: string, comparison?: ShadowOutput['comparison']): ShadowOutput => ({
    version,
    at: '2026-12-03T10:00:01.000Z',
    inferenceMs: 1,
    ...(comparison ? { comparison } : { error: { code: 'model-not-approved' } }),
  });
  const records = (items: PredictionRecord[]): ModelRecords => ({
    page: () => Promise.reject(new Error('not used')),
    async *each() {
      yield* items;
    },
  });

  it('sums the window per pair of versions', async () => {
    const report = await shadowReport(
      records([
        record('1.0.0', output('1.1.0', { compared: 1, scoreDifferenceSum: 0.2, scoreDifferences: 2, boxes: boxes(2, 1.6, 1) })),
        record('1.0.0', output('1.1.0', { compared: 1, scoreDifferenceSum: 0.1, scoreDifferences: 1, boxes: boxes(1, 0.9, 0) })),
        record('1.0.0', output('1.1.0')),
        record('1.0.0'),
        record('1.1.0', output('1.2.0', { compared: 3, sameLabel: 2, scoreDifferenceSum: 0.3, scoreDifferences: 3 })),
      ]),
      'car',
      { from: '2026-12-03T00:00:00.000Z', to: '2026-12-04T00:00:00.000Z' },
      { version: '1.1.0', weight: 100 },
    );
    expect(report.shadow).toEqual({ version: '1.1.0', weight: 100 });
    expect(report.agreement).toEqual([
      {
        productionVersion: '1.0.0',
        shadowVersion: '1.1.0',
        requests: 3,
        failed: 1,
        n: 2,
        meanScoreDifference: 0.1,
        meanIoU: 0.833333,
        boxes: { production: 4, shadow: 4, matched: 3 },
        boxCountAgreement: 0.5,
      },
      {
        productionVersion: '1.1.0',
        shadowVersion: '1.2.0',
        requests: 1,
        failed: 0,
        n: 3,
        sameLabelShare: 0.666667,
        meanScoreDifference: 0.1,
      },
    ]);
  });
});

describe('runShadow on the iris model', () => {
  const sessions = new SessionCache();
  const deps = (attach: (id: string, output: ShadowOutput) => Promise<boolean>) => ({
    prediction: {
      registry: new ModelRegistry(MODELS_DIR),
      invokeInfer: inferInProcess({ sessions }),
      store: {
        put: () => Promise.reject(new Error('never stored')),
        get: () => Promise.resolve(undefined),
        delete: () => Promise.resolve(),
      },
      erasures: createMemoryErasureLedger(),
      report: () => {
        throw new Error('never reported');
      },
      now: () => new Date('2026-12-03T10:00:00Z'),
      limits: { maxPixels: 1e7, maxBytes: 1e6, maxDecodeSeconds: 5 },
      retentionDays: 90,
    },
    sessions,
    outputs: { attach },
    attach: { attempts: 3, delayMs: 1 },
  });
  const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
  const call = {
    model: 'iris',
    version: '1.0.0',
    productionVersion: '1.0.0',
    predictionId: 'p-1',
    requestId: 'r-1',
    input: { kind: 'features' as const, features: setosa },
    answers: [{ label: 'virginica', confidence: 1, probabilities: { virginica: 1 } }],
  };

  it('scores the input, compares it with production’s answer, and stores it once the record is there', async () => {
    const tries: ShadowOutput[] = [];
    const stored = await runShadow(
      deps(async (id, output) => {
        expect(id).toBe('p-1');
        tries.push(output);
        return tries.length === 2;
      }),
      call,
    );
    expect(stored).toBe(true);
    expect(tries).toHaveLength(2);
    expect(tries[1]).toMatchObject({
      version: '1.0.0',
      result: { label: 'setosa' },
      comparison: { compared: 1, sameLabel: 0, scoreDifferences: 1 },
    });
  });

  it('gives up on a record that never appears, and records a shadow that refuses as such', async () => {
    let tries = 0;
    expect(
      await runShadow(
        deps(async () => ((tries += 1), false)),
        call,
      ),
    ).toBe(false);
    expect(tries).toBe(3);
    let output: ShadowOutput | undefined;
    await runShadow(
      deps(async (_id, o) => ((output = o), true)),
      { ...call, input: { kind: 'features', features: { sepal_length: 'x' } } },
    );
    expect(output).toMatchObject({ version: '1.0.0', error: { code: 'invalid-features' } });
    expect(output).not.toHaveProperty('comparison');
  });
});

/** Waits (polling) for a condition the extension's HTTP exchanges make true, on a machine of any speed. */
async function until(condition: () => boolean) {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('the after-answer extension', () => {
  it('registers for INVOKE, and asks for the next event only once the answer is given and its work is done', async () => {
    const log: string[] = [];
    let release: (() => void) | undefined;
    let nextCalls = 0;
    const server = createServer((request: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        if (request.url === '/2020-01-01/extension/register') {
          log.push(`register ${String(request.headers['lambda-extension-name'])} ${Buffer.concat(chunks).toString()}`);
          response.writeHead(200, { 'lambda-extension-identifier': 'ext-1' }).end('{}');
          return;
        }
        nextCalls += 1;
        log.push(`next ${String(request.headers['lambda-extension-identifier'])}`);
        // The first next: an invocation starts. The second: the test ends it with a shutdown.
        if (nextCalls === 1) response.writeHead(200).end(JSON.stringify({ eventType: 'INVOKE' }));
        else response.writeHead(200).end(JSON.stringify({ eventType: 'SHUTDOWN' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const loop = keepAliveForWorkAfterAnswers(`127.0.0.1:${port}`);
    await until(() => nextCalls === 1);
    expect(log).toEqual([`register ${EXTENSION_NAME} {"events":["INVOKE"]}`, 'next ext-1']);
    // The invocation leaves work after its answer, then answers.
    afterAnswer(() => new Promise<void>((resolve) => (release = resolve)));
    await until(() => release !== undefined);
    answered();
    // The answer is given, its work is not done: no next event yet.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(nextCalls).toBe(1);
    release!();
    await loop;
    expect(nextCalls).toBe(2);
    server.close();
  });
});
