import { ISA_CLASSES } from '@backprop/core-native';
import { BenchOptionError } from './errors.js';
import type { BenchRowId } from './types.js';

export const BENCH_ROW_IDS: readonly BenchRowId[] = [1, 2, 3, 4, 5, 6, 7];
const LAST_ROW = BENCH_ROW_IDS[BENCH_ROW_IDS.length - 1];

export interface BenchOptions {
  /** Rows to run (1 cost+gradient, 2 TNC training, 3 MNIST epoch, 4 sweep, 5 server, 6 queue). Default all. */
  rows?: readonly number[];
  /** Timed samples per measurement; long runs (TS training, sweeps, server rounds) use fewer. Default 5, quick 2. */
  repeat?: number;
  /** Small repeats, short server runs, subsampled TS MNIST epoch: a smoke run for CI. */
  quick?: boolean;
  /** BLAS threads for native, numpy/scipy and PyTorch alike. Default 2. */
  threads?: number;
  /** Python with numpy and scipy (rows 1 and 2). Default `python3`. */
  python?: string;
  /** Seconds of each autocannon run in row 5. Default 5, quick 1. */
  serverSeconds?: number;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
  /** More progress lines. */
  verbose?: boolean;
  /**
   * The addon's CPU class for the run (BACKPROP_ISA: x86-64-v4, x86-64-v3, x86-64), e.g. the AVX2 path on an AVX-512
   * machine. Set before the addon loads, and inherited by every process the bench starts. Default: the CPU's best.
   */
  isa?: string;
  /** OPENBLAS_CORETYPE for the run and its child processes (e.g. Haswell): OpenBLAS's kernels for that core. */
  blasCoretype?: string;
  /** Accepted for the CLI's sake; runBench always returns the report and prints nothing on stdout. */
  json?: boolean;
}

export interface ResolvedOptions {
  rows: BenchRowId[];
  repeat: number;
  quick: boolean;
  threads: number;
  python: string;
  serverSeconds: number;
  isa: string | null;
  blasCoretype: string | null;
  verbose: boolean;
  log: (line: string) => void;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(describe).join(', ')}]`;
  return String(v);
}

function positiveInteger(name: string, v: unknown, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
    throw new BenchOptionError(`${name}: expected an integer from 1 to ${max}, got ${describe(v)}`);
  }
  return v;
}

export function resolveBenchOptions(options: BenchOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new BenchOptionError(`options: expected an object, got ${describe(options)}`);
  }
  const quick = options.quick ?? false;
  let rows: BenchRowId[] = [...BENCH_ROW_IDS];
  if (options.rows !== undefined) {
    if (!Array.isArray(options.rows) || options.rows.length === 0) {
      throw new BenchOptionError(`rows: expected a non-empty list of row numbers 1..${LAST_ROW}, got ${describe(options.rows)}`);
    }
    for (const r of options.rows) {
      if (!BENCH_ROW_IDS.includes(r as BenchRowId)) {
        throw new BenchOptionError(`rows: expected row numbers from 1 to ${LAST_ROW}, got ${describe(r)}`);
      }
    }
    rows = BENCH_ROW_IDS.filter((id) => options.rows!.includes(id));
  }
  const python = options.python ?? 'python3';
  if (typeof python !== 'string' || python === '') {
    throw new BenchOptionError(`python: expected the name or path of a python executable, got ${describe(python)}`);
  }
  const serverSeconds = options.serverSeconds ?? (quick ? 1 : 5);
  if (typeof serverSeconds !== 'number' || !(serverSeconds > 0 && serverSeconds <= 120)) {
    throw new BenchOptionError(`serverSeconds: expected a number of seconds in (0, 120], got ${describe(serverSeconds)}`);
  }
  const isa = options.isa ?? null;
  if (isa !== null && !(ISA_CLASSES as readonly unknown[]).includes(isa)) {
    throw new BenchOptionError(`isa: expected one of ${ISA_CLASSES.join(', ')}, got ${describe(isa)}`);
  }
  const blasCoretype = options.blasCoretype ?? null;
  if (blasCoretype !== null && (typeof blasCoretype !== 'string' || !/^[A-Za-z0-9_]{1,32}$/.test(blasCoretype))) {
    throw new BenchOptionError(`blasCoretype: expected an OpenBLAS core name such as Haswell, got ${describe(blasCoretype)}`);
  }
  if (options.log !== undefined && typeof options.log !== 'function') {
    throw new BenchOptionError(`log: expected a function (line: string) => void, got ${typeof options.log}`);
  }
  return {
    rows,
    repeat: positiveInteger('repeat', options.repeat ?? (quick ? 2 : 5), 1000),
    quick,
    threads: positiveInteger('threads', options.threads ?? 2, 256),
    python,
    serverSeconds,
    isa,
    blasCoretype,
    verbose: options.verbose ?? false,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  };
}

export const USAGE = `usage: backprop-bench [--json] [--rows 1,2,3,4,5,6,7] [--repeat N] [--quick] [--threads N] [--python PATH]
                      [--server-seconds S] [--isa CLASS] [--blas-coretype NAME] [--verbose]

Rows: 1 cost+gradient at ex4 size (native, ts, numpy seed, numpy fused, TensorFlow.js)
      2 the seed's training, TNC 300 evaluations (native, ts, scipy)
      3 MNIST 784-256-10 Adam one epoch (native, ts, PyTorch)
      4 backprop sweep, 1 vs 2 workers
      5 server single predictions vs bare Express (autocannon)
      6 sweep through the Redis queue: per-job latency, 2 queue workers vs the local sweep
      7 MNIST 784-256-10 ReLU + softmax, Adam, 5 epochs (native, PyTorch float64 and float32)
--isa x86-64-v4|x86-64-v3|x86-64 runs the addon built for that CPU class (BACKPROP_ISA), --blas-coretype NAME
OpenBLAS's kernels for that core (OPENBLAS_CORETYPE, e.g. Haswell), for the run and every process it starts.
Prints a table of medians (or one JSON object with --json); progress goes to stderr.`;

export interface ParsedBenchArgs {
  options: BenchOptions;
  json: boolean;
  help: boolean;
}

/** Parse the runner's command line (`node dist/main.js …`). */
export function parseBenchArgs(argv: readonly string[]): ParsedBenchArgs {
  const options: BenchOptions = {};
  let json = false;
  let help = false;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new BenchOptionError(`${flag}: expected a value after it, got none`);
    return v;
  };
  const integer = (flag: string, text: string): number => {
    if (!/^\d+$/.test(text)) throw new BenchOptionError(`${flag}: expected a positive integer, got ${JSON.stringify(text)}`);
    return Number(text);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = (): string => {
      if (inline !== undefined) return inline;
      return value(i++, flag);
    };
    switch (flag) {
      case '--json':
        json = true;
        break;
      case '--quick':
        options.quick = true;
        break;
      case '--verbose':
        options.verbose = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      case '--rows': {
        const text = take();
        options.rows = text.split(',').map((part) => {
          if (!/^\d+$/.test(part.trim())) {
            throw new BenchOptionError(`--rows: expected comma-separated row numbers 1..${LAST_ROW}, got ${JSON.stringify(text)}`);
          }
          return Number(part.trim());
        });
        break;
      }
      case '--repeat':
        options.repeat = integer('--repeat', take());
        break;
      case '--threads':
        options.threads = integer('--threads', take());
        break;
      case '--python':
        options.python = take();
        break;
      case '--isa':
        options.isa = take();
        break;
      case '--blas-coretype':
        options.blasCoretype = take();
        break;
      case '--server-seconds': {
        const text = take();
        const s = Number(text);
        if (text.trim() === '' || !Number.isFinite(s)) {
          throw new BenchOptionError(`--server-seconds: expected a number of seconds, got ${JSON.stringify(text)}`);
        }
        options.serverSeconds = s;
        break;
      }
      default:
        throw new BenchOptionError(`unknown option ${JSON.stringify(arg)}; expected one of --json, --rows, --repeat, --quick, --threads, --python, --server-seconds, --isa, --blas-coretype, --verbose`);
    }
  }
  resolveBenchOptions(options); // validate ranges now, with the same messages runBench would give
  return { options, json, help };
}
