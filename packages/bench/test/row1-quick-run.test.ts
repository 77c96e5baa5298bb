import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { getBackend, loadDigits5000 } from '@backprop/nn';
import { describe, expect, it } from 'vitest';
import { costGradientFlops, formatBenchTable, runBench, type BenchReport } from '../src/index.js';
import { REF_DIR } from '../src/paths.js';

// The harness in --quick mode on row 1 with one sample per measurement: every implementation that can run on this
// machine must run (a failed or skipped entry that could have run fails the test), and the report's shape and
// arithmetic hold. Never its timings.

/** Whether each of row 1's implementations can run here, judged apart from the harness. */
function runnableHere(): Record<string, boolean> {
  let native = true;
  try {
    getBackend('native');
  } catch {
    native = false;
  }
  const probe = spawnSync('python3', ['-c', 'import numpy, scipy'], { encoding: 'utf8', timeout: 120_000 });
  const numpy = !probe.error && probe.status === 0 && existsSync(join(REF_DIR, 'bench_seed.py'));
  return {
    native,
    ts: true,
    'numpy (seed as written)': numpy,
    'numpy (fused)': numpy,
    'TensorFlow.js (cpu, float32)': true, // a dependency of this package
  };
}

describe('bench quick run of row 1: every implementation that can run here runs', () => {
  let report: BenchReport;
  const lines: string[] = [];

  it('runs row 1 and returns the documented JSON shape', async () => {
    report = await runBench({ quick: true, rows: [1], repeat: 1, log: (l) => lines.push(l) });
    const parsed = JSON.parse(JSON.stringify(report)) as BenchReport; // survives a JSON round trip
    expect(parsed.schema).toBe('backprop-bench/1');
    expect(parsed.options).toEqual({ rows: [1], repeat: 1, quick: true, threads: 2, isa: null, blasCoretype: null });
    expect(parsed.machine.cores).toBeGreaterThan(0);
    expect(parsed.machine.loadavgStart).toHaveLength(3);
    expect(Object.keys(parsed.threads.env)).toEqual(
      expect.arrayContaining(['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS']),
    );
    expect(parsed.peak.n).toBe(1000);
    expect(parsed.rows).toHaveLength(1);
    const row = parsed.rows[0];
    expect(row.id).toBe(1);
    expect(row.entries.map((e) => e.name)).toEqual([
      'native',
      'ts',
      'numpy (seed as written)',
      'numpy (fused)',
      'TensorFlow.js (cpu, float32)',
    ]);
    const runnable = runnableHere();
    for (const e of row.entries) {
      expect(e.status, `${e.name}: ${e.reason ?? ''}`).toBe(runnable[e.name] ? 'ok' : 'skipped');
      expect(e.unit).toBe('ms');
      if (e.status === 'ok') {
        expect(e.samples).toHaveLength(1);
        expect(e.inner).toBeGreaterThanOrEqual(1);
        expect(e.median).toBe(e.samples[0]);
        expect(e.median).toBeGreaterThan(0);
      } else {
        expect(e.reason).toEqual(expect.any(String));
        expect(e.median).toBeNull();
      }
    }
    expect(row.checks.map((c) => c.name)).toEqual([
      'numpy seed / native',
      'numpy seed / ts',
      'numpy fused / native',
      'numpy fused / ts',
      'tfjs / native',
      'tfjs / ts',
    ]);
    expect(row.status).toBe(Object.values(runnable).every(Boolean) ? 'ok' : 'partial');
    expect(lines.length).toBeGreaterThan(0);
  }, 90_000);

  it('counts FLOPs by hand and divides by the measured peak for the floor', () => {
    const row = report.rows[0];
    // 400-25-10, m = 5000: forward and gradient products 2·m·(25·401 + 10·26) each, one hidden delta 2·m·25·10
    expect(row.flops).toBe(2 * 5000 * (25 * 401 + 10 * 26) * 2 + 2 * 5000 * 25 * 10);
    expect(costGradientFlops([400, 25, 10], 5000)).toBe(208_200_000);
    // skipping X's zeros: the two products with [1 X] touch m + nnz entries per hidden unit
    let nnz = 0;
    for (const v of loadDigits5000().X.data) if (v !== 0) nnz++;
    expect(row.sparseFlops).toBe(2 * (5000 + nnz) * 25 * 2 + 2 * 5000 * 26 * 10 * 2 + 2 * 5000 * 25 * 10);
    expect(row.sparseFlops!).toBeLessThan(row.flops!);
    if (report.peak.gflops !== null) {
      expect(row.floorMs).toBeCloseTo(row.flops! / (report.peak.gflops * 1e6), 12);
    }
  });

  it('ratios are medians of the same run divided, and targets are judged from them', () => {
    const row = report.rows[0];
    const byName = (n: string) => row.entries.find((e) => e.name === n)!;
    const check = row.checks.find((c) => c.name === 'numpy seed / native')!;
    expect(check.target).toEqual({ op: '>=', value: 6 });
    const seed = byName('numpy (seed as written)');
    const native = byName('native');
    if (seed.status === 'ok' && native.status === 'ok') {
      expect(check.value).toBeCloseTo(seed.median! / native.median!, 12);
      expect(check.met).toBe(check.value! >= 6);
    } else {
      expect(check.value).toBeNull();
      expect(check.met).toBeNull();
    }
  });

  it('every implementation evaluated the same θ on the same data (cross-implementation agreement)', () => {
    const ok = report.rows[0].entries.filter((e) => e.status === 'ok');
    const float64 = ok.filter((e) => e.details.precision === undefined);
    expect(float64.length).toBeGreaterThan(0);
    const J = float64[0].details.cost as number;
    for (const e of float64) expect(Math.abs((e.details.cost as number) - J) / J).toBeLessThan(1e-9);
    for (const e of ok.filter((x) => x.details.precision === 'float32')) {
      expect(Math.abs((e.details.cost as number) - J) / J).toBeLessThan(1e-4);
    }
    expect(report.rows[0].notes.filter((n) => n.includes('disagrees'))).toEqual([]);
  });

  it('renders a table naming every entry and check', () => {
    const text = formatBenchTable(report);
    expect(text).toContain('Row 1 — cost + gradient, ex4 size');
    for (const e of report.rows[0].entries) expect(text).toContain(e.name);
    expect(text).toContain('numpy seed / native');
    expect(text).toMatch(/OPENBLAS_CORETYPE=/);
  });
});
