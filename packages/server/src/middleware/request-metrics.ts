import type { Request, Response } from 'express';
import type { ServerMetrics } from '../metrics.js';

/** The route pattern (never the raw URL, which would make one time series per model name or typo). */
function routeLabel(req: Request): string {
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  return typeof req.res?.locals.routeLabel === 'string' ? req.res.locals.routeLabel : 'unmatched';
}

/** Counts a finished request and records its duration, labelled by method, route pattern and status (or "aborted"). */
export function requestRecorder(metrics: ServerMetrics): (req: Request, res: Response, seconds: number) => void {
  return (req, res, seconds) => {
    const status = res.writableFinished ? String(res.statusCode) : 'aborted';
    const labels = { method: req.method, route: routeLabel(req), status };
    metrics.requestSeconds.observe(labels, seconds);
    metrics.requests.inc(labels);
  };
}
