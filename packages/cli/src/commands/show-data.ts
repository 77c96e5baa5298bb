import { resolve } from 'node:path';
import { displayDataGrid, displayDataRows, grayToPng, writeFileAtomic } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { DATA_HELP, loadData } from '../dataset.js';
import * as parse from '../parse.js';
import { checkOutputs } from '../paths.js';
import { parseShape } from './visualize.js';
import { UsageError } from '../usage.js';
import { count as counted } from '../plural.js';

interface ShowDataFlags extends CommonOptions {
  data: string;
  out: string;
  count: string;
  seed: string;
  cell: string;
  shape?: string;
}

export function showDataCommand() {
  return defineCommand<ShowDataFlags>(
    'show-data',
    {
      summary: 'a grid of examples as pictures (the course’s displayData)',
      description:
        'The course’s displayData: a grid of randomly chosen examples (10x10 by default) as pictures.',
    },
    (cmd) =>
      cmd
        .option('--data <spec>', DATA_HELP, 'builtin:digits5000')
        .requiredOption('--out <file.png>', 'where to write the PNG')
        .option('--count <n>', 'how many examples', '100')
        .option('--seed <n>', 'seed for choosing them', '0')
        .option('--cell <n>', 'pixels per input pixel', '4')
        .option('--shape <WxH[:order]>', 'picture shape of a row when the data does not record one')
        .addHelpText('after', examples(['backprop show-data --out samples.png', 'backprop show-data --data builtin:mnist --count 64 --out mnist.png'])),
    (flags, out) => {
      const count = parse.integer('--count', flags.count, { min: 1, max: 10000 });
      const seed = parse.integer('--seed', flags.seed, { min: 0, max: Number.MAX_SAFE_INTEGER });
      const cell = parse.integer('--cell', flags.cell, { min: 1, max: 64 });
      checkOutputs({ out: flags.out });
      const ds = loadData(flags.data, '--data', flags);
      const shape = flags.shape ? parseShape(flags.shape, { count: ds.X.cols, of: `each row of ${ds.name}` }) : ds.imageShape;
      if (!shape) throw new UsageError(`${ds.name} does not say how its ${ds.X.cols} columns form a picture: pass --shape WxH[:order]`);
      const rows = displayDataRows(ds.X.rows, { count, seed });
      const grid = displayDataGrid(ds.X, shape, { rows, cell });
      writeFileAtomic(flags.out, grayToPng(grid));
      const examples = rows.length === 1 ? `row ${rows[0]}` : counted(rows.length, 'example');
      out.say(`wrote ${flags.out} (${examples} of ${ds.name}, ${grid.width}x${grid.height})`);
      out.result({ out: resolve(flags.out), count: rows.length, rows, data: ds.name, width: grid.width, height: grid.height });
    },
  );
}
