/**
 * The benchmark report: what `runBench` returns and what `--json` prints. Every entry keeps its raw samples; the
 * table shows medians, FLOP floors (FLOPs / the peak dgemm rate measured in the same run) and the checks (ratios
 * between implementations measured in the same run, against the project's targets).
 */

export type BenchRowId = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type EntryStatus = 'ok' | 'skipped' | 'failed';
export type RowStatus = 'ok' | 'partial' | 'skipped' | 'failed';

/** One implementation's measurement within a row. */
export interface BenchEntry {
  /** Who ran, e.g. 'native', 'ts', 'numpy (seed as written)', 'PyTorch'. */
  name: string;
  status: EntryStatus;
  /** What `median` and `samples` count: milliseconds per run, or requests per second. */
  unit: 'ms' | 'req/s';
  median: number | null;
  samples: number[];
  /** Calls averaged in each sample (a timeit-style inner loop for millisecond workloads; 1 for long runs). */
  inner: number;
  /** FLOPs / measured peak dgemm rate, in ms, when the workload has a FLOP count. */
  floorMs: number | null;
  /** BLAS / intra-op threads this implementation ran with (null: not applicable or unknown). */
  threads: number | null;
  /** Why it was skipped or failed. */
  reason?: string;
  /** Workload facts: cost value reached, accuracy, evaluations, latency percentiles … */
  details: Record<string, number | string | boolean | null>;
}

/** A ratio or a limit, with its target when the product issue sets one. */
export interface BenchCheck {
  name: string;
  value: number | null;
  unit: 'x' | 'ms';
  target?: { op: '>=' | '<='; value: number };
  /** null when the value could not be measured. Absent when there is no target. */
  met?: boolean | null;
  note?: string;
}

export interface BenchRow {
  id: BenchRowId;
  title: string;
  /** The workload in one line (sizes, λ, budgets). */
  workload: string;
  status: RowStatus;
  /** FLOPs of one run of the workload (dense matrix products only), when it has a meaningful count. */
  flops: number | null;
  floorMs: number | null;
  /** The same with the input's zeros skipped (rows whose data are images with many zero pixels). */
  sparseFlops?: number;
  sparseFloorMs?: number | null;
  entries: BenchEntry[];
  checks: BenchCheck[];
  notes: string[];
  /** Wall time the row took, including set-up. */
  seconds: number;
}

export interface BlasLibrary {
  library: string;
  threads?: number;
  config?: string;
}

export interface BenchReport {
  schema: 'backprop-bench/1';
  startedAt: string;
  finishedAt: string;
  seconds: number;
  options: {
    rows: BenchRowId[];
    repeat: number;
    quick: boolean;
    threads: number;
    /** --isa and --blas-coretype as given (null: not given; the CPU's best class, OpenBLAS's own choice). */
    isa?: string | null;
    blasCoretype?: string | null;
  };
  machine: {
    cpu: string;
    cores: number;
    memoryGiB: number;
    node: string;
    platform: string;
    loadavgStart: number[];
    loadavgEnd: number[];
  };
  threads: {
    native: number | null;
    nativeBlas: string | null;
    /** The addon's CPU class, this CPU's best, and how it was chosen ('default', 'env': BACKPROP_ISA, 'path'). */
    nativeIsa?: { addon: string; cpu: string; chosen: string } | null;
    /** numpy's and scipy's OpenBLAS libraries as the python peer found them (null: python did not run). */
    numpy: BlasLibrary[] | null;
    torch: number | null;
    /** OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, OPENBLAS_NUM_THREADS, OMP_NUM_THREADS … as found (never changed). */
    env: Record<string, string | null>;
  };
  /** The native dgemm rate at the start (used for every floor) and again at the end of the run. */
  peak: { n: number; gflops: number | null; gflopsEnd: number | null; samplesMs: number[]; numpyGflops: number | null };
  rows: BenchRow[];
  notes: string[];
}
