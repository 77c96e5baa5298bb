import express, { type Express } from 'express';
import { InvalidArgumentError, type BackendChoice } from '@backprop/nn';
import { pino, type Logger } from 'pino';
import { byteSize, DEFAULT_MODEL_BODY_LIMIT } from './body-limits.js';
import { DEFAULT_MAX_BODY_IN_FLIGHT } from './config.js';
import type { AppContext } from './context.js';
import { BodiesInFlight } from './middleware/bodies-in-flight.js';
import { HiddenPngCache } from './hidden-png-cache.js';
import { createMetrics } from './metrics.js';
import { notFound, problemHandler } from './middleware/errors.js';
import { observeRequests } from './middleware/request-observer.js';
import { ModelRegistry } from './registry.js';
import { installRequestClasses } from './request-classes.js';
import { mountRoutes } from './routes/index.js';

export interface AppOptions {
  /** The models to serve; an empty registry when omitted (readyz stays 503 until one is added). */
  models?: ModelRegistry;
  /** Bearer token for PUT/DELETE/reload; without one those routes answer 403 "disabled". */
  adminToken?: string;
  /** pino logger for request logs; pass `pino({ level: 'silent' })` in tests. Default: info to stdout. */
  logger?: Logger;
  /**
   * A ceiling on every request body (bytes or a size like '16mb'), and the largest model document PUT accepts.
   * Without it, PUT accepts up to DEFAULT_MODEL_BODY_LIMIT (48 MiB) and a predict body may be as large as the
   * largest valid request for its model: maxBatchRows rows of its inputs in full precision (predictBodyLimit).
   */
  bodyLimit?: string | number;
  /**
   * The most bytes of large request bodies (over 1 MiB each) held at once, bytes or a size like '256mb'; past it a
   * large request is a 503 with Retry-After before its body is read. Default DEFAULT_MAX_BODY_IN_FLIGHT (256 MiB).
   */
  maxBodyInFlight?: string | number;
  /** Most inputs in one predict request. Default 10,000. */
  maxBatchRows?: number;
  /** Backend for predictions (default: BACKPROP_BACKEND or auto). */
  backend?: BackendChoice;
  /** Add Node process metrics (event loop, GC, memory) to /metrics. Default false. */
  processMetrics?: boolean;
}

export const DEFAULT_MAX_BATCH_ROWS = 10_000;

/**
 * Builds the Express app: request logging and metrics, the route table, a 404 catch-all and one problem+json
 * error handler. It never listens — startServer (or a test) does; app.listen and startServer create servers whose
 * requests are born with the app's prototypes (request-classes.ts).
 */
export function createApp(options: AppOptions = {}): Express {
  const maxBatchRows = options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS;
  if (!Number.isSafeInteger(maxBatchRows) || maxBatchRows < 1) {
    throw new InvalidArgumentError(`maxBatchRows: expected a positive integer, got ${maxBatchRows}`);
  }
  const bodyLimit = options.bodyLimit === undefined ? undefined : byteSize(options.bodyLimit);
  const models = options.models ?? new ModelRegistry();
  const logger = options.logger ?? pino();
  // one limit for a model document, uploaded or read from a shared store
  models.documentLimit = bodyLimit ?? DEFAULT_MODEL_BODY_LIMIT;
  const ctx: AppContext = {
    models,
    metrics: createMetrics(models, { processMetrics: options.processMetrics }),
    logger,
    bodyLimit,
    modelBodyLimit: models.documentLimit,
    maxBatchRows,
    bodiesInFlight: new BodiesInFlight(byteSize(options.maxBodyInFlight ?? DEFAULT_MAX_BODY_IN_FLIGHT, 'maxBodyInFlight')),
    hiddenPngs: new HiddenPngCache(),
    adminToken: options.adminToken,
    backend: options.backend,
  };

  const app = express();
  app.disable('x-powered-by');
  installRequestClasses(app); // requests born with Express's prototypes: no per-request prototype swap (see there)

  app.use(observeRequests(ctx.metrics, logger));

  mountRoutes(app, ctx);
  app.use(notFound);
  app.use(problemHandler);
  return app;
}
