import { resolve } from 'node:path';
import { loadModel, modelThetas, writeMatFile } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { checkOutputs } from '../paths.js';

interface ExportFlags extends CommonOptions {
  model: string;
  out: string;
}

export function exportCommand() {
  return defineCommand<ExportFlags>(
    'export',
    {
      summary: 'write a model’s Theta1..ThetaN to a MAT-file',
      description:
        'Write a model’s weights as Theta1 … ThetaN to a MAT-file (Level 5) that MATLAB, Octave and scipy.io.loadmat read.',
    },
    (cmd) =>
      cmd
        .requiredOption('--model <file>', 'model file written by `backprop train`')
        .requiredOption('--out <file.mat>', 'where to write the MAT-file')
        .addHelpText('after', examples(['backprop export --model model.json --out weights.mat', "python3 -c \"import scipy.io; print(scipy.io.loadmat('weights.mat')['Theta1'].shape)\""])),
    (flags, out) => {
      checkOutputs({ out: flags.out });
      const model = loadModel(flags.model);
      const thetas = modelThetas(model);
      writeMatFile(flags.out, thetas);
      const variables = Object.entries(thetas).map(([name, T]) => ({ name, rows: T.rows, cols: T.cols }));
      out.say(`wrote ${flags.out}: ${variables.map((v) => `${v.name} ${v.rows}x${v.cols}`).join(', ')}`);
      out.result({ out: resolve(flags.out), variables });
    },
  );
}
