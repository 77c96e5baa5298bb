import { UsageError } from './usage.js';
import { count } from './plural.js';

/**
 * Option-value parsers. Each names the option, says what it expects and echoes what it got, e.g.
 * `--lambda: expected a number >= 0, got "-1"`.
 */

export function number(name: string, raw: string, rule: { min?: number; above?: number; max?: number } = {}): number {
  const v = raw.trim() === '' ? NaN : Number(raw);
  const want = [
    rule.above !== undefined ? `> ${rule.above}` : rule.min !== undefined ? `>= ${rule.min}` : '',
    rule.max !== undefined ? `<= ${rule.max}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  if (!Number.isFinite(v) || v < (rule.min ?? -Infinity) || !(v > (rule.above ?? -Infinity)) || v > (rule.max ?? Infinity)) {
    throw new UsageError(`${name}: expected a number${want ? ` ${want}` : ''}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

/**
 * Integers in any decimal notation whose value is whole: "300", "+3", "300.0", "1e3" (as --lambda takes "1e-3");
 * not hex, not "1.5". Every integer flag has a whole range, stated in its message: "expected an integer from 1 to
 * 10000000". The bounds stay within 2^53, where every integer is exact.
 */
const DECIMAL = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** The integer `raw` writes (notation as above) when it is one within [min, max], else undefined. */
export function integerIn(raw: string, min: number, max: number): number | undefined {
  const v = DECIMAL.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(v) && v >= min && v <= max ? (v === 0 ? 0 : v) : undefined;
}

export function integer(name: string, raw: string, rule: { min: number; max: number }): number {
  const v = integerIn(raw, rule.min, rule.max);
  if (v === undefined) {
    throw new UsageError(`${name}: expected an integer from ${rule.min} to ${rule.max}, got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** Largest layer size any command takes (a 10^6-unit layer already needs 8 MB per input feature). */
export const MAX_LAYER_SIZE = 1_000_000;

/** "0.1,1,3" → [0.1, 1, 3] */
export function numberList(name: string, raw: string, rule: { min?: number } = {}): number[] {
  const parts = raw.split(',').map((s) => s.trim());
  if (parts.some((s) => s === '')) throw new UsageError(`${name}: expected a comma-separated list of numbers, got ${JSON.stringify(raw)}`);
  return parts.map((s) => number(name, s, rule));
}

/** Layer sizes: "25" → [25], "256,128" → [256, 128]; integers (notation as `integer`) from `min` (default 0) to 10^6. */
export function layerSizes(name: string, raw: string, separator = ',', min = 0): number[] {
  const sizes = raw.split(separator).map((s) => integerIn(s, min, MAX_LAYER_SIZE));
  if (raw.trim() === '' || sizes.some((v) => v === undefined)) {
    throw new UsageError(
      `${name}: expected layer sizes as integers from ${min} to ${MAX_LAYER_SIZE} separated by "${separator}" (e.g. 25 or 256${separator}128), got ${JSON.stringify(raw)}`,
    );
  }
  return sizes as number[];
}

/** A choice among fixed words. */
export function choice<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`${name}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/**
 * Rows of a data set: "0:20" (start inclusive, end exclusive, like a Python slice; "20:" to the end), "7", or
 * "1,5,9"; checked against the number of rows m: a row or an END past the data is an error, never clipped.
 */
export function rowSelection(name: string, raw: string, m: number): number[] {
  const bad = (why: string): never => {
    throw new UsageError(`${name}: ${why}, got ${JSON.stringify(raw)}`);
  };
  const slice = /^\s*(\d*)\s*:\s*(\d*)\s*$/.exec(raw);
  let rows: number[];
  if (slice) {
    const start = slice[1] === '' ? 0 : Number(slice[1]);
    const end = slice[2] === '' ? m : Number(slice[2]);
    // one rule for every row past the data, in a slice or a list: an error that says how many rows there are
    if (end > m) bad(`END ${end} is past the end of the data, which has ${count(m, 'row')} (END <= ${m}; leave END out for "to the end")`);
    if (start >= end) bad(`expected START:END with START < END <= ${m}`);
    rows = Array.from({ length: end - start }, (_, i) => start + i);
  } else if (/^\s*\d+(\s*,\s*\d+)*\s*$/.test(raw)) {
    rows = raw.split(',').map((s) => Number(s.trim()));
  } else {
    return bad('expected rows as START:END, N or N,N,…');
  }
  const out = rows.find((r) => r >= m);
  if (out !== undefined) bad(`row ${out} is out of range: the data has ${count(m, 'row')} (0..${m - 1})`);
  return rows;
}
