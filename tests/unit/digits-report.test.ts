import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelVersion } from '../../functions/serving/registry';
import { asRecorded, realisticReport } from '../../scripts/evaluation/digits-report';
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

describe('a digits set report', () => {
  it('names the set and whose glyphs it reads, and prints the flag rates, the confident mistakes and each condition', () => {
    const figures = {
      accuracy: 0.9546,
      count: 551,
      ece: 0.0312,
      uncertainWhenRight: 0.1198,
      uncertainWhenWrong: 0.64,
      blankPagesFlagged: 0,
      blankPages: 0,
      confidentMistakes: 9,
      groups: [{ condition: 'ink', group: 'fountain-blue', count: 111, accuracy: 0.9189 }],
    };
    const lines = realisticReport(figures, 0.69, 'development', 'training-split glyphs');
    expect(lines[0]).toBe('development accuracy   95.46 % (551 pages, training-split glyphs)');
    expect(lines[2]).toBe(
      'uncertain threshold    0.69: flags 64.00 % of wrong answers, 11.98 % of right ones; 9 confident mistakes',
    );
    expect(lines.at(-1)).toBe('ink           fountain-blue      111  91.89 %');
    // Without a glyph source the realistic set's wording stays.
    expect(realisticReport(figures, 0.69)[0]).toBe('realistic accuracy     95.46 % (551 pages, held-out digits)');
  });
});
