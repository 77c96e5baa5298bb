// The CPU classes the addon is built for (one backprop_native_<class>.node each, CMakeLists.txt) and the best one
// this CPU runs, read from /proc/cpuinfo's flags (the kernel lists a feature only when the OS supports it too).
import { readFileSync } from 'node:fs';

/** The x86-64 classes, best first. Off x86-64 (or without GCC) the addon is one `baseline` build. */
export const ISA_CLASSES = ['x86-64-v4', 'x86-64-v3', 'x86-64'] as const;
export type IsaClass = (typeof ISA_CLASSES)[number] | 'baseline';

// GCC's definitions of the levels (x86-64-v3 includes x86-64-v2), in /proc/cpuinfo's names: pni is SSE3,
// abm is LZCNT, bmi1 BMI.
const V2 = ['cx16', 'lahf_lm', 'popcnt', 'pni', 'sse4_1', 'sse4_2', 'ssse3'];
const V3 = [...V2, 'avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'abm', 'movbe', 'xsave'];
const V4 = [...V3, 'avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'];

/** The best class a CPU with these /proc/cpuinfo flags runs. */
export function bestIsa(flags: ReadonlySet<string>): (typeof ISA_CLASSES)[number] {
  if (V4.every((f) => flags.has(f))) return 'x86-64-v4';
  if (V3.every((f) => flags.has(f))) return 'x86-64-v3';
  return 'x86-64';
}

/** This CPU's best class: from /proc/cpuinfo on x86-64 Linux, the baseline when it cannot be read, else 'baseline'. */
export function cpuIsa(): IsaClass {
  if (process.arch !== 'x64') return 'baseline';
  let text: string;
  try {
    text = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return 'x86-64';
  }
  const line = /^flags\s*:(.*)$/m.exec(text)?.[1] ?? '';
  return bestIsa(new Set(line.trim().split(/\s+/)));
}

/** Whether a CPU whose best class is `cpu` runs code built for `isa`. */
export function runs(cpu: IsaClass, isa: IsaClass): boolean {
  if (cpu === 'baseline' || isa === 'baseline') return cpu === isa;
  return ISA_CLASSES.indexOf(isa) >= ISA_CLASSES.indexOf(cpu);
}

/** The classes this platform has: the three x86-64 ones on x86-64, else the one `baseline` build. */
export function platformClasses(cpu: IsaClass = cpuIsa()): readonly IsaClass[] {
  return cpu === 'baseline' ? ['baseline'] : ISA_CLASSES;
}

/**
 * What is wrong with BACKPROP_ISA=raw on a CPU whose best class is `cpu`, on one line, or undefined when it is a class
 * of this platform that this CPU runs. A forced class is never quietly replaced: the loader refuses it before loading
 * anything (no SIGILL), and the backend choice turns this into an error under `auto` too.
 */
export function isaEnvProblem(raw: string, cpu: IsaClass = cpuIsa()): string | undefined {
  const classes = platformClasses(cpu);
  if (!(classes as readonly string[]).includes(raw)) {
    const names = cpu === 'baseline'
      ? 'baseline (the one class off x86-64)'
      : `one of ${classes.join(', ')} (AVX-512 is x86-64-v4, AVX2 x86-64-v3)`;
    return `BACKPROP_ISA: expected ${names}, got ${JSON.stringify(raw)}`;
  }
  if (!runs(cpu, raw as IsaClass)) {
    return `BACKPROP_ISA=${raw}: this CPU cannot run it (its best class is ${cpu}); set it to ${cpu} or a class below it, or unset it`;
  }
  return undefined;
}
