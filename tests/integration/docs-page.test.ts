import { readFileSync } from 'node:fs';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, watchPage } from '../support/browser';
import { eventually, startTestPlatform, TEST_SETTINGS, type TestPlatform } from '../support/platform';

/**
 * /docs in a real browser: Debian's Chromium, headless, with every request leaving the local platform refused
 * (the page must need no CDN), a key typed in Authorize and "Try it out" run against the local API.
 * VIGIE_DOCS_SCREENSHOT=<file.png> keeps a screenshot (docs/api-docs.png is made that way).
 */
let t: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  t = await startTestPlatform();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** Runs an operation's Try it out as the page holds it: a 200 whose body shows `expected`. */
async function executes(block: Locator, expected: string) {
  await block.getByRole('button', { name: 'Execute' }).click();
  const status = block.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 15_000 });
  expect((await status.innerText()).trim()).toBe('200');
  expect(await block.locator('.live-responses-table .microlight').first().innerText()).toContain(expected);
}

describe('GET /docs', () => {
  it('renders every route offline and runs "Try it out" against the local API with the key typed in the page', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const { elsewhere, errors: consoleErrors } = await watchPage(page, t.http);

    await page.goto(`${t.http}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    const summaries = await page.locator('.opblock-summary-path').allInnerTexts();
    for (const path of [
      '/v1/health',
      '/v1/models/{model}/predict',
      '/v1/models/iris/predict',
      '/v1/subjects/{subjectId}',
      '/v1/models/{model}/trainings',
      '/v1/models/{model}/versions/{version}/approval',
      '/v2/health/ready',
      '/v2/models/{model}/versions/{version}/infer',
      '/v2/models/iris/infer',
    ]) {
      expect(summaries.map((text) => text.replace(/\u200b/g, ''))).toContain(path);
    }

    await page.getByRole('button', { name: 'Authorize' }).first().click();
    await page.locator('.modal-ux input[type=text], .modal-ux input[type=password]').first().fill(TEST_SETTINGS.apiKey);
    await page.locator('.modal-ux').getByRole('button', { name: 'Apply credentials' }).click();
    await page.locator('.modal-ux .btn-done').click();

    const models = page.locator('#operations-Models-listModels');
    await models.locator('.opblock-summary').click();
    await executes(models, '"iris"');

    if (process.env.VIGIE_DOCS_SCREENSHOT) {
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: process.env.VIGIE_DOCS_SCREENSHOT, fullPage: false });
    }

    // Each served model's own schema: iris's request names its four features.
    const iris = page.locator('#operations-Predict-predict_iris');
    await iris.locator('.opblock-summary').click();
    // Try it out is on: the body editor holds the example Swagger UI made from the model's schema.
    const example = await iris.locator('.opblock-section-request-body textarea').first().inputValue();
    expect(Object.keys((JSON.parse(example) as { features: object }).features)).toEqual([
      'sepal_length',
      'sepal_width',
      'petal_length',
      'petal_width',
    ]);
    // Its example row (the middle of each training range) predicts as is.
    await executes(iris, '"label"');
    if (process.env.VIGIE_DOCS_SCREENSHOT) {
      await iris.scrollIntoViewIfNeeded();
      const box = (await iris.boundingBox())!;
      await page.screenshot({
        path: process.env.VIGIE_DOCS_SCREENSHOT.replace(/\.png$/, '-iris.png'),
        clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 1300) },
      });
    }

    // The same model over the Open Inference Protocol: its example is one [1, 4] tensor, answered as tensors.
    const tensors = page.locator('[id="operations-Open_Inference_Protocol-oip_infer_iris"]');
    await tensors.locator('.opblock-summary').click();
    const request = await tensors.locator('.opblock-section-request-body textarea').first().inputValue();
    expect(JSON.parse(request)).toMatchObject({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32' }] });
    await executes(tensors, '"outputs"');
    if (process.env.VIGIE_DOCS_SCREENSHOT) {
      // The answer part of the block: the request as curl sends it, and the tensors answered.
      await tensors
        .locator('.responses-inner')
        .first()
        .screenshot({ path: process.env.VIGIE_DOCS_SCREENSHOT.replace(/\.png$/, '-oip.png') });
    }
    expect(elsewhere).toEqual([]);
    expect(consoleErrors).toEqual([]);
  }, 60_000);
});

describe('GET /docs/ (issue #21: a blank page)', () => {
  it('renders Swagger UI with its files and the document, none of them missing', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${t.http}/docs/`);
    await page.locator('.opblock').first().waitFor({ timeout: 20_000 });
    expect(failed).toEqual([]);
  }, 60_000);
});

describe('unknown routes (issue #21: the local route list)', () => {
  it("answer a problem+json 404 with the platform fields, and under /v2 with the protocol's `error` too", async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/v1/nothing'],
      ['DELETE', '/v1/health'],
      ['POST', '/v1/openapi.json'],
      ['PUT', '/docs'],
      ['POST', '/v2/models/iris/nothing'],
      ['GET', '/docs/nothing/deeper'],
    ] as const) {
      const response = await fetch(`${t.http}${path}`, { method });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      const body = (await response.json()) as Record<string, unknown>;
      expect(body, path).toMatchObject({ type: 'https://vigie.dev/problems/not-found', title: 'Not Found', status: 404 });
      expect(body.code).toBe('not-found');
      expect(body.detail).toEqual(expect.any(String));
      if (path.startsWith('/v2/')) expect(body.error).toBe(body.detail);
      expect(JSON.stringify(body)).not.toContain('existingRoutes');
    }
  });
});

describe('/v1/openapi.json as models are trained (issue #21: cached forever per container)', () => {
  it('lists a model registered in the models bucket at run time, in the container that served it before', async () => {
    const before = (await (await fetch(`${t.http}/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(before.paths).not.toHaveProperty(['/v1/models/late-iris/predict']);
    // A trained version as the train function stores it: its artifact, then its metadata (automl/model-bucket.ts).
    const metadata = JSON.parse(readFileSync('models/iris/1.0.0/metadata.json', 'utf8')) as Record<string, unknown>;
    for (const [file, body] of [
      ['model.onnx', readFileSync('models/iris/1.0.0/model.onnx')],
      ['metadata.json', JSON.stringify({ ...metadata, name: 'late-iris' })],
    ] as const) {
      await t.s3.send(new PutObjectCommand({ Bucket: 'vigie-local-models', Key: `models/late-iris/1.0.0/${file}`, Body: body }));
    }
    const paths = await eventually(async () => {
      const after = (await (await fetch(`${t.http}/v1/openapi.json`)).json()) as { paths: Record<string, unknown> };
      return '/v1/models/late-iris/predict' in after.paths ? after.paths : undefined;
    }, 30_000);
    expect(paths).toHaveProperty(['/v2/models/late-iris/infer']);
  }, 60_000);
});
