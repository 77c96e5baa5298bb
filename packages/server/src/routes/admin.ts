import type { RequestHandler } from 'express';
import { MODEL_DOCUMENT_DEPTH } from '../body-limits.js';
import type { AppContext } from '../context.js';
import { jsonBody } from '../middleware/json-body.js';
import { checkModelName } from '../model-name.js';
import { describeModel } from '../model-summary.js';
import { isDefault } from './models.js';

/** PUT's body: a model document, up to the largest model file accepted and as deep as a model document nests. */
export function modelBody(ctx: AppContext): RequestHandler {
  const bounds = {
    limit: ctx.modelBodyLimit,
    maxDepth: MODEL_DOCUMENT_DEPTH,
    reason: ctx.bodyLimit !== undefined ? "the server's --body-limit" : 'the largest model document accepted',
  };
  return jsonBody(() => bounds, ctx.bodiesInFlight);
}

/**
 * PUT /v1/models/{name}: the body is a model document (as written by saveModel). It is validated and persisted
 * before it replaces the served model; a bad document is a 422 and the old model keeps serving.
 */
export function putModel(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const name = checkModelName(req.params.name);
    // modelBody refused anything nested deeper than a model document, so this cannot overflow the stack.
    const text = JSON.stringify(req.body);
    const { entry, created } = await ctx.models.upload(name, text);
    ctx.logger.info({ model: name, checksum: entry.checksum, path: entry.path, created }, 'model uploaded');
    res
      .status(created ? 201 : 200)
      .location(`/v1/models/${encodeURIComponent(name)}`)
      .json(describeModel(entry, isDefault(ctx, entry)));
  };
}

/** DELETE /v1/models/{name} */
export function deleteModel(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const name = checkModelName(req.params.name);
    const entry = await ctx.models.remove(name);
    ctx.logger.info({ model: name, checksum: entry.checksum }, 'model deleted');
    res.status(204).end();
  };
}

/**
 * POST /v1/models/{name}/reload: re-read the model's file, or its document in the shared store; a bad one is a 422
 * and the old model keeps serving.
 */
export function reloadModel(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const entry = await ctx.models.reload(checkModelName(req.params.name));
    ctx.logger.info({ model: entry.name, checksum: entry.checksum, path: entry.path }, 'model reloaded');
    res.json(describeModel(entry, isDefault(ctx, entry)));
  };
}
