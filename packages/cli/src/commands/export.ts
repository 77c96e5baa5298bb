import { resolve } from 'node:path';
import { describeNetwork, exportOnnx, isSeedNetwork, modelThetas, ONNX_DTYPES, ONNX_OPSET, pixelPermutation, saveModel, seedActivations, writeFileAtomic, writeMatFile, type Matrix, type Model } from '@backprop/nn';
import { loadModelFile, MODEL_HELP, seedClassNames } from '../weights.js';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { checkOutputs } from '../paths.js';
import * as parse from '../parse.js';
import { UsageError } from '../usage.js';

interface ExportFlags extends CommonOptions {
  model?: string;
  out: string;
  format?: string;
  dtype?: string;
}

const FORMATS = ['onnx', 'mat', 'json'] as const;
type Format = (typeof FORMATS)[number];

/** Each format as a sentence names it. */
const FORMAT_NAMES: Readonly<Record<Format, string>> = { onnx: 'an ONNX file', mat: 'a MAT-file', json: 'a model file (JSON)' };

/** The format --out names by its extension, if it names one. */
function formatOf(path: string): Format | undefined {
  if (/\.onnx$/i.test(path)) return 'onnx';
  if (/\.mat$/i.test(path)) return 'mat';
  if (/\.json$/i.test(path)) return 'json';
  return undefined;
}

/** The model file: the MODEL argument or --model (one of them, or both naming the same file). */
function modelPath(flags: ExportFlags, args: string[]): string {
  const [positional] = args;
  if (positional !== undefined && flags.model !== undefined && positional !== flags.model) {
    throw new UsageError(`two models given: ${JSON.stringify(positional)} and --model ${JSON.stringify(flags.model)}; give one`);
  }
  const path = positional ?? flags.model;
  if (path === undefined) throw new UsageError('missing the model: backprop export [options] MODEL (a file written by `backprop train`, or a MAT-file of Theta1, Theta2, …)');
  return path;
}

function formatFor(flags: ExportFlags): Format {
  const fromName = formatOf(flags.out);
  const format = flags.format === undefined ? fromName : parse.choice('--format', flags.format, FORMATS);
  if (format === undefined) throw new UsageError(`--format: not given, and --out ${JSON.stringify(flags.out)} names none of a .onnx, .mat or .json file`);
  if (fromName !== undefined && fromName !== format) {
    throw new UsageError(`--format ${format} does not match --out ${JSON.stringify(flags.out)}, which names ${FORMAT_NAMES[fromName]}`);
  }
  if (flags.dtype !== undefined && format !== 'onnx') throw new UsageError(`--dtype is for ONNX exports; ${FORMAT_NAMES[format]} holds the model's own weights`);
  return format;
}

/**
 * The MAT-file holds Θ1 … ΘN only, which say nothing of activations: it describes the seed's sigmoid network alone.
 * `out` is set when the format came from --out's extension rather than --format, and the refusal names it so.
 */
function checkMatExportable(model: Model, out?: string): void {
  const a = model.activations ?? seedActivations(model.layers);
  if (isSeedNetwork(a)) return;
  const layer = a.hidden.findIndex((h) => h !== 'sigmoid');
  const which = layer >= 0 ? `hidden layer ${layer + 1} is ${a.hidden[layer]}` : `output is ${a.output}`;
  const holds = `Theta1..ThetaN only, which describe sigmoid networks, and this model's ${which}`;
  throw new UsageError(
    out === undefined
      ? `--format mat: a MAT-file holds ${holds}; export it with --format onnx`
      : `--out ${JSON.stringify(out)} is a MAT-file, which holds ${holds}; export it to a .onnx file`,
  );
}

/**
 * The model's Θ1 … ΘN as a MAT-file of weights is read back (`--model X.mat`): Θ1's input columns in MATLAB's picture
 * order (column by column) for a model of square row-major pictures (MNIST, a CSV or IDX export), and ΘN's rows in
 * the order of the names a MAT-file's classes get (seedClassNames) when the model's names are those in another
 * order (digits "0".."9" from a CSV). So the file scores on any data as the model does. `namesKept` is false when
 * the model's class names are not those: the file cannot say them.
 */
function matWeights(model: Model): { thetas: Record<string, Matrix>; namesKept: boolean } {
  const thetas = modelThetas(model);
  const shape = model.inputShape;
  if (shape && shape.order === 'row-major' && shape.width === shape.height) {
    const { rows, cols, data } = thetas.Theta1;
    const from = pixelPermutation(shape, 'column-major');
    const permuted = new Float64Array(data.length);
    for (let h = 0; h < rows; h++) {
      const base = h * cols + 1; // after the bias column
      permuted[h * cols] = data[h * cols];
      from.forEach((pixel, j) => (permuted[base + j] = data[base + pixel]));
    }
    thetas.Theta1 = { rows, cols, data: permuted };
  }
  const last = `Theta${model.layers.length - 1}`;
  const readBack = seedClassNames(model.layers[model.layers.length - 1]);
  const from = readBack.map((name) => model.labelNames.indexOf(name));
  if (from.some((k) => k < 0)) return { thetas, namesKept: false };
  const { rows, cols, data } = thetas[last];
  const reordered = new Float64Array(data.length);
  from.forEach((k, row) => reordered.set(data.subarray(k * cols, (k + 1) * cols), row * cols));
  thetas[last] = { rows, cols, data: reordered };
  return { thetas, namesKept: true };
}

export function exportCommand() {
  return defineCommand<ExportFlags>(
    'export',
    {
      summary: 'write a model as ONNX, its Theta1..ThetaN to a MAT-file, or MAT weights as a model file',
      description:
        `Write a model for use outside this project: an ONNX model (opset ${ONNX_OPSET}; Gemm and activation nodes; ` +
        'input "input" [N, features]; outputs, named as in predict --json: "probabilities" (rows summing to 1), "class" ' +
        '(the class name), "class_index" and "scores" (the raw output activations)) that ONNX ' +
        'Runtime and other ONNX tools run, or, for sigmoid networks, a MAT-file (Level 5) of Theta1 … ThetaN that ' +
        'MATLAB, Octave and scipy.io.loadmat read, or a model file (.json, as `backprop train` writes: what `serve`, ' +
        '`visualize` and the library load), e.g. of the course\'s ex4weights.mat. The format follows --out (.onnx, .mat ' +
        'or .json) unless --format says it.',
    },
    (cmd) =>
      cmd
        .argument('[model]', `${MODEL_HELP} (or give --model)`)
        .option('--model <file>', 'the model (same as the MODEL argument)')
        .requiredOption('--out <file>', 'where to write: FILE.onnx, FILE.mat or FILE.json')
        .option('--format <format>', `${FORMATS.join(', ')} (default: from the extension of --out)`)
        .option('--dtype <dtype>', `ONNX element type: ${ONNX_DTYPES.join(', ')} (default: the model's own dtype; float64 of a float32 model is exact)`)
        .addHelpText(
          'after',
          examples([
            'backprop export --out digits.onnx model.json',
            'backprop export --format onnx --dtype float32 --out digits32.onnx model.json',
            'backprop export --out weights.mat model.json',
            'backprop export --out ex4.onnx ex4weights.mat',
            'backprop export --out ex4.json ex4weights.mat && backprop serve --model ex4.json',
            "python3 -c \"import scipy.io; print(scipy.io.loadmat('weights.mat')['Theta1'].shape)\"",
          ]),
        ),
    (flags, out, command) => {
      const path = modelPath(flags, command.args);
      const format = formatFor(flags);
      const given = flags.dtype === undefined ? undefined : parse.choice('--dtype', flags.dtype, ONNX_DTYPES);
      checkOutputs({ out: flags.out });
      const model = loadModelFile(path);
      if (format === 'onnx') {
        const dtype = given ?? model.dtype ?? 'float64';
        const bytes = exportOnnx(model, { dtype });
        writeFileAtomic(flags.out, bytes);
        const architecture = describeNetwork(model.layers, model.activations, model.dtype);
        out.say(`wrote ${flags.out}: ONNX opset ${ONNX_OPSET}, ${dtype}, ${describeNetwork(model.layers, model.activations)}, ${bytes.length} bytes`);
        out.result({ out: resolve(flags.out), format, dtype, opset: ONNX_OPSET, layers: [...model.layers], architecture, bytes: bytes.length });
        return;
      }
      if (format === 'json') {
        saveModel(flags.out, model);
        out.say(`wrote ${flags.out}: a model file, ${describeNetwork(model.layers, model.activations, model.dtype)}, classes ${model.labelNames.join(' ')}`);
        out.result({ out: resolve(flags.out), format, layers: [...model.layers], classes: [...model.labelNames] });
        return;
      }
      checkMatExportable(model, flags.format === undefined ? flags.out : undefined);
      const { thetas, namesKept } = matWeights(model);
      writeMatFile(flags.out, thetas);
      if (!namesKept) {
        const readBack = seedClassNames(model.layers[model.layers.length - 1]);
        const list = (names: readonly string[]) => `${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`;
        out.note(`note: a MAT-file holds no class names: read back (--model ${flags.out}) its classes are ${list(readBack)}, not ${list(model.labelNames)}`);
      }
      const variables = Object.entries(thetas).map(([name, T]) => ({ name, rows: T.rows, cols: T.cols }));
      out.say(`wrote ${flags.out}: ${variables.map((v) => `${v.name} ${v.rows}x${v.cols}`).join(', ')}`);
      out.result({ out: resolve(flags.out), format, variables });
    },
  );
}
