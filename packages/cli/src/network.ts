import {
  DEFAULT_LEAKY_SLOPE,
  DTYPES,
  HIDDEN_ACTIVATIONS,
  layerSchemes,
  OUTPUT_ACTIVATIONS,
  SEED,
  type Activations,
  type HiddenActivation,
  type InitScheme,
  type LayerSizes,
} from '@backprop/nn';
import type { Command } from 'commander';
import * as parse from './parse.js';
import { count } from './plural.js';
import { UsageError } from './usage.js';

/** The network's flags as commander leaves them (train and sweep take the same ones). */
export interface NetworkFlags {
  activation: string;
  output: string;
  leakySlope: string;
  dtype: string;
  init?: string;
}

/** What --dtype means, for every command that takes it. */
export const DTYPE_HELP = `what the network computes in: ${DTYPES.join(' (the seed’s) or ')} (float32 compute, float64 optimiser state)`;

/** The schemes a user names; `auto` (follow the activations) is what no --init means. */
const INIT_CHOICES = ['he', 'glorot', 'seed'] as const;

/** What sweep's --dtype means: a grid axis, said as its other axes say it. */
const DTYPE_AXIS_HELP = `dtype choices, comma-separated: ${DTYPES.join(' (the seed’s), ')} (float32 compute, float64 optimiser state)`;

/**
 * Declares --activation, --output, --leaky-slope, --dtype and (unless `init` is false: a command that draws no
 * weights) --init; the names are @backprop/nn's lists, the defaults its SEED's. With `axes` (sweep), --activation and
 * --dtype are grid axes, comma lists of choices, and their help says so as sweep's --lambda and --hidden do.
 */
export function networkOptions(cmd: Command, { init = true, axes = false } = {}): Command {
  const activation = axes
    ? `hidden activation choices, comma-separated: ${HIDDEN_ACTIVATIONS.join(', ')}; one network’s per-layer list joined by + (relu+tanh)`
    : `hidden activation, one for every layer or one per layer: ${HIDDEN_ACTIVATIONS.join(', ')}`;
  cmd
    .option('--activation <list>', activation, 'sigmoid')
    .option('--output <name>', `output layer: ${OUTPUT_ACTIVATIONS.join(' (one-vs-all, the seed’s) or ')} (categorical cross-entropy)`, 'sigmoid')
    .option('--leaky-slope <α>', 'leaky_relu’s slope α, 0 < α < 1', String(DEFAULT_LEAKY_SLOPE))
    .option(axes ? '--dtype <list>' : '--dtype <type>', axes ? DTYPE_AXIS_HELP : DTYPE_HELP, SEED.dtype);
  if (!init) return cmd;
  return cmd.option('--init <scheme>', `initial weights: ${INIT_CHOICES.join(', ')} (default: seed for an all-sigmoid network, else he for relu layers and glorot for the others)`);
}

/** "relu" → every hidden layer relu; "relu,tanh" → one per layer (as many as --hidden has). */
export function activationList(raw: string, hiddenLayers: number, name = '--activation'): HiddenActivation[] {
  const list = raw.split(',').map((s) => parse.choice(name, s.trim(), HIDDEN_ACTIVATIONS));
  if (list.length === 1) return Array.from({ length: hiddenLayers }, () => list[0]);
  if (list.length !== hiddenLayers) throw activationCountError(name, raw, list.length, hiddenLayers);
  return list;
}

/** A per-layer activation list of the wrong length (train's "relu,tanh", sweep's "relu+tanh"), said plainly. */
export function activationCountError(name: string, raw: string, got: number, hiddenLayers: number, hidden = ''): UsageError {
  return new UsageError(
    `${name}: expected ${count(hiddenLayers, 'name')} (one per hidden layer${hidden}) or one name for all, got ${got} in ${JSON.stringify(raw)}`,
  );
}

/** --leaky-slope: leaky_relu's slope α, strictly between 0 and 1. */
export function leakySlopeOf(raw: string): number {
  const value = raw.trim() === '' ? NaN : Number(raw);
  if (!(value > 0 && value < 1)) throw new UsageError(`--leaky-slope: expected a number between 0 and 1 (exclusive), got ${JSON.stringify(raw)}`);
  return value;
}

/**
 * Warnings for network flags given on the command line that change none of `networks` (a sweep has several):
 * --leaky-slope without a leaky_relu layer, --init-range (the seed scheme's range) when no layer is drawn by it.
 */
export function idleNetworkFlags(
  command: Command,
  networks: readonly { layers: LayerSizes; activations: Activations }[],
  init: InitScheme,
): string[] {
  const given = (key: string): boolean => {
    const source = command.getOptionValueSource(key);
    return source !== undefined && source !== 'default';
  };
  const warnings: string[] = [];
  if (given('leakySlope') && !networks.some((n) => n.activations.hidden.includes('leaky_relu'))) {
    warnings.push('--leaky-slope has no effect: no hidden layer is leaky_relu');
  }
  if (given('initRange') && !networks.some((n) => layerSchemes(n.layers, init, n.activations).includes('seed'))) {
    const drawn = init === 'auto' ? 'he/glorot, as --init defaults to for these activations' : `--init ${init}`;
    warnings.push(`--init-range has no effect: it is the range of --init seed, and these weights are drawn by ${drawn}`);
  }
  return warnings;
}

/** The parsed, checked network settings for `hiddenLayers` hidden layers. */
export function activationSettings(f: NetworkFlags, hiddenLayers: number) {
  const leakySlope = leakySlopeOf(f.leakySlope);
  return {
    activation: activationList(f.activation, hiddenLayers),
    output: parse.choice('--output', f.output, OUTPUT_ACTIVATIONS),
    leakySlope,
    dtype: parse.choice('--dtype', f.dtype, DTYPES),
    init: (f.init === undefined ? 'auto' : parse.choice('--init', f.init, INIT_CHOICES)) as InitScheme,
  };
}

/** How a model's initial weights were drawn, for a report: "uniform in ±0.5", "he", "he,glorot". */
export function initSummary(scheme: string | undefined, range: number): string {
  return scheme === undefined || scheme === 'uniform' ? `uniform in ±${range}` : `${scheme} (uniform, biases 0)`;
}

/** A model's recorded scheme in --init's words: models record the seed scheme as `uniform` (per layer: "uniform,he"). */
export function initFlagName(scheme: string | undefined): string | undefined {
  return scheme?.split(',').map((l) => (l === 'uniform' ? 'seed' : l)).join(',');
}
