/** What the report records about the machine and the thread settings (recorded, never changed). */
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export const THREAD_ENV_KEYS = [
  'OPENBLAS_NUM_THREADS',
  'OMP_NUM_THREADS',
  'GOTO_NUM_THREADS',
  'OPENBLAS_CORETYPE',
  'OPENBLAS_L2_SIZE',
  'BACKPROP_BACKEND',
  'BACKPROP_ISA',
] as const;

export function threadEnv(): Record<string, string | null> {
  return Object.fromEntries(THREAD_ENV_KEYS.map((k) => [k, process.env[k] ?? null]));
}

export function machine(): { cpu: string; cores: number; memoryGiB: number; node: string; platform: string } {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export function load(): number[] {
  return loadavg().map((x) => Math.round(x * 100) / 100);
}
