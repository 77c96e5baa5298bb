import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { describeNetwork, MAX_THREADS, resolveBackend, saveModel, SEED, type BackendChoice, type Dataset } from '@backprop/nn';
import { defineCommand, examples, type CommonOptions } from '../command.js';
import { DATA_HELP, loadData, split } from '../dataset.js';
import { methodOptions, parseMethodFlags, type MethodFlags } from '../optimizer.js';
import { duration, percent, table } from '../output.js';
import * as parse from '../parse.js';
import { activationCountError, activationSettings, idleNetworkFlags, networkOptions, type NetworkFlags } from '../network.js';
import { checkOutputs } from '../paths.js';
import { Interrupt } from '../signals.js';
import { activationChoices, activationLabel, dtypeChoices, grid, hiddenChoices, lambdaChoices } from '../sweep/grid.js';
import { runPool, type Outcome } from '../sweep/pool.js';
import { crossEntropyOf, rankResults } from '../sweep/rank.js';
import { rescueModel } from '../rescue.js';
import { EXIT_FAILURE, EXIT_INTERRUPTED } from '../usage.js';

interface SweepFlags extends CommonOptions, MethodFlags, NetworkFlags {
  data: string;
  lambda: string;
  hidden: string;
  workers?: string;
  threadsPerWorker: string;
  initRange: string;
  seed: string;
  validation: string;
  backend: string;
  out: string;
  queue?: string;
  resume?: string;
  cancel?: string;
}

type Done = Extract<Outcome, { ok: true }>;

/** A finished training with the cross-entropy it is ranked by (sweep/rank.ts). */
type Ranked = Done & { crossEntropy: number };

/** The ranking set's cross-entropy without λ's penalty; NaN (ranked last among equals) if it cannot be computed. */
function withCrossEntropy(o: Done, set: Dataset, backend: BackendChoice): Ranked {
  let crossEntropy = NaN;
  try {
    crossEntropy = crossEntropyOf(o.model, set, backend);
  } catch {
    // a model the set does not fit cannot happen here (every training ran on this data); it only loses its tie-break
  }
  return { ...o, crossEntropy };
}

export function sweepCommand() {
  return defineCommand<SweepFlags>(
    'sweep',
    {
      summary: 'train a λ × hidden × activation × dtype grid in parallel worker threads, keep the best',
      description:
        'Train a grid of λ × hidden-layer × activation × dtype settings in parallel worker threads, rank them by validation ' +
          'accuracy (ties: the lower validation cross-entropy without the λ penalty, then the grid order) and save the best model.',
    },
    (cmd) =>
      methodOptions(
        networkOptions(
          cmd
            .option('--lambda <list>', 'λ values, comma-separated', '0.1,1,3,10')
            .option('--hidden <list>', 'hidden layer choices, comma-separated; layers of one network joined by x (25,50,256x128)', SEED.hidden.join('x')),
          { axes: true },
        )
          .option('--workers <n>', 'worker threads (default: one per core, at most one per configuration)')
          .option('--threads-per-worker <n>', 'BLAS threads in each worker', '1')
          .option('--data <spec>', DATA_HELP, `builtin:${SEED.dataset}`),
        'per training',
      )
        .option('--init-range <r>', 'initial weights uniform in [−r, r]', String(SEED.initRange))
        .option('--seed <n>', 'seed for initialisation and the validation split', String(SEED.seed))
        .option('--validation <fraction>', 'fraction held out to rank the settings', '0.2')
        .option('--backend <name>', 'auto, native or ts', 'auto')
        .option('--out <file>', 'where to save the best model (folders are created)', 'reports/sweep/best.json')
        .option('--queue <url>', 'train on `backprop worker`s through Redis: redis://[:password@]host:port[/db]')
        .option('--resume <id>', 'with --queue: wait again for sweep ID (same flags); nothing finished is retrained')
        .option('--cancel <id>', 'with --queue: cancel sweep ID (its waiting jobs are removed) and exit')
        .addHelpText(
          'after',
          examples([
            'backprop sweep --lambda 0.1,1,3,10 --hidden 25,50 --workers 2',
            'backprop sweep --lambda 1,10 --hidden 25 --maxfun 100 --json',
            'backprop sweep --lambda 0.1,1 --hidden 64 --activation sigmoid,tanh,relu --output softmax --method adam --epochs 5',
            'backprop sweep --lambda 0,1 --hidden 64 --activation relu --output softmax --dtype float64,float32 --method adam --epochs 3',
          ]),
        ),
    async (flags, out, command) => {
      const queued = flags.queue !== undefined || flags.resume !== undefined || flags.cancel !== undefined ? await import('../queue/submit.js') : undefined;
      if (queued && flags.cancel !== undefined) return queued.cancelQueued(flags, out);
      // the URL's form first (a usage error, before any work); whether Redis answers, just before the plan is printed
      if (queued) await queued.checkQueueUrl(flags);
      const lambdas = lambdaChoices(flags.lambda);
      const hiddens = hiddenChoices(flags.hidden);
      const activations = activationChoices(flags.activation);
      const dtypes = dtypeChoices(flags.dtype);
      // The network flags other than --activation and --dtype are one setting for every training (those two are axes).
      const net = activationSettings({ ...flags, activation: 'sigmoid', dtype: dtypes[0] }, 1);
      // dtype is shown (and given to the trainings) when the grid has a dtype axis: a float64 sweep runs as before.
      const dtypeAxis = dtypes.length > 1 || dtypes[0] !== 'float64';
      const { method, optimizer } = parseMethodFlags(flags);
      // A per-layer list must fit every hidden choice: refused here, not in every worker.
      for (const a of activations) {
        const misfit = a.length > 1 ? hiddens.find((h) => h.length !== a.length) : undefined;
        if (misfit) throw activationCountError('--activation', a.join('+'), a.length, misfit.length, ` of --hidden ${misfit.join('x')}`);
      }
      const configs = grid(lambdas, hiddens, activations, dtypeAxis ? dtypes : undefined);
      const networks = configs.map((c) => {
        const a = c.activation ?? ['sigmoid'];
        const hidden = a.length === 1 ? c.hidden.map(() => a[0]) : a;
        return { layers: [1, ...c.hidden, 1], activations: { hidden, output: net.output, leakySlope: net.leakySlope } };
      });
      for (const line of idleNetworkFlags(command, networks, net.init)) out.note(`backprop: warning: ${line}`);
      // Activations are shown when the grid has an activation axis (a sweep of the seed's networks prints as before).
      const axis = activations.length > 1 || activations[0].some((a) => a !== 'sigmoid');
      const workers = flags.workers === undefined ? Math.min(availableParallelism(), configs.length) : parse.integer('--workers', flags.workers, { min: 1, max: 256 });
      const threads = parse.integer('--threads-per-worker', flags.threadsPerWorker, { min: 1, max: MAX_THREADS });
      const validation = parse.number('--validation', flags.validation, { min: 0, max: 0.9 });
      const seed = parse.integer('--seed', flags.seed, { min: 0, max: Number.MAX_SAFE_INTEGER });
      const initRange = parse.number('--init-range', flags.initRange, { above: 0 });
      const backend = parse.choice('--backend', flags.backend, ['auto', 'native', 'ts'] as const);
      const resolved = resolveBackend(backend).name; // fail fast here rather than in every worker
      checkOutputs({ out: flags.out });
      const ds = loadData(flags.data, '--data', flags);
      const parts = split(ds, validation, 0, seed);
      if (!parts.validation) out.note('backprop: note: --validation 0: ranking by training accuracy');
      if (queued) await queued.checkQueue(flags);

      out.note(
        `sweep: ${configs.length} trainings (λ ∈ {${lambdas.join(', ')}} × hidden ∈ {${hiddens.map((h) => h.join('x')).join(', ')}}` +
          `${axis ? ` × activation ∈ {${activations.map(activationLabel).join(', ')}}` : ''}` +
          `${dtypeAxis ? ` × dtype ∈ {${dtypes.join(', ')}}` : ''}) ` +
          `of ${ds.name} with ${method} ` +
          (queued
            ? 'through the Redis queue, on the `backprop worker` processes that take them'
            : `on ${Math.min(workers, configs.length)} worker${workers === 1 ? '' : 's'} × ${threads} BLAS thread${threads === 1 ? '' : 's'} (${resolved})`),
      );
      const interrupt = new Interrupt(() => out.note('interrupted: stopping the running trainings (Ctrl-C again to quit at once without saving)'));
      const started = Date.now();
      let finished = 0;
      let outcomes: Outcome[];
      try {
        outcomes = await (queued ? queued.queuedPool(flags, out) : runPool)(configs, {
          workers,
          signal: interrupt.signal,
          setup: {
            train: parts.train, validation: parts.validation, method, optimizer, initRange, seed, backend: resolved, threads,
            output: net.output, leakySlope: net.leakySlope, init: net.init,
          },
          onOutcome: (o) => {
            finished++;
            const what =
              `λ = ${o.config.lambda}, hidden ${o.config.hidden.join('x')}${axis ? ` ${activationLabel(o.config.activation)}` : ''}` +
              `${dtypeAxis ? ` ${o.config.dtype ?? 'float64'}` : ''}`;
            out.note(
              o.ok
                ? `[${finished}/${configs.length}] ${what}: validation ${percent(o.summary.validationAccuracy)}, training ${percent(o.summary.trainAccuracy)}, ${duration(o.summary.seconds)} (worker ${o.worker})`
                : `[${finished}/${configs.length}] ${what}: FAILED in worker ${o.worker}: ${o.error}`,
            );
          },
        });
      } finally {
        interrupt.dispose();
      }
      const wallSeconds = (Date.now() - started) / 1000;
      // Best first (sweep/rank.ts): accuracy on the validation set (the training set with --validation 0), then that
      // set's cross-entropy without λ's penalty, then the grid's order.
      const rankingSet = parts.validation ?? parts.train;
      const done = rankResults(outcomes.filter((o): o is Done => o.ok).map((o) => withCrossEntropy(o, rankingSet, resolved)));
      const failed = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);

      const rows = done.map((o, i) => [
        String(i + 1),
        String(o.config.lambda),
        o.config.hidden.join('x'),
        ...(axis ? [activationLabel(o.config.activation)] : []),
        ...(dtypeAxis ? [o.config.dtype ?? 'float64'] : []),
        percent(o.summary.validationAccuracy),
        percent(o.summary.trainAccuracy),
        o.crossEntropy.toPrecision(5),
        o.summary.cost.toPrecision(5),
        String(o.summary.nit),
        String(o.summary.nfev),
        duration(o.summary.seconds),
        o.summary.status,
      ]);
      for (const o of failed) {
        const network = [
          o.config.hidden.join('x'), ...(axis ? [activationLabel(o.config.activation)] : []), ...(dtypeAxis ? [o.config.dtype ?? 'float64'] : []),
        ];
        rows.push(['-', String(o.config.lambda), ...network, '—', '—', '—', '—', '—', '—', '—', `failed: ${o.error}`]);
      }
      const header = [
        '#', 'λ', 'hidden', ...(axis ? ['activation'] : []), ...(dtypeAxis ? ['dtype'] : []), 'validation', 'training', 'cross-entropy', 'cost', 'nit', 'nfev', 'time', 'status',
      ];
      for (const line of table(header, rows, `rrr${axis ? 'l' : ''}${dtypeAxis ? 'l' : ''}rrrrrrrl`)) out.say(line);

      const best = done[0];
      // The sweep's one output: when it cannot be written, the best model goes to a fallback file (exit 1).
      let saveError: unknown;
      if (best) {
        try {
          saveModel(flags.out, best.model);
          out.say(`best: λ = ${best.config.lambda}, ${describeNetwork(best.model.layers, best.model.activations, best.model.dtype)} → ${flags.out}`);
        } catch (err) {
          saveError = err;
        }
      }
      const perMinute = wallSeconds > 0 ? (done.length * 60) / wallSeconds : 0;
      out.say(`${done.length} trained, ${failed.length} failed in ${duration(wallSeconds)}: ${perMinute.toFixed(1)} trainings/min`);

      if (best && saveError !== undefined) throw rescueModel(best.model, saveError);
      out.result({
        status: interrupt.interrupted ? 'interrupted' : failed.length === 0 ? 'ok' : done.length > 0 ? 'partial' : 'failed',
        results: [
          ...done.map((o) => ({
            lambda: o.config.lambda, hidden: o.config.hidden, activation: o.config.activation, dtype: o.config.dtype ?? 'float64', ok: true,
            architecture: describeNetwork(o.model.layers, o.model.activations, o.model.dtype), ...o.summary, crossEntropy: o.crossEntropy, worker: o.worker,
          })),
          ...failed.map((o) => ({ lambda: o.config.lambda, hidden: o.config.hidden, activation: o.config.activation, dtype: o.config.dtype ?? 'float64', ok: false, error: o.error, worker: o.worker })),
        ],
        best: best ? {
          lambda: best.config.lambda, hidden: best.config.hidden, activation: best.config.activation, dtype: best.config.dtype ?? 'float64',
          architecture: describeNetwork(best.model.layers, best.model.activations, best.model.dtype), validationAccuracy: best.summary.validationAccuracy, trainAccuracy: best.summary.trainAccuracy } : null,
        model: best ? resolve(flags.out) : null,
        configurations: configs.length,
        completed: done.length,
        failed: failed.length,
        workers: Math.min(workers, configs.length),
        threadsPerWorker: threads,
        wallSeconds,
        trainingsPerMinute: perMinute,
        method,
        backend: resolved,
      });
      if (interrupt.interrupted) return EXIT_INTERRUPTED;
      if (!best) {
        out.note(`backprop: error: every training failed (first: ${failed[0]?.error ?? 'none ran'})`);
        return EXIT_FAILURE;
      }
      return 0;
    },
  );
}
