/**
 * Arrivals at a server under load: when requests reached it (its own count, to check that a load generator really
 * sent what it says, at the pace it says) and how they were spread (index of dispersion: 1 for Poisson, ≫ 1 for
 * bursts).
 */
import type { Server } from 'node:http';

/** Times (performance.now(), ms) at which requests reached a server, recorded between start() and stop(). */
export interface ArrivalLog {
  start(): void;
  stop(): number[];
}

/** Records the arrival time of every request `server` receives between start() and stop(). */
export function logArrivals(server: Server): ArrivalLog {
  let times: number[] | null = null;
  server.on('request', () => times?.push(performance.now()));
  return {
    start: () => void (times = []),
    stop: () => {
      const t = times ?? [];
      times = null;
      return t;
    },
  };
}

export interface ArrivalStats {
  /** Arrivals per second between the first and the last arrival. */
  rps: number;
  /** Variance / mean of the arrival counts in consecutive bins: 1 for Poisson arrivals, ≫ 1 for bursts. */
  dispersion: number;
}

/** Rate and index of dispersion of arrival times (ms, ascending), over the whole bins between first and last. */
export function arrivalStats(timesMs: readonly number[], binMs: number): ArrivalStats | null {
  const n = timesMs.length;
  if (n < 2) return null;
  const first = timesMs[0];
  const span = timesMs[n - 1] - first;
  const bins = new Array<number>(Math.floor(span / binMs)).fill(0);
  if (bins.length < 2) return null;
  for (const t of timesMs) {
    const i = Math.floor((t - first) / binMs);
    if (i < bins.length) bins[i]++;
  }
  const mean = bins.reduce((a, b) => a + b, 0) / bins.length;
  const variance = bins.reduce((a, b) => a + (b - mean) ** 2, 0) / (bins.length - 1);
  return { rps: ((n - 1) * 1000) / span, dispersion: mean > 0 ? variance / mean : 0 };
}
