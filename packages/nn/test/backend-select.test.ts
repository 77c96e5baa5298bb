// Choosing the backend: BACKPROP_BACKEND is checked (a misspelling is a typed error naming the allowed values, never
// a silent `auto`), `auto` defers to it, and the fallback to ts is announced once per process as one line that
// says why and points at `backprop doctor`. Each case runs in a child process: the native loader and the warning
// are once per process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Runs `body` (an ES module body with `nn` imported) and returns its exit code, stdout and stderr. */
function child(body: string, env: Record<string, string>) {
  const script = `import * as nn from ${JSON.stringify(dist)};\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, BACKPROP_BACKEND: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NO_ADDON = { BACKPROP_NATIVE_PATH: '/nonexistent/backprop_native.node' };

// Every entry point that reads BACKPROP_BACKEND, including getBackend('auto') (what the CLI passes by default).
const ENTRY_POINTS = `
const out = {};
for (const [name, call] of [
  ['getBackend()', () => nn.getBackend()],
  ['getBackend(auto)', () => nn.getBackend('auto')],
  ['backendInfo()', () => nn.backendInfo()],
  ['cost', () => nn.cost(nn.randomInit([2, 2], { seed: 1 }), { rows: 1, cols: 2, data: Float64Array.of(1, 0) }, [1], { layers: [2, 2] })],
]) {
  try { call(); out[name] = 'ok'; } catch (e) { out[name] = { name: e.name, code: e.code, message: e.message }; }
}
console.log(JSON.stringify(out));
`;

describe('BACKPROP_BACKEND', () => {
  for (const value of ['nativ', 'typescript', 'NATIVE', ' ts']) {
    it(`${JSON.stringify(value)} is an InvalidArgumentError naming auto, native and ts, from every entry point`, () => {
      const r = child(ENTRY_POINTS, { BACKPROP_BACKEND: value });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      for (const [name, result] of Object.entries(out)) {
        expect(result, name).toEqual({
          name: 'InvalidArgumentError',
          code: 'ERR_INVALID_ARGUMENT',
          message: `BACKPROP_BACKEND: expected "auto", "native" or "ts", got ${JSON.stringify(value)}`,
        });
      }
      expect(r.stderr).not.toMatch(/BACKPROP_TS_FALLBACK/);
    });
  }

  it('`auto` (the CLI’s default) defers to it: ts runs ts, native without the addon throws instead of falling back', () => {
    const body = `
const out = {};
out.tsName = (() => { process.env.BACKPROP_BACKEND = 'ts'; return nn.getBackend('auto').name; })();
process.env.BACKPROP_BACKEND = 'native';
try { nn.getBackend('auto'); out.native = 'returned'; } catch (e) { out.native = e.code; }
out.info = nn.backendInfo();
console.log(JSON.stringify(out));
`;
    const r = child(body, NO_ADDON);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.tsName).toBe('ts');
    expect(out.native).toBe('ERR_BACKEND_UNAVAILABLE');
    expect(out.info).toMatchObject({ selected: 'native', nativeAvailable: false, source: 'env', addon: NO_ADDON.BACKPROP_NATIVE_PATH });
    expect(r.stderr).toBe('');
    // an explicit native or ts still wins over it; unset, empty, auto and ts are accepted everywhere
    expect(child(`console.log(nn.getBackend('ts').name);`, { ...NO_ADDON, BACKPROP_BACKEND: 'native' }).stdout.trim()).toBe('ts');
    for (const value of ['', 'auto', 'ts']) {
      const ok = child(ENTRY_POINTS, { ...NO_ADDON, BACKPROP_BACKEND: value });
      expect(Object.values(JSON.parse(ok.stdout)), value).toEqual(['ok', 'ok', 'ok', 'ok']);
    }
  });
});

describe('the fallback to ts', () => {
  it('is announced once per process, as one line with its code, the reason and `backprop doctor`', () => {
    const body = `
for (let i = 0; i < 3; i++) nn.getBackend();
nn.cost(nn.randomInit([2, 2], { seed: 1 }), { rows: 1, cols: 2, data: Float64Array.of(1, 0) }, [1], { layers: [2, 2] });
await new Promise((resolve) => setImmediate(resolve)); // process warnings are printed on a later tick
`;
    const r = child(body, NO_ADDON);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toEqual([
      'backprop: warning [BACKPROP_TS_FALLBACK]: native backend unavailable (BACKPROP_NATIVE_PATH points at ' +
        '/nonexistent/backprop_native.node, which does not exist); running on the TypeScript backend (slower). ' +
        'For the fix: npx backprop doctor',
    ]);
    expect(r.stderr).not.toMatch(/--trace-warnings/);
    // and not at all when ts is chosen, or when only backendInfo() is asked
    const quiet = `nn.getBackend('ts'); nn.backendInfo(); await new Promise((resolve) => setImmediate(resolve));`;
    expect(child(quiet, NO_ADDON).stderr).toBe('');
    expect(child(`nn.getBackend();`, { ...NO_ADDON, BACKPROP_BACKEND: 'ts' }).stderr).toBe('');
  });

  it('keeps a long or multi-line reason to one short line', () => {
    const body = `nn.getBackend();`;
    const long = `/nonexistent/${'x'.repeat(400)}\n/next-line.node`;
    const r = child(body, { BACKPROP_NATIVE_PATH: long });
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0].length).toBeLessThan(420);
    expect(lines[0]).toMatch(/…\); running on the TypeScript backend/);
  });
});
