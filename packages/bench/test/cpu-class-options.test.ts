// --isa and --blas-coretype (issue 19): parsed and validated with typed errors, and a class this CPU cannot run
// stops the run with the loader's reason (never a silent fall-back to another path).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nativeStatus } from '@backprop/core-native';
import { describe, expect, it } from 'vitest';
import { BenchOptionError, parseBenchArgs, resolveBenchOptions } from '../src/index.js';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('--isa and --blas-coretype', () => {
  it('parse into the options and resolve as given, null when absent', () => {
    const parsed = parseBenchArgs(['--isa', 'x86-64-v3', '--blas-coretype=Haswell']);
    expect(parsed.options).toEqual({ isa: 'x86-64-v3', blasCoretype: 'Haswell' });
    expect(resolveBenchOptions(parsed.options)).toMatchObject({ isa: 'x86-64-v3', blasCoretype: 'Haswell' });
    expect(resolveBenchOptions({})).toMatchObject({ isa: null, blasCoretype: null });
  });

  it('an unknown class or core name is a typed error naming what was expected', () => {
    expect(() => parseBenchArgs(['--isa', 'avx2'])).toThrow(BenchOptionError);
    expect(() => parseBenchArgs(['--isa', 'avx2'])).toThrow('isa: expected one of x86-64-v4, x86-64-v3, x86-64, got "avx2"');
    expect(() => parseBenchArgs(['--blas-coretype', 'Has well'])).toThrow(
      'blasCoretype: expected an OpenBLAS core name such as Haswell, got "Has well"',
    );
    expect(() => parseBenchArgs(['--isa'])).toThrow('--isa: expected a value after it, got none');
  });

  const status = nativeStatus();
  const above = status.isa?.cpu === 'x86-64-v3' ? 'x86-64-v4' : status.isa?.cpu === 'x86-64' ? 'x86-64-v3' : undefined;
  it.skipIf(!status.available || above === undefined || !existsSync(MAIN))(
    'a class above this CPU stops the run before measuring, with the loader\'s reason',
    () => {
      const env = { ...process.env };
      delete env.BACKPROP_ISA;
      delete env.BACKPROP_NATIVE_PATH;
      const r = spawnSync(process.execPath, [MAIN, '--rows', '1', '--quick', '--isa', above!], { env, encoding: 'utf8', timeout: 60_000 });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`BACKPROP_ISA=${above}: this CPU cannot run it (its best class is ${status.isa!.cpu})`);
      expect(r.stdout).toBe('');
    },
  );
});
