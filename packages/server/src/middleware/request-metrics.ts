import type { Request, RequestHandler } from 'express';
import type { ServerMetrics } from '../metrics.js';

/** The route pattern (never the raw URL, which would make one time series per model name or typo). */
function routeLabel(req: Request): string {
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  return typeof req.res?.locals.routeLabel === 'string' ? req.res.locals.routeLabel : 'unmatched';
}

/** Counts every request and times it, labelled by method, route pattern and status (or "aborted"). */
export function requestMetrics(metrics: ServerMetrics): RequestHandler {
  return (req, res, next) => {
    const stop = metrics.requestSeconds.startTimer();
    res.on('close', () => {
      const labels = {
        method: req.method,
        route: routeLabel(req),
        status: res.writableFinished ? String(res.statusCode) : 'aborted',
      };
      stop(labels);
      metrics.requests.inc(labels);
    });
    next();
  };
}
