import type { TrainingRecord } from '../../functions/training/training-store';
import { describeMetrics, formatFigure } from './output';

/** A training as the API shows it: the record without who sent it (GET /v1/trainings/{id}), or a listing's summary. */
export type TrainingView = Partial<TrainingRecord> & Pick<TrainingRecord, 'trainingId' | 'model' | 'status'>;

export const trainingEnded = (training: TrainingView) => training.status === 'succeeded' || training.status === 'failed';

/** One line per training of a listing: when, which, how it went, what it made or why not. */
export function trainingLine(training: TrainingView): string {
  const outcome =
    training.version ?? training.error?.code ?? `${training.stage ?? ''} ${Math.round((training.progress ?? 0) * 100)} %`;
  const upload = training.source === 's3' && training.inputKey ? `  from ${training.inputKey}` : '';
  return `${training.createdAt ?? ''}  ${training.trainingId}  ${training.status.padEnd(9)}  ${outcome}  target ${training.target ?? '?'}${upload}`;
}

/** A training in a few lines: its state, what it learnt and how well, and what a person does next. */
export function describeTraining(training: TrainingView): string[] {
  // What the search chose and by which score (functions/training/train.ts writes it with the held-out figures).
  const chosen = training.metrics?.crossValidation as { candidate?: string; metric?: string; score?: number } | undefined;
  const lines = [
    `${training.model} training ${training.trainingId}: ${training.status}${trainingEnded(training) ? '' : ` (${training.stage}, ${Math.round((training.progress ?? 0) * 100)} %)`}`,
    `      target  ${training.target}${training.task ? ` (${training.task})` : ''}${training.source === 's3' && training.inputKey ? `, from the upload ${training.inputKey}` : ''}`,
  ];
  if (training.error) lines.push(`      error   ${training.error.code}: ${training.error.message}`);
  if (training.version) {
    lines.push(`      version ${training.version}, pending until a person decides`);
    if (chosen?.candidate) {
      lines.push(`      chosen  ${chosen.candidate} (cross-validated ${chosen.metric ?? 'score'} ${formatFigure(chosen.score)})`);
    }
    lines.push(...describeMetrics({ heldOut: training.metrics?.heldOut ?? {} }));
    lines.push(
      `Next: read its card (vigie models show ${training.model}), then decide:`,
      `  vigie models approve ${training.model} ${training.version} --approver "<name, role>" --notes "<why>"`,
    );
  }
  return lines;
}
