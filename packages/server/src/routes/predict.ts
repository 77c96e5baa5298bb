import type { RequestHandler, Response } from 'express';
import { getBackend, scoresAsync, type Matrix } from '@backprop/nn';
import { PREDICT_DEPTH, predictBodyLimit } from '../body-limits.js';
import type { AppContext } from '../context.js';
import { inputMatrix } from '../inputs.js';
import { jsonBody } from '../middleware/json-body.js';
import { checkModelName } from '../model-name.js';
import { predictionFieldsJson } from '../predictions.js';
import type { ModelEntry } from '../registry.js';

/**
 * The predict body's bounds come from the model the path names, so it is looked up first (an unknown model is a
 * 404 before any of the body is read) and handed to predictHandler in `res.locals.entry`: a swap while the body
 * arrives cannot mix two models. The limit is the largest valid request for that model, under the operator's
 * ceiling.
 */
export function predictBody(ctx: AppContext, fixedName?: string): RequestHandler {
  return jsonBody((req, res) => {
    const entry = ctx.models.require(fixedName ?? checkModelName(req.params.name));
    res.locals.entry = entry;
    const n = entry.model.layers[0];
    const own = predictBodyLimit(entry.model, ctx.maxBatchRows);
    return ctx.bodyLimit !== undefined && ctx.bodyLimit < own
      ? { limit: ctx.bodyLimit, maxDepth: PREDICT_DEPTH, reason: 'the server\'s --body-limit' }
      : { limit: own, maxDepth: PREDICT_DEPTH, reason: `${ctx.maxBatchRows} inputs of ${n} numbers` };
  }, ctx.bodiesInFlight);
}

/**
 * POST /v1/predict (the default model) and POST /v1/models/{name}/predict. The model entry is read once, so a
 * swap during the request cannot mix two models. One input runs inline (microseconds) straight on the backend: X
 * was checked by inputMatrix and θ when the registry took the model. A batch runs off the event loop on the
 * backend's worker (scoresAsync).
 */
export function predictHandler(ctx: AppContext, fixedName?: string): RequestHandler {
  const answer = (res: Response, entry: ModelEntry, rows: number, h: Matrix): void => {
    ctx.metrics.predictions.inc({ model: entry.name }, rows);
    const { labelNames, activations } = entry.model;
    const body = `{"model":${JSON.stringify(entry.name)},"checksum":${JSON.stringify(entry.checksum)},${predictionFieldsJson(h, labelNames, activations?.output)}}`;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    // A string body goes out in one write together with the headers.
    res.end(body);
  };
  // Not async: a single input is answered without a promise; Express 5 forwards a batch's rejection.
  return (req, res) => {
    const entry = (res.locals.entry as ModelEntry | undefined) ?? ctx.models.require(fixedName ?? checkModelName(req.params.name));
    // A float32 model predicts in float32 (its dtype), as it was trained.
    const { layers, theta, activations, dtype } = entry.model;
    const X = inputMatrix(req.body, entry.model, ctx.maxBatchRows);
    if (X.rows === 1) {
      answer(res, entry, 1, getBackend(ctx.backend).predict(layers, theta, X, activations, dtype));
      return;
    }
    const net = { layers, backend: ctx.backend, ...(activations ? { activations } : {}), ...(dtype ? { dtype } : {}) };
    return scoresAsync(theta, X, net).then((h) => answer(res, entry, X.rows, h));
  };
}
