import { pino, type LevelWithSilent, type Logger } from 'pino';
import { prettyStream, resolveLogFormat, type LogFormat } from './log-format.js';

/**
 * The server's request and lifecycle log at `level` on stdout, or on stderr when stdout carries something else
 * (the CLI's `serve --json` result line): pino JSON lines, or with `pretty` (the default on a terminal) one
 * readable line per event (log-format.ts).
 */
export function serverLogger(level: LevelWithSilent = 'info', to: 'stdout' | 'stderr' = 'stdout', format: LogFormat = 'json'): Logger {
  const options = { level, base: { service: 'backprop-server' } };
  const destination = to === 'stderr' ? process.stderr : process.stdout;
  if (resolveLogFormat(format, destination.isTTY === true) === 'pretty') return pino(options, prettyStream(destination));
  return to === 'stderr' ? pino(options, process.stderr) : pino(options);
}
