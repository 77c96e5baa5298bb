// BACKPROP_THREADS and BACKPROP_TS_THREADS follow one rule, BACKPROP_BACKEND's (found by a new user's review: an
// invalid BACKPROP_THREADS was a Node process warning, `(node:…) [BACKPROP_THREADS_INVALID] Warning: …`, and was
// ignored, while an invalid BACKPROP_TS_THREADS was an error): an integer 1..1024, or an InvalidArgumentError naming
// the variable, the value and the range, before anything is loaded. Each case runs in a child process: the loader
// reads the variables once per process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

function child(body: string, env: Record<string, string>) {
  const script = `import * as nn from ${JSON.stringify(dist)};\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, BACKPROP_BACKEND: '', BACKPROP_ISA: '', BACKPROP_THREADS: '', BACKPROP_TS_THREADS: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const USE = `
try { const b = nn.getBackend(); console.log(b.name + ' ' + b.getThreads()); }
catch (e) { console.log(e.code + ': ' + e.message); }
`;

const BAD = ['lots', '0', '1025', '2.5', '-1', '0x10', '1e3'];

describe('thread-count environment variables', () => {
  for (const name of ['BACKPROP_THREADS', 'BACKPROP_TS_THREADS']) {
    const env = name === 'BACKPROP_TS_THREADS' ? { BACKPROP_BACKEND: 'ts' } : {};
    for (const value of BAD) {
      it(`${name}=${JSON.stringify(value)}: one typed line naming the variable, the value and 1..1024; no process warning`, () => {
        const r = child(USE, { ...env, [name]: value });
        expect(r.code).toBe(0);
        expect(r.stdout.trim()).toBe(`ERR_INVALID_ARGUMENT: ${name}: expected an integer from 1 to 1024, got ${JSON.stringify(value)}`);
        expect(r.stderr).not.toMatch(/Warning|BACKPROP_TS_FALLBACK/);
      });
    }
  }

  it('BACKPROP_THREADS=1024 is accepted, as BACKPROP_TS_THREADS=1024 is (one range)', () => {
    expect(child(USE, { BACKPROP_THREADS: '1024' }).stdout.trim()).toMatch(/^(native|ts) \d+$/);
    expect(child(USE, { BACKPROP_BACKEND: 'ts', BACKPROP_TS_THREADS: '1024' }).stdout.trim()).toBe('ts 1024');
  });

  it.skipIf(!child(USE, {}).stdout.startsWith('native'))('BACKPROP_THREADS=1 is applied to the native backend', () => {
    expect(child(USE, { BACKPROP_THREADS: '1' }).stdout.trim()).toBe('native 1');
  });
});
