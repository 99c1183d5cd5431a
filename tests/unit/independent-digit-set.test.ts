import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { independentGroups } from '../../scripts/evaluation/independent/conditions';
import { assertFontsInstalled, drawGlyph, penFor } from '../../scripts/evaluation/independent/glyph';
import { independentJobs, photographIndependentPage, SPLIT } from '../../scripts/evaluation/independent/set';
import { FAINT_STRESS_SET, LARGE_STRESS_SET, SHADOW_STRESS_SET } from '../../scripts/evaluation/independent/stress';
import { seededRandom } from '../../scripts/evaluation/pages/random';
import { pageFigures, type PageOutcome } from '../../scripts/evaluation/realistic-eval';
import { heldOutDigits, trainingDigits } from '../../scripts/samples/mnist';

/** The independent digits set (issue #27): its glyphs, its pages, and the figures reported on it. */
const digits = heldOutDigits({ method: 'per-class-tail', heldOutFraction: 0.15 });

describe('independent digits set', () => {
  it('writes with the handwriting fonts installed, not the renderer’s fallback font', async () => {
    await expect(assertFontsInstalled()).resolves.toBeUndefined();
  });

  it('draws a glyph whose measured stroke widens with the pen, for fonts and MNIST tail digits alike', async () => {
    for (const shape of [{ font: 'Comic Neue', label: '4' }, { mnist: digits.at(-1)!.pixels }]) {
      const thin = (await drawGlyph(shape, 0, seededRandom(1)))!;
      const thick = (await drawGlyph(shape, penFor(0.2, thin.strokeWidth), seededRandom(1)))!;
      expect(thick.strokeWidth / thick.height).toBeGreaterThan((1.3 * thin.strokeWidth) / thin.height);
      expect(thin.height).toBeGreaterThan(80);
    }
  });

  it('mixes font and MNIST-tail glyphs of every digit, MNIST ones from the held-out tail only', () => {
    const jobs = independentJobs(digits);
    expect(new Set(jobs.map((j) => j.source))).toEqual(new Set(['font', 'mnist-tail']));
    expect(new Set(jobs.map((j) => j.label)).size).toBe(10);
    const held = new Set(digits.map((d) => `${d.label}/${d.index}`));
    for (const job of jobs.filter((j) => j.source === 'mnist-tail')) expect(held.has(job.name)).toBe(true);
  });

  it('renders the same page from the same index (frozen by its seed), as a JPEG of the drawn size', async () => {
    const jobs = independentJobs(digits);
    const [a, b] = [await photographIndependentPage(7, jobs[7]!), await photographIndependentPage(7, jobs[7]!)];
    expect(a.bytes.equals(b.bytes)).toBe(true);
    const metadata = await sharp(a.bytes).metadata();
    const turned = (metadata.orientation ?? 1) >= 5;
    expect(turned ? metadata.height : metadata.width).toBe(a.conditions.width);
    expect(Object.keys(independentGroups(a.conditions))).toEqual(
      expect.arrayContaining(['paper', 'ink', 'strokeWidth', 'digitSize', 'rotation', 'blur']),
    );
  }, 30_000);

  it('forces a stress set’s conditions over the drawn ones: small faint digits, large thick ones, shadowed', async () => {
    const jobs = independentJobs(trainingDigits(SPLIT), FAINT_STRESS_SET.mnistEvery);
    for (const index of [0, 1]) {
      const drawn = await photographIndependentPage(index, jobs[index]!, FAINT_STRESS_SET.seed);
      const faint = await photographIndependentPage(index, jobs[index]!, FAINT_STRESS_SET.seed, FAINT_STRESS_SET.force);
      expect(faint.conditions.digitFraction).toBeGreaterThanOrEqual(0.07);
      expect(faint.conditions.digitFraction).toBeLessThanOrEqual(0.13);
      expect(['fountain-blue', 'pencil', 'ballpoint-blue']).toContain(faint.conditions.ink);
      expect(Math.max(faint.conditions.width, faint.conditions.height)).toBeGreaterThanOrEqual(1400);
      // The paper and the light stay as the page's index draws them; what is forced is drawn anew.
      expect(faint.conditions.paper).toBe(drawn.conditions.paper);
      expect(faint.conditions.lighting).toBe(drawn.conditions.lighting);
      const large = await photographIndependentPage(index, jobs[index]!, LARGE_STRESS_SET.seed, LARGE_STRESS_SET.force);
      expect(large.conditions.digitFraction).toBeGreaterThanOrEqual(0.6);
      // The stroke share is measured on the glyph drawn with the forced pen: thick, not the thin end of the range.
      expect(large.conditions.strokeShare).toBeGreaterThan(0.1);
      const shadow = await photographIndependentPage(index, jobs[index]!, SHADOW_STRESS_SET.seed, SHADOW_STRESS_SET.force);
      expect(shadow.conditions.lighting).toBe('hand-shadow');
    }
  }, 60_000);
});

describe('pageFigures', () => {
  const page = (label: string, group: string) => ({ file: '', label, group });
  const outcome = (label: string, group: string, answer: string, confidence: number): PageOutcome<ReturnType<typeof page>> => ({
    page: page(label, group),
    result: { label: answer, confidence, uncertain: confidence < 0.5 } as never,
  });

  it('tallies accuracy per group, and the uncertain flag on wrong and right answers, with the confident mistakes', () => {
    const figures = pageFigures(
      [outcome('1', 'a', '1', 0.9), outcome('2', 'a', '7', 0.3), outcome('3', 'b', '8', 0.95), outcome('4', 'b', '4', 0.4)],
      (p) => ({ group: p.group }),
    );
    expect(figures.accuracy).toBe(0.5);
    expect(figures.groups.map((g) => [g.group, g.accuracy])).toEqual([
      ['a', 0.5],
      ['b', 0.5],
    ]);
    expect(figures.uncertainWhenWrong).toBe(0.5);
    expect(figures.uncertainWhenRight).toBe(0.5);
    expect(figures.confidentMistakes).toBe(1);
  });
});
