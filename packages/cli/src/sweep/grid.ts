import { numberList } from '../parse.js';
import { UsageError } from '../usage.js';
import type { SweepConfig } from './protocol.js';

/**
 * Hidden-layer choices of a sweep: comma-separated configurations, each one hidden layer size or several joined
 * by "x" (e.g. "25,50,256x128" = [25], [50], [256, 128]). Sizes must be integers; whether a size is valid is
 * decided by training itself (a 0 fails that configuration only).
 */
export function hiddenChoices(raw: string): number[][] {
  const items = raw.split(',').map((s) => s.trim());
  if (raw.trim() === '' || items.some((s) => !/^\d+(x\d+)*$/.test(s))) {
    throw new UsageError(`--hidden: expected comma-separated layer sizes, layers of one network joined by "x" (e.g. 25,50,256x128), got ${JSON.stringify(raw)}`);
  }
  return items.map((s) => s.split('x').map(Number));
}

export function lambdaChoices(raw: string): number[] {
  return numberList('--lambda', raw, { min: 0 });
}

/** Every (λ, hidden) pair, λ varying fastest within each hidden choice. */
export function grid(lambdas: number[], hiddens: number[][]): SweepConfig[] {
  const out: SweepConfig[] = [];
  for (const hidden of hiddens) for (const lambda of lambdas) out.push({ index: out.length, lambda, hidden });
  return out;
}
