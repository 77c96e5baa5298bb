import { describe, expect, it } from 'vitest';
import { loadDigits5000 } from '../src/data/digits5000.js';
import { BackpropError } from '../src/errors.js';
import { interleave } from '../src/bench/timing.js';
import {
  BenchOptionError,
  costGradientFlops,
  formatBenchTable,
  parseBenchArgs,
  resolveBenchOptions,
  runBench,
  type BenchReport,
} from '../src/bench/index.js';

// The harness in --quick mode on row 1 with one sample per measurement: checks the report's shape and its
// arithmetic, never its timings.

describe('bench harness smoke run (--quick, row 1)', () => {
  let report: BenchReport;
  const lines: string[] = [];

  it('runs row 1 and returns the documented JSON shape', async () => {
    report = await runBench({ quick: true, rows: [1], repeat: 1, log: (l) => lines.push(l) });
    const parsed = JSON.parse(JSON.stringify(report)) as BenchReport; // survives a JSON round trip
    expect(parsed.schema).toBe('backprop-bench/1');
    expect(parsed.options).toEqual({ rows: [1], repeat: 1, quick: true, threads: 2 });
    expect(parsed.machine.cores).toBeGreaterThan(0);
    expect(parsed.machine.loadavgStart).toHaveLength(3);
    expect(Object.keys(parsed.threads.env)).toEqual(
      expect.arrayContaining(['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE', 'OPENBLAS_NUM_THREADS']),
    );
    expect(parsed.peak.n).toBe(1000);
    expect(parsed.rows).toHaveLength(1);
    const row = parsed.rows[0];
    expect(row.id).toBe(1);
    expect(['ok', 'partial']).toContain(row.status);
    expect(row.entries.map((e) => e.name)).toEqual([
      'native',
      'ts',
      'numpy (seed as written)',
      'numpy (fused)',
      'TensorFlow.js (cpu, float32)',
    ]);
    for (const e of row.entries) {
      expect(['ok', 'skipped', 'failed']).toContain(e.status);
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

describe('interleaved sampling', () => {
  it('takes round r of every job before round r + 1, honours per-job rounds and warm-ups, and stops a job that throws', async () => {
    const order: string[] = [];
    const results = await interleave(
      [
        { name: 'a', sample: (r) => (order.push(`a${r}`), r + 1) },
        { name: 'b', rounds: 1, warm: true, sample: (r) => (order.push(`b${r}`), 10) },
        {
          name: 'c',
          sample: async (r) => {
            order.push(`c${r}`);
            if (r === 1) throw new Error('broke in round 2');
            return 5;
          },
        },
      ],
      3,
      undefined,
      0,
    );
    expect(order).toEqual(['a0', 'b0', 'b0', 'c0', 'a1', 'c1', 'a2']); // b: one untimed warm-up, then the sample
    expect(results.get('a')).toEqual({ samplesMs: [1, 2, 3], inner: 1 });
    expect(results.get('b')).toEqual({ samplesMs: [10], inner: 1 });
    expect(results.get('c')).toEqual({ samplesMs: [5], inner: 1, error: 'broke in round 2' });
  });
});

describe('bench options: typed errors naming the argument, the expected and the received', () => {
  it('parses the runner flags', () => {
    const parsed = parseBenchArgs(['--json', '--rows', '1,3', '--repeat=4', '--quick', '--threads', '1']);
    expect(parsed.json).toBe(true);
    expect(parsed.options).toEqual({ rows: [1, 3], repeat: 4, quick: true, threads: 1 });
    expect(resolveBenchOptions(parsed.options).rows).toEqual([1, 3]);
    expect(resolveBenchOptions({ rows: [5, 1, 1] }).rows).toEqual([1, 5]);
  });

  it.each([
    [['--rows', '0'], /rows: expected row numbers from 1 to 5, got 0/],
    [['--rows', '1,x'], /--rows: expected comma-separated row numbers 1\.\.5, got "1,x"/],
    [['--repeat', '0'], /repeat: expected an integer from 1 to 1000, got 0/],
    [['--repeat', '2.5'], /--repeat: expected a positive integer, got "2.5"/],
    [['--repeat'], /--repeat: expected a value after it, got none/],
    [['--server-seconds', 'soon'], /--server-seconds: expected a number of seconds, got "soon"/],
    [['--fast'], /unknown option "--fast"/],
  ])('%j', (argv, message) => {
    let error: unknown;
    try {
      parseBenchArgs(argv);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BenchOptionError);
    expect(error).toBeInstanceOf(BackpropError);
    expect((error as BenchOptionError).code).toBe('ERR_BENCH_OPTION');
    expect((error as Error).message).toMatch(message);
  });

  it('rejects bad option objects given to runBench', async () => {
    await expect(runBench({ rows: [] })).rejects.toThrow(/rows: expected a non-empty list of row numbers 1\.\.5, got \[\]/);
    await expect(runBench({ threads: -1 })).rejects.toThrow(/threads: expected an integer from 1 to 256, got -1/);
    await expect(runBench({ python: '' })).rejects.toThrow(/python: expected the name or path of a python executable/);
  });
});
