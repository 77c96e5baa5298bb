// Issue 18, "Server: bound the work a request can cause before doing it": a request body is refused while it
// arrives — at the first bracket deeper than the route's schema nests, or the first byte past the largest valid
// request — so neither a deeply nested body nor a huge upload holds the event loop or gets read to its end.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { modelToJson } from '@backprop/nn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { fixtureModel, listen, postJson, problemOf, type TestServer } from './helpers.js';

const TOKEN = 'a-long-enough-admin-token';
const digits = fixtureModel();
const small = fixtureModel({ layers: [16, 4, 3], seed: 2 });

let srv: TestServer;
beforeAll(async () => {
  const models = new ModelRegistry({ defaultName: 'default' });
  models.set('default', digits, { source: 'upload' });
  models.set('small', small, { source: 'upload' });
  srv = await listen({ models, adminToken: TOKEN, maxBatchRows: 10 });
});
afterAll(() => srv.close());

/** Milliseconds /healthz takes to answer. */
async function healthzMs(url: string): Promise<number> {
  const t = performance.now();
  const res = await fetch(`${url}/healthz`);
  await res.text();
  expect(res.status).toBe(200);
  return performance.now() - t;
}

/**
 * In a child process (so that writing the bodies does not share the test's event loop with the server): sends
 * `count` requests whose body is `{"pixels":` and `depth` arrays nested. `sending` resolves once every request
 * has its headers and first bytes out; `replies` with each raw reply.
 */
function nestedSender(url: string, depth: number, count: number): { sending: Promise<void>; replies: Promise<string[]> } {
  const script = `
    const { connect } = require('node:net');
    const [port, depth, count] = process.argv.slice(1).map(Number);
    const body = Buffer.concat([Buffer.from('{"pixels":'), Buffer.alloc(depth, '['), Buffer.alloc(depth, ']'), Buffer.from('}')]);
    const head = 'POST /v1/predict HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\nContent-Length: ' + body.length + '\\r\\nConnection: close\\r\\n\\r\\n';
    for (let i = 0; i < count; i++) {
      const socket = connect(port, '127.0.0.1');
      let reply = '';
      socket.on('data', (d) => (reply += d));
      socket.on('error', () => {});
      socket.on('close', () => console.log(JSON.stringify(reply)));
      socket.write(head);
      socket.write(body);
    }
    console.log('"sending"');`;
  const child = spawn(process.execPath, ['-e', script, new URL(url).port, String(depth), String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let started: () => void;
  const sending = new Promise<void>((resolve) => (started = resolve));
  child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('"sending"')) started();
  });
  const lines = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as string);
  return { sending, replies: new Promise((resolve) => child.on('exit', () => resolve(lines().filter((l) => l !== 'sending')))) };
}

describe('deeply nested JSON', () => {
  let defaults: TestServer;
  beforeAll(async () => {
    const models = new ModelRegistry({ defaultName: 'default' });
    models.set('default', digits, { source: 'upload' });
    defaults = await listen({ models }); // default limits: an 8 MB body is well within predict's
  });
  afterAll(() => defaults.close());

  // retried up to twice: the bound is wall time, on a machine the rest of the suite shares
  it('four bodies 4 million arrays deep (8 MB each, under the limit) in flight: each 400 at the first bracket too deep, /healthz answers within 100 ms meanwhile', { retry: 2 }, async () => {
    await healthzMs(defaults.url); // the client's connection set up before timing
    const { sending, replies } = nestedSender(defaults.url, 4_000_000, 4);
    let done = false;
    void replies.then(() => (done = true));
    await sending;
    // Probe while the bodies are in flight, and on until they are all answered (at least 10 probes).
    const latencies: number[] = [];
    while (latencies.length < 10 || !done) {
      latencies.push(await healthzMs(defaults.url));
      await new Promise((r) => setTimeout(r, 20));
    }
    const all = await replies;
    expect(all).toHaveLength(4);
    for (const reply of all) {
      expect(reply).toMatch(/^HTTP\/1\.1 400 /);
      expect(reply).toMatch(/nests arrays and objects deeper than 3 levels \(at byte 12\)/);
    }
    expect(Math.max(...latencies), `healthz took ${latencies.map((ms) => ms.toFixed(0)).join(', ')} ms`).toBeLessThanOrEqual(100);
  });

  it('a model upload nested 34 deep is refused before parsing; one nested 33 deep (a training record of 32 levels) is accepted', async () => {
    const nest = (n: number): unknown => (n === 0 ? 1 : { x: nest(n - 1) });
    const doc = (trainingDepth: number) => {
      const parsed = JSON.parse(modelToJson(small)) as Record<string, unknown>;
      parsed.training = { ...(parsed.training as object), extra: nest(trainingDepth - 1) };
      return JSON.stringify(parsed);
    };
    const admin = { authorization: `Bearer ${TOKEN}` };
    // training { extra: nest(n - 1) } is n levels deep (its history is 3), the document one more.
    const deep = await fetch(`${srv.url}/v1/models/deep`, { method: 'PUT', headers: { 'content-type': 'application/json', ...admin }, body: doc(33) });
    expect(deep.status).toBe(400);
    expect(String((await problemOf(deep)).detail)).toMatch(/deeper than 33 levels/);
    const ok = await fetch(`${srv.url}/v1/models/deep`, { method: 'PUT', headers: { 'content-type': 'application/json', ...admin }, body: doc(32) });
    expect(ok.status).toBe(201);
  });
});

describe('the body limit of a route is its largest valid request', () => {
  it('predict: maxBatchRows rows of the model’s inputs in full precision fit; one byte more is a 413 saying the limit and why', async () => {
    // 10 rows of 16 numbers of up to 25 bytes (24 characters and a comma), 3 per row for [ ] and a comma, 64 around.
    const limit = 64 + 10 * (16 * 25 + 3);
    const longest = -2.2250738585072014e-308; // the longest number JSON prints: 24 characters
    const rows = Array.from({ length: 10 }, () => Array(16).fill(longest) as number[]);
    const full = JSON.stringify({ inputs: rows });
    expect(full.length).toBeLessThanOrEqual(limit);
    expect((await postJson(`${srv.url}/v1/models/small/predict`, full)).status).toBe(200);

    const over = full + ' '.repeat(limit - full.length + 1);
    const res = await postJson(`${srv.url}/v1/models/small/predict`, over);
    expect(res.status).toBe(413);
    const doc = await problemOf(res);
    expect(doc.limit).toBe(limit);
    expect(doc.detail).toBe(`request body is ${limit + 1} bytes; the limit is ${limit} bytes (10 inputs of 16 numbers)`);
  });

  it('an unknown model is a 404 before any of the body is read', async () => {
    const res = await postJson(`${srv.url}/v1/models/nope/predict`, { pixels: [0] });
    expect(res.status).toBe(404);
  });
});

/**
 * Streams a chunked body of up to `total` bytes in 64 KiB writes until the response arrives; resolves with the
 * status, the problem document and how many bytes had been written by then.
 */
function streamUntilAnswered(url: string, total: number, headers: Record<string, string>, chunk: Buffer): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      answered = true;
      const sentWhenAnswered = sent;
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, sent: sentWhenAnswered }));
      res.on('error', reject);
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const pump = (): void => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', () => setImmediate(pump));
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const gzipJson = { 'content-type': 'application/json', 'content-encoding': 'gzip' };

describe('413 as soon as the limit is passed', () => {
  let limited: TestServer;
  beforeAll(async () => {
    const models = new ModelRegistry({ defaultName: 'default' });
    models.set('default', digits, { source: 'upload' });
    limited = await listen({ models, bodyLimit: '1mb' });
  });
  afterAll(() => limited.close());

  it('a chunked 256 MiB upload: the 413 arrives, naming the limit, long before the client has sent it all', async () => {
    const total = 256 * 1024 * 1024;
    const r = await streamUntilAnswered(`${limited.url}/v1/predict`, total, {}, Buffer.alloc(64 * 1024, ' '));
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).detail).toBe(`request body is more than 1048576 bytes; the limit is 1048576 bytes (the server's --body-limit)`);
    expect(r.sent).toBeLessThan(total / 4);
  });

  it('a gzip body inflating past the limit: 413 naming the limit', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"pixels":['), Buffer.alloc(8 << 20, 0x20), Buffer.from(']}')]));
    const res = await fetch(`${limited.url}/v1/predict`, { method: 'POST', headers: gzipJson, body: bomb });
    expect(res.status).toBe(413);
    expect((await problemOf(res)).detail).toBe(`request body is more than 1048576 bytes; the limit is 1048576 bytes (the server's --body-limit)`);
  });

  it('a gzip body within the limit is read and answered', async () => {
    const body = gzipSync(JSON.stringify({ pixels: Array(400).fill(0.5) }));
    const res = await fetch(`${limited.url}/v1/predict`, { method: 'POST', headers: gzipJson, body });
    expect(res.status).toBe(200);
  });
});
