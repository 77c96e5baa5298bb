import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_LEAKY_SLOPE, modelFromJson } from '@backprop/nn';
import type { JobOutcome, TrainJob } from '@backprop/queue';
import type { DataFlags } from '../dataset.js';
import type { Output } from '../output.js';
import type { Outcome, PoolOptions } from '../sweep/pool.js';
import type { SweepConfig } from '../sweep/protocol.js';
import { UsageError } from '../usage.js';
import { loadQueue } from './load.js';

/** The sweep flags the queue reads. */
export interface QueueFlags extends DataFlags {
  queue?: string;
  resume?: string;
  cancel?: string;
  data: string;
  validation: string;
}

function queueUrl(flags: QueueFlags): string {
  if (flags.queue === undefined) throw new UsageError('--resume and --cancel need --queue URL (the Redis the sweep went through)');
  return flags.queue;
}

/** `--queue URL`'s form, checked before any work: a URL that is not redis:// is a usage error naming the flag (exit 2). */
export async function checkQueueUrl(flags: QueueFlags): Promise<void> {
  const url = queueUrl(flags);
  const { parseRedisUrl, QueueUrlError } = await loadQueue();
  try {
    parseRedisUrl(url);
  } catch (err) {
    if (err instanceof QueueUrlError) throw new UsageError(`--queue: ${err.message}`);
    throw err;
  }
}

/**
 * Redis must answer PING before the sweep says anything about it: otherwise one line names the URL (without its
 * password) and why, and nothing has been claimed as queued.
 */
export async function checkQueue(flags: QueueFlags): Promise<void> {
  const { connect } = await loadQueue();
  const { redis } = await connect(queueUrl(flags));
  await redis.quit();
}

function checkSweepId(id: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new UsageError(`--resume/--cancel: expected a sweep id (letters, digits, _ and -), got ${JSON.stringify(id)}`);
  return id;
}

/** Where the workers find the data: a built-in name, or the file's absolute path and its SHA-256. */
function dataRef(spec: string, validation: number, flags: DataFlags): TrainJob['data'] {
  if (spec.startsWith('builtin:') || !/[./\\]/.test(spec)) return { spec: spec.startsWith('builtin:') ? spec : `builtin:${spec}`, validation };
  const path = resolve(spec);
  const ref: TrainJob['data'] = { spec: path, sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), validation };
  if (/\.csv$/i.test(spec)) {
    ref.csv = {};
    if (flags.labelColumn !== undefined) ref.csv.labelColumn = flags.labelColumn;
    if (flags.labels !== undefined) ref.csv.labels = flags.labels;
    if (flags.header !== undefined) ref.csv.header = flags.header;
  }
  return ref;
}

/** A configuration's hidden activations, one per layer: absent is the seed's sigmoid, one name is every layer's. */
function activationPerLayer(c: SweepConfig): NonNullable<TrainJob['network']>['activation'] {
  const a = c.activation ?? ['sigmoid'];
  return a.length === 1 ? c.hidden.map(() => a[0]!) : [...a];
}

/**
 * `sweep --queue URL`: a drop-in for the local pool (same arguments, same outcomes), with one job per configuration
 * through Redis. The model comes back as its document, so the command ranks, prints and saves the results as it
 * does a local sweep's. The pool's worker and thread counts are the workers' business here (`backprop worker`).
 */
export function queuedPool(flags: QueueFlags, out: Output): (configs: SweepConfig[], options: PoolOptions) => Promise<Outcome[]> {
  const url = queueUrl(flags);
  return async (configs, options) => {
    const { runSweep, parseRedisUrl } = await loadQueue();
    const sweep = flags.resume !== undefined ? checkSweepId(flags.resume) : `s${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const data = dataRef(flags.data, Number(flags.validation), flags);
    const { setup } = options;
    const jobs: TrainJob[] = configs.map((c) => ({
      version: 1,
      sweep,
      index: c.index,
      lambda: c.lambda,
      hidden: c.hidden,
      data,
      method: setup.method,
      optimizer: setup.optimizer as TrainJob['optimizer'],
      initRange: setup.initRange,
      seed: setup.seed,
      backend: setup.backend,
      network: {
        // one activation per hidden layer, as the job schema wants (the grid's "relu" means every layer relu)
        activation: activationPerLayer(c),
        output: setup.output ?? 'sigmoid',
        leakySlope: setup.leakySlope ?? DEFAULT_LEAKY_SLOPE,
        init: setup.init ?? 'auto',
      },
      ...(c.dtype ? { dtype: c.dtype } : {}),
    }));
    const workers = new Map<string, number>();
    const workerNumber = (name: string | undefined): number => {
      if (name === undefined) return 0;
      if (!workers.has(name)) workers.set(name, workers.size + 1);
      return workers.get(name)!;
    };
    const seen = new Map<number, Outcome>();
    const toOutcome = (o: JobOutcome): Outcome => {
      const config = configs[o.index]!;
      const outcome: Outcome =
        seen.get(o.index) ??
        (o.ok
          ? { config, ok: true, summary: o.result.summary, model: modelFromJson(o.result.model), worker: workerNumber(o.result.worker) }
          : { config, ok: false, error: o.error, worker: workerNumber(o.worker) });
      seen.set(o.index, outcome);
      return outcome;
    };
    // a resume must find its sweep in Redis (else one "knows no sweep" line, nothing queued); the note comes once queued
    const outcomes = await runSweep({
      url, jobs, resume: flags.resume !== undefined, signal: options.signal,
      onQueued: () => out.note(`sweep ${sweep}: ${jobs.length} jobs queued on ${parseRedisUrl(url).shown} for \`backprop worker\`s; after Ctrl-C, --resume ${sweep} or --cancel ${sweep}`),
      onOutcome: (o) => options.onOutcome?.(toOutcome(o)),
    });
    return outcomes.map(toOutcome);
  };
}

/** `sweep --queue URL --cancel ID`. */
export async function cancelQueued(flags: QueueFlags, out: Output): Promise<number> {
  const { cancelSweep } = await loadQueue();
  const id = checkSweepId(flags.cancel!);
  await checkQueueUrl(flags);
  const report = await cancelSweep(queueUrl(flags), id);
  out.say(`sweep ${id} cancelled: ${report.removed} waiting jobs removed, ${report.finished} finished results dropped, ${report.running} running (they finish unheeded)`);
  out.result({ status: 'cancelled', sweep: id, ...report });
  return 0;
}
