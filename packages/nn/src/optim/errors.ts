import { InvalidArgumentError, NumericalError } from '../errors.js';
import type { OptimizeResult } from './types.js';

/**
 * The objective returned NaN or ±Infinity (as f or as any gradient entry). Thrown by `minimize` and
 * `minimizeAsync`; nothing is lost: `.result` is the best point reached before it (status 'numerical_error').
 * `iteration` is the iteration in progress (1 = the first step; 0 = while evaluating x0) and `evaluation` the
 * 1-based number of the offending objective call.
 */
export class NonFiniteObjectiveError extends NumericalError {
  readonly result: OptimizeResult;
  readonly iteration: number;
  readonly evaluation: number;

  constructor(message: string, details: { result: OptimizeResult; iteration: number; evaluation: number }) {
    super(message);
    this.result = details.result;
    this.iteration = details.iteration;
    this.evaluation = details.evaluation;
  }
}

/**
 * A resumed run (`minimize`'s `options.spent`, `train`'s `resume`) has nothing left of its budget: the run it
 * continues already used all of maxfun (or maxIter). Budgets are totals over a run and its resumes; the message
 * names the budget, what was used and what to raise. Code ERR_INVALID_ARGUMENT, as for any bad option.
 */
export class BudgetSpentError extends InvalidArgumentError {}
