// Issue 18: `backprop serve` and `node packages/server/dist/main.js` share one shutdown path — SIGTERM with a
// request still in flight past the shutdown timeout exits 1 from both (packages/server/README.md), a short admin
// token is warned about by both, and an idle SIGTERM exits quickly from both.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { saveModel } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, MAIN, ROOT, tmp } from './helpers.js';

const SERVER_MAIN = join(ROOT, 'packages/server/dist/main.js');

beforeAll(() => ensureBuilt());

interface Running {
  child: ChildProcess;
  url: string;
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Starts a server process and resolves once its JSON "listening" line is out. */
function start(command: string[], env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, command, { env: { ...process.env, BACKPROP_ADMIN_TOKEN: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'listening') resolve({ child, url: String(entry.url), logs, exited });
        } catch {
          /* not a log line */
        }
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    void exited.then((code) => reject(new Error(`exited with ${code} before listening:\n${stderr}`)));
  });
}

function modelFile(): string {
  const dir = tmp();
  const path = join(dir, 'model.json');
  const layers = [4, 3, 2];
  saveModel(path, { layers, theta: Float64Array.from({ length: 3 * 5 + 2 * 4 }, (_, i) => Math.sin(i)), labelNames: ['a', 'b'] });
  return path;
}

const commands: [string, (model: string) => string[]][] = [
  ['node packages/server/dist/main.js', (model) => [SERVER_MAIN, '--port', '0', '--model', model]],
  ['backprop serve', (model) => [MAIN, 'serve', '--port', '0', '--model', model]],
];

describe.each(commands)('%s', (_name, args) => {
  it('SIGTERM with a request in flight past the shutdown timeout (BACKPROP_SHUTDOWN_TIMEOUT=300): exit 1, logged as forced', async () => {
    const srv = await start(args(modelFile()), { BACKPROP_SHUTDOWN_TIMEOUT: '300' });
    const socket = connect(Number(new URL(srv.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    // Headers and half a body: the request stays in flight until the server drops it.
    socket.write('POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"pixels":');
    await new Promise((r) => setTimeout(r, 200));
    srv.child.kill('SIGTERM');
    expect(await srv.exited).toBe(1);
    expect(srv.logs.some((l) => l.msg === 'server closed' && l.forced === true)).toBe(true);
    socket.destroy();
  });

  it('warns when BACKPROP_ADMIN_TOKEN is shorter than 16 characters', async () => {
    const srv = await start(args(modelFile()), { BACKPROP_ADMIN_TOKEN: 'short' });
    srv.child.kill('SIGTERM');
    expect(await srv.exited).toBe(0);
    expect(srv.logs.some((l) => l.level === 40 && /BACKPROP_ADMIN_TOKEN is shorter than 16 characters/.test(String(l.msg)))).toBe(true);
  });

  it('an idle SIGTERM (one idle keep-alive connection open) exits 0 within a second', async () => {
    const srv = await start(args(modelFile()), {});
    await (await fetch(`${srv.url}/healthz`)).text();
    const t = performance.now();
    srv.child.kill('SIGTERM');
    expect(await srv.exited).toBe(0);
    const ms = performance.now() - t;
    expect(ms).toBeLessThan(1_000);
  });
});
