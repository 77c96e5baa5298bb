import type { Express, RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { requireAdmin } from '../middleware/admin-auth.js';
import { methodNotAllowed } from '../middleware/method-not-allowed.js';
import { deleteModel, modelBody, putModel, reloadModel } from './admin.js';
import { getModel, hiddenPng, listModels } from './models.js';
import { healthz, metricsHandler, openapiHandler, readyz } from './operations.js';
import { indexPage, preprocessScript, staticFiles } from './page.js';
import { predictBody, predictHandler } from './predict.js';

type Method = 'get' | 'post' | 'put' | 'delete';

/** One path with its handlers per method; any other method gets 405 with an Allow header. */
function route(app: Express, path: string, handlers: Partial<Record<Method, RequestHandler[]>>): void {
  const r = app.route(path);
  for (const [method, chain] of Object.entries(handlers) as [Method, RequestHandler[]][]) r[method](...chain);
  r.all(methodNotAllowed(Object.keys(handlers).map((m) => m.toUpperCase())));
}

/** The route table of the server: every path it answers (the OpenAPI document lists the same). */
export function mountRoutes(app: Express, ctx: AppContext): void {
  const admin = requireAdmin(ctx.adminToken);

  // The prediction routes first: they carry nearly all the traffic, and the router tries layers in order.
  route(app, '/v1/predict', { post: [predictBody(ctx, 'default'), predictHandler(ctx, 'default')] });
  route(app, '/v1/models/:name/predict', { post: [predictBody(ctx), predictHandler(ctx)] });

  route(app, '/', { get: [indexPage] });
  route(app, '/assets/preprocess.js', { get: [preprocessScript()] });
  app.use('/static', staticFiles());

  route(app, '/openapi.json', { get: [openapiHandler] });
  route(app, '/healthz', { get: [healthz] });
  route(app, '/readyz', { get: [readyz(ctx)] });
  route(app, '/metrics', { get: [metricsHandler(ctx)] });

  route(app, '/v1/models', { get: [listModels(ctx)] });
  route(app, '/v1/models/:name', {
    get: [getModel(ctx)],
    put: [admin, modelBody(ctx), putModel(ctx)],
    delete: [admin, deleteModel(ctx)],
  });
  route(app, '/v1/models/:name/hidden.png', { get: [hiddenPng(ctx)] });
  route(app, '/v1/models/:name/reload', { post: [admin, reloadModel(ctx)] });
}
