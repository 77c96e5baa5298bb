import type { BackendChoice } from './backend/types.js';
import { MAX_LABEL } from './data/label-mapping.js';
import { BackpropError, InvalidArgumentError, ShapeError } from './errors.js';
import { EarlyStopping } from './early-stopping.js';
import { accuracyOf, argmaxLabels } from './labels.js';
import { fromRows, type Matrix } from './matrix.js';
import { loadModel, saveModel, type HistoryEntry, type Model, type TrainingSummary } from './model/model.js';
import { resolveActivations, type ActivationOptions } from './network/activations.js';
import { checkDtype, type Dtype } from './network/dtype.js';
import { checkInitScheme, type InitScheme } from './network/init.js';
import { checkThreads } from './backend/ts/threads.js';
import { checkLayers, describe } from './network/layers.js';
import { minimize } from './optim/minimize.js';
import { rejectUnknown } from './optim/options.js';
import type { IterationInfo, OptimizeResult } from './optim/types.js';
import { predictionsOf, probabilitiesOf, scores, type Prediction } from './predict.js';
import { SEED } from './presets.js';
import { checkSeed } from './random.js';
import { modelOf, setUpTraining, stripState, train, type TrainingData, type TrainMethod, type TrainOptions, type TrainProgress } from './train.js';
import { checkLambda, checkTwoClasses } from './validate.js';

/**
 * How a Classifier is built and trained. Every field defaults to the seed's setting ({@link SEED}); `activation`
 * (one for every hidden layer, or one per layer), `output` and `leakySlope` choose another network.
 */
export interface ClassifierOptions extends ActivationOptions {
  /** Hidden layer sizes; the input and output layers come from the data. Default [25]. */
  hidden?: readonly number[];
  /** Regularisation strength λ ≥ 0. Default 10. */
  lambda?: number;
  /** Optimiser (see `minimize`). Default 'tnc'. */
  method?: TrainMethod;
  /** The method's options (maxfun, maxIter, epochs, batchSize, learningRate, …). Default { maxfun: 300 }. */
  optimizer?: Readonly<Record<string, unknown>>;
  /** The seed scheme's initial weights are uniform in (−initRange, initRange). Default 0.5. */
  initRange?: number;
  /** Initialisation scheme (network/init.ts): default follows the activations (the seed's for the seed's network). */
  init?: InitScheme;
  /** Seed of the initialisation and of minibatch shuffling. Default 0. */
  seed?: number;
  /** What the network computes in: float64 (default) or float32 (network/dtype.ts). */
  dtype?: Dtype;
  backend?: BackendChoice;
  /** Threads of an evaluation (native: BLAS threads; ts: the calling thread plus workers): an integer 1..1024. */
  threads?: number;
  /**
   * The data set the settings were chosen for (a preset names it: SEED's is 'digits5000'), so a preset can be passed
   * as it is. The classifier does not use it: `fit` trains on the data it is given.
   */
  dataset?: string;
}

/** What `fit` and `fitAsync` report and obey while training. */
export interface FitOptions {
  /** Called after every iteration (epoch for adam/sgd) with the cost and the evaluations so far. */
  onProgress?: (p: TrainProgress) => void;
  /**
   * Stops training: the model keeps the best parameters reached. `fitAsync` sees an abort at any time; `fit`
   * blocks the thread, so only an abort from inside `onProgress` (or before the call) can reach it.
   */
  signal?: AbortSignal;
  /**
   * Examples scored after every iteration (epoch for adam/sgd): the history's `validationAccuracy`, and the model's
   * with its final weights. `{ X, y }` as `fit` takes them (y: the training's class names or labels) or a data set
   * (matched by class name).
   */
  validation?: { X: Examples; y: Labels } | LabelledData;
  /**
   * As `train`'s: stop when validation accuracy has not improved for `patience` iterations (epochs for adam/sgd) and
   * keep the best iterate's weights (the model's status `early_stopping`). Needs `validation`.
   */
  earlyStopping?: { patience: number };
}

/** Examples as a Matrix (m×n) or as m arrays of n numbers. */
export type Examples = Matrix | readonly (readonly number[])[];

/** Class labels, one per example: numbers (0..K−1, 1..K or any integers) or strings. */
export type Labels = ArrayLike<number> | readonly string[];

/** A labelled data set whose labels are 1..K with names (a `Dataset` from `loadDataset`). */
export interface LabelledData {
  X: Matrix;
  y: ArrayLike<number>;
  labelNames: readonly string[];
  name?: string;
  checksum?: string;
  imageShape?: Model['inputShape'];
}

/** `predict`, `score`, … before `fit` or `load`. */
export class NotFittedError extends BackpropError {
  constructor(what: string) {
    super('ERR_NOT_FITTED', `${what}: the classifier is not trained yet (call fit, fitAsync or Classifier.load first)`);
  }
}

const OPTION_KEYS = [
  'hidden', 'lambda', 'method', 'optimizer', 'initRange', 'init', 'activation', 'output', 'leakySlope', 'seed', 'dtype',
  'backend', 'threads', 'dataset',
] as const satisfies readonly (keyof ClassifierOptions)[];
// Every option ClassifierOptions declares is one the constructor accepts (this fails to compile otherwise).
const everyOption: Exclude<keyof ClassifierOptions, (typeof OPTION_KEYS)[number]> extends never ? true : never = true;
void everyOption;

/**
 * A network classifier in the shape of scikit-learn's estimators: `new Classifier(options)`, `fit(X, y)`,
 * `predict(X)` → class names, `predictProba(X)` → rows summing to 1 with columns in `classes` order,
 * `score(X, y)` → accuracy, `save(path)` / `Classifier.load(path)`.
 *
 * Labels become class names: strings stay as they are, numbers become their decimal strings (0..K−1 gives "0"…),
 * and `classes` lists them sorted (numbers by value). A data set with `labelNames` (the built-in ones) keeps its
 * names in label order: digits5000's classes are "1"…"9","0", so its digit 0 is predicted as "0".
 */
export class Classifier {
  readonly options: Readonly<ClassifierOptions>;
  #model: Model | undefined;

  constructor(options: ClassifierOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError(`options: expected an object, got ${String(options)}`);
    }
    rejectUnknown('Classifier', options, OPTION_KEYS);
    const hidden = [...(options.hidden ?? SEED.hidden)];
    checkLayers([1, ...hidden, 1]);
    const lambda = options.lambda ?? SEED.lambda;
    checkLambda(lambda);
    const initRange = options.initRange ?? SEED.initRange;
    if (!(initRange > 0) || !Number.isFinite(initRange)) {
      throw new InvalidArgumentError(`initRange: expected a positive finite number, got ${String(initRange)}`);
    }
    const method = options.method ?? SEED.method;
    // Checked here against hidden layers of any size; the network's own sizes come from the data at fit.
    resolveActivations([1, ...hidden, 1], options);
    if (options.init !== undefined) checkInitScheme(options.init, 'init');
    if (options.dtype !== undefined) checkDtype(options.dtype);
    if (options.threads !== undefined) checkThreads(options.threads, 'threads');
    if (options.dataset !== undefined && typeof options.dataset !== 'string') {
      throw new InvalidArgumentError(`dataset: expected the name of a data set, got ${describe(options.dataset)}`);
    }
    this.options = {
      hidden,
      lambda,
      method,
      // The seed's budget belongs to TNC; another method starts from its own defaults.
      optimizer: { ...(options.optimizer ?? (method === SEED.method ? SEED.optimizer : {})) },
      initRange,
      seed: checkSeed(options.seed ?? SEED.seed),
      ...(options.activation !== undefined ? { activation: options.activation } : {}),
      ...(options.output !== undefined ? { output: options.output } : {}),
      ...(options.leakySlope !== undefined ? { leakySlope: options.leakySlope } : {}),
      ...(options.init !== undefined ? { init: options.init } : {}),
      dtype: options.dtype ?? SEED.dtype,
      ...(options.backend !== undefined ? { backend: options.backend } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    };
  }

  /** A classifier around a trained model (its class names are the model's `labelNames`). */
  static fromModel(model: Model): Classifier {
    const t = model.training;
    const clf = new Classifier({
      hidden: model.layers.slice(1, -1),
      ...(t ? { lambda: t.lambda, method: t.method as TrainMethod, optimizer: methodOptionsOf(t), seed: t.init.seed } : {}),
      ...(t?.init.range !== undefined ? { initRange: t.init.range } : {}),
      ...(model.activations
        ? { activation: model.activations.hidden, output: model.activations.output, leakySlope: model.activations.leakySlope }
        : {}),
      ...(model.dtype !== undefined ? { dtype: model.dtype } : {}),
    });
    clf.#model = model;
    return clf;
  }

  /** Reads a model file written by `save` (or by `backprop train`); ModelFormatError when it is not one. */
  static load(path: string): Classifier {
    return Classifier.fromModel(loadModel(path));
  }

  /** The trained model (layers, θ, class names, how it was trained): what `save` writes. */
  get model(): Model {
    if (!this.#model) throw new NotFittedError('model');
    return this.#model;
  }

  /** The class names, in the order of `predictProba`'s columns. */
  get classes(): string[] {
    return [...this.model.labelNames];
  }

  /**
   * Trains on X and y, blocking until done (like scikit-learn's `fit`); returns this. Gives the same parameters,
   * bit for bit, as {@link fitAsync}, which keeps the event loop free and can be aborted at any time.
   */
  fit(X: Examples, y: Labels, options?: FitOptions): this;
  fit(data: LabelledData, options?: FitOptions): this;
  fit(a: Examples | LabelledData, b?: Labels | FitOptions, c?: FitOptions): this {
    const { data, options } = trainingArgs(a, b, c);
    this.#model = this.#trainSync(data, options);
    return this;
  }

  /** Trains like {@link fit} without blocking: progress and abort work while it runs. Resolves to this. */
  fitAsync(X: Examples, y: Labels, options?: FitOptions): Promise<this>;
  fitAsync(data: LabelledData, options?: FitOptions): Promise<this>;
  async fitAsync(a: Examples | LabelledData, b?: Labels | FitOptions, c?: FitOptions): Promise<this> {
    const { data, options } = trainingArgs(a, b, c);
    const { model } = await train({ hidden: this.options.hidden! }, data, {
      ...this.#trainOptions(),
      ...validationOptions(options, data.labelNames),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    this.#model = model;
    return this;
  }

  /** The options `train` gets from this classifier's (`fit` and `fitAsync` share them). */
  #trainOptions(): TrainOptions {
    const o = this.options;
    return {
      method: o.method,
      lambda: o.lambda,
      optimizer: { ...o.optimizer },
      init: { range: o.initRange, ...(o.init !== undefined ? { scheme: o.init } : {}) },
      seed: o.seed,
      ...(o.activation !== undefined ? { activation: o.activation } : {}),
      ...(o.output !== undefined ? { output: o.output } : {}),
      ...(o.leakySlope !== undefined ? { leakySlope: o.leakySlope } : {}),
      dtype: o.dtype,
      trackAccuracy: false,
      ...(o.backend !== undefined ? { backend: o.backend } : {}),
      ...(o.threads !== undefined ? { threads: o.threads } : {}),
    };
  }

  /** The predicted class name of each row. */
  predict(X: Examples): string[] {
    const names = this.model.labelNames;
    return Array.from(argmaxLabels(this.predictScores(X)), (label) => names[label - 1]);
  }

  /**
   * Class probabilities (m×K): rows sum to 1, columns in `classes` order (a softmax network's outputs, or a sigmoid
   * network's output activations normalised).
   */
  predictProba(X: Examples): Matrix {
    return probabilitiesOf(this.predictScores(X), this.model.activations?.output);
  }

  /** The raw output activations h (m×K), columns in `classes` order: independent sigmoids, or the softmax. */
  predictScores(X: Examples): Matrix {
    const { theta, layers, activations, dtype } = this.model;
    return scores(theta, toMatrix(X), {
      layers,
      ...(activations ? { activations } : {}),
      ...(dtype ? { dtype } : {}),
      ...(this.options.backend ? { backend: this.options.backend } : {}),
    });
  }

  /** Per row: the class, the probabilities and the raw scores (the shape the CLI and the REST server answer). */
  predictions(X: Examples): Prediction[] {
    return predictionsOf(this.predictScores(X), this.model.labelNames, this.model.activations?.output);
  }

  /** Accuracy: the fraction of rows whose predicted class is the given one (labels compared as class names). */
  score(X: Examples, y: Labels): number;
  score(data: LabelledData): number;
  score(a: Examples | LabelledData, b?: Labels): number {
    const { X, names } = isLabelledData(a)
      ? { X: a.X, names: Array.from(a.y, (k) => a.labelNames[k - 1]) }
      : { X: a, names: Array.from(b as ArrayLike<number | string>, (v) => String(v)) };
    const predicted = this.predict(X);
    if (predicted.length !== names.length) throw new ShapeError(`score: ${predicted.length} examples but ${names.length} labels`);
    let hits = 0;
    for (let i = 0; i < names.length; i++) if (predicted[i] === names[i]) hits++;
    return hits / names.length;
  }

  /** Writes the model file atomically (the format `backprop predict` and the server read). */
  save(path: string): void {
    saveModel(path, this.model);
  }

  /**
   * `train` without the event loop: the same setup (network, initialisation, objective, method options), driven by
   * the synchronous `minimize`. Parameters agree bit for bit with `fitAsync` (a test holds them to it).
   */
  #trainSync(data: TrainingData & { K: number; labelNames: string[] }, fit: FitOptions): Model {
    const { validation, earlyStopping } = validationOptions(fit, data.labelNames);
    const setup = setUpTraining({ hidden: this.options.hidden! }, data, { ...this.#trainOptions(), validation, earlyStopping });
    const accuracyAt = (x: Float64Array, d: TrainingData): number =>
      accuracyOf(argmaxLabels(setup.backend.predict(setup.layers, x, d.X, setup.activations, setup.dtype)), d.y);
    const stopping = earlyStopping ? new EarlyStopping(earlyStopping.patience) : undefined;
    const history: HistoryEntry[] = [];
    const callback = (info: IterationInfo): boolean => {
      if (info.event === 'step') return false;
      const entry: HistoryEntry = { iteration: info.iteration, cost: info.fun, gradNorm: info.gradNorm, nfev: info.nfev, elapsed: info.elapsed };
      if (info.epoch !== undefined) entry.epoch = info.epoch;
      if (validation) entry.validationAccuracy = accuracyAt(info.x, validation);
      const stop = stopping?.observe(entry, info.x) ?? false;
      history.push(entry);
      fit.onProgress?.({ ...entry, gradNorm: info.gradNorm });
      return stop;
    };
    let result: OptimizeResult;
    try {
      const signal = fit.signal ? { signal: fit.signal } : {};
      result = minimize(setup.objective, setup.x0, { method: setup.method, options: setup.optimizer, callback, ...signal });
    } finally {
      setup.net.dispose();
    }
    const { nit, nfev } = result;
    const options = stripState(setup.optimizer, false);
    const seconds = result.elapsed / 1000;
    const theta = stopping?.weights(result.x) ?? result.x;
    const model = modelOf(setup, data, result, { theta, history, options, nit, nfev, seconds });
    stopping?.report(model.training!, result.x, history);
    if (validation) model.training!.validationAccuracy = accuracyAt(theta, validation);
    return model;
  }
}

/** The method options a training was asked for, without what `train` filled in from its data (m, seed, backend). */
function methodOptionsOf(t: TrainingSummary): Record<string, unknown> {
  const { m: _m, seed: _seed, backend: _backend, state: _state, ...asked } = t.options ?? {};
  return asked;
}

function isLabelledData(v: unknown): v is LabelledData {
  return v !== null && typeof v === 'object' && 'X' in v && 'y' in v && Array.isArray((v as LabelledData).labelNames);
}

/**
 * X as a Matrix: a Matrix as it is, an array of rows copied. A 1-D array is one example's values, not examples: it
 * is refused saying so (as scikit-learn's "Expected 2D array, got 1D array instead"), not read as a Matrix.
 */
function toMatrix(X: Examples): Matrix {
  if (Array.isArray(X)) {
    if (X.length === 0) throw new ShapeError('X: needs at least one example (row), got 0');
    if (typeof X[0] === 'number') {
      throw new ShapeError(
        `X: expected an array of rows (one per example) or a Matrix, got a 1-D array of ${X.length} numbers; ` +
          'wrap a single example in an array: [row]',
      );
    }
    const bad = X.findIndex((row) => !Array.isArray(row) && !ArrayBuffer.isView(row));
    if (bad >= 0) throw new ShapeError(`X[${bad}]: expected a row (an array of numbers), got ${describe(X[bad])}`);
    return fromRows(X as readonly (readonly number[])[]);
  }
  const m = X as Partial<Matrix> | null;
  if (m === null || typeof m !== 'object' || !(m.data instanceof Float64Array)) {
    throw new ShapeError(`X: expected an array of rows (one per example) or a Matrix {rows, cols, data: Float64Array}, got ${describe(X)}`);
  }
  return X as Matrix;
}

/** What `fit` and `fitAsync` add to train's options: the validation set labelled as the training is, early stopping. */
function validationOptions(fit: FitOptions, classes: readonly string[]): Pick<TrainOptions, 'validation' | 'earlyStopping'> {
  return {
    ...(fit.validation !== undefined ? { validation: validationData(fit.validation, classes) } : {}),
    ...(fit.earlyStopping !== undefined ? { earlyStopping: fit.earlyStopping } : {}),
  };
}

/** A validation set with labels 1..K of the training's classes, matched by name; another class is refused. */
function validationData(v: { X: Examples; y: Labels } | LabelledData, classes: readonly string[]): TrainingData {
  if (v === null || typeof v !== 'object' || !('X' in v)) {
    throw new InvalidArgumentError(`validation: expected { X, y } or a data set, got ${describe(v)}`);
  }
  const y = (v as { y?: unknown }).y as ArrayLike<number | string> | undefined;
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new InvalidArgumentError(`validation.y: expected an array of labels, got ${describe(y)}`);
  }
  const X = isLabelledData(v) ? v.X : toMatrix(v.X);
  const names = isLabelledData(v) ? Array.from(v.y, (k) => v.labelNames[k - 1]) : Array.from(y, (label) => String(label));
  if (names.length !== X.rows) throw new ShapeError(`validation.y: ${names.length} labels for ${X.rows} examples`);
  const label = new Map(classes.map((name, k) => [name, k + 1]));
  const labels = Int32Array.from(names, (name, i) => {
    const k = label.get(name);
    if (k === undefined) throw new InvalidArgumentError(`validation.y[${i}] = ${JSON.stringify(name)}: not one of the training's classes`);
    return k;
  });
  return { X, y: labels, K: classes.length };
}

/** The training data and options from `fit(X, y, options?)` or `fit(data, options?)`. */
function trainingArgs(
  a: Examples | LabelledData,
  b: Labels | FitOptions | undefined,
  c: FitOptions | undefined,
): { data: TrainingData & { K: number; labelNames: string[] }; options: FitOptions } {
  if (isLabelledData(a)) {
    const data = {
      X: a.X,
      y: Int32Array.from(a.y),
      K: a.labelNames.length,
      labelNames: [...a.labelNames],
      ...(a.name !== undefined ? { name: a.name } : {}),
      ...(a.checksum !== undefined ? { checksum: a.checksum } : {}),
      ...(a.imageShape ? { imageShape: a.imageShape } : {}),
    };
    return { data, options: (b as FitOptions | undefined) ?? {} };
  }
  const X = toMatrix(a);
  if (b === undefined || b === null) throw new InvalidArgumentError('fit: expected labels y (one per row of X)');
  const { classes, labels } = encodeLabels(b as Labels, X.rows);
  return { data: { X, y: labels, K: classes.length, labelNames: classes }, options: c ?? {} };
}

/**
 * Class names and labels 1..K from the labels a user has: strings (sorted), or integers (sorted by value, named by
 * their decimal string). Mixed kinds, non-integers and a count that does not match X are errors.
 */
export function encodeLabels(y: Labels, m: number): { classes: string[]; labels: Int32Array } {
  if (y === null || typeof y !== 'object' || typeof y.length !== 'number') {
    throw new InvalidArgumentError(`y: expected an array of labels, got ${String(y)}`);
  }
  if (y.length !== m) throw new ShapeError(`y: ${y.length} labels for ${m} examples`);
  const kind = typeof y[0];
  const seen = new Map<string | number, number>();
  for (let i = 0; i < m; i++) {
    const v = y[i];
    if (typeof v !== kind || (kind === 'number' && !Number.isSafeInteger(v)) || (kind !== 'number' && kind !== 'string')) {
      throw new InvalidArgumentError(
        `y[${i}] = ${JSON.stringify(v)?.slice(0, 40)}: labels must be all integers or all strings`,
      );
    }
    seen.set(v, 0);
    // Each class is an output unit: refuse a label column that is really an id column before sizing a network.
    if (seen.size > MAX_LABEL) throw new InvalidArgumentError(`y: more than ${MAX_LABEL} distinct labels (classes)`);
  }
  const values = [...seen.keys()];
  if (kind === 'number') (values as number[]).sort((p, q) => p - q);
  else values.sort();
  checkTwoClasses(values.length);
  values.forEach((v, k) => seen.set(v, k + 1));
  const labels = new Int32Array(m);
  for (let i = 0; i < m; i++) labels[i] = seen.get(y[i])!;
  return { classes: values.map(String), labels };
}
