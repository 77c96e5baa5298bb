import { existsSync, statSync } from 'node:fs';
import { BUILTIN_DATASETS, DatasetError, isIdxDataPath, isLabelled, LABEL_RULES, loadExamples, makeDataset, ShapeError, splitDataset, withPixelOrder } from '@backprop/nn';
import type { Dataset, DatasetSplit, ExampleSet, LabelRule, LoadDatasetOptions, Model } from '@backprop/nn';
import type { Command } from 'commander';
import { aboutFile } from './error-message.js';
import { UsageError } from './usage.js';
import { seedClassNames } from './weights.js';

/**
 * `--data` default for a model: the built-in set it was trained on, when it was one. A model trained with
 * --validation/--test records the split's part (`digits5000:train`); the default is the whole set it came from.
 */
export function defaultDataFor(model: Model): string | undefined {
  const name = model.training?.dataset.name.replace(/:(train|validation|test)$/, '');
  return name && (BUILTIN_DATASETS as readonly string[]).includes(name) ? `builtin:${name}` : undefined;
}

export const DATA_HELP =
  'builtin:digits5000 (the course’s 5000 20x20 digits), builtin:mnist, builtin:mnist-test, or a file: ' +
  'FILE.mat (variables X and y, like ex4data1.mat), FILE.csv (numeric features and a label column: see --label-column, --labels), ' +
  'or IDX: FILE.idx with FILE-labels.idx (as `data export` writes them) or MNIST’s …-images-idx3-ubyte[.gz] with …-labels-idx1-ubyte[.gz]';

/** The CSV options of every command that reads data. */
export interface DataFlags {
  labelColumn?: string;
  labels?: string;
  header?: boolean;
}

/** Adds --label-column, --labels and --header/--no-header (how a CSV is read) to a command. */
export function addCsvOptions(cmd: Command): Command {
  return cmd
    .option(
      '--label-column <col>',
      'CSV: the label column, as a position from 0, "first", "last" or a header name, or "none": no labels, every column ' +
        'a feature (predict only) (default: the column named label; none when the header is exactly pixel0 … pixelN-1, ' +
        'as Kaggle’s test.csv; else the last)',
    )
    .option(
      '--labels <rule>',
      'CSV: how labels are read: auto (integers counted from 0 when a 0 occurs, else from 1; text → names), ' +
        'one-based, zero-based, digits (0..9 or 1..10 with 10 for the digit 0: the course’s convention), names',
      'auto',
    )
    .option('--header', 'CSV: the first row is a header (default: only when none of its cells is a number)')
    .option('--no-header', 'CSV: the first row is data');
}

/** The library's CSV options from the flags; bad values are usage errors. */
export function csvOptions(flags: DataFlags): Pick<LoadDatasetOptions, 'labelColumn' | 'labels' | 'header'> {
  const raw = flags.labelColumn?.trim();
  const labelColumn =
    raw === undefined ? undefined : raw === 'none' ? null : raw === 'last' ? -1 : raw === 'first' ? 0 : /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (labelColumn === '') throw new UsageError('--label-column: expected a position from 0, first, last, a header name or none, got ""');
  const labels = flags.labels ?? 'auto';
  if (!(LABEL_RULES as readonly string[]).includes(labels)) {
    throw new UsageError(`--labels: expected one of ${LABEL_RULES.join(', ')}, got ${JSON.stringify(labels)}`);
  }
  if (labelColumn === null && labels !== 'auto') throw new UsageError(`--labels ${labels}: --label-column none reads no labels`);
  return { labelColumn, labels: labels as LabelRule, header: flags.header ?? 'auto' };
}

/**
 * `--data` → a Dataset: what every command but predict reads (see readData). A CSV without labels (--label-column
 * none, or a pixel0 … pixelN−1 header) is refused here with one line.
 */
export function loadData(spec: string, option = '--data', flags: DataFlags = {}, classes?: readonly string[]): Dataset {
  return needLabels(readData(spec, option, flags, classes), option, spec, flags);
}

function needLabels(examples: Dataset | ExampleSet, option: string, spec: string, flags: DataFlags): Dataset {
  if (isLabelled(examples)) return examples;
  if (csvOptions(flags).labelColumn === null) {
    throw new UsageError('--label-column none reads no labels, and this command needs them (only predict reads examples without labels)');
  }
  throw new DatasetError(
    'ERR_DATASET_LABELS',
    `${option} ${JSON.stringify(spec)} has no label column: its header names every column a pixel (pixel0 … pixel${examples.X.cols - 1}, ` +
      'as Kaggle’s test.csv); give --label-column to read one as the labels (predict reads it as it is)',
  );
}

/**
 * `--data` → examples, with their labels when the file has them. `builtin:NAME` (or a bare built-in name) loads a built-in set; anything else must be an
 * existing .mat, .csv or IDX examples file (with its labels file beside it), a CSV read as the flags say.
 * `classes` (a model's label names) map a CSV's labels by name, so a test file lacking some class still lines up
 * with the model.
 */
function readData(spec: string, option: string, flags: DataFlags, classes?: readonly string[]): Dataset | ExampleSet {
  const csv = csvOptions(flags);
  const isCsv = /\.csv$/i.test(spec);
  if (!isCsv && (csv.labels !== 'auto' || csv.labelColumn !== undefined || csv.header !== 'auto')) {
    throw new UsageError(`--label-column, --labels and --header/--no-header are for CSV files; ${option} ${JSON.stringify(spec)} is not one`);
  }
  const name = spec.startsWith('builtin:') ? spec.slice('builtin:'.length) : spec;
  if ((BUILTIN_DATASETS as readonly string[]).includes(name)) return loadExamples(name);
  if (spec.startsWith('builtin:')) {
    throw new UsageError(`${option}: unknown built-in data set ${JSON.stringify(name)}; expected one of ${BUILTIN_DATASETS.map((b) => `builtin:${b}`).join(', ')}`);
  }
  if (!existsSync(spec)) throw new UsageError(`${option}: no such file ${JSON.stringify(spec)} (expected ${DATA_HELP})`);
  if (!statSync(spec).isFile()) throw new UsageError(`${option}: ${JSON.stringify(spec)} is ${statSync(spec).isDirectory() ? 'a directory' : 'not a regular file'}`);
  if (isCsv) {
    try {
      return loadExamples(spec, { ...csv, ...(classes && csv.labels === 'auto' ? { labelNames: classes } : {}) });
    } catch (err) {
      // the library names its options; on the command line they are flags
      if ((err as { code?: string }).code === 'ERR_INVALID_ARGUMENT') {
        throw new UsageError((err as Error).message.replace(/options\.labelColumn/g, '--label-column').replace(/header: true \/ /g, ''));
      }
      throw aboutFile(option, spec, err);
    }
  }
  if (!/\.mat$/i.test(spec) && !isIdxDataPath(spec)) {
    throw new UsageError(`${option}: ${JSON.stringify(spec)} is not a .mat, .csv or IDX file (expected ${DATA_HELP})`);
  }
  try {
    return withExamples(loadExamples(spec));
  } catch (err) {
    // a MAT reader's "dimension 1 is negative (offset 152)" names no file: the line names the flag and the file
    throw aboutFile(option, spec, err);
  }
}

/** A data file that holds no examples (an IDX file whose first dimension is 0) is refused here, where the file is named. */
function withExamples(ds: Dataset | ExampleSet): Dataset | ExampleSet {
  if (ds.X.rows === 0) throw new DatasetError('ERR_DATASET_SHAPE', 'the file has no examples (0 rows)');
  return ds;
}

/**
 * The data a model is scored on — one reading for evaluate, predict and cost: `--data` if given, else the built-in
 * set the model was trained on; a model with no training record (or plain .mat weights, `model` undefined) takes
 * `untrained` when given. A CSV's class names are looked up among the model's (see loadData), so its labels are the
 * model's labels even when the file lacks a class.
 */
export function loadDataFor(model: Model | undefined, flags: DataFlags & { data?: string }, defaults: DataDefaults = {}): Dataset {
  const spec = dataSpecFor(model, flags, defaults);
  return needLabels(loadExamplesFor(model, flags, defaults), '--data', spec, flags);
}

/** The same for predict, which also reads examples without labels (--label-column none, Kaggle’s test.csv). */
export function loadExamplesFor(model: Model | undefined, flags: DataFlags & { data?: string }, defaults: DataDefaults = {}): Dataset | ExampleSet {
  const spec = dataSpecFor(model, flags, defaults);
  const examples = inModelOrder(readData(spec, '--data', flags, model?.labelNames), model);
  return isLabelled(examples) ? inModelClasses(examples, model, spec) : examples;
}

interface DataDefaults {
  untrained?: string;
  missing?: string;
}

function dataSpecFor(model: Model | undefined, flags: { data?: string }, { untrained, missing = '--data is required: the model was not trained on a built-in data set' }: DataDefaults): string {
  const spec = flags.data ?? (model?.training ? defaultDataFor(model) : untrained);
  if (!spec) throw new UsageError(missing);
  return spec;
}

/**
 * The data's labels as the model's classes, matched by name, for built-in and file data alike: digits5000 names
 * label 1..10 "1".."9", "0", a CSV of digits trained from "0".."9", so matching by position would shift every class
 * by one. Classes named only by their numbers "1".."K" (a MAT-file's y, `--labels one-based`: a file that names
 * nothing) are matched as the course names them (label 10 is the digit 0), on either side; when the model has no
 * such names they are its label numbers, and a note on stderr says so. Named classes the model lacks are refused,
 * as a CSV's unknown label is: they are never scored by position. Data of other columns than the model's inputs is
 * left as it is, for checkFits to refuse.
 */
function inModelClasses(ds: Dataset, model: Model | undefined, spec: string): Dataset {
  const names = model?.labelNames;
  if (!names || (ds.labelNames.length === names.length && ds.labelNames.every((name, k) => name === names[k]))) return ds;
  // data the model cannot take at all is refused by its columns (checkFits), the first thing wrong with it
  if (ds.X.cols !== model.layers[0]) return ds;
  const list = (classes: readonly string[]) => classes.slice(0, 12).map((c) => JSON.stringify(c)).join(', ') + (classes.length > 12 ? ', …' : '');
  let to = labelsByName(ds.labelNames, names) ?? labelsByName(asCourseNames(ds.labelNames), asCourseNames(names));
  if (!to) {
    if (!isNumbered(ds.labelNames)) {
      throw new ShapeError(`--data ${spec}: its classes (${list(ds.labelNames)}) are not among the model's (${list(names)}): classes are matched by name`);
    }
    process.stderr.write(`note: --data ${spec} names its classes only by number (${list(ds.labelNames)}): label k is taken as the model's k-th class (${list(names)})\n`);
    to = ds.labelNames.map((_, k) => k + 1);
  }
  return makeDataset({
    name: ds.name,
    X: ds.X,
    y: Int32Array.from(ds.y, (label) => to[label - 1]),
    labelNames: names,
    imageShape: ds.imageShape,
    pixelOrderKnown: ds.pixelOrderKnown,
  });
}

/** Each of the data's classes as the model's label (1-based), or undefined when one is not among the model's. */
function labelsByName(data: readonly string[], model: readonly string[]): number[] | undefined {
  const to = data.map((name) => model.indexOf(name) + 1);
  return to.some((label) => label === 0) ? undefined : to;
}

/** Classes named only by their numbers, "1".."K". */
function isNumbered(names: readonly string[]): boolean {
  return names.every((name, k) => name === String(k + 1));
}

/** Classes named only by their numbers as the course names them (with 10, label 10 is "0"); others as they are. */
function asCourseNames(names: readonly string[]): readonly string[] {
  return isNumbered(names) ? seedClassNames(names.length) : names;
}

/**
 * Pictures in the order the model's inputs are in, when the data declares its order (a built-in set, a CSV with a
 * pixel0 … header, IDX's m × rows × cols: what `data export` writes): a model trained on digits5000 (column by
 * column) scored on its CSV export (row by row) would otherwise see every picture transposed. A guessed order (a
 * square number of columns without a header) is left as it is: a CSV dump of the course's X is column by column.
 */
function inModelOrder<T extends ExampleSet>(ds: T, model: Model | undefined): T {
  const want = model?.inputShape;
  const have = ds.imageShape;
  if (!want || !have || !ds.pixelOrderKnown || want.width !== have.width || want.height !== have.height) return ds;
  return withPixelOrder(ds, want.order);
}

/** Seeded train/validation/test split; fractions of 0 mean no such split. */
export function split(ds: Dataset, validation: number, test: number, seed: number): DatasetSplit {
  if (validation + test >= 1) {
    throw new UsageError(`--validation + --test must be below 1 (some data must be left to train on), got ${validation} + ${test}`);
  }
  return validation === 0 && test === 0 ? { train: ds } : splitDataset(ds, { validation, test, seed });
}
