/**
 * `npx tsx scripts/deploy/smoke-test.ts <endpoint | --stage <stage>>` — after a deploy: the API is healthy with every
 * model loaded, and one prediction of the committed sample digit answers 7. The key comes from VIGIE_API_KEY (a key
 * of that stage); with --stage, the endpoint is the stage's stack output, found as `vigie --stage` finds it.
 * Exits non-zero, saying why, on the first thing that is wrong; the deploy workflow runs it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { stageEndpoint } from '../cli/stage-endpoint';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { stage: { type: 'string' }, help: { type: 'boolean' } },
});
const key = process.env.VIGIE_API_KEY;
if (values.help || !key || (!positionals[0] && !values.stage)) {
  console.log(
    'Usage: VIGIE_API_KEY=<key> npx tsx scripts/deploy/smoke-test.ts <https://api…> | --stage <stage>  (health, then one digit prediction)',
  );
  process.exit(values.help ? 0 : 2);
}
const endpoint = positionals[0] ?? (await stageEndpoint(values.stage!).catch((error: Error) => fail(error.message)));
const base = endpoint.replace(/\/$/, '');

function fail(message: string): never {
  console.error(`smoke test failed: ${message}`);
  process.exit(1);
}

const health = await fetch(`${base}/v1/health`);
const status = (await health.json()) as { models?: Array<{ name: string; version: string; loaded: boolean }> };
if (!health.ok) fail(`GET /v1/health answered ${health.status}`);
const unloaded = (status.models ?? []).filter((model) => !model.loaded);
if (!status.models?.length || unloaded.length > 0)
  fail(`models not loaded: ${JSON.stringify(unloaded.length ? unloaded : status)}`);
console.log(`health: ${status.models.map((m) => `${m.name} ${m.version}`).join(', ')}`);

const started = Date.now();
const answer = await fetch(`${base}/v1/models/digits/predict`, {
  method: 'POST',
  headers: { 'x-api-key': key, 'content-type': 'image/png' },
  body: readFileSync(new URL('../../events/samples/seven.png', import.meta.url)),
});
const body = (await answer.json()) as { result?: { label?: string }; modelVersion?: string };
if (!answer.ok || body.result?.label !== '7') fail(`digits predicted ${JSON.stringify(body)} (HTTP ${answer.status})`);
console.log(`prediction: digits ${body.modelVersion} read the sample as 7 in ${Date.now() - started} ms`);
