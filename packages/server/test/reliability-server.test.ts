// The server under hostile and heavy use, in under 10 s: mixed valid/invalid load with zero 5xx and every request
// answered; oversized, compressed-bomb, deeply nested and malformed requests refused with 4xx; slow-loris headers
// and trickled bodies cut off by headersTimeout/requestTimeout while others are served; model swaps and reloads
// under load serve only whole models; admin routes refuse without the token; model names cannot reach files
// outside the model directory. The 60 s version: node scripts/reliability/server-soak.mjs (RELIABILITY.md).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { modelToJson, randomInit, thetaChecksum, writeFileAtomic, type Model } from '@backprop/nn';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/index.js';

// autocannon ships no types: the fields read here, and a non-literal import so TypeScript does not look for them.
interface LoadResult {
  '1xx': number;
  '2xx': number;
  '3xx': number;
  '4xx': number;
  '5xx': number;
  errors: number;
  timeouts: number;
  requests: { sent: number };
}
const autocannonModule: string = 'autocannon';
const autocannon = ((await import(autocannonModule)) as { default: (options: Record<string, unknown>) => Promise<LoadResult> }).default;

const TOKEN = 'reliability-token';

function model(layers: number[], seed: number): Model {
  return {
    layers,
    theta: randomInit(layers, { seed, range: 1 }),
    labelNames: Array.from({ length: layers[layers.length - 1] }, (_, k) => `c${k + 1}`),
  };
}

/** Plain-loop forward pass (independent of the library): what a whole model must answer. */
function forward(m: Model, x: number[]): number[] {
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
const input = Array.from({ length: 16 }, (_, i) => (i % 5) / 4);
const byChecksum = new Map([
  [thetaChecksum(A.theta), A],
  [thetaChecksum(B.theta), B],
]);

let root: string;
let dir: string;
let srv: RunningServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'backprop-reliability-server-'));
  dir = join(root, 'models');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.json'), modelToJson(A));
  writeFileSync(join(dir, 'swap.json'), modelToJson(A));
  writeFileSync(join(root, 'secret.json'), modelToJson(B)); // outside the model directory
  srv = await startServer({
    modelPath: dir,
    port: 0,
    adminToken: TOKEN,
    logger: pino({ level: 'silent' }),
    bodyLimit: '256kb',
    backend: 'ts',
    timeouts: { headersTimeoutMs: 500, requestTimeoutMs: 1500, keepAliveTimeoutMs: 1000, shutdownTimeoutMs: 1000 },
  });
});

afterAll(async () => {
  await srv?.close();
  rmSync(root, { recursive: true, force: true });
});

const json = { 'content-type': 'application/json' };
const admin = { ...json, authorization: `Bearer ${TOKEN}` };

/** A request with the path sent verbatim (fetch would resolve '..' segments before sending). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(srv.url + '/', { method, path, headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function send(path: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(srv.url + path, init);
  return { status: res.status, body: await res.text() };
}

describe('load: mixed valid and invalid requests', () => {
  it('2000 requests over 8 connections: zero 5xx, zero errors, every request sent is answered', async () => {
    const ok = JSON.stringify({ pixels: input });
    const requests = [
      { method: 'POST', path: '/v1/models/a/predict', headers: json, body: ok },
      { method: 'POST', path: '/v1/models/a/predict', headers: json, body: '{"pixels": [1, 2' },
      { method: 'POST', path: '/v1/models/a/predict', headers: json, body: JSON.stringify({ pixels: [1, 2, 3] }) },
      { method: 'POST', path: '/v1/models/a/predict', headers: json, body: JSON.stringify({ inputs: [input, input, input] }) },
      { method: 'POST', path: '/v1/models/a/predict', headers: { 'content-type': 'text/plain' }, body: 'hello' },
      { method: 'POST', path: '/v1/models/nope/predict', headers: json, body: ok },
      { method: 'POST', path: '/v1/models/..%2Fsecret/predict', headers: json, body: ok },
      { method: 'GET', path: '/v1/models' },
      { method: 'GET', path: '/v1/models/a' },
      { method: 'GET', path: '/healthz' },
      { method: 'PUT', path: '/v1/models/a', headers: json, body: '{}' },
      { method: 'DELETE', path: '/v1/models/a' },
      { method: 'GET', path: '/no/such/route' },
      { method: 'PATCH', path: '/v1/predict' },
    ];
    const result = await autocannon({ url: srv.url, connections: 8, amount: 2000, requests, timeout: 5 });
    const received = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
    expect(result['5xx']).toBe(0);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.requests.sent).toBe(2000);
    expect(received).toBe(result.requests.sent);
    expect(result['2xx']).toBeGreaterThan(0);
    expect(result['4xx']).toBeGreaterThan(0);
  });
});

describe('hostile requests are refused with a 4xx, never a 5xx', () => {
  const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);

  it('a pixel value nested 50,000 arrays deep: 400 at the first bracket deeper than a predict body nests', async () => {
    const r = await send('/v1/models/a/predict', { method: 'POST', headers: json, body: `{"pixels":[${deep(50_000)},${input.slice(1).join(',')}]}` });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).detail).toMatch(/deeper than 3 levels \(at byte 12\)/);
  });

  it('an uploaded model document nested 50,000 deep: 4xx, and the served model is unchanged', async () => {
    const r = await send('/v1/models/a', { method: 'PUT', headers: admin, body: `{"format":"backprop-model","version":1,"x":${deep(50_000)}}` });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    const check = await send('/v1/models/a', {});
    expect(JSON.parse(check.body).checksum).toBe(thetaChecksum(A.theta));
  });

  it('a path with a malformed percent-escape (%E0%A4%A): 400', async () => {
    const r = await send('/v1/models/%E0%A4%A/predict', { method: 'POST', headers: json, body: '{}' });
    expect(r.status).toBe(400);
  });

  it('a body over the limit: 413', async () => {
    const r = await send('/v1/models/a/predict', { method: 'POST', headers: json, body: JSON.stringify({ inputs: Array(9000).fill(input) }) });
    expect(r.status).toBe(413);
  });

  it('a gzip body that inflates to 64 MiB (over the 256 KiB limit): 413', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"pixels":['), Buffer.alloc(64 << 20, 0x20), Buffer.from(']}')]));
    const r = await send('/v1/models/a/predict', { method: 'POST', headers: { ...json, 'content-encoding': 'gzip' }, body: bomb });
    expect(r.status).toBe(413);
  });

  it('64 KiB of headers: 431', async () => {
    const r = await send('/healthz', { headers: { 'x-filler': 'x'.repeat(64 * 1024) } });
    expect(r.status).toBe(431);
  });

  it('"__proto__" in a body is an unknown field, and pollutes nothing', async () => {
    const r = await send('/v1/models/a/predict', { method: 'POST', headers: json, body: `{"pixels":[${input}],"__proto__":{"polluted":1}}` });
    expect(r.status).toBe(400);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

/** Opens a socket and sends `head` one byte every `ms`; resolves with how long the server kept it open. */
function trickle(head: string, ms: number, limitMs: number): Promise<{ closedAfterMs: number; reply: string }> {
  return new Promise((resolve) => {
    const url = new URL(srv.url);
    const socket = connect(Number(url.port), url.hostname);
    const started = Date.now();
    let reply = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < head.length && !socket.destroyed) socket.write(head[i++]);
    }, ms);
    const done = () => {
      clearInterval(timer);
      clearTimeout(limit);
      resolve({ closedAfterMs: Date.now() - started, reply });
    };
    const limit = setTimeout(() => {
      socket.destroy();
      done();
    }, limitMs);
    socket.on('data', (d) => (reply += d));
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

describe('slow clients are bounded', () => {
  it('10 slow-loris sockets (a header byte every 50 ms) are cut off by headersTimeout; others are served meanwhile', async () => {
    const head = `GET /healthz HTTP/1.1\r\nHost: x\r\n${'X-Slow: y\r\n'.repeat(100)}\r\n`;
    const slow = Array.from({ length: 10 }, () => trickle(head, 50, 5000));
    const t0 = Date.now();
    const normal = await send('/v1/models/a/predict', { method: 'POST', headers: json, body: JSON.stringify({ pixels: input }) });
    expect(normal.status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    for (const s of await Promise.all(slow)) {
      expect(s.closedAfterMs).toBeLessThan(3000); // headersTimeout 500 ms + the 1 s checking interval, not the 5 s limit
      expect(s.reply === '' || s.reply.startsWith('HTTP/1.1 408')).toBe(true);
    }
  });

  it('a body trickled a byte every 50 ms is cut off by requestTimeout', async () => {
    const body = JSON.stringify({ pixels: input });
    const head = `POST /v1/models/a/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const url = new URL(srv.url);
    const result = await new Promise<{ closedAfterMs: number; reply: string }>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.write(head));
      const started = Date.now();
      let reply = '';
      let i = 0;
      const timer = setInterval(() => {
        if (i < body.length && !socket.destroyed) socket.write(body[i++]);
      }, 50);
      const finish = () => {
        clearInterval(timer);
        resolve({ closedAfterMs: Date.now() - started, reply });
      };
      socket.on('data', (d) => (reply += d));
      socket.on('close', finish);
      socket.on('error', () => undefined);
      setTimeout(() => socket.destroy(), 6000);
    });
    expect(result.closedAfterMs).toBeLessThan(4000); // requestTimeout 1.5 s (+ checking interval), not body.length × 50 ms
    expect(result.reply === '' || /^HTTP\/1\.1 (408|400)/.test(result.reply)).toBe(true);
  });
});

describe('model swaps under load serve whole models only', () => {
  it('reloads from a file rewritten A/B/torn, and uploads A/B, while 6 clients predict: every answer is exactly A or B', async () => {
    const stopAt = Date.now() + 2000;
    let reloads = 0;
    let failedReloads = 0;
    let uploads = 0;
    const swapper = (async () => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const next = i % 2 === 0 ? B : A;
        if (i % 5 === 4) {
          writeFileSync(join(dir, 'swap.json'), modelToJson(next).slice(0, 200)); // a torn write: the reload must fail
        } else {
          writeFileAtomic(join(dir, 'swap.json'), modelToJson(next));
        }
        const r = await send('/v1/models/swap/reload', { method: 'POST', headers: admin });
        if (r.status === 200) reloads++;
        else if (r.status === 422) failedReloads++;
        else throw new Error(`reload answered ${r.status}: ${r.body}`);
        const u = await send('/v1/models/up/', { method: 'PUT', headers: admin, body: modelToJson(next) });
        if (u.status === 200 || u.status === 201) uploads++;
        else throw new Error(`upload answered ${u.status}: ${u.body}`);
      }
    })();
    const seen = new Set<string>();
    let answers = 0;
    const client = async (name: string) => {
      while (Date.now() < stopAt) {
        const r = await send(`/v1/models/${name}/predict`, { method: 'POST', headers: json, body: JSON.stringify({ pixels: input }) });
        if (r.status === 404 && name === 'up') continue; // before the first upload
        expect(r.status, r.body).toBe(200);
        const doc = JSON.parse(r.body) as { checksum: string; predictions: { probabilities?: number[]; scores?: number[] }[] };
        const m = byChecksum.get(doc.checksum);
        expect(m, `unknown checksum ${doc.checksum}`).toBeDefined();
        const expected = forward(m!, input);
        const got = JSON.stringify(doc.predictions[0]);
        for (const p of expected) expect(got).toContain(String(p).slice(0, 10));
        seen.add(doc.checksum);
        answers++;
      }
    };
    await Promise.all([swapper, client('swap'), client('swap'), client('swap'), client('up'), client('up'), client('up')]);
    expect(answers).toBeGreaterThan(50);
    expect(reloads).toBeGreaterThan(3);
    expect(failedReloads).toBeGreaterThan(0);
    expect(uploads).toBeGreaterThan(3);
    expect(seen.size).toBe(2);
  });
});

describe('admin routes and model names', () => {
  it('PUT, DELETE and reload refuse without the token (401) and with a wrong one (403); nothing changes', async () => {
    for (const [method, path, body] of [
      ['PUT', '/v1/models/a', modelToJson(B)],
      ['DELETE', '/v1/models/a', undefined],
      ['POST', '/v1/models/a/reload', undefined],
    ] as const) {
      expect((await send(path, { method, headers: json, body })).status).toBe(401);
      expect((await send(path, { method, headers: { ...json, authorization: 'Bearer wrong' }, body })).status).toBe(403);
      expect((await send(path, { method, headers: { ...json, authorization: `Basic ${TOKEN}` }, body })).status).toBe(401);
    }
    expect(JSON.parse((await send('/v1/models/a')).body).checksum).toBe(thetaChecksum(A.theta));
  });

  it('names that try to leave the model directory never reach a file outside it', async () => {
    const before = readFileSync(join(root, 'secret.json'), 'utf8');
    const names = ['..', '..%2Fsecret', '%2e%2e%2fsecret', '%2E%2E', 'a%2Fb', '..%5Csecret', '.hidden', 'nul%00', '%C0%AE%C0%AE', 'x'.repeat(65), '%20secret'];
    for (const name of names) {
      for (const [method, path, headers, body] of [
        ['GET', `/v1/models/${name}`, {}, undefined],
        ['POST', `/v1/models/${name}/predict`, json, JSON.stringify({ pixels: input })],
        ['GET', `/v1/models/${name}/hidden.png`, {}, undefined],
        ['PUT', `/v1/models/${name}`, admin, modelToJson(A)],
        ['POST', `/v1/models/${name}/reload`, admin, undefined],
        ['DELETE', `/v1/models/${name}`, admin, undefined],
      ] as const) {
        const r = await raw(method, path, headers, body);
        expect([400, 404], `${method} ${path} → ${r.status} ${r.body.slice(0, 120)}`).toContain(r.status);
      }
    }
    expect(readFileSync(join(root, 'secret.json'), 'utf8')).toBe(before);
    expect(readdirSync(root).sort()).toEqual(['models', 'secret.json']);
    expect(existsSync(join(root, 'models', '..json'))).toBe(false);
    expect(createHash('sha256').update(before).digest('hex')).toHaveLength(64);
  });
});
