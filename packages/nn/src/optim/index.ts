/** The public surface of the optimisers: one front door (`minimize` / `minimizeAsync`) and its vocabulary. */
export { minimize, minimizeAsync } from './minimize.js';
export { methodNames, optimizerMethod, optimizerMethods, type MethodInfo, type MethodName, type OptionInfo } from './registry.js';
export { BudgetSpentError, NonFiniteObjectiveError } from './errors.js';
export type {
  AsyncObjective,
  IterationInfo,
  IterationRecord,
  MinimizeOptions,
  Objective,
  OptimizeResult,
  Spent,
  Status,
} from './types.js';
export type { TncOptions } from './tnc/tnc.js';
export type { CgOptions } from './cg.js';
export type { LbfgsOptions } from './lbfgs.js';
export type { AdamOptions } from './adam.js';
export type { AdamKernel } from './adam-step.js';
export type { SgdOptions } from './sgd.js';
export type { MinibatchState } from './minibatch.js';
export type { Schedule } from './schedule.js';
