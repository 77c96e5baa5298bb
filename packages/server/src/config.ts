import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { InvalidArgumentError } from '@backprop/nn';
import type { LevelWithSilent } from 'pino';
import { byteSize } from './body-limits.js';
import { LOG_FORMATS, type LogFormat } from './log-format.js';
import type { StartServerOptions } from './server.js';

/**
 * The most bytes of large request bodies (over 1 MiB each) the server holds at once unless told otherwise: two
 * of the largest digits predicts (100 MB each) and a model upload. Past it a large request is a 503 with
 * Retry-After before its body is read (middleware/bodies-in-flight.ts).
 */
export const DEFAULT_MAX_BODY_IN_FLIGHT = '256mb';

export const USAGE = `Usage: node packages/server/dist/main.js [options]

Serves back-propagation models over HTTP (REST API under /v1, a draw-a-digit page at /).

Options (environment variable in brackets):
  --model PATH            model file or directory of <name>.json models [BACKPROP_MODEL]
                          (default: a digits model trained once with the seed settings and cached)
  --models URL            redis://[:password@]host:port[/db]: models shared by every replica given the
                          same URL; an upload or delete through one reaches all within a second
                          [BACKPROP_MODELS]
  --port N                port, 0 for any free port (default 8080) [BACKPROP_PORT, PORT]
  --host ADDR             IP address or host name to listen on (default 127.0.0.1), checked and
                          resolved before any model is loaded [BACKPROP_HOST]
  --cache-dir DIR         cache for the default model (default ~/.cache/backprop) [BACKPROP_CACHE_DIR]
  --body-limit SIZE       largest request body on any route, and of an uploaded model (default: a model
                          upload up to 48mb; a predict body up to its model's largest valid batch)
                          [BACKPROP_BODY_LIMIT]
  --max-batch N           most inputs per predict request (default 10000) [BACKPROP_MAX_BATCH]
  --max-body-in-flight SIZE
                          most bytes of large request bodies (over 1mb each) held at once; past it a
                          large request is a 503 with Retry-After before its body is read; small ones
                          are never held up (default ${DEFAULT_MAX_BODY_IN_FLIGHT}) [BACKPROP_MAX_BODY_IN_FLIGHT]
  --shutdown-timeout MS   how long SIGTERM waits for in-flight requests (default 10000); exit 1 if it
                          had to drop some [BACKPROP_SHUTDOWN_TIMEOUT]
  --log-level LEVEL       fatal|error|warn|info|debug|trace|silent (default info) [BACKPROP_LOG_LEVEL]
  --log-format FORMAT     json (JSON lines) or pretty (one readable line per event); default pretty
                          when stdout is a terminal, else json [BACKPROP_LOG_FORMAT]
  -h, --help              show this help

Admin routes (upload, delete, reload models) are enabled only when BACKPROP_ADMIN_TOKEN is set.`;

export interface ServerConfig {
  help: boolean;
  logLevel: LevelWithSilent;
  logFormat: LogFormat;
  options: StartServerOptions;
}

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function integer(name: string, text: string, min: number, max: number): number {
  const v = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new InvalidArgumentError(`${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return v;
}

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * The address to listen on, checked before anything is loaded: an IPv4 or IPv6 address (no brackets) or a host name
 * (letters, digits and hyphens in dot-separated labels of at most 63, at most 253 in all). Anything else (`bad host`,
 * `[::1]`, `http://x`) is an InvalidArgumentError naming `name` and the value.
 */
export function checkHost(host: string, name = '--host'): string {
  const bare = host.endsWith('.') ? host.slice(0, -1) : host;
  if (isIP(host) !== 0 || (bare.length > 0 && bare.length <= 253 && bare.split('.').every((l) => LABEL.test(l)))) return host;
  throw new InvalidArgumentError(
    `${name}: expected an IP address or a host name (e.g. 127.0.0.1, ::, 0.0.0.0 or localhost), got ${JSON.stringify(host)}`,
  );
}

/**
 * checkHost, then the name resolved (getaddrinfo, as listen will), so that a name that does not resolve is an
 * InvalidArgumentError before any model is loaded or trained, not a listen error after.
 */
export async function resolveHost(host: string, name = '--host'): Promise<string> {
  checkHost(host, name);
  if (isIP(host) !== 0) return host;
  try {
    await lookup(host);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw new InvalidArgumentError(`${name}: cannot resolve ${JSON.stringify(host)}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
  return host;
}

/** Reads the command line, then the environment; throws InvalidArgumentError naming the bad option. */
export function readConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: 'string' },
        models: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'cache-dir': { type: 'string' },
        'body-limit': { type: 'string' },
        'max-batch': { type: 'string' },
        'max-body-in-flight': { type: 'string' },
        'shutdown-timeout': { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  const pick = (flag: string, ...vars: string[]): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    for (const name of vars) if (env[name]) return env[name];
    return undefined;
  };
  const logLevel = pick('log-level', 'BACKPROP_LOG_LEVEL') ?? 'info';
  if (!LEVELS.has(logLevel)) throw new InvalidArgumentError(`--log-level: expected one of ${[...LEVELS].join(', ')}, got ${JSON.stringify(logLevel)}`);

  const logFormat = pick('log-format', 'BACKPROP_LOG_FORMAT') ?? 'auto';
  if (!LOG_FORMATS.includes(logFormat as LogFormat)) {
    throw new InvalidArgumentError(`--log-format: expected json, pretty or auto, got ${JSON.stringify(logFormat)}`);
  }

  const options: StartServerOptions = {};
  const model = pick('model', 'BACKPROP_MODEL');
  if (model) options.modelPath = model;
  const models = pick('models', 'BACKPROP_MODELS');
  if (models) {
    if (!/^rediss?:\/\//.test(models)) throw new InvalidArgumentError('--models: expected a redis:// URL (a directory or file is --model)');
    options.modelsUrl = models;
  }
  const port = pick('port', 'BACKPROP_PORT', 'PORT');
  options.port = port === undefined ? 8080 : integer('--port', port, 0, 65535);
  options.host = checkHost(pick('host', 'BACKPROP_HOST') ?? '127.0.0.1');
  const cacheDir = pick('cache-dir', 'BACKPROP_CACHE_DIR');
  if (cacheDir) options.cacheDir = cacheDir;
  const bodyLimit = pick('body-limit', 'BACKPROP_BODY_LIMIT');
  if (bodyLimit) options.bodyLimit = bodyLimit;
  const maxBatch = pick('max-batch', 'BACKPROP_MAX_BATCH');
  if (maxBatch) options.maxBatchRows = integer('--max-batch', maxBatch, 1, 10_000_000);
  const inFlight = pick('max-body-in-flight', 'BACKPROP_MAX_BODY_IN_FLIGHT');
  if (inFlight) options.maxBodyInFlight = byteSize(inFlight, '--max-body-in-flight');
  const shutdown = pick('shutdown-timeout', 'BACKPROP_SHUTDOWN_TIMEOUT');
  if (shutdown) options.timeouts = { shutdownTimeoutMs: integer('--shutdown-timeout', shutdown, 0, 3_600_000) };
  if (env.BACKPROP_ADMIN_TOKEN) options.adminToken = env.BACKPROP_ADMIN_TOKEN;
  return { help: values.help === true, logLevel: logLevel as LevelWithSilent, logFormat: logFormat as LogFormat, options };
}
