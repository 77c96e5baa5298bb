import type { RequestHandler, Response } from 'express';
import { getBackend, scoresAsync, type Matrix } from '@backprop/nn';
import type { AppContext } from '../context.js';
import { inputMatrix } from '../inputs.js';
import { checkModelName } from '../model-name.js';
import { predictionFieldsJson } from '../predictions.js';
import type { ModelEntry } from '../registry.js';

/**
 * POST /v1/predict (the default model) and POST /v1/models/{name}/predict. The model entry is read once, so a
 * swap during the request cannot mix two models. One input runs inline (microseconds) straight on the backend: X
 * was checked by inputMatrix and θ when the registry took the model. A batch runs off the event loop on the
 * backend's worker (scoresAsync).
 */
export function predictHandler(ctx: AppContext, fixedName?: string): RequestHandler {
  const answer = (res: Response, entry: ModelEntry, rows: number, h: Matrix): void => {
    ctx.metrics.predictions.inc({ model: entry.name }, rows);
    const body = `{"model":${JSON.stringify(entry.name)},"checksum":${JSON.stringify(entry.checksum)},${predictionFieldsJson(h, entry.model.labelNames)}}`;
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(body));
    // A string body goes out in one write together with the headers.
    res.end(body);
  };
  // Not async: a single input is answered without a promise; Express 5 forwards a batch's rejection.
  return (req, res) => {
    const name = fixedName ?? checkModelName(req.params.name);
    const entry = ctx.models.require(name);
    const { layers, theta } = entry.model;
    const X = inputMatrix(req.body, entry.model, ctx.maxBatchRows);
    if (X.rows === 1) {
      answer(res, entry, 1, getBackend(ctx.backend).predict(layers, theta, X));
      return;
    }
    const options = { layers, ...(ctx.backend ? { backend: ctx.backend } : {}) };
    return scoresAsync(theta, X, options).then((h) => answer(res, entry, X.rows, h));
  };
}
