// SIGTERM while the event loop was busy: predicts sent meanwhile got no answer at all (curl 000) and were not
// logged, yet the log said "forced":false and the exit code was 0 — the listener was closed while they still sat
// in the kernel's accept queue (node accepts one connection per turn of the event loop), and server.close()'s
// closeIdleConnections destroyed the ones just accepted whose request was not read yet. And a request dropped at
// the shutdown timeout could be logged as `request completed` 200.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '@backprop/nn';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/metrics.js';
import { observeRequests } from '../src/middleware/request-observer.js';
import { ModelRegistry } from '../src/registry.js';
import { capturingLogger, fixtureModel, tempDir } from './helpers.js';

const mainJs = join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'main.js');

interface Main {
  child: ChildProcess;
  port: number;
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** dist/main.js serving a fixture model, once it logs "listening". */
function startMain(args: string[] = []): Promise<Main> {
  const dir = tempDir('bp-drain-');
  saveModel(join(dir, 'm.json'), fixtureModel());
  const child = spawn(process.execPath, [mainJs, '--port', '0', '--model', join(dir, 'm.json'), ...args], {
    env: { ...process.env, BACKPROP_ADMIN_TOKEN: '', BACKPROP_LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const entry = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
        buffer = buffer.slice(nl + 1);
        logs.push(entry);
        if (entry.msg === 'listening') resolve({ child, port: Number(new URL(String(entry.url)).port), logs, exited });
      }
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening`)));
  });
}

const pixels = JSON.stringify({ pixels: Array(400).fill(0.5) });
const PREDICT = `POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${pixels.length}\r\n\r\n${pixels}`;

/** Connects, writes `text`, resolves with all the server sent until the connection closed (or how it failed). */
function send(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let reply = '';
    socket.on('data', (d: Buffer) => (reply += d.toString()));
    socket.on('error', (err: NodeJS.ErrnoException) => (reply += `[${err.code}]`));
    socket.on('close', () => resolve(reply));
  });
}

describe('SIGTERM', () => {
  it('requests sent while the server could not run (stopped, as by a busy event loop) are all answered, logged, exit 0', async () => {
    const srv = await startMain();
    srv.child.kill('SIGSTOP'); // nothing runs: the kernel completes the connections and queues them
    const replies = Array.from({ length: 8 }, () => send(srv.port, PREDICT));
    await new Promise((r) => setTimeout(r, 300));
    srv.child.kill('SIGTERM'); // pending until the process runs again: it then sees the signal and the queue at once
    srv.child.kill('SIGCONT');
    const answers = await Promise.all(replies);
    expect(answers.map((a) => a.slice(0, 12))).toEqual(Array(8).fill('HTTP/1.1 200'));
    for (const a of answers) {
      expect(a.toLowerCase()).toContain('connection: close');
      expect(a).toContain('"predictions"');
    }
    expect(await srv.exited).toBe(0);
    const completed = srv.logs.filter((l) => l.msg === 'request completed' && (l.req as { url?: string }).url === '/v1/predict');
    expect(completed).toHaveLength(8);
    expect(srv.logs.find((l) => l.msg === 'server closed')).toMatchObject({ forced: false, dropped: 0 });
  }, 30_000);

  it('a connection accepted before SIGTERM whose request comes after it is answered; one that sends nothing is closed after 1 s', async () => {
    const srv = await startMain();
    const open = (): Promise<import('node:net').Socket> =>
      new Promise((resolve) => {
        const socket = connect(srv.port, '127.0.0.1', () => resolve(socket));
        socket.on('error', () => undefined);
      });
    const late = await open();
    const silent = await open();
    const silentClosed = new Promise<void>((r) => silent.on('close', () => r()));
    let reply = '';
    late.on('data', (d: Buffer) => (reply += d.toString()));
    const lateClosed = new Promise<void>((r) => late.on('close', () => r()));
    await new Promise((r) => setTimeout(r, 100)); // accepted by now
    const t = performance.now();
    srv.child.kill('SIGTERM');
    for (let i = 0; i < 200 && !srv.logs.some((l) => /^shutting down/.test(String(l.msg))); i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 200));
    late.write(PREDICT);
    await lateClosed;
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(reply).toContain('"predictions"');
    await silentClosed;
    expect(await srv.exited).toBe(0);
    expect(performance.now() - t).toBeLessThan(3000);
    expect(performance.now() - t).toBeGreaterThanOrEqual(900); // the silent one had its second
  }, 30_000);

  it('a request still unanswered at the shutdown timeout is logged as dropped and makes the exit code 1', async () => {
    const srv = await startMain(['--shutdown-timeout', '300']);
    const stuck = send(srv.port, `POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 1000\r\n\r\n`);
    await new Promise((r) => setTimeout(r, 200));
    srv.child.kill('SIGTERM');
    expect(await srv.exited).toBe(1);
    expect(await stuck).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\n$/); // all the client got
    const line = srv.logs.find((l) => (l.req as { url?: string } | undefined)?.url === '/v1/predict');
    expect(line).toMatchObject({ level: 50, msg: 'request dropped: unanswered at the shutdown timeout', res: { outcome: 'dropped' } });
    expect(srv.logs.find((l) => l.msg === 'server closed')).toMatchObject({ forced: true, dropped: 1 });
  }, 30_000);
});

it('a response ended after its connection was destroyed is logged as aborted, not completed', async () => {
  const { logger, lines } = capturingLogger();
  const observe = observeRequests(createMetrics(new ModelRegistry()), logger);
  const server: Server = createServer((req, res) => {
    observe(req as never, res as never, () => {
      req.socket.destroy(); // as the shutdown timeout does, while the handler still runs
      res.end('late'); // the handler finishes: these bytes go nowhere
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const reply = await send((server.address() as AddressInfo).port, 'GET /x HTTP/1.1\r\nHost: x\r\n\r\n');
  await new Promise((r) => setTimeout(r, 50));
  server.close();
  expect(reply).not.toMatch(/HTTP/);
  expect(lines.map((l) => l.msg)).toEqual(['request aborted']);
});
