import type { ModelVersion } from '../../functions/serving/registry';
import { INDEPENDENT_DEVELOPMENT_SET, INDEPENDENT_SET, type IndependentSetSpec } from './independent/set';
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

/** A set of the independent generator's pages, named as the comparison prints it. */
function independentRun(set: string, spec: IndependentSetSpec) {
  return { set, run: (model: ModelVersion, progress?: Progress) => runIndependent(model, progress, spec) };
}

/**
 * The digits sets two versions are compared on, in the order they may be used: the realistic, development and
 * stress sets (small faint digits, large thick ones, a hand's shadow: stress.ts) choose between candidates; the
 * frozen independent set is printed beside them, never used to choose (issue #27).
 */
const COMPARED_SETS = [
  { set: 'realistic', run: (model: ModelVersion, progress?: Progress) => runRealistic(model, progress) },
  independentRun('development', INDEPENDENT_DEVELOPMENT_SET),
  independentRun('stress-faint', FAINT_STRESS_SET),
  independentRun('stress-large', LARGE_STRESS_SET),
  independentRun('stress-shadow', SHADOW_STRESS_SET),
  independentRun('independent', INDEPENDENT_SET),
];

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
