import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelVersion } from '../../functions/serving/registry';
import { asRecorded } from '../../scripts/evaluation/digits-report';
import { photographPage, REALISTIC_SET } from '../../scripts/evaluation/pages/set';
import { runPages } from '../../scripts/evaluation/realistic-eval';
import { digitsMetadata } from '../support/models';

const dir = mkdtempSync(join(tmpdir(), 'vigie-digits-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a first --record of a digits version', () => {
  it('counts a blank ruled page as served will answer it: uncertain, nothing found', async () => {
    // A version not yet recorded has no threshold, and serving flags an empty canvas only once it has one.
    const metadata = digitsMetadata();
    const output = { ...metadata.output } as { uncertainBelow?: number };
    delete output.uncertainBelow;
    const fresh = {
      metadata: { ...metadata, output },
      artifactPath: `models/digits/${metadata.version}/model.onnx`,
    } as unknown as ModelVersion;
    // The realistic set's first page with nothing written (Seyès ruling, no digit).
    const { bytes } = await photographPage(1496, undefined, REALISTIC_SET);
    writeFileSync(join(dir, 'blank.jpg'), bytes);
    const page = [{ file: 'blank.jpg', label: null }];

    const [asIs] = await runPages(fresh, dir, page);
    expect(asIs!.result).not.toHaveProperty('uncertain');
    const [recorded] = await runPages(asRecorded(fresh), dir, page);
    expect(recorded!.result).toMatchObject({ uncertain: true, reason: 'nothing-found' });
  });
});
