// The benchmark harness: `runBench` returns the report, `formatBenchTable` renders it. Runner: bench/main.ts.
export { runBench } from './run.js';
export { formatBenchTable } from './table.js';
export { parseBenchArgs, resolveBenchOptions, BENCH_ROW_IDS, USAGE as BENCH_USAGE, type BenchOptions, type ParsedBenchArgs } from './options.js';
export { BenchOptionError } from './errors.js';
export { costGradientFlops } from './flops.js';
export type {
  BenchCheck,
  BenchEntry,
  BenchReport,
  BenchRow,
  BenchRowId,
  BlasLibrary,
  EntryStatus,
  RowStatus,
} from './types.js';
