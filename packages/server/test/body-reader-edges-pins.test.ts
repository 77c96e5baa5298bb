/**
 * More of the request body reader's rules found by mutation testing (issue 21), beside body-reader-pins.test.ts
 * (a file of its own, so that Stryker's incremental run, which tracks tests per file, keeps that file's results):
 * charset parameters that only look like one, the 40-character cut of an unknown encoding, a compressed body whose
 * compressed bytes alone pass the limit, and the 1 MiB line between draining a refused body and closing.
 */
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry } from '../src/registry.js';
import { fixtureModel, listen, tempDir, type TestServer } from './helpers.js';

const LIMIT = 373;
const TOO_LARGE = `the limit is ${LIMIT} bytes (3 inputs of 4 numbers)`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  doc: Record<string, unknown>;
}

/** POST `body` to /v1/predict with these headers (node:http adds a Content-Length unless the request is chunked). */
function post(url: string, headers: Record<string, string>, body: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/predict`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, doc: JSON.parse(text) as Record<string, unknown> });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (headers: Record<string, string> = {}): Record<string, string> => ({ 'content-type': 'application/json', ...headers });
const sized = (body: Buffer | string, headers: Record<string, string> = {}): Record<string, string> =>
  json({ 'content-length': String(Buffer.byteLength(body)), ...headers });
const VALID = JSON.stringify({ pixels: [0, 0.5, 1, 0] });

function expectProblem(a: Answer, status: number, type: string, detail: string | RegExp): void {
  expect(a.status).toBe(status);
  expect(a.doc.type).toBe(`urn:backprop:problem:${type}`);
  if (typeof detail === 'string') expect(a.doc.detail).toBe(detail);
  else expect(String(a.doc.detail)).toMatch(detail);
}

let srv: TestServer;
beforeAll(async () => {
  const models = new ModelRegistry({ dir: tempDir('bp-body-pins-') });
  models.set('default', fixtureModel({ layers: [4, 3, 2], seed: 41 }), { source: 'upload' });
  srv = await listen({ models, maxBatchRows: 3 });
});
afterAll(() => srv.close());

describe('body reader edges', () => {
  it('only a parameter named charset is a charset, with spaces on either side of "="', async () => {
    expect((await post(srv.url, sized(VALID, { 'content-type': 'application/json; xcharset=latin1' }), VALID)).status).toBe(200);
    for (const type of ['application/json; charset =latin1', 'application/json; charset= latin1']) {
      expectProblem(await post(srv.url, sized(VALID, { 'content-type': type }), VALID), 415, 'unsupported-media-type',
        'Content-Type: charset "latin1" is not supported; send UTF-8');
    }
  });

  it('an unknown encoding is quoted cut to 40 characters', async () => {
    const long = 'z'.repeat(50);
    expectProblem(await post(srv.url, sized(VALID, { 'content-encoding': long }), VALID), 415, 'unsupported-media-type',
      `Content-Encoding "${'z'.repeat(40)}" is not supported; use identity, gzip, deflate or br`);
  });

  it('a compressed body whose compressed bytes pass the limit is refused as they arrive, even if it would decode to less', async () => {
    const fits = VALID + ' '.repeat(LIMIT - VALID.length);
    const stored = gzipSync(fits, { level: 0 });
    expect(stored.length).toBeGreaterThan(LIMIT);
    expectProblem(await post(srv.url, sized(stored, { 'content-encoding': 'gzip' }), stored), 413, 'body-too-large',
      `request body is more than ${LIMIT} bytes; ${TOO_LARGE}`);
  });

  it('a refused body declared at most 1 MiB is drained and the connection kept; one byte more closes it', async () => {
    const MiB = 1024 * 1024;
    const small = await post(srv.url, { 'content-type': 'text/plain', 'content-length': '2' }, '{}');
    expect(small.status).toBe(415);
    expect(small.headers.connection).not.toBe('close');
    const drained = await post(srv.url, { 'content-type': 'text/plain', 'content-length': String(MiB) }, Buffer.alloc(MiB));
    expect(drained.status).toBe(415);
    expect(drained.headers.connection).not.toBe('close');
    const closed = await post(srv.url, { 'content-type': 'text/plain', 'content-length': String(MiB + 1) }, Buffer.alloc(MiB + 1));
    expect(closed.headers.connection).toBe('close');
    // a chunked body refused after it was read in full keeps the connection
    const empty = await post(srv.url, json({ 'transfer-encoding': 'chunked' }), '');
    expect(empty.status).toBe(400);
    expect(empty.headers.connection).not.toBe('close');
  });
});
