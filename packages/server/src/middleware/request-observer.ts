import type { Logger } from 'pino';
import type { RequestHandler } from 'express';
import type { ServerMetrics } from '../metrics.js';
import { assignRequestId, logRequest } from './request-log.js';
import { requestRecorder } from './request-metrics.js';

/**
 * The first middleware: gives the request its id and the nosniff header, and when the response is done (finished or
 * aborted) records it in the metrics and writes its log line — one 'close' listener for both.
 */
export function observeRequests(metrics: ServerMetrics, logger: Logger): RequestHandler {
  const record = requestRecorder(metrics);
  return (req, res, next) => {
    const startedAt = performance.now();
    assignRequestId(req, res);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.on('close', () => {
      const ms = performance.now() - startedAt;
      record(req, res, ms / 1000);
      logRequest(logger, req, res, ms);
    });
    next();
  };
}
