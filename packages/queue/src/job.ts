import { DTYPES, HIDDEN_ACTIVATIONS, INIT_SCHEMES, MAX_BATCH_SIZE, MAX_EPOCHS, MAX_EVALUATIONS, OUTPUT_ACTIVATIONS, type Dtype, type HiddenActivation, type InitScheme, type OutputActivation } from '@backprop/nn';
import { JobPayloadError } from './errors.js';

/**
 * One training of a sweep, as it travels through the queue: plain JSON, checked against SCHEMA by the worker
 * before anything runs. No code travels: the method is a name the worker's registry knows, the data a built-in
 * name or a path whose SHA-256 the worker verifies.
 */
export interface TrainJob {
  version: 1;
  sweep: string;
  index: number;
  lambda: number;
  hidden: number[];
  data: DataRef;
  method: string;
  optimizer: Record<string, number | boolean | string>;
  initRange: number;
  seed: number;
  backend: 'auto' | 'native' | 'ts';
  /** The network trained: absent means the seed's (sigmoid everywhere, the seed's initialisation). */
  network?: NetworkRef;
  /** What the network computes in: absent means float64 (the seed's). */
  dtype?: Dtype;
}

/** A job's network, by name only: one activation per hidden layer, the output, leaky_relu's α, the init scheme. */
export interface NetworkRef {
  activation: HiddenActivation[];
  output: OutputActivation;
  leakySlope: number;
  init: InitScheme;
}

/** Where a worker finds the data, and how it splits it (the same split as the submitting side's). */
export interface DataRef {
  /** `builtin:NAME` or a path that exists on every worker. */
  spec: string;
  /** SHA-256 of the file's bytes (hex); absent for built-in data. */
  sha256?: string;
  validation: number;
  /** How a CSV is read (the CLI's --label-column, --labels, --header). */
  csv?: { labelColumn?: string; labels?: string; header?: boolean };
}

/** What a worker stores as the job's result: the training summary and the trained model document. */
export interface JobResult {
  summary: {
    status: string;
    message: string;
    trainAccuracy?: number;
    validationAccuracy?: number;
    cost: number;
    nit: number;
    nfev: number;
    seconds: number;
    backend: string;
  };
  /** The model as written by the library's modelToJson. */
  model: string;
  /** `host:pid` of the worker that ran it. */
  worker: string;
}

/** Checks one value at `path`; returns it (narrowed) or throws JobPayloadError naming the path. */
type Check<T> = (value: unknown, path: string) => T;

/** Characters of a value (and of a field name) a message shows. */
const SHOWN = 60;

/**
 * The value's JSON, cut at SHOWN characters, written only that far: a list nested 100,000 deep or a string of a
 * million characters costs no more than a short one (each level writes a bracket, so the descent stops within SHOWN).
 */
function preview(value: unknown): string {
  let out = '';
  const put = (v: unknown): void => {
    if (out.length >= SHOWN) return;
    if (typeof v === 'string') out += JSON.stringify(v.slice(0, SHOWN));
    else if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length && out.length < SHOWN; i++) {
        if (i > 0) out += ',';
        put(v[i]);
      }
      out += ']';
    } else if (typeof v === 'object' && v !== null) {
      out += '{';
      let first = true;
      for (const key in v) {
        if (out.length >= SHOWN) break;
        out += `${first ? '' : ','}${JSON.stringify(key.slice(0, SHOWN))}:`;
        first = false;
        put((v as Record<string, unknown>)[key]);
      }
      out += '}';
    } else out += JSON.stringify(v) ?? typeof v;
  };
  put(value);
  return out.length > SHOWN ? `${out.slice(0, SHOWN)}…` : out;
}

function fail(path: string, expected: string, value: unknown): never {
  const got = value === undefined ? 'nothing' : preview(value);
  throw new JobPayloadError(`job payload: ${path}: expected ${expected}, got ${got}`);
}

const number = (min: number, max: number): Check<number> => (v, p) =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? v : fail(p, `a number from ${min} to ${max}`, v);
const integer = (min: number, max: number): Check<number> => (v, p) =>
  Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : fail(p, `an integer from ${min} to ${max}`, v);
const text = (pattern: RegExp, what: string): Check<string> => (v, p) => (typeof v === 'string' && pattern.test(v) ? v : fail(p, what, v));
const oneOf = <T extends string>(...values: T[]): Check<T> => (v, p) => (values.includes(v as T) ? (v as T) : fail(p, `one of ${values.join(', ')}`, v));
const literal = <T>(value: T): Check<T> => (v, p) => (v === value ? value : fail(p, JSON.stringify(value), v));
/** A number strictly between `low` and `high`. */
const between = (low: number, high: number): Check<number> => (v, p) =>
  typeof v === 'number' && v > low && v < high ? v : fail(p, `a number between ${low} and ${high} (exclusive)`, v);
const boolean: Check<boolean> = (v, p) => (typeof v === 'boolean' ? v : fail(p, 'true or false', v));
const list = <T>(item: Check<T>, min: number, max: number): Check<T[]> => (v, p) => {
  if (!Array.isArray(v) || v.length < min || v.length > max) fail(p, `a list of ${min} to ${max} items`, v);
  return (v as unknown[]).map((x, i) => item(x, `${p}[${i}]`));
};
const optional = <T>(check: Check<T>): Check<T | undefined> => (v, p) => (v === undefined ? undefined : check(v, p));
/** An object with exactly these fields (unknown fields are refused: a payload says only what the schema says). */
const object = <T>(fields: { [K in keyof T]: Check<T[K]> }): Check<T> => (v, p) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(p, 'an object', v);
  const o = v as Record<string, unknown>;
  for (const key of Object.keys(o)) if (!Object.hasOwn(fields, key)) fail(`${p}.${key.slice(0, SHOWN)}`, 'no such field', o[key]);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fields) as (keyof T & string)[]) {
    const value = fields[key](o[key], `${p}.${key}`);
    if (value !== undefined) out[key] = value;
  }
  return out as T;
};
/**
 * The budget options, within the CLI's caps (@backprop/nn's): a job cannot ask for more work than `sweep` can, so a
 * worker's SIGTERM waits for hours at most. cg's maxIter < 0 is −(its budget of evaluations).
 */
const BUDGETS: Record<string, Check<number>> = {
  maxfun: integer(1, MAX_EVALUATIONS),
  maxIter: integer(-MAX_EVALUATIONS, MAX_EVALUATIONS),
  epochs: integer(0, MAX_EPOCHS),
  batchSize: integer(1, MAX_BATCH_SIZE),
};

/** Option name → number, boolean or short string; at most 32 of them (the optimiser then rejects unknown names). */
const options: Check<Record<string, number | boolean | string>> = (v, p) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.keys(v).length > 32) fail(p, 'an object of at most 32 options', v);
  const out: Record<string, number | boolean | string> = {};
  for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
    text(/^[A-Za-z][A-Za-z0-9]{0,39}$/, 'an option name')(key, `${p} key`);
    if (Object.hasOwn(BUDGETS, key)) out[key] = BUDGETS[key](value, `${p}.${key}`);
    else if (typeof value === 'number') out[key] = number(-1e300, 1e300)(value, `${p}.${key}`);
    else if (typeof value === 'boolean') out[key] = value;
    else out[key] = text(/^[\x20-\x7e]{0,64}$/, 'a number, true/false or a short text')(value, `${p}.${key}`);
  }
  return out;
};

/** A check of the whole value after its fields' checks (a rule between fields), failing at `path`. */
const where = <T>(check: Check<T>, rule: (value: T) => { path: string; expected: string; got: unknown } | undefined): Check<T> => (v, p) => {
  const value = check(v, p);
  const broken = rule(value);
  return broken ? fail(`${p}.${broken.path}`, broken.expected, broken.got) : value;
};

/**
 * The training job schema. Sizes are bounded before any work: at most 16 hidden layers of at most 65,536 units, a
 * sweep id and method name of plain characters, a path of at most 4,096 characters.
 */
export const SCHEMA: Check<TrainJob> = where(object<TrainJob>({
  version: literal(1 as const),
  sweep: text(/^[A-Za-z0-9_-]{1,64}$/, 'a sweep id of 1 to 64 letters, digits, _ or -'),
  index: integer(0, 1_000_000),
  lambda: number(0, 1e12),
  hidden: list(integer(1, 65_536), 1, 16),
  data: object<DataRef>({
    spec: text(/^[^\0]{1,4096}$/, 'a data set name or path'),
    sha256: optional(text(/^[0-9a-f]{64}$/, 'a SHA-256 in hex')),
    validation: number(0, 0.9),
    csv: optional(
      object<NonNullable<DataRef['csv']>>({
        labelColumn: optional(text(/^[^\0]{0,256}$/, 'a column')),
        labels: optional(text(/^[a-z-]{1,32}$/, 'a label rule')),
        header: optional(boolean),
      }),
    ),
  }),
  method: text(/^[a-z][a-z0-9-]{0,31}$/, 'a method name'),
  optimizer: options,
  initRange: number(1e-12, 1e6),
  seed: integer(0, Number.MAX_SAFE_INTEGER),
  backend: oneOf('auto', 'native', 'ts'),
  network: optional(
    object<NetworkRef>({
      activation: list(oneOf(...HIDDEN_ACTIVATIONS), 1, 16),
      output: oneOf(...OUTPUT_ACTIVATIONS),
      leakySlope: between(0, 1),
      init: oneOf(...INIT_SCHEMES),
    }),
  ),
  dtype: optional(oneOf(...DTYPES)),
}), (job) =>
  job.network && job.network.activation.length !== job.hidden.length
    ? { path: 'network.activation', expected: `${job.hidden.length} activation(s), one per hidden layer`, got: job.network.activation }
    : undefined,
);

/** The payload as a TrainJob, or JobPayloadError saying which field is wrong. */
export function checkTrainJob(payload: unknown): TrainJob {
  return SCHEMA(payload, 'job');
}
