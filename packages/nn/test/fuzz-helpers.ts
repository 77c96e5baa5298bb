// Shared by the fuzz-*.test.ts files: the fuzz loop of scripts/reliability/fuzz (plain JS, shared with the
// 10,000-case script) run in this process on the library's sources.
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface FuzzBug {
  signature: string;
  count: number;
  example: { index: number; seedName: string; ops: string[]; ms: number };
}

export interface FuzzTally {
  cases: number;
  outcomes: { ok: number; typed: number; crash: number; invariant: number; hang: number };
  codes: Record<string, number>;
  bugCount: number;
  toJSON(): { bugs: FuzzBug[]; slowestMs: number };
}

interface Harness {
  runCases(args: { formatName: string; lib: unknown; root: string; seed: number; count: number }): FuzzTally;
}

// A non-literal specifier keeps TypeScript from resolving the .mjs (it has no declarations); vitest loads it.
const harnessPath: string = '../../../scripts/reliability/fuzz/harness.mjs';
export const harness = (await import(harnessPath)) as Harness;

/** The bugs of a run, one line each, for an assertion message that says what to replay. */
export function bugLines(tally: FuzzTally, format: string, seed: number): string[] {
  return tally.toJSON().bugs.map(
    (b) =>
      `${b.count} x ${b.signature} — replay: node scripts/reliability/fuzz.mjs --format ${format} --seed ${seed} ` +
      `--case ${b.example.index} (${b.example.seedName}; ${b.example.ops.join(' + ')})`,
  );
}
