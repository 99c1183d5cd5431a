import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditFigures } from '../../functions/monitoring/report/audit-figures';
import { VERSION_RULES } from '../../functions/monitoring/report/recommendations';
import type { PredictionRecord } from '../../functions/records/records';
import { startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * A seeded month on the real local platform: records written into its predictions table (and a few made by real
 * predictions), subject requests and lifecycle changes made through the API; then `vigie report`, whose figures
 * are compared with the ones this test computes on its own from what the table holds, and whose PDFs (both
 * languages, read back from the results bucket) must hold them.
 */
const run = promisify(execFile);
const key = TEST_SETTINGS.apiKey;
const now = new Date();
const month = now.toISOString().slice(0, 7);
const monthStart = Date.parse(`${month}-01T00:00:00.000Z`);
const TABLE = 'vigie-local-predictions';
let t: TestPlatform;
let out: string;
let report: { html: string; pdf: string; stored: string[]; figures: AuditFigures };

const send = (method: string, path: string, body?: unknown) =>
  fetch(`${t.http}${path}`, {
    method,
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

/** 30 digits records spread over the days of the month so far: some rejected, some failed, some uncertain. */
function seededRecord(i: number): PredictionRecord {
  const elapsedMinutes = Math.max(1, Math.floor((now.getTime() - monthStart) / 60_000) - 5);
  const createdAt = new Date(monthStart + ((i * 997) % elapsedMinutes) * 60_000).toISOString();
  const status = i % 10 === 9 ? 'rejected' : i % 15 === 14 ? 'failed' : 'succeeded';
  return {
    predictionId: `audit-seed-${i}`,
    requestId: `audit-seed-${i}`,
    source: 'http',
    model: 'digits',
    modelVersion: '1.1.0',
    alias: 'production',
    status,
    ...(status === 'succeeded' && {
      result: {
        label: '7',
        confidence: 0.9,
        probabilities: {},
        ...(i % 4 === 0 && { uncertain: true as const, reason: 'low-confidence' as const }),
      },
    }),
    ...(status !== 'succeeded' && {
      error: { code: status === 'failed' ? 'inference-failed' : 'unsupported-image', message: 'seeded' },
    }),
    timings: { preprocessMs: 1, inferenceMs: 5, totalMs: 20 + ((i * 37) % 200) },
    createdAt,
    expiresAt: Math.floor(Date.parse(createdAt) / 1000) + 90 * 86_400,
  };
}

const percentile = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.ceil(share * values.length) - 1];

beforeAll(async () => {
  t = await startTestPlatform();
  for (let i = 0; i < 30; i++) await t.documents.send(new PutCommand({ TableName: TABLE, Item: seededRecord(i) }));
  // One record its retention forgot: created 100 days ago, expired 10 days ago, still there.
  const old = new Date(now.getTime() - 100 * 86_400_000);
  await t.documents.send(
    new PutCommand({
      TableName: TABLE,
      Item: {
        ...seededRecord(99),
        predictionId: 'audit-stale',
        createdAt: old.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) - 10 * 86_400,
      },
    }),
  );
  // Real predictions (iris rows: records with bins and the alias), real subject requests, real lifecycle changes.
  const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
  expect((await send('POST', '/v1/models/iris/predict', { rows: [row, row, row] })).status).toBe(200);
  expect((await send('POST', '/v1/models/iris/predict', { features: row })).status).toBe(200);
  expect((await send('GET', '/v1/subjects/audit-person-7/export')).status).toBe(200);
  expect((await send('DELETE', '/v1/subjects/audit-person-7')).status).toBe(200);
  expect((await send('POST', '/v1/models/iris/disable', { reason: 'audit drill: kill switch' })).status).toBe(200);
  expect((await send('POST', '/v1/models/iris/enable', { reason: 'audit drill over' })).status).toBe(200);
  await t.platform.drained();
  out = mkdtempSync(join(tmpdir(), 'vigie-audit-'));
  const { stdout } = await run(process.execPath, ['bin/vigie.js', 'report', '--month', month, '--json', '--out', out], {
    env: t.env,
    maxBuffer: 64 * 1024 * 1024,
  });
  report = JSON.parse(stdout) as typeof report;
}, 300_000);

afterAll(async () => {
  await t?.stop();
});

const pdfText = (pdf: Uint8Array) => {
  const file = join(out, `read-${Math.random()}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
};

describe('vigie report on a seeded month', () => {
  it("gives each model version's volume, outcomes, latency and uncertainty as the records say", async () => {
    const records = (await t.records()).filter((r) => r.createdAt.startsWith(month));
    const versions = [...new Set(records.map((r) => `${r.model} ${r.modelVersion ?? ''}`))].sort();
    expect(report.figures.models.map((v) => `${v.model} ${v.version}`).sort()).toEqual(versions);
    for (const name of versions) {
      const mine = records.filter((r) => `${r.model} ${r.modelVersion ?? ''}` === name);
      const succeeded = mine.filter((r) => r.status === 'succeeded');
      const codes: Record<string, number> = {};
      for (const r of mine) if (r.error) codes[r.error.code] = (codes[r.error.code] ?? 0) + 1;
      const theirs = report.figures.models.find((v) => `${v.model} ${v.version}` === name)!;
      expect(theirs).toMatchObject({
        predictions: mine.length,
        succeeded: succeeded.length,
        failed: mine.filter((r) => r.status === 'failed').length,
        rejected: mine.filter((r) => r.status === 'rejected').length,
        errorsByCode: codes,
        uncertain: succeeded.filter((r) => r.result && 'uncertain' in r.result && r.result.uncertain).length,
        latencyMs: {
          p50: percentile(
            succeeded.map((r) => r.timings.totalMs),
            0.5,
          ),
          p95: percentile(
            succeeded.map((r) => r.timings.totalMs),
            0.95,
          ),
        },
      });
      expect(theirs.daily.reduce((sum, day) => sum + day.predictions, 0)).toBe(mine.length);
    }
    const digits = report.figures.models.find((v) => v.model === 'digits')!;
    expect(digits).toMatchObject({
      predictions: 30,
      rejected: 3,
      failed: 1,
      aliases: ['production'],
      // digits has a baseline (picture statistics, D26); the seeded records carry no bins to measure.
      drift: { status: 'not-enough-data' },
    });
    expect(report.figures.models.find((v) => v.model === 'iris')).toMatchObject({
      predictions: 2,
      drift: { status: 'not-enough-data' },
    });
  });

  it('reports the GDPR checks: subject requests with answer times, retention, the identifier scan, the documents', async () => {
    const { gdpr } = report.figures;
    expect(gdpr.subjectRequests.map((r) => r.kind)).toEqual(['export', 'erasure']);
    for (const request of gdpr.subjectRequests) {
      expect(request.subject).toMatch(/^ps_[0-9a-f]{8}…$/);
      expect(request.durationMs).toBeGreaterThanOrEqual(0);
    }
    // The seeded stale record, and nothing else.
    expect(gdpr.pastRetention).toEqual({ records: 1, retentionDays: 90 });
    const monthRecords = (await t.records()).filter((r) => r.createdAt.startsWith(month));
    expect(gdpr.rawIdentifiers).toMatchObject({ recordsScanned: monthRecords.length, findings: [] });
    expect(gdpr.rawIdentifiers.logLinesScanned).toBeGreaterThan(0);
    expect(JSON.stringify(report.figures)).not.toContain('audit-person-7');
    const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
    expect(gdpr.documents).toEqual([
      {
        name: 'governance/record-of-processing.md',
        sha256: sha('governance/record-of-processing.md'),
        bytes: readFileSync('governance/record-of-processing.md').length,
      },
      { name: 'governance/dpia.md', sha256: sha('governance/dpia.md'), bytes: readFileSync('governance/dpia.md').length },
    ]);
  });

  it('lists the lifecycle changes of the month, with who and why', () => {
    expect(report.figures.lifecycle.filter((m) => m.model === 'iris').map((m) => [m.action, m.reason])).toEqual([
      ['disable', 'audit drill: kill switch'],
      ['enable', 'audit drill over'],
    ]);
    expect(report.figures.lifecycle.every((m) => m.actor.length > 0)).toBe(true);
  });

  it('writes audit.html and audit.pdf, and stores both languages in the results bucket; each PDF holds the figures', async () => {
    expect(readFileSync(report.html, 'utf8')).toContain('<svg');
    expect(readFileSync(report.pdf).subarray(0, 5).toString()).toBe('%PDF-');
    expect(report.stored.map((url) => url.replace(`s3://vigie-local-results/reports/${month}/`, ''))).toEqual([
      'fr/audit.html',
      'fr/audit.pdf',
      'audit.html',
      'audit.pdf',
      'en/audit.html',
      'en/audit.pdf',
    ]);
    const read = async (file: string) =>
      (
        await t.s3.send(new GetObjectCommand({ Bucket: 'vigie-local-results', Key: `reports/${month}/${file}` }))
      ).Body!.transformToByteArray();
    const fr = pdfText(await read('audit.pdf'));
    const en = pdfText(await read('en/audit.pdf'));
    const digits = report.figures.models.find((v) => v.model === 'digits')!;
    const share = (part: number, whole: number) => ((part / whole) * 100).toFixed(1);
    // digits: a quarter of the succeeded answers seeded uncertain, above the 5 % rule, which says so with the figure.
    const threshold = VERSION_RULES.find((rule) => rule.rule === 'uncertain-share')!.threshold;
    expect(digits.uncertain / digits.succeeded).toBeGreaterThan(threshold);
    expect(en).toMatch(
      new RegExp(
        `digits\\s+1\\.1\\.0\\s+production\\s+30\\s+${digits.failed} \\(${share(digits.failed, 30)} %\\)\\s+3 \\(${share(3, 30)} %\\)\\s+${digits.latencyMs!.p50}\\s+${digits.latencyMs!.p95}\\s+${digits.uncertain} \\(${share(digits.uncertain, digits.succeeded)} %\\)`,
      ),
    );
    expect(en).toContain(
      `digits 1.1.0: ${share(digits.uncertain, digits.succeeded)} % uncertain answers, above the 5 % threshold`,
    );
    expect(en).toContain('Records past retention (90 days): 1.');
    expect(en).toContain('Data-subject requests (export, erasure): 2.');
    expect(fr).toContain(
      `digits 1.1.0 : ${share(digits.uncertain, digits.succeeded).replace('.', ',')} % de réponses incertaines`,
    );
    expect(fr).toContain('Enregistrements au-delà de la conservation (90 jours) : 1.');
    expect(fr).toMatch(/audit drill: kill\s+switch/);
  });
});
