// Model JSON (modelFromJson) for the parser fuzzer. Seeds are written by modelToJson; mutations are textual
// (tokens, bytes) or structural: a field set to a hostile value (wrong type, huge size, deep nesting), the checksum
// dropped so that edited parameters reach the later checks, fields removed or duplicated.
import { InvariantError } from '../invariant.mjs';
import { mutateText } from '../text.mjs';

export const name = 'model';
export const text = true;

function smallModel(lib, layers, seed, extra = {}) {
  const rng = new lib.Rng(seed);
  const theta = Float64Array.from({ length: lib.parameterCount(layers) }, () => rng.uniform(-1, 1));
  return { layers, theta, labelNames: Array.from({ length: layers[layers.length - 1] }, (_, k) => `c${k}`), ...extra };
}

export function seeds(lib) {
  const training = {
    method: 'tnc', options: { maxfun: 10 }, lambda: 1, init: { range: 0.12, seed: 1 }, backend: 'ts',
    dataset: { name: 'toy', m: 4 }, nit: 3, nfev: 7, status: 'converged', message: 'ok', cost: 0.5, seconds: 0.01,
    history: [{ iteration: 1, cost: 0.9, nfev: 2, elapsed: 1 }],
  };
  const models = [
    smallModel(lib, [4, 3, 2], 1, { inputShape: { width: 2, height: 2, order: 'column-major' }, training }),
    smallModel(lib, [3, 2], 2),
    smallModel(lib, [6, 5, 4, 3], 3, { inputShape: { width: 3, height: 2, order: 'row-major' }, createdAt: '2026-01-01T00:00:00Z' }),
  ];
  return models.map((m, i) => ({ name: `model${i}`, bytes: new TextEncoder().encode(lib.modelToJson(m)) }));
}

export function seedInput(seed) {
  return new TextDecoder().decode(seed.bytes);
}

export function fields() {
  return [];
}

function hostileValue(rng) {
  switch (rng.int(14)) {
    case 0: return null;
    case 1: return rng.pick([-1, 0, 0.5, 1e6, 1e7, 2 ** 31, 2 ** 53, 1e300]);
    case 2: return 'x';
    case 3: return [];
    case 4: return {};
    case 5: return true;
    case 6: return Array.from({ length: rng.between(1, 70) }, () => rng.pick([1, 2, 400, 1e6]));
    case 7:
      return { [DEEP]: 'array', depth: rng.between(1000, 100000) };
    case 8:
      return { [DEEP]: 'object', depth: rng.between(1000, 100000) };
    case 9: return { width: rng.pick([0, -1, 2, 1e9, 0.5]), height: rng.pick([1, 2, 1e9]), order: rng.pick(['row-major', 'x']) };
    case 10: return [1, 'a', null];
    case 11: return '\u0000'.repeat(rng.between(1, 10));
    case 12: return rng.pick([[1e6, 1e6], [1, 1e6, 1], [2 ** 31, 1], [1, 0], [400, 25, 10]]);
    default: return { history: rng.pick([null, 5, [null], [{ cost: 'x' }]]) };
  }
}

// Deep nesting is written into the text after stringify (JSON.stringify itself would overflow the stack).
const DEEP = '__deep__';
const DEEP_MARK = /\{"__deep__":"(array|object)","depth":(\d+)\}/g;

function expandDeep(text) {
  return text.replace(DEEP_MARK, (_, kind, depth) => {
    const n = Number(depth);
    return kind === 'array' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '{}' + '}'.repeat(n);
  });
}

const KEYS = ['format', 'version', 'layers', 'theta', 'labelNames', 'inputShape', 'training', 'checksum', 'createdAt'];

/** Sets one field (or a path inside training/inputShape/theta) to a hostile value and often drops the checksum. */
function mutateStructure(rng, doc) {
  const ops = [];
  const n = rng.between(1, 2);
  for (let i = 0; i < n; i++) {
    const key = rng.pick(KEYS);
    const choice = rng.int(5);
    if (choice === 0) {
      delete doc[key];
      ops.push(`delete ${key}`);
    } else if (choice === 1 && Array.isArray(doc.theta) && doc.theta.length > 0) {
      doc.theta[rng.int(doc.theta.length)] = hostileValue(rng);
      ops.push('theta[i]=hostile');
    } else if (choice === 2 && doc.training && typeof doc.training === 'object') {
      doc.training[rng.pick(['history', 'options', 'dataset', 'cost', 'init'])] = hostileValue(rng);
      ops.push('training.x=hostile');
    } else {
      doc[key] = hostileValue(rng);
      ops.push(`${key}=hostile`);
    }
  }
  if (rng.chance(0.6)) {
    delete doc.checksum;
    ops.push('no checksum');
  }
  if (rng.chance(0.15)) {
    doc.__proto__ = { format: 'backprop-model' };
    ops.push('__proto__');
  }
  return ops;
}

export function mutate(rng, seed, ctx) {
  const source = new TextDecoder().decode(seed);
  if (rng.chance(0.5)) {
    const doc = JSON.parse(source);
    const ops = mutateStructure(rng, doc);
    let text = expandDeep(JSON.stringify(doc));
    if (ops.includes('__proto__')) text = text.replace('{', '{"__proto__":{"format":"backprop-model"},');
    return { input: text, ops };
  }
  const step = mutateText(rng, source, ctx);
  return { input: step.text, ops: step.ops };
}

/**
 * Parses, then uses the model as the library's users do: predicts one row on the TS backend and writes the model
 * back out (an accepted model must save again and reload to the same parameters).
 */
export function parse(text, lib) {
  const model = lib.modelFromJson(text);
  const P = lib.parameterCount(model.layers);
  if (model.theta.length !== P) throw new InvariantError(`theta has ${model.theta.length} values, layers need ${P}`);
  if (model.labelNames.length !== model.layers[model.layers.length - 1]) throw new InvariantError('labelNames');
  if (P <= 1e6) {
    const n = model.layers[0];
    const X = { rows: 1, cols: n, data: new Float64Array(n).fill(0.5) };
    lib.predict(model.theta, X, { layers: model.layers, backend: 'ts' });
  }
  const again = lib.modelFromJson(lib.modelToJson(model));
  if (again.theta.length !== P) throw new InvariantError('round trip changed theta');
  return P;
}
