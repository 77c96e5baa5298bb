import type { Request, Response } from 'express';
import type { ServerMetrics } from '../metrics.js';

/** The route pattern (never the raw URL, which would make one time series per model name or typo). */
function routeLabel(req: Request): string {
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  return typeof req.res?.locals.routeLabel === 'string' ? req.res.locals.routeLabel : 'unmatched';
}

type Labels = { method: string; route: string; status: string };

/**
 * Counts a finished request and records its duration, labelled by method, route pattern and status (or "aborted").
 * One label object per series is built once and reused, so prom-client only hashes it.
 */
export function requestRecorder(metrics: ServerMetrics): (req: Request, res: Response, seconds: number) => void {
  const series = new Map<string, Labels>();
  return (req, res, seconds) => {
    const method = req.method;
    const route = routeLabel(req);
    const status = res.writableFinished ? String(res.statusCode) : 'aborted';
    const key = `${method} ${route} ${status}`;
    let labels = series.get(key);
    if (!labels) {
      labels = { method, route, status };
      series.set(key, labels);
    }
    metrics.requestSeconds.observe(labels, seconds);
    metrics.requests.inc(labels);
  };
}
