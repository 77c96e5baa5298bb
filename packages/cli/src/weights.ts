import { DIGIT_LABEL_NAMES, layersOf, loadModel, readMatFile, serialize, ShapeError, squareShape, type Activations, type Dtype, type Matrix, type Model } from '@backprop/nn';
import { aboutFile } from './error-message.js';
import { UsageError } from './usage.js';

export interface Weights {
  layers: number[];
  theta: Float64Array;
  /** where they came from: "Theta1, Theta2 from ex4weights.mat" */
  source: string;
  /** The network a model file records (a .mat holds only the weights). */
  activations?: Activations;
  /** The dtype a model file records. */
  dtype?: Dtype;
  /** The model file itself (which records what it was trained on); undefined for .mat weights. */
  model?: Model;
}

/** A model file named by a flag (--model …): its errors say the flag and the file. */
export function readModel(path: string, option = '--model'): Model {
  try {
    return loadModel(path);
  } catch (err) {
    throw aboutFile(option, path, err);
  }
}

/**
 * Network weights from a MAT-file holding Theta1 … ThetaN (like the course's ex4weights.mat) or from a model
 * JSON file.
 */
export function readWeights(path: string, option = '--weights'): Weights {
  if (/\.json$/i.test(path)) {
    const model = readModel(path, option);
    return {
      layers: [...model.layers],
      theta: model.theta,
      source: `model ${path}`,
      model,
      ...(model.activations ? { activations: model.activations } : {}),
      ...(model.dtype ? { dtype: model.dtype } : {}),
    };
  }
  if (!/\.mat$/i.test(path)) throw new UsageError(`${option}: expected a .mat file with Theta1, Theta2, … or a model .json, got ${JSON.stringify(path)}`);
  let mat: ReturnType<typeof readMatFile>;
  try {
    mat = readMatFile(path);
  } catch (err) {
    throw aboutFile(option, path, err);
  }
  const numbered = [...mat.variables.values()]
    .flatMap((v) => (/^Theta\d+$/.test(v.name) ? [{ v, n: Number(v.name.slice('Theta'.length)) }] : []))
    .sort((a, b) => a.n - b.n);
  if (numbered.length === 0) {
    const names = [...mat.variables.keys()];
    throw new ShapeError(`${option} ${path}: no Theta1, Theta2, … variables (it has ${names.length ? names.join(', ') : 'no numeric variables'})`);
  }
  const thetas: Matrix[] = numbered.map(({ v, n }, i) => {
    if (n !== i + 1) throw new ShapeError(`${option} ${path}: Theta${i + 1} is missing (found Theta${n})`);
    if (!v.matrix) throw new ShapeError(`${option} ${path}: Theta${n} is ${v.class} [${v.dims.join('x')}], expected a 2-D numeric matrix`);
    return v.matrix;
  });
  let layers: number[];
  let theta: Float64Array;
  try {
    layers = layersOf(thetas);
    theta = serialize(...thetas); // Θ(k+1)'s columns must be Θk's rows + 1
  } catch (err) {
    throw aboutFile(option, path, err);
  }
  return { layers, theta, source: `${numbered.map(({ n }) => `Theta${n}`).join(', ')} from ${path}` };
}

/**
 * The seed's class names for K output units: label k is column k − 1, named "k", and with 10 units the course's
 * digits, where label 10 is the digit 0 ("1" … "9", "0").
 */
export function seedClassNames(K: number): string[] {
  return K === 10 ? [...DIGIT_LABEL_NAMES] : Array.from({ length: K }, (_, k) => String(k + 1));
}

/**
 * The model `evaluate` and `predict` use: a model file written by `backprop train`, or a MAT-file of Theta1 …
 * ThetaN (like the course's ex4weights.mat) read as `cost --weights` reads it — the seed's network, sigmoid
 * everywhere, float64, with the seed's class names ({@link seedClassNames}) and no training record. A square number
 * of inputs is a picture laid out column by column, as MATLAB lays out the course's digits.
 */
export function loadModelFile(path: string, option = '--model'): Model {
  return /\.mat$/i.test(path) ? modelOf(readWeights(path, option)) : readModel(path, option);
}

/**
 * The model weights stand for: a model file's own, or for MAT-file weights the seed's network with the seed's class
 * names; a square number of inputs is a picture laid out column by column, as MATLAB lays out the course's digits.
 */
export function modelOf(w: Weights): Model {
  if (w.model) return w.model;
  const inputShape = squareShape(w.layers[0], 'column-major');
  return { layers: w.layers, theta: w.theta, labelNames: seedClassNames(w.layers[w.layers.length - 1]), ...(inputShape ? { inputShape } : {}) };
}

/**
 * The data weights that record no data set are scored on when --data is not given: .mat weights in cost, evaluate
 * and predict (the course's ex4weights.mat fits the course's digits), and in cost a model saved without its training.
 */
export const MAT_DEFAULT_DATA = 'builtin:digits5000';

/** `untrained` for {@link loadDataFor}: MAT_DEFAULT_DATA for .mat weights, nothing for a model file. */
export function defaultDataForWeights(path: string): string | undefined {
  return /\.mat$/i.test(path) ? MAT_DEFAULT_DATA : undefined;
}

export const MODEL_HELP =
  'model file written by `backprop train`, or a MAT-file of Theta1, Theta2, … (like the course’s ex4weights.mat: ' +
  'a sigmoid network; with 10 outputs label 10 is the digit 0)';
