// Replicas sharing their models through Redis end up serving what Redis holds, whatever was lost on the way: a change
// notice sent while their subscription was down, a Redis restarted empty, a read or a write that timed out. Each
// assertion compares a replica's served checksum with the checksum of the document Redis holds (read here directly).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFromJson, modelToJson, thetaChecksum, type Model } from '@backprop/nn';
import { cli, killAll, sleep, startRedis, type Proc, type TestRedis } from './helpers.js';

const TOKEN = 'converge-test-token-0123456789';
const KEY = 'backprop:models';
const CHANNEL = 'backprop:models:changed';
/** The replicas' upload limit (BACKPROP_BODY_LIMIT=256kb), and so the bound on what they read from Redis. */
const LIMIT = 256 * 1024;

/** A valid model of `hidden` hidden units (4 inputs, 2 classes) whose weights depend on `k`. */
function model(k: number, hidden = 3): Model {
  return { layers: [4, hidden, 2], theta: Float64Array.from({ length: hidden * 5 + 2 * (hidden + 1) }, (_, i) => Math.sin(i + k)), labelNames: ['a', 'b'] };
}

let redis: TestRedis;
let restarted: ChildProcess | undefined;
let raw: Redis;
const procs: Proc[] = [];
let a: Replica;
let b: Replica;

interface Replica {
  p: Proc;
  url: string;
}

/** A `backprop serve --models redis://…` replica on a free port; resolves with its URL once it listens. */
async function replica(): Promise<Replica> {
  const p = cli(['serve', '--models', redis.url, '--port', '0', '--json'], {
    env: { BACKPROP_ADMIN_TOKEN: TOKEN, BACKPROP_LOG_LEVEL: 'warn', BACKPROP_BODY_LIMIT: '256kb' },
  });
  procs.push(p);
  for (let i = 0; i < 600 && !p.stdout().includes('\n'); i++) {
    if (p.child.exitCode !== null) throw new Error(`replica exited: ${p.stderr()}`);
    await sleep(50);
  }
  return { p, url: JSON.parse(p.stdout().split('\n')[0]!).url as string };
}

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url, { maxRetriesPerRequest: null });
  raw.on('error', () => undefined); // the restart test takes Redis away for a moment
  [a, b] = await Promise.all([replica(), replica()]);
});
afterAll(() => {
  raw?.disconnect();
  killAll(procs);
  redis?.stop();
  if (restarted?.pid !== undefined && restarted.exitCode === null) process.kill(restarted.pid, 'SIGKILL');
});

const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

function put(r: Replica, name: string, body: string): Promise<Response> {
  return fetch(`${r.url}/v1/models/${name}`, { method: 'PUT', headers, body, signal: AbortSignal.timeout(20_000) });
}

/** The checksum `r` serves for `name` (null: 404). */
async function served(r: Replica, name: string): Promise<string | null> {
  const res = await fetch(`${r.url}/v1/models/${name}`);
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return ((await res.json()) as { checksum: string }).checksum;
}

/** The checksum of the document Redis holds for `name` (null: none). */
async function inRedis(name: string): Promise<string | null> {
  const doc = await raw.hget(KEY, name);
  return doc === null ? null : thetaChecksum(modelFromJson(doc).theta);
}

/** Waits until every replica serves what Redis holds for `name`; the milliseconds it took (throws past `ms`). */
async function converged(name: string, ms: number, replicas = [a, b]): Promise<number> {
  const started = Date.now();
  for (;;) {
    const want = await inRedis(name);
    const got = await Promise.all(replicas.map((r) => served(r, name)));
    if (got.every((c) => c === want)) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`after ${ms} ms the replicas serve ${JSON.stringify(got)} for ${name}; Redis holds ${want}`);
    await sleep(50);
  }
}

/**
 * GET `url` with If-None-Match: `etag` and answers its status. Through node:http, because fetch() adds
 * `Cache-Control: no-cache` to a conditional request, which makes any server answer 200.
 */
function statusIfNoneMatch(url: string, etag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'if-none-match': etag } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    }).on('error', reject);
  });
}

describe('serve --models redis://: replicas converge on what Redis holds', () => {
  it('a change announced while the subscriptions were killed is picked up when they reconnect', async () => {
    expect((await put(b, 'lost', modelToJson(model(1)))).status).toBe(201);
    await converged('lost', 2_000);
    // the operator-reviewer's recipe: kill the pub/sub clients, at once PUT another model through B
    expect(await raw.client('KILL', 'TYPE', 'pubsub')).toBeGreaterThanOrEqual(2);
    expect((await put(b, 'lost', modelToJson(model(2)))).status).toBe(200);
    expect(await inRedis('lost')).toBe(thetaChecksum(model(2).theta));
    await converged('lost', 5_000);
  });

  it('a read that times out is retried until it succeeds', async () => {
    expect((await put(a, 'slow', modelToJson(model(3)))).status).toBe(201);
    await converged('slow', 2_000);
    // stored and announced, then Redis answers nothing for 6 s: the replicas' reads (5 s timeout) fail once
    await raw.multi().hset(KEY, 'slow', modelToJson(model(4))).publish(CHANNEL, 'slow').call('CLIENT', 'PAUSE', '6000', 'ALL').exec();
    await converged('slow', 12_000);
    expect(await served(a, 'slow')).toBe(thetaChecksum(model(4).theta));
  });

  it('a PUT whose write timed out is read back: stored, it is answered as stored and served everywhere', async () => {
    await raw.call('CLIENT', 'PAUSE', '6000', 'ALL');
    const res = await put(a, 'late', modelToJson(model(5)));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { checksum: string }).checksum).toBe(thetaChecksum(model(5).theta));
    expect(await inRedis('late')).toBe(thetaChecksum(model(5).theta));
    await converged('late', 2_000);
  });

  it('a PUT whose write and read-back both time out is a 504 saying the outcome is unknown', async () => {
    await raw.call('CLIENT', 'PAUSE', '12000', 'ALL'); // past the write's 5 s timeout and the read-back's 5 s
    const res = await put(a, 'unsure', modelToJson(model(14)));
    expect(res.status).toBe(504);
    const problem = (await res.json()) as { type: string; detail: string };
    expect(problem.type).toBe('urn:backprop:problem:store-outcome-unknown');
    expect(problem.detail).toMatch(/^model "unsure" may or may not be stored in redis:\/\/127\.0\.0\.1:\d+: /);
    await converged('unsure', 8_000); // it was stored, once Redis answered again
  });

  it('reload re-reads a shared model from Redis', async () => {
    expect((await put(a, 'quiet', modelToJson(model(6)))).status).toBe(201);
    await converged('quiet', 2_000);
    await raw.hset(KEY, 'quiet', modelToJson(model(7))); // changed without a notice
    const res = await fetch(`${a.url}/v1/models/quiet/reload`, { method: 'POST', headers });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { checksum: string }).checksum).toBe(thetaChecksum(model(7).theta));
    expect(await served(a, 'quiet')).toBe(await inRedis('quiet'));
    expect((await fetch(`${b.url}/v1/models/quiet/reload`, { method: 'POST', headers })).status).toBe(200);
    await converged('quiet', 0);
  });

  it('a document over the upload limit written straight into Redis is refused unread; the old model serves on', async () => {
    expect((await put(a, 'huge', modelToJson(model(8)))).status).toBe(201);
    await converged('huge', 2_000);
    const oldChecksum = thetaChecksum(model(8).theta);
    const big = modelToJson(model(9, 2_000)); // a valid model, just too large
    expect(Buffer.byteLength(big)).toBeGreaterThan(LIMIT);
    expect((await put(a, 'huge2', big)).status).toBe(413); // the same limit as an upload
    await raw.multi().hset(KEY, 'huge', big).publish(CHANNEL, 'huge').exec();
    await sleep(500);
    for (const r of [a, b]) expect(await served(r, 'huge')).toBe(oldChecksum);
    for (const r of [a, b]) {
      expect(r.p.stdout() + r.p.stderr()).toMatch(new RegExp(`stored document of model \\\\?"huge\\\\?" is ${Buffer.byteLength(big)} bytes, over the ${LIMIT}-byte limit`));
    }
    await raw.multi().hdel(KEY, 'huge').publish(CHANNEL, 'huge').exec();
    await converged('huge', 2_000);
  });

  it('the same model has the same ETag on every replica: If-None-Match from one is a 304 on the other', async () => {
    expect((await put(a, 'tagged', modelToJson(model(12)))).status).toBe(201);
    await converged('tagged', 2_000);
    for (const path of ['/v1/models/tagged', '/v1/models']) {
      const first = await fetch(`${a.url}${path}`);
      const etag = first.headers.get('etag')!;
      expect(etag).toBeTruthy();
      expect(await statusIfNoneMatch(`${b.url}${path}`, etag)).toBe(304);
    }
    const etag = (await fetch(`${b.url}/v1/models/tagged`)).headers.get('etag')!;
    expect((await put(a, 'tagged', modelToJson(model(13)))).status).toBe(200);
    await converged('tagged', 2_000);
    expect(await statusIfNoneMatch(`${b.url}/v1/models/tagged`, etag)).toBe(200);
  });

  it('Redis restarted empty: every replica drops what Redis no longer has', async () => {
    expect((await put(a, 'gone', modelToJson(model(10)))).status).toBe(201);
    await converged('gone', 2_000);
    for (const r of [a, b]) expect((await fetch(`${r.url}/readyz`)).status).toBe(200);
    redis.stop();
    const dir = mkdtempSync(join(tmpdir(), 'bp-redis-again-'));
    restarted = spawn('redis-server', ['--port', String(redis.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (spawnSync('redis-cli', ['-p', String(redis.port), 'ping'], { encoding: 'utf8' }).stdout.trim() !== 'PONG') {
      if (Date.now() > deadline) throw new Error('redis-server did not come back');
      await sleep(50);
    }
    expect(await raw.hlen(KEY)).toBe(0);
    for (const name of ['gone', 'lost', 'slow', 'late', 'unsure', 'quiet', 'tagged']) await converged(name, 8_000);
    for (const r of [a, b]) expect((await fetch(`${r.url}/readyz`)).status).toBe(503);
    // and the replicas follow the new Redis
    expect((await put(b, 'again', modelToJson(model(11)))).status).toBe(201);
    await converged('again', 2_000);
    rmSync(dir, { recursive: true, force: true });
  });
});
