import { basename, resolve } from 'node:path';
import { Command } from 'commander';
import { formatCsv, idxDims, idxLabelsCandidates, readIdxFile, readMatFile, withPixelOrder, writeFileAtomic, writeIdx, writeMatFile, type Dataset } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { checkOutputs } from '../paths.js';
import * as parse from '../parse.js';
import { addCsvOptions, DATA_HELP, loadData } from '../dataset.js';
import { aboutFile } from '../error-message.js';
import type { Output } from '../output.js';
import { terminalSafe } from '../terminal.js';
import { UsageError } from '../usage.js';
import { count } from '../plural.js';

interface ExportFlags extends CommonOptions {
  data?: string;
  name?: string;
  out: string;
  format?: string;
  compress?: boolean;
}

const FORMATS = ['csv', 'mat', 'idx'] as const;
/** What `data export` writes when no --data is given: the course's set. */
const DEFAULT_EXPORT = 'digits5000';
type Format = (typeof FORMATS)[number];

/** MNIST's images file name, `…-images-idx3-ubyte` (or `.idx3-ubyte`), not compressed: data export writes no .gz. */
const IDX_IMAGES = /^(.*)images([-.])idx3-ubyte$/i;

/** The format an output name asks for, or undefined when its extension is none of ours. */
export function formatOf(path: string): Format | undefined {
  const name = basename(path);
  if (/\.csv$/i.test(name)) return 'csv';
  if (/\.mat$/i.test(name)) return 'mat';
  if (/\.idx$/i.test(name) || IDX_IMAGES.test(name)) return 'idx';
  return undefined;
}

/**
 * Writes the data set in the format; returns the files written. Pictures go in the format's own pixel order (MAT:
 * column by column, as MATLAB and this project's MAT reader take them; CSV and IDX: row by row, as Kaggle's and
 * MNIST's files are and this project's CSV reader takes them), so they read back upright. CSV's header
 * (pixel0 … pixelN−1) and IDX's dimensions (m × rows × cols) declare that order, so evaluate and predict lay the
 * pictures back out in a model's own order (a model trained on digits5000 scores its CSV export as digits5000).
 */
function writeDataset(data: Dataset, out: string, format: Format, compress: boolean): string[] {
  const ds = withPixelOrder(data, format === 'mat' ? 'column-major' : 'row-major');
  switch (format) {
    case 'csv':
      writeFileAtomic(out, formatCsv(ds));
      return [out];
    case 'mat':
      writeMatFile(out, { X: ds.X, y: { rows: ds.y.length, cols: 1, data: Float64Array.from(ds.y) } }, { compress });
      return [out];
    case 'idx': {
      // X as float64 m×rows×cols for pictures (which declares them row by row, as MNIST's), else m×n; y as the
      // labels 1..K like the MAT-file's
      const labels = idxLabelsCandidates(out)[0]; // the name the readers look for first
      const shape = ds.imageShape;
      const dims = shape ? [ds.X.rows, shape.height, shape.width] : [ds.X.rows, ds.X.cols];
      writeFileAtomic(out, writeIdx({ type: 'float64', dims, data: ds.X.data }));
      const y = idxLabels(ds);
      writeFileAtomic(labels, writeIdx(ds.K <= 255 ? { type: 'uint8', dims: [y.length], data: Uint8Array.from(y) } : { type: 'int32', dims: [y.length], data: y }));
      return [out, labels];
    }
  }
}

/**
 * The labels an IDX file holds: for digits (classes named 0..9, in any order) the digits themselves, as MNIST's
 * files hold them, which the reader takes back with their names; otherwise 1..K, whose names the file cannot hold.
 */
function idxLabels(ds: Dataset): Int32Array {
  const digits = ds.labelNames.map(Number);
  const areDigits = ds.K === 10 && [...ds.labelNames].sort().join() === '0,1,2,3,4,5,6,7,8,9';
  return areDigits ? Int32Array.from(ds.y, (label) => digits[label - 1]) : ds.y;
}

function summary(ds: Dataset) {
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

function sayDataset(out: Output, s: ReturnType<typeof summary>): void {
  const shape = s.imageShape;
  out.say(`${count(s.examples, 'example')} × ${count(s.features, 'feature')}, ${count(s.classes, 'class')}${shape ? `, pictures ${shape.width}x${shape.height} ${shape.order}` : ''}`);
  out.say(terminalSafe(`labels: ${s.labels.map((l) => `${l.label}${l.name !== String(l.label) ? ` ("${l.name}")` : ''}: ${l.count}`).join(', ')}`, 2000));
  out.say(`checksum sha256 ${s.checksum}`);
}

function exportCommand(): Command {
  return defineCommand<ExportFlags>(
    'export',
    {
      summary: 'write a data set to a CSV, MAT or IDX file (the format follows --out)',
      description:
        'Write a data set to a file whose extension says the format: .csv (a header x1..xn,label, then one example a ' +
        'row with its class name), .mat (X m×n and y m×1 with labels 1..K, the layout of the course’s ex4data1.mat), ' +
        'or IDX (NAME.idx or NAME-images-idx3-ubyte: X as float64 m×n, and y as labels 1..K in NAME-labels.idx or ' +
        'NAME-labels-idx1-ubyte). --format, when given, must agree with the extension.',
    },
    (cmd) =>
      // --data, as every other command spells it (the CSV options come with it); --name is its old spelling
      cmd
        .option('--data <spec>', `the data set to write: ${DATA_HELP} (default: builtin:${DEFAULT_EXPORT})`)
        .option('--name <spec>', 'the same as --data (its old name, kept so existing scripts keep working)')
        .requiredOption('--out <file>', 'where to write: FILE.csv, FILE.mat, FILE.idx or NAME-images-idx3-ubyte')
        .option('--format <format>', `${FORMATS.join(', ')} (default: from the extension of --out)`)
        .option('--compress', 'MAT: compress each variable (miCOMPRESSED)')
        .addHelpText(
          'after',
          examples([
            'backprop data export --data digits5000 --out ex4data.mat',
            'backprop data export --data digits5000 --out digits.csv',
            'backprop data export --data mnist-test --out t10k-images-idx3-ubyte   # and t10k-labels-idx1-ubyte',
            'backprop data export --data my.csv --labels digits --out my.mat',
          ]),
        ),
    (flags, out) => {
      const fromName = formatOf(flags.out);
      if (flags.format !== undefined) parse.choice('--format', flags.format, FORMATS);
      if (!fromName) {
        throw new UsageError(
          `--out: ${JSON.stringify(flags.out)} has no known extension; expected FILE.csv, FILE.mat, FILE.idx or NAME-images-idx3-ubyte`,
        );
      }
      if (flags.format !== undefined && flags.format !== fromName) {
        throw new UsageError(`--format ${flags.format} does not match --out ${JSON.stringify(flags.out)}, which names a ${fromName} file`);
      }
      if (flags.compress && fromName !== 'mat') throw new UsageError(`--compress is for MAT-files; --out names a ${fromName} file`);
      checkOutputs({ out: flags.out });
      if (flags.data !== undefined && flags.name !== undefined && flags.data !== flags.name) {
        throw new UsageError(`--name is the old spelling of --data: give one, got --data ${JSON.stringify(flags.data)} and --name ${JSON.stringify(flags.name)}`);
      }
      const [flag, spec] = flags.name !== undefined && flags.data === undefined ? ['--name', flags.name] : ['--data', flags.data ?? DEFAULT_EXPORT];
      const ds = loadData(spec, flag, flags);
      const files = writeDataset(ds, flags.out, fromName, Boolean(flags.compress));
      const m = ds.X.rows;
      out.say(`wrote ${files.join(' and ')} (${fromName}): ${count(m, 'example')} × ${count(ds.X.cols, 'feature')}, ${count(ds.K, 'class')} from ${ds.name}`);
      out.result({
        out: resolve(flags.out),
        files: files.map((f) => resolve(f)),
        format: fromName,
        X: [m, ds.X.cols],
        y: [m, 1],
        data: ds.name,
        checksum: ds.checksum,
      });
    },
  );
}

/** How `data info`'s errors name the file, as `--data` names it elsewhere: "data info x.mat: reason". */
const INFO = 'data info';

/** Reads the file, a reader's error said as `data info x.mat: reason` (the reader's message may name no file). */
function naming<T>(file: string, read: (path: string) => T): T {
  try {
    return read(file);
  } catch (err) {
    throw aboutFile(INFO, file, err);
  }
}

function infoCommand(): Command {
  return defineCommand<CommonOptions>(
    'info',
    {
      summary: 'describe a data file: what it holds and whether it is usable as --data',
      description:
        'Describe a data file: a MAT-file’s variables (class, shape, and what was skipped and why), an IDX file’s type ' +
        'and dimensions, a CSV’s examples and labels, or a built-in set (builtin:NAME). Text from the file is printed ' +
        'with control characters escaped.',
    },
    (cmd) =>
      addCsvOptions(cmd.alias('describe').argument('<file>', 'a .mat, .csv, IDX file (e.g. train-images-idx3-ubyte[.gz]) or builtin:NAME')).addHelpText(
        'after',
        examples(['backprop data info ex4weights.mat', 'backprop data info builtin:digits5000 --json', 'backprop data info train.csv --label-column label']),
      ),
    (flags, out, cmd) => {
      const file = cmd.args[0];
      const shown = safe(file);
      if (file.startsWith('builtin:') || /\.csv$/i.test(file)) {
        const s = summary(loadData(file, INFO, flags));
        out.say(`${shown}: ${file.startsWith('builtin:') ? 'built-in data set' : 'CSV'}`);
        sayDataset(out, s);
        out.result({ file, kind: file.startsWith('builtin:') ? 'builtin' : 'csv', dataset: s });
        return;
      }
      if (/\.mat$/i.test(file)) {
        const mat = naming(file, readMatFile);
        const variables = [...mat.variables.values()].map((v) => ({
          name: v.name,
          class: v.class,
          dims: v.dims,
          ...(v.text !== undefined ? { text: v.text.length > 60 ? `${v.text.slice(0, 57)}...` : v.text } : {}),
        }));
        out.say(`${shown}: MAT-file ${mat.format === 'level5' ? 'Level 5 (v5–v7)' : 'Level 4'}, ${mat.endian === 'LE' ? 'little' : 'big'}-endian`);
        if (mat.header) out.say(`header: ${safe(mat.header)}`);
        for (const v of variables) out.say(`  ${safe(v.name).padEnd(16)} ${v.class.padEnd(8)} ${v.dims.join('x')}${v.text !== undefined ? `  "${safe(v.text)}"` : ''}`);
        for (const s of mat.skipped) out.say(`  ${safe(s.name).padEnd(16)} ${safe(s.class).padEnd(8)} skipped: ${safe(s.reason)}`);
        let dataset: ReturnType<typeof summary> | null = null;
        if (!mat.variables.has('X') || !mat.variables.has('y')) out.say('not a data set (no X and y variables)');
        else {
          try {
            dataset = summary(loadData(file, INFO, flags));
            out.say('usable as --data');
          } catch (err) {
            out.say(`has X and y but is not usable as --data: ${safe((err as Error).message)}`);
          }
        }
        if (dataset) sayDataset(out, dataset);
        out.result({ file, kind: 'mat', format: mat.format, endian: mat.endian, header: mat.header ?? null, variables, skipped: mat.skipped, dataset });
        return;
      }
      if (/(idx\d?-ubyte|\.idx\d?)(\.gz)?$/i.test(file)) {
        const idx = naming(file, readIdxFile);
        out.say(`${shown}: IDX ${idx.type} [${idxDims(idx.dims, ' x ')}]`);
        out.result({ file, kind: 'idx', type: idx.type, dims: idx.dims });
        return;
      }
      throw new UsageError(`${INFO}: expected a .mat, .csv or IDX file, or builtin:NAME, got ${JSON.stringify(file)}`);
    },
  );
}

/** Text from a file (or its name), escaped for the terminal and kept to one line. */
const safe = (text: string): string => terminalSafe(text, 200);

export function dataCommand(): Command {
  return new Command('data')
    .summary('export a data set to a CSV, MAT or IDX file (data export), or describe a data file (data info)')
    .description(
      'Data files: export a data set to a CSV, MAT or IDX file (data export: the format follows the extension), or ' +
        'describe a .mat, .csv or IDX file (data info).',
    )
    .addCommand(exportCommand())
    .addCommand(infoCommand());
}
