import { DEFAULT_LEAKY_SLOPE, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, type HiddenActivation, type InitScheme } from '@backprop/nn';
import type { Command } from 'commander';
import * as parse from './parse.js';
import { UsageError } from './usage.js';

/** The network's flags as commander leaves them (train and sweep take the same ones). */
export interface NetworkFlags {
  activation: string;
  output: string;
  leakySlope: string;
  init?: string;
}

/** The schemes a user names; `auto` (follow the activations) is what no --init means. */
const INIT_CHOICES = ['he', 'glorot', 'seed'] as const;

/**
 * Declares --activation, --output, --leaky-slope and (unless `init` is false: a command that draws no weights)
 * --init; the names are @backprop/nn's lists.
 */
export function networkOptions(cmd: Command, { init = true } = {}): Command {
  cmd
    .option('--activation <list>', `hidden activation, one for every layer or one per layer: ${HIDDEN_ACTIVATIONS.join(', ')}`, 'sigmoid')
    .option('--output <name>', `output layer: ${OUTPUT_ACTIVATIONS.join(' (one-vs-all, the seed’s) or ')} (categorical cross-entropy)`, 'sigmoid')
    .option('--leaky-slope <α>', 'leaky_relu’s slope α, 0 < α < 1', String(DEFAULT_LEAKY_SLOPE));
  if (!init) return cmd;
  return cmd.option('--init <scheme>', `initial weights: ${INIT_CHOICES.join(', ')} (default: seed for an all-sigmoid network, else he for relu layers and glorot for the others)`);
}

/** "relu" → every hidden layer relu; "relu,tanh" → one per layer (as many as --hidden has). */
export function activationList(raw: string, hiddenLayers: number, name = '--activation'): HiddenActivation[] {
  const list = raw.split(',').map((s) => parse.choice(name, s.trim(), HIDDEN_ACTIVATIONS));
  if (list.length === 1) return Array.from({ length: hiddenLayers }, () => list[0]);
  if (list.length !== hiddenLayers) {
    throw new UsageError(`${name}: expected 1 activation or ${hiddenLayers} (one per hidden layer), got ${list.length} in ${JSON.stringify(raw)}`);
  }
  return list;
}

/** The parsed, checked network settings for `hiddenLayers` hidden layers. */
export function activationSettings(f: NetworkFlags, hiddenLayers: number) {
  const leakySlope = parse.number('--leaky-slope', f.leakySlope, { above: 0 });
  if (!(leakySlope < 1)) throw new UsageError(`--leaky-slope: expected a number > 0 and < 1, got ${JSON.stringify(f.leakySlope)}`);
  return {
    activation: activationList(f.activation, hiddenLayers),
    output: parse.choice('--output', f.output, OUTPUT_ACTIVATIONS),
    leakySlope,
    init: (f.init === undefined ? 'auto' : parse.choice('--init', f.init, INIT_CHOICES)) as InitScheme,
  };
}

/** How a model's initial weights were drawn, for a report: "uniform in ±0.5", "he", "he,glorot". */
export function initSummary(scheme: string | undefined, range: number): string {
  return scheme === undefined || scheme === 'uniform' ? `uniform in ±${range}` : `${scheme} (uniform, biases 0)`;
}
