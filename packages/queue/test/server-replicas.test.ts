import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelToJson, type Model } from '@backprop/nn';
import { cli, killAll, sleep, startRedis, type Proc, type TestRedis } from './helpers.js';

const TOKEN = 'replica-test-token-0123456789';

/** A tiny valid model (4 inputs, 3 hidden, 2 classes) whose weights depend on `k`. */
function tinyModel(k: number): Model {
  return { layers: [4, 3, 2], theta: Float64Array.from({ length: 3 * 5 + 2 * 4 }, (_, i) => Math.sin(i + k)), labelNames: ['a', 'b'] };
}

let redis: TestRedis;
const procs: Proc[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => {
  killAll(procs);
  redis?.stop();
});

/** A `backprop serve --models redis://…` replica on a free port; resolves with its URL once it listens. */
async function replica(): Promise<{ p: Proc; url: string }> {
  const p = cli(['serve', '--models', redis.url, '--port', '0', '--json'], { env: { BACKPROP_ADMIN_TOKEN: TOKEN, BACKPROP_LOG_LEVEL: 'warn' } });
  procs.push(p);
  for (let i = 0; i < 600 && !p.stdout().includes('\n'); i++) {
    if (p.child.exitCode !== null) throw new Error(`replica exited: ${p.stderr()}`);
    await sleep(50);
  }
  return { p, url: JSON.parse(p.stdout().split('\n')[0]!).url as string };
}

/** Polls `url` until `accept(status)`; the milliseconds it took. */
async function until(url: string, accept: (status: number, body: string) => boolean, ms = 5_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await fetch(url);
    if (accept(res.status, await res.text())) return Date.now() - started;
    if (Date.now() - started > ms) throw new Error(`${url} did not change within ${ms} ms`);
    await sleep(10);
  }
}

describe('serve --models redis://: replicas share their models', () => {
  it('an upload or delete through one replica is served by the others within one second, each validating first', async () => {
    const [a, b] = await Promise.all([replica(), replica()]);
    expect((await fetch(`${a.url}/readyz`)).status).toBe(503);

    const put = await fetch(`${a.url}/v1/models/tiny`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: modelToJson(tinyModel(1)),
    });
    expect(put.status).toBe(201);
    const { checksum } = (await put.json()) as { checksum: string };
    const seenAfter = await until(`${b.url}/v1/models/tiny`, (s) => s === 200);
    expect(seenAfter).toBeLessThan(1_000);
    expect(((await (await fetch(`${b.url}/v1/models/tiny`)).json()) as { checksum: string }).checksum).toBe(checksum);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
    const predicted = await fetch(`${b.url}/v1/models/tiny/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [[0.1, 0.2, 0.3, 0.4]] }),
    });
    expect(predicted.status).toBe(200);

    // A bad document written to the store behind the replicas' backs is refused by each: the old model serves on.
    const raw = new Redis(redis.url);
    await raw.multi().hset('backprop:models', 'tiny', '{"layers": [4, 3, 2], "theta": [1, 2]}').publish('backprop:models:changed', 'tiny').exec();
    await sleep(300);
    for (const r of [a, b]) expect(((await (await fetch(`${r.url}/v1/models/tiny`)).json()) as { checksum: string }).checksum).toBe(checksum);
    await raw.hset('backprop:models', 'tiny', modelToJson(tinyModel(1)));
    raw.disconnect();

    // A replica started later serves the current set at once.
    const c = await replica();
    expect((await fetch(`${c.url}/v1/models/tiny`)).status).toBe(200);
    expect((await fetch(`${c.url}/readyz`)).status).toBe(200);

    const del = await fetch(`${b.url}/v1/models/tiny`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(del.status).toBe(204);
    for (const r of [a, c]) expect(await until(`${r.url}/v1/models/tiny`, (s) => s === 404)).toBeLessThan(1_000);

    for (const r of [a, b, c]) r.p.child.kill('SIGTERM');
    expect(await Promise.all([a, b, c].map((r) => r.p.exited))).toEqual([0, 0, 0]);
  });

  it('Redis gone while serving: an upload is a 503 naming the store at once, the loaded models keep serving', async () => {
    const a = await replica();
    const body = modelToJson(tinyModel(2));
    const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    expect((await fetch(`${a.url}/v1/models/kept`, { method: 'PUT', headers, body })).status).toBe(201);
    redis.stop();
    const started = Date.now();
    const res = await fetch(`${a.url}/v1/models/other`, { method: 'PUT', headers, body, signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(6_000);
    const problem = (await res.json()) as { detail: string; title: string };
    expect(problem.detail).toMatch(new RegExp(`^cannot store model "other" in ${redis.url.replace(/[/.]/g, '\\$&')} \\(nothing was loaded\\)`));
    expect(problem.title).toBe('The model store (directory or shared Redis) cannot be written'); // was "The model directory …": there is none
    expect((await fetch(`${a.url}/v1/models/kept`)).status).toBe(200);
    expect((await fetch(`${a.url}/readyz`)).status).toBe(200);
    a.p.child.kill('SIGTERM');
    expect(await a.p.exited).toBe(0);
  });

  it('Redis unreachable at start: serve exits with one line naming the URL without its password', async () => {
    const p = cli(['serve', '--models', 'redis://:hunter2@127.0.0.1:1', '--port', '0']);
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/^backprop: error: cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connection refused \(is Redis running there\?\)$/m);
    expect(p.stderr()).not.toContain('hunter2');
  });
});
