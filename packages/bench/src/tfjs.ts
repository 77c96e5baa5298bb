import type { LayerSizes, Matrix } from '@backprop/nn';
/**
 * TensorFlow.js (pure-JS `cpu` backend) computing the same regularised cost and gradient with automatic
 * differentiation (tf.valueAndGrads): the JS-ecosystem reference of row 1. tfjs computes in float32 only.
 * X (with its bias column) and the one-hot Y stay resident as tensors, as our networks keep their data; each
 * evaluation converts θ to tensors, differentiates, and reads the cost and gradient back.
 */

/** The slice of the tfjs API used here (loaded lazily by name: it is a devDependency, not a dependency). */
interface Tensor {
  dataSync(): Float32Array;
  dispose(): void;
}
interface Tf {
  version: { tfjs: string };
  setBackend(name: string): Promise<boolean>;
  ready(): Promise<void>;
  tidy<T>(fn: () => T): T;
  dispose(t: unknown): void;
  tensor2d(values: Float32Array, shape: [number, number]): Tensor;
  ones(shape: [number, number]): Tensor;
  valueAndGrads(f: (...args: Tensor[]) => Tensor): (args: Tensor[]) => { value: Tensor; grads: Tensor[] };
  matMul(a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor;
  sigmoid(x: Tensor): Tensor;
  concat(ts: Tensor[], axis: number): Tensor;
  log(x: Tensor): Tensor;
  mul(a: Tensor, b: Tensor | number): Tensor;
  add(a: Tensor, b: Tensor | number): Tensor;
  sub(a: Tensor | number, b: Tensor | number): Tensor;
  sum(x: Tensor): Tensor;
  square(x: Tensor): Tensor;
  slice(x: Tensor, begin: [number, number], size: [number, number]): Tensor;
}

export interface TfjsNetwork {
  version: string;
  /** J(θ) and its gradient (float32, in the flat parameter order). */
  costGradient(theta: Float64Array, lambda: number): { cost: number; grad: Float32Array };
  dispose(): void;
}

/** Runs `fn` with console.log/warn/info sent to `log` (tfjs greets Node users on stdout, which --json must keep clean). */
export async function quietly<T>(log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const saved = { log: console.log, warn: console.warn, info: console.info };
  const divert = (...args: unknown[]) => log(args.map(String).join(' ').trim());
  console.log = divert;
  console.warn = divert;
  console.info = divert;
  try {
    return await fn();
  } finally {
    Object.assign(console, saved);
  }
}

export async function loadTfjs(): Promise<Tf> {
  const tf = (await import('@tensorflow/tfjs')) as unknown as Tf;
  await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

export function tfjsNetwork(tf: Tf, layers: LayerSizes, X: Matrix, Y: Matrix): TfjsNetwork {
  const m = X.rows;
  const n = X.cols;
  const withBias = new Float32Array(m * (n + 1));
  for (let i = 0; i < m; i++) {
    withBias[i * (n + 1)] = 1;
    for (let j = 0; j < n; j++) withBias[i * (n + 1) + j + 1] = X.data[i * n + j];
  }
  const a1 = tf.tensor2d(withBias, [m, n + 1]);
  const targets = tf.tensor2d(Float32Array.from(Y.data), [m, Y.cols]);
  const ones = tf.ones([m, 1]);
  const shapes: [number, number][] = [];
  for (let l = 0; l + 1 < layers.length; l++) shapes.push([layers[l + 1], layers[l] + 1]);

  const objective = (lambda: number) => (...thetas: Tensor[]): Tensor => {
    let a = a1;
    thetas.forEach((T, l) => {
      const z = tf.matMul(a, T, false, true);
      a = l + 1 < thetas.length ? tf.concat([ones, tf.sigmoid(z)], 1) : tf.sigmoid(z);
    });
    const h = a;
    const loglik = tf.add(tf.mul(targets, tf.log(h)), tf.mul(tf.sub(1, targets), tf.log(tf.sub(1, h))));
    let J = tf.mul(tf.sum(loglik), -1 / m);
    thetas.forEach((T, l) => {
      const [r, c] = shapes[l];
      J = tf.add(J, tf.mul(tf.sum(tf.square(tf.slice(T, [0, 1], [r, c - 1]))), lambda / (2 * m)));
    });
    return J;
  };

  return {
    version: tf.version.tfjs,
    costGradient(theta, lambda) {
      const out = tf.tidy(() => {
        let off = 0;
        const thetas = shapes.map(([r, c]) => {
          const T = tf.tensor2d(Float32Array.from(theta.subarray(off, off + r * c)), [r, c]);
          off += r * c;
          return T;
        });
        const { value, grads } = tf.valueAndGrads(objective(lambda))(thetas);
        return [value, ...grads];
      });
      const cost = out[0].dataSync()[0];
      const grad = new Float32Array(theta.length);
      let off = 0;
      for (const g of out.slice(1)) {
        const values = g.dataSync();
        grad.set(values, off);
        off += values.length;
      }
      tf.dispose(out);
      return { cost, grad };
    },
    dispose() {
      tf.dispose([a1, targets, ones]);
    },
  };
}
