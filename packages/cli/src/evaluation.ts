import { accuracyOf, argmaxLabels, classMetrics, confusionMatrix, cost, scores, ShapeError } from '@backprop/nn';
import type { BackendChoice, Dataset, Model } from '@backprop/nn';

export type Evaluation = ReturnType<typeof evaluate>;

/** The model must take the data's columns as inputs and have an output unit for every label in it. */
export function checkFits(model: Model, ds: Pick<Dataset, 'name' | 'X'> & { K?: number }): void {
  const inputs = model.layers[0];
  const outputs = model.layers[model.layers.length - 1];
  if (ds.X.cols !== inputs) {
    throw new ShapeError(
      `the model takes ${inputs} inputs (layers ${model.layers.join('-')}) but ${ds.name} has ${ds.X.cols} columns per example`,
    );
  }
  if (ds.K !== undefined && ds.K > outputs) {
    throw new ShapeError(`the model has ${outputs} output units (classes) but ${ds.name} has labels up to ${ds.K}`);
  }
}

/** Accuracy, cost J(Θ) with λ, predictions, confusion matrix and per-class precision/recall of a model on a set. */
export function evaluate(model: Model, ds: Dataset, options: { lambda: number; backend?: BackendChoice; set?: string }) {
  checkFits(model, ds);
  const K = model.layers[model.layers.length - 1];
  const net = {
    layers: model.layers,
    backend: options.backend,
    ...(model.activations ? { activations: model.activations } : {}),
    ...(model.dtype ? { dtype: model.dtype } : {}),
  };
  const h = scores(model.theta, ds.X, net);
  const predicted = argmaxLabels(h);
  const confusion = confusionMatrix(ds.y, predicted, K);
  return {
    set: options.set ?? ds.name,
    m: ds.X.rows,
    accuracy: accuracyOf(predicted, ds.y),
    cost: cost(model.theta, ds.X, ds.y, { ...net, lambda: options.lambda }),
    lambda: options.lambda,
    predicted,
    h,
    confusion,
    classes: classMetrics(confusion),
  };
}
