// "Nothing limits how much body is in flight at once": 40 parallel 80 MB predicts all got 200 while /healthz took
// seconds and RSS tripled. With --max-body-in-flight, a large body that would take the bodies held at once past the
// bound is answered at once — a 503 problem with Retry-After, before its body is read — and small requests and
// /healthz go on being answered.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { saveModel } from '@backprop/nn';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readConfig, USAGE } from '../src/config.js';
import { ModelRegistry } from '../src/registry.js';
import { startServer } from '../src/server.js';
import { fixtureModel, listen, postJson, randomRows, silentLogger, tempDir, type TestServer } from './helpers.js';

const MiB = 1024 * 1024;
const BOUND = 8 * MiB;

let srv: TestServer;
beforeAll(async () => {
  const models = new ModelRegistry({ defaultName: 'default' });
  models.set('default', fixtureModel(), { source: 'upload' });
  srv = await listen({ models, maxBodyInFlight: '8mb' });
});
afterAll(() => srv.close());

/** A valid predict body of at least `bytes` bytes (rows of 400 numbers printed at full length). */
function largeBody(bytes: number): string {
  const row = JSON.stringify(randomRows(1, 400)[0]);
  return `{"inputs":[${Array(Math.ceil(bytes / (row.length + 1))).fill(row).join(',')}]}`;
}

interface Pending {
  socket: Socket;
  reply: () => string;
}

/** Sends the headers and the first KiB of a predict body; the rest is sent by the caller, if at all. */
function startPredict(body: string, url = srv.url, headers = ''): Pending {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
  socket.on('error', () => undefined);
  socket.write(
    `POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n${headers}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${headers ? '' : body.slice(0, 1024)}`,
  );
  return { socket, reply: () => data };
}

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

it('large bodies past the bound are refused at once with 503 and Retry-After; the rest, small requests and /healthz are served', async () => {
  // Five bodies of 3 MiB against an 8 MiB bound: the first two fit (6 MiB), each later one would make 9 MiB.
  const body = largeBody(3 * MiB);
  const size = Buffer.byteLength(body);
  expect(size).toBeGreaterThan(3 * MiB);
  expect(size).toBeLessThan(3.5 * MiB);
  const admitted = Math.floor(BOUND / size);
  expect(admitted).toBe(2);

  const pending: Pending[] = [];
  for (let i = 0; i < 5; i++) {
    pending.push(startPredict(body));
    await new Promise((r) => setTimeout(r, 30)); // in order: the first ones are the ones admitted
  }
  // The refusals arrive while no more than the first KiB of any body has been sent.
  await until('three answers', () => pending.filter((p) => p.reply().startsWith('HTTP/1.1 ')).length === 3);
  for (const p of pending.slice(0, admitted)) expect(p.reply()).toBe('');
  for (const p of pending.slice(admitted)) {
    const reply = p.reply();
    expect(reply).toMatch(/^HTTP\/1\.1 503 /);
    expect(reply).toMatch(/\r\nretry-after: \d+\r\n/i);
    expect(reply).toMatch(/\r\ncontent-type: application\/problem\+json/i);
    await until('the whole problem document', () => p.reply().includes('}'));
    const doc = JSON.parse(p.reply().slice(p.reply().indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(doc).toMatchObject({ type: 'urn:backprop:problem:server-busy', status: 503, limit: BOUND, instance: '/v1/predict' });
    p.socket.destroy();
  }

  // Meanwhile, with 6 MiB of bodies held: /healthz and a small predict are answered.
  const t = performance.now();
  expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
  const one = await postJson(`${srv.url}/v1/predict`, { pixels: Array(400).fill(0.5) });
  expect(one.status).toBe(200);
  expect(performance.now() - t).toBeLessThan(2000);

  // The admitted ones finish with their predictions.
  for (const p of pending.slice(0, admitted)) p.socket.write(body.slice(1024));
  await until('two answers', () => pending.slice(0, admitted).every((p) => p.reply().includes('"predictions"') && p.reply().endsWith('}')), 30_000);
  for (const p of pending.slice(0, admitted)) {
    expect(p.reply()).toMatch(/^HTTP\/1\.1 200 /);
    p.socket.destroy();
  }

  // Once they are done the room is free again: another large body is admitted and answered.
  const again = await postJson(`${srv.url}/v1/predict`, body);
  expect(again.status).toBe(200);
}, 60_000);

it('--max-body-in-flight / BACKPROP_MAX_BODY_IN_FLIGHT: a size, the option over the variable, listed by --help', () => {
  expect(readConfig(['--max-body-in-flight', '64mb'], { BACKPROP_MAX_BODY_IN_FLIGHT: '1gb' }).options.maxBodyInFlight).toBe(64 * MiB);
  expect(readConfig([], { BACKPROP_MAX_BODY_IN_FLIGHT: '1gb' }).options.maxBodyInFlight).toBe(1024 * MiB);
  expect(readConfig([], {}).options.maxBodyInFlight).toBeUndefined(); // the app's default then
  expect(() => readConfig(['--max-body-in-flight', 'lots'], {})).toThrow(/^--max-body-in-flight: expected a byte count or a size like '16mb', got "lots"$/);
  expect(USAGE).toMatch(/--max-body-in-flight SIZE[\s\S]*\(default 256mb\) \[BACKPROP_MAX_BODY_IN_FLIGHT\]/);
});

it('Expect: 100-continue (curl, for large bodies): a refused body gets its 503 and no 100 Continue; an admitted one gets the 100', async () => {
  const dir = tempDir('bp-continue-');
  saveModel(join(dir, 'm.json'), fixtureModel());
  const server = await startServer({ logger: silentLogger(), port: 0, modelPath: join(dir, 'm.json'), maxBodyInFlight: '2mb' });
  try {
    const body = largeBody(1.5 * MiB);
    const held = startPredict(body, server.url); // admitted: 1.5 MiB in flight
    await new Promise((r) => setTimeout(r, 100));
    const refused = startPredict(body, server.url, 'Expect: 100-continue\r\n');
    await until('the refusal', () => refused.reply().includes('}'));
    expect(refused.reply()).toMatch(/^HTTP\/1\.1 503 /); // first and only: the client was never told to send
    expect(refused.reply()).not.toMatch(/100 Continue/);
    refused.socket.destroy();

    held.socket.write(body.slice(1024));
    await until('the held answer', () => held.reply().endsWith('}'), 30_000);
    expect(held.reply()).toMatch(/^HTTP\/1\.1 200 /);
    held.socket.destroy();

    const admitted = startPredict(body, server.url, 'Expect: 100-continue\r\n');
    await until('100 Continue', () => admitted.reply().length > 0);
    expect(admitted.reply()).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    admitted.socket.write(body);
    await until('the admitted answer', () => admitted.reply().endsWith('}'), 30_000);
    expect(admitted.reply()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    admitted.socket.destroy();
  } finally {
    await server.close();
  }
}, 60_000);

/** A predict body sent chunked (no Content-Length): the server learns its size only as it arrives. */
function chunkedPredict(body: string, url = srv.url): Pending {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  let data = '';
  socket.on('data', (d: Buffer) => (data += d.toString('latin1')));
  socket.on('error', () => undefined);
  const bytes = Buffer.byteLength(body);
  socket.write(
    `POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n` +
      `${bytes.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
  );
  return { socket, reply: () => data };
}

it('a chunked body counts as it arrives: a small one is served beside the large bodies held, a large one is refused past the room', async () => {
  const dir = tempDir('bp-chunked-');
  saveModel(join(dir, 'm.json'), fixtureModel());
  const server = await startServer({ logger: silentLogger(), port: 0, modelPath: join(dir, 'm.json'), maxBodyInFlight: '8mb' });
  try {
    const large = largeBody(3 * MiB);
    const held = [startPredict(large, server.url), startPredict(large, server.url)]; // 6+ MiB of 8 held
    await new Promise((r) => setTimeout(r, 100));

    // Before, a chunked body counted as the route's whole limit (100 MB) and was refused here, however small.
    const small = chunkedPredict(JSON.stringify({ pixels: Array(400).fill(0.5) }), server.url);
    await until('the small chunked answer', () => small.reply().endsWith('}'), 10_000);
    expect(small.reply()).toMatch(/^HTTP\/1\.1 200 /);
    small.socket.destroy();

    // A chunked 3 MiB body would take the bodies held past 8 MiB once it has arrived: refused while it arrives.
    const big = chunkedPredict(large, server.url);
    await until('the large chunked answer', () => big.reply().includes('}'), 10_000);
    expect(big.reply()).toMatch(/^HTTP\/1\.1 503 /);
    expect(big.reply()).toMatch(/\r\nretry-after: \d+\r\n/i);
    big.socket.destroy();

    for (const p of held) p.socket.write(large.slice(1024));
    await until('the held answers', () => held.every((p) => p.reply().endsWith('}')), 30_000);
    for (const p of held) {
      expect(p.reply()).toMatch(/^HTTP\/1\.1 200 /);
      p.socket.destroy();
    }
    // with nothing else in flight, the same chunked 3 MiB body is admitted whole
    const alone = chunkedPredict(large, server.url);
    await until('the lone chunked answer', () => alone.reply().endsWith('}'), 30_000);
    expect(alone.reply()).toMatch(/^HTTP\/1\.1 200 /);
    alone.socket.destroy();
  } finally {
    await server.close();
  }
}, 60_000);
