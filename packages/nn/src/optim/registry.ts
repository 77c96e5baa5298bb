import { adam } from './adam.js';
import { cg } from './cg.js';
import { lbfgs } from './lbfgs.js';
import { sgd } from './sgd.js';
import { tnc } from './tnc/tnc.js';
import { acceptsText, type OptionSpec } from './options.js';
import type { OptimizerMethod } from './types.js';

/** Every method `minimize` knows, in the order help texts list them. Adding a method = one module + one entry here. */
const METHODS = [tnc, cg, lbfgs, adam, sgd] as const;

/** The name of a registered method: 'tnc' | 'cg' | 'lbfgs' | 'adam' | 'sgd'. */
export type MethodName = (typeof METHODS)[number]['name'];

/** One option of a method: its name, its default, the values it accepts and one line of help, all in words. */
export type OptionInfo = Omit<OptionSpec, 'accepts'> & { readonly name: string; readonly accepts: string };

/** A method as help texts and front ends see it; `minibatch`: it takes `rows` and counts epochs (adam, sgd). */
export interface MethodInfo {
  readonly name: MethodName;
  readonly summary: string;
  readonly minibatch: boolean;
  readonly options: readonly OptionInfo[];
}

const byName: ReadonlyMap<string, OptimizerMethod<object>> = new Map(METHODS.map((m) => [m.name, m]));

export function optimizerFor(name: unknown): OptimizerMethod<object> | undefined {
  return typeof name === 'string' ? byName.get(name) : undefined;
}

export function methodNames(): MethodName[] {
  return METHODS.map((m) => m.name);
}

/** What the registry knows about each method (names, options with defaults and help), without the algorithms. */
export function optimizerMethods(): MethodInfo[] {
  return METHODS.map((m) => ({
    name: m.name,
    summary: m.summary,
    minibatch: 'batchSize' in m.options,
    options: Object.entries<OptionSpec>(m.options).map(([name, spec]) => ({
      name,
      default: spec.default,
      accepts: acceptsText(spec),
      help: spec.help,
    })),
  }));
}

/** The description of one method; undefined for a name the registry does not know. */
export function optimizerMethod(name: string): MethodInfo | undefined {
  return optimizerMethods().find((m) => m.name === name);
}
