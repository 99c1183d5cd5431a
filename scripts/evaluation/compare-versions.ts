import type { ModelVersion } from '../../functions/serving/registry';
import { INDEPENDENT_DEVELOPMENT_SET, INDEPENDENT_SET } from './independent/set';
import { FAINT_STRESS_SET, LARGE_STRESS_SET, SHADOW_STRESS_SET } from './independent/stress';
import { runIndependent } from './independent-eval';
import { isRight, runRealistic, type LabelledPage, type PageOutcome } from './realistic-eval';

/** How two versions' answers differ on the same digit pages (those with nothing written are left out). */
export interface AnswerChanges {
  pages: number;
  accuracyBefore: number;
  accuracyAfter: number;
  /** Pages the second version reads right and the first did not, and the other way round. */
  nowRight: number;
  nowWrong: number;
}

/**
 * Pairs two runs of the same pages (same order) and counts what changed: two versions a point apart can differ on
 * many more pages than a point, which the accuracies alone hide.
 */
export function answerChanges<P extends LabelledPage>(
  before: Array<PageOutcome<P>>,
  after: Array<PageOutcome<P>>,
): AnswerChanges {
  if (before.length !== after.length || before.some((o, i) => o.page.file !== after[i]!.page.file)) {
    throw new Error('the two runs are not of the same pages');
  }
  let [pages, rightBefore, rightAfter, nowRight, nowWrong] = [0, 0, 0, 0, 0];
  before.forEach((old, i) => {
    if (old.page.label === null) return;
    const [was, is] = [isRight(old), isRight(after[i]!)];
    pages += 1;
    rightBefore += was ? 1 : 0;
    rightAfter += is ? 1 : 0;
    nowRight += is && !was ? 1 : 0;
    nowWrong += was && !is ? 1 : 0;
  });
  return { pages, accuracyBefore: rightBefore / pages, accuracyAfter: rightAfter / pages, nowRight, nowWrong };
}

/**
 * The digits sets two versions are compared on, in the order they may be used: the realistic, development and
 * stress sets (small faint digits, large thick ones, a hand's shadow: stress.ts) choose between candidates; the
 * frozen independent set is printed beside them, never used to choose (issue #27).
 */
const COMPARED_SETS = [
  { set: 'realistic', run: (model: ModelVersion, progress?: Progress) => runRealistic(model, progress) },
  {
    set: 'development',
    run: (model: ModelVersion, progress?: Progress) => runIndependent(model, progress, INDEPENDENT_DEVELOPMENT_SET),
  },
  { set: 'stress-faint', run: (model: ModelVersion, progress?: Progress) => runIndependent(model, progress, FAINT_STRESS_SET) },
  { set: 'stress-large', run: (model: ModelVersion, progress?: Progress) => runIndependent(model, progress, LARGE_STRESS_SET) },
  {
    set: 'stress-shadow',
    run: (model: ModelVersion, progress?: Progress) => runIndependent(model, progress, SHADOW_STRESS_SET),
  },
  { set: 'independent', run: (model: ModelVersion, progress?: Progress) => runIndependent(model, progress, INDEPENDENT_SET) },
] as const;

type Progress = (done: number, total: number) => void;

/** Both versions through the serving path on each set, and what changed from `before` to `after`. */
export async function compareVersions(
  before: ModelVersion,
  after: ModelVersion,
  progress?: (set: string) => Progress | undefined,
): Promise<Array<AnswerChanges & { set: string }>> {
  const changes: Array<AnswerChanges & { set: string }> = [];
  for (const { set, run } of COMPARED_SETS) {
    const [old, now] = [
      await run(before, progress?.(`${set}, ${before.metadata.version}`)),
      await run(after, progress?.(`${set}, ${after.metadata.version}`)),
    ];
    changes.push({ set, ...answerChanges<LabelledPage>(old, now) });
  }
  return changes;
}
