import { ShapeError } from '../errors.js';
import type { Matrix } from '../matrix.js';
import { checkLayers, thetaShapes, type LayerSizes } from './layers.js';

/** The seed's `serialize`: each Θ flattened row-major, Θ1 first, into one parameter vector. */
export function serialize(...thetas: Matrix[]): Float64Array {
  const n = thetas.reduce((s, t) => s + t.rows * t.cols, 0);
  const out = new Float64Array(n);
  let off = 0;
  thetas.forEach((t, i) => {
    if (i > 0 && t.cols !== thetas[i - 1].rows + 1) {
      throw new ShapeError(
        `Theta${i + 1} has ${t.cols} columns but Theta${i} has ${thetas[i - 1].rows} rows: expected ${thetas[i - 1].rows + 1} columns (bias + previous layer)`,
      );
    }
    out.set(t.data, off);
    off += t.data.length;
  });
  return out;
}

/** The seed's `deserialize`: the flat vector back into Θ1 … Θ(L-1) (copies). */
export function deserialize(theta: Float64Array, layers: LayerSizes): Matrix[] {
  checkLayers(layers);
  const shapes = thetaShapes(layers);
  const n = shapes.reduce((s, [r, c]) => s + r * c, 0);
  if (theta.length !== n) {
    throw new ShapeError(`theta: expected length ${n} for layers [${layers.join(', ')}], got ${theta.length}`);
  }
  let off = 0;
  return shapes.map(([rows, cols]) => {
    const data = theta.slice(off, off + rows * cols);
    off += rows * cols;
    return { rows, cols, data };
  });
}

/** Layer sizes implied by a list of Θ matrices. */
export function layersOf(thetas: Matrix[]): number[] {
  if (thetas.length === 0) throw new ShapeError('need at least one Theta matrix');
  return [thetas[0].cols - 1, ...thetas.map((t) => t.rows)];
}
