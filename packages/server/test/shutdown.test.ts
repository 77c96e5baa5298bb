import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, tempDir } from './helpers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const mainJs = join(packageDir, 'dist', 'main.js');

beforeAll(() => {
  if (!existsSync(mainJs)) {
    const build = spawnSync('npx', ['tsc', '-b'], { cwd: packageDir, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`building the server failed:\n${build.stdout}${build.stderr}`);
  }
});

interface Spawned {
  child: ChildProcess;
  url: string;
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/** Starts dist/main.js and waits for its "listening" log line (JSON, with the URL). */
function startMain(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Spawned> {
  const child = spawn(process.execPath, [mainJs, ...args], {
    env: { ...process.env, BACKPROP_ADMIN_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${stderr}`)));
  });
}

async function waitForLog(logs: Record<string, unknown>[], msg: RegExp): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (logs.some((l) => msg.test(String(l.msg)))) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no log line matching ${msg}: ${JSON.stringify(logs.map((l) => l.msg))}`);
}

describe('dist/main.js', () => {
  it('SIGTERM: stops accepting, finishes the in-flight request, exits 0', async () => {
    const dir = tempDir('bp-main-');
    saveModel(join(dir, 'model.json'), fixtureModel());
    const srv = await startMain(['--port', '0', '--model', join(dir, 'model.json')]);
    expect(srv.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${srv.url}/readyz`)).status).toBe(200);

    // A slow in-flight request: headers and half the body now, the rest after SIGTERM.
    const { port } = new URL(srv.url);
    const body = JSON.stringify({ inputs: [Array(400).fill(0.25), Array(400).fill(0.75)] });
    const socket = connect(Number(port), '127.0.0.1');
    let raw = '';
    socket.on('data', (d) => (raw += d.toString()));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(
      `POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, body.length / 2)}`,
    );
    await new Promise((r) => setTimeout(r, 150));

    srv.child.kill('SIGTERM');
    await waitForLog(srv.logs, /shutting down/);
    // New connections are refused once the listener is closed.
    await expect(fetch(`${srv.url}/healthz`)).rejects.toThrow();

    socket.write(body.slice(body.length / 2));
    await ended;
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    const json = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as { predictions: unknown[] };
    expect(json.predictions).toHaveLength(2);
    expect(await srv.exited).toBe(0);
    expect(srv.logs.some((l) => l.msg === 'server closed' && l.forced === false)).toBe(true);
  });

  it('SIGINT with only an idle keep-alive connection open exits 0 (not forced by the shutdown timeout)', async () => {
    const dir = tempDir('bp-main-int-');
    saveModel(join(dir, 'model.json'), fixtureModel());
    const srv = await startMain(['--port', '0', '--model', join(dir, 'model.json')]);
    await fetch(`${srv.url}/healthz`); // leaves an idle keep-alive connection behind
    srv.child.kill('SIGINT');
    expect(await srv.exited).toBe(0);
  });

  it('bad options: exit 2 with a one-line reason and the usage', () => {
    const run = spawnSync(process.execPath, [mainJs, '--port', 'eighty'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^backprop server: --port: expected an integer from 0 to 65535, got "eighty"/);
    expect(run.stderr).toMatch(/Usage:/);
    const help = spawnSync(process.execPath, [mainJs, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--model PATH/);
  });

  it('a model that cannot be loaded: exit 1 with the reason logged', async () => {
    const child = spawnSync(process.execPath, [mainJs, '--port', '0', '--model', '/nonexistent.json'], { encoding: 'utf8' });
    expect(child.status).toBe(1);
    const fatal = child.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: number; msg: string; err: string })
      .find((l) => l.level === 60);
    expect(fatal?.msg).toBe('server failed to start');
    expect(fatal?.err).toMatch(/cannot read \/nonexistent\.json/);
  });
});
