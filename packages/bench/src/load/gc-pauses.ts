import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { median } from '../timing.js';

/** Garbage-collection pauses of this process (which serves both apps) over a run. */
export interface GcPauses {
  /** Pauses per second of the run. */
  perSecond: number;
  medianMs: number | null;
  maxMs: number;
  /** Summed pause time / run time. */
  share: number;
}

/** Records this process's GC pauses from now until stop(). */
export function watchGc(): { stop(): Promise<GcPauses> } {
  const pauses: number[] = [];
  const keep = (entries: PerformanceEntry[]) => {
    for (const e of entries) pauses.push(e.duration);
  };
  const observer = new PerformanceObserver((list) => keep(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const started = performance.now();
  return {
    async stop() {
      const seconds = (performance.now() - started) / 1000;
      await new Promise((resolve) => setImmediate(resolve)); // entries are delivered asynchronously
      keep(observer.takeRecords());
      observer.disconnect();
      const total = pauses.reduce((a, b) => a + b, 0);
      return { perSecond: pauses.length / seconds, medianMs: median(pauses), maxMs: Math.max(0, ...pauses), share: total / 1000 / seconds };
    },
  };
}
