// Exported ONNX files read back by an independent decoder: the onnx package (Debian's python3-onnx, its own
// protobuf code) loads each file, onnx.checker validates it for its opset with shape inference
// (scripts/ref/onnx_inspect.py), and every field is compared with what the model says it should be: the weights
// bit for bit (float64) or rounded to float32, the bias columns, the class names in UTF-8, the node list and
// attributes, the declared inputs and outputs. Skipped where /usr/bin/python3 has no onnx (.ci/run installs it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Model } from '../src/model/model.js';
import { exportOnnx, ONNX_OPSET, type OnnxDtype } from '../src/model/onnx/export.js';
import { seedActivations, type Activations } from '../src/network/activations.js';
import { parameterCount } from '../src/network/layers.js';
import { deserialize } from '../src/network/serialize.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../../scripts/ref/onnx_inspect.py', import.meta.url));
const hasOnnx = spawnSync(PYTHON, ['-c', 'import onnx'], { encoding: 'utf8' }).status === 0;
if (!hasOnnx) console.warn('NOTICE: /usr/bin/python3 has no onnx module (apt-get install python3-onnx): the ONNX decoder cross-checks are skipped');

interface Inspected {
  ir_version: number;
  opset_import: { domain: string; version: number }[];
  producer_name: string;
  metadata: Record<string, string>;
  graph: {
    inputs: { name: string; elem_type: string; dims: (string | number)[] }[];
    outputs: { name: string; elem_type: string; dims: (string | number)[] }[];
    nodes: { op_type: string; domain: string; inputs: string[]; outputs: string[]; attributes: { name: string; type: string; value: number }[] }[];
    initializers: { name: string; data_type: string; dims: number[]; values: (number | string)[] }[];
  };
}

function inspect(bytes: Uint8Array): Inspected {
  const file = join(mkdtempSync(join(tmpdir(), 'bp-onnx-')), 'model.onnx');
  writeFileSync(file, bytes);
  const r = spawnSync(PYTHON, [SCRIPT, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`onnx_inspect.py failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Inspected;
}

/** A model with distinct, exactly representable weights: θ_i = (i − n/2) / 64. */
function modelOf(layers: number[], activations: Activations | undefined, labelNames: string[]): Model {
  const n = parameterCount(layers);
  const theta = Float64Array.from({ length: n }, (_, i) => (i - n / 2) / 64 + (i % 3) * 1e-9);
  return { layers, theta, labelNames, activations };
}

const CASES: { title: string; model: Model }[] = [
  { title: 'the seed network (no activations stated: sigmoid everywhere)', model: modelOf([4, 3, 2], undefined, ['yes', 'no']) },
  {
    title: 'relu + softmax, class names in UTF-8',
    model: modelOf([5, 4, 3], { hidden: ['relu'], output: 'softmax', leakySlope: 0.01 }, ['zéro', 'un deux', '三']),
  },
  {
    title: 'two hidden layers, tanh then leaky_relu (slope 0.2), sigmoid output',
    model: modelOf([3, 4, 2, 2], { hidden: ['tanh', 'leaky_relu'], output: 'sigmoid', leakySlope: 0.2 }, ['a', 'b']),
  },
];

const OPS = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu', leaky_relu: 'LeakyRelu', softmax: 'Softmax' } as const;

describe.skipIf(!hasOnnx)('ONNX files read back by the onnx package (python3-onnx) and checked', () => {
  for (const { title, model } of CASES) {
    for (const dtype of ['float64', 'float32'] as OnnxDtype[]) {
      it(`${title}, ${dtype}`, () => {
        const got = inspect(exportOnnx(model, { dtype }));
        const elem = dtype === 'float64' ? 'DOUBLE' : 'FLOAT';
        const { layers } = model;
        const L = layers.length - 1;
        const K = layers[L];
        expect(got.ir_version).toBe(7);
        expect(got.opset_import).toEqual([{ domain: '', version: ONNX_OPSET }]);
        expect(got.producer_name).toBe('backprop');

        const g = got.graph;
        expect(g.inputs).toEqual([{ name: 'input', elem_type: elem, dims: ['N', layers[0]] }]);
        expect(g.outputs).toEqual([
          { name: 'probabilities', elem_type: elem, dims: ['N', K] },
          { name: 'class', elem_type: 'STRING', dims: ['N'] },
          { name: 'class_index', elem_type: 'INT64', dims: ['N'] },
          { name: 'scores', elem_type: elem, dims: ['N', K] },
        ]);
        expect(g.nodes.every((n) => n.domain === '')).toBe(true);

        // the chain: Gemm on the previous activation, then the layer's activation on the Gemm's output
        const activations = model.activations ?? seedActivations(layers);
        let a = 'input';
        let k = 0;
        for (let l = 1; l <= L; l++) {
          const gemm = g.nodes[k++];
          expect(gemm).toMatchObject({ op_type: 'Gemm', inputs: [a, `W${l}`, `b${l}`], outputs: [`z${l}`] });
          expect(gemm.attributes).toEqual([{ name: 'transB', type: 'INT', value: 1 }]);
          const out = l === L ? 'scores' : `a${l}`;
          const f = l === L ? activations.output : activations.hidden[l - 1];
          if (f === 'leaky_relu' && dtype === 'float64') {
            // max(αz, z) with α in double: ONNX Runtime has no double LeakyRelu, and its alpha is a float
            expect(g.nodes[k++]).toEqual({ op_type: 'Mul', domain: '', inputs: [`z${l}`, 'leaky_slope'], outputs: [`z${l}_scaled`], attributes: [] });
            expect(g.nodes[k++]).toEqual({ op_type: 'Max', domain: '', inputs: [`z${l}`, `z${l}_scaled`], outputs: [out], attributes: [] });
          } else {
            const act = g.nodes[k++];
            expect(act).toMatchObject({ op_type: OPS[f], inputs: [`z${l}`], outputs: [out] });
            const alpha = { name: 'alpha', type: 'FLOAT', value: Math.fround(activations.leakySlope) };
            expect(act.attributes).toEqual(f === 'leaky_relu' ? [alpha] : f === 'softmax' ? [{ name: 'axis', type: 'INT', value: 1 }] : []);
          }
          a = out;
        }
        // probabilities from scores: a softmax's are its outputs; sigmoid rows divided by their sum, 1/K where the
        // sum is not a positive finite number (predict.ts normalizeScores)
        const tail = g.nodes.slice(k);
        if (activations.output === 'softmax') {
          expect(tail.shift()).toEqual({ op_type: 'Identity', domain: '', inputs: ['scores'], outputs: ['probabilities'], attributes: [] });
        } else {
          const plain = (op_type: string, inputs: string[], output: string) => ({ op_type, domain: '', inputs, outputs: [output], attributes: [] });
          expect(tail.splice(0, 7)).toEqual([
            { ...plain('ReduceSum', ['scores', 'sum_axes'], 'scores_sum'), attributes: [{ name: 'keepdims', type: 'INT', value: 1 }] },
            plain('Div', ['scores', 'scores_sum'], 'scores_normalised'),
            plain('Greater', ['scores_sum', 'zero'], 'sum_positive'),
            plain('IsInf', ['scores_sum'], 'sum_infinite'),
            plain('Not', ['sum_infinite'], 'sum_finite'),
            plain('And', ['sum_positive', 'sum_finite'], 'sum_usable'),
            plain('Where', ['sum_usable', 'scores_normalised', 'uniform'], 'probabilities'),
          ]);
        }
        expect(tail.map((n) => n.op_type)).toEqual(['ArgMax', 'Gather']);
        const [argmax, gather] = tail;
        expect(argmax).toMatchObject({ inputs: ['scores'], outputs: ['class_index'] });
        expect(argmax.attributes).toEqual([
          { name: 'axis', type: 'INT', value: 1 },
          { name: 'keepdims', type: 'INT', value: 0 },
        ]);
        expect(gather).toMatchObject({ inputs: ['class_names', 'class_index'], outputs: ['class'] });
        expect(gather.attributes).toEqual([{ name: 'axis', type: 'INT', value: 0 }]);

        // the weights: Θ_l's columns 1.. as W_l (s_l × s_{l-1}), its column 0 as b_l
        const round = dtype === 'float64' ? (v: number) => v : Math.fround;
        deserialize(model.theta, layers).forEach((T, i) => {
          const W = g.initializers.find((t) => t.name === `W${i + 1}`)!;
          const b = g.initializers.find((t) => t.name === `b${i + 1}`)!;
          expect(W.data_type).toBe(elem);
          expect(W.dims).toEqual([T.rows, T.cols - 1]);
          expect(b.dims).toEqual([T.rows]);
          const wantW: number[] = [];
          const wantB: number[] = [];
          for (let r = 0; r < T.rows; r++) {
            wantB.push(round(T.data[r * T.cols]));
            for (let c = 1; c < T.cols; c++) wantW.push(round(T.data[r * T.cols + c]));
          }
          expect(W.values).toEqual(wantW);
          expect(b.values).toEqual(wantB);
        });
        expect(g.initializers.find((t) => t.name === 'class_names')).toEqual({ name: 'class_names', data_type: 'STRING', dims: [K], values: model.labelNames });
        const slope = g.initializers.filter((t) => t.name === 'leaky_slope');
        const withSlope = dtype === 'float64' && activations.hidden.includes('leaky_relu');
        expect(slope).toEqual(withSlope ? [{ name: 'leaky_slope', data_type: 'DOUBLE', dims: [], values: [activations.leakySlope] }] : []);
        const normalising = activations.output === 'sigmoid';
        const constants = g.initializers.filter((t) => ['sum_axes', 'zero', 'uniform'].includes(t.name));
        expect(constants).toEqual(
          normalising
            ? [
                { name: 'sum_axes', data_type: 'INT64', dims: [1], values: [1] },
                { name: 'zero', data_type: elem, dims: [], values: [0] },
                { name: 'uniform', data_type: elem, dims: [], values: [round(1 / K)] },
              ]
            : [],
        );
        expect(g.initializers).toHaveLength(2 * L + 1 + slope.length + constants.length);
      });
    }
  }

  it('metadata: the architecture in full, leaky_relu slope, and the input picture shape', () => {
    const leaky = CASES[2].model;
    expect(inspect(exportOnnx(leaky)).metadata).toEqual({ architecture: '3-4(tanh)-2(leaky_relu)-2(sigmoid)', leaky_slope: '0.2' });
    const digits = { ...CASES[0].model, layers: [4, 3, 2], inputShape: { width: 2, height: 2, order: 'column-major' as const } };
    expect(inspect(exportOnnx(digits)).metadata).toEqual({ architecture: '4-3(sigmoid)-2(sigmoid)', input_shape: '2x2 column-major' });
  });
});
