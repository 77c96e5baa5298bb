import { InvalidArgumentError } from '../errors.js';
import { BudgetSpentError } from './errors.js';

/** How a received value is shown in an error message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as Float64Array).length}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Merge the user's method options over the method's defaults. Unknown keys are rejected, naming them and the
 * valid ones; keys explicitly set to `undefined` take the default.
 */
export function mergeOptions<O extends object>(
  method: string,
  defaults: Readonly<O>,
  given: Record<string, unknown> | undefined,
): O {
  if (given === undefined) return { ...defaults };
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new InvalidArgumentError(`options.options must be an object of ${method} options; received ${describe(given)}`);
  }
  rejectUnknown(method, given, Object.keys(defaults));
  const merged: Record<string, unknown> = { ...defaults };
  for (const [k, v] of Object.entries(given)) if (v !== undefined) merged[k] = v;
  return merged as O;
}

/** Throws naming the keys of `given` that are not `valid` options of `what`, and the valid ones (then `hint`). */
export function rejectUnknown(what: string, given: object, valid: readonly string[], hint = ''): void {
  const unknown = Object.keys(given).filter((k) => !valid.includes(k));
  if (unknown.length === 0) return;
  throw new InvalidArgumentError(
    `unknown ${what} option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; ` +
      `valid options are: ${valid.join(', ')}${hint}`,
  );
}

/** What a number must be: integer; above (>), atLeast (≥), below (<), atMost (≤) a bound; infinite: ±Infinity too. */
export interface NumberRule {
  integer?: boolean;
  above?: number;
  atLeast?: number;
  below?: number;
  atMost?: number;
  infinite?: boolean;
}

/** "an integer ≥ 1", "a finite number > 0 < 1": what a number obeying `rule` is. */
function numberText(rule: NumberRule): string {
  const parts: string[] = [rule.integer ? 'an integer' : rule.infinite ? 'a number' : 'a finite number'];
  if (rule.above !== undefined) parts.push(`> ${rule.above}`);
  if (rule.atLeast !== undefined) parts.push(`≥ ${rule.atLeast}`);
  if (rule.below !== undefined) parts.push(`< ${rule.below}`);
  if (rule.atMost !== undefined) parts.push(`≤ ${rule.atMost}`);
  return parts.join(' ');
}

/** Throws unless `value` is a number obeying `rule`; the message names `options.<name>`, what and what not. */
export function checkNumber(method: string, name: string, value: unknown, rule: NumberRule = {}): void {
  const ok =
    typeof value === 'number' &&
    !Number.isNaN(value) &&
    (rule.infinite || Number.isFinite(value)) &&
    (!rule.integer || Number.isSafeInteger(value)) &&
    (rule.above === undefined || value > rule.above) &&
    (rule.atLeast === undefined || value >= rule.atLeast) &&
    (rule.below === undefined || value < rule.below) &&
    (rule.atMost === undefined || value <= rule.atMost);
  if (!ok) {
    throw new InvalidArgumentError(`${method} option '${name}' must be ${numberText(rule)}; received ${describe(value)}`);
  }
}

/**
 * A per-variable vector option (bounds, scale, offset): `null` (absent), one number for every variable, or an
 * array / Float64Array of n numbers. Returns a Float64Array of length n or null.
 */
export function vectorOption(
  method: string,
  name: string,
  value: unknown,
  n: number,
  rule: { allowInfinite?: boolean } = {},
): Float64Array | null {
  if (value === null || value === undefined) return null;
  const bad = (): never => {
    throw new InvalidArgumentError(
      `${method} option '${name}' must be null, a number or an array of ${n} numbers` +
        `${rule.allowInfinite ? ' (±Infinity allowed)' : ' (finite)'}; received ${describe(value)}`,
    );
  };
  let out: Float64Array;
  if (typeof value === 'number') out = new Float64Array(n).fill(value);
  else if (Array.isArray(value) || value instanceof Float64Array) {
    if (value.length !== n) bad();
    out = Float64Array.from(value as ArrayLike<number>);
  } else return bad();
  for (let i = 0; i < n; i++) {
    const v = out[i];
    if (typeof v !== 'number' || Number.isNaN(v) || (!rule.allowInfinite && !Number.isFinite(v))) bad();
  }
  return out;
}

/**
 * One option of a method: its default, the values it takes and one line of help. `accepts` is a number rule
 * (`null` allowed too with `nullable`), 'boolean', a list of choices, or the text of what the method's own
 * `validate` checks (vectors, options that depend on each other).
 */
export interface OptionSpec {
  readonly default: unknown;
  readonly accepts: (NumberRule & { nullable?: boolean }) | 'boolean' | { oneOf: readonly string[] } | string;
  readonly help: string;
}

export type OptionSpecs<O> = { readonly [K in keyof O]: OptionSpec };

/** The options a table of specs describes, each of its default's type (for tables whose defaults say it all). */
export type OptionsOf<S> = { -readonly [K in keyof S]: S[K] extends { readonly default: infer D } ? D : never };

/** The method's defaults, read from its specs. */
export function defaultsOf<O extends object>(specs: OptionSpecs<O>): O {
  return Object.fromEntries(Object.entries<OptionSpec>(specs).map(([k, spec]) => [k, spec.default])) as O;
}

/** What an option accepts, in words (the registry's `accepts`, the CLI's and the docs' help). */
export function acceptsText(spec: OptionSpec): string {
  const a = spec.accepts;
  if (typeof a === 'string') return a === 'boolean' ? 'true or false' : a;
  if ('oneOf' in a) return `one of ${a.oneOf.map((c) => `'${c}'`).join(', ')}`;
  return `${a.nullable ? 'null or ' : ''}${numberText(a)}`;
}

/** Checks every option with a rule (in the specs' order); options described in words are the method's to check. */
export function checkOptions<O extends object>(method: string, specs: OptionSpecs<O>, o: O): void {
  for (const [name, spec] of Object.entries<OptionSpec>(specs)) {
    const value = (o as Record<string, unknown>)[name];
    const a = spec.accepts;
    let ok = true;
    if (a === 'boolean') ok = typeof value === 'boolean';
    else if (typeof a === 'string') continue;
    else if ('oneOf' in a) ok = typeof value === 'string' && a.oneOf.includes(value);
    else if (!(a.nullable && value === null)) checkNumber(method, name, value, a);
    if (!ok) throw new InvalidArgumentError(`${method} option '${name}' must be ${acceptsText(spec)}; received ${describe(value)}`);
  }
}

/**
 * What is left of a budget of `total` after a previous run spent `spent` of it (resuming): at least 1, or a
 * BudgetSpentError naming the option (`label`, e.g. "evaluations (maxfun)").
 */
export function budgetLeft(method: string, label: string, option: string, total: number, spent: number): number {
  const left = total - spent;
  if (left >= 1) return left;
  throw new BudgetSpentError(
    `${method}: nothing left to do: the run being resumed already used ${spent} of the ${total} ${label} — ` +
      `budgets count the whole run; raise ${option} to go on`,
  );
}
