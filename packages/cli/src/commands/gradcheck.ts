import { describeNetwork, GRADCHECK, GRADCHECK_MAX_WORK, gradientCheck, type Activations } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { activationSettings, networkOptions, type NetworkFlags } from '../network.js';
import * as parse from '../parse.js';
import { EXIT_FAILURE } from '../usage.js';

interface GradcheckFlags extends CommonOptions, NetworkFlags {
  lambda: string;
  backend: string;
  layers: string;
  m: string;
}

export function gradcheckCommand() {
  return defineCommand<GradcheckFlags>(
    'gradcheck',
    {
      summary: 'the course’s checkNNGradients',
      description:
        'The course’s checkNNGradients: back-propagation gradients of a small debug network against central ' +
          `finite differences (ε = ${GRADCHECK.float64.step}), for the seed’s network or the one --activation, --output and --leaky-slope ` +
          `name. Passes when the relative difference is below ${GRADCHECK.float64.tolerance}; with --dtype float32, ` +
          `ε = ${GRADCHECK.float32.step} and the bar is ${GRADCHECK.float32.tolerance} (float32 rounding). (relu/leaky_relu: the default debug ` +
          'network keeps every weighted sum well away from the kink at 0; other --layers may not.) Every parameter is checked, so the work grows with the square of the parameter count: ' +
          `a check of more than ${GRADCHECK_MAX_WORK.toExponential(0)} multiply-adds (2 evaluations per parameter, each about parameters × (m + 1); ` +
          'about 10 s, e.g. 100,100,10 with m = 5) is refused before it starts — use smaller --layers or --m.',
    },
    (cmd) =>
      networkOptions(cmd, { init: false })
        .option('--lambda <λ>', 'regularisation strength λ ≥ 0', '0')
        .option('--backend <name>', 'auto, native or ts', 'auto')
        .option('--layers <sizes>', 'debug network layer sizes', '3,5,3')
        .option('--m <n>', 'number of debug examples', '5')
        .addHelpText('after', examples(['backprop gradcheck', 'backprop gradcheck --lambda 3 --backend ts', 'backprop gradcheck --activation relu --output softmax', 'backprop gradcheck --dtype float32'])),
    (flags, out) => {
      const lambda = parse.number('--lambda', flags.lambda, { min: 0 });
      const backend = parse.choice('--backend', flags.backend, ['auto', 'native', 'ts'] as const);
      const layers = parse.layerSizes('--layers', flags.layers, ',', 1);
      const m = parse.integer('--m', flags.m, { min: 1, max: 10000 });
      const s = activationSettings(flags, layers.length - 2);
      const activations: Activations = { hidden: s.activation, output: s.output, leakySlope: s.leakySlope };
      const r = gradientCheck({ lambda, backend, layers, m, activations, dtype: s.dtype });
      const architecture = describeNetwork(layers, activations, s.dtype);
      const TOLERANCE = GRADCHECK[s.dtype].tolerance;
      const passed = r.relativeDifference < TOLERANCE;
      if (out.verbose) {
        out.say('   numeric      analytic');
        for (let i = 0; i < r.numeric.length; i++) out.say(`${r.numeric[i].toFixed(8).padStart(12)}  ${r.analytic[i].toFixed(8).padStart(12)}`);
      }
      out.say(
        `relative difference ${r.relativeDifference.toExponential(3)} (network ${architecture}, m = ${m}, λ = ${lambda}): ` +
          (passed ? `PASS (< ${TOLERANCE})` : `FAIL (should be < ${TOLERANCE})`),
      );
      out.result({
        relativeDifference: r.relativeDifference, passed, tolerance: TOLERANCE, step: r.step, dtype: s.dtype, lambda, layers, architecture, activations, m,
        parameters: r.numeric.length,
      });
      return passed ? 0 : EXIT_FAILURE;
    },
  );
}
