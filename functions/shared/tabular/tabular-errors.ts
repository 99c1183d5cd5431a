import { InvalidInputError } from '../errors';
import type { FieldProblem } from './features';

/** Feature values or CSV columns the model cannot take: a 400 whose `errors` names every problem at once. */
export class TabularInputError extends InvalidInputError {
  override readonly extensions: { errors: FieldProblem[] };

  constructor(
    code: string,
    message: string,
    readonly errors: FieldProblem[],
  ) {
    super(code, message);
    this.name = 'TabularInputError';
    this.extensions = { errors };
  }
}
