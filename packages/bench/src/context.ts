import type { ResolvedOptions } from './options.js';
import type { BlasLibrary } from './types.js';

/** What every row gets: the options, the peak rate measured at the start, a scratch directory, and a place to
 *  leave what the peers reported about their threads. */
export interface BenchContext extends ResolvedOptions {
  peakGflops: number | null;
  /** Scratch directory for the .mat files handed to the python peers (removed at the end). */
  tmpDir: string;
  found: {
    numpyBlas?: BlasLibrary[];
    numpyGflops?: number;
    torchThreads?: number;
  };
  /** Sample length for timeit-style measurements (ms). */
  targetMs: number;
}
