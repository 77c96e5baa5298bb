import { Writable } from 'node:stream';
import { pino, type LevelWithSilent, type Logger } from 'pino';

/** json: pino's JSON lines; pretty: one readable line per event; auto: pretty on a terminal, else json. */
export type LogFormat = 'json' | 'pretty' | 'auto';
export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty', 'auto'];

/** The format `format` means for a destination that is (or is not) a terminal. */
export function resolveLogFormat(format: LogFormat, isTTY: boolean): 'json' | 'pretty' {
  return format === 'auto' ? (isTTY ? 'pretty' : 'json') : format;
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** Fields every line has, or that the pretty line shows in its own place. */
const SHOWN_ELSEWHERE = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'service', 'req', 'res', 'responseTime', 'err']);

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

function clock(time: unknown): string {
  const d = typeof time === 'number' ? new Date(time) : new Date();
  return d.toISOString().slice(11, 23);
}

/**
 * One pino JSON record as a line for a person: `12:04:05.123 INFO  listening url=http://127.0.0.1:8080`, and for
 * a request `12:04:05.130 INFO  POST /v1/predict 200 3 ms id=…`. An error's stack follows on indented lines.
 */
export function prettyLine(record: Record<string, unknown>): string {
  const level = LEVEL_NAMES[record.level as number] ?? String(record.level);
  const parts = [clock(record.time), level.padEnd(5)];
  const req = record.req as { id?: string; method?: string; url?: string } | undefined;
  const res = record.res as { statusCode?: number } | undefined;
  if (req && res) {
    parts.push(`${req.method} ${req.url} ${res.statusCode} ${record.responseTime} ms`);
    if (record.msg !== 'request completed') parts.push(`(${String(record.msg)})`);
    if (req.id) parts.push(`id=${req.id}`);
  } else {
    parts.push(String(record.msg ?? ''));
  }
  for (const [k, v] of Object.entries(record)) if (!SHOWN_ELSEWHERE.has(k) && v !== undefined) parts.push(`${k}=${value(v)}`);
  let line = parts.join(' ');
  const err = record.err as { message?: string; stack?: string } | string | undefined;
  if (typeof err === 'string') line += ` err=${value(err)}`;
  else if (err) line += err.stack ? `\n    ${err.stack.split('\n').join('\n    ')}` : ` err=${value(err.message)}`;
  return `${line}\n`;
}

/** A stream for pino that writes each JSON line it gets to `destination` as a pretty line. */
export function prettyStream(destination: NodeJS.WritableStream): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString();
      let out = '';
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const text = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        try {
          out += prettyLine(JSON.parse(text) as Record<string, unknown>);
        } catch {
          out += `${text}\n`;
        }
      }
      if (out) destination.write(out);
      done();
    },
  });
}

/**
 * The server's request and lifecycle log at `level` on stdout, or on stderr when stdout carries something else
 * (the CLI's `serve --json` result line): pino JSON lines, or with `pretty` (the default on a terminal) one
 * readable line per event.
 */
export function serverLogger(level: LevelWithSilent = 'info', to: 'stdout' | 'stderr' = 'stdout', format: LogFormat = 'json'): Logger {
  const options = { level, base: { service: 'backprop-server' } };
  const destination = to === 'stderr' ? process.stderr : process.stdout;
  if (resolveLogFormat(format, destination.isTTY === true) === 'pretty') return pino(options, prettyStream(destination));
  return to === 'stderr' ? pino(options, process.stderr) : pino(options);
}
