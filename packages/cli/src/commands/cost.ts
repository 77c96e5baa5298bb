import { cost } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { DATA_HELP, loadData } from '../dataset.js';
import { checkFits } from '../evaluation.js';
import * as parse from '../parse.js';
import { readWeights } from '../weights.js';
import { count } from '../plural.js';

interface CostFlags extends CommonOptions {
  data: string;
  weights: string;
  lambda: string;
  backend: string;
}

export function costCommand() {
  return defineCommand<CostFlags>(
    'cost',
    {
      summary: 'the seed’s cost J(Θ) of given weights (e.g. ex4weights.mat)',
      description:
        'The seed’s cost J(Θ) of given weights on a data set (λ = 0: `cost`; λ > 0: `reg_cost`). With the course’s ' +
          'ex4data1.mat and ex4weights.mat it prints 0.287629 (λ = 0) and 0.383770 (λ = 1).',
    },
    (cmd) =>
      cmd
        .option('--data <spec>', DATA_HELP, 'builtin:digits5000')
        .requiredOption('--weights <file>', 'a .mat with Theta1, Theta2, … (like ex4weights.mat) or a model .json')
        .option('--lambda <λ>', 'regularisation strength λ ≥ 0', '0')
        .option('--backend <name>', 'auto, native or ts', 'auto')
        .addHelpText('after', examples(['backprop cost --data ex4data1.mat --weights ex4weights.mat --lambda 1'])),
    (flags, out) => {
      const lambda = parse.number('--lambda', flags.lambda, { min: 0 });
      const backend = parse.choice('--backend', flags.backend, ['auto', 'native', 'ts'] as const);
      const w = readWeights(flags.weights);
      const ds = loadData(flags.data, '--data', flags);
      checkFits({ layers: w.layers, theta: w.theta, labelNames: [] }, ds);
      const J = cost(w.theta, ds.X, ds.y, { layers: w.layers, lambda, backend });
      out.say(`J(Θ) = ${J.toFixed(6)}  (λ = ${lambda}, layers ${w.layers.join('-')}, ${count(ds.X.rows, 'example')} of ${ds.name}, ${w.source})`);
      out.result({ cost: J, lambda, layers: w.layers, m: ds.X.rows, data: ds.name, weights: flags.weights });
    },
  );
}
