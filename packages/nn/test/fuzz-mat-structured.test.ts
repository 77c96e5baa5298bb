// Structure-aware MAT fuzzing (issue 18): 2,000 generated, well-formed Level 5 files whose headers declare large
// dimensions, every class, nesting, compression inside compression, long char arrays, many elements and many
// variables (scripts/reliability/fuzz/formats/mat-structured.mjs). Each must parse or fail with a one-line typed
// error, within 2 s of CPU time (CPU, not wall: the suite shares a loaded machine) and 512 MiB of peak-RSS growth,
// read with maxBytes = 64 MiB. The same generator runs longer on dist with
// `node scripts/reliability/fuzz.mjs --format mat-structured --cases N --seed S`; BACKPROP_FUZZ_MAT_CASES sets the
// count here.
import { describe, expect, it } from 'vitest';
import * as nn from '../src/index.js';
import { bugLines, type FuzzTally, harness, repoRoot } from './fuzz-helpers.js';

const SEED = 20261207;
const CASES = Number(process.env.BACKPROP_FUZZ_MAT_CASES ?? 2000);

interface BoundedTally extends FuzzTally {
  outcomes: FuzzTally['outcomes'] & { oom: number };
  toJSON(): ReturnType<FuzzTally['toJSON']> & { slowestCpuMs: number; rssGrowthPeakMb: number };
}

describe('structure-aware MAT generator', () => {
  it(`${CASES} generated files: a result or a one-line typed error, each within 2 s of CPU and 512 MiB`, () => {
    const tally = harness.runCases({ formatName: 'mat-structured', lib: nn, root: repoRoot, seed: SEED, count: CASES }) as BoundedTally;
    expect(tally.cases).toBe(CASES);
    expect(bugLines(tally, 'mat-structured', SEED)).toEqual([]);
    const { outcomes, codes } = tally;
    expect(outcomes.crash + outcomes.invariant + outcomes.hang + outcomes.oom).toBe(0);
    // The generator reaches both sides and every kind of refusal it is meant to provoke.
    expect(outcomes.ok).toBeGreaterThan(CASES / 10);
    expect(outcomes.typed).toBeGreaterThan(CASES / 10);
    for (const code of ['ERR_MAT_TOO_LARGE', 'ERR_MAT_CORRUPT', 'ERR_MAT_TOO_DEEP']) expect(codes[code] ?? 0, code).toBeGreaterThan(0);
    const summary = tally.toJSON();
    expect(summary.slowestCpuMs).toBeLessThan(2000);
    expect(summary.rssGrowthPeakMb).toBeLessThan(512);
  });
});
