import { InvalidArgumentError } from '../errors.js';
import { Rng } from '../random.js';
import { parameterCount, type LayerSizes } from './layers.js';

export interface InitOptions {
  /** Half-width ε of the uniform interval (−ε, ε). The seed uses 0.5, the course 0.12. Default 0.12. */
  range?: number;
  /** 'glorot' picks ε_l = √6 / √(s_l + s_{l+1}) per layer (the course's suggested formula). */
  scheme?: 'uniform' | 'glorot';
  seed?: number;
}

/**
 * Seeded random initialisation of all parameters (biases included, as the seed does with
 * `np.random.uniform(-0.5, 0.5, 10285)`): uniform in (−range, range).
 */
export function randomInit(layers: LayerSizes, options: InitOptions = {}): Float64Array {
  const { range = 0.12, scheme = 'uniform', seed = 0 } = options;
  if (!(range > 0) || !Number.isFinite(range)) {
    throw new InvalidArgumentError(`range: expected a positive finite number, got ${range}`);
  }
  const rng = new Rng(seed);
  const theta = new Float64Array(parameterCount(layers));
  let off = 0;
  for (let l = 1; l < layers.length; l++) {
    const count = layers[l] * (layers[l - 1] + 1);
    const eps = scheme === 'glorot' ? Math.sqrt(6) / Math.sqrt(layers[l - 1] + layers[l]) : range;
    for (let i = 0; i < count; i++) theta[off + i] = rng.uniform(-eps, eps);
    off += count;
  }
  return theta;
}
