import { readFileSync } from 'node:fs';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionResult } from '../../functions/records/results';
import { iou } from '../../functions/serving/inference/detection';
import { validationFrames, type FrameRangeSplit, type LabelledFrame } from '../../scripts/evaluation/car-dataset';
import { MODELS_DIR } from '../support/models';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * The car detector served end to end beside the digit classifier: real dashcam frames uploaded to the local S3,
 * records with boxes in frame pixels, annotated pictures in the results bucket, and the HTTP API's JSON and pictures.
 */
const metadata = JSON.parse(readFileSync(`${MODELS_DIR}/car-detector/1.0.0/metadata.json`, 'utf8'));
const frames = validationFrames(metadata.training.data.split as FrameRangeSplit);
// Frames whose cars are the largest (whole cars, not a bumper at the edge): this test is about the path, not accuracy.
const size = (f: LabelledFrame) => Math.min(...f.boxes.map((b) => b.xmax - b.xmin));
const withCars = frames
  .filter((f) => f.boxes.length > 0)
  .sort((a, b) => size(b) - size(a))
  .slice(0, 3);
const withoutCars = frames.filter((f) => f.boxes.length === 0).slice(0, 1);
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
});

afterAll(async () => {
  await t?.stop();
});

/** Each true car is found by some detection overlapping it by IoU ≥ 0.5. */
function findsTheCars(result: DetectionResult, frame: LabelledFrame) {
  return frame.boxes.filter((truth) => result.detections.some((d) => iou(d.box, truth) >= 0.5)).length;
}

/** Every detection's box is drawn: the middle of its left edge has the overlay's green (#00e676) within a pixel. */
async function expectBoxesDrawn(picture: Buffer, result: DetectionResult) {
  const { data, info } = await sharp(picture).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  for (const { box } of result.detections) {
    const y = Math.round((box.ymin + box.ymax) / 2);
    const x = Math.round(box.xmin);
    const pixels = [x - 1, x, x + 1]
      .filter((px) => px >= 0 && px < info.width)
      .map((px) => [...data.subarray((y * info.width + px) * 3, (y * info.width + px) * 3 + 3)]);
    expect(pixels.some(([r = 255, g = 0, b = 0]) => r < 60 && g > 200 && b > 80 && b < 160)).toBe(true);
  }
}

describe('car-detector and digits side by side', () => {
  it('lists and loads both models', async () => {
    const health = (await (await fetch(`${t.http}/v1/health`)).json()) as { models: Array<{ name: string; loaded: boolean }> };
    // Other models (tabular ones) may sit beside them: both of these are listed, and every model loaded.
    expect(health.models.map((m) => [m.name, m.loaded])).toEqual(
      expect.arrayContaining([
        ['car-detector', true],
        ['digits', true],
      ]),
    );
    expect(health.models.every((m) => m.loaded)).toBe(true);
  });
});

describe('S3 upload of dashcam frames', () => {
  it('records the cars in frame pixels and writes an annotated copy to the results bucket', async () => {
    const uploads = [...withCars, ...withoutCars];
    for (const frame of uploads) {
      await t.s3.send(
        new PutObjectCommand({
          Bucket: t.platform.uploadsBucket,
          Key: `incoming/car-detector/dashcam/${frame.file}`,
          Body: readFileSync(frame.path),
        }),
      );
    }
    const results = t.platform.buckets.find((b) => b.endsWith('-results'))!;
    let found = 0;
    let truth = 0;
    for (const frame of uploads) {
      const key = `incoming/car-detector/dashcam/${frame.file}`;
      const record = await eventually(async () => (await t.records()).find((r) => r.inputKey === key), 60_000);
      expect(record).toMatchObject({
        status: 'succeeded',
        model: 'car-detector',
        annotatedKey: `annotated/${record.predictionId}/car-detector/dashcam/${frame.file}.jpg`,
      });
      const result = record.result as DetectionResult;
      for (const d of result.detections) {
        expect(d.label).toBe('car');
        expect(d.box.xmin).toBeGreaterThanOrEqual(0);
        expect(d.box.xmax).toBeLessThanOrEqual(676);
        expect(d.box.ymax).toBeLessThanOrEqual(380);
      }
      found += findsTheCars(result, frame);
      truth += frame.boxes.length;
      const annotated = await t.s3.send(new GetObjectCommand({ Bucket: results, Key: record.annotatedKey! }));
      expect(annotated.ContentType).toBe('image/jpeg');
      const picture = Buffer.from(await annotated.Body!.transformToByteArray());
      expect(await sharp(picture).metadata()).toMatchObject({ format: 'jpeg', width: 676, height: 380 });
      await expectBoxesDrawn(picture, result);
    }
    expect(found / truth).toBeGreaterThanOrEqual(0.5);
  }, 120_000);
});

describe('POST /v1/models/car-detector/predict', () => {
  const frame = withCars[0]!;
  const post = (headers: Record<string, string>, query = '') =>
    fetch(`${t.http}/v1/models/car-detector/predict${query}`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', 'x-api-key': TEST_SETTINGS.apiKey, ...headers },
      body: readFileSync(frame.path),
    });

  it('answers detections as JSON', async () => {
    const response = await post({});
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: DetectionResult };
    expect(findsTheCars(body.result, frame)).toBeGreaterThanOrEqual(1);
  });

  it('answers the annotated picture in the format asked: PNG (Accept or ?annotate=true) or JPEG', async () => {
    const cases = [
      { response: await post({ accept: 'image/png' }), format: 'png' },
      { response: await post({}, '?annotate=true'), format: 'png' },
      { response: await post({ accept: 'image/jpeg' }), format: 'jpeg' },
    ];
    for (const { response, format } of cases) {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(`image/${format}`);
      expect(response.headers.get('x-automated-decision')).toBe('true');
      const predictionId = response.headers.get('x-prediction-id');
      expect(predictionId).toMatch(/^[0-9a-f-]{36}$/);
      const picture = Buffer.from(await response.arrayBuffer());
      expect(await sharp(picture).metadata()).toMatchObject({ format, width: 676, height: 380 });
      // The boxes drawn are the ones recorded for that prediction.
      const recorded = await fetch(`${t.http}/v1/predictions/${predictionId}`, {
        headers: { 'x-api-key': TEST_SETTINGS.apiKey },
      });
      const { result } = (await recorded.json()) as { result: DetectionResult };
      expect(result.detections.length).toBeGreaterThanOrEqual(1);
      await expectBoxesDrawn(picture, result);
    }
  });

  it('refuses a picture from a classifier with 406', async () => {
    const response = await fetch(`${t.http}/v1/models/digits/predict`, {
      method: 'POST',
      headers: { 'content-type': 'image/jpeg', accept: 'image/png', 'x-api-key': TEST_SETTINGS.apiKey },
      body: readFileSync(frame.path),
    });
    expect(response.status).toBe(406);
  });
});
