import { InvalidArgumentError } from '../errors.js';
import { driveAsync, driveSync, RunTracker } from './driver.js';
import { checkNumber, checkOptions, defaultsOf, describe, mergeOptions, rejectUnknown } from './options.js';
import { methodNames, optimizerFor } from './registry.js';
import type { AsyncObjective, MethodRun, MinimizeOptions, Objective, OptimizeResult, Spent } from './types.js';

/**
 * Minimise `fun` from `x0` with one of the registered methods ('tnc', 'cg', 'lbfgs', 'adam', 'sgd').
 *
 * `fun` is fused (returns f, writes ∇f). `x0` is not modified. Method options are merged over the method's
 * defaults; unknown keys throw InvalidArgumentError. The callback runs after each iteration (return true to stop);
 * the signal is checked before every evaluation. A NaN/±Infinity from `fun` throws NonFiniteObjectiveError,
 * whose `.result` holds the best point reached. Everything else ends in an OptimizeResult with a `status`.
 */
export function minimize(fun: Objective, x0: Float64Array, options: MinimizeOptions): OptimizeResult {
  const { run, tracker } = prepare(fun, x0, options);
  return driveSync(run, fun, tracker);
}

/** The same as {@link minimize} for an objective that returns a Promise (a sync objective is accepted too). */
export async function minimizeAsync(
  fun: Objective | AsyncObjective,
  x0: Float64Array,
  options: MinimizeOptions,
): Promise<OptimizeResult> {
  const { run, tracker } = prepare(fun, x0, options);
  return driveAsync(run, fun, tracker);
}

function prepare(
  fun: unknown,
  x0: unknown,
  options: MinimizeOptions,
): { run: MethodRun; tracker: RunTracker } {
  if (typeof fun !== 'function') {
    throw new InvalidArgumentError(`fun must be a function (x, grad, rows?) => f; received ${describe(fun)}`);
  }
  if (!(x0 instanceof Float64Array) || x0.length === 0) {
    throw new InvalidArgumentError(`x0 must be a non-empty Float64Array; received ${describe(x0)}`);
  }
  const i = x0.findIndex((v) => !Number.isFinite(v));
  if (i >= 0) throw new InvalidArgumentError(`x0 must be finite; received x0[${i}] = ${x0[i]}`);
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`options must be an object { method, options?, callback?, signal? }; received ${describe(options)}`);
  }
  const known = ['method', 'options', 'callback', 'signal', 'spent'];
  rejectUnknown('minimize', options, known, ' (method-specific settings go in options.options)');
  const optimizer = optimizerFor(options.method);
  if (optimizer === undefined) {
    throw new InvalidArgumentError(
      `options.method must be one of ${methodNames().map((m) => `'${m}'`).join(', ')}; received ${describe(options.method)}`,
    );
  }
  if (options.callback !== undefined && typeof options.callback !== 'function') {
    throw new InvalidArgumentError(`options.callback must be a function; received ${describe(options.callback)}`);
  }
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`options.signal must be an AbortSignal; received ${describe(options.signal)}`);
  }
  let merged = mergeOptions(optimizer.name, defaultsOf(optimizer.options), options.options);
  checkOptions(optimizer.name, optimizer.options, merged);
  const spent = options.spent === undefined || !optimizer.resumed ? undefined : checkSpent(options.spent);
  if (spent !== undefined) merged = optimizer.resumed!(merged, spent, x0.length);
  optimizer.validate?.(merged, x0.length);
  const tracker = new RunTracker(optimizer.name, x0, options.callback, options.signal);
  const run = optimizer.run(Float64Array.from(x0), merged);
  return { run: spent === undefined ? run : sayingSpent(run, spent), tracker };
}

/** The method's own message names this run's share of a budget: say what the resumed run had spent before it. */
function* sayingSpent(run: MethodRun, spent: Spent): MethodRun {
  const outcome = yield* run;
  return { ...outcome, message: `${outcome.message} (resumed after ${spent.nfev} evaluations and ${spent.nit} iterations, which the budget counts)` };
}

function checkSpent(spent: unknown): Spent {
  if (spent === null || typeof spent !== 'object') {
    throw new InvalidArgumentError(`options.spent must be an object { nfev, nit }; received ${describe(spent)}`);
  }
  const { nfev, nit } = spent as Partial<Spent>;
  checkNumber('options.spent', 'nfev', nfev, { integer: true, atLeast: 0 });
  checkNumber('options.spent', 'nit', nit, { integer: true, atLeast: 0 });
  return { nfev: nfev as number, nit: nit as number };
}
