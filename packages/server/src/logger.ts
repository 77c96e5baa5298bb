import { pino, type LevelWithSilent, type Logger } from 'pino';

/**
 * The server's request and lifecycle log: pino JSON lines at `level` on stdout, or on stderr when stdout carries
 * something else (the CLI's `serve --json` result line).
 */
export function serverLogger(level: LevelWithSilent = 'info', to: 'stdout' | 'stderr' = 'stdout'): Logger {
  const options = { level, base: { service: 'backprop-server' } };
  return to === 'stderr' ? pino(options, process.stderr) : pino(options);
}
