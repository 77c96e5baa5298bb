import type { OptionSpecs } from './options.js';

/**
 * The vocabulary shared by the front door (`minimize`), the drivers and every method.
 *
 * A method is written once, as a generator: it `yield`s an {@link EvaluateRequest} whenever it needs f(x) and
 * ∇f(x) and receives f back (the gradient is written into the request's `grad`), and it `yield`s an
 * {@link IterateReport} after every accepted iterate. The drivers (sync and async) do the evaluating, counting,
 * NaN checks, callbacks, abort handling and best-point tracking, so no method repeats that logic.
 */

/**
 * The objective, FUSED: returns f(x) and writes ∇f(x) into `grad` (length n, owned by the optimiser). One call is
 * one evaluation. `rows` (example indices of a minibatch) is passed only by the minibatch methods (adam, sgd).
 * The objective must not keep or mutate `x` or `rows`.
 */
export type Objective = (x: Float64Array, grad: Float64Array, rows?: Uint32Array) => number;

/** The same contract for an objective whose cost is computed asynchronously (e.g. on the native backend). */
export type AsyncObjective = (x: Float64Array, grad: Float64Array, rows?: Uint32Array) => Promise<number>;

/**
 * Why a run ended. `success` is true only for `converged` and `epochs_completed`.
 * - `converged`: a convergence test of the method passed (the message says which one).
 * - `epochs_completed`: a minibatch method ran all its epochs.
 * - `max_evaluations`: the budget of objective evaluations (`maxfun`, or cg's negative `maxIter`) was spent.
 * - `max_iterations`: the budget of iterations (`maxIter`) was spent.
 * - `line_search_failed`: no acceptable step could be found along the search direction.
 * - `no_progress`: the method could not move (e.g. TNC blocked by its bounds).
 * - `aborted`: the AbortSignal fired; the result holds the best point seen.
 * - `callback_stop`: the callback returned true; the result holds the iterate the callback saw.
 * - `numerical_error`: the objective returned NaN/±Infinity; only seen on the `.result` of the thrown
 *   {@link NonFiniteObjectiveError} (see errors.ts), never as a normal return.
 */
export type Status =
  | 'converged'
  | 'epochs_completed'
  | 'max_evaluations'
  | 'max_iterations'
  | 'line_search_failed'
  | 'no_progress'
  | 'aborted'
  | 'callback_stop'
  | 'numerical_error';

/** One row of `OptimizeResult.history`: recorded at every accepted iterate (and at x0 as iteration 0). */
export interface IterationRecord {
  iteration: number;
  fun: number;
  gradNorm: number;
  nfev: number;
  /** Milliseconds since the run started. */
  elapsed: number;
  /** adam/sgd: epochs completed (an `'epoch'` event) or the epoch in progress (a `'step'` event). */
  epoch?: number;
}

export interface OptimizeResult {
  /** The solution (a fresh array, never x0 itself). */
  x: Float64Array;
  /** f(x). For adam/sgd: the mean minibatch cost over the last (possibly partial) epoch. */
  fun: number;
  /** ∇f(x). For adam/sgd: the mean minibatch gradient over the last (possibly partial) epoch. */
  jac: Float64Array;
  /** Iterations: TNC/L-BFGS — accepted steps; cg — line searches; adam/sgd — parameter updates (steps). */
  nit: number;
  /** Calls of the objective, every one of them (line searches, Hessian-vector products, minibatches). */
  nfev: number;
  success: boolean;
  status: Status;
  message: string;
  method: string;
  /** Wall time of the run in milliseconds. */
  elapsed: number;
  /**
   * The part of `elapsed` spent inside the objective (its calls, awaited ones included); the rest is the method's
   * own work and the driver's (the callback's included).
   */
  objectiveElapsed: number;
  history: IterationRecord[];
  /** adam/sgd only: everything needed to resume bit-for-bit (pass back as `options.state`, x0 = result.x). */
  state?: unknown;
}

/** What the callback receives after every iteration (adam/sgd: after every epoch, and every `callbackEvery` steps). */
export interface IterationInfo extends IterationRecord {
  /** The current point. Do not mutate; copy it if you keep it. */
  x: Float64Array;
  /** adam/sgd: parameter updates so far. */
  step?: number;
  /** adam/sgd: whether this call ends an epoch or is one of the `callbackEvery` step reports. */
  event?: 'epoch' | 'step';
  /**
   * adam/sgd: the resumable optimiser state at this point (pass back as `options.state` with x0 = a copy of `x`
   * to continue bit-for-bit) — a getter, so the copy is made only when a checkpoint is written.
   */
  state?: () => unknown;
}

export interface MinimizeOptions {
  method: string;
  /** Method-specific options; unknown keys are rejected with InvalidArgumentError. */
  options?: Record<string, unknown>;
  /** Return true to stop (status 'callback_stop'). */
  callback?: (info: IterationInfo) => void | boolean;
  /** Abort → returns the best point so far, status 'aborted', success false. Checked before every evaluation. */
  signal?: AbortSignal;
  /**
   * Resuming: the work a previous run already did toward this run's budget (x0 is where it stopped). Budgets are
   * totals: maxfun, maxIter (cg: either sign) are cut by it, and a budget with nothing left throws
   * BudgetSpentError. adam/sgd ignore it: their `state` carries their counters (`epochs` is already a total), and
   * a state that already did all `epochs` throws the same BudgetSpentError.
   */
  spent?: Spent;
}

/** Evaluations and iterations (as the method counts them) a run did before it was resumed. */
export interface Spent {
  nfev: number;
  nit: number;
}

// ---------------------------------------------------------------- the method ⇄ driver protocol

/** "Evaluate f and ∇f at x, write ∇f into grad, send f back." */
export interface EvaluateRequest {
  kind: 'evaluate';
  x: Float64Array;
  grad: Float64Array;
  rows?: Uint32Array;
}

/** "This is an accepted iterate." The driver copies what it keeps; the method may reuse the arrays afterwards. */
export interface IterateReport extends Pick<IterationInfo, 'iteration' | 'x' | 'fun' | 'gradNorm' | 'epoch' | 'step' | 'event'> {
  kind: 'iterate';
  jac: Float64Array;
  /**
   * Whether `fun` values of different reports can be compared to choose the best point (true for full-batch
   * methods; false for minibatch methods, whose reported point is simply the latest one).
   */
  comparable: boolean;
  /** Whether to call the user's callback and write a history row (false: only track the latest point). */
  notify: boolean;
  /**
   * Minibatch methods: what a result stopped at this point must hold (fun, jac, resumable state), computed only
   * if the run is stopped here (abort, callback, NaN) — reports that are not `comparable` must provide it.
   */
  snapshot?: () => { fun: number; jac: Float64Array; state: unknown };
}

export type MethodEvent = EvaluateRequest | IterateReport;

/** What a method returns when it ends by itself; the driver adds the counts, timing and `success`. */
export type MethodOutcome = Pick<OptimizeResult, 'x' | 'fun' | 'jac' | 'nit' | 'status' | 'message' | 'state'>;

/** The driver answers an evaluate request with f, and an iterate report with NaN (ignored). */
export type MethodRun = Generator<MethodEvent, MethodOutcome, number>;

/** One optimisation method: its name, its options (default, accepted values, help), checks and the algorithm. */
export interface OptimizerMethod<O extends object = Record<string, unknown>, N extends string = string> {
  readonly name: N;
  /** What the method is, in a few words. */
  readonly summary: string;
  readonly options: OptionSpecs<O>;
  /**
   * What the option specs cannot check, on the merged options (defaults + user's) for this problem size: vectors,
   * options that depend on each other. Throws InvalidArgumentError.
   */
  validate?(options: O, n: number): void;
  /**
   * Resuming: the options with each budget cut by what a previous run spent (with `budgetLeft`, which throws
   * BudgetSpentError when nothing is left). A method whose `state` carries its counters (adam, sgd) leaves it out
   * and makes the same check with `budgetLeft` in `validate`.
   */
  resumed?(options: O, spent: Spent, n: number): O;
  run(x0: Float64Array, options: O): MethodRun;
}
