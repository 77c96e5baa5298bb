/**
 * Row 5: the server's single-prediction throughput and latency. autocannon (a child process running
 * packages/nn/bench/load.mjs; loopback only, bounded duration) posts one digit to POST /v1/predict of `createApp` from @backprop/server, listening on
 * 127.0.0.1 port 0 in this process, and to a bare Express route that parses the same JSON body and answers the
 * same-size constant JSON body (the server's own answer, captured first), in alternating runs of the same round.
 * Runs at 10 connections (throughput) and 1 connection (unloaded latency).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDigits5000 } from '../../data/digits5000.js';
import { DIGIT_LABEL_NAMES } from '../../data/dataset.js';
import { randomInit } from '../../network/init.js';
import type { BenchContext } from '../context.js';
import { errorMessage, judge, makeRow, skipped } from '../report.js';
import { median } from '../timing.js';
import type { BenchCheck, BenchEntry, BenchRow } from '../types.js';

const LAYERS = [400, 25, 10];
const CONNECTIONS = [10, 1] as const;

interface Listening {
  url: string;
  close(): Promise<void>;
}

interface Handler {
  listen(port: number, host: string, cb: () => void): Server;
}

function listen(app: Handler): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/v1/predict`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
    server.on('error', reject);
  });
}

interface CannonResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

/** packages/nn/bench/load.mjs, from src/bench/rows or dist/bench/rows. */
const LOAD_SCRIPT = fileURLToPath(new URL('../../../bench/load.mjs', import.meta.url));

/**
 * One autocannon run in a child process (so the load generator does not share this event loop), through
 * bench/load.mjs, which keeps latencies in fractional ms (autocannon's report rounds them to whole ms).
 */
function autocannon(url: string, bodyFile: string, seconds: number, connections: number): Promise<CannonResult> {
  const spec = JSON.stringify({ url, seconds, connections, bodyFile });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD_SCRIPT, spec], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), (seconds + 60) * 1000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      let r: (CannonResult & { ok: true }) | { ok: false; error: string } | undefined;
      try {
        r = JSON.parse(out.trim().split('\n').pop() ?? '') as typeof r;
      } catch {
        r = undefined;
      }
      if (r?.ok) resolve(r);
      else reject(new Error(r ? `load generator: ${r.error}` : `load generator exited with ${code}: ${err.trim().split('\n').slice(-2).join(' | ') || 'no output'}`));
    });
  });
}

interface Modules {
  createApp(options: Record<string, unknown>): Handler;
  ModelRegistry: new () => { set(name: string, model: unknown, origin: { source: string }): unknown };
  express: (() => Handler & { post(path: string, ...h: unknown[]): void }) & { json(o: { limit: string }): unknown };
  pino(o: { level: string }): unknown;
}

async function loadModules(): Promise<Modules> {
  const names = { server: '@backprop/server', express: 'express', pino: 'pino' };
  const server = (await import(names.server)) as Pick<Modules, 'createApp' | 'ModelRegistry'>;
  const express = ((await import(names.express)) as { default: Modules['express'] }).default;
  const { pino } = (await import(names.pino)) as Pick<Modules, 'pino'>;
  return { createApp: server.createApp, ModelRegistry: server.ModelRegistry, express, pino };
}

function entry(name: string, runs: CannonResult[], connections: number): BenchEntry {
  const bad = runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
  return {
    name,
    status: 'ok',
    unit: 'req/s',
    median: median(runs.map((r) => r.rps)),
    samples: runs.map((r) => r.rps),
    inner: 1,
    floorMs: null,
    threads: 1,
    details: {
      connections,
      p50Ms: median(runs.map((r) => r.p50)),
      p99Ms: median(runs.map((r) => r.p99)),
      failedRequests: bad,
    },
  };
}

function ratio(name: string, num: BenchEntry | undefined, den: BenchEntry | undefined, target: BenchCheck['target']): BenchCheck {
  const value = num?.median != null && den?.median ? num.median / den.median : null;
  return { name, value, unit: 'x', target, met: judge(value, target) };
}

function limit(name: string, e: BenchEntry | undefined, target: BenchCheck['target']): BenchCheck {
  const value = typeof e?.details.p99Ms === 'number' ? e.details.p99Ms : null;
  return { name, value, unit: 'ms', target, met: judge(value, target) };
}

export async function benchServer(ctx: BenchContext): Promise<BenchRow> {
  const started = Date.now();
  const names = CONNECTIONS.flatMap((c) => [`bare Express, ${c} conn`, `server, ${c} conn`]);
  const workload = 'POST /v1/predict with one 20×20 digit (400-25-10 model) vs a bare Express route answering the same-size JSON';
  const rowOf = (entries: BenchEntry[], notes: string[]) => {
    const at = (n: string) => entries.find((e) => e.name === n);
    return makeRow(
      {
        id: 5,
        title: 'server single predictions',
        workload,
        flops: 2 * (LAYERS[1] * (LAYERS[0] + 1) + LAYERS[2] * (LAYERS[1] + 1)),
        floorMs: null,
        entries,
        checks: [
          ratio('server / bare Express rps (10 conn)', at('server, 10 conn'), at('bare Express, 10 conn'), { op: '>=', value: 0.8 }),
          limit('server p99 latency (10 conn)', at('server, 10 conn'), { op: '<=', value: 2 }),
          limit('server p99 latency (1 conn)', at('server, 1 conn'), { op: '<=', value: 2 }),
          ratio('server / bare Express rps (1 conn)', at('server, 1 conn'), at('bare Express, 1 conn'), undefined),
        ],
        notes,
      },
      started,
    );
  };

  let mods: Modules;
  try {
    mods = await loadModules();
  } catch (err) {
    const reason = `@backprop/server, express or pino not loadable (build the server: npx nx run server:build): ${errorMessage(err)}`;
    return rowOf(names.map((n) => skipped(n, reason)), [`skipped: ${reason}`]);
  }

  const digits = loadDigits5000();
  const model = {
    layers: LAYERS,
    theta: randomInit(LAYERS, { range: 0.12, seed: 5 }),
    labelNames: [...DIGIT_LABEL_NAMES],
    inputShape: digits.imageShape,
    createdAt: new Date().toISOString(),
  };
  const registry = new mods.ModelRegistry();
  registry.set('default', model, { source: 'trained' });
  const body = JSON.stringify({ pixels: Array.from(digits.X.data.subarray(0, LAYERS[0])) });
  const bodyFile = join(ctx.tmpDir, 'predict-body.json');
  writeFileSync(bodyFile, body);

  const servers: Listening[] = [];
  try {
    const real = await listen(mods.createApp({ models: registry, logger: mods.pino({ level: 'silent' }) }));
    servers.push(real);
    const answer = await fetch(real.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await answer.text();
    if (answer.status !== 200) throw new Error(`the server answered ${answer.status}: ${text.slice(0, 200)}`);
    const constant = JSON.parse(text) as unknown;
    const bareApp = mods.express();
    bareApp.post('/v1/predict', mods.express.json({ limit: '16mb' }), (_req: unknown, res: { json(v: unknown): void }) => res.json(constant));
    const bare = await listen(bareApp);
    servers.push(bare);

    const warm = Math.min(1, ctx.serverSeconds);
    for (const s of [bare, real]) await autocannon(s.url, bodyFile, warm, 10);
    const rounds = ctx.quick ? 1 : Math.min(ctx.repeat, 3);
    const runs = new Map<string, CannonResult[]>(names.map((n) => [n, []]));
    for (let r = 0; r < rounds; r++) {
      for (const c of CONNECTIONS) {
        for (const [label, s] of [['bare Express', bare], ['server', real]] as const) {
          ctx.log(`row 5: server — ${label}, ${c} connection${c === 1 ? '' : 's'}, ${ctx.serverSeconds} s (round ${r + 1}/${rounds})`);
          runs.get(`${label}, ${c} conn`)!.push(await autocannon(s.url, bodyFile, ctx.serverSeconds, c));
        }
      }
    }
    const entries = names.map((n) => entry(n, runs.get(n)!, Number(n.split(', ')[1].split(' ')[0])));
    const notes = [`response body ${Buffer.byteLength(text)} bytes, request body ${Buffer.byteLength(body)} bytes`];
    for (const e of entries) {
      if ((e.details.failedRequests as number) > 0) notes.push(`${e.name}: ${e.details.failedRequests} failed or non-2xx requests`);
    }
    return rowOf(entries, notes);
  } catch (err) {
    return rowOf(names.map((n) => skipped(n, errorMessage(err), 'failed')), []);
  } finally {
    for (const s of servers) await s.close();
  }
}
