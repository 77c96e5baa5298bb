import type { RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { openapiDocument } from '../openapi.js';
import { HttpProblem } from '../problem.js';

/** GET /healthz: the process is up and serving HTTP. */
export const healthz: RequestHandler = (_req, res) => {
  res.json({ status: 'ok' });
};

/** GET /readyz: 200 once at least one model is loaded, else 503 (e.g. while the default model trains). */
export function readyz(ctx: AppContext): RequestHandler {
  return (_req, res) => {
    if (ctx.models.size === 0) {
      const training = ctx.models.isPending('default') ? ': the default model is being prepared' : '';
      throw new HttpProblem('not-ready', `no model is loaded yet${training}`, { headers: { 'Retry-After': '5' } });
    }
    res.json({ status: 'ready', models: ctx.models.size, default: ctx.models.get('default')?.name ?? null });
  };
}

/** GET /metrics: Prometheus text exposition of this app's registry. */
export function metricsHandler(ctx: AppContext): RequestHandler {
  return async (_req, res) => {
    const text = await ctx.metrics.registry.metrics();
    res.type(ctx.metrics.registry.contentType).send(text);
  };
}

/** GET /openapi.json */
export const openapiHandler: RequestHandler = (_req, res) => {
  res.json(openapiDocument);
};
