import type { ModelVersion } from '../../functions/serving/registry';
import { independentGroups } from './independent/conditions';
import { INDEPENDENT_SET, independentSet, type IndependentPage } from './independent/set';
import { pageFigures, runPages, type PageOutcome } from './realistic-eval';

/**
 * The digits model on the independent set (issue #27). Only measured: its figures never choose a training setting
 * nor the uncertainty threshold (that is calibrated on the realistic set), so they stay an honest check.
 */
export async function runIndependent(
  model: ModelVersion,
  progress?: (done: number, total: number) => void,
  which = INDEPENDENT_SET,
) {
  const set = await independentSet(progress, which);
  return runPages(model, set.dir, set.pages, progress);
}

/** A page a person reads at a glance: in focus, evenly lit. A confident mistake there is the costly kind. */
export const isClean = (page: IndependentPage) => {
  const groups = independentGroups(page.conditions);
  return groups.blur === 'sharp' && groups.lighting === 'even';
};

export function independentFigures(outcomes: Array<PageOutcome<IndependentPage>>, threshold?: number) {
  const figures = pageFigures(outcomes, (page) => independentGroups(page.conditions), threshold);
  const clean = outcomes.filter((o) => isClean(o.page));
  const onClean = pageFigures(clean, () => ({}), threshold);
  return { ...figures, cleanPages: clean.length, confidentMistakesOnClean: onClean.confidentMistakes };
}
