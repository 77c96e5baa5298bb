// BACKPROP_ISA's check, for any CPU (found by a new user's review): the valid names are the platform's classes —
// the three x86-64 levels on x86-64, `baseline` elsewhere — and a class above the CPU's best is refused with the fix.
// The CPU is passed in, so the x86-64 and the baseline platforms are both tested on any machine.
import { describe, expect, test } from 'vitest';
import { isaEnvProblem, platformClasses } from '../lib/isa.js';

describe('isaEnvProblem', () => {
  test('on x86-64 the classes are the three levels; `baseline` is not one of them', () => {
    expect(platformClasses('x86-64-v3')).toEqual(['x86-64-v4', 'x86-64-v3', 'x86-64']);
    expect(isaEnvProblem('baseline', 'x86-64-v3')).toBe(
      'BACKPROP_ISA: expected one of x86-64-v4, x86-64-v3, x86-64 (AVX-512 is x86-64-v4, AVX2 x86-64-v3), got "baseline"',
    );
  });

  test('off x86-64 the one class is `baseline`; an x86 level is not a class there', () => {
    expect(platformClasses('baseline')).toEqual(['baseline']);
    expect(isaEnvProblem('baseline', 'baseline')).toBeUndefined();
    expect(isaEnvProblem('x86-64', 'baseline')).toBe('BACKPROP_ISA: expected baseline (the one class off x86-64), got "x86-64"');
  });

  test('a class above the CPU\'s best is refused, naming the best and what to set; the best and those below pass', () => {
    expect(isaEnvProblem('x86-64-v4', 'x86-64-v3')).toBe(
      'BACKPROP_ISA=x86-64-v4: this CPU cannot run it (its best class is x86-64-v3); set it to x86-64-v3 or a class below it, or unset it',
    );
    expect(isaEnvProblem('x86-64-v3', 'x86-64')).toMatch(/^BACKPROP_ISA=x86-64-v3: this CPU cannot run it \(its best class is x86-64\)/);
    for (const isa of ['x86-64-v3', 'x86-64']) expect(isaEnvProblem(isa, 'x86-64-v3')).toBeUndefined();
    for (const isa of ['x86-64-v4', 'x86-64-v3', 'x86-64']) expect(isaEnvProblem(isa, 'x86-64-v4')).toBeUndefined();
  });
});
