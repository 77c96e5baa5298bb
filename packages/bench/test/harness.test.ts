import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDigits5000 } from '../src/data/digits5000.js';
import { BackpropError } from '../src/errors.js';
import { interleave } from '../src/bench/timing.js';
import { arrivalStats } from '../src/bench/load/arrivals.js';
import { findWrk, runWrk } from '../src/bench/load/generators.js';
import { Rng } from '../src/random.js';
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

describe('row 5 moderate load: arrival statistics against the theory of Poisson processes', () => {
  it('evenly spaced arrivals: the exact rate and no dispersion', () => {
    const times = Array.from({ length: 1001 }, (_, i) => i * 2); // one every 2 ms for 2 s
    const s = arrivalStats(times, 10)!;
    expect(s.rps).toBeCloseTo(500, 9);
    expect(s.dispersion).toBeLessThan(0.01);
  });

  it('Poisson arrivals (exponential gaps): index of dispersion ≈ 1; bursts: ≫ 1', () => {
    const rng = new Rng(7);
    const poisson: number[] = [];
    for (let t = 0; t < 20_000; t += -Math.log(1 - rng.next()) * 0.5) poisson.push(t); // 2000 /s for 20 s
    const p = arrivalStats(poisson, 10)!;
    expect(p.rps).toBeGreaterThan(1900);
    expect(p.rps).toBeLessThan(2100);
    // 2000 bins: the sample index of dispersion of Poisson counts has standard error ≈ sqrt(2 / 1999) ≈ 0.03
    expect(Math.abs(p.dispersion - 1)).toBeLessThan(0.15);
    // the same mean rate sent as 200 requests back to back every 100 ms (autocannon's rate limit)
    const bursts: number[] = [];
    for (let k = 0; k < 200; k++) for (let i = 0; i < 200; i++) bursts.push(k * 100 + i * 0.004);
    expect(arrivalStats(bursts, 10)!.dispersion).toBeGreaterThan(100);
  });

  it('too few arrivals to say anything: null', () => {
    expect(arrivalStats([], 10)).toBeNull();
    expect(arrivalStats([0, 5], 10)).toBeNull();
  });
});

const wrk = findWrk();

describe.skipIf(!wrk)('row 5 moderate load: wrk runs (1 s each, loopback)', () => {
  let server: Server;
  let url: string;
  let dir: string;
  let bodyFile: string;
  const arrivals: number[] = [];
  let status = 200; // 0: close the connection without an answer

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-wrk-'));
    bodyFile = join(dir, 'body.json');
    writeFileSync(bodyFile, JSON.stringify({ pixels: [0, 0.5, 1] }));
    server = createServer((req, res) => {
      arrivals.push(performance.now());
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (status === 0) return void req.socket.destroy();
        const ok = req.method === 'POST' && req.headers['content-type'] === 'application/json' && JSON.parse(body).pixels.length === 3;
        res.writeHead(ok ? status : 400, { 'content-type': 'application/json', ...(status === 302 ? { location: '/' } : {}) });
        res.end('{"label":1}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/predict`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('paces 4 connections at the offered rate: the server counts what wrk reports, spread out, not in bursts', async () => {
    status = 200;
    arrivals.length = 0;
    const meanThinkMs = 8; // 4 connections / 8 ms ≈ 500 req/s offered, plus the (sub-ms) latency
    const r = await runWrk(wrk!, url, bodyFile, 1, 4, { meanThinkMs, seed: 1 });
    expect(Math.abs(arrivals.length - r.requests)).toBeLessThanOrEqual(4); // at most the ones in flight at the end
    const offered = (4 / meanThinkMs) * 1000;
    expect(r.rps).toBeGreaterThan(0.6 * offered);
    expect(r.rps).toBeLessThan(1.05 * offered);
    expect(arrivalStats(arrivals, 10)!.dispersion).toBeLessThan(3);
    expect(r.p50).toBeGreaterThan(0);
    expect(r.p50).toBeLessThanOrEqual(r.p90);
    expect(r.p90).toBeLessThanOrEqual(r.p99);
    expect(r.p99).toBeLessThanOrEqual(r.max);
  });

  it('fails loudly on answers outside 2xx (500 and 302 alike), dropped connections and a refused one', async () => {
    status = 500;
    await expect(runWrk(wrk!, url, bodyFile, 1, 1)).rejects.toThrow(/answers were not 2xx/);
    status = 302;
    await expect(runWrk(wrk!, url, bodyFile, 1, 1, { meanThinkMs: 2, seed: 1 })).rejects.toThrow(/answers were not 2xx/);
    status = 0;
    await expect(runWrk(wrk!, url, bodyFile, 1, 1)).rejects.toThrow(/wrk: [1-9]\d* socket errors \(connect \d+, read [1-9]/);
    status = 200;
    await expect(runWrk(wrk!, 'http://127.0.0.1:1/v1/predict', bodyFile, 1, 1)).rejects.toThrow(/wrk exited with 1: unable to connect to 127\.0\.0\.1:1/);
  });
});
