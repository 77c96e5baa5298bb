import { InvalidArgumentError } from '../errors.js';
import { Rng } from '../random.js';
import { evaluate, report } from './driver.js';
import { budgetLeft, checkNumber, describe, type OptionSpec, type OptionsOf } from './options.js';
import { learningRateAt, type Schedule, SCHEDULES } from './schedule.js';
import type { MethodEvent, MethodOutcome } from './types.js';
import { norm2 } from './vector.js';

/**
 * The epoch/minibatch loop shared by adam and sgd. Each epoch draws a permutation of the m example indices from
 * a seeded Rng (unless shuffle is false), cuts it into batches of `batchSize` rows (the last one smaller, or
 * dropped with dropLast), and for each batch evaluates the objective on those `rows` and applies the method's
 * update. nit counts updates (steps), nfev objective calls.
 *
 * The callback runs after every epoch (event 'epoch', iteration = epoch number, fun = the example-weighted mean
 * minibatch cost over the epoch, gradNorm = the norm of the mean minibatch gradient) and, with
 * callbackEvery = k > 0, after every k-th step (event 'step', iteration = step, fun = that minibatch's cost).
 *
 * `result.state` holds everything needed to continue bit for bit: pass it back as `options.state` with
 * x0 = result.x and the same m/batchSize/shuffle/dropLast (`epochs` is the TOTAL number of epochs, so a run of
 * 2 epochs resumed with epochs: 4 does 2 more; the cosine schedule depends on that total, so only a resume with
 * the same total reproduces an uninterrupted cosine run). A run stopped mid-epoch (abort, callback) resumes
 * mid-epoch. A state whose run already did all `epochs` whole epochs is refused with BudgetSpentError, as the
 * full-batch methods refuse a spent maxfun/maxIter (options.ts, budgetLeft).
 * Stopped runs return the latest point: minibatch costs of different batches are not comparable, so there is
 * no "best" point to pick.
 */
/** The options adam and sgd share (each adds its own learningRate). */
export const minibatchOptions = {
  m: { default: null as number | null, accepts: 'an integer ≥ 1 (required)', help: 'examples to draw minibatch rows from (train passes its data set size)' },
  epochs: { default: 10, accepts: { integer: true, atLeast: 0 }, help: 'passes over the data (the total, when resuming)' },
  batchSize: { default: 128, accepts: { integer: true, atLeast: 1 }, help: 'minibatch size' },
  schedule: { default: 'constant' as Schedule, accepts: { oneOf: SCHEDULES }, help: 'learning-rate schedule (schedule.ts)' },
  decay: { default: 0.1, accepts: { above: 0 }, help: 'decay factor of the step and exponential schedules' },
  stepSize: { default: 10, accepts: { integer: true, atLeast: 1 }, help: 'epochs between decays of the step schedule' },
  minLearningRate: { default: 0, accepts: { atLeast: 0 }, help: 'where the cosine schedule ends' },
  seed: { default: 0, accepts: { integer: true, atLeast: 0 }, help: 'seed of the shuffles' },
  shuffle: { default: true, accepts: 'boolean', help: 'draw a new order of the examples every epoch' },
  dropLast: { default: false, accepts: 'boolean', help: 'drop the last, smaller batch of an epoch' },
  callbackEvery: { default: 0, accepts: { integer: true, atLeast: 0 }, help: 'also report every k steps (0: after every epoch only)' },
  state: { default: null as MinibatchState | null, accepts: 'null or the state of a previous result', help: 'resume that run bit for bit' },
} satisfies Record<string, OptionSpec>;

export type MinibatchOptions = OptionsOf<typeof minibatchOptions> & { learningRate: number };

/** Resumable state of a minibatch run. Vectors are Float64Arrays (number[] are accepted back, e.g. from JSON). */
export interface MinibatchState {
  method: string;
  version: 1;
  n: number;
  m: number;
  batchSize: number;
  shuffle: boolean;
  dropLast: boolean;
  /** Updates done, whole epochs done, batches done in the epoch in progress. */
  step: number;
  epoch: number;
  batch: number;
  /** The Rng state from which the permutation of the epoch in progress is (or will be) drawn. */
  rng: number[];
  /** Running sums of the epoch in progress (cost·rows, grad·rows, rows) and the means of the last full epoch. */
  epochCost: number;
  epochGrad: Float64Array;
  epochRows: number;
  lastEpochCost: number;
  lastEpochGrad: Float64Array;
  /** The method's own vectors (adam: first and second moments; sgd: velocity). */
  moments: Float64Array[];
}

/** What adam and sgd plug into the loop. */
export interface UpdateRule<O> {
  name: string;
  momentCount: number;
  /** x ← x − update(grad), `t` the 1-based step number; also sum += weight·grad (the epoch's gradient sum). */
  update(x: Float64Array, grad: Float64Array, lr: number, t: number, moments: Float64Array[], o: O,
    sum: Float64Array, weight: number): void;
}

/** The checks of adam's and sgd's options that their specs cannot make: m is required, dropLast, the state. */
export function validateMinibatch(method: string, o: MinibatchOptions, n: number): void {
  if (o.m === null || o.m === undefined) {
    throw new InvalidArgumentError(
      `${method} option 'm' (the number of examples to draw minibatch rows from) is required: a positive integer; received ${describe(o.m)}`,
    );
  }
  checkNumber(method, 'm', o.m, { integer: true, atLeast: 1 });
  if (o.dropLast && o.batchSize > o.m) {
    throw new InvalidArgumentError(
      `${method}: with dropLast, batchSize (${o.batchSize}) must be ≤ m (${o.m}), or no batch would remain`,
    );
  }
  if (o.state !== null) validateState(method, o, n);
}

function validateState(method: string, o: MinibatchOptions, n: number): void {
  const st = o.state as Partial<MinibatchState> | null;
  const bad = (what: string): never => {
    throw new InvalidArgumentError(`${method} option 'state' cannot be resumed: ${what}`);
  };
  if (typeof st !== 'object' || st === null) return bad(`expected the state object of a previous result; received ${describe(st)}`);
  if (st.method !== method) bad(`it was produced by method ${describe(st.method)}, not '${method}'`);
  if (st.version !== 1) bad(`unknown version ${describe(st.version)} (expected 1)`);
  if (st.n !== n) bad(`it is for ${describe(st.n)} parameters; x0 has ${n}`);
  for (const key of ['m', 'batchSize', 'shuffle', 'dropLast'] as const) {
    if (st[key] !== o[key]) bad(`it was made with ${key} = ${describe(st[key])}; the options say ${describe(o[key])}`);
  }
  for (const key of ['step', 'epoch', 'batch'] as const) {
    const v = st[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad(`'${key}' must be an integer ≥ 0; received ${describe(v)}`);
  }
  if (!Array.isArray(st.rng) || st.rng.length !== 4 || !st.rng.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) {
    bad(`'rng' must be 4 uint32 words; received ${describe(st.rng)}`);
  }
  const vec = (name: string, v: unknown): void => {
    if (!((v instanceof Float64Array || Array.isArray(v)) && v.length === n)) bad(`'${name}' must have ${n} numbers; received ${describe(v)}`);
  };
  vec('epochGrad', st.epochGrad);
  vec('lastEpochGrad', st.lastEpochGrad);
  if (!Array.isArray(st.moments)) bad(`'moments' must be an array of vectors; received ${describe(st.moments)}`);
  (st.moments as unknown[]).forEach((v, i) => vec(`moments[${i}]`, v));
  // epochs is the whole run's total: the run being resumed must have left at least the epoch it stopped in.
  budgetLeft(method, 'epochs', 'epochs', o.epochs, st.epoch as number);
}

export function* runMinibatch<O extends MinibatchOptions>(
  x0: Float64Array,
  o: O,
  rule: UpdateRule<O>,
): Generator<MethodEvent, MethodOutcome, number> {
  const n = x0.length;
  const m = o.m as number;
  const B = Math.min(o.batchSize, m);
  const batchesPerEpoch = o.dropLast ? Math.floor(m / B) : Math.ceil(m / B);
  const x = Float64Array.from(x0);
  const grad = new Float64Array(n);

  const saved = o.state;
  let step = saved?.step ?? 0;
  let epoch = saved?.epoch ?? 0;
  let batch = saved?.batch ?? 0;
  const rng = new Rng(saved ? Uint32Array.from(saved.rng) : o.seed);
  let resumeRng = rng.state();
  let epochCost = saved?.epochCost ?? 0;
  let epochRows = saved?.epochRows ?? 0;
  const epochGrad = saved ? Float64Array.from(saved.epochGrad) : new Float64Array(n);
  let lastEpochCost = saved?.lastEpochCost ?? NaN;
  const lastEpochGrad = saved ? Float64Array.from(saved.lastEpochGrad) : new Float64Array(n).fill(NaN);
  const moments = saved
    ? saved.moments.map((v) => Float64Array.from(v))
    : Array.from({ length: rule.momentCount }, () => new Float64Array(n));

  const state = (): MinibatchState => ({
    method: rule.name,
    version: 1,
    n,
    m,
    batchSize: o.batchSize,
    shuffle: o.shuffle,
    dropLast: o.dropLast,
    step,
    epoch,
    batch,
    rng: Array.from(resumeRng),
    epochCost,
    epochGrad: Float64Array.from(epochGrad),
    epochRows,
    lastEpochCost,
    lastEpochGrad: Float64Array.from(lastEpochGrad),
    moments: moments.map((v) => Float64Array.from(v)),
  });
  /** What a result stopped now reports: the epoch in progress if it has batches, else the last full epoch. */
  const summary = (): { fun: number; jac: Float64Array; state: MinibatchState } => {
    if (epochRows === 0) return { fun: lastEpochCost, jac: Float64Array.from(lastEpochGrad), state: state() };
    return { fun: epochCost / epochRows, jac: epochGrad.map((v) => v / epochRows), state: state() };
  };

  let order: Uint32Array = new Uint32Array(m);
  while (epoch < o.epochs) {
    resumeRng = rng.state();
    if (o.shuffle) order = rng.permutation(m);
    else for (let i = 0; i < m; i++) order[i] = i;
    const lr = learningRateAt(epoch, o);

    for (; batch < batchesPerEpoch; ) {
      const rows = order.subarray(batch * B, Math.min(m, (batch + 1) * B));
      const f = yield* evaluate(x, grad, rows);
      epochCost += f * rows.length;
      epochRows += rows.length;
      step++;
      rule.update(x, grad, lr, step, moments, o, epochGrad, rows.length);
      batch++;
      yield* report({
        iteration: step,
        x,
        fun: f,
        jac: grad,
        gradNorm: o.callbackEvery > 0 && step % o.callbackEvery === 0 ? norm2(grad) : NaN,
        comparable: false,
        notify: o.callbackEvery > 0 && step % o.callbackEvery === 0,
        epoch: epoch + 1,
        step,
        event: 'step',
        snapshot: summary,
      });
    }

    // The epoch is complete: its means become the "last epoch" figures and the next epoch starts empty.
    lastEpochCost = epochCost / epochRows;
    for (let i = 0; i < n; i++) lastEpochGrad[i] = epochGrad[i] / epochRows;
    epochCost = 0;
    epochRows = 0;
    epochGrad.fill(0);
    epoch++;
    batch = 0;
    resumeRng = rng.state();
    yield* report({
      iteration: epoch,
      x,
      fun: lastEpochCost,
      jac: lastEpochGrad,
      gradNorm: norm2(lastEpochGrad),
      comparable: false,
      notify: true,
      epoch,
      step,
      event: 'epoch',
      snapshot: summary,
    });
  }

  const end = summary();
  return {
    x,
    fun: end.fun,
    jac: end.jac,
    nit: step,
    status: 'epochs_completed',
    message: `Completed ${o.epochs} epoch${o.epochs === 1 ? '' : 's'} (${step} step${step === 1 ? '' : 's'} of batch size ${B})`,
    state: end.state,
  };
}
