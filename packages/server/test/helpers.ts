import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type Server } from 'node:http';
import { randomInit, Rng, type Model } from '@backprop/nn';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterAll } from 'vitest';
import { createApp, type AppOptions } from '../src/app.js';

export const silentLogger = () => pino({ level: 'silent' });

/** Digit-style label names: label k is digit k, label 10 is digit 0 (the course mapping). */
export const DIGIT_LABELS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/** A model with seeded random weights, shaped like the ex4 digits network unless told otherwise. */
export function fixtureModel(options: { layers?: number[]; seed?: number; range?: number; withShape?: boolean } = {}): Model {
  const layers = options.layers ?? [400, 25, 10];
  const K = layers[layers.length - 1];
  const side = Math.sqrt(layers[0]);
  const model: Model = {
    layers,
    theta: randomInit(layers, { seed: options.seed ?? 1, range: options.range ?? 0.3 }),
    labelNames: K === 10 ? [...DIGIT_LABELS] : Array.from({ length: K }, (_, k) => `class-${k + 1}`),
    training: {
      method: 'tnc',
      options: { maxfun: 3 },
      lambda: 1,
      init: { range: 0.3, seed: options.seed ?? 1 },
      backend: 'ts',
      dataset: { name: 'fixture', m: 10 },
      nit: 2,
      nfev: 3,
      status: 'maxfun',
      message: 'fixture',
      cost: 1.5,
      seconds: 0.01,
      trainAccuracy: 0.4,
      validationAccuracy: 0.3,
      history: [
        { iteration: 0, cost: 2, nfev: 1, elapsed: 0 },
        { iteration: 1, cost: 1.7, nfev: 2, elapsed: 1 },
        { iteration: 2, cost: 1.5, nfev: 3, elapsed: 2 },
      ],
    },
  };
  if ((options.withShape ?? true) && Number.isInteger(side)) model.inputShape = { width: side, height: side, order: 'column-major' };
  return model;
}

/** Seeded inputs in [0, 1]. */
export function randomRows(m: number, n: number, seed = 7): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: m }, () => Array.from({ length: n }, () => rng.uniform(0, 1)));
}

/**
 * Independent forward pass written out with plain loops (no library code): a(1) = x, a(l+1) = sigmoid(Θl [1; a(l)]),
 * Θl row-major (s_{l+1} × (s_l + 1)) in the seed's flat order. The server must agree with it.
 */
export function referenceForward(model: Pick<Model, 'layers' | 'theta'>, x: readonly number[]): number[] {
  let a = [...x];
  let off = 0;
  for (let l = 1; l < model.layers.length; l++) {
    const rows = model.layers[l];
    const cols = model.layers[l - 1] + 1;
    const next: number[] = [];
    for (let j = 0; j < rows; j++) {
      let z = model.theta[off + j * cols];
      for (let i = 1; i < cols; i++) z += model.theta[off + j * cols + i] * a[i - 1];
      next.push(1 / (1 + Math.exp(-z)));
    }
    off += rows * cols;
    a = next;
  }
  return a;
}

export interface TestServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** createApp on an ephemeral 127.0.0.1 port. */
export async function listen(options: AppOptions = {}): Promise<TestServer> {
  const app = createApp({ logger: silentLogger(), ...options });
  // app.listen, as deployed: requests born with the app's prototypes (request-classes.ts); request-classes.test.ts
  // covers a plain http.createServer(app) too.
  const server = await new Promise<Server>((resolve) => {
    const s: Server = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Asserts the RFC 9457 shape and returns the document. */
export async function problemOf(res: Response): Promise<Record<string, unknown>> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('application/problem+json')) {
    throw new Error(`expected application/problem+json, got ${type} (${res.status}): ${await res.text()}`);
  }
  const doc = (await res.json()) as Record<string, unknown>;
  for (const key of ['type', 'title', 'status', 'detail', 'instance']) {
    if (!(key in doc)) throw new Error(`problem document lacks "${key}": ${JSON.stringify(doc)}`);
  }
  if (doc.status !== res.status) throw new Error(`problem status ${doc.status} differs from HTTP status ${res.status}`);
  if (JSON.stringify(doc).includes('    at ')) throw new Error(`problem document leaks a stack trace: ${JSON.stringify(doc)}`);
  return doc;
}

/** A plain node:http request (fetch adds Cache-Control: no-cache to conditional requests). */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A pino logger (level info) whose JSON lines are collected for assertions. */
export function capturingLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

const tempDirs: string[] = [];
// Registered while the importing test file is collected, so it runs after that file's tests.
afterAll(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the OS temp dir, removed after the test file's tests. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}
