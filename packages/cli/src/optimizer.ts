import { MAX_BATCH_SIZE, MAX_EPOCHS, MAX_EVALUATIONS, optimizerMethod, optimizerMethods, SEED, type MethodInfo, type TrainMethod } from '@backprop/nn';
import type { Command } from 'commander';
import * as parse from './parse.js';
import type { ProgressPlan } from './progress.js';
import { UsageError } from './usage.js';

/** The methods, their options and defaults: read from @backprop/nn's optimiser registry, never restated here. */
const METHODS = optimizerMethods();
export const METHOD_NAMES: readonly TrainMethod[] = METHODS.map((m) => m.name);

/** --method and the optimiser's budget flags as commander leaves them (train and sweep take the same ones). */
export interface MethodFlags {
  method: string;
  maxfun?: string;
  maxiter?: string;
  epochs?: string;
  batchSize?: string;
  lr?: string;
}

type BudgetKey = Exclude<keyof MethodFlags, 'method'>;

/**
 * A budget flag sets the method option of the same meaning; it applies to the methods whose registry entry has
 * that option. One addition: cg's --maxfun N is the course's fmincg length −N (maxIter = −N, N evaluations).
 */
interface BudgetFlag {
  key: BudgetKey;
  flag: string;
  option: string;
  what: string;
  /** qualified by `each` ("per training") in a sweep */
  perRun?: boolean;
  parse: (name: string, raw: string) => number;
}

/** Upper bounds of the budget flags: @backprop/nn's, which a queued job's options obey too. */
export { MAX_BATCH_SIZE, MAX_EPOCHS, MAX_EVALUATIONS };

const upTo = (max: number) => (name: string, raw: string): number => parse.integer(name, raw, { min: 1, max });
const BUDGET_FLAGS: readonly BudgetFlag[] = [
  { key: 'maxfun', flag: '--maxfun <n>', option: 'maxfun', what: 'budget of cost/gradient evaluations', perRun: true, parse: upTo(MAX_EVALUATIONS) },
  { key: 'maxiter', flag: '--maxiter <n>', option: 'maxIter', what: 'budget of iterations', perRun: true, parse: upTo(MAX_EVALUATIONS) },
  { key: 'epochs', flag: '--epochs <n>', option: 'epochs', what: 'passes over the data', parse: upTo(MAX_EPOCHS) },
  { key: 'batchSize', flag: '--batch-size <n>', option: 'batchSize', what: 'minibatch size', parse: upTo(MAX_BATCH_SIZE) },
  { key: 'lr', flag: '--lr <x>', option: 'learningRate', what: 'learning rate', parse: (n, raw) => parse.number(n, raw, { above: 0 }) },
];

const flagName = (f: BudgetFlag): string => f.flag.split(' ')[0];
const optionOf = (m: MethodInfo, name: string) => m.options.find((o) => o.name === name);
const cgLength = (m: MethodInfo, f: BudgetFlag): boolean => m.name === 'cg' && f.key === 'maxfun';
const takes = (m: MethodInfo, f: BudgetFlag): boolean => optionOf(m, f.option) !== undefined || cgLength(m, f);

/** The default a bare command runs with: the seed's budget for the seed's method, else the registry's default. */
function defaultOf(m: MethodInfo, option: string): unknown {
  const seed = m.name === SEED.method ? (SEED.optimizer as Record<string, unknown>)[option] : undefined;
  return seed ?? optionOf(m, option)?.default;
}

/** "(adam, sgd; default 10)" or "(tnc default 300, lbfgs default 15000, cg: fmincg length −n)". */
function appliesTo(f: BudgetFlag): string {
  const users = METHODS.filter((m) => optionOf(m, f.option) !== undefined);
  const defaults = users.map((m) => defaultOf(m, f.option));
  const parts =
    users.length > 1 && defaults.every((d) => d === defaults[0])
      ? [`${users.map((m) => m.name).join(', ')}; default ${String(defaults[0])}`]
      : users.map((m, i) => (defaults[i] === null ? m.name : `${m.name} default ${String(defaults[i])}`));
  if (METHODS.some((m) => cgLength(m, f))) parts.push('cg: fmincg length −n');
  return `(${parts.join(', ')})`;
}

/** Declares --method and the budget flags on a command (`each`, e.g. "per training", qualifies the budgets). */
export function methodOptions(cmd: Command, each = ''): Command {
  cmd.option('--method <name>', `optimiser: ${METHOD_NAMES.join(', ')}`, SEED.method);
  for (const f of BUDGET_FLAGS) cmd.option(f.flag, `${f.what}${f.perRun && each !== '' ? ` ${each}` : ''} ${appliesTo(f)}`);
  return cmd;
}

/**
 * Command-line flags → `train`'s `optimizer` options for the method. A flag the method does not use is an error
 * (rather than silently ignored). The seed's method gets the seed's budget (SEED.optimizer) unless a flag sets it.
 */
export function optimizerOptions(method: TrainMethod, values: Partial<Record<BudgetKey, number>>): Record<string, unknown> {
  const info = optimizerMethod(method)!;
  const out: Record<string, unknown> = {};
  for (const f of BUDGET_FLAGS) {
    const value = values[f.key];
    if (value === undefined) continue;
    if (!takes(info, f)) {
      const usable = BUDGET_FLAGS.filter((g) => takes(info, g)).map(flagName);
      throw new UsageError(`${flagName(f)} does not apply to --method ${method} (it takes ${usable.join(', ')})`);
    }
    if (cgLength(info, f)) {
      if (values.maxiter !== undefined) throw new UsageError('--method cg: give --maxiter (line searches) or --maxfun (evaluations), not both');
      out.maxIter = -value;
    } else {
      out[f.option] = value;
    }
  }
  if (method === SEED.method) for (const [k, v] of Object.entries(SEED.optimizer)) out[k] ??= v;
  return out;
}

/** The method and `train`'s optimizer options from --method and the budget flags (checked, see optimizerOptions). */
export function parseMethodFlags(f: MethodFlags): { method: TrainMethod; optimizer: Record<string, unknown> } {
  const method = parse.choice('--method', f.method, METHOD_NAMES);
  const values: Partial<Record<BudgetKey, number>> = {};
  for (const b of BUDGET_FLAGS) {
    const raw = f[b.key];
    if (raw !== undefined) values[b.key] = b.parse(flagName(b), raw);
  }
  return { method, optimizer: optimizerOptions(method, values) };
}

/**
 * What the progress bar counts towards: epochs for a minibatch method; else iterations when maxIter is set (or is
 * the method's only budget), evaluations when it is negative (cg) or when maxfun is the budget.
 */
export function progressPlan(method: TrainMethod, options: Record<string, unknown>): ProgressPlan {
  const info = optimizerMethod(method)!;
  const given = (k: string): number | undefined => (typeof options[k] === 'number' ? (options[k] as number) : undefined);
  const fallback = (k: string): number | undefined => (optionOf(info, k)?.default as number | undefined) ?? undefined;
  if (info.minibatch) return { method, unit: 'epochs', total: given('epochs') ?? fallback('epochs') };
  const iterations = given('maxIter') ?? (optionOf(info, 'maxfun') ? undefined : fallback('maxIter'));
  if (iterations === undefined) return { method, unit: 'evaluations', total: given('maxfun') };
  return iterations < 0 ? { method, unit: 'evaluations', total: -iterations } : { method, unit: 'iterations', total: iterations };
}

/**
 * What a trained model's `training.cost` is: J(Θ) at the final weights for a full-batch method; for a minibatch
 * method (adam, sgd) the example-weighted mean minibatch cost over the last epoch, which is not J at the final Θ —
 * or over the epoch whose weights early stopping kept (`keptEpoch`).
 */
export function finalCostLabel(method: string, keptEpoch?: number): { name: string; note?: string } {
  if (!optimizerMethod(method as TrainMethod)?.minibatch) return { name: 'cost J(Θ)' };
  return keptEpoch === undefined
    ? { name: 'minibatch cost', note: 'mean over the last epoch, not J(Θ) at the final weights' }
    : { name: 'minibatch cost', note: `mean over epoch ${keptEpoch}, whose weights early stopping kept; not J(Θ) at them` };
}
