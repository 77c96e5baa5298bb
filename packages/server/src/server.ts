import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { InvalidArgumentError } from '@backprop/nn';
import { pino } from 'pino';
import { createApp, type AppOptions } from './app.js';
import { answerClientErrors } from './client-errors.js';
import { Connections, SILENT_CONNECTION_GRACE_MS } from './connections.js';
import { deferContinue } from './middleware/bodies-in-flight.js';
import { defaultCacheDir } from './default-model.js';
import type { ModelRegistry } from './registry.js';
import { installRequestClasses } from './request-classes.js';
import { followSharedModels, openSharedModels } from './shared-models.js';
import { loadGivenModels, locateModels, prepareDefaultModel, registryFor } from './startup-models.js';

export interface ServerTimeouts {
  /** Time to receive the request headers (slow-loris bound). Default 10 s. */
  headersTimeoutMs?: number;
  /** Time to receive the whole request. Default 60 s. */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections close after this. Default 5 s. */
  keepAliveTimeoutMs?: number;
  /** close() waits this long for in-flight requests, then drops the remaining connections. Default 10 s. */
  shutdownTimeoutMs?: number;
}

/** What startServer takes: where the models are, where to listen, and the app's own options (AppOptions). */
export interface StartServerOptions
  extends Pick<AppOptions, 'adminToken' | 'logger' | 'bodyLimit' | 'maxBatchRows' | 'maxBodyInFlight' | 'backend'> {
  /** A model file, or a directory of `<name>.json` models. Without it the default digits model is served. */
  modelPath?: string;
  /** `redis://…`: models shared by every replica given the same URL (instead of modelPath). */
  modelsUrl?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Where the default model is cached (default: $BACKPROP_CACHE_DIR or ~/.cache/backprop). */
  cacheDir?: string;
  timeouts?: ServerTimeouts;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Resolves when the default model is loaded (at once when models were given; after training on first start). */
  ready: Promise<void>;
  /**
   * Stops accepting (after accepting the connections the kernel has queued), lets in-flight requests finish (up to
   * the shutdown timeout: the rest are dropped and logged so) and resolves once closed and each request logged.
   */
  close(): Promise<void>;
  /** True when close() had to drop connections that were still busy at the shutdown timeout. */
  readonly forced: boolean;
  /** The requests close() dropped at the shutdown timeout, unanswered (each logged as `request dropped`). */
  readonly dropped: number;
  registry: ModelRegistry;
  /** The listening node:http server (its requests are born with the app's prototypes: request-classes.ts). */
  server: Server;
}

/** Shutdown stops listening once this many turns of the event loop in a row have accepted no connection… */
const QUIET_TURNS = 5;
/** …or after this many turns, if connections keep coming. */
const MAX_ACCEPT_TURNS = 1_000;

function checkPort(port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`port: expected an integer from 0 to 65535, got ${JSON.stringify(port)}`);
  }
  return port;
}

function checkTimeout(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < 0) throw new InvalidArgumentError(`${name}: expected milliseconds >= 0, got ${value}`);
  return v;
}

/**
 * Starts the inference server: loads the models (or the cached default model, training it in the background on
 * first start while /healthz already answers and /readyz says 503), listens, and returns a handle whose close()
 * drains in-flight requests.
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const port = checkPort(options.port ?? 8080);
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger ?? pino();
  const t = options.timeouts ?? {};
  const headersTimeout = checkTimeout('headersTimeoutMs', t.headersTimeoutMs, 10_000);
  const requestTimeout = checkTimeout('requestTimeoutMs', t.requestTimeoutMs, 60_000);
  const keepAliveTimeout = checkTimeout('keepAliveTimeoutMs', t.keepAliveTimeoutMs, 5_000);
  const shutdownTimeout = checkTimeout('shutdownTimeoutMs', t.shutdownTimeoutMs, 10_000);

  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const location = options.modelPath !== undefined ? locateModels(options.modelPath) : undefined;
  if (location && options.modelsUrl !== undefined) throw new InvalidArgumentError('--model and --models: give one (a file or directory, or a shared redis:// store)');
  const shared = options.modelsUrl !== undefined ? await openSharedModels(options.modelsUrl) : undefined;
  const registry = registryFor(location, cacheDir, shared);
  const app = createApp({
    models: registry,
    logger,
    processMetrics: true,
    bodyLimit: options.bodyLimit,
    maxBatchRows: options.maxBatchRows,
    maxBodyInFlight: options.maxBodyInFlight,
    adminToken: options.adminToken,
    backend: options.backend,
  });

  // Models load after the app exists so that load errors are counted by its metrics. Given models load before
  // listening; the default model may need training, so the server listens meanwhile (healthz 200, readyz 503).
  const training = new AbortController();
  let ready = Promise.resolve();
  if (shared) await followSharedModels(registry, shared, logger);
  else if (location) loadGivenModels(registry, location, logger);
  else {
    ready = prepareDefaultModel(registry, { cacheDir, logger, signal: training.signal, backend: options.backend });
    // Failures are logged there; callers that care await `ready`.
    ready.catch(() => undefined);
  }

  // Responses in flight; once closing, each says `Connection: close` so keep-alive clients move on.
  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;
  const server: Server = createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout,
      connectionsCheckingInterval: Math.min(1_000, headersTimeout || 1_000),
      ...installRequestClasses(app),
    },
    (req, res) => {
      if (closing) res.setHeader('Connection', 'close');
      inFlight.add(res);
      res.on('close', () => inFlight.delete(res));
      app(req, res);
    },
  );

  const connections = new Connections(server);
  // `Expect: 100-continue`: the 100 goes out once the route has admitted the body (json-body.ts), so a body refused
  // before it is read (413, 503 server-busy) is never sent at all.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    deferContinue(res);
    server.emit('request', req, res);
  });

  // Requests node:http cannot parse or did not receive in time: a problem document, not an empty 400/408/431.
  server.on('clientError', answerClientErrors({ logger, headersTimeoutMs: headersTimeout, requestTimeoutMs: requestTimeout }));

  server.listen(port, host);
  try {
    await once(server, 'listening'); // rejects with the listen error (port in use, bad host)
  } catch (err) {
    training.abort(err);
    throw err;
  }
  server.on('error', (err) => logger.error({ err }, 'server error'));
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostPart}:${address.port}`;
  logger.info({ url, models: registry.list().map((e) => e.name), admin: Boolean(options.adminToken) }, 'listening');

  let forced = false;
  let dropped = 0;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      training.abort(new Error('server closing'));
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const timer = setTimeout(() => {
        forced = true;
        dropped = connections.markDropped(inFlight);
        logger.warn({ inFlight: dropped, timeoutMs: shutdownTimeout }, 'shutdown timeout: dropping busy connections');
        server.closeAllConnections();
      }, shutdownTimeout);
      timer.unref();
      const silent = setTimeout(() => connections.closeSilent(), Math.min(SILENT_CONNECTION_GRACE_MS, shutdownTimeout));
      silent.unref();
      // Connections the kernel has completed but node has not accepted yet (a busy event loop leaves them queued)
      // would be reset when the listener closes. Node accepts one per turn of the event loop: keep turning until
      // QUIET_TURNS in a row bring none (at most MAX_ACCEPT_TURNS), then stop listening. server.close() closes the
      // connections idle after an answer; busy ones finish, and the ones just accepted are read and answered
      // (those that have sent nothing within SILENT_CONNECTION_GRACE_MS are closed).
      let turns = 0;
      let quiet = 0;
      let seen = connections.accepted;
      const acceptQueued = (): void => {
        quiet = connections.accepted === seen ? quiet + 1 : 0;
        seen = connections.accepted;
        if (quiet < QUIET_TURNS && ++turns < MAX_ACCEPT_TURNS) {
          setImmediate(acceptQueued);
          return;
        }
        server.close((err) => {
          clearTimeout(timer);
          clearTimeout(silent);
          void shared?.close();
          if (err) reject(err);
          // The server closes as the last connection is destroyed, before the responses on them have emitted
          // 'close' and been logged: resolve after that, so that a process exiting then has logged each one.
          else void Promise.all([...inFlight].map((res) => new Promise((r) => res.once('close', r)))).then(() => resolve());
        });
      };
      setImmediate(acceptQueued);
    });
    return closing;
  };

  return {
    url,
    ready,
    close,
    get forced() {
      return forced;
    },
    get dropped() {
      return dropped;
    },
    registry,
    server,
  };
}
