import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModelVersion } from '../../functions/serving/registry';
import { uncertaintyThreshold } from './calibration';
import { realisticFigures, runRealistic, type RealisticFigures } from './realistic-eval';

/** Accuracy the answers kept (not marked uncertain) must reach: the threshold is the lowest confidence that gives it. */
export const KEPT_ACCURACY_TARGET = 0.995;

/** A share as the digits reports print it (97.86 %). */
export const pct = (value: number) => `${(value * 100).toFixed(2)} %`;

/**
 * A set's figures as lines of text: overall, calibration, the uncertain flag on wrong and right answers, then one
 * line per condition group. `set` names it ("realistic", "development", "independent"), `digits` says whose glyphs it reads.
 */
export function realisticReport(
  figures: RealisticFigures,
  threshold: number | undefined,
  set = 'realistic',
  digits = 'held-out digits',
): string[] {
  const blanks = figures.blankPages > 0 ? `, ${pct(figures.blankPagesFlagged)} of ${figures.blankPages} pages with no digit` : '';
  const lines = [
    `${`${set} accuracy`.padEnd(23)}${pct(figures.accuracy)} (${figures.count} pages, ${digits})`,
    `${`${set} ECE`.padEnd(23)}${figures.ece.toFixed(4)} (10 bins)`,
    `uncertain threshold    ${threshold ?? 'none'}: flags ${pct(figures.uncertainWhenWrong)} of wrong answers, ` +
      `${pct(figures.uncertainWhenRight)} of right ones${blanks}; ${figures.confidentMistakes} confident mistakes`,
    '',
    `${'condition'.padEnd(14)}${'group'.padEnd(16)}${'pages'.padStart(6)}  accuracy`,
  ];
  for (const g of figures.groups) {
    lines.push(`${g.condition.padEnd(14)}${g.group.padEnd(16)}${String(g.count).padStart(6)}  ${pct(g.accuracy)}`);
  }
  return lines;
}

/** The version with `threshold` as its uncertainty threshold. */
function withThreshold(model: ModelVersion, threshold: number): ModelVersion {
  const { output } = model.metadata;
  if (output.kind !== 'classification') return model;
  return { ...model, metadata: { ...model.metadata, output: { ...output, uncertainBelow: threshold } } };
}

/**
 * The version as `--record` leaves it: with a threshold. Serving marks an empty canvas `nothing-found` only when the
 * version has one, so a first recording (none yet) runs with a placeholder of 0; the figures apply the calibrated
 * threshold to the confidences themselves. Without it a new version's blank pages counted as answered.
 */
export function asRecorded(model: ModelVersion): ModelVersion {
  const { output } = model.metadata;
  if (output.kind !== 'classification' || output.uncertainBelow !== undefined) return model;
  return withThreshold(model, 0);
}

/**
 * The version reading each page once: what its threshold is calibrated on, since the threshold decides which first
 * answers are in doubt and a second look (the page spec's `secondLook`) only changes the labels of those.
 */
function firstReading(model: ModelVersion): ModelVersion {
  const { input } = model.metadata;
  if (input.kind !== 'image' || input.fit !== 'mnist' || !input.page?.secondLook) return model;
  const page = { ...input.page, secondLook: undefined };
  return { ...model, metadata: { ...model.metadata, input: { ...input, page } } };
}

/**
 * Measures a digits model on the realistic set; with `record`, writes the figures into its metadata.json
 * (metrics.realistic) with the uncertainty threshold calibrated on them (output.uncertainBelow), and returns the
 * version as recorded (`recorded`: the independent set is read with the same threshold).
 */
export async function evaluateRealistic(model: ModelVersion, record: boolean, progress?: (done: number, total: number) => void) {
  const { output } = model.metadata;
  const current = output.kind === 'classification' ? output.uncertainBelow : undefined;
  if (!record) {
    const outcomes = await runRealistic(model, progress);
    return { figures: realisticFigures(outcomes, current), threshold: current, calibrated: undefined, recorded: model };
  }
  const first = await runRealistic(firstReading(asRecorded(model)), progress);
  const calibrated = uncertaintyThreshold(
    first
      .filter((o) => o.page.label !== null)
      .map((o) => ({ confidence: o.result?.confidence ?? 0, correct: o.result?.label === o.page.label })),
    KEPT_ACCURACY_TARGET,
  );
  const recorded = withThreshold(model, calibrated);
  const outcomes = firstReading(model) === model ? first : await runRealistic(recorded, progress);
  const figures = realisticFigures(outcomes, calibrated);
  const path = join(dirname(model.artifactPath), 'metadata.json');
  const metadata = JSON.parse(readFileSync(path, 'utf8'));
  metadata.output.uncertainBelow = calibrated;
  metadata.metrics.realistic = {
    accuracy: round(figures.accuracy),
    count: figures.count,
    expectedCalibrationError: round(figures.ece),
    perCondition: Object.fromEntries(figures.groups.map((g) => [`${g.condition}: ${g.group}`, round(g.accuracy)])),
    uncertainBelow: calibrated,
    uncertainFlags: {
      wrongAnswers: round(figures.uncertainWhenWrong),
      rightAnswers: round(figures.uncertainWhenRight),
      pagesWithNoDigit: round(figures.blankPagesFlagged),
    },
    measuredBy: `npm run eval -- digits ${model.metadata.version} --record (serving path; threshold: lowest confidence keeping ${KEPT_ACCURACY_TARGET * 100} % of kept answers right)`,
  };
  writeFileSync(path, `${JSON.stringify(metadata, null, 2)}\n`);
  return { figures, threshold: calibrated, calibrated, recorded };
}

const round = (value: number) => Math.round(value * 1e4) / 1e4;
