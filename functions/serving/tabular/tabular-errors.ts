import { InvalidInputError } from '../../platform/errors';
import type { FieldProblem } from './features';

/**
 * The most problems one answer lists. A body of many rows can hold millions; listed in full they made answers
 * hundreds of MB (over Lambda's 6 MB response limit in AWS), so the first ones are listed and all are counted (#20.5).
 */
export const MAX_LISTED_PROBLEMS = 100;

/**
 * Feature values or CSV columns the model cannot take: a 400 whose `errors` names the first MAX_LISTED_PROBLEMS
 * problems, `errorCount` how many there are in all, and `features` (when a field was not one of them) what the
 * model takes, once.
 */
export class TabularInputError extends InvalidInputError {
  override readonly extensions: { errors: FieldProblem[]; errorCount: number; features?: string[] };

  constructor(code: string, message: string, errors: FieldProblem[], more: { errorCount?: number; features?: string[] } = {}) {
    super(code, message);
    this.name = 'TabularInputError';
    this.extensions = {
      errors: errors.slice(0, MAX_LISTED_PROBLEMS),
      errorCount: more.errorCount ?? errors.length,
      ...(more.features && { features: more.features }),
    };
  }
}
