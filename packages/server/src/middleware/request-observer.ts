import type { Logger } from 'pino';
import type { Request, RequestHandler } from 'express';
import type { ServerMetrics } from '../metrics.js';
import { wasDropped } from '../connections.js';
import { assignRequestId, logRequest } from './request-log.js';

/** The route pattern (never the raw URL, which would make one time series per model name or typo). */
function routeLabel(req: Request): string {
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  return typeof req.res?.locals.routeLabel === 'string' ? req.res.locals.routeLabel : 'unmatched';
}

/**
 * The first middleware: gives the request its id and the nosniff header, and when the response is done (finished,
 * aborted by the client or dropped at the shutdown timeout) counts it and records its duration, labelled by method, route pattern and status (or "aborted"), and
 * writes its log line — one 'close' listener for both.
 */
export function observeRequests(metrics: ServerMetrics, logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = performance.now();
    assignRequestId(req, res);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // 'finish' is emitted once the whole response has been handed to the socket: res.writableFinished is also true
    // for a response ended after its connection was destroyed (by the shutdown timeout), whose bytes went nowhere.
    let finished = false;
    res.once('finish', () => (finished = true));
    res.on('close', () => {
      const ms = performance.now() - startedAt;
      const outcome = wasDropped(res) ? 'dropped' : finished ? 'completed' : 'aborted';
      const status = outcome === 'completed' ? String(res.statusCode) : outcome;
      const labels = { method: req.method, route: routeLabel(req), status };
      metrics.requestSeconds.observe(labels, ms / 1000);
      metrics.requests.inc(labels);
      logRequest(logger, req, res, ms, outcome);
    });
    next();
  };
}
