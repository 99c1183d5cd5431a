import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferInProcess } from '../../functions/serving/inference/infer';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { DEFAULT_DECODE_LIMITS, preprocessImage } from '../../functions/serving/preprocessing';
import { ModelRegistry } from '../../functions/serving/registry';
import { MODELS_DIR } from '../support/models';

/** The README's claims that drifted from the code once (issue #21), read against what they describe. */
const readme = readFileSync('README.md', 'utf8');
/** The README's table row for a folder of the repository. */
const row = (folder: string) => readme.split('\n').find((line) => line.startsWith(`| \`${folder}\` |`)) ?? '';

describe('README', () => {
  it("gives the digit sample's confidence as the served digits model answers it", async () => {
    const registry = new ModelRegistry(MODELS_DIR);
    const model = await registry.resolve('digits');
    if (model.metadata.input.kind !== 'image') throw new Error('digits takes images');
    const { tensor } = await preprocessImage(
      readFileSync('events/samples/seven.png'),
      model.metadata.input,
      DEFAULT_DECODE_LIMITS,
    );
    const { result } = await inferInProcess({ sessions: new SessionCache() })({ model, tensor });
    expect(result).toMatchObject({ label: '7' });
    // The README cuts the figure after two decimals, with an ellipsis.
    const shown = `${(Math.floor((result as { confidence: number }).confidence * 100) / 100).toFixed(2)}…`;
    expect(readme.match(/7 \(confidence [\d.]+…\)/g)).toEqual([`7 (confidence ${shown})`]);
    expect(
      readme.match(/"model":"digits","modelVersion":"[\d.]+","alias":"production","result":\{"label":"7","confidence":[\d.]+…/g),
    ).toEqual([
      `"model":"digits","modelVersion":"${model.metadata.version}","alias":"production","result":{"label":"7","confidence":${shown}`,
    ]);
  });

  it('names every patch of patches/ and describes the LocalStack stage that localstack/ holds', () => {
    for (const patch of readdirSync('patches')) expect(row('patches/')).toContain(patch);
    expect(row('patches/')).not.toMatch(/one-line/);
    expect(readdirSync('localstack')).toContain('docker-compose.yml');
    expect(row('localstack/')).toContain('localstack/README.md');
    expect(row('localstack/')).not.toMatch(/to come/);
  });
});
