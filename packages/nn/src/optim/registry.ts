import { adam } from './adam.js';
import { cg } from './cg.js';
import { lbfgs } from './lbfgs.js';
import { sgd } from './sgd.js';
import { tnc } from './tnc/tnc.js';
import type { OptimizerMethod } from './types.js';

/** Every method `minimize` knows, by name. Adding a method = one module + one entry here. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const methods: ReadonlyMap<string, OptimizerMethod<any>> = new Map(
  [tnc, cg, lbfgs, adam, sgd].map((m) => [m.name, m]),
);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function optimizerFor(name: unknown): OptimizerMethod<any> | undefined {
  return typeof name === 'string' ? methods.get(name) : undefined;
}

export function methodNames(): string[] {
  return [...methods.keys()];
}
