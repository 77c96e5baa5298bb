import { InvalidArgumentError } from '../errors.js';
import { NonFiniteObjectiveError } from './errors.js';
import { describe } from './options.js';
import type {
  AsyncObjective,
  EvaluateRequest,
  IterateReport,
  IterationInfo,
  IterationRecord,
  MethodOutcome,
  MethodRun,
  Objective,
  OptimizeResult,
  Status,
} from './types.js';

/** A point the run may have to return if it is stopped from outside. */
type Keep = Pick<OptimizeResult, 'x' | 'fun' | 'jac' | 'state'> & { iteration: number };

/**
 * Everything that is the same for every method and for both drivers: counting evaluations, the NaN/Infinity
 * check, the AbortSignal, the callback, the history and the best point. A method never sees any of it.
 */
export class RunTracker {
  nfev = 0;
  /** Milliseconds spent inside the objective so far (the drivers add each call's). */
  objectiveElapsed = 0;
  private readonly started = performance.now();
  private readonly history: IterationRecord[] = [];
  /** Lowest f among comparable iterates (copied when it improves). */
  private best: Keep | null = null;
  /** The latest iterate report (not copied; valid until the method resumes). */
  private latest: IterateReport | null = null;
  private readonly start: Keep;

  constructor(
    private readonly method: string,
    x0: Float64Array,
    private readonly callback: ((info: IterationInfo) => void | boolean) | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.start = { iteration: 0, x: Float64Array.from(x0), fun: NaN, jac: new Float64Array(x0.length).fill(NaN) };
  }

  elapsed(): number {
    return performance.now() - this.started;
  }

  /** The iteration (minibatch methods: step) in progress: one past the latest reported one. */
  private inProgress(): number {
    const latest = this.latest;
    if (latest === null) return 0;
    return (latest.step ?? latest.iteration) + 1;
  }

  private where(): string {
    const latest = this.latest;
    if (latest?.step !== undefined) {
      const epoch = latest.event === 'epoch' ? (latest.epoch ?? 0) + 1 : (latest.epoch ?? 1);
      return `step ${latest.step + 1} (epoch ${epoch})`;
    }
    return `iteration ${this.inProgress()}`;
  }

  /**
   * Resume the method with `answer` (f of the last evaluation) through its iterate reports: returns its next
   * evaluate request, or the result when it ends, is aborted (checked before every evaluation) or the callback stops it.
   */
  advance(run: MethodRun, answer: number): EvaluateRequest | OptimizeResult {
    for (let next = run.next(answer); ; next = run.next(NaN)) {
      if (next.done) return this.finish(next.value);
      if (next.value.kind === 'evaluate') return this.signal?.aborted ? this.stopped('aborted', this.abortMessage()) : next.value;
      if (this.iterate(next.value)) return this.stopped('callback_stop', this.callbackMessage());
    }
  }

  /** Count the evaluation (called at `called`) and refuse anything but a finite f with a finite gradient. */
  evaluated(f: unknown, request: EvaluateRequest, called = performance.now()): number {
    this.objectiveElapsed += performance.now() - called;
    this.nfev++;
    if (typeof f !== 'number') {
      const hint =
        f instanceof Promise ? ' (it returned a Promise: use minimizeAsync for an async objective)' : '';
      throw new InvalidArgumentError(`the objective must return a number f(x); received ${describe(f)}${hint}`);
    }
    let bad = Number.isFinite(f) ? '' : `f = ${f}`;
    if (bad === '') {
      // g·0 is 0 for a finite g and NaN for ±Infinity or NaN: one branch-free pass, then a search only when
      // something is wrong (this runs on every evaluation; Adam on MNIST checks 95 M entries an epoch).
      const g = request.grad;
      let probe = 0;
      for (let i = 0; i < g.length; i++) probe += g[i] * 0;
      if (probe !== 0) {
        const i = g.findIndex((v) => !Number.isFinite(v));
        bad = `grad[${i}] = ${g[i]}`;
      }
    }
    if (bad !== '') {
      const iteration = this.inProgress();
      const message =
        `${this.method}: the objective returned a non-finite value (${bad}) at ${this.where()}, ` +
        `evaluation ${this.nfev}; the result attached to this error holds the best point reached before it`;
      throw new NonFiniteObjectiveError(message, {
        result: this.stopped('numerical_error', message),
        iteration,
        evaluation: this.nfev,
      });
    }
    return f;
  }

  /** Record an accepted iterate; returns true when the callback asked to stop. */
  iterate(report: IterateReport): boolean {
    this.latest = report;
    if (report.comparable && (this.best === null || report.fun < this.best.fun)) {
      this.best = {
        iteration: report.iteration,
        x: Float64Array.from(report.x),
        fun: report.fun,
        jac: Float64Array.from(report.jac),
      };
    }
    if (!report.notify) return false;
    const elapsed = this.elapsed();
    const row: IterationRecord = {
      iteration: report.iteration,
      fun: report.fun,
      gradNorm: report.gradNorm,
      nfev: this.nfev,
      elapsed,
    };
    if (report.epoch !== undefined) row.epoch = report.epoch;
    this.history.push(row);
    if (this.callback === undefined || report.iteration === 0) return false;
    const info: IterationInfo = { ...row, x: report.x };
    if (report.step !== undefined) info.step = report.step;
    if (report.event !== undefined) info.event = report.event;
    const snapshot = report.snapshot;
    if (snapshot !== undefined) info.state = () => snapshot()?.state;
    return this.callback(info) === true;
  }

  /** The normal end: the method's own outcome plus the counts. */
  finish(outcome: MethodOutcome): OptimizeResult {
    return this.build(outcome.status, outcome.message, outcome, outcome.nit);
  }

  /** An end imposed from outside the method (abort, callback, non-finite objective). */
  stopped(status: Status, message: string): OptimizeResult {
    const nit = this.latest?.step ?? this.latest?.iteration ?? 0;
    const latest = this.latest;
    let keep: Keep;
    if (status === 'callback_stop' && latest !== null) keep = this.keepLatest(latest);
    else if (this.best !== null) keep = this.best;
    else if (latest !== null) keep = this.keepLatest(latest);
    else keep = this.start;
    return this.build(status, message, keep, nit);
  }

  private keepLatest(r: IterateReport): Keep {
    const snap = r.snapshot?.();
    return {
      iteration: r.iteration,
      x: Float64Array.from(r.x),
      fun: snap?.fun ?? r.fun,
      jac: Float64Array.from(snap?.jac ?? r.jac),
      state: snap?.state,
    };
  }

  abortMessage(): string {
    const head = `${this.method}: aborted by the signal after ${this.nfev} evaluations; `;
    const latest = this.latest;
    if (this.best !== null) return head + `returning the best point (iteration ${this.best.iteration})`;
    if (latest === null) return head + 'no iterate was completed, returning x0';
    if (latest.step !== undefined) return head + `returning the latest point (after step ${latest.step})`;
    return head + `returning the latest point (iteration ${latest.iteration})`;
  }

  callbackMessage(): string {
    return `${this.method}: stopped by the callback at iteration ${this.latest?.iteration ?? 0}`;
  }

  private build(
    status: Status,
    message: string,
    at: Pick<OptimizeResult, 'x' | 'fun' | 'jac' | 'state'>,
    nit: number,
  ): OptimizeResult {
    const result: OptimizeResult = {
      x: at.x,
      fun: at.fun,
      jac: at.jac,
      nit,
      nfev: this.nfev,
      success: status === 'converged' || status === 'epochs_completed',
      status,
      message,
      method: this.method,
      elapsed: this.elapsed(),
      objectiveElapsed: this.objectiveElapsed,
      history: this.history,
    };
    if (at.state !== undefined) result.state = at.state;
    return result;
  }
}

/** Run a method to the end, evaluating synchronously. */
export function driveSync(run: MethodRun, fun: Objective, tracker: RunTracker): OptimizeResult {
  let next = tracker.advance(run, NaN);
  while ('kind' in next) {
    const called = performance.now();
    next = tracker.advance(run, tracker.evaluated(fun(next.x, next.grad, next.rows), next, called));
  }
  return next;
}

/**
 * Run a method to the end, awaiting each evaluation (a sync objective works too). An abort that happens during
 * an evaluation takes effect when that evaluation has completed.
 */
export async function driveAsync(
  run: MethodRun,
  fun: Objective | AsyncObjective,
  tracker: RunTracker,
): Promise<OptimizeResult> {
  let next = tracker.advance(run, NaN);
  while ('kind' in next) {
    const called = performance.now();
    next = tracker.advance(run, tracker.evaluated(await fun(next.x, next.grad, next.rows), next, called));
  }
  return next;
}

// ---------------------------------------------------------------- what methods use to talk to the driver

/** Ask the driver for f(x) (∇f lands in `grad`). Use as `const f = yield* evaluate(x, grad)`. */
export function* evaluate(
  x: Float64Array,
  grad: Float64Array,
  rows?: Uint32Array,
): Generator<EvaluateRequest, number, number> {
  const request: EvaluateRequest = { kind: 'evaluate', x, grad };
  if (rows !== undefined) request.rows = rows;
  return yield request;
}

/** Tell the driver about an accepted iterate. Use as `yield* report({...})`. */
export function* report(info: Omit<IterateReport, 'kind'>): Generator<IterateReport, void, number> {
  yield { kind: 'iterate', ...info };
}
