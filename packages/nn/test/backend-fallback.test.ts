import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs in a child process: the native loader caches its outcome per process, and this test needs one in which the
// addon cannot load (BACKPROP_NATIVE_PATH points at a file that does not exist).
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const script = `
import * as nn from ${JSON.stringify(dist)};
const out = { info: nn.backendInfo(), warnings: [] };
process.on('warning', (w) => out.warnings.push(w.code));
try { nn.getBackend('native'); out.native = 'loaded'; } catch (e) { out.native = { name: e.name, code: e.code, message: e.message }; }
const layers = [3, 5, 3];
const theta = nn.randomInit(layers, { seed: 1 });
const X = { rows: 2, cols: 3, data: Float64Array.of(1, 0, 2, 0, 1, 0) };
out.auto = nn.cost(theta, X, [1, 3], { layers });
out.ts = nn.cost(theta, X, [1, 3], { layers, backend: 'ts' });
setImmediate(() => console.log(JSON.stringify(out)));
`;

describe('when the addon cannot load', () => {
  it('auto falls back to ts with one coded warning, backendInfo says why, forcing native fails loudly', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, BACKPROP_NATIVE_PATH: '/nonexistent/backprop_native.node', BACKPROP_BACKEND: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.info.nativeAvailable).toBe(false);
    expect(out.info.selected).toBe('ts');
    expect(out.info.reason).toMatch(/nonexistent/);
    expect(out.native.code).toBe('ERR_BACKEND_UNAVAILABLE');
    expect(out.native.message).toMatch(/native backend unavailable/);
    // one line of its own on stderr, not a process warning (Node would add a --trace-warnings hint)
    expect(out.warnings).toEqual([]);
    expect(r.stderr.match(/\[BACKPROP_TS_FALLBACK\]/g)).toHaveLength(1);
    expect(out.auto).toBe(out.ts);
  });
});
