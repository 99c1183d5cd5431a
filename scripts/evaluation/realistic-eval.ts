import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassificationResult } from '../../functions/records/results';
import { runModel } from '../../functions/serving/inference/run-model';
import { inkSegmenterOf } from '../../functions/serving/inference/ink-segmenter';
import { SessionCache } from '../../functions/serving/inference/sessions';
import { DEFAULT_DECODE_LIMITS, preprocessImage, type Tensor } from '../../functions/serving/preprocessing';
import { finalAnswer } from '../../functions/serving/second-look';
import { imageInputOf } from '../../functions/serving/model-spec';
import type { ModelVersion } from '../../functions/serving/registry';
import { expectedCalibrationError, type Scored } from './calibration';
import { conditionGroups } from './pages/conditions';
import { realisticSet } from './pages/realistic';
import type { PageEntry } from './pages/set';

/** A page of an evaluation set: its file, and the digit written on it (null: nothing written). */
export interface LabelledPage {
  file: string;
  label: string | null;
}

/** One page's outcome through the serving path; `result` undefined when the page was refused (no-ink…). */
export interface PageOutcome<P extends LabelledPage = PageEntry> {
  page: P;
  result?: ClassificationResult;
  refused?: string;
}

export interface GroupFigure {
  condition: string;
  group: string;
  count: number;
  accuracy: number;
}

export interface RealisticFigures {
  accuracy: number;
  count: number;
  ece: number;
  /** Share of the right answers / wrong answers marked uncertain. */
  uncertainWhenRight: number;
  uncertainWhenWrong: number;
  /** Share of the pages with no digit that were marked uncertain or refused. */
  blankPagesFlagged: number;
  blankPages: number;
  groups: GroupFigure[];
  /** Wrong answers not marked uncertain (nor refused): the costly ones. */
  confidentMistakes: number;
}

/** Runs pages of a set through the serving path (sharp preprocessing, ONNX Runtime, post-processing). */
export async function runPages<P extends LabelledPage>(
  model: ModelVersion,
  dir: string,
  pages: P[],
  progress?: (done: number, total: number) => void,
): Promise<Array<PageOutcome<P>>> {
  const sessions = new SessionCache();
  const outcomes: Array<PageOutcome<P>> = [];
  for (const [i, page] of pages.entries()) {
    const bytes = readFileSync(join(dir, page.file));
    try {
      const prepared = await preprocessImage(bytes, imageInputOf(model.metadata), DEFAULT_DECODE_LIMITS, inkSegmenterOf(model));
      const run = async (tensor: Tensor) => (await runModel(sessions, model, tensor)).result;
      const result = await finalAnswer(await run(prepared.tensor), prepared, model, run);
      outcomes.push({ page, result: result as ClassificationResult });
    } catch (error) {
      outcomes.push({ page, refused: (error as { code?: string }).code ?? String(error) });
    }
    progress?.(i + 1, pages.length);
  }
  return outcomes;
}

/** Runs every page of the realistic set through the serving path. */
export async function runRealistic(model: ModelVersion, progress?: (done: number, total: number) => void) {
  const manifest = await realisticSet(progress);
  return runPages(model, manifest.dir, manifest.pages, progress);
}

export const isRight = (o: PageOutcome<LabelledPage>) => o.result?.label === o.page.label;

/**
 * Accuracy overall and per condition (`groupsOf` a page), calibration, and how the uncertain flag splits right and
 * wrong answers. `threshold` (default: none beyond what the results say) marks answers under it uncertain, as the
 * spec would.
 */
export function pageFigures<P extends LabelledPage>(
  outcomes: Array<PageOutcome<P>>,
  groupsOf: (page: P) => Record<string, string>,
  threshold?: number,
): RealisticFigures {
  type Outcome = PageOutcome<P>;
  const flagged = (o: Outcome) =>
    o.refused !== undefined ||
    o.result?.uncertain === true ||
    (threshold !== undefined && (o.result?.confidence ?? 0) < threshold);
  const digits = outcomes.filter((o) => o.page.label !== null);
  const blanks = outcomes.filter((o) => o.page.label === null);
  const tally = new Map<string, { condition: string; group: string; count: number; right: number }>();
  for (const o of digits) {
    for (const [condition, group] of Object.entries(groupsOf(o.page))) {
      const key = `${condition}\u0000${group}`;
      const entry = tally.get(key) ?? { condition, group, count: 0, right: 0 };
      entry.count += 1;
      entry.right += isRight(o) ? 1 : 0;
      tally.set(key, entry);
    }
  }
  const scored: Scored[] = digits.map((o) => ({ confidence: o.result?.confidence ?? 0, correct: isRight(o) }));
  const right = digits.filter(isRight);
  const wrong = digits.filter((o) => !isRight(o));
  const share = (list: Outcome[], test: (o: Outcome) => boolean) => (list.length ? list.filter(test).length / list.length : 0);
  return {
    accuracy: right.length / digits.length,
    count: digits.length,
    ece: expectedCalibrationError(scored),
    uncertainWhenRight: share(right, flagged),
    uncertainWhenWrong: share(wrong, flagged),
    blankPagesFlagged: share(blanks, flagged),
    blankPages: blanks.length,
    groups: [...tally.values()]
      .map(({ condition, group, count, right: r }) => ({ condition, group, count, accuracy: r / count }))
      .sort((a, b) => a.condition.localeCompare(b.condition) || a.group.localeCompare(b.group)),
    confidentMistakes: wrong.filter((o) => !flagged(o)).length,
  };
}

/** The realistic set's figures, by its conditions (evaluation/pages/conditions.ts). */
export function realisticFigures(outcomes: PageOutcome[], threshold?: number): RealisticFigures {
  return pageFigures(outcomes, (page) => conditionGroups(page.conditions), threshold);
}
