/**
 * A malformed charset parameter is not UTF-8 (found by mutation testing, issue 21): `charset=latin1"x` matched
 * neither form of the parameter and the body was read as UTF-8; it is a 415 naming what was sent. Well-formed UTF-8
 * charsets, quoted or not, still pass.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bodyPinsServer, expectProblem, post, VALID } from './body-reader-helpers.js';
import type { TestServer } from './helpers.js';

let srv: TestServer;
beforeAll(async () => {
  srv = await bodyPinsServer();
});
afterAll(() => srv.close());

it('a malformed charset (stray or unbalanced quotes) → 415 naming it', async () => {
  for (const [param, shown] of [
    ['charset=latin1"x', 'latin1"x'],
    ['charset="utf-8', '"utf-8'],
    ['charset=utf-8"', 'utf-8"'],
    ['charset="utf-8"x', '"utf-8"x'],
    // shown trimmed, as sent after the '=' and its spaces
    ['charset=  latin1"x', 'latin1"x'],
    // one parameter, not two: a later "charset=utf-8" inside its value is no escape
    ['charset=latin1 charset=utf-8', 'latin1 charset=utf-8'],
    ['charset="latin1" charset=utf-8', '"latin1" charset=utf-8'],
  ]) {
    expectProblem(await post(srv.url, { 'content-type': `application/json; ${param}`, 'content-length': String(VALID.length) }, VALID),
      415, 'unsupported-media-type', `Content-Type: charset ${JSON.stringify(shown)} is not supported; send UTF-8`);
  }
});

it('well-formed UTF-8 charsets, quoted or not, are read', async () => {
  for (const param of ['charset=utf-8', 'charset="UTF-8"', 'charset = utf8', 'charset = "utf-8"']) {
    const a = await post(srv.url, { 'content-type': `application/json; ${param}`, 'content-length': String(VALID.length) }, VALID);
    expect(a.status, param).toBe(200);
  }
});
