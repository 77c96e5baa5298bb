import { resolve } from 'node:path';
import { hiddenLayerGrid, grayToPng, writeFileAtomic, type InputShape } from '@backprop/nn';
import { loadModelFile, MODEL_HELP } from '../weights.js';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { checkOutputs } from '../paths.js';
import * as parse from '../parse.js';
import { UsageError } from '../usage.js';

interface VisualizeFlags extends CommonOptions {
  model: string;
  out: string;
  cell: string;
  pad: string;
  shape?: string;
}

/** "20x20" or "20x20:column-major" / "28x28:row-major": positive sides, and (given `values`) W·H pixels = that many values. */
export function parseShape(raw: string, values?: { count: number; of: string }): InputShape {
  const m = /^(\d+)x(\d+)(?::(column-major|row-major))?$/.exec(raw.trim());
  const width = Number(m?.[1]);
  const height = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(width) || !Number.isSafeInteger(height) || width < 1 || height < 1) {
    throw new UsageError(`--shape: expected WIDTHxHEIGHT[:column-major|row-major] with positive whole numbers, e.g. 20x20:column-major, got ${JSON.stringify(raw)}`);
  }
  if (values && width * height !== values.count) {
    throw new UsageError(`--shape ${width}x${height}: that is ${width * height} pixels, but ${values.of} has ${values.count} values`);
  }
  return { width, height, order: (m[3] as InputShape['order']) ?? 'row-major' };
}

export function visualizeCommand() {
  return defineCommand<VisualizeFlags>(
    'visualize',
    {
      summary: 'draw the hidden layer (the seed’s plot_hidden_layer) to a PNG',
      description:
        'Draw the first hidden layer as the seed’s plot_hidden_layer does: each unit’s input weights as a picture, ' +
          'dark = large weight (gray_r), in a near-square grid (5x5 for 25 units).',
    },
    (cmd) =>
      cmd
        .requiredOption('--model <file>', MODEL_HELP)
        .requiredOption('--out <file.png>', 'where to write the PNG')
        .option('--cell <n>', 'pixels per weight', '8')
        .option('--pad <n>', 'separator width in pixels', '2')
        .option('--shape <WxH[:order]>', 'input picture shape when the model does not record one')
        .addHelpText('after', examples(['backprop visualize --model model.json --out hidden.png', 'backprop visualize --model ex4weights.mat --out hidden.png'])),
    (flags, out) => {
      const model = loadModelFile(flags.model);
      const cell = parse.integer('--cell', flags.cell, { min: 1, max: 64 });
      const pad = parse.integer('--pad', flags.pad, { min: 0, max: 64 });
      const grid = hiddenLayerGrid(model, { cell, pad, inputShape: flags.shape ? parseShape(flags.shape, { count: model.layers[0], of: 'each input of the model' }) : undefined });
      checkOutputs({ out: flags.out });
      writeFileAtomic(flags.out, grayToPng(grid));
      out.say(`wrote ${flags.out} (${grid.width}x${grid.height}: ${model.layers[1]} hidden units)`);
      out.result({ out: resolve(flags.out), width: grid.width, height: grid.height, units: model.layers[1] });
    },
  );
}
