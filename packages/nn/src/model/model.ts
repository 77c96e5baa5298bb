import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BackpropError } from '../errors.js';
import { isInputShape, type InputShape } from '../image/preprocess.js';
import type { Matrix } from '../matrix.js';
import { checkActivations, seedActivations, type Activations } from '../network/activations.js';
import { checkDtype, DTYPES, roundTheta, type Dtype } from '../network/dtype.js';
import { checkLayers, describe, parameterCount, type LayerSizes } from '../network/layers.js';
import { deserialize } from '../network/serialize.js';
import { checkClassNames } from '../validate.js';
import { writeFileAtomic } from './atomic.js';

export const MODEL_FORMAT = 'backprop-model';
/**
 * Version 2 (issue 16) records the network's `activations` (each hidden layer's, the output, leakySlope) and its
 * `dtype` ('float64', or 'float32': then every θ value is a float32 value). Version 1 files (no activations: the
 * seed's network, sigmoid everywhere, float64) still load.
 */
export const MODEL_VERSION = 2;
/** Versions this library reads. */
const READS = [1, 2];

/** A model file is missing, not JSON, of another format or version, or internally inconsistent. */
export class ModelFormatError extends BackpropError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_MODEL_FORMAT', message, options);
  }
}

export interface HistoryEntry {
  iteration: number;
  cost: number;
  gradNorm?: number;
  nfev: number;
  /** ms since the optimiser started */
  elapsed: number;
  epoch?: number;
  trainAccuracy?: number;
  validationAccuracy?: number;
}

export interface TrainingSummary {
  method: string;
  options: Record<string, unknown>;
  lambda: number;
  init: { range?: number; scheme?: string; seed: number };
  backend: string;
  dataset: { name: string; m: number; checksum?: string };
  nit: number;
  nfev: number;
  status: string;
  message: string;
  cost: number;
  /** optimisation wall time in seconds (no start-up or data loading) */
  seconds: number;
  trainAccuracy?: number;
  validationAccuracy?: number;
  testAccuracy?: number;
  /** The iterate whose weights the model holds when early stopping kept one before the last (its cost is `cost`). */
  kept?: { iteration: number; epoch?: number };
  history: HistoryEntry[];
}

/** A trained network: everything needed to predict, plus how it was made. */
export interface Model {
  layers: LayerSizes;
  /** Flat parameters in the seed's order (Θ1 row-major, then Θ2, …). */
  theta: Float64Array;
  /** labelNames[k − 1] is the human meaning of label k (for digits: label 10 → "0"). */
  labelNames: string[];
  /** How an input row is laid out as an image, when it is one (digits: 20×20 column-major). */
  inputShape?: InputShape;
  /** Hidden and output activations; absent means the seed's network (sigmoid everywhere). */
  activations?: Activations;
  /** What the network computes in; absent means float64. A float32 model's θ holds float32 values. */
  dtype?: Dtype;
  training?: TrainingSummary;
  createdAt?: string;
}

/** sha256 of the parameters' little-endian float64 bytes: identifies a set of weights. */
export function thetaChecksum(theta: Float64Array): string {
  return createHash('sha256').update(new Uint8Array(theta.buffer, theta.byteOffset, theta.byteLength)).digest('hex');
}

/** The model document; a float32 model's θ is written rounded to float32 (so it reads back exactly). */
export function modelToJson(model: Model): string {
  const dtype = checkDtype(model.dtype ?? 'float64', 'model.dtype');
  const theta = roundTheta(model.theta, dtype);
  const doc = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    createdAt: model.createdAt ?? new Date().toISOString(),
    layers: [...model.layers],
    activations: model.activations ?? seedActivations(model.layers),
    dtype,
    labelNames: model.labelNames,
    inputShape: model.inputShape,
    checksum: thetaChecksum(theta),
    // JSON numbers print the shortest string that round-trips, so doubles come back bit-exact.
    theta: Array.from(theta),
    training: model.training,
  };
  return JSON.stringify(doc);
}

/** A training record is a few levels deep; a deeper one would overflow JSON.stringify when the model is saved. */
const MAX_TRAINING_DEPTH = 32;

/** The most layers (input and output included) a model file may declare. */
const MAX_MODEL_LAYERS = 64;

/** Nesting depth of a parsed JSON value (iterative: the value may be nested far deeper than the stack). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_TRAINING_DEPTH) return deepest;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return deepest;
}

/** A value for an error message: primitives as JSON, objects and arrays by kind (they may be huge or deep). */
function shown(v: unknown): string {
  return v !== null && typeof v === 'object' ? describe(v) : (JSON.stringify(v) ?? String(v));
}

function fail(msg: string): never {
  throw new ModelFormatError(msg);
}

/** A model file's `activations`, checked field by field (ModelFormatError naming the field), copied. */
function activationsOf(raw: unknown, layers: LayerSizes): Activations {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(`activations: expected an object, got ${shown(raw)}`);
  const a = raw as Activations;
  // Kinds first, shown by kind: a file may hold anything here, and checkActivations quotes what it got.
  if (!Array.isArray(a.hidden)) fail(`activations.hidden: expected an array of activation names, got ${shown(a.hidden)}`);
  a.hidden.forEach((h, i) => {
    if (typeof h !== 'string') fail(`activations.hidden[${i}]: expected an activation name, got ${shown(h)}`);
  });
  if (typeof a.output !== 'string') fail(`activations.output: expected an activation name, got ${shown(a.output)}`);
  try {
    checkActivations(a, layers);
  } catch (err) {
    fail((err as Error).message);
  }
  return { hidden: [...a.hidden], output: a.output, leakySlope: a.leakySlope };
}

/** Parses and validates a model document; never returns a half-valid model. */
export function modelFromJson(text: string): Model {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    // V8's message quotes the text it choked on, raw bytes included: say where instead
    if (text.startsWith('MATLAB 5.0 MAT-file')) {
      throw new ModelFormatError('model file is a MAT-file, not a backprop model (JSON): `backprop export --out model.json FILE.mat` writes its weights as one');
    }
    const nul = text.indexOf('\0');
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    const where = nul >= 0 ? ` (not text: NUL byte at offset ${nul})` : at !== undefined ? ` (at character ${at})` : '';
    throw new ModelFormatError(`model file is not valid JSON${where}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) fail('model file must contain a JSON object');
  if (doc.format !== MODEL_FORMAT) fail(`not a backprop model (format is ${shown(doc.format)})`);
  if (!READS.includes(doc.version as number)) {
    fail(`unsupported model version ${shown(doc.version)} (this library reads versions ${READS.join(' and ')})`);
  }
  const layers = doc.layers;
  if (!Array.isArray(layers)) fail('layers: expected an array of layer sizes');
  // before anything is sized from them
  if (layers.length > MAX_MODEL_LAYERS) fail(`layers: at most ${MAX_MODEL_LAYERS} layers, got ${layers.length}`);
  try {
    checkLayers(layers as number[]);
  } catch (err) {
    fail((err as Error).message);
  }
  if ((layers as number[]).some((s) => s > 1e6)) fail('layers: a layer has more than 1,000,000 units');
  const n = parameterCount(layers as number[]);
  const raw = doc.theta;
  if (!Array.isArray(raw) || raw.length !== n) {
    fail(`theta: expected ${n} numbers for layers [${(layers as number[]).join(', ')}], got ${Array.isArray(raw) ? raw.length : typeof raw}`);
  }
  const theta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = (raw as unknown[])[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`theta[${i}]: expected a finite number, got ${shown(v)}`);
    theta[i] = v;
  }
  if (doc.checksum !== undefined && doc.checksum !== thetaChecksum(theta)) {
    fail('checksum does not match the parameters: the file is corrupt or was edited');
  }
  const K = (layers as number[])[(layers as number[]).length - 1];
  const labelNames = doc.labelNames === undefined ? Array.from({ length: K }, (_, k) => String(k + 1)) : doc.labelNames;
  if (!Array.isArray(labelNames) || labelNames.length !== K || labelNames.some((s) => typeof s !== 'string')) {
    fail(`labelNames: expected ${K} strings (one per output unit)`);
  }
  try {
    checkClassNames(labelNames as string[]);
  } catch (err) {
    fail((err as Error).message);
  }
  const model: Model = { layers: layers as number[], theta, labelNames: labelNames as string[] };
  if (doc.version !== 1) {
    if (!(DTYPES as readonly unknown[]).includes(doc.dtype)) fail(`dtype: expected one of ${DTYPES.join(', ')}, got ${shown(doc.dtype)}`);
    model.dtype = doc.dtype as Dtype;
    if (model.dtype === 'float32') {
      const i = theta.findIndex((v) => Math.fround(v) !== v);
      if (i >= 0) fail(`theta[${i}]: expected a float32 value in a float32 model, got ${theta[i]}`);
    }
    model.activations = activationsOf(doc.activations, layers as number[]);
  }
  const shape = doc.inputShape as InputShape | undefined;
  if (shape !== undefined) {
    if (!isInputShape(shape) || shape.width * shape.height !== (layers as number[])[0]) {
      fail(`inputShape: expected {width, height, order} with width*height = ${(layers as number[])[0]}`);
    }
    model.inputShape = { width: shape.width, height: shape.height, order: shape.order };
  }
  if (doc.training !== undefined) {
    if (typeof doc.training !== 'object' || doc.training === null) fail('training: expected an object');
    if (depthOf(doc.training) > MAX_TRAINING_DEPTH) fail(`training: nested deeper than ${MAX_TRAINING_DEPTH} levels (it could not be written back)`);
    model.training = doc.training as TrainingSummary;
  }
  if (typeof doc.createdAt === 'string') model.createdAt = doc.createdAt;
  return model;
}

/** Atomic save (temp file, fsync, rename): a crash never leaves a torn model file. */
export function saveModel(path: string, model: Model): void {
  writeFileAtomic(path, modelToJson(model));
}

/** Reads and validates; a missing or bad file gives ModelFormatError naming the path. */
export function loadModel(path: string): Model {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ModelFormatError(`cannot read model ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, {
      cause: err,
    });
  }
  try {
    return modelFromJson(text);
  } catch (err) {
    if (err instanceof ModelFormatError) throw new ModelFormatError(`${path}: ${err.message}`);
    throw err;
  }
}

/** Θ1 … ΘL as matrices named Theta1 … ThetaL (for MAT export). */
export function modelThetas(model: Model): Record<string, Matrix> {
  const out: Record<string, Matrix> = {};
  deserialize(model.theta, model.layers).forEach((T, i) => {
    out[`Theta${i + 1}`] = T;
  });
  return out;
}
