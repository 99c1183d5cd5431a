import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  monthRange,
  previousMonth,
  type AuditFigures,
  type VersionReport,
} from '../../functions/monitoring/report/audit-figures';
import { figuresFromRecords } from '../../functions/monitoring/report/model-figures';
import { recommendations, VERSION_RULES } from '../../functions/monitoring/report/recommendations';
import { versionDrift } from '../../functions/monitoring/report/records-review';
import { renderReport } from '../../functions/monitoring/report/publish';
import { logLineProblem, recordProblem } from '../../functions/monitoring/report/identifier-scan';
import type { ModelRecords } from '../../functions/records/model-records';
import type { PredictionRecord } from '../../functions/records/records';
import type { Baseline } from '../../functions/serving/baseline';

const MONTH = monthRange('2026-11');
const pseudonym = `ps_${'a'.repeat(32)}`;

function version(overrides: Partial<VersionReport>): VersionReport {
  return {
    model: 'digits',
    version: '1.1.0',
    aliases: ['production'],
    predictions: 100,
    succeeded: 90,
    failed: 0,
    rejected: 10,
    errorsByCode: { 'unsupported-image': 10 },
    latencyMs: { p50: 40, p95: 120 },
    uncertain: 13,
    daily: Array.from({ length: 30 }, (_, i) => ({ predictions: i === 3 ? 100 : 0, unsuccessful: i === 3 ? 10 : 0 })),
    drift: { status: 'no-baseline', days: [], alarmDays: 0, breaches: {} },
    ...overrides,
  };
}

const figures = (models: VersionReport[]): AuditFigures => ({
  month: '2026-11',
  stage: 'test',
  generatedAt: '2026-12-01T04:00:00.000Z',
  gdpr: {
    subjectRequests: [
      { at: '2026-11-05T10:00:00.000Z', kind: 'erasure', subject: 'ps_0123abcd…', predictions: 3, files: 2, durationMs: 412 },
    ],
    pastRetention: { records: 0, retentionDays: 90 },
    rawIdentifiers: { recordsScanned: 100, logLinesScanned: 500, findings: [] },
    documents: [{ name: 'governance/dpia.md', sha256: '0123456789abcdef', bytes: 1234 }],
  },
  models,
  lifecycle: [
    {
      model: 'iris',
      at: '2026-11-07T09:00:00.000Z',
      action: 'move',
      alias: 'production',
      from: '1.0.0',
      to: '1.1.0',
      actor: 'ops',
      reason: 'better',
    },
  ],
  approvals: [],
});

function record(overrides: Partial<PredictionRecord>): PredictionRecord {
  return {
    predictionId: `p-${Math.random()}`,
    requestId: 'r',
    source: 'http',
    model: 'digits',
    modelVersion: '1.1.0',
    status: 'succeeded',
    timings: { preprocessMs: 1, inferenceMs: 1, totalMs: 10 },
    createdAt: '2026-11-02T10:00:00.000Z',
    expiresAt: 0,
    ...overrides,
  };
}

const fakeRecords = (all: PredictionRecord[]): ModelRecords => ({
  page: () => Promise.reject(new Error('not used')),
  async *each(query) {
    yield* all.filter((r) => r.model === query.model && r.createdAt >= query.from && r.createdAt <= query.to);
  },
});

describe('the audit report, rendered from its figures', () => {
  it('recommends by rule, with the figure and the threshold (only above it, only on enough predictions)', () => {
    // Prepare: 13 uncertain of 90 answered (14.4 %), above the 5 % rule; 10 of 100 rejected: at, not above, 10 %.
    const found = recommendations(figures([version({}), version({ model: 'iris', predictions: 5, succeeded: 5, uncertain: 5 })]));
    // Assess
    expect(found.map((r) => r.rule)).toEqual(['uncertain-share']);
    const rule = VERSION_RULES.find((r) => r.rule === 'uncertain-share')!;
    expect(found[0]).toMatchObject({ subject: 'digits 1.1.0', value: 13 / 90, threshold: rule.threshold });
    expect(found[0]!.text.en).toBe('digits 1.1.0: 14.4 % uncertain answers, above the 5 % threshold: review the inputs.');
    expect(found[0]!.text.fr).toBe(
      'digits 1.1.0 : 14,4 % de réponses incertaines, au-dessus du seuil de 5 % : revoir les entrées.',
    );
    expect(recommendations(figures([version({ uncertain: 4 })]))).toEqual([]);
  });

  it('draws each day as SVG bars from the figures, and the PDF holds the same text (both languages)', async () => {
    const data = figures([version({})]);
    const fr = await renderReport(data, 'fr');
    const en = await renderReport(data, 'en');
    // One day with predictions: one bar for the succeeded part, one for the rest, titled with the day's figures.
    expect(fr.html.match(/<rect [^>]*><title>4: 100 \(10\)<\/title><\/rect>/g)).toHaveLength(2);
    expect(en.html).toContain('<html lang="en">');
    expect(fr.html).toContain('Conformité RGPD');
    expect(en.html).toContain('GDPR conformity');
    const folder = mkdtempSync(join(tmpdir(), 'vigie-report-'));
    for (const report of [fr, en]) {
      expect(report.pdf.subarray(0, 5).toString()).toBe('%PDF-');
      writeFileSync(join(folder, `${report.language}.pdf`), report.pdf);
    }
    const text = (language: string) =>
      execFileSync('pdftotext', ['-layout', join(folder, `${language}.pdf`), '-'], { encoding: 'utf8' });
    expect(text('fr')).toMatch(/digits\s+1\.1\.0\s+production\s+100\s+0 \(0,0 %\)\s+10 \(10,0 %\)\s+40\s+120\s+13 \(14,4 %\)/);
    expect(text('fr')).toContain('revoir les entrées');
    expect(text('en')).toMatch(/digits\s+1\.1\.0\s+production\s+100\s+0 \(0\.0 %\)\s+10 \(10\.0 %\)\s+40\s+120\s+13 \(14\.4 %\)/);
    expect(text('en')).toContain('Raw identifiers found: 0 (100 records and 500 log lines scanned).');
  });
});

describe('the figures behind it', () => {
  it('counts a model month per version from its records: outcomes, error codes, latency percentiles, uncertainty', async () => {
    const all = [
      ...[10, 20, 30, 40].map((totalMs) => record({ timings: { preprocessMs: 0, inferenceMs: 0, totalMs } })),
      record({ result: { label: '7', confidence: 0.4, probabilities: {}, uncertain: true, reason: 'low-confidence' } }),
      record({ status: 'rejected', error: { code: 'unsupported-image', message: '' }, createdAt: '2026-11-30T23:59:00.000Z' }),
      record({ modelVersion: undefined, status: 'rejected', error: { code: 'unsupported-image', message: '' } }),
      record({ createdAt: '2026-10-31T23:59:59.999Z' }),
    ];
    const [unversioned, v110] = await figuresFromRecords(fakeRecords(all))('digits', MONTH);
    expect(unversioned).toMatchObject({ version: '', predictions: 1, rejected: 1 });
    expect(v110).toMatchObject({ version: '1.1.0', predictions: 6, succeeded: 5, rejected: 1, uncertain: 1 });
    expect(v110!.errorsByCode).toEqual({ 'unsupported-image': 1 });
    expect(v110!.latencyMs).toEqual({ p50: 20, p95: 40 });
    expect(v110!.daily[1]).toEqual({ predictions: 5, unsuccessful: 0 });
    expect(v110!.daily[29]).toEqual({ predictions: 1, unsuccessful: 1 });
  });

  it('says alarm when 3 of 5 daily windows drifted, naming the feature, and no-baseline without one', () => {
    const baseline = {
      rows: 1000,
      features: [{ name: 'x', edges: [0], shares: [0.5, 0.5] }],
      output: { shares: [0.5, 0.5] },
    } as unknown as Baseline;
    const even = { rows: 200, features: { x: [100, 100] }, output: [100, 100] };
    const shifted = { rows: 200, features: { x: [10, 190] }, output: [100, 100] };
    const drift = versionDrift(baseline, [even, shifted, shifted, shifted, undefined]);
    expect(drift).toMatchObject({
      status: 'alarm',
      days: ['ok', 'drift', 'drift', 'drift', 'not-enough-data'],
      alarmDays: 2,
      breaches: { x: 3 },
    });
    expect(versionDrift(baseline, [even, even]).status).toBe('ok');
    expect(versionDrift(undefined, [even]).status).toBe('no-baseline');
  });

  it('finds raw identifiers in records and log lines, by where, never by value', () => {
    expect(recordProblem(record({ subjectId: pseudonym, callerId: pseudonym }))).toBeUndefined();
    expect(recordProblem(record({ predictionId: 'p1', subjectId: 'driver-42' }))).toBe('record p1: subjectId is not a pseudonym');
    expect(recordProblem(record({ predictionId: 'p2', inputKey: 'incoming/digits/alice@example.com.png' }))).toBe(
      'record p2: holds an e-mail address',
    );
    const event = {
      event: 'subject-export',
      schemaVersion: 1,
      timestamp: '2026-11-02T10:00:00.000Z',
      requestId: 'r',
      subjectPseudonym: pseudonym,
      predictions: 1,
      files: 0,
    };
    expect(logLineProblem(JSON.stringify({ audit: event }), 'a.log:1')).toBeUndefined();
    expect(logLineProblem(JSON.stringify({ audit: { ...event, subjectId: 'driver-42' } }), 'a.log:2')).toBe(
      'a.log:2: an audit event outside its schema',
    );
    expect(logLineProblem('debug alice@example.com', 'a.log:3')).toBe('a.log:3: holds an e-mail address');
  });

  it('covers a calendar month in UTC, and the scheduled run reports the month before', () => {
    expect(monthRange('2024-02')).toEqual({
      month: '2024-02',
      from: '2024-02-01T00:00:00.000Z',
      to: '2024-02-29T23:59:59.999Z',
      days: 29,
    });
    expect(previousMonth(new Date('2027-01-01T04:00:00Z'))).toBe('2026-12');
    expect(() => monthRange('2026-13')).toThrow(RangeError);
  });
});
