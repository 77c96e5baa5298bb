// costGradientAsync on the TS backend settles, in a plain script (reported 2026-12-07: with worker threads, the
// third call of `await net.costGradientAsync(...)` in a loop never settled and Node exited with code 13, "unsettled
// top-level await"). The pool's workers are unref'd and Node does not count a pending Atomics.waitAsync as work
// (nodejs/node#61941), so once the workers ran, nothing kept the event loop alive while the main thread waited.
// Under vitest the loop never empties, so each case is a child process: a plain ESM script against dist/, which
// must end by itself (exit 0, no worker keeping it alive) after every call settled.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dist = new URL('../dist/index.js', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'ts-async-settles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let scripts = 0;

/** Runs `body` as a plain .mjs script, or with `inputType` given, as `node <inputType> -e body`. */
function child(body: string, inputType: string[] = []) {
  const script = `import * as nn from ${JSON.stringify(dist)};\n${body}`;
  const file = join(dir, `case-${scripts++}.mjs`);
  writeFileSync(file, script);
  const args = inputType.length > 0 ? [...inputType, '-e', script] : [pathToFileURL(file).pathname];
  const r = spawnSync(process.execPath, args, {
    env: { ...process.env, BACKPROP_BACKEND: '', BACKPROP_TS_THREADS: '', BACKPROP_THREADS: '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The 400-25-10 network on digits5000 with a fixed θ; `threads` threads; prints one JSON line per event. */
const SETUP = (threads: number) => `
nn.getBackend('ts').setThreads(${threads});
const { X, y } = nn.loadDigits5000();
const net = nn.bindNetwork(X, y, { layers: [400, 25, 10], backend: 'ts' });
const theta = nn.randomInit([400, 25, 10], { seed: 7 });
const sync = new Float64Array(net.parameterCount);
const J0 = net.costGradient(theta, 1, sync);
const maxDiff = (a) => { let d = 0; for (let p = 0; p < a.length; p++) d = Math.max(d, Math.abs(a[p] - sync[p])); return d; };
const out = (o) => console.log(JSON.stringify(o));
const settle = async (i) => {
  const grad = new Float64Array(net.parameterCount);
  const J = await net.costGradientAsync(theta, 1, grad);
  out({ i, dJ: Math.abs(J - J0), dGrad: maxDiff(grad), onWorkers: net.diagnostics().shardsOnWorkers });
};
/** Waits (bounded) until the pool's workers run, so the next calls take the worker path. */
const workersUp = async (n) => {
  for (let t = 0; t < 200 && net.diagnostics().workers < n; t++) await new Promise((r) => setTimeout(r, 50));
  return net.diagnostics().workers;
};
`;

function lines(stdout: string): Record<string, number | string | boolean>[] {
  return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/**
 * A script that ran cleanly (nothing on stderr, exit 0) with `workers` worker threads up, and made `count` calls, in
 * order, each with costGradient's gradient (1e-12): its output rows and the calls'.
 */
function settledCalls(r: ReturnType<typeof child>, workers: number, count: number) {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const rows = lines(r.stdout);
  expect(rows.find((o) => 'workers' in o)).toEqual({ workers });
  const calls = rows.filter((o) => 'i' in o);
  expect(calls.map((o) => o.i)).toEqual(Array.from({ length: count }, (_, i) => i));
  for (const c of calls) expect(c.dGrad).toBeLessThanOrEqual(1e-12);
  return { rows, calls };
}

describe('TS backend: costGradientAsync settles in a plain script', () => {
  for (const threads of [1, 2, 3]) {
    it(`threads ${threads}: a loop of awaited calls resolves, each equal to costGradient (1e-12), and the script exits`, () => {
      const r = child(`${SETUP(threads)}
for (let i = 0; i < 5; i++) await settle(i);
out({ workers: await workersUp(${threads - 1}) });
for (let i = 5; i < 8; i++) await settle(i);
out({ end: true });
`);
      expect(r.signal).toBeNull();
      const { rows, calls } = settledCalls(r, threads - 1, 8);
      expect(rows.at(-1)).toEqual({ end: true });
      for (const c of calls) expect(c.dJ).toBeLessThanOrEqual(1e-12);
      // The calls after the workers ran took the worker path (the one that did not settle), or none exists.
      for (const c of calls.slice(5)) {
        if (threads === 1) expect(c.onWorkers).toBe(0);
        else expect(c.onWorkers).toBeGreaterThan(0);
      }
    });
  }

  it('concurrent calls: the second rejects with ERR_BUSY (the native contract), the first resolves, the next works', () => {
    const r = child(`${SETUP(2)}
await settle(0);
await settle(1);
out({ workers: await workersUp(1) });
const a = settle(2);
const b = net.costGradientAsync(theta, 1, new Float64Array(net.parameterCount));
const [ra, rb] = await Promise.allSettled([a, b]);
out({ a: ra.status, b: rb.status, code: rb.reason?.code, message: rb.reason?.message, named: rb.reason instanceof nn.BackpropError });
await settle(3);
out({ end: true });
`);
    const { rows, calls } = settledCalls(r, 1, 4);
    expect(rows.find((o) => 'a' in o)).toEqual({
      a: 'fulfilled',
      b: 'rejected',
      code: 'ERR_BUSY',
      message: 'TsNetwork.costGradientAsync: a costGradientAsync call on this network is still in flight; await it first',
      named: true,
    });
    for (const c of calls) expect(c.dJ).toBeLessThanOrEqual(1e-12);
    expect(calls[2].onWorkers).toBeGreaterThan(0);
    expect(rows.at(-1)).toEqual({ end: true });
  });

  it('dispose() while a call is in flight: the call resolves correctly, then the workers exit, later calls get ERR_DISPOSED', () => {
    const r = child(`${SETUP(2)}
await settle(0);
await settle(1);
out({ workers: await workersUp(1) });
const a = settle(2);
net.dispose();
await a;
await net.workersExited();
out({ after: net.diagnostics().workers });
const late = await net.costGradientAsync(theta, 1, new Float64Array(net.parameterCount)).then(() => 'resolved', (e) => e.code);
out({ late });
`);
    // Call 2 started with the worker running (so on the worker path); its diagnostics are read after the deferred
    // dispose retired the pool, hence no onWorkers check here.
    const { rows } = settledCalls(r, 1, 3);
    expect(rows.find((o) => 'after' in o)).toEqual({ after: 0 });
    expect(rows.at(-1)).toEqual({ late: 'ERR_DISPOSED' });
  });

  // Workers inherit the parent's execArgv, and Node refuses --input-type in a worker: under `node --input-type=module
  // -e …` every worker failed ("--input-type can only be used with string input …"), a BACKPROP_TS_WORKERS warning
  // was printed and the network ran on one thread.
  for (const inputType of [['--input-type=module'], ['--input-type', 'module']]) {
    it(`node ${inputType.join(' ')} -e: the workers run, no warning, the calls settle and agree`, () => {
      const r = child(`${SETUP(2)}
await settle(0);
await settle(1);
out({ workers: await workersUp(1) });
await settle(2);
out({ end: true });
`, inputType);
      const { rows, calls } = settledCalls(r, 1, 3);
      expect(calls[2].onWorkers).toBeGreaterThan(0);
      expect(rows.at(-1)).toEqual({ end: true });
    });
  }
});
