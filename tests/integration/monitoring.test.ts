import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftAnswer } from '../../functions/monitoring/drift-report';
import type { PredictionRecord } from '../../functions/records/records';
import type { ModelMetadata } from '../../functions/serving/model-spec';
import { SKAB_DIR, skabAvailable } from '../../scripts/evaluation/skab-dataset';
import { baselineOf } from '../support/baseline-draws';
import { eventually, startTestPlatform, type TestPlatform } from '../support/platform';

/**
 * #24 on the real local platform: the very rows sensor-anomaly was trained on (SKAB's training files, as CSV
 * batches through S3: batch rows count as single rows do), then the same files again with Temperature one
 * standard deviation up. `vigie drift` says ok, then drift naming Temperature alone; the answers do not move, as
 * the model standardises each file on its first rows. GET /v1/predictions lists the records behind it.
 */
const exec = promisify(execFile);
let t: TestPlatform;
const MODEL = 'sensor-anomaly';
const baseline = baselineOf(MODEL);
const metadata = JSON.parse(readFileSync(`models/${MODEL}/1.0.0/metadata.json`, 'utf8')) as ModelMetadata;
const trainingFiles = metadata.training.data.split.trainingFiles as string[];

/** A SKAB file as it is, or with `sigmas` baseline standard deviations added to one column. */
function skabCsv(file: string, shift?: { feature: string; sigmas: number }): string {
  const [header, ...lines] = readFileSync(join(SKAB_DIR, file), 'utf8').split(/\r?\n/);
  if (!shift) return [header, ...lines].join('\n');
  const column = header!.split(';').indexOf(shift.feature);
  const offset = shift.sigmas * baseline.features.find((feature) => feature.name === shift.feature)!.std!;
  const moved = lines.map((line) => {
    if (!line.trim()) return line;
    const cells = line.split(';');
    cells[column] = String(Number(cells[column]) + offset);
    return cells.join(';');
  });
  return [header, ...moved].join('\n');
}

/** Uploads every training file under `incoming/sensor-anomaly/<folder>/` and waits for their batch records. */
async function uploadAll(folder: string, shift?: { feature: string; sigmas: number }): Promise<PredictionRecord[]> {
  const keys = trainingFiles.map((file) => `incoming/${MODEL}/${folder}/${file}`);
  await Promise.all(
    trainingFiles.map((file, i) =>
      t.s3.send(new PutObjectCommand({ Bucket: 'vigie-local-uploads', Key: keys[i], Body: skabCsv(file, shift) })),
    ),
  );
  return eventually(async () => {
    const ended = (await t.records()).filter((r) => keys.includes(r.inputKey ?? '') && (r.status as string) !== 'running');
    return ended.length === keys.length ? ended : undefined;
  }, 240_000);
}

const vigie = (args: string[]) => exec(process.execPath, ['bin/vigie.js', ...args], { env: t.env });
const drift = async () => JSON.parse((await vigie(['drift', MODEL, '--json'])).stdout) as DriftAnswer;
const api = (path: string, key = t.env.VIGIE_API_KEY!) => fetch(`${t.http}${path}`, { headers: { 'x-api-key': key } });

beforeAll(async () => {
  if (!skabAvailable()) throw new Error(`The SKAB data is not at ${SKAB_DIR} (../shared/datasets beside the repository).`);
  t = await startTestPlatform();
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

describe('drift on the local platform', () => {
  it('says ok for the rows the model was trained on, counting CSV batch rows', { timeout: 300_000 }, async () => {
    const records = await uploadAll('training-data');
    expect(records.every((record) => record.status === 'succeeded' && record.bins)).toBe(true);

    const answer = await drift();
    expect(answer).toMatchObject({ model: MODEL, version: '1.0.0', status: 'ok', alarm: false, window: { n: baseline.rows } });
    expect(answer.features.map((feature) => feature.name)).toEqual(baseline.features.map((feature) => feature.name));
    expect(answer.features.some((feature) => feature.breach)).toBe(false);
    const { stdout } = await vigie(['drift', MODEL]);
    expect(stdout).toMatch(/^sensor-anomaly 1\.0\.0: ok\n/);
  });

  it('says drift, naming Temperature alone, once Temperature is one standard deviation up', { timeout: 300_000 }, async () => {
    await uploadAll('temperature-up', { feature: 'Temperature', sigmas: 1 });

    const answer = await drift();
    expect(answer).toMatchObject({ status: 'drift', alarm: false, window: { n: 2 * baseline.rows } });
    expect(answer.features.filter((feature) => feature.breach).map((feature) => feature.name)).toEqual(['Temperature']);
    expect(answer.output.breach).toBe(false);
    const { stdout } = await vigie(['drift', MODEL]);
    expect(stdout).toMatch(/^sensor-anomaly 1\.0\.0: drift\n/);
    expect(stdout).toMatch(/Temperature +PSI [\d.]+ \(threshold [\d.]+\) {2}DRIFT/);
  });
});

describe('GET /v1/predictions', () => {
  it('lists the records newest first, a page at a time, to a key holding predictions:read', async () => {
    const first = await api(`/v1/predictions?model=${MODEL}&limit=1`);
    expect(first.status).toBe(200);
    const page = (await first.json()) as { items: PredictionRecord[]; cursor?: string };
    expect(page.items).toMatchObject([{ model: MODEL, source: 's3' }]);
    const second = (await (await api(`/v1/predictions?model=${MODEL}&limit=1&cursor=${page.cursor}`)).json()) as {
      items: PredictionRecord[];
    };
    expect(second.items[0]!.createdAt <= page.items[0]!.createdAt).toBe(true);
    expect(second.items[0]!.predictionId).not.toBe(page.items[0]!.predictionId);
    const all = (await (await api(`/v1/predictions?model=${MODEL}&source=s3&limit=100`)).json()) as { items: PredictionRecord[] };
    expect(all.items).toHaveLength(2 * trainingFiles.length);
    expect(all.items.map((item) => item.createdAt)).toEqual(
      all.items
        .map((item) => item.createdAt)
        .sort()
        .reverse(),
    );
    expect((await (await api(`/v1/predictions?model=${MODEL}&source=http`)).json()) as unknown).toEqual({ items: [] });
  });

  it('refuses a key without predictions:read (403) and a cursor it did not hand out (400)', async () => {
    const { stdout } = await vigie(['keys', 'create', '--name', 'caller', '--models', MODEL, '--json']);
    const plain = (JSON.parse(stdout) as { key: string }).key;
    expect((await api(`/v1/predictions?model=${MODEL}`, plain)).status).toBe(403);
    const bad = await api(`/v1/predictions?model=${MODEL}&cursor=bm90LWEtY3Vyc29y`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'invalid-cursor' });
  });
});
