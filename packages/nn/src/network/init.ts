import { InvalidArgumentError } from '../errors.js';
import { checkSeed, Rng } from '../random.js';
import { checkActivations, isSeedNetwork, type Activations } from './activations.js';
import { parameterCount, type LayerSizes } from './layers.js';

/**
 * How initial weights are drawn:
 * - `seed`: every parameter, biases included, uniform in (−range, range) — the seed's
 *   `np.random.uniform(-0.5, 0.5, 10285)`. `uniform` is the same (its name in models written before issue 16).
 * - `glorot`: weights uniform in ±√(6 / (fan_in + fan_out)) per layer (Glorot & Bengio), biases 0: for sigmoid and
 *   tanh layers, and the output layer.
 * - `he`: weights uniform in ±√(6 / fan_in) (He et al., uniform form), biases 0: for relu and leaky_relu layers.
 * - `auto` (the default with `activations`): the seed's for the seed's network (sigmoid everywhere), so its results
 *   do not change; otherwise each layer's by the activation it feeds — he for relu/leaky_relu, glorot for the rest.
 */
export const INIT_SCHEMES = ['auto', 'seed', 'glorot', 'he', 'uniform'] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

export interface InitOptions {
  /** Half-width ε of the seed scheme's interval (−ε, ε). The seed uses 0.5, the course 0.12. Default 0.12. */
  range?: number;
  /** Default `auto`, which is `seed` unless `activations` say otherwise. */
  scheme?: InitScheme;
  seed?: number;
  /** The network's activations, which `auto` follows (absent: the seed's network). */
  activations?: Activations;
}

/** Throws InvalidArgumentError unless `scheme` is one of {@link INIT_SCHEMES}. */
export function checkInitScheme(scheme: unknown, name = 'init'): InitScheme {
  if (!(INIT_SCHEMES as readonly unknown[]).includes(scheme)) {
    throw new InvalidArgumentError(`${name}: expected one of ${INIT_SCHEMES.join(', ')}, got ${JSON.stringify(scheme)}`);
  }
  return scheme as InitScheme;
}

/** The scheme each layer l = 1..L−1 gets (`seed`, `glorot` or `he`): `auto` resolved against the activations. */
export function layerSchemes(layers: LayerSizes, scheme: InitScheme, activations?: Activations): ('seed' | 'glorot' | 'he')[] {
  const count = layers.length - 1;
  if (scheme === 'seed' || scheme === 'uniform' || (scheme === 'auto' && (!activations || isSeedNetwork(activations)))) {
    return Array.from({ length: count }, () => 'seed' as const);
  }
  if (scheme !== 'auto') return Array.from({ length: count }, () => scheme);
  return Array.from({ length: count }, (_, l) => {
    const f = l < count - 1 ? activations!.hidden[l] : 'output';
    return f === 'relu' || f === 'leaky_relu' ? 'he' : 'glorot';
  });
}

/**
 * Seeded random initialisation of all parameters. Layer by layer in θ's order, one draw per parameter of a
 * `seed` layer and per weight of a `glorot` or `he` layer (their biases are 0 and draw nothing).
 */
export function randomInit(layers: LayerSizes, options: InitOptions = {}): Float64Array {
  const { range = 0.12, seed = 0, activations } = options;
  const scheme = checkInitScheme(options.scheme ?? 'auto', 'scheme');
  if (!(range > 0) || !Number.isFinite(range)) {
    throw new InvalidArgumentError(`range: expected a positive finite number, got ${range}`);
  }
  if (activations !== undefined) checkActivations(activations, layers);
  const schemes = layerSchemes(layers, scheme, activations);
  const rng = new Rng(checkSeed(seed));
  const theta = new Float64Array(parameterCount(layers));
  let off = 0;
  for (let l = 1; l < layers.length; l++) {
    const s = layers[l - 1];
    const t = layers[l];
    const kind = schemes[l - 1];
    if (kind === 'seed') {
      for (let i = 0; i < t * (s + 1); i++) theta[off + i] = rng.uniform(-range, range);
    } else {
      const limit = kind === 'he' ? Math.sqrt(6 / s) : Math.sqrt(6 / (s + t));
      for (let j = 0; j < t; j++) for (let k = 1; k <= s; k++) theta[off + j * (s + 1) + k] = rng.uniform(-limit, limit);
    }
    off += t * (s + 1);
  }
  return theta;
}
