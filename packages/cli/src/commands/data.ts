import { resolve } from 'node:path';
import { Command } from 'commander';
import { readIdxFile, readMatFile, writeMatFile, type Dataset } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { BUILTINS, loadData } from '../dataset.js';
import type { Output } from '../output.js';
import { UsageError } from '../usage.js';

interface ExportFlags extends CommonOptions {
  name: string;
  out: string;
  compress?: boolean;
}

function summary(ds: Dataset): Record<string, unknown> {
  const counts = new Array<number>(ds.K).fill(0);
  for (const label of ds.y) counts[label - 1]++;
  return {
    name: ds.name,
    examples: ds.X.rows,
    features: ds.X.cols,
    classes: ds.K,
    labels: ds.labelNames.map((name, k) => ({ label: k + 1, name, count: counts[k] })),
    imageShape: ds.imageShape ?? null,
    checksum: ds.checksum,
  };
}

function sayDataset(out: Output, s: Record<string, unknown>): void {
  const shape = s.imageShape as Dataset['imageShape'] | null;
  out.say(`${s.examples} examples × ${s.features} features, ${s.classes} classes${shape ? `, pictures ${shape.width}x${shape.height} ${shape.order}` : ''}`);
  const labels = s.labels as { label: number; name: string; count: number }[];
  out.say(`labels: ${labels.map((l) => `${l.label}${l.name !== String(l.label) ? ` ("${l.name}")` : ''}: ${l.count}`).join(', ')}`);
  out.say(`checksum sha256 ${s.checksum}`);
}

function exportCommand(): Command {
  return defineCommand<ExportFlags>(
    'export',
    {
      summary: 'write a data set to a MAT-file as X and y (like ex4data1.mat)',
      description:
        'Write a data set to a MAT-file as X (m×n) and y (m×1), the layout of the course’s ex4data1.mat.',
    },
    (cmd) =>
      cmd
        .requiredOption('--name <name>', `built-in data set: ${BUILTINS.join(', ')} (or a .mat/.csv file to convert)`)
        .requiredOption('--out <file.mat>', 'where to write')
        .option('--compress', 'compress each variable (miCOMPRESSED)')
        .addHelpText('after', examples(['backprop data export --name digits5000 --out ex4data.mat'])),
    (flags, out) => {
      const ds = loadData(flags.name, '--name');
      const y = { rows: ds.y.length, cols: 1, data: Float64Array.from(ds.y) };
      writeMatFile(flags.out, { X: ds.X, y }, { compress: Boolean(flags.compress) });
      out.say(`wrote ${flags.out}: X ${ds.X.rows}x${ds.X.cols}, y ${y.rows}x1 (labels 1..${ds.K}) from ${ds.name}`);
      out.result({ out: resolve(flags.out), X: [ds.X.rows, ds.X.cols], y: [y.rows, 1], data: ds.name, checksum: ds.checksum });
    },
  );
}

function infoCommand(): Command {
  return defineCommand<CommonOptions>(
    'info',
    'Describe a data file: a MAT-file’s variables (class, shape, and what was skipped and why), an IDX file’s type ' +
      'and dimensions, a CSV’s examples and labels, or a built-in set (builtin:NAME).',
    (cmd) =>
      cmd
        .argument('<file>', 'a .mat, .csv, IDX file (e.g. train-images-idx3-ubyte[.gz]) or builtin:NAME')
        .addHelpText('after', examples(['backprop data info ex4weights.mat', 'backprop data info builtin:digits5000 --json'])),
    (_flags, out, cmd) => {
      const file = cmd.args[0];
      if (file.startsWith('builtin:') || /\.csv$/i.test(file)) {
        const s = summary(loadData(file, 'FILE'));
        out.say(`${file}: ${file.startsWith('builtin:') ? 'built-in data set' : 'CSV'}`);
        sayDataset(out, s);
        out.result({ file, kind: file.startsWith('builtin:') ? 'builtin' : 'csv', dataset: s });
        return;
      }
      if (/\.mat$/i.test(file)) {
        const mat = readMatFile(file);
        const variables = [...mat.variables.values()].map((v) => ({
          name: v.name,
          class: v.class,
          dims: v.dims,
          ...(v.text !== undefined ? { text: v.text.length > 60 ? `${v.text.slice(0, 57)}...` : v.text } : {}),
        }));
        out.say(`${file}: MAT-file ${mat.format === 'level5' ? 'Level 5 (v5–v7)' : 'Level 4'}, ${mat.endian === 'LE' ? 'little' : 'big'}-endian`);
        if (mat.header) out.say(`header: ${mat.header}`);
        for (const v of variables) out.say(`  ${v.name.padEnd(16)} ${v.class.padEnd(8)} ${v.dims.join('x')}${v.text !== undefined ? `  "${v.text}"` : ''}`);
        for (const s of mat.skipped) out.say(`  ${s.name.padEnd(16)} ${s.class.padEnd(8)} skipped: ${s.reason}`);
        let dataset: Record<string, unknown> | null = null;
        let usable: string;
        if (mat.variables.has('X') && mat.variables.has('y')) {
          try {
            dataset = summary(loadData(file, 'FILE'));
            usable = 'usable as --data';
          } catch (err) {
            usable = `has X and y but is not usable as --data: ${(err as Error).message}`;
          }
        } else {
          usable = 'not a data set (no X and y variables)';
        }
        out.say(usable);
        if (dataset) sayDataset(out, dataset);
        out.result({ file, kind: 'mat', format: mat.format, endian: mat.endian, header: mat.header ?? null, variables, skipped: mat.skipped, dataset });
        return;
      }
      if (/(idx\d?-ubyte|\.idx\d?)(\.gz)?$/i.test(file)) {
        const idx = readIdxFile(file);
        out.say(`${file}: IDX ${idx.type} [${idx.dims.join(' x ')}]`);
        out.result({ file, kind: 'idx', type: idx.type, dims: idx.dims });
        return;
      }
      throw new UsageError(`FILE: expected a .mat, .csv or IDX file, or builtin:NAME, got ${JSON.stringify(file)}`);
    },
  );
}

export function dataCommand(): Command {
  return new Command('data')
    .summary('export a data set to a MAT-file, or describe a data file')
    .description('Data files: export a built-in set to a MAT-file (X, y like ex4data1.mat), or describe a .mat, .csv or IDX file.')
    .addCommand(exportCommand())
    .addCommand(infoCommand());
}
