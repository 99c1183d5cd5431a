import { describe, expect, it } from 'vitest';
import { auditEventSchema, predictionAuditEvent } from '../../functions/records/audit';
import { classify, meanOfReadings } from '../../functions/serving/inference/postprocess';
import type { ClassificationOutputSpec } from '../../functions/serving/model-spec';
import type { PredictionRecord } from '../../functions/records/records';
import { savedQueries } from '../../infra/queries.cjs';
import { runInsightsQuery } from '../../scripts/audit/insights';
import type { LogEvent } from '../../scripts/audit/log-events';
import { jsonSchemaValidator } from '../support/json-schema';
import { digitsMetadata } from '../support/models';

/**
 * The audit event of a prediction says when the answer was marked uncertain (issue #14), so the trail alone tells
 * how often the digits model answered a best guess, and why; the saved query finds those answers.
 */
const metadata = digitsMetadata();
const spec = metadata.output as ClassificationOutputSpec;
const validate = jsonSchemaValidator('governance/schemas/audit-event.schema.json');

function recordOf(result: PredictionRecord['result'], at: string, id: string): PredictionRecord {
  return {
    predictionId: id,
    requestId: `request-${id}`,
    source: 'http',
    inputSha256: 'a'.repeat(64),
    model: metadata.name,
    modelVersion: metadata.version,
    modelSha256: metadata.artifact.sha256,
    status: 'succeeded',
    result,
    timings: { preprocessMs: 1, inferenceMs: 1, totalMs: 2 },
    createdAt: at,
    expiresAt: 0,
  } as PredictionRecord;
}

/** Scores that make `label` the answer with about `confidence` after the model's softmax. */
const logitsFor = (label: number, confidence: number) =>
  spec.labels.map((_, i) => (i === label ? Math.log((confidence * (spec.labels.length - 1)) / (1 - confidence)) : 0));

const asLogged = (audit: unknown, at: string): LogEvent => {
  const fields = { timestamp: at, message: 'prediction', audit };
  return { '@timestamp': Date.parse(at), '@message': JSON.stringify(fields), '@log': '/aws/lambda/vigie-local-predict', fields };
};

describe('the prediction audit event of an uncertain answer', () => {
  // Prepare: the digits model's own post-processing, on an empty page, on a hesitant answer and on a clear one.
  const blank = classify(new Array(spec.labels.length).fill(0), spec, true);
  const hesitant = classify(logitsFor(3, 0.5), spec);
  const clear = classify(logitsFor(7, 0.99), spec);
  const records = [
    recordOf(blank, '2026-11-26T08:00:00.000Z', 'blank'),
    recordOf(hesitant, '2026-11-26T08:01:00.000Z', 'hesitant'),
    recordOf(clear, '2026-11-26T08:02:00.000Z', 'clear'),
  ];

  it('carries uncertain: true and the reason, as the record does, and nothing of the kind for a clear answer', () => {
    // Act
    const [blankEvent, hesitantEvent, clearEvent] = records.map(predictionAuditEvent);
    // Assess
    expect(blankEvent!.output).toEqual({
      label: blank.label,
      confidence: blank.confidence,
      uncertain: true,
      reason: 'nothing-found',
    });
    expect(hesitantEvent!.output).toEqual({
      label: '3',
      confidence: hesitant.confidence,
      uncertain: true,
      reason: 'low-confidence',
    });
    expect(clearEvent!.output).toEqual({ label: '7', confidence: clear.confidence });
  });

  it('is valid against the zod schema and the generated JSON Schema, which refuses an unknown reason', () => {
    for (const event of records.map(predictionAuditEvent)) {
      expect(auditEventSchema.safeParse(event).success).toBe(true);
      expect(validate(event)).toEqual([]);
    }
    const event = predictionAuditEvent(records[1]!);
    expect(validate({ ...event, output: { ...event.output, reason: 'guessed' } })).not.toEqual([]);
  });

  it('says how many readings a page read again (second look) was answered from, the flag kept', () => {
    const again = meanOfReadings(hesitant, [classify(logitsFor(8, 0.9), spec), classify(logitsFor(8, 0.8), spec)]);
    const event = predictionAuditEvent(recordOf(again, '2026-11-26T08:03:00.000Z', 'again'));
    expect(event.output).toEqual({
      label: '8',
      confidence: again.confidence,
      uncertain: true,
      reason: 'low-confidence',
      readings: 3,
    });
    expect(auditEventSchema.safeParse(event).success).toBe(true);
    expect(validate(event)).toEqual([]);
  });

  it('is what the saved query uncertain-answers-per-model-per-day counts, by reason', () => {
    const query = savedQueries().find((q) => q.name === 'uncertain-answers-per-model-per-day')!;
    const logged = records.map((record) => asLogged(predictionAuditEvent(record), record.createdAt));
    expect(runInsightsQuery(query.queryString, logged).rows).toEqual([
      {
        day: '2026-11-26T00:00:00.000Z',
        model: 'digits',
        modelVersion: metadata.version,
        reason: 'low-confidence',
        uncertainAnswers: 1,
      },
      {
        day: '2026-11-26T00:00:00.000Z',
        model: 'digits',
        modelVersion: metadata.version,
        reason: 'nothing-found',
        uncertainAnswers: 1,
      },
    ]);
  });
});
