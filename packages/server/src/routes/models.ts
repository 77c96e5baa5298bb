import type { RequestHandler } from 'express';
import { grayToPng, hiddenLayerGrid, ImageError } from '@backprop/nn';
import type { AppContext } from '../context.js';
import { checkModelName } from '../model-name.js';
import { describeModel, descriptionEtag } from '../model-summary.js';
import { HttpProblem } from '../problem.js';
import type { ModelEntry } from '../registry.js';

/** Whether `entry` is what the name `default` resolves to. */
export function isDefault(ctx: AppContext, entry: ModelEntry): boolean {
  return ctx.models.resolveName('default') === entry.name;
}

/** GET /v1/models */
export function listModels(ctx: AppContext): RequestHandler {
  return (_req, res) => {
    const models = ctx.models.list().map((e) => describeModel(e, isDefault(ctx, e)));
    const defaultName = ctx.models.get('default')?.name ?? null;
    const body = { default: defaultName, models };
    res.set('ETag', descriptionEtag(body)).json(body);
  };
}

/** GET /v1/models/{name} */
export function getModel(ctx: AppContext): RequestHandler {
  return (req, res) => {
    const entry = ctx.models.require(checkModelName(req.params.name));
    const description = describeModel(entry, isDefault(ctx, entry));
    res.set('ETag', descriptionEtag(description)).json(description);
  };
}

/**
 * The hidden.png pixel budget: 0.7 M pixels keeps drawing and encoding a wide layer short (the seed's 25 units
 * at 8 pixels per weight are 0.66 M). Wider layers are drawn smaller, or only their first units (the
 * X-Hidden-Units-Drawn header says how many).
 */
export const HIDDEN_PNG_MAX_PIXELS = 700_000;

/** GET /v1/models/{name}/hidden.png — the hidden units' input weights as pictures (the seed's plot_hidden_layer). */
export function hiddenPng(ctx: AppContext): RequestHandler {
  return (req, res) => {
    const entry = ctx.models.require(checkModelName(req.params.name));
    if (entry.model.layers.length < 3) {
      throw new HttpProblem('no-picture', `model ${JSON.stringify(entry.name)} has layers [${entry.model.layers.join(', ')}]: no hidden layer to draw`);
    }
    const shape = entry.model.inputShape;
    if (!shape) {
      throw new HttpProblem(
        'no-picture',
        `model ${JSON.stringify(entry.name)} has no inputShape, so its hidden units' weights cannot be drawn as pictures`,
      );
    }
    let picture = ctx.hiddenPngs.get(entry.etag);
    if (!picture) {
      try {
        const grid = hiddenLayerGrid(entry.model, { maxPixels: HIDDEN_PNG_MAX_PIXELS });
        picture = { png: grayToPng(grid), units: grid.units, drawn: grid.drawn };
      } catch (err) {
        if (err instanceof ImageError) {
          throw new HttpProblem('picture-failed', `model ${JSON.stringify(entry.name)}: ${err.message}`, { cause: err });
        }
        throw err;
      }
      ctx.hiddenPngs.set(entry.etag, picture);
    }
    // The picture is a function of the model (θ, layers, input shape): its etag is a strong validator (If-None-Match → 304).
    res
      .set('ETag', `"${entry.etag}"`)
      .set('Cache-Control', 'no-cache')
      .set('X-Hidden-Units', String(picture.units))
      .set('X-Hidden-Units-Drawn', String(picture.drawn))
      .type('image/png')
      .send(picture.png);
  };
}
