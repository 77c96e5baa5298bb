import { readFileSync } from 'node:fs';
import { describeNetwork, decodePng, ImageError, imageToInput, isLabelled, predictionsOf, scores, type Matrix, type Model, type Prediction as ClassPrediction } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { checkFits } from '../evaluation.js';
import { DATA_HELP, loadExamplesFor } from '../dataset.js';
import { defaultDataForWeights, loadModelFile, MAT_DEFAULT_DATA, MODEL_HELP } from '../weights.js';
import { percent, readerGone, type Output } from '../output.js';
import * as parse from '../parse.js';
import { UsageError } from '../usage.js';

interface PredictFlags extends CommonOptions {
  model: string;
  data?: string;
  rows?: string;
  image?: string;
  backend: string;
}

/** nn's prediction (label, probabilities, scores, in the model's class order) and where its input came from. */
interface Prediction extends ClassPrediction {
  /** where the input came from: "row 12" or the image path */
  input: string;
  row?: number;
  /** the true class when known */
  actual?: string;
}

function predictions(model: Model, X: Matrix, inputs: string[], backend: 'auto' | 'native' | 'ts'): Prediction[] {
  const { layers, activations, dtype } = model;
  const h = scores(model.theta, X, { layers, backend, ...(activations ? { activations } : {}), ...(dtype ? { dtype } : {}) });
  return predictionsOf(h, model.labelNames, activations?.output).map((p, i) => ({ input: inputs[i], ...p }));
}

/** Rows predicted at once: a pipe closed early (`| head`) stops predict within one batch. */
const BATCH_ROWS = 1000;

/** One line per prediction: the input, the class, whether it is the actual one when known, the top 3. */
function say(out: Output, classes: readonly string[], results: Prediction[]): void {
  for (const p of results) {
    const top = p.probabilities
      .map((v, k) => [classes[k], v] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, v]) => `${name}: ${percent(v, 1)}`)
      .join(', ');
    const truth = p.actual === undefined ? '' : p.actual === p.label ? `  (actual ${p.actual} ✓)` : `  (actual ${p.actual} ✗)`;
    out.say(`${p.input}: ${p.label}${truth}   p = ${top}`);
  }
}

export function predictCommand() {
  return defineCommand<PredictFlags>(
    'predict',
    {
      summary: 'predict digits of data rows or of a PNG picture',
      description:
        'Predict the class (the digit) of examples from a data set or of a picture (PNG). --json gives the classes and, ' +
          'per input, the predicted class (label), the class probabilities (summing to 1, in the order of classes: a ' +
          'softmax model’s outputs, or a sigmoid model’s normalised) and the raw output activations (scores). Data ' +
          'with labels also shows each row’s actual class; a CSV without them (--label-column none, or a header of ' +
          'exactly pixel0 … pixelN-1 as Kaggle’s test.csv) is predicted all the same.',
    },
    (cmd) =>
      cmd
        .requiredOption('--model <file>', MODEL_HELP)
        .option('--data <spec>', `examples to predict (default: the built-in set the model was trained on; ${MAT_DEFAULT_DATA} for .mat weights): ${DATA_HELP}`)
        .option('--rows <rows>', 'which rows of --data: START:END (end exclusive; START: to the end), N, or N,N,…; rows past the data are an error (default: 0:10, or every row when there are fewer)')
        .option('--image <file.png>', 'a picture of one digit (any size; dark on light or light on dark)')
        .option('--backend <name>', 'auto, native or ts', 'auto')
        .addHelpText(
          'after',
          examples([
            'backprop predict --model model.json --image digit.png',
            'backprop predict --model model.json --data builtin:digits5000 --rows 0:20',
            'backprop predict --model model.json --data builtin:digits5000 --rows 4000,4500 --json',
            'backprop predict --model mnist.json --data test.csv --rows 0:28000   # Kaggle’s digit-recognizer test.csv',
          ]),
        ),
    async (flags, out, cmd) => {
      const model = loadModelFile(flags.model);
      const backend = parse.choice('--backend', flags.backend, ['auto', 'native', 'ts'] as const);
      const rowsGiven = cmd.getOptionValueSource('rows') === 'cli';
      if (flags.image && (flags.data || rowsGiven)) throw new UsageError('give either --image or --data/--rows, not both');
      let results: Prediction[];
      if (flags.image) {
        if (!model.inputShape) {
          throw new ImageError(`${flags.model} has no inputShape (it was not trained on pictures), so --image cannot be used with it`);
        }
        let bytes: Buffer;
        try {
          bytes = readFileSync(flags.image);
        } catch (err) {
          throw new UsageError(`--image: cannot read ${JSON.stringify(flags.image)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        let x: Float64Array;
        try {
          const picture = decodePng(bytes);
          x = imageToInput(picture.gray, picture.width, picture.height, model.inputShape);
        } catch (err) {
          if (err instanceof ImageError) throw new ImageError(`--image ${flags.image}: ${err.message}`);
          throw err;
        }
        results = predictions(model, { rows: 1, cols: x.length, data: x }, [flags.image], backend);
        say(out, model.labelNames, results);
      } else {
        const ds = loadExamplesFor(model, flags, { untrained: defaultDataForWeights(flags.model), missing: 'give --image FILE.png or --data SPEC (the model was not trained on a built-in data set)' });
        checkFits(model, ds);
        // without --rows, the first 10 rows (or all, when there are fewer); a --rows past the data is an error
        const rows = parse.rowSelection('--rows', rowsGiven ? flags.rows! : `0:${Math.min(10, ds.X.rows)}`, ds.X.rows);
        results = [];
        // a batch of rows at a time, printed as it comes; once stdout's reader has gone (`| head`), no more
        for (let start = 0; start < rows.length && !readerGone(process.stdout); start += BATCH_ROWS) {
          const batch = rows.slice(start, start + BATCH_ROWS);
          const X: Matrix = { rows: batch.length, cols: ds.X.cols, data: new Float64Array(batch.length * ds.X.cols) };
          batch.forEach((r, i) => X.data.set(ds.X.data.subarray(r * ds.X.cols, (r + 1) * ds.X.cols), i * ds.X.cols));
          const predicted = predictions(model, X, batch.map((r) => `row ${r}`), backend);
          predicted.forEach((p, i) => {
            p.row = batch[i];
            // a CSV without labels (--label-column none, Kaggle's test.csv) has no actual class to show
            if (isLabelled(ds)) p.actual = model.labelNames[ds.y[batch[i]] - 1] ?? String(ds.y[batch[i]]);
          });
          say(out, model.labelNames, predicted);
          results.push(...predicted);
          await new Promise((resolve) => setImmediate(resolve)); // a closed pipe's EPIPE is an event
        }
        if (results.length < rows.length) return; // the reader has gone: no summary, no result
      }
      const classes = model.labelNames;
      if (results.length > 1 && results.every((p) => p.actual !== undefined)) {
        const hits = results.filter((p) => p.actual === p.label).length;
        out.say(`${hits}/${results.length} correct`);
      }
      out.result({ model: flags.model, architecture: describeNetwork(model.layers, model.activations, model.dtype), classes, predictions: results });
    },
  );
}
