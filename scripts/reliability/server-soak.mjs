#!/usr/bin/env node
// Soak test of the REST server as deployed (node packages/server/dist/main.js in its own process, 127.0.0.1 only):
// for --seconds (default 60), autocannon sends a mix of valid and invalid requests (wrong JSON, wrong shapes,
// unknown models, traversal names, deeply nested JSON, malformed %-escapes, oversized bodies, wrong methods,
// admin calls without a token) while a swapper rewrites and reloads one model and uploads another (A/B, with
// torn files now and then), and 20 slow-loris sockets trickle headers. Checked: zero 5xx, zero errors and
// timeouts, responses received = requests sent, every prediction from a whole model A or B (checksum and
// probabilities), slow-loris sockets cut off by the default headersTimeout, SIGTERM exits 0 promptly.
//
//   node scripts/reliability/server-soak.mjs [--seconds 60] [--connections 16] [--json out.json]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const nn = await import(pathToFileURL(join(root, 'packages/nn/dist/index.js')).href);
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '16' },
    json: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const TOKEN = 'soak-admin-token-0123456789';

// ---- models and their independent forward pass ----
function model(layers, seed) {
  return { layers, theta: nn.randomInit(layers, { seed, range: 1 }), labelNames: Array.from({ length: layers.at(-1) }, (_, k) => `c${k + 1}`) };
}
function forward(m, x) {
  let a = x;
  let off = 0;
  for (let l = 1; l < m.layers.length; l++) {
    const cols = m.layers[l - 1] + 1;
    a = Array.from({ length: m.layers[l] }, (_, j) => {
      let z = m.theta[off + j * cols];
      for (let i = 1; i < cols; i++) z += m.theta[off + j * cols + i] * a[i - 1];
      return 1 / (1 + Math.exp(-z));
    });
    off += m.layers[l] * cols;
  }
  return a;
}
const A = model([16, 6, 3], 1);
const B = model([16, 6, 3], 2);
const digits = model([400, 25, 10], 3);
const input = Array.from({ length: 16 }, (_, i) => (i % 5) / 4);
const expected = new Map([A, B].map((m) => [nn.thetaChecksum(m.theta), forward(m, input)]));

const dir = mkdtempSync(join(tmpdir(), 'backprop-soak-'));
const models = join(dir, 'models');
(await import('node:fs')).mkdirSync(models);
writeFileSync(join(models, 'swap.json'), nn.modelToJson(A));
writeFileSync(join(models, 'digits.json'), nn.modelToJson(digits));
writeFileSync(join(dir, 'secret.json'), nn.modelToJson(B));

const port = await new Promise((r) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => r(p));
  });
});
const url = `http://127.0.0.1:${port}`;
const server = spawn(process.execPath, [join(root, 'packages/server/dist/main.js'), '--model', models, '--port', String(port), '--body-limit', '64kb', '--log-level', 'warn'], {
  env: { ...process.env, BACKPROP_ADMIN_TOKEN: TOKEN },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let serverStderr = '';
server.stderr.on('data', (d) => (serverStderr = (serverStderr + d).slice(-4000)));
const serverExit = new Promise((r) => server.on('exit', (code, signal) => r({ code, signal })));
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${url}/readyz`)).status === 200) break;
  } catch {
    /* not listening yet */
  }
  if (i > 200) throw new Error(`the server did not become ready: ${serverStderr}`);
  await new Promise((r) => setTimeout(r, 50));
}

// ---- the request mix ----
const json = { 'content-type': 'application/json' };
const deep = (n) => '['.repeat(n) + ']'.repeat(n);
const kinds = {
  'valid single (swap)': { method: 'POST', path: '/v1/models/swap/predict', headers: json, body: JSON.stringify({ pixels: input }) },
  'valid batch of 20 (digits)': { method: 'POST', path: '/v1/models/digits/predict', headers: json, body: JSON.stringify({ inputs: Array(20).fill(Array(400).fill(0.5)) }) },
  'valid single (upload target)': { method: 'POST', path: '/v1/models/up/predict', headers: json, body: JSON.stringify({ pixels: input }) },
  'invalid JSON': { method: 'POST', path: '/v1/models/swap/predict', headers: json, body: '{"pixels": [1, 2' },
  'wrong length': { method: 'POST', path: '/v1/models/swap/predict', headers: json, body: JSON.stringify({ pixels: [1, 2, 3] }) },
  'strings for numbers': { method: 'POST', path: '/v1/models/swap/predict', headers: json, body: JSON.stringify({ pixels: input.map(String) }) },
  'not JSON content type': { method: 'POST', path: '/v1/models/swap/predict', headers: { 'content-type': 'text/plain' }, body: 'hello' },
  'unknown model': { method: 'POST', path: '/v1/models/nope/predict', headers: json, body: JSON.stringify({ pixels: input }) },
  'traversal name': { method: 'GET', path: '/v1/models/../../secret' },
  'encoded traversal': { method: 'POST', path: '/v1/models/..%2F..%2Fsecret/predict', headers: json, body: '{}' },
  'deeply nested pixel': { method: 'POST', path: '/v1/models/swap/predict', headers: json, body: `{"pixels":[${deep(20000)},${input.slice(1)}]}` },
  'deeply nested body': { method: 'POST', path: '/v1/models/swap/predict', headers: json, body: `{"pixels":${deep(20000)}}` },
  'malformed %-escape': { method: 'GET', path: '/v1/models/%E0%A4%A' },
  'oversized body': { method: 'POST', path: '/v1/models/swap/predict', headers: json, body: JSON.stringify({ inputs: Array(2000).fill(input) }) },
  'method not allowed': { method: 'PATCH', path: '/v1/predict' },
  'admin without token': { method: 'DELETE', path: '/v1/models/swap' },
  'admin wrong token': { method: 'POST', path: '/v1/models/swap/reload', headers: { authorization: 'Bearer nope' } },
  'list models': { method: 'GET', path: '/v1/models' },
  'healthz': { method: 'GET', path: '/healthz' },
  'metrics': { method: 'GET', path: '/metrics' },
  'unknown route': { method: 'GET', path: '/etc/passwd' },
};
const perKind = Object.fromEntries(Object.keys(kinds).map((k) => [k, { sent: 0, statuses: {} }]));
let wholeModel = 0;
let notWholeModel = 0;
const requests = Object.entries(kinds).map(([kind, r]) => ({
  ...r,
  setupRequest: (req) => {
    perKind[kind].sent++;
    return req;
  },
  onResponse: (status, body) => {
    const s = perKind[kind].statuses;
    s[status] = (s[status] ?? 0) + 1;
    if (status === 200 && kind !== 'valid batch of 20 (digits)' && kind.startsWith('valid single')) {
      const doc = JSON.parse(body);
      const want = expected.get(doc.checksum);
      const p = doc.predictions?.[0];
      const got = p?.scores ?? p?.probabilities ?? p?.outputs; // scores: the raw output units
      const text = JSON.stringify(p);
      if (want && (got ? got.every((v, i) => Math.abs(v - want[i]) <= 1e-12) : want.every((v) => text.includes(String(v).slice(0, 12))))) wholeModel++;
      else notWholeModel++;
    }
  },
}));

// ---- the swapper: reload from a rewritten file (atomic A/B, sometimes torn), upload A/B ----
const swap = { reloads: 0, reloadsRefused: 0, uploads: 0, unexpected: [] };
let stopping = false;
async function swapper() {
  const admin = { ...json, authorization: `Bearer ${TOKEN}` };
  for (let i = 0; !stopping; i++) {
    const next = i % 2 === 0 ? B : A;
    if (i % 7 === 6) writeFileSync(join(models, 'swap.json'), nn.modelToJson(next).slice(0, 300));
    else nn.writeFileAtomic(join(models, 'swap.json'), nn.modelToJson(next));
    const r = await fetch(`${url}/v1/models/swap/reload`, { method: 'POST', headers: admin });
    if (r.status === 200) swap.reloads++;
    else if (r.status === 422) swap.reloadsRefused++;
    else swap.unexpected.push(`reload ${r.status}`);
    await r.arrayBuffer();
    const u = await fetch(`${url}/v1/models/up`, { method: 'PUT', headers: admin, body: nn.modelToJson(next) });
    if (u.status === 200 || u.status === 201) swap.uploads++;
    else swap.unexpected.push(`upload ${u.status}`);
    await u.arrayBuffer();
    await new Promise((r2) => setTimeout(r2, 20));
  }
}

// ---- slow-loris sockets: a header byte every 200 ms, reopened when the server closes them ----
const loris = { opened: 0, closedByServer: 0, closeAfterMs: [] };
const lorisSockets = new Set();
function slowLoris() {
  if (stopping) return;
  const socket = connect(port, '127.0.0.1');
  lorisSockets.add(socket);
  loris.opened++;
  const started = Date.now();
  const head = `GET /healthz HTTP/1.1\r\nHost: x\r\n${'X-Slow: y\r\n'.repeat(1000)}`;
  let i = 0;
  const timer = setInterval(() => socket.write(head[i++ % head.length]), 200);
  socket.on('error', () => undefined);
  socket.on('close', () => {
    clearInterval(timer);
    lorisSockets.delete(socket);
    if (!stopping) {
      loris.closedByServer++;
      loris.closeAfterMs.push(Date.now() - started);
      slowLoris();
    }
  });
}

// ---- server RSS ----
let rssPeakMb = 0;
const rssTimer = setInterval(() => {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]);
    rssPeakMb = Math.max(rssPeakMb, Math.round(kb / 1024));
  } catch {
    /* gone */
  }
}, 500);

// ---- run ----
for (let i = 0; i < 20; i++) slowLoris();
const swapping = swapper();
const t0 = Date.now();
const totals = { sent: 0, received: 0, '2xx': 0, '4xx': 0, '5xx': 0, other: 0, errors: 0, timeouts: 0, rounds: 0, p99: 0 };
while (Date.now() - t0 < seconds * 1000) {
  // Fixed amounts per round, so that every request sent is awaited (a duration would cut requests in flight).
  const result = await autocannon({ url, connections, amount: connections * 250, requests, timeout: 10 });
  totals.rounds++;
  totals.sent += result.requests.sent;
  totals.received += result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  totals['2xx'] += result['2xx'];
  totals['4xx'] += result['4xx'];
  totals['5xx'] += result['5xx'];
  totals.other += result['1xx'] + result['3xx'];
  totals.errors += result.errors;
  totals.timeouts += result.timeouts;
  totals.p99 = Math.max(totals.p99, result.latency.p99);
}
const elapsed = (Date.now() - t0) / 1000;
stopping = true;
await swapping;
for (const s of lorisSockets) s.destroy();
clearInterval(rssTimer);

const stopSent = Date.now();
server.kill('SIGTERM');
const exit = await serverExit;
const stopMs = Date.now() - stopSent;
rmSync(dir, { recursive: true, force: true });

const sorted = [...loris.closeAfterMs].sort((a, b) => a - b);
const report = {
  seconds: elapsed,
  requests: totals,
  perKind,
  predictions: { wholeModel, notWholeModel },
  swaps: swap,
  slowLoris: { ...loris, closeAfterMs: undefined, medianCloseMs: sorted[Math.floor(sorted.length / 2)] ?? null, maxCloseMs: sorted.at(-1) ?? null },
  serverRssPeakMb: rssPeakMb,
  shutdown: { ...exit, ms: stopMs },
};
const fiveXx = Object.entries(perKind).filter(([, v]) => Object.keys(v.statuses).some((s) => s >= 500));
console.log(`soak ${elapsed.toFixed(1)} s, ${connections} connections, ${totals.rounds} rounds of ${connections * 250}`);
console.log(`requests sent ${totals.sent}, responses received ${totals.received} (2xx ${totals['2xx']}, 4xx ${totals['4xx']}, 5xx ${totals['5xx']}), errors ${totals.errors}, timeouts ${totals.timeouts}, p99 ${totals.p99} ms`);
for (const [kind, v] of Object.entries(perKind)) console.log(`  ${kind.padEnd(30)} ${JSON.stringify(v.statuses)}`);
console.log(`predictions from a whole model: ${wholeModel}, from anything else: ${notWholeModel}`);
console.log(`swaps: ${swap.reloads} reloads, ${swap.reloadsRefused} torn files refused (422), ${swap.uploads} uploads, unexpected: ${swap.unexpected.length ? swap.unexpected.join(', ') : 'none'}`);
console.log(`slow-loris: ${loris.opened} sockets, ${loris.closedByServer} cut off by the server after a median ${report.slowLoris.medianCloseMs} ms (max ${report.slowLoris.maxCloseMs} ms)`);
console.log(`server RSS peak ${rssPeakMb} MiB; SIGTERM → exit ${exit.code ?? exit.signal} in ${stopMs} ms`);
if (fiveXx.length) console.log(`5xx came from: ${fiveXx.map(([k]) => k).join(', ')}`);
if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2));
const pass = totals['5xx'] === 0 && totals.errors === 0 && totals.timeouts === 0 && totals.sent === totals.received && notWholeModel === 0 && swap.unexpected.length === 0 && exit.code === 0;
process.exit(pass ? 0 : 1);
