import { ShapeError } from '../errors.js';

/**
 * A fully-connected sigmoid network is described by its layer sizes, input first: `[400, 25, 10]` is the course's
 * ex4 network. Θ_l (l = 1..L-1) has `layers[l] × (layers[l-1] + 1)` entries; column 0 holds the bias weights.
 */
export type LayerSizes = readonly number[];

/** Throws ShapeError unless `layers` has ≥ 2 positive integer sizes. Returns it for chaining. */
export function checkLayers(layers: LayerSizes, name = 'layers'): LayerSizes {
  if (!Array.isArray(layers) || layers.length < 2) {
    throw new ShapeError(`${name}: expected at least 2 layer sizes (input, …, output), got ${JSON.stringify(layers)}`);
  }
  layers.forEach((s, i) => {
    if (!Number.isSafeInteger(s) || s < 1) {
      throw new ShapeError(`${name}[${i}]: expected a positive integer layer size, got ${String(s)}`);
    }
  });
  return layers;
}

/** Shape [rows, cols] of each Θ_l. */
export function thetaShapes(layers: LayerSizes): [number, number][] {
  checkLayers(layers);
  const shapes: [number, number][] = [];
  for (let l = 1; l < layers.length; l++) shapes.push([layers[l], layers[l - 1] + 1]);
  return shapes;
}

/** Offset of each Θ_l in the flat parameter vector (the seed's order: Θ1 row-major, then Θ2, …). */
export function thetaOffsets(layers: LayerSizes): number[] {
  const offsets: number[] = [];
  let off = 0;
  for (const [r, c] of thetaShapes(layers)) {
    offsets.push(off);
    off += r * c;
  }
  return offsets;
}

/** Length of the flat parameter vector: Σ layers[l]·(layers[l-1]+1). 10285 for [400, 25, 10]. */
export function parameterCount(layers: LayerSizes): number {
  return thetaShapes(layers).reduce((n, [r, c]) => n + r * c, 0);
}

/** Throws ShapeError unless theta is a finite Float64Array of the right length for `layers`. */
export function checkTheta(theta: Float64Array, layers: LayerSizes, name = 'theta'): void {
  const n = parameterCount(layers);
  if (!(theta instanceof Float64Array)) {
    throw new ShapeError(`${name}: expected Float64Array of length ${n}, got ${describe(theta)}`);
  }
  if (theta.length !== n) {
    throw new ShapeError(
      `${name}: expected length ${n} for layers [${layers.join(', ')}], got length ${theta.length}`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(theta[i])) throw new ShapeError(`${name}[${i}] is ${theta[i]}: parameters must be finite`);
  }
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} of length ${(v as unknown as { length: number }).length}`;
  if (Array.isArray(v)) return `Array of length ${v.length}`;
  return typeof v;
}
