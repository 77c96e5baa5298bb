// Peak-RSS growth, for the tests that bound memory (Linux: /proc/self/clear_refs resets the peak, VmHWM reads it).
// Elsewhere the growth is undefined and the tests skip the bound.
import { readFileSync, writeFileSync } from 'node:fs';

function statusMiB(field: string): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]) / 1024;
}

/** Resets the process's peak RSS; returns its RSS now in MiB (the start to measure from), or undefined. */
export function resetPeak(): number | undefined {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return statusMiB('VmRSS');
  } catch {
    return undefined;
  }
}

/** How far the peak RSS rose above `start` (from `resetPeak`) since then, in MiB. */
export function peakGrowthSince(start: number | undefined): number | undefined {
  return start === undefined ? undefined : statusMiB('VmHWM') - start;
}

/** Runs `fn` and returns how far the process's peak RSS rose above its RSS at the start, in MiB. */
export function peakGrowthMiB(fn: () => void): number | undefined {
  const start = resetPeak();
  fn();
  return peakGrowthSince(start);
}
