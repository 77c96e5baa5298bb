import type { RequestHandler } from 'express';
import { probabilities, probabilitiesAsync } from '@backprop/nn';
import type { AppContext } from '../context.js';
import { inputMatrix } from '../inputs.js';
import { checkModelName } from '../model-name.js';
import { predictionsOf } from '../predictions.js';

/**
 * POST /v1/predict (the default model) and POST /v1/models/{name}/predict. The model entry is read once, so a
 * swap during the request cannot mix two models. One input runs inline (microseconds); a batch runs off the event
 * loop on the backend's worker (probabilitiesAsync).
 */
export function predictHandler(ctx: AppContext, fixedName?: string): RequestHandler {
  return async (req, res) => {
    const name = fixedName ?? checkModelName(req.params.name);
    const entry = ctx.models.require(name);
    const { layers, theta, labelNames } = entry.model;
    const X = inputMatrix(req.body, entry.model, ctx.maxBatchRows);
    const options = { layers, ...(ctx.backend ? { backend: ctx.backend } : {}) };
    const h = X.rows === 1 ? probabilities(theta, X, options) : await probabilitiesAsync(theta, X, options);
    ctx.metrics.predictions.inc({ model: entry.name }, X.rows);
    res.json({ model: entry.name, checksum: entry.checksum, predictions: predictionsOf(h, labelNames) });
  };
}
