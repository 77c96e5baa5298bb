import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Option } from 'commander';
import { describeNetwork, formatBytes, loadCheckpoint, MAX_THREADS, resolveActivations, resolveBackend, saveModel, SEED, train, trainingSize, type Checkpoint } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { DATA_HELP, loadData, split } from '../dataset.js';
import { aboutFile } from '../error-message.js';
import { evaluate, type Evaluation } from '../evaluation.js';
import { finalCostLabel, MAX_EVALUATIONS, methodOptions, parseMethodFlags, progressPlan, type MethodFlags } from '../optimizer.js';
import { duration, percent } from '../output.js';
import * as parse from '../parse.js';
import { activationSettings, idleNetworkFlags, initFlagName, initSummary, networkOptions, type NetworkFlags } from '../network.js';
import { checkOutputs, DEFAULT_REPORT_DIR } from '../paths.js';
import { ProgressReporter } from '../progress.js';
import { writeReport } from '../report.js';
import { rescueModel } from '../rescue.js';
import { Interrupt } from '../signals.js';
import { EXIT_INTERRUPTED, UsageError } from '../usage.js';
import { count } from '../plural.js';

interface TrainFlags extends CommonOptions, MethodFlags, NetworkFlags {
  data: string;
  hidden: string;
  lambda: string;
  initRange: string;
  seed: string;
  validation: string;
  earlyStopping?: string;
  test: string;
  backend: string;
  threads?: string;
  out?: string;
  report?: string;
  defaultReport?: string;
  checkpoint?: string;
  checkpointEvery: string;
  resume?: string;
}

/**
 * The --resume file, read before any data is loaded or anything is printed. Its errors name the flag and the file
 * (the library says why a file is not JSON without echoing its bytes).
 */
function readResume(path: string): Checkpoint {
  try {
    return loadCheckpoint(path);
  } catch (err) {
    throw aboutFile('--resume', path, err);
  }
}

/** The parsed, checked settings of a training run. */
export function parseTrainSettings(f: TrainFlags) {
  const hidden = parse.layerSizes('--hidden', f.hidden, ',', 1);
  return {
    data: f.data,
    hidden,
    ...activationSettings(f, hidden.length),
    lambda: parse.number('--lambda', f.lambda, { min: 0 }),
    ...parseMethodFlags(f),
    initRange: parse.number('--init-range', f.initRange, { above: 0 }),
    seed: parse.integer('--seed', f.seed, { min: 0, max: Number.MAX_SAFE_INTEGER }),
    validation: parse.number('--validation', f.validation, { min: 0, max: 0.9 }),
    earlyStopping: f.earlyStopping === undefined ? undefined : parse.integer('--early-stopping', f.earlyStopping, { min: 1, max: MAX_EVALUATIONS }),
    test: parse.number('--test', f.test, { min: 0, max: 0.9 }),
    backend: parse.choice('--backend', f.backend, ['auto', 'native', 'ts'] as const),
    threads: f.threads === undefined ? undefined : parse.integer('--threads', f.threads, { min: 1, max: MAX_THREADS }),
  };
}

export function trainCommand() {
  return defineCommand<TrainFlags>(
    'train',
    {
      summary: 'train a network (default: the seed’s ex4 settings)',
      description:
        `Train a network by back-propagation. The defaults are the seed’s: ${SEED.dataset}, one hidden layer of ${SEED.hidden.join(',')}, ` +
          `λ = ${SEED.lambda}, ${SEED.method.toUpperCase()} with ${SEED.optimizer.maxfun} evaluations, weights uniform in ` +
          `±${SEED.initRange}, seed ${SEED.seed}, trained and scored on all 5000 examples.`,
    },
    (cmd) =>
      methodOptions(
        networkOptions(
          cmd
            .option('--data <spec>', `training data: ${DATA_HELP}`, `builtin:${SEED.dataset}`)
            .option('--hidden <sizes>', 'hidden layer sizes, e.g. 25 or 256,128', SEED.hidden.join(',')),
        ).option('--lambda <λ>', 'regularisation strength λ ≥ 0', String(SEED.lambda)),
      )
        .option('--init-range <r>', 'the seed scheme’s initial weights: uniform in [−r, r]', String(SEED.initRange))
        .option('--seed <n>', 'seed for initialisation, shuffling and splits', String(SEED.seed))
        .option('--validation <fraction>', 'hold out this fraction for validation accuracy', '0')
        .option('--test <fraction>', 'hold out this fraction as a test set', '0')
        .option('--early-stopping <patience>', 'stop when validation accuracy has not improved for this many iterations (epochs for adam/sgd) and keep the best weights, as Keras\' restore_best_weights (needs --validation)')
        .option('--backend <name>', 'auto (native when it loads), native or ts', 'auto')
        .option('--threads <n>', 'BLAS threads for the native backend, 1 to 1024 (OpenBLAS runs at most as many as it was built for, 64 in most builds; the run says when it capped)')
        .option('--out <file>', 'save the model here (folders are created)')
        .option('--report <dir>', `write model.json, cost.svg, hidden.png and report.md into DIR (default without --out: ${DEFAULT_REPORT_DIR})`)
        // The report folder used only when neither --out nor --report is given (what the help says of --report):
        // `nx run cli:train` passes the workspace's reports/latest here, so `-- --out m.json` writes only m.json.
        .addOption(new Option('--default-report <dir>', 'the report folder when neither --out nor --report is given').hideHelp())
        .option('--checkpoint <file>', 'save a resumable checkpoint here while training')
        .option('--checkpoint-every <n>', 'iterations (epochs) between checkpoints', '10')
        .option('--resume <file>', 'continue from a checkpoint written by --checkpoint; --maxfun, --maxiter and --epochs are the whole run\'s budget, the checkpoint\'s share included')
        .addHelpText(
          'after',
          examples([
            `backprop train                                   # the seed: ~94% training accuracy, report in ${DEFAULT_REPORT_DIR}`,
            'backprop train --report reports/latest --validation 0.1',
            'backprop train --hidden 256,128 --method adam --epochs 5 --data builtin:mnist',
            'backprop train --hidden 256 --activation relu --output softmax --method adam --epochs 5 --data builtin:mnist',
            'backprop train --hidden 256 --activation relu --output softmax --dtype float32 --method adam --epochs 5 --data builtin:mnist',
            'backprop train --checkpoint run.ckpt            # Ctrl-C saves the model; then:',
            'backprop train --checkpoint run.ckpt --resume run.ckpt',
            '',
            'Ctrl-C (or SIGTERM) stops training, keeps the best parameters (adam/sgd: the latest, as minibatch costs are not comparable), saves the model and report, and exits 130;',
            'a second Ctrl-C quits at once.',
            'Output paths are checked before training starts. A checkpoint that cannot be written is a warning; a model that cannot be',
            'written is saved under the system temporary folder instead, and the message says where (exit 1).',
          ]),
        ),
    async (flags, out, command) => {
      const s = parseTrainSettings(flags);
      if (s.earlyStopping !== undefined && s.validation === 0) {
        throw new UsageError('--early-stopping watches validation accuracy: give --validation too (a fraction held out, e.g. --validation 0.1)');
      }
      const checkpointEvery = parse.integer('--checkpoint-every', flags.checkpointEvery, { min: 1, max: MAX_EVALUATIONS });
      const reportDir = flags.report ?? (flags.out === undefined ? (flags.defaultReport ?? DEFAULT_REPORT_DIR) : undefined);
      checkOutputs({ out: flags.out, report: reportDir, checkpoint: flags.checkpoint });
      const resume = flags.resume === undefined ? undefined : readResume(flags.resume);
      // The one backend choice of the run: made here to fail fast when native cannot load, then passed to train.
      const backend = resolveBackend(s.backend, s.threads);
      const ds = loadData(s.data, '--data', flags);
      const parts = split(ds, s.validation, s.test, s.seed);
      const layers = [ds.X.cols, ...s.hidden, ds.K];
      const activations = resolveActivations(layers, s);
      for (const line of idleNetworkFlags(command, [{ layers, activations }], s.init)) out.note(`backprop: warning: ${line}`);
      const architecture = describeNetwork(layers, activations, s.dtype);
      const running = backend.getThreads();
      // OpenBLAS runs at most the threads it was built for (64 in Debian's build): say so when --threads asked for more,
      // and how many cores there are to run them on
      const threads = count(running, 'thread') +
        (s.threads !== undefined && running < s.threads
          ? `; --threads ${s.threads} capped: this OpenBLAS build runs at most ${running}; this machine has ${count(availableParallelism(), 'core')}`
          : '');
      // Its size, said before train() checks it against the machine (a wide CSV makes a wide input layer).
      const estimate = trainingSize({
        layers, m: parts.train.X.rows, method: s.method, optimizer: s.optimizer, dtype: s.dtype, backend: backend.name, threads: running,
      });
      const size = `${estimate.parameters.toLocaleString('en-US')} parameters, about ${formatBytes(estimate.bytes)} of memory`;
      out.note(
        `training ${architecture} on ${ds.name} (${count(parts.train.X.rows, 'example')}` +
          `${parts.validation ? `, ${parts.validation.X.rows} validation` : ''}${parts.test ? `, ${parts.test.X.rows} test` : ''}) ` +
          `with ${s.method}, λ = ${s.lambda}, ${backend.name} backend (${threads}); ${size}`,
      );

      const progress = new ProgressReporter(progressPlan(s.method, s.optimizer));
      const interrupt = new Interrupt(() =>
        progress.interrupt('interrupted: stopping and saving the best parameters so far (Ctrl-C again to quit at once without saving)'),
      );
      try {
        const { model } = await train({ hidden: s.hidden }, parts.train, {
          method: s.method,
          lambda: s.lambda,
          optimizer: s.optimizer,
          init: { range: s.initRange, scheme: s.init },
          activation: s.activation,
          output: s.output,
          leakySlope: s.leakySlope,
          dtype: s.dtype,
          seed: s.seed,
          validation: parts.validation,
          test: parts.test,
          earlyStopping: s.earlyStopping === undefined ? undefined : { patience: s.earlyStopping },
          backend: backend.name,
          onProgress: (p) => progress.update(p),
          stepProgress: true,
          onWarning: (w) => progress.interrupt(`backprop: warning: ${w.message}`),
          signal: interrupt.signal,
          checkpoint: flags.checkpoint ? { path: flags.checkpoint, every: checkpointEvery } : undefined,
          resume,
        }).catch((err: unknown) => {
          // a checkpoint that does not fit this training (layers, λ, data …) is about the --resume file
          throw flags.resume !== undefined && (err as { code?: unknown }).code === 'ERR_CHECKPOINT' ? aboutFile('--resume', flags.resume, err) : err;
        });
        progress.finish();
        const interrupted = interrupt.interrupted;
        const t = model.training!;

        // Saved first, before anything else can fail; a failure here is kept until the summary is printed.
        const modelPath = flags.out;
        let modelError: unknown;
        if (modelPath !== undefined) {
          try {
            saveModel(modelPath, model);
          } catch (err) {
            modelError = err;
          }
        }
        const warn = (line: string): void => out.note(`backprop: warning: ${line}`);
        let reportPath: string | undefined;
        let reportModel: string | undefined;
        if (reportDir !== undefined) {
          const evalSet = parts.test ?? parts.validation ?? parts.train;
          const which = parts.test ? 'test set' : parts.validation ? 'validation set' : 'training set';
          let evaluation: Evaluation | undefined;
          try {
            evaluation = evaluate(model, evalSet, { lambda: s.lambda, backend: backend.name, set: `${ds.name} ${which}` });
          } catch (err) {
            warn(`confusion matrix not made: ${(err as Error).message}`);
          }
          const files = writeReport(reportDir, {
            model,
            evaluation,
            command: ['backprop', ...process.argv.slice(2)].join(' '),
            modelPath,
            settings: {
              data: `${ds.name} (${count(ds.X.rows, 'example')}, ${count(ds.X.cols, 'input')}, ${count(ds.K, 'class')})`,
              layers: architecture,
              dtype: s.dtype === 'float32' ? 'float32 (float32 compute, float64 optimiser state)' : 'float64',
              'λ (lambda)': s.lambda,
              method: s.method,
              'optimizer options': JSON.stringify(s.optimizer),
              'initial weights': initSummary(t.init.scheme, s.initRange),
              seed: s.seed,
              'validation fraction': s.validation,
              'early stopping': s.earlyStopping === undefined ? undefined : `patience ${s.earlyStopping}`,
              'test fraction': s.test,
              backend: `${backend.name} (${threads})`,
              'resumed from': flags.resume,
              interrupted: interrupted ? 'yes (Ctrl-C / SIGTERM): the best parameters so far' : undefined,
            },
          }, warn);
          reportPath = files.report;
          reportModel = files.model;
          // The report's model.json is the final model only when there is no --out; otherwise it is a side output.
          if (files.modelError !== undefined) {
            if (modelPath === undefined) modelError ??= files.modelError;
            else warn(`${files.problems[0]} (the model is saved as ${modelPath})`);
          }
        }
        const savedModel = modelError === undefined ? (modelPath ?? reportModel) : undefined;

        out.say(`${interrupted ? 'interrupted' : 'trained'} ${architecture} on ${ds.name} with ${s.method}, λ = ${s.lambda}`);
        const rows: [string, string][] = [
          ['status', `${t.status} (${t.message})`],
          ['training accuracy', percent(t.trainAccuracy)],
        ];
        if (t.validationAccuracy !== undefined) rows.push(['validation accuracy', percent(t.validationAccuracy)]);
        if (t.testAccuracy !== undefined) rows.push(['test accuracy', percent(t.testAccuracy)]);
        rows.push(
          finalCostRow(s.method, t.cost, t.kept?.epoch),
          ['iterations', `${t.nit} (${t.nfev} evaluations)`],
          ['time', `${duration(t.seconds)} on the ${t.backend} backend (${threads})`],
        );
        // paths as given, unless they climb out of the working directory (e.g. `nx run cli:train`)
        const shown = (p: string): string => (p.startsWith('..') ? resolve(p) : p);
        if (savedModel) rows.push(['model', shown(savedModel)]);
        if (reportPath) rows.push(['report', shown(reportPath)]);
        for (const [k, v] of rows) out.say(`  ${k.padEnd(20)}${v}`);
        // The run's one failure: the model is not where it was asked for. Its parameters go to a fallback file.
        if (modelError !== undefined) throw rescueModel(model, modelError);

        out.result({
          status: t.status,
          message: t.message,
          interrupted,
          trainAccuracy: t.trainAccuracy,
          validationAccuracy: t.validationAccuracy,
          testAccuracy: t.testAccuracy,
          cost: t.cost,
          nit: t.nit,
          nfev: t.nfev,
          seconds: t.seconds,
          backend: t.backend,
          threads: backend.getThreads(),
          method: s.method,
          lambda: s.lambda,
          layers,
          architecture,
          activations,
          dtype: s.dtype,
          init: initFlagName(t.init.scheme),
          data: ds.name,
          m: parts.train.X.rows,
          model: savedModel ? resolve(savedModel) : null,
          report: reportPath ? resolve(reportPath) : null,
          checkpoint: flags.checkpoint ? resolve(flags.checkpoint) : null,
          optimizer: s.optimizer,
          earlyStopping: s.earlyStopping ?? null,
          kept: t.kept ?? null,
        });
        return interrupted ? EXIT_INTERRUPTED : 0;
      } finally {
        interrupt.dispose();
      }
    },
  );
}

/** The printed final cost, named for what it is: for adam/sgd the mean minibatch cost of the last epoch. */
function finalCostRow(method: string, cost: number, keptEpoch?: number): [string, string] {
  const label = finalCostLabel(method, keptEpoch);
  return [label.name, `${cost.toPrecision(6)}${label.note ? ` (${label.note})` : ''}`];
}
