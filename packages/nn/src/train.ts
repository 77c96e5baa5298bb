import { createHash } from 'node:crypto';
import { getBackend } from './backend/select.js';
import type { BackendChoice } from './backend/types.js';
import { bindNetwork } from './cost.js';
import { InvalidArgumentError, ShapeError } from './errors.js';
import { accuracyOf, argmaxLabels } from './labels.js';
import type { Matrix } from './matrix.js';
import { loadCheckpoint, saveCheckpoint, CheckpointError, type Checkpoint } from './model/checkpoint.js';
import type { HistoryEntry, Model, TrainingSummary } from './model/model.js';
import { randomInit } from './network/init.js';
import { checkLayers, type LayerSizes } from './network/layers.js';
import { minibatchDefaults } from './optim/minibatch.js';
import { minimizeAsync } from './optim/minimize.js';
import type { IterationInfo, OptimizeResult } from './optim/types.js';
import { checkClassCount, checkLambda } from './validate.js';

export type TrainMethod = 'tnc' | 'cg' | 'lbfgs' | 'adam' | 'sgd';

/** Examples and labels 1..K. A `Dataset` from the data module fits this shape. */
export interface TrainingData {
  X: Matrix;
  y: Int32Array | readonly number[];
  K?: number;
  labelNames?: string[];
  name?: string;
  checksum?: string;
  imageShape?: Model['inputShape'];
}

export interface TrainProgress {
  iteration: number;
  /** adam/sgd: epochs completed (an 'epoch' report) or the epoch in progress (a 'step' report). */
  epoch?: number;
  /**
   * adam/sgd: 'epoch' at the end of an epoch; 'step' for a report inside one (its cost is that minibatch's, and
   * there is no accuracy). Full-batch methods leave it out.
   */
  event?: 'epoch' | 'step';
  /** adam/sgd: parameter updates so far, and how many one epoch makes. */
  step?: number;
  stepsPerEpoch?: number;
  cost: number;
  gradNorm: number;
  nfev: number;
  /** ms since the optimiser started (including time before a resume) */
  elapsed: number;
  trainAccuracy?: number;
  validationAccuracy?: number;
}

export interface TrainOptions {
  method?: TrainMethod;
  /** λ ≥ 0; default 1. */
  lambda?: number;
  /** Method options passed to `minimize` (maxfun, maxIter, epochs, batchSize, learningRate, …). */
  optimizer?: Record<string, unknown>;
  /** Initialisation: uniform(−range, range), default range 0.12 (the seed uses 0.5). */
  init?: { range?: number; scheme?: 'uniform' | 'glorot' };
  /** Seed for initialisation and minibatch shuffling. Default 0. */
  seed?: number;
  validation?: TrainingData;
  test?: TrainingData;
  /** Stop when validation accuracy has not improved for `patience` iterations (epochs for adam/sgd). */
  earlyStopping?: { patience: number };
  /** Compute training accuracy at every reported iteration (a forward pass each). Default true. */
  trackAccuracy?: boolean;
  backend?: BackendChoice;
  /** BLAS threads for the native backend. */
  threads?: number;
  /** Progress after every iteration (adam/sgd: every epoch; see `stepProgress`). */
  onProgress?: (p: TrainProgress) => void;
  /**
   * adam/sgd: also report progress within each epoch (event 'step'), about 100 times an epoch unless
   * `optimizer.callbackEvery` sets the cadence. Default false: onProgress sees epochs only.
   */
  stepProgress?: boolean;
  /**
   * Something went wrong that does not stop the training (a checkpoint could not be written). Default:
   * `process.emitWarning` with the warning's code.
   */
  onWarning?: (w: TrainWarning) => void;
  signal?: AbortSignal;
  /**
   * Write a checkpoint every `every` iterations (default 10) and at the end, atomically. A checkpoint that cannot
   * be written (disk full, read-only) is a warning; the training goes on and its result is returned.
   */
  checkpoint?: { path: string; every?: number };
  /** Continue from a checkpoint (path or loaded object). */
  resume?: string | Checkpoint;
}

/** A problem that did not stop the training. */
export interface TrainWarning {
  code: 'BACKPROP_CHECKPOINT_FAILED';
  /** one line naming the path and the cause */
  message: string;
  path: string;
  error: unknown;
}

export interface TrainResult {
  model: Model;
  result: OptimizeResult;
}

/** Network description: explicit layer sizes, or hidden sizes between the data's input and classes. */
export type NetworkSpec = LayerSizes | { hidden: readonly number[] };

function labelCount(data: TrainingData): number {
  if (data.K !== undefined) return data.K;
  let K = 0;
  for (let i = 0; i < data.y.length; i++) K = Math.max(K, data.y[i]);
  return K;
}

export function dataChecksum(data: TrainingData): string {
  if (data.checksum) return data.checksum;
  const h = createHash('sha256');
  h.update(new Uint8Array(data.X.data.buffer, data.X.data.byteOffset, data.X.data.byteLength));
  const y = Int32Array.from(data.y);
  h.update(new Uint8Array(y.buffer));
  return h.digest('hex');
}

const MINIBATCH = new Set(['adam', 'sgd']);

/**
 * Builds the network, initialises it (seeded), runs the chosen optimiser on the regularised cost with the fused
 * cost+gradient of the chosen backend, tracks accuracy, and returns a Model. Aborting through `signal` returns the
 * best parameters so far (nothing is lost).
 */
export async function train(network: NetworkSpec, data: TrainingData, options: TrainOptions = {}): Promise<TrainResult> {
  const method = options.method ?? 'tnc';
  const lambda = options.lambda ?? 1;
  checkLambda(lambda);
  const seed = options.seed ?? 0;
  const K = labelCount(data);
  const layers = Array.isArray(network)
    ? [...(network as LayerSizes)]
    : [data.X.cols, ...(network as { hidden: readonly number[] }).hidden, K];
  checkLayers(layers);
  if (layers[layers.length - 1] !== K) {
    throw new ShapeError(`the output layer has ${layers[layers.length - 1]} units but the data has ${K} classes`);
  }
  checkClassCount(K, data.X.rows, layers[layers.length - 2]);
  if (options.earlyStopping && !options.validation) {
    throw new InvalidArgumentError('earlyStopping needs a validation set');
  }
  const backend = getBackend(options.backend);
  if (options.threads !== undefined) backend.setThreads(options.threads);
  const net = bindNetwork(data.X, data.y, { layers, backend: backend.name });
  const checksum = dataChecksum(data);
  const m = data.X.rows;

  let resume: Checkpoint | undefined;
  if (options.resume !== undefined) {
    resume = typeof options.resume === 'string' ? loadCheckpoint(options.resume) : options.resume;
    if (resume.layers.join(',') !== layers.join(',')) {
      throw new CheckpointError(`checkpoint is for layers [${resume.layers}], not [${layers}]`);
    }
    if (resume.method !== method) throw new CheckpointError(`checkpoint is for method ${resume.method}, not ${method}`);
    if (resume.lambda !== lambda) {
      throw new CheckpointError(`checkpoint was made with λ = ${resume.lambda}, not λ = ${lambda}: resume with the same λ`);
    }
    if (resume.dataChecksum && resume.dataChecksum !== checksum) {
      throw new CheckpointError('checkpoint was made on different training data (checksum differs)');
    }
  }

  const initRange = options.init?.range ?? 0.12;
  const x0 = resume ? Float64Array.from(resume.x) : randomInit(layers, { range: initRange, scheme: options.init?.scheme, seed });
  const optimizer: Record<string, unknown> = { ...(options.optimizer ?? {}) };
  if (MINIBATCH.has(method)) {
    optimizer.m ??= data.X.rows;
    optimizer.seed ??= seed;
    if (resume?.state !== undefined) optimizer.state = resume.state;
  }
  // Adam's update loop runs on the training's backend too (same bits on either; native is faster).
  if (method === 'adam') optimizer.backend ??= backend.name;
  // Progress inside an epoch: an epoch of MNIST can take minutes, so report about 100 times per epoch.
  let stepsPerEpoch: number | undefined;
  let addedCallbackEvery = false;
  if (MINIBATCH.has(method)) {
    const B = Math.min(Number(optimizer.batchSize ?? minibatchDefaults.batchSize), m);
    stepsPerEpoch = optimizer.dropLast === true ? Math.floor(m / B) : Math.ceil(m / B);
    const wanted = options.onProgress !== undefined && options.stepProgress === true;
    if (wanted && optimizer.callbackEvery === undefined && Number.isSafeInteger(stepsPerEpoch) && stepsPerEpoch > 1) {
      optimizer.callbackEvery = Math.max(1, Math.floor(stepsPerEpoch / 100));
      addedCallbackEvery = true;
    }
  }

  const history: HistoryEntry[] = resume ? [...resume.history] : [];
  // Minibatch methods carry their epoch/step counters in the resumed state; full-batch methods restart counting.
  const iterBase = MINIBATCH.has(method) ? 0 : (resume?.iteration ?? 0);
  const nfevBase = resume?.nfev ?? 0;
  const elapsedBase = history.length ? history[history.length - 1].elapsed : 0;
  const track = options.trackAccuracy ?? true;
  const yTrain = data.y;
  const accuracyAt = (x: Float64Array, d: TrainingData): number =>
    accuracyOf(argmaxLabels(backend.predict(layers, x, d.X)), d.y);

  const warn =
    options.onWarning ??
    ((w: TrainWarning): void => {
      process.emitWarning(w.message, { code: w.code });
    });
  // One warning per distinct cause: a checkpoint every iteration onto a full disk should not flood the output.
  const warned = new Set<string>();
  const writeCheckpoint = (cp: Parameters<typeof saveCheckpoint>[1]): void => {
    const path = options.checkpoint!.path;
    try {
      saveCheckpoint(path, cp);
    } catch (err) {
      const cause = err instanceof Error ? err.message : String(err);
      if (warned.has(cause)) return;
      warned.add(cause);
      warn({
        code: 'BACKPROP_CHECKPOINT_FAILED',
        message: `checkpoint not written (training goes on): ${cause.includes(path) ? cause : `${path}: ${cause}`}`,
        path,
        error: err,
      });
    }
  };

  let bestVal = -Infinity;
  let bestValX: Float64Array | undefined;
  let sinceBest = 0;
  const every = options.checkpoint?.every ?? 10;

  // Evaluations run synchronously on the calling thread (no thread-pool hop per call); the event loop gets a
  // turn every 50 ms so signals, timers and progress output stay live during long runs.
  let lastYield = Date.now();
  const objective = async (x: Float64Array, grad: Float64Array, rows?: Uint32Array): Promise<number> => {
    if (Date.now() - lastYield > 50) {
      await new Promise<void>((r) => setImmediate(r));
      lastYield = Date.now();
    }
    // A minibatch estimates the full objective: (1/B)·Σ_batch loss + λ/(2m)·‖Θ‖². The backends treat `rows` as
    // the whole data set (penalty λ'/(2B)), so pass λ' = λ·B/m.
    return net.costGradient(x, rows ? (lambda * rows.length) / m : lambda, grad, rows);
  };

  const callback = (info: IterationInfo): boolean | void => {
    if (info.event === 'step') {
      if (options.stepProgress !== true) return;
      options.onProgress?.({
        iteration: iterBase + (info.epoch ?? 1) - 1,
        epoch: info.epoch,
        event: 'step',
        step: info.step,
        stepsPerEpoch,
        cost: info.fun,
        gradNorm: info.gradNorm,
        nfev: nfevBase + info.nfev,
        elapsed: elapsedBase + info.elapsed,
      });
      return;
    }
    const entry: HistoryEntry = {
      iteration: iterBase + info.iteration,
      cost: info.fun,
      gradNorm: info.gradNorm,
      nfev: nfevBase + info.nfev,
      elapsed: elapsedBase + info.elapsed,
    };
    if (info.epoch !== undefined) entry.epoch = info.epoch;
    if (track) entry.trainAccuracy = accuracyAt(info.x, { X: data.X, y: yTrain });
    let stop = false;
    if (options.validation) {
      const v = accuracyAt(info.x, options.validation);
      entry.validationAccuracy = v;
      if (v > bestVal) {
        bestVal = v;
        bestValX = Float64Array.from(info.x);
        sinceBest = 0;
      } else if (options.earlyStopping && ++sinceBest >= options.earlyStopping.patience) {
        stop = true;
      }
    }
    history.push(entry);
    options.onProgress?.({
      ...entry,
      gradNorm: info.gradNorm,
      ...(info.event === 'epoch' ? { event: 'epoch' as const, step: info.step, stepsPerEpoch } : {}),
    });
    if (options.checkpoint && info.iteration > 0 && info.iteration % every === 0) {
      writeCheckpoint({
        layers,
        method,
        lambda,
        dataChecksum: checksum,
        iteration: entry.iteration,
        nfev: entry.nfev,
        x: Array.from(info.x),
        state: info.state?.(),
        history,
      });
    }
    return stop;
  };

  let result: OptimizeResult;
  try {
    result = await minimizeAsync(objective, x0, {
      method,
      options: optimizer,
      callback,
      signal: options.signal,
    });
  } finally {
    net.dispose();
  }

  const theta = options.earlyStopping && bestValX ? bestValX : result.x;
  if (options.checkpoint) {
    writeCheckpoint({
      layers,
      method,
      lambda,
      dataChecksum: checksum,
      iteration: history.length ? history[history.length - 1].iteration : iterBase + result.nit,
      nfev: nfevBase + result.nfev,
      x: Array.from(theta),
      state: result.state,
      history,
    });
  }
  const summary: TrainingSummary = {
    method,
    options: stripState(optimizer, addedCallbackEvery),
    lambda,
    init: { range: initRange, scheme: options.init?.scheme ?? 'uniform', seed },
    backend: backend.name,
    dataset: { name: data.name ?? 'custom', m: data.X.rows, checksum },
    nit: iterBase + result.nit,
    nfev: nfevBase + result.nfev,
    status: result.status,
    message: result.message,
    cost: result.fun,
    seconds: (elapsedBase + result.elapsed) / 1000,
    trainAccuracy: accuracyAt(theta, data),
    history,
  };
  if (options.validation) summary.validationAccuracy = accuracyAt(theta, options.validation);
  if (options.test) summary.testAccuracy = accuracyAt(theta, options.test);
  const model: Model = {
    layers,
    theta,
    labelNames: data.labelNames ?? Array.from({ length: K }, (_, k) => String(k + 1)),
    training: summary,
    createdAt: new Date().toISOString(),
  };
  if (data.imageShape) model.inputShape = data.imageShape;
  return { model, result };
}

/** The options a model records: without the resume state, nor the progress cadence train() chose itself. */
function stripState(o: Record<string, unknown>, dropCallbackEvery: boolean): Record<string, unknown> {
  const { state: _state, ...rest } = o;
  if (dropCallbackEvery) delete rest.callbackEvery;
  return rest;
}
