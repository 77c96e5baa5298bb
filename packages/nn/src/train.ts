import { createHash } from 'node:crypto';
import { resolveBackend } from './backend/select.js';
import type { BackendChoice } from './backend/types.js';
import { bindNetwork } from './cost.js';
import { EarlyStopping } from './early-stopping.js';
import { InvalidArgumentError, ShapeError } from './errors.js';
import { accuracyOf, argmaxLabels } from './labels.js';
import type { Matrix } from './matrix.js';
import { loadCheckpoint, saveCheckpoint, CheckpointError, type Checkpoint } from './model/checkpoint.js';
import type { HistoryEntry, Model, TrainingSummary } from './model/model.js';
import {
  DEFAULT_LEAKY_SLOPE, describeNetwork, resolveActivations, type ActivationOptions, type Activations,
} from './network/activations.js';
import { checkDtype, finiteDifferenceAccuracy, roundTheta, type Dtype } from './network/dtype.js';
import { checkInitScheme, layerSchemes, randomInit, type InitScheme } from './network/init.js';
import { checkLayers, type LayerSizes } from './network/layers.js';
import { objectiveOf } from './objective.js';
import { minibatchOptions } from './optim/minibatch.js';
import { minimizeAsync } from './optim/minimize.js';
import { type MethodName, optimizerMethod } from './optim/registry.js';
import type { IterationInfo, OptimizeResult } from './optim/types.js';
import { SEED } from './presets.js';
import { checkSeed } from './random.js';
import { checkTrainingSize } from './size.js';
import { checkClassCount, checkClassNames, checkInputs, checkLambda, checkTwoClasses, classesIn } from './validate.js';

/** A method `train` can run: a name in the optimiser registry. */
export type TrainMethod = MethodName;

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

/**
 * Every setting a caller leaves out is the seed's ({@link SEED}): TNC with 300 evaluations, λ = 10, range 0.5, seed 0,
 * sigmoid hidden layers and sigmoid outputs. `activation` (one name for every hidden layer, or one per layer),
 * `output` and `leakySlope` choose another network ({@link ActivationOptions}).
 */
export interface TrainOptions extends ActivationOptions {
  /** Default SEED.method ('tnc'). */
  method?: TrainMethod;
  /** λ ≥ 0; default SEED.lambda (10). */
  lambda?: number;
  /**
   * Method options passed to `minimize` (maxfun, maxIter, epochs, batchSize, learningRate, …). Default: the seed's
   * budget ({ maxfun: 300 }) for the seed's method, the method's own defaults for another.
   */
  optimizer?: Readonly<Record<string, unknown>>;
  /**
   * Initialisation (network/init.ts): by default the seed's uniform(−range, range), range SEED.initRange (0.5), for
   * the seed's network, and He (relu, leaky_relu) or Glorot (tanh, sigmoid, output) per layer for any other;
   * `scheme` 'seed', 'glorot' or 'he' says otherwise.
   */
  init?: { range?: number; scheme?: InitScheme };
  /** Seed for initialisation and minibatch shuffling. Default SEED.seed (0). */
  seed?: number;
  /** Scored after every iteration (epoch for adam/sgd): `validationAccuracy` in the history and the model. */
  validation?: TrainingData;
  /** Scored once, with the model's weights (`testAccuracy`). */
  test?: TrainingData;
  /**
   * Stop when validation accuracy has not improved for `patience` iterations (epochs for adam/sgd), and keep the
   * best iterate's weights (Keras' `restore_best_weights`): the model's cost and accuracies are theirs, its status
   * `early_stopping` when the rule stopped the run, and its message says when and which iterate was kept. Needs
   * `validation`.
   */
  earlyStopping?: { patience: number };
  /** Compute training accuracy at every reported iteration (a forward pass each). Default true. */
  trackAccuracy?: boolean;
  /**
   * What the network computes in: float64 (default, the seed's) or float32 — X, Y, activations, deltas, products
   * and gradient in float32, while the optimiser's θ and state (Adam's moments) stay float64. A float32 model's θ
   * is rounded to float32 (network/dtype.ts).
   */
  dtype?: Dtype;
  backend?: BackendChoice;
  /** Threads of an evaluation (native: BLAS threads; ts: the calling thread plus workers). */
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
  /**
   * Continue from a checkpoint (path or loaded object). The budget is the whole run's: maxfun, maxIter and epochs
   * count the checkpoint's evaluations, iterations and epochs too, so a resume with the same budget finishes what
   * is left of it, and one with nothing left throws BudgetSpentError (raise the budget to go on).
   */
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
  /** The trained model: with early stopping, the best iterate's weights and that iterate's cost. */
  model: Model;
  /** The optimiser's own result: its last iterate, cost and status. */
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

/** What `train` and `Classifier.fit` share: the settings with their defaults filled in, and what they build. */
export type TrainingSetup = ReturnType<typeof setUpTraining>;

/**
 * Checks the settings, fills in the seed's defaults, picks the backend (the one place a training does), binds the
 * network to the data and draws x0 (or takes a checkpoint's). The caller disposes `net`.
 */
export function setUpTraining(network: NetworkSpec, data: TrainingData, options: TrainOptions, resume?: Checkpoint) {
  const method = options.method ?? SEED.method;
  // An unknown method is minimize's to refuse, with the list of the registered ones.
  const info = optimizerMethod(method);
  const minibatch = info?.minibatch ?? false;
  const lambda = options.lambda ?? SEED.lambda;
  checkLambda(lambda);
  const seed = checkSeed(options.seed ?? SEED.seed);
  const K = labelCount(data);
  const layers = Array.isArray(network)
    ? [...(network as LayerSizes)]
    : [data.X.cols, ...(network as { hidden: readonly number[] }).hidden, K];
  checkLayers(layers);
  if (layers[layers.length - 1] !== K) {
    throw new ShapeError(`the output layer has ${layers[layers.length - 1]} units but the data has ${K} classes`);
  }
  checkClassCount(K, data.X.rows, layers[layers.length - 2]);
  if (options.validation) checkInputs(options.validation.X, layers, 'validation.X');
  if (options.test) checkInputs(options.test.X, layers, 'test.X');
  checkTwoClasses(classesIn(data.y));
  if (data.labelNames !== undefined) {
    // the model's labelNames: a file that would not load again is refused before training, not after
    if (data.labelNames.length !== K) throw new ShapeError(`labelNames: ${data.labelNames.length} names for ${K} classes`);
    checkClassNames(data.labelNames);
  }
  const activations = resolveActivations(layers, options);
  const dtype = checkDtype(options.dtype ?? SEED.dtype);
  const scheme = checkInitScheme(options.init?.scheme ?? 'auto', 'init');
  if (options.earlyStopping !== undefined) {
    const patience = (options.earlyStopping as { patience?: unknown } | null)?.patience;
    if (typeof patience !== 'number' || !Number.isSafeInteger(patience) || patience < 1) {
      throw new InvalidArgumentError(`earlyStopping.patience: expected an integer >= 1, got ${String(patience)}`);
    }
    if (!options.validation) throw new InvalidArgumentError('earlyStopping needs a validation set');
  }
  const checksum = dataChecksum(data);
  if (resume !== undefined) checkResume(resume, layers, activations, method, lambda, checksum);
  if (resume !== undefined && (resume.dtype ?? 'float64') !== dtype) {
    throw new CheckpointError(`checkpoint is for a ${resume.dtype ?? 'float64'} network, not ${dtype}: resume with the same dtype (--dtype ${resume.dtype ?? 'float64'})`);
  }
  const initRange = options.init?.range ?? SEED.initRange;
  const backend = resolveBackend(options.backend, options.threads);
  // The one size check of a training (train and Classifier.fit): before x0, the optimiser's vectors or the
  // backend's workspaces exist.
  const optimizerOptions = options.optimizer ?? (method === SEED.method ? SEED.optimizer : {});
  checkTrainingSize({
    layers, m: data.X.rows, method, optimizer: optimizerOptions, dtype, backend: backend.name, threads: backend.getThreads(),
  });
  const x0 = resume ? Float64Array.from(resume.x) : randomInit(layers, { range: initRange, scheme, seed, activations });
  // The method options `minimize` gets: the caller's, else the seed's budget for the seed's method (another method
  // starts from its own defaults), with m and seed filled in below for a minibatch method.
  const optimizer: Record<string, unknown> = { ...optimizerOptions };
  if (minibatch) {
    optimizer.m ??= data.X.rows;
    optimizer.seed ??= seed;
    if (resume?.state !== undefined) optimizer.state = resume.state;
  }
  // A method that declares a `backend` option (adam: where its update loop runs) follows the training's backend,
  // so `backend: 'ts'` (or BACKPROP_BACKEND=ts) keeps every loop in TypeScript. The bits are the same either way.
  if (info?.options.some((o) => o.name === 'backend')) optimizer.backend ??= backend.name;
  // A method with finite differences (tnc: its Hessian-vector products) steps by what the network's dtype resolves.
  if (dtype !== 'float64' && info?.options.some((o) => o.name === 'accuracy')) optimizer.accuracy ??= finiteDifferenceAccuracy(dtype);
  const net = bindNetwork(data.X, data.y, { layers, backend: backend.name, activations, dtype });
  const objective = objectiveOf(net, lambda);
  return { method, lambda, seed, initRange, scheme, layers, activations, dtype, K, backend, net, x0, optimizer, minibatch, objective, checksum };
}

function checkResume(resume: Checkpoint, layers: number[], activations: Activations, method: string, lambda: number, checksum: string): void {
  if (resume.layers.join(',') !== layers.join(',')) {
    throw new CheckpointError(`checkpoint is for layers [${resume.layers}], not [${layers}]`);
  }
  const slope = (a: Activations | undefined): string =>
    activations.hidden.includes('leaky_relu') ? ` (leaky slope ${a?.leakySlope ?? DEFAULT_LEAKY_SLOPE})` : '';
  const was = describeNetwork(layers, resume.activations) + slope(resume.activations);
  const now = describeNetwork(layers, activations) + slope(activations);
  if (was !== now) throw new CheckpointError(`checkpoint is for the network ${was}, not ${now}: resume with the same activations`);
  if (resume.method !== method) throw new CheckpointError(`checkpoint is for method ${resume.method}, not ${method}`);
  if (resume.lambda !== lambda) {
    throw new CheckpointError(`checkpoint was made with λ = ${resume.lambda}, not λ = ${lambda}: resume with the same λ`);
  }
  if (resume.dataChecksum && resume.dataChecksum !== checksum) {
    throw new CheckpointError('checkpoint was made on different training data (checksum differs)');
  }
}

/**
 * Builds the network, initialises it (seeded), runs the chosen optimiser on the regularised cost with the fused
 * cost+gradient of the chosen backend, tracks accuracy, and returns a Model. Aborting through `signal` returns the
 * best parameters so far (nothing is lost).
 */
export async function train(network: NetworkSpec, data: TrainingData, options: TrainOptions = {}): Promise<TrainResult> {
  const resume = typeof options.resume === 'string' ? loadCheckpoint(options.resume) : options.resume;
  const setup = setUpTraining(network, data, options, resume);
  const { method, lambda, layers, activations, dtype, backend, net, optimizer, checksum } = setup;
  const m = data.X.rows;
  // Progress inside an epoch: an epoch of MNIST can take minutes, so report about 100 times per epoch.
  let stepsPerEpoch: number | undefined;
  let addedCallbackEvery = false;
  if (setup.minibatch) {
    const B = Math.min(Number(optimizer.batchSize ?? minibatchOptions.batchSize.default), m);
    stepsPerEpoch = optimizer.dropLast === true ? Math.floor(m / B) : Math.ceil(m / B);
    const wanted = options.onProgress !== undefined && options.stepProgress === true;
    if (wanted && optimizer.callbackEvery === undefined && Number.isSafeInteger(stepsPerEpoch) && stepsPerEpoch > 1) {
      optimizer.callbackEvery = Math.max(1, Math.floor(stepsPerEpoch / 100));
      addedCallbackEvery = true;
    }
  }

  const history: HistoryEntry[] = resume ? [...resume.history] : [];
  // Minibatch methods carry their epoch/step counters in the resumed state; full-batch methods restart counting.
  const iterBase = setup.minibatch ? 0 : (resume?.iteration ?? 0);
  const nfevBase = resume?.nfev ?? 0;
  const elapsedBase = history.length ? history[history.length - 1].elapsed : 0;
  const track = options.trackAccuracy ?? true;
  const accuracyAt = (x: Float64Array, d: TrainingData): number =>
    accuracyOf(argmaxLabels(backend.predict(layers, x, d.X, activations, dtype)), d.y);

  // Early stopping: the best iterate by validation accuracy and how many reports since it, carried in checkpoints.
  const stopping = options.earlyStopping ? new EarlyStopping(options.earlyStopping.patience, resume?.earlyStopping) : undefined;

  const warn =
    options.onWarning ??
    ((w: TrainWarning): void => {
      process.emitWarning(w.message, { code: w.code });
    });
  // One warning per distinct cause: a checkpoint every iteration onto a full disk should not flood the output.
  const warned = new Set<string>();
  const writeCheckpoint = (x: Float64Array, iteration: number, nfev: number, state: unknown): void => {
    const path = options.checkpoint!.path;
    const earlyStopping = stopping?.record();
    try {
      saveCheckpoint(path, {
        layers, activations, ...(dtype === 'float64' ? {} : { dtype }), method, lambda, dataChecksum: checksum, iteration, nfev, x: Array.from(x), state, history,
        ...(earlyStopping ? { earlyStopping } : {}),
      });
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

  const every = options.checkpoint?.every ?? 10;

  // Evaluations run synchronously on the calling thread (no thread-pool hop per call); the event loop gets a
  // turn every 50 ms so signals, timers and progress output stay live during long runs.
  let lastYield = Date.now();
  const objective = async (x: Float64Array, grad: Float64Array, rows?: Uint32Array): Promise<number> => {
    if (Date.now() - lastYield > 50) {
      await new Promise<void>((r) => setImmediate(r));
      lastYield = Date.now();
    }
    return setup.objective(x, grad, rows);
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
    if (track) entry.trainAccuracy = accuracyAt(info.x, data);
    let stop = false;
    if (options.validation) {
      const v = accuracyAt(info.x, options.validation);
      entry.validationAccuracy = v;
      if (stopping?.observe(entry, info.x)) stop = true;
    }
    history.push(entry);
    options.onProgress?.({
      ...entry,
      gradNorm: info.gradNorm,
      ...(info.event === 'epoch' ? { event: 'epoch' as const, step: info.step, stepsPerEpoch } : {}),
    });
    if (options.checkpoint && info.iteration > 0 && info.iteration % every === 0) {
      writeCheckpoint(info.x, entry.iteration, entry.nfev, info.state?.());
    }
    return stop;
  };

  let result: OptimizeResult;
  try {
    result = await minimizeAsync(objective, setup.x0, {
      method,
      options: optimizer,
      callback,
      signal: options.signal,
      // Budgets are totals: a full-batch resume gets what the checkpoint left of maxfun/maxIter (adam/sgd: the state,
      // which minibatch.ts refuses when it already did all the epochs).
      ...(resume !== undefined && !setup.minibatch ? { spent: { nfev: nfevBase, nit: iterBase } } : {}),
    });
  } finally {
    net.dispose();
  }

  // The model keeps the best iterate's weights; the checkpoint keeps the last iterate with its optimiser state (and
  // the best in `earlyStopping`), so a resume goes on exactly as the run would have without stopping.
  const theta = stopping?.weights(result.x) ?? result.x;
  if (options.checkpoint) {
    const iteration = history.length ? history[history.length - 1].iteration : iterBase + result.nit;
    writeCheckpoint(result.x, iteration, nfevBase + result.nfev, result.state);
  }
  const model = modelOf(setup, data, result, {
    theta,
    history,
    options: stripState(optimizer, addedCallbackEvery),
    nit: iterBase + result.nit,
    nfev: nfevBase + result.nfev,
    seconds: (elapsedBase + result.elapsed) / 1000,
  });
  const summary = model.training!;
  // Every figure of the model is the kept weights': their cost (as reported at that iteration), and the status.
  stopping?.report(summary, result.x, history);
  if (options.validation) summary.validationAccuracy = accuracyAt(theta, options.validation);
  if (options.test) summary.testAccuracy = accuracyAt(theta, options.test);
  return { model, result };
}

/** What a run adds to its setup in the model's training summary. */
interface RunRecord {
  theta: Float64Array;
  history: HistoryEntry[];
  options: Record<string, unknown>;
  nit: number;
  nfev: number;
  seconds: number;
}

/** The Model a finished (or stopped) run makes: θ, the class names and how it was trained. */
export function modelOf(
  setup: TrainingSetup,
  data: TrainingData,
  result: OptimizeResult,
  run: RunRecord,
): Model {
  // A float32 network's weights are what it computed with: rounded to float32 (exact in a float32 model file).
  const theta = roundTheta(run.theta, setup.dtype);
  const training: TrainingSummary = {
    method: setup.method,
    options: run.options,
    lambda: setup.lambda,
    init: { range: setup.initRange, scheme: initRecord(setup), seed: setup.seed },
    backend: setup.backend.name,
    dataset: { name: data.name ?? 'custom', m: data.X.rows, checksum: setup.checksum },
    nit: run.nit,
    nfev: run.nfev,
    status: result.status,
    message: result.message,
    cost: result.fun,
    seconds: run.seconds,
    trainAccuracy: accuracyOf(argmaxLabels(setup.backend.predict(setup.layers, theta, data.X, setup.activations, setup.dtype)), data.y),
    history: run.history,
  };
  const model: Model = {
    layers: setup.layers,
    activations: setup.activations,
    dtype: setup.dtype,
    theta,
    labelNames: data.labelNames ?? Array.from({ length: setup.K }, (_, k) => String(k + 1)),
    training,
    createdAt: new Date().toISOString(),
  };
  if (data.imageShape) model.inputShape = data.imageShape;
  return model;
}

/** The scheme a model records: the one every layer got (`uniform` for the seed's, as before), else one per layer. */
function initRecord(setup: TrainingSetup): string {
  const names = layerSchemes(setup.layers, setup.scheme, setup.activations).map((s) => (s === 'seed' ? 'uniform' : s));
  return names.every((s) => s === names[0]) ? names[0] : names.join(',');
}

/** The options a model records: without the resume state, nor the progress cadence train() chose itself. */
export function stripState(o: Record<string, unknown>, dropCallbackEvery: boolean): Record<string, unknown> {
  const { state: _state, ...rest } = o;
  if (dropCallbackEvery) delete rest.callbackEvery;
  return rest;
}
