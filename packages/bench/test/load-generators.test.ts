import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@backprop/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrivalStats } from '../src/load/arrivals.js';
import { findWrk, runWrk } from '../src/load/generators.js';

// Row 5's load generation: arrival statistics checked against Poisson processes, and wrk paced and failing loudly
// against a local server.

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
