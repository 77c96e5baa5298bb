// Errors from node:http's parser were not RFC 9457 problems: a Content-Length larger than the body got an empty 408
// (after the request timeout), a smaller one followed by more bytes an empty 400, Transfer-Encoding with
// Content-Length an empty 400, too large headers an empty 431. Each is sent here on a raw socket.
import { connect } from 'node:net';
import { join } from 'node:path';
import { saveModel } from '@backprop/nn';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
import { capturingLogger, fixtureModel, tempDir } from './helpers.js';

let srv: RunningServer;
const { logger, lines } = capturingLogger();
beforeAll(async () => {
  const dir = tempDir('bp-client-errors-');
  saveModel(join(dir, 'm.json'), fixtureModel());
  srv = await startServer({ logger, port: 0, modelPath: join(dir, 'm.json'), timeouts: { headersTimeoutMs: 500, requestTimeoutMs: 1000 } });
});
afterAll(() => srv.close());

/** Writes `text` on a fresh connection and resolves with everything the server sent until it closed, and when. */
function exchange(text: string): Promise<{ reply: string; ms: number }> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(srv.url).port), '127.0.0.1', () => socket.write(text));
    let reply = '';
    socket.on('data', (d: Buffer) => (reply += d.toString('latin1')));
    socket.on('end', () => socket.end());
    socket.on('close', () => resolve({ reply, ms: performance.now() - t }));
    socket.on('error', reject);
    setTimeout(() => reject(new Error(`no close within 10 s; got ${JSON.stringify(reply)}`)), 10_000).unref();
  });
}

interface Answer {
  status: number;
  headers: string;
  doc: Record<string, unknown>;
}

/** Splits a raw reply into its responses (each with a Content-Length) and parses their problem documents. */
function answers(reply: string): Answer[] {
  const out: Answer[] = [];
  let rest = reply;
  while (rest.length > 0) {
    const head = rest.slice(0, rest.indexOf('\r\n\r\n'));
    const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1]);
    expect(Number.isInteger(length), `a Content-Length in ${JSON.stringify(head)}`).toBe(true);
    const start = head.length + 4;
    out.push({ status: Number(head.slice(9, 12)), headers: head, doc: JSON.parse(rest.slice(start, start + length)) as Record<string, unknown> });
    rest = rest.slice(start + length);
  }
  return out;
}

function expectProblem(a: Answer, status: number, slug: string): void {
  expect(a.status).toBe(status);
  expect(a.headers).toMatch(/\r\ncontent-type: application\/problem\+json/i);
  expect(a.doc).toMatchObject({ type: `urn:backprop:problem:${slug}`, status });
  expect(typeof a.doc.title).toBe('string');
  expect(typeof a.doc.detail).toBe('string');
}

const POST = 'POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n';

it('a Content-Length larger than the body: 408 problem once the request timeout (1 s here) has passed', async () => {
  const { reply, ms } = await exchange(`${POST}Content-Length: 100\r\n\r\n{"pix`);
  const [a, ...more] = answers(reply);
  expect(more).toEqual([]);
  expectProblem(a, 408, 'request-timeout');
  expect(a.doc.detail).toMatch(/whole request, body included, within 1000 ms/);
  expect(ms).toBeGreaterThanOrEqual(900);
  expect(ms).toBeLessThan(5000);
});

it('a Content-Length smaller than the body: its request is answered, then the bytes after it are a 400 problem', async () => {
  const { reply } = await exchange(`${POST}Content-Length: 5\r\n\r\n{"pixels":[1,2,3]}`);
  const [first, second, ...more] = answers(reply);
  expect(more).toEqual([]);
  expectProblem(first, 400, 'invalid-json'); // `{"pix` is all of its body
  expectProblem(second, 400, 'bad-request');
  expect(second.doc.detail).toMatch(/^the request is not valid HTTP\/1\.1 after the end of the previous request on this connection/);
});

it('Transfer-Encoding with Content-Length: 400 problem naming the conflict', async () => {
  const { reply } = await exchange(`${POST}Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"pix\r\n0\r\n\r\n`);
  const [a, ...more] = answers(reply);
  expect(more).toEqual([]);
  expectProblem(a, 400, 'bad-request');
  expect(a.doc.detail).toMatch(/Transfer-Encoding can't be present with Content-Length/);
});

it('headers over 16 KiB: 431 problem; a request line that is not HTTP: 400 problem; each logged once at warn', async () => {
  const before = lines.filter((l) => /^client error/.test(String(l.msg))).length;
  const big = answers((await exchange(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`)).reply);
  expect(big).toHaveLength(1);
  expectProblem(big[0], 431, 'headers-too-large');
  const junk = answers((await exchange('HELLO THERE\r\n\r\n')).reply);
  expect(junk).toHaveLength(1);
  expectProblem(junk[0], 400, 'bad-request');
  const logged = lines.filter((l) => /^client error/.test(String(l.msg))).slice(before);
  expect(logged.map((l) => [l.level, l.status])).toEqual([
    [40, 431],
    [40, 400],
  ]);
  // The server goes on serving.
  expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
});
