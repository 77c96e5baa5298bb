// Argument checks run in TypeScript BEFORE anything crosses into C++ (which checks the same again).
// TypeError (code ERR_INVALID_ARG_TYPE) for a wrong kind of value, RangeError (code ERR_OUT_OF_RANGE) for a
// wrong size or value; every message names the argument, the expected and the received.
import type { Activations } from './index.js';

/** Largest accepted dimension: BLAS takes dimensions as 32-bit ints. */
export const MAX_DIMENSION = 2 ** 31 - 1;
/** Largest accepted layer size (s + 1 is a BLAS leading dimension). */
export const MAX_LAYER_SIZE = MAX_DIMENSION - 1;
/** Most layer sizes accepted in one network (input and output included); kMaxLayers in src/architecture.h. */
export const MAX_LAYERS = 65536;
/** Largest accepted BLAS thread count. */
export const MAX_THREADS = 1024;

export function typeError(message: string): TypeError {
  return Object.assign(new TypeError(message), { code: 'ERR_INVALID_ARG_TYPE' });
}

export function rangeError(message: string): RangeError {
  return Object.assign(new RangeError(message), { code: 'ERR_OUT_OF_RANGE' });
}

/** What a value is, for messages: "undefined", "number 2.5", "Float32Array of length 3", "Array of length 2". */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return `${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  }
  if (Array.isArray(value)) return `Array of length ${value.length}`;
  switch (typeof value) {
    case 'number':
    case 'boolean':
      return `${typeof value} ${String(value)}`;
    case 'object':
      return value instanceof ArrayBuffer ? 'ArrayBuffer' : value instanceof DataView ? 'DataView' : 'object';
    default:
      return typeof value;
  }
}

/** TypeError when the view's ArrayBuffer was detached (a zero-length buffer that no view can be made over). */
function attached(view: ArrayBufferView, name: string, kind: string): void {
  const buffer = view.buffer;
  if (!(buffer instanceof ArrayBuffer) || buffer.byteLength !== 0) return;
  try {
    new Uint8Array(buffer, 0, 0);
  } catch {
    throw typeError(`${name}: expected ${kind} over an attached ArrayBuffer, got ${kind} over a detached ArrayBuffer`);
  }
}

/**
 * A Float64Array (not any other typed array) of exactly `length` elements, over an attached ArrayBuffer or a
 * SharedArrayBuffer (read and written like any other memory; it cannot be detached or shrunk).
 */
export function float64Array(value: unknown, name: string, length: number): Float64Array {
  if (!(value instanceof Float64Array)) throw typeError(`${name}: expected Float64Array, got ${describe(value)}`);
  attached(value, name, 'Float64Array');
  if (value.length !== length) {
    throw rangeError(`${name}: expected Float64Array of length ${length}, got length ${value.length}`);
  }
  return value;
}

/** Row indices for a minibatch: a Uint32Array of 1..m entries, each < m. */
export function rowIndices(value: unknown, name: string, m: number): Uint32Array {
  if (!(value instanceof Uint32Array)) throw typeError(`${name}: expected Uint32Array, got ${describe(value)}`);
  attached(value, name, 'Uint32Array');
  if (value.length < 1 || value.length > m) {
    throw rangeError(`${name}: expected Uint32Array of length 1..${m}, got length ${value.length}`);
  }
  for (let r = 0; r < value.length; r++) {
    if (value[r] >= m) throw rangeError(`${name}: expected row indices < ${m}, got ${value[r]} at index ${r}`);
  }
  return value;
}

/** A positive safe integer no larger than `max`. */
export function dimension(value: unknown, name: string, max = MAX_DIMENSION): number {
  if (typeof value !== 'number') throw typeError(`${name}: expected an integer in 1..${max}, got ${describe(value)}`);
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw rangeError(`${name}: expected an integer in 1..${max}, got ${value}`);
  }
  return value;
}

/** A finite number, and >= 0 when nonNegative (e.g. the regularisation strength lambda). */
export function finiteNumber(value: unknown, name: string, nonNegative: boolean): number {
  const expected = nonNegative ? 'a finite number >= 0' : 'a finite number';
  if (typeof value !== 'number') throw typeError(`${name}: expected ${expected}, got ${describe(value)}`);
  if (!Number.isFinite(value) || (nonNegative && value < 0)) {
    throw rangeError(`${name}: expected ${expected}, got ${value}`);
  }
  return value;
}

export function boolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw typeError(`${name}: expected boolean, got ${describe(value)}`);
  return value;
}

/**
 * 2..MAX_LAYERS layer sizes, each an integer in 1..MAX_LAYER_SIZE; returned as a frozen copy. Entries are read
 * by index (no iterator the caller could replace), and at most MAX_LAYERS of them: a huge or holey array is
 * refused at its first bad entry, or for its length, without being walked to the end.
 */
export function layerSizes(value: unknown, name: string): readonly number[] {
  if (!Array.isArray(value)) throw typeError(`${name}: expected an Array of layer sizes, got ${describe(value)}`);
  const entries = value as unknown[];
  if (entries.length < 2) throw rangeError(`${name}: expected at least 2 layer sizes, got ${entries.length}`);
  const sizes: number[] = [];
  for (let l = 0; l < entries.length && l < MAX_LAYERS; l++) {
    sizes.push(dimension(entries[l], `${name}[${l}]`, MAX_LAYER_SIZE));
  }
  if (entries.length > MAX_LAYERS) {
    throw rangeError(`${name}: expected at most ${MAX_LAYERS} layer sizes, got ${entries.length}`);
  }
  if (!Number.isSafeInteger(parameterCountOf(sizes))) {
    throw rangeError(`${name}: expected a parameter count below 2^53, got a network too large`);
  }
  return Object.freeze(sizes);
}

/** The hidden-layer activations the addon knows (src/activation.h), in its enum's order. */
export const HIDDEN_ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leaky_relu'] as const;
/** The output activations the addon knows: the seed's sigmoid one-vs-all, or softmax. */
export const OUTPUT_ACTIVATIONS = ['sigmoid', 'softmax'] as const;

/** Checks that `value` spells one of `names` (the C++ check's messages). */
function oneOf(value: unknown, name: string, names: readonly string[]): void {
  const expected = `one of ${names.join(', ')}`;
  if (typeof value !== 'string') throw typeError(`${name}: expected ${expected}, got ${describe(value)}`);
  if (!names.includes(value)) {
    throw rangeError(`${name}: expected ${expected}, got "${value.length > 40 ? `${value.slice(0, 40)}...` : value}"`);
  }
}

/**
 * undefined (the seed's network: sigmoid throughout), or { hidden: one of HIDDEN_ACTIVATIONS per hidden layer,
 * output: one of OUTPUT_ACTIVATIONS, leakySlope: a number in (0, 1) }; the count is checked before any name is read.
 */
export function activations(value: unknown, name: string, layers: readonly number[]): Activations | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw typeError(`${name}: expected an object { hidden, output, leakySlope }, got ${describe(value)}`);
  }
  const { hidden, output, leakySlope } = value as Record<string, unknown>;
  const count = layers.length - 2;
  const expectedCount = `${count} activation name(s), one per hidden layer`;
  if (!Array.isArray(hidden)) {
    throw typeError(`${name}.hidden: expected an Array of ${expectedCount}, got ${describe(hidden)}`);
  }
  if (hidden.length !== count) throw rangeError(`${name}.hidden: expected ${expectedCount}, got ${hidden.length}`);
  for (let l = 0; l < count; l++) oneOf(hidden[l], `${name}.hidden[${l}]`, HIDDEN_ACTIVATIONS);
  oneOf(output, `${name}.output`, OUTPUT_ACTIVATIONS);
  const expectedSlope = `${name}.leakySlope: expected a number between 0 and 1 (exclusive), got`;
  if (typeof leakySlope !== 'number') throw typeError(`${expectedSlope} ${describe(leakySlope)}`);
  if (!(leakySlope > 0 && leakySlope < 1)) throw rangeError(`${expectedSlope} ${leakySlope}`);
  return value as Activations;
}

/** The element types a network computes in (src/dtype.h, in its enum's order): float64 (the seed's, the default) or float32. */
export const DTYPES = ['float64', 'float32'] as const;

/** undefined (float64, the seed's) or one of DTYPES; returned as the dtype the network computes in. */
export function dtype(value: unknown, name: string): (typeof DTYPES)[number] {
  if (value === undefined) return 'float64';
  oneOf(value, name, DTYPES);
  return value as (typeof DTYPES)[number];
}

/** Sum over l of layers[l+1] * (layers[l] + 1): the length of the flat theta (Theta1, Theta2, ... row-major). */
export function parameterCountOf(layers: readonly number[]): number {
  let count = 0;
  for (let l = 0; l + 1 < layers.length; l++) count += layers[l + 1] * (layers[l] + 1);
  return count;
}

/** rows * columns as an element count, or RangeError when it is not a safe integer. */
export function elementCount(rows: number, columns: number, name: string): number {
  const count = rows * columns;
  if (!Number.isSafeInteger(count)) throw rangeError(`${name}: expected fewer than 2^53 elements, got ${rows} x ${columns}`);
  return count;
}

/** RangeError when two views share bytes of one buffer (the kernels write one while reading the other). */
export function disjoint(a: ArrayBufferView, aName: string, b: ArrayBufferView, bName: string): void {
  if (a.buffer !== b.buffer) return;
  const aEnd = a.byteOffset + a.byteLength;
  const bEnd = b.byteOffset + b.byteLength;
  if (a.byteOffset < bEnd && b.byteOffset < aEnd) {
    throw rangeError(`${aName}: expected memory disjoint from ${bName}, got a view overlapping it`);
  }
}
