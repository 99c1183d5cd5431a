import { describe, expect, it } from 'vitest';
import type { ClassificationResult } from '../../functions/records/results';
import { answerChanges } from '../../scripts/evaluation/compare-versions';
import type { LabelledPage, PageOutcome } from '../../scripts/evaluation/realistic-eval';

/** One run's outcomes: for each page, the label read (undefined: refused). */
function run(pages: LabelledPage[], read: Array<string | undefined>): Array<PageOutcome<LabelledPage>> {
  return pages.map((page, i) =>
    read[i] === undefined
      ? { page, refused: 'no-ink' }
      : { page, result: { label: read[i], confidence: 0.9 } as ClassificationResult },
  );
}

describe('answerChanges (vigie eval digits --against)', () => {
  const pages: LabelledPage[] = [
    { file: 'a.jpg', label: '1' },
    { file: 'b.jpg', label: '2' },
    { file: 'c.jpg', label: '3' },
    { file: 'd.jpg', label: '4' },
    { file: 'e.jpg', label: null },
  ];

  it('counts the pages each version gets right and the answers that changed, leaving out pages with no digit', () => {
    // a: right → right; b: wrong → right; c: right → refused; d: wrong → another wrong; e: blank, left out.
    const before = run(pages, ['1', '7', '3', '9', '5']);
    const after = run(pages, ['1', '2', undefined, '8', undefined]);
    expect(answerChanges(before, after)).toEqual({
      pages: 4,
      accuracyBefore: 0.5,
      accuracyAfter: 0.5,
      nowRight: 1,
      nowWrong: 1,
    });
  });

  it('refuses to pair runs of different pages', () => {
    const before = run(pages, ['1', '2', '3', '4', '5']);
    expect(() => answerChanges(before, run([...pages].reverse(), ['1', '2', '3', '4', '5']))).toThrow(/same pages/);
    expect(() => answerChanges(before, before.slice(1))).toThrow(/same pages/);
  });
});
