// BACKPROP_ISA is checked as BACKPROP_BACKEND is (found by a new user's review): a value that names no CPU class
// (`avx2`) is a typed one-line error naming the classes, not a warning and a training ten times slower on the TS
// backend. Each case runs in a child process: the loader reads the variable once per process.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));

function child(body: string, env: Record<string, string>) {
  const script = `import * as nn from ${JSON.stringify(dist)};\n${body}`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, BACKPROP_BACKEND: '', BACKPROP_ISA: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PICK = `
try { console.log(nn.getBackend(process.argv[1] || undefined).name); }
catch (e) { console.log(e.name + ': ' + e.message); }
`;

// This CPU's flags, read here apart from core-native's own reading: AVX-512 (avx512f) is needed for x86-64-v4.
const x64 = process.arch === 'x64';
const hasAvx512 = x64 && /^flags\s*:.*\bavx512f\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));

describe('BACKPROP_ISA', () => {
  const unknown = ['avx2', 'AVX512', 'x86-64-v5', ' x86-64-v3'];
  // `baseline` is the one class off x86-64; on x86-64 it is not a class and must not be listed as one
  for (const value of x64 ? [...unknown, 'baseline'] : unknown) {
    it(`${JSON.stringify(value)} is an InvalidArgumentError naming the classes, with no fallback`, () => {
      const r = child(PICK, { BACKPROP_ISA: value });
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(
        `InvalidArgumentError: BACKPROP_ISA: expected one of x86-64-v4, x86-64-v3, x86-64 (AVX-512 is x86-64-v4, AVX2 x86-64-v3), got ${JSON.stringify(value)}`,
      );
      expect(r.stderr).not.toMatch(/BACKPROP_TS_FALLBACK/);
    });
  }

  it('does not stop the TS backend, which no CPU class concerns', () => {
    const r = child(`console.log(nn.getBackend('ts').name);`, { BACKPROP_ISA: 'avx2' });
    expect(r.stdout.trim()).toBe('ts');
  });

  it('a class name passes the check (the loader then loads it, or says why not)', () => {
    const r = child(PICK, { BACKPROP_ISA: 'x86-64' });
    expect(r.stdout.trim()).toMatch(/^(native|ts)$/);
  });

  it.skipIf(!x64 || hasAvx512)('a class this CPU cannot run (x86-64-v4 without AVX-512) is an InvalidArgumentError under auto, with no fallback', () => {
    for (const backend of ['', 'auto']) {
      const r = child(PICK, { BACKPROP_ISA: 'x86-64-v4', BACKPROP_BACKEND: backend });
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toMatch(
        /^InvalidArgumentError: BACKPROP_ISA=x86-64-v4: this CPU cannot run it \(its best class is x86-64(-v3)?\); set it to x86-64(-v3)? or a class below it, or unset it$/,
      );
      expect(r.stderr).not.toMatch(/BACKPROP_TS_FALLBACK/);
    }
    const info = child(`try { nn.backendInfo(); console.log('no error'); } catch (e) { console.log(e.code); }`, { BACKPROP_ISA: 'x86-64-v4' });
    expect(info.stdout.trim()).toBe('ERR_INVALID_ARGUMENT');
  });
});
