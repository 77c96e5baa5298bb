import type { Request, RequestHandler } from 'express';
import type { ServerMetrics } from '../metrics.js';

/** The route pattern (never the raw URL, which would make one time series per model name or typo). */
function routeLabel(req: Request): string {
  if (req.route?.path) return `${req.baseUrl}${String(req.route.path)}`;
  return typeof req.res?.locals.routeLabel === 'string' ? req.res.locals.routeLabel : 'unmatched';
}

type Labels = { method: string; route: string; status: string };

/** Counts every request and times it, labelled by method, route pattern and status (or "aborted"). */
export function requestMetrics(metrics: ServerMetrics): RequestHandler {
  // One label object per series, built once: prom-client then only hashes it.
  const series = new Map<string, Labels>();
  const labelsOf = (method: string, route: string, status: string): Labels => {
    const key = `${method} ${route} ${status}`;
    let labels = series.get(key);
    if (!labels) {
      labels = { method, route, status };
      series.set(key, labels);
    }
    return labels;
  };
  return (req, res, next) => {
    const startedAt = performance.now();
    res.once('close', () => {
      const seconds = (performance.now() - startedAt) / 1000;
      const status = res.writableFinished ? String(res.statusCode) : 'aborted';
      const labels = labelsOf(req.method, routeLabel(req), status);
      metrics.requestSeconds.observe(labels, seconds);
      metrics.requests.inc(labels);
    });
    next();
  };
}
