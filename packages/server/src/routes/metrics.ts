import type { RequestHandler } from 'express';
import type { AppContext } from '../context.js';

/** GET /metrics: Prometheus text exposition of this app's registry. */
export function metricsHandler(ctx: AppContext): RequestHandler {
  return async (_req, res) => {
    const text = await ctx.metrics.registry.metrics();
    res.type(ctx.metrics.registry.contentType).send(text);
  };
}
