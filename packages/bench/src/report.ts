/** Building blocks of a row: entries from samples, skipped entries, speed-up checks, the row's status. */
import { getBackend, type BackendName } from '@backprop/nn';
import type { Samples } from './timing.js';
import { median } from './timing.js';
import type { BenchCheck, BenchEntry, BenchRow, RowStatus } from './types.js';

type Details = BenchEntry['details'];

export function measured(
  name: string,
  samples: Samples,
  extra: { floorMs?: number | null; threads?: number | null; details?: Details } = {},
): BenchEntry {
  return {
    name,
    status: 'ok',
    unit: 'ms',
    median: median(samples.samplesMs),
    samples: samples.samplesMs,
    inner: samples.inner,
    floorMs: extra.floorMs ?? null,
    threads: extra.threads ?? null,
    details: extra.details ?? {},
  };
}

export function skipped(name: string, reason: string, status: 'skipped' | 'failed' = 'skipped'): BenchEntry {
  return { name, status, unit: 'ms', median: null, samples: [], inner: 0, floorMs: null, threads: null, reason, details: {} };
}

export function judge(value: number | null, target: BenchCheck['target']): boolean | null {
  if (value === null || !target) return null;
  return target.op === '>=' ? value >= target.value : value <= target.value;
}

/**
 * How many times faster `subject` is than `reference`: median(reference ms) / median(subject ms), both measured in
 * this run. null when either did not run.
 */
export function speedup(
  name: string,
  reference: BenchEntry | undefined,
  subject: BenchEntry | undefined,
  target?: BenchCheck['target'],
  note?: string,
): BenchCheck {
  const ok = reference?.median != null && subject?.median != null && subject.median > 0;
  const value = ok ? reference!.median! / subject!.median! : null;
  const check: BenchCheck = { name, value, unit: 'x' };
  if (target) {
    check.target = target;
    check.met = judge(value, target);
  }
  if (note) check.note = note;
  return check;
}

export function rowStatus(entries: readonly BenchEntry[]): RowStatus {
  const ran = entries.filter((e) => e.status === 'ok').length;
  if (ran === entries.length && ran > 0) return 'ok';
  if (ran === 0) return entries.some((e) => e.status === 'failed') ? 'failed' : 'skipped';
  return 'partial';
}

export function makeRow(
  fields: Omit<BenchRow, 'status' | 'seconds'>,
  startedAt: number,
): BenchRow {
  return { ...fields, status: rowStatus(fields.entries), seconds: (Date.now() - startedAt) / 1000 };
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Why each of the named backends cannot run here (absent: it can), asked once before a row builds its jobs. */
export function unavailableBackends(names: readonly BackendName[]): Map<string, string> {
  const unavailable = new Map<string, string>();
  for (const name of names) {
    try {
      getBackend(name);
    } catch (err) {
      unavailable.set(name, errorMessage(err));
    }
  }
  return unavailable;
}
