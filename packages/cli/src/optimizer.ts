import { SEED, type TrainMethod } from '@backprop/nn';
import type { Command } from 'commander';
import * as parse from './parse.js';
import type { ProgressPlan } from './progress.js';
import { UsageError } from './usage.js';

export const METHODS: readonly TrainMethod[] = ['tnc', 'cg', 'lbfgs', 'adam', 'sgd'];

/** The optimiser knobs the command line offers (already parsed to numbers). */
export interface OptimizerFlags {
  maxfun?: number;
  maxiter?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
}

/** Which flags each method understands, and the option names `minimize` knows them by. */
const FLAGS: Record<TrainMethod, Partial<Record<keyof OptimizerFlags, string>>> = {
  tnc: { maxfun: 'maxfun' },
  cg: { maxiter: 'maxIter', maxfun: 'maxIter' },
  lbfgs: { maxiter: 'maxIter', maxfun: 'maxfun' },
  adam: { epochs: 'epochs', batchSize: 'batchSize', lr: 'learningRate' },
  sgd: { epochs: 'epochs', batchSize: 'batchSize', lr: 'learningRate' },
};

const FLAG_NAMES: Record<keyof OptimizerFlags, string> = {
  maxfun: '--maxfun',
  maxiter: '--maxiter',
  epochs: '--epochs',
  batchSize: '--batch-size',
  lr: '--lr',
};

/**
 * Command-line flags → `train`'s `optimizer` options for the method. A flag the method does not use is an error
 * (rather than silently ignored). tnc defaults to the seed's budget (SEED.optimizer.maxfun: 300 evaluations);
 * cg's --maxfun N is the course's * fmincg length −N (a budget of N evaluations).
 */
export function optimizerOptions(method: TrainMethod, flags: OptimizerFlags): Record<string, unknown> {
  const accepted = FLAGS[method];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(FLAG_NAMES) as (keyof OptimizerFlags)[]) {
    const value = flags[key];
    if (value === undefined) continue;
    const name = accepted[key];
    if (!name) {
      const usable = Object.keys(accepted).map((k) => FLAG_NAMES[k as keyof OptimizerFlags]);
      throw new UsageError(`${FLAG_NAMES[key]} does not apply to --method ${method} (it takes ${usable.join(', ')})`);
    }
    if (method === 'cg' && key === 'maxfun') {
      if (flags.maxiter !== undefined) throw new UsageError('--method cg: give --maxiter (line searches) or --maxfun (evaluations), not both');
      out.maxIter = -value;
    } else {
      out[name] = value;
    }
  }
  if (method === SEED.method && out.maxfun === undefined) out.maxfun = SEED.optimizer.maxfun;
  return out;
}

/** --method and the optimiser's budget flags as commander leaves them (train and sweep take the same ones). */
export interface MethodFlags {
  method: string;
  maxfun?: string;
  maxiter?: string;
  epochs?: string;
  batchSize?: string;
  lr?: string;
}

/** Declares --method and the budget flags on a command (`each`, e.g. "per training", qualifies the budgets). */
export function methodOptions(cmd: Command, each = ''): Command {
  const budget = each === '' ? '' : ` ${each}`;
  return cmd
    .option('--method <name>', `optimiser: ${METHODS.join(', ')}`, SEED.method)
    .option('--maxfun <n>', `budget of cost/gradient evaluations${budget} (tnc: default ${String(SEED.optimizer.maxfun)}; lbfgs; cg: fmincg length −n)`)
    .option('--maxiter <n>', `budget of iterations${budget} (cg line searches, lbfgs iterations)`)
    .option('--epochs <n>', 'passes over the data (adam, sgd; default 10)')
    .option('--batch-size <n>', 'minibatch size (adam, sgd; default 128)')
    .option('--lr <x>', 'learning rate (adam default 0.001, sgd default 0.1)');
}

/** The method and `train`'s optimizer options from --method and the budget flags (checked, see optimizerOptions). */
export function parseMethodFlags(f: MethodFlags): { method: TrainMethod; optimizer: Record<string, unknown> } {
  const method = parse.choice('--method', f.method, METHODS);
  const int = (name: string, v: string | undefined): number | undefined =>
    v === undefined ? undefined : parse.integer(name, v, { min: 1 });
  const optimizer = optimizerOptions(method, {
    maxfun: int('--maxfun', f.maxfun),
    maxiter: int('--maxiter', f.maxiter),
    epochs: int('--epochs', f.epochs),
    batchSize: int('--batch-size', f.batchSize),
    lr: f.lr === undefined ? undefined : parse.number('--lr', f.lr, { above: 0 }),
  });
  return { method, optimizer };
}

/** What the progress bar counts towards for a method with these options. */
export function progressPlan(method: TrainMethod, options: Record<string, unknown>): ProgressPlan {
  const n = (k: string): number | undefined => (typeof options[k] === 'number' ? (options[k] as number) : undefined);
  switch (method) {
    case 'tnc':
      return { method, unit: 'evaluations', total: n('maxfun') };
    case 'cg': {
      const length = n('maxIter') ?? 100;
      return length < 0 ? { method, unit: 'evaluations', total: -length } : { method, unit: 'iterations', total: length };
    }
    case 'lbfgs':
      return n('maxIter') !== undefined
        ? { method, unit: 'iterations', total: n('maxIter') }
        : { method, unit: 'evaluations', total: n('maxfun') };
    default:
      return { method, unit: 'epochs', total: n('epochs') ?? 10 };
  }
}
