import { statSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { InvalidArgumentError, type BackendChoice } from '@backprop/nn';
import { pino, type Logger } from 'pino';
import { createApp, DEFAULT_BODY_LIMIT, DEFAULT_MAX_BATCH_ROWS } from './app.js';
import { defaultCacheDir, ensureDefaultModel } from './default-model.js';
import { isModelName } from './model-name.js';
import { ModelRegistry } from './registry.js';

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

export interface StartServerOptions {
  /** A model file, or a directory of `<name>.json` models. Without it the default digits model is served. */
  modelPath?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Enables the admin routes (PUT/DELETE/reload). */
  adminToken?: string;
  logger?: Logger;
  /** Where the default model is cached (default: $BACKPROP_CACHE_DIR or ~/.cache/backprop). */
  cacheDir?: string;
  bodyLimit?: string | number;
  maxBatchRows?: number;
  backend?: BackendChoice;
  timeouts?: ServerTimeouts;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Resolves when the default model is loaded (at once when models were given; after training on first start). */
  ready: Promise<void>;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout) and resolves once closed. */
  close(): Promise<void>;
  /** True when close() had to drop connections that were still busy at the shutdown timeout. */
  readonly forced: boolean;
  registry: ModelRegistry;
}

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
 * Loads the models named by `modelPath` into a registry whose upload directory is that directory (or the file's).
 * A single bad file is an error (the user asked for it); in a directory bad files are logged and skipped.
 */
function loadGivenModels(registry: ModelRegistry, modelPath: string, logger: Logger): void {
  let isDir: boolean;
  try {
    isDir = statSync(modelPath).isDirectory();
  } catch (err) {
    throw new InvalidArgumentError(`model: cannot read ${modelPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!isDir) {
    const base = basename(modelPath).replace(/\.json$/i, '');
    const name = isModelName(base) ? base : 'default';
    registry.loadFile(name, modelPath);
    registry.defaultName = name;
    logger.info({ model: name, path: modelPath }, 'model loaded');
    return;
  }
  const { loaded, failed } = registry.loadDirectory(modelPath);
  for (const f of failed) logger.error({ model: f.name, path: f.path, err: f.error.message }, 'model failed to load; skipped');
  for (const e of loaded) logger.info({ model: e.name, path: e.path }, 'model loaded');
  if (loaded.length === 0) logger.warn({ dir: modelPath }, 'no model loaded from the model directory; /readyz stays 503 until one is uploaded');
  registry.defaultName = loaded.some((e) => e.name === 'default') ? 'default' : loaded[0]?.name;
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
  let registry: ModelRegistry;
  if (options.modelPath !== undefined) {
    let dir: string;
    try {
      dir = statSync(options.modelPath).isDirectory() ? options.modelPath : dirname(options.modelPath);
    } catch (err) {
      throw new InvalidArgumentError(`model: cannot read ${options.modelPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    registry = new ModelRegistry({ dir });
  } else {
    registry = new ModelRegistry({ dir: join(cacheDir, 'models'), defaultName: 'default' });
  }

  const app = createApp({
    models: registry,
    logger,
    processMetrics: true,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    maxBatchRows: options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
  });

  // Models load after the app exists so that load errors are counted by its metrics.
  const training = new AbortController();
  let ready: Promise<void>;
  if (options.modelPath !== undefined) {
    loadGivenModels(registry, options.modelPath, logger);
    ready = Promise.resolve();
  } else {
    try {
      const { loaded, failed } = registry.loadDirectory(registry.dir!);
      for (const f of failed) logger.error({ model: f.name, path: f.path, err: f.error.message }, 'uploaded model failed to load; skipped');
      for (const e of loaded) logger.info({ model: e.name, path: e.path }, 'uploaded model loaded');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (registry.get('default')) {
      ready = Promise.resolve();
    } else {
      registry.markPending('default', 'the default model is being trained (first start); try again in a few seconds');
      ready = ensureDefaultModel({
        cacheDir,
        logger,
        signal: training.signal,
        ...(options.backend ? { backend: options.backend } : {}),
      }).then(
        ({ model, path, trained }) => {
          if (!registry.get('default')) registry.set('default', model, { source: trained ? 'trained' : 'file', path });
        },
        (err: unknown) => {
          registry.clearPending('default');
          if (training.signal.aborted) return;
          logger.error({ err }, 'could not prepare the default model');
          throw err;
        },
      );
      // Reported through the log; callers that care await `ready`.
      ready.catch(() => undefined);
    }
  }

  // Responses in flight; once closing, each says `Connection: close` so keep-alive clients move on.
  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | undefined;
  const server: Server = createServer(
    { headersTimeout, requestTimeout, keepAliveTimeout, connectionsCheckingInterval: Math.min(1_000, headersTimeout || 1_000) },
    (req, res) => {
      if (closing) res.setHeader('Connection', 'close');
      inFlight.add(res);
      res.on('close', () => inFlight.delete(res));
      app(req, res);
    },
  );
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => logger.error({ err }, 'server error'));
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${hostPart}:${address.port}`;
  logger.info({ url, models: registry.list().map((e) => e.name), admin: Boolean(options.adminToken) }, 'listening');

  let forced = false;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      training.abort(new Error('server closing'));
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      const timer = setTimeout(() => {
        forced = true;
        logger.warn({ connections: sockets.size, timeoutMs: shutdownTimeout }, 'shutdown timeout: dropping busy connections');
        server.closeAllConnections();
      }, shutdownTimeout);
      timer.unref();
      server.close((err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
      // Idle keep-alive connections would hold close() open until their timeout; busy ones finish first.
      server.closeIdleConnections();
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
    registry,
  };
}
