/**
 * The request body reader (middleware/json-body.ts), case by case (issue 21: found by mutation testing): which
 * Content-Types and charsets are JSON, each Content-Encoding, the limit on the declared, raw and decoded size, the
 * depth refusal, empty and malformed bodies, and when a refusal closes the connection. Every answer is checked for
 * its status, problem type and whole detail. A 2x2-pixel model with at most 3 rows: the route's limit is 373 bytes.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyPinsServer, expectProblem, json, LIMIT, post, sized, TOO_LARGE, VALID } from './body-reader-helpers.js';
import type { TestServer } from './helpers.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await bodyPinsServer();
});
afterAll(() => srv.close());

describe('Content-Type', () => {
  it('missing → 415 asking for application/json', async () => {
    expectProblem(await post(srv.url, { 'content-length': String(VALID.length) }, VALID), 415, 'unsupported-media-type',
      'request body: expected a JSON body with Content-Type: application/json');
  });

  it('another type, or a +json type with anything before or after → 415 quoting it', async () => {
    for (const type of ['text/plain', 'xapplication/a+json', 'application/a+jsonx', 'application/+json', 'application/jsonx']) {
      expectProblem(await post(srv.url, { 'content-type': type, 'content-length': String(VALID.length) }, VALID), 415,
        'unsupported-media-type', `Content-Type: expected application/json, got ${JSON.stringify(type)}`);
    }
  });

  it('any case, spaces, a UTF-8 charset (quoted or not, utf-8 or utf8) and other parameters are accepted', async () => {
    for (const type of ['Application/JSON', ' application/json ; charset=UTF-8', 'application/json;charset="utf8"', 'application/json; foo=bar', 'application/vnd.x+json; charset = utf-8']) {
      const a = await post(srv.url, { 'content-type': type, 'content-length': String(VALID.length) }, VALID);
      expect(a.status, type).toBe(200);
    }
  });

  it('another charset → 415 naming it (cut to 40 characters)', async () => {
    expectProblem(await post(srv.url, { 'content-type': 'application/json; charset=latin1', 'content-length': String(VALID.length) }, VALID),
      415, 'unsupported-media-type', 'Content-Type: charset "latin1" is not supported; send UTF-8');
    const long = 'x'.repeat(50);
    expectProblem(await post(srv.url, { 'content-type': `application/json; charset="${long}"`, 'content-length': String(VALID.length) }, VALID),
      415, 'unsupported-media-type', `Content-Type: charset "${'x'.repeat(40)}" is not supported; send UTF-8`);
  });
});

describe('Content-Encoding', () => {
  it('identity (or empty), gzip, x-gzip, deflate and br are undone, in any case', async () => {
    const cases: [string, Buffer][] = [
      ['identity', Buffer.from(VALID)],
      ['', Buffer.from(VALID)],
      [' GZip ', gzipSync(VALID)],
      ['x-gzip', gzipSync(VALID)],
      ['deflate', deflateSync(VALID)],
      ['br', brotliCompressSync(VALID)],
    ];
    for (const [encoding, body] of cases) {
      const a = await post(srv.url, sized(body, { 'content-encoding': encoding }), body);
      expect(a.status, encoding).toBe(200);
      expect((a.doc as { predictions?: unknown }).predictions ?? a.doc.prediction, encoding).toBeDefined();
    }
  });

  it('another encoding → 415 naming it', async () => {
    expectProblem(await post(srv.url, sized(VALID, { 'content-encoding': 'Compress' }), VALID), 415, 'unsupported-media-type',
      'Content-Encoding "compress" is not supported; use identity, gzip, deflate or br');
  });

  it('a body that does not decode → 400 saying so', async () => {
    const junk = Buffer.from('this is not gzip at all');
    expectProblem(await post(srv.url, sized(junk, { 'content-encoding': 'gzip' }), junk), 400, 'bad-request',
      /^request body does not decode as its Content-Encoding says: \S/);
  });

  it('a compressed body is measured after decoding: past the limit → 413, at the limit → read', async () => {
    const over = gzipSync(Buffer.alloc(LIMIT + 1, 0x20));
    expect(over.length).toBeLessThan(LIMIT);
    const a = await post(srv.url, sized(over, { 'content-encoding': 'gzip' }), over);
    expectProblem(a, 413, 'body-too-large', `request body is more than ${LIMIT} bytes; ${TOO_LARGE}`);
    expect(a.doc.limit).toBe(LIMIT);
    const at = gzipSync(VALID + ' '.repeat(LIMIT - VALID.length));
    expect((await post(srv.url, sized(at, { 'content-encoding': 'gzip' }), at)).status).toBe(200);
  });

  it('the depth is checked on the decoded bytes', async () => {
    const deep = gzipSync('{"inputs":[[[1]]]}');
    expectProblem(await post(srv.url, sized(deep, { 'content-encoding': 'gzip' }), deep), 400, 'invalid-json',
      'request body nests arrays and objects deeper than 3 levels (at byte 12); a valid body has at most 3');
  });
});

describe('size, depth and syntax', () => {
  it('a declared Content-Length over the limit → 413 with the declared size, before reading; at the limit → read', async () => {
    const body = Buffer.alloc(LIMIT + 1, 0x20);
    const a = await post(srv.url, sized(body), body);
    expectProblem(a, 413, 'body-too-large', `request body is ${LIMIT + 1} bytes; ${TOO_LARGE}`);
    expect(a.doc.limit).toBe(LIMIT);
    const fits = VALID + ' '.repeat(LIMIT - VALID.length);
    expect((await post(srv.url, sized(fits), fits)).status).toBe(200);
  });

  it('a chunked body is cut at the first byte over the limit, and the connection closes', async () => {
    const chunked = json({ 'transfer-encoding': 'chunked' });
    const a = await post(srv.url, chunked, Buffer.alloc(LIMIT + 1, 0x20));
    expectProblem(a, 413, 'body-too-large', `request body is more than ${LIMIT} bytes; ${TOO_LARGE}`);
    expect(a.headers.connection).toBe('close');
    const fits = VALID + ' '.repeat(LIMIT - VALID.length);
    expect((await post(srv.url, chunked, fits)).status).toBe(200);
  });

  it('too deep → 400 at the first bracket too deep, with the maximum', async () => {
    const body = '{"inputs":[[[0]]]}';
    const a = await post(srv.url, sized(body), body);
    expectProblem(a, 400, 'invalid-json', 'request body nests arrays and objects deeper than 3 levels (at byte 12); a valid body has at most 3');
    expect(a.doc.maxDepth).toBe(3);
    const ok = '{"inputs":[[0,0,0,0]]}';
    expect((await post(srv.url, sized(ok), ok)).status).toBe(200);
  });

  it('empty → 400 asking for a document; malformed → 400 with the parser\'s reason', async () => {
    expectProblem(await post(srv.url, sized(''), ''), 400, 'invalid-json', 'request body is empty: expected a JSON document');
    expectProblem(await post(srv.url, json({ 'transfer-encoding': 'chunked' }), ''), 400, 'invalid-json', 'request body is empty: expected a JSON document');
    expectProblem(await post(srv.url, sized('{"pixels":'), '{"pixels":'), 400, 'invalid-json', /^request body is not valid JSON: \S/);
  });

  it('a refusal of a small, fully sent body keeps the connection; a chunked or declared-large one closes it', async () => {
    const small = '{"inputs":[[[0]]]}';
    expect((await post(srv.url, sized(small), small)).headers.connection).not.toBe('close');
    const big = Buffer.alloc(LIMIT + 1, 0x20);
    // declared over the limit and refused before it was read, but small enough to drain: kept open
    expect((await post(srv.url, sized(big), big)).headers.connection).not.toBe('close');
    // refused before the body is read (unsupported type), declared larger than 1 MiB: closed
    const a = await post(srv.url, { 'content-type': 'text/plain', 'content-length': String(2 * 1024 * 1024 + 1) }, Buffer.alloc(2 * 1024 * 1024 + 1));
    expect(a.status).toBe(415);
    expect(a.headers.connection).toBe('close');
  });
});
