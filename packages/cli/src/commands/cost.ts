import { cost, describeNetwork, type Activations, type Dtype } from '@backprop/nn';
import type { Command } from 'commander';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { DATA_HELP, loadDataFor } from '../dataset.js';
import { checkFits } from '../evaluation.js';
import * as parse from '../parse.js';
import { activationSettings, networkOptions, type NetworkFlags } from '../network.js';
import { MAT_DEFAULT_DATA, modelOf, readWeights, type Weights } from '../weights.js';
import { count } from '../plural.js';
import { UsageError } from '../usage.js';

/** The network flags, by their names on the command line. */
const NETWORK_FLAGS = { activation: '--activation', output: '--output', leakySlope: '--leaky-slope', dtype: '--dtype' } as const;

/**
 * The network whose cost is computed: a model file's own (network flags would contradict it, so they are refused),
 * or, for .mat weights, the flags' (default the seed's).
 */
function networkOf(w: Weights, flags: NetworkFlags, command: Command): { activations: Activations; dtype: Dtype } {
  if (w.activations) {
    const given = Object.entries(NETWORK_FLAGS).find(([key]) => command.getOptionValueSource(key) === 'cli');
    if (given) throw new UsageError(`${given[1]}: ${w.source} records its network (${describeNetwork(w.layers, w.activations, w.dtype)}); network flags are for .mat weights`);
    return { activations: w.activations, dtype: w.dtype ?? 'float64' };
  }
  const s = activationSettings(flags, w.layers.length - 2);
  return { activations: { hidden: s.activation, output: s.output, leakySlope: s.leakySlope }, dtype: s.dtype };
}

interface CostFlags extends CommonOptions, NetworkFlags {
  data?: string;
  weights: string;
  lambda?: string;
  backend: string;
}

export function costCommand() {
  return defineCommand<CostFlags>(
    'cost',
    {
      summary: 'the cost J(Θ) of given weights (e.g. ex4weights.mat)',
      description:
        'The cost J(Θ) of given weights on a data set (λ = 0: the seed’s `cost`; λ > 0: `reg_cost`). With the course’s ' +
          'ex4data1.mat and ex4weights.mat it prints 0.287629 (λ = 0) and 0.383770 (λ = 1). A model file’s network is ' +
          'its own, without --lambda it is costed with the λ it was trained with, and without --data on the built-in set ' +
          'it was trained on (as `evaluate` does); .mat weights and a model without its training record take λ = 0; for .mat ' +
          'weights, --activation, --output, --leaky-slope and --dtype name the network (default the seed’s, sigmoid, float64). ' +
          `Weights that record no data set (.mat, or a model saved without its training) default to --data ${MAT_DEFAULT_DATA}.`,
    },
    (cmd) =>
      networkOptions(cmd, { init: false })
        .option('--data <spec>', `data to cost on (default: the built-in set a model file was trained on; ${MAT_DEFAULT_DATA} for weights that record none): ${DATA_HELP}`)
        .requiredOption('--weights <file>', 'a .mat with Theta1, Theta2, … (like ex4weights.mat) or a model .json')
        .option('--lambda <λ>', 'regularisation strength λ ≥ 0 (default: the λ a model file was trained with, else 0)')
        .option('--backend <name>', 'auto, native or ts', 'auto')
        .addHelpText(
          'after',
          examples([
            'backprop cost --data ex4data1.mat --weights ex4weights.mat --lambda 1',
            'backprop cost --weights ex4weights.mat --activation relu --output softmax',
            'backprop cost --data builtin:mnist --weights model.json',
          ]),
        ),
    (flags, out, command) => {
      const given = flags.lambda !== undefined ? parse.number('--lambda', flags.lambda, { min: 0 }) : undefined;
      const backend = parse.choice('--backend', flags.backend, ['auto', 'native', 'ts'] as const);
      const w = readWeights(flags.weights);
      // as evaluate: --lambda, else the λ the model was trained with, else 0 (.mat weights record none)
      const trained = w.model?.training?.lambda;
      const lambda = given ?? trained ?? 0;
      const lambdaFrom = given !== undefined ? '--lambda' : trained !== undefined ? 'model' : 'default';
      const ds = loadDataFor(modelOf(w), flags, { untrained: MAT_DEFAULT_DATA });
      const { activations, dtype } = networkOf(w, flags, command);
      checkFits({ layers: w.layers, theta: w.theta, labelNames: [] }, ds);
      const J = cost(w.theta, ds.X, ds.y, { layers: w.layers, lambda, backend, activations, dtype });
      const architecture = describeNetwork(w.layers, activations, dtype);
      out.say(`J(Θ) = ${J.toFixed(6)}  (λ = ${lambda}${lambdaFrom === 'model' ? ', from the model' : ''}, network ${architecture}, ${count(ds.X.rows, 'example')} of ${ds.name}, ${w.source})`);
      out.result({ cost: J, lambda, lambdaFrom, layers: w.layers, architecture, activations, dtype, m: ds.X.rows, data: ds.name, weights: flags.weights });
    },
  );
}
