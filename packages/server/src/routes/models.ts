import type { RequestHandler } from 'express';
import { hiddenLayerPng } from '@backprop/nn';
import type { AppContext } from '../context.js';
import { checkModelName } from '../model-name.js';
import { describeModel } from '../model-summary.js';
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
    res.json({ default: defaultName, models });
  };
}

/** GET /v1/models/{name} */
export function getModel(ctx: AppContext): RequestHandler {
  return (req, res) => {
    const entry = ctx.models.require(checkModelName(req.params.name));
    res.json(describeModel(entry, isDefault(ctx, entry)));
  };
}

/** GET /v1/models/{name}/hidden.png — the hidden units' input weights as pictures (the seed's plot_hidden_layer). */
export function hiddenPng(ctx: AppContext): RequestHandler {
  return (req, res) => {
    const entry = ctx.models.require(checkModelName(req.params.name));
    if (entry.model.layers.length < 3) {
      throw new HttpProblem('no-picture', `model ${JSON.stringify(entry.name)} has layers [${entry.model.layers.join(', ')}]: no hidden layer to draw`);
    }
    if (!entry.model.inputShape) {
      throw new HttpProblem(
        'no-picture',
        `model ${JSON.stringify(entry.name)} has no inputShape, so its hidden units' weights cannot be drawn as pictures`,
      );
    }
    let png = ctx.hiddenPngs.get(entry);
    if (!png) {
      png = Buffer.from(hiddenLayerPng(entry.model));
      ctx.hiddenPngs.set(entry, png);
    }
    // The picture is a function of the weights: their checksum is a strong validator (If-None-Match → 304).
    res.set('ETag', `"${entry.checksum}"`).set('Cache-Control', 'no-cache').type('image/png').send(png);
  };
}
