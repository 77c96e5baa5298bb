import { probabilitiesOf, type Matrix, type OutputActivation } from '@backprop/nn';

function jsonNumber(v: number): string {
  return Number.isFinite(v) ? String(v) : 'null';
}

function jsonArray(d: Float64Array, offset: number, K: number): string {
  let out = '[';
  for (let j = 0; j < K; j++) out += (j ? ',' : '') + jsonNumber(d[offset + j]);
  return out + ']';
}

/**
 * The members `"classes":[…],"predictions":[…]` of a prediction answer, for the output activations h (m×K): the same text as
 * `JSON.stringify({ classes, predictions: predictionsOf(h, classes, output) })` from @backprop/nn (one shape for the
 * library, the CLI and the server), written straight from h without building the objects first. With a softmax
 * `output`, the probabilities are the outputs.
 */
export function predictionFieldsJson(h: Matrix, classes: readonly string[], output: OutputActivation = 'sigmoid'): string {
  const K = h.cols;
  const d = h.data;
  const p = probabilitiesOf(h, output).data;
  const names = classes.map((c) => JSON.stringify(c));
  let out = `"classes":[${names.join(',')}],"predictions":[`;
  for (let i = 0; i < h.rows; i++) {
    const o = i * K;
    let k = 0;
    for (let j = 1; j < K; j++) if (d[o + j] > d[o + k]) k = j;
    out += `${i ? ',' : ''}{"label":${names[k]},"probabilities":${jsonArray(p, o, K)},"scores":${jsonArray(d, o, K)}}`;
  }
  return out + ']';
}
