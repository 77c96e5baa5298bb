// Issue 14 ("Server logs"): human-readable lines on a terminal, JSON lines otherwise, or as forced by
// --log-format / BACKPROP_LOG_FORMAT.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { saveModel } from '@backprop/nn';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { prettyLine } from '../src/log-format.js';
import { fixtureModel, tempDir } from './helpers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const mainJs = join(packageDir, 'dist', 'main.js');

beforeAll(() => {
  const build = spawnSync('npx', ['tsc', '-b'], { cwd: packageDir, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`building the server failed:\n${build.stdout}${build.stderr}`);
});

const PRETTY_LISTENING = /^\d\d:\d\d:\d\d\.\d{3} INFO {2}listening url=http:\/\/127\.0\.0\.1:\d+ models=\["model"\] admin=false$/m;

/**
 * Runs main.js (through `wrap`, e.g. `script` for a terminal), waits for its listening line, makes one request,
 * stops it with SIGTERM and returns everything it wrote to stdout.
 */
async function serverOutput(args: string[], env: Record<string, string> = {}, tty = false): Promise<string> {
  const dir = tempDir('bp-logfmt-');
  saveModel(join(dir, 'model.json'), fixtureModel());
  const argv = [mainJs, '--port', '0', '--model', join(dir, 'model.json'), ...args];
  const child = tty
    ? spawn('script', ['-qfec', [process.execPath, ...argv].map((a) => `'${a}'`).join(' '), '/dev/null'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(process.execPath, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/listening/.test(out)) resolve();
    });
    void exited.then(() => reject(new Error(`exited before listening: ${out}`)));
  });
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(out)![0];
  await (await fetch(`${url}/v1/models/nope`)).text();
  await new Promise((r) => setTimeout(r, 100));
  if (tty) spawnSync('pkill', ['-TERM', '-P', String(child.pid)]); // the node process under script
  else child.kill('SIGTERM');
  await exited;
  return out.replace(/\r\n/g, '\n');
}

describe('server log format', () => {
  it('piped (not a terminal): JSON lines by default', async () => {
    const out = await serverOutput([]);
    const lines = out.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('--log-format pretty (or BACKPROP_LOG_FORMAT=pretty): one readable line per event, request lines with method, path, status, time', async () => {
    for (const out of [await serverOutput(['--log-format', 'pretty']), await serverOutput([], { BACKPROP_LOG_FORMAT: 'pretty' })]) {
      expect(out).toMatch(PRETTY_LISTENING);
      expect(out).toMatch(/^\d\d:\d\d:\d\d\.\d{3} WARN {2}GET \/v1\/models\/nope 404 \d+ ms id=[\w-]+$/m);
      expect(out).not.toMatch(/^\{/m);
    }
  });

  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal (run under script(1)): readable lines by default; --log-format json forces JSON', async () => {
    expect(await serverOutput([], {}, true)).toMatch(PRETTY_LISTENING);
    const forced = await serverOutput(['--log-format', 'json'], {}, true);
    expect(forced).not.toMatch(PRETTY_LISTENING);
    expect(forced).toMatch(/^\{"level":30,.*"msg":"listening"\}$/m);
  });

  it('an unknown format is a usage error naming the choices', () => {
    expect(() => readConfig(['--log-format', 'xml'], {})).toThrow('--log-format: expected json, pretty or auto, got "xml"');
    expect(() => readConfig([], { BACKPROP_LOG_FORMAT: 'yaml' })).toThrow(/expected json, pretty or auto, got "yaml"/);
  });

  it('prettyLine: a server fault shows its stack indented under the line; strings with spaces are quoted', () => {
    const line = prettyLine({
      level: 50,
      time: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
      msg: 'request errored',
      req: { id: 'r1', method: 'POST', url: '/v1/predict' },
      res: { statusCode: 500 },
      responseTime: 7,
      err: { message: 'boom', stack: 'Error: boom\n    at f (x.js:1:1)' },
      note: 'two words',
    });
    expect(line).toBe('03:04:05.678 ERROR POST /v1/predict 500 7 ms (request errored) id=r1 note="two words"\n    Error: boom\n        at f (x.js:1:1)\n');
  });
});
