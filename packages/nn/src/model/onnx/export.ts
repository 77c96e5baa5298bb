import { InvalidArgumentError } from '../../errors.js';
import { checkActivations, describeNetwork, seedActivations, type Activations, type HiddenActivation, type OutputActivation } from '../../network/activations.js';
import { DTYPES, type Dtype } from '../../network/dtype.js';
import { checkLayers, checkTheta, thetaShapes } from '../../network/layers.js';
import type { Model } from '../model.js';
import type { Message } from './protobuf.js';
import { DataType, littleEndian, model as modelProto, node, tensor, valueInfo, type Attribute, type DataTypeCode } from './proto.js';

/**
 * ONNX export of a network: the graph computes what `predict` computes, in float64 or float32, and names its
 * outputs as the library, the CLI's `predict --json` and the server do.
 *
 *   input [N, s0] → per layer l: z_l = Gemm(a_{l-1}, W_l, b_l, transB=1), a_l = f_l(z_l) → scores [N, K]
 *   scores → probabilities [N, K]: rows summing to 1, as `probabilitiesOf` (predict.ts) computes them
 *   scores → ArgMax(axis=1) → class_index [N] (int64) → Gather(class_names) → class [N] (string)
 *
 * W_l is Θ_l without its bias column (s_l × s_{l-1}), b_l the bias column. f_l is Sigmoid, Tanh, Relu or
 * LeakyRelu (alpha = leakySlope; in float64 Max(z, Mul(z, leakySlope)), see activationNodes) for hidden layers,
 * and for the output Softmax (axis 1) or Sigmoid, the seed's one-vs-all units. `scores` are the output
 * activations (the library's `scores`, `predictScores`). `probabilities` are the library's `predictProba`: a
 * softmax's outputs themselves (Identity), or each sigmoid row divided by its sum, and 1/K each where that sum
 * is not a positive finite number (`normalizeScores`, see probabilityNodes). `class` is the model's class name
 * of the largest score, the first on a tie, as `predict` picks it; `class_index` (0-based, int64) is an output
 * too. The outputs are listed in the order probabilities, class, class_index, scores (scores came last, so
 * readers that take the first three by position still get what they got).
 *
 * Opset 13, IR version 7: read by ONNX Runtime 1.6 and later, onnx 1.8 and later.
 */
export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;

/** The element types an export takes: the networks' own (network/dtype.ts). */
export const ONNX_DTYPES = DTYPES;
export type OnnxDtype = Dtype;

export interface OnnxExportOptions {
  /**
   * Element type of the input, weights and outputs; default the model's own `dtype` (float64 when it states none).
   * A float32 model exported as float64 is exact (its weights are float32 values).
   */
  dtype?: OnnxDtype;
}

/** The scalar initializer holding leaky_relu's α in a float64 graph. */
const LEAKY_SLOPE = 'leaky_slope';

const HIDDEN_OPS: Record<HiddenActivation, string> = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu', leaky_relu: 'LeakyRelu' };

/** Protobuf readers refuse a message of 2 GiB or more: the weights alone must stay under it. */
const PROTOBUF_LIMIT = 2 ** 31 - 1;

/** The network's activations as the model states them, the seed's when it states none; checked. */
function activationsOf(model: Model): Activations {
  return checkActivations(model.activations ?? seedActivations(model.layers), model.layers, 'model.activations');
}

function checkModel(model: Model, dtype: OnnxDtype): Activations {
  if (model === null || typeof model !== 'object') throw new InvalidArgumentError('model: expected a Model (layers, theta, labelNames)');
  checkLayers(model.layers, 'model.layers');
  checkTheta(model.theta, model.layers, 'model.theta');
  const K = model.layers[model.layers.length - 1];
  if (!Array.isArray(model.labelNames) || model.labelNames.length !== K || model.labelNames.some((s) => typeof s !== 'string')) {
    throw new InvalidArgumentError(`model.labelNames: expected ${K} strings (one per output unit)`);
  }
  const bytes = model.theta.length * (dtype === 'float64' ? 8 : 4);
  if (bytes > PROTOBUF_LIMIT) {
    throw new InvalidArgumentError(`model.theta: ${bytes} bytes of ${dtype} weights do not fit in an ONNX file (protobuf limits it to 2 GiB)`);
  }
  if (dtype === 'float32') {
    const i = model.theta.findIndex((v) => !Number.isFinite(Math.fround(v)));
    if (i >= 0) throw new InvalidArgumentError(`model.theta[${i}] = ${model.theta[i]} is beyond float32's range: export it as float64`);
  }
  return activationsOf(model);
}

/** The serialised ONNX model (ModelProto bytes) of `model`. */
export function exportOnnx(model: Model, options: OnnxExportOptions = {}): Uint8Array {
  const dtype = options?.dtype ?? (model !== null && typeof model === 'object' && model.dtype !== undefined ? model.dtype : 'float64');
  if (!ONNX_DTYPES.includes(dtype)) {
    throw new InvalidArgumentError(`dtype: expected one of ${ONNX_DTYPES.join(', ')}, got ${JSON.stringify(dtype)}`);
  }
  const activations = checkModel(model, dtype);
  const elem = dtype === 'float64' ? DataType.DOUBLE : DataType.FLOAT;
  const values = (v: Float64Array) => littleEndian(dtype === 'float64' ? v : Float32Array.from(v));
  const { layers, theta } = model;
  const L = layers.length - 1;
  const K = layers[L];

  const nodes: Message[] = [];
  const initializers: Message[] = [];
  let a = 'input';
  let off = 0;
  thetaShapes(layers).forEach(([rows, cols], i) => {
    const l = i + 1;
    const W = new Float64Array(rows * (cols - 1));
    const b = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      b[r] = theta[off + r * cols];
      W.set(theta.subarray(off + r * cols + 1, off + (r + 1) * cols), r * (cols - 1));
    }
    off += rows * cols;
    initializers.push(tensor(`W${l}`, elem, [rows, cols - 1], values(W)), tensor(`b${l}`, elem, [rows], values(b)));
    nodes.push(node('Gemm', [a, `W${l}`, `b${l}`], [`z${l}`], [{ name: 'transB', int: 1 }]));
    const out = l === L ? 'scores' : `a${l}`;
    nodes.push(...activationNodes(l === L ? activations.output : activations.hidden[i], `z${l}`, out, dtype, activations.leakySlope));
    a = out;
  });
  if (dtype === 'float64' && activations.hidden.includes('leaky_relu')) {
    initializers.push(tensor(LEAKY_SLOPE, elem, [], values(Float64Array.of(activations.leakySlope))));
  }
  probabilityNodes(activations.output, K, elem, values, nodes, initializers);
  initializers.push(tensor('class_names', DataType.STRING, [K], model.labelNames));
  nodes.push(node('ArgMax', ['scores'], ['class_index'], [{ name: 'axis', int: 1 }, { name: 'keepdims', int: 0 }]));
  nodes.push(node('Gather', ['class_names', 'class_index'], ['class'], [{ name: 'axis', int: 0 }]));

  const architecture = describeNetwork(layers, activations, dtype);
  const metadata: Record<string, string> = { architecture };
  if (activations.hidden.includes('leaky_relu')) metadata.leaky_slope = String(activations.leakySlope);
  if (model.inputShape) metadata.input_shape = `${model.inputShape.width}x${model.inputShape.height} ${model.inputShape.order}`;
  return modelProto({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'backprop',
    docString: `A ${architecture} network: scores are its output activations, probabilities those rows made to sum to 1 (as predictProba), class the class name of the largest.`,
    metadata,
    graph: {
      name: 'backprop',
      nodes,
      initializers,
      inputs: [valueInfo('input', elem, ['N', layers[0]])],
      outputs: [
        valueInfo('probabilities', elem, ['N', K]),
        valueInfo('class', DataType.STRING, ['N']),
        valueInfo('class_index', DataType.INT64, ['N']),
        valueInfo('scores', elem, ['N', K]),
      ],
    },
  });
}

/**
 * The node(s) computing out = f(z). leaky_relu in a float64 graph is Max(z, Mul(z, α)), which is max(αz, z) as
 * the network defines it: ONNX Runtime has no double LeakyRelu kernel, and LeakyRelu's alpha attribute is a
 * single-precision float, which would move α by up to 6e-8 of itself.
 */
function activationNodes(f: OutputActivation | HiddenActivation, z: string, out: string, dtype: OnnxDtype, leakySlope: number): Message[] {
  if (f === 'softmax') return [node('Softmax', [z], [out], [{ name: 'axis', int: 1 }])];
  if (f === 'leaky_relu' && dtype === 'float64') return [node('Mul', [z, LEAKY_SLOPE], [`${z}_scaled`]), node('Max', [z, `${z}_scaled`], [out])];
  const attributes: Attribute[] = f === 'leaky_relu' ? [{ name: 'alpha', float: leakySlope }] : [];
  return [node(HIDDEN_OPS[f], [z], [out], attributes)];
}

/**
 * The nodes computing `probabilities` from `scores`, as probabilitiesOf does. A softmax's rows already sum to 1:
 * Identity. Sigmoid rows are normalised as normalizeScores does it:
 *   scores_sum = ReduceSum(scores, axes=[1], keepdims=1)                                   [N, 1]
 *   probabilities = Where(scores_sum > 0 and not IsInf(scores_sum), scores / scores_sum, 1/K)
 * (a NaN sum fails `> 0`, so NaN and ±∞ sums and an all-underflowed row give 1/K each, as in the library).
 */
function probabilityNodes(
  output: OutputActivation,
  K: number,
  elem: DataTypeCode,
  values: (v: Float64Array) => Uint8Array,
  nodes: Message[],
  initializers: Message[],
): void {
  if (output === 'softmax') {
    nodes.push(node('Identity', ['scores'], ['probabilities']));
    return;
  }
  const axes = new Uint8Array(8);
  new DataView(axes.buffer).setBigInt64(0, 1n, true);
  initializers.push(
    tensor('sum_axes', DataType.INT64, [1], axes),
    tensor('zero', elem, [], values(Float64Array.of(0))),
    tensor('uniform', elem, [], values(Float64Array.of(1 / K))),
  );
  nodes.push(
    node('ReduceSum', ['scores', 'sum_axes'], ['scores_sum'], [{ name: 'keepdims', int: 1 }]),
    node('Div', ['scores', 'scores_sum'], ['scores_normalised']),
    node('Greater', ['scores_sum', 'zero'], ['sum_positive']),
    node('IsInf', ['scores_sum'], ['sum_infinite']),
    node('Not', ['sum_infinite'], ['sum_finite']),
    node('And', ['sum_positive', 'sum_finite'], ['sum_usable']),
    node('Where', ['sum_usable', 'scores_normalised', 'uniform'], ['probabilities']),
  );
}
