/**
 * More of the request body reader's rules found by mutation testing (issue 21), beside body-reader-pins.test.ts
 * (a file of its own, so that Stryker's incremental run, which tracks tests per file, keeps that file's results):
 * charset parameters that only look like one, the 40-character cut of an unknown encoding, a compressed body whose
 * compressed bytes alone pass the limit, and the 1 MiB line between draining a refused body and closing.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyPinsServer, expectProblem, json, LIMIT, post, sized, TOO_LARGE, VALID } from './body-reader-helpers.js';
import type { TestServer } from './helpers.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await bodyPinsServer();
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
