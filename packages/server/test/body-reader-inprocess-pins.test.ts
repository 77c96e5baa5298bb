/**
 * The request body reader (middleware/json-body.ts) driven in process, for what HTTP cannot show (issue 21, its
 * survivors after the complete mutation run): the client going away mid-body settles the read with a bad-request
 * problem instead of leaving it pending; the problems for malformed JSON and an undecodable body keep the parser's
 * and zlib's error as their cause (for logs); a route that allows no nesting (maxDepth 0) refuses a bracket at
 * byte 0 and reads a bare scalar. The request is a PassThrough with the headers and `complete` a request has.
 */
import { PassThrough } from 'node:stream';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { jsonBody, type BodyBounds } from '../src/middleware/json-body.js';
import { HttpProblem } from '../src/problem.js';

type FakeRequest = PassThrough & { headers: Record<string, string>; complete: boolean; socket: object; body?: unknown };

function fakeRequest(headers: Record<string, string>): FakeRequest {
  return Object.assign(new PassThrough(), { headers: { 'content-type': 'application/json', ...headers }, complete: false, socket: {} });
}

/** Sends the whole body: `complete` turns true, as node:http sets it, before the stream ends (and closes). */
function sendAll(req: FakeRequest, body: string | Buffer): void {
  req.complete = true;
  req.end(body);
}

const res = { setHeader: () => undefined } as unknown as Response;

/** Runs the middleware; resolves with what it passed to next(), or 'pending' if it has not called next after 2 s. */
function run(req: FakeRequest, bounds: BodyBounds, feed: () => void): Promise<{ err: unknown; body: unknown } | 'pending'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('pending'), 2000);
    jsonBody(() => bounds)(req as unknown as Request, res, (err?: unknown) => {
      clearTimeout(timer);
      resolve({ err, body: req.body });
    });
    feed();
  });
}

const bounds: BodyBounds = { limit: 1000, maxDepth: 4, reason: 'a test route' };

function problem(out: { err: unknown; body: unknown } | 'pending'): HttpProblem {
  expect(out).not.toBe('pending');
  const { err } = out as { err: unknown };
  expect(err).toBeInstanceOf(HttpProblem);
  return err as HttpProblem;
}

describe('body reader, in process', () => {
  it('the client closing before the whole body arrived → a bad-request problem, not a read left pending', async () => {
    const req = fakeRequest({ 'content-length': '40' });
    const p = problem(
      await run(req, bounds, () => {
        req.write('{"pixels": [0, 0.5');
        setImmediate(() => req.emit('close'));
      }),
    );
    expect(p.slug).toBe('bad-request');
    expect(p.status).toBe(400);
    expect(p.message).toBe('the client closed the connection before sending the whole body');
  });

  it('a close after the whole body arrived changes nothing: the body is read', async () => {
    const req = fakeRequest({ 'content-length': '9' });
    const out = await run(req, bounds, () => {
      sendAll(req, '{"a": [1]}');
      req.emit('close');
    });
    expect(out).toEqual({ err: undefined, body: { a: [1] } });
  });

  it("malformed JSON: the problem's cause is the parser's SyntaxError", async () => {
    const req = fakeRequest({ 'content-length': '6' });
    const p = problem(await run(req, bounds, () => sendAll(req, '{"a":]')));
    expect(p.slug).toBe('invalid-json');
    expect(p.message).toMatch(/^request body is not valid JSON: /);
    expect(p.cause).toBeInstanceOf(SyntaxError);
    expect(p.message).toBe(`request body is not valid JSON: ${(p.cause as Error).message}`);
  });

  it("an undecodable gzip body: the problem's cause is zlib's error", async () => {
    const req = fakeRequest({ 'content-encoding': 'gzip', 'content-length': '8' });
    const p = problem(await run(req, bounds, () => sendAll(req, Buffer.from('notgzip!'))));
    expect(p.slug).toBe('bad-request');
    expect(p.cause).toBeInstanceOf(Error);
    expect((p.cause as NodeJS.ErrnoException).code).toBe('Z_DATA_ERROR');
    expect(p.message).toBe(`request body does not decode as its Content-Encoding says: ${(p.cause as Error).message}`);
  });

  it('maxDepth 0: a bare number is read, a bracket at byte 0 is refused at byte 0', async () => {
    const flat: BodyBounds = { limit: 1000, maxDepth: 0, reason: 'scalars only' };
    const scalar = fakeRequest({ 'content-length': '3' });
    expect(await run(scalar, flat, () => sendAll(scalar, '4.5'))).toEqual({ err: undefined, body: 4.5 });
    const array = fakeRequest({ 'content-length': '3' });
    const p = problem(await run(array, flat, () => sendAll(array, '[1]')));
    expect(p.slug).toBe('invalid-json');
    expect(p.message).toBe('request body nests arrays and objects deeper than 0 levels (at byte 0); a valid body has at most 0');
  });
});
