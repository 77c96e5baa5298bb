import type { Matrix, Model } from '@backprop/nn';
import { HttpProblem } from './problem.js';

function describeValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  // Never serialise a nested value: a hostile body can nest arrays deeper than the stack.
  if (typeof v === 'object' && v !== null) return describeType(v);
  const text = JSON.stringify(v);
  if (text === undefined) return typeof v;
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v;
}

/** "400 numbers (a 20×20 image in column-major order)" — what one input row must be for this model. */
function expectedRow(model: Model): string {
  const n = model.layers[0];
  const s = model.inputShape;
  return s ? `${n} numbers (a ${s.width}x${s.height} image in ${s.order} order)` : `${n} numbers`;
}

function copyRow(row: unknown, model: Model, where: string, out: Float64Array, offset: number): void {
  const n = model.layers[0];
  if (!Array.isArray(row)) throw new HttpProblem('invalid-input', `${where}: expected an array of ${expectedRow(model)}, got ${describeType(row)}`);
  if (row.length !== n) throw new HttpProblem('invalid-input', `${where}: expected ${expectedRow(model)}, got ${row.length}`);
  for (let j = 0; j < n; j++) {
    const v = row[j];
    // JSON has no NaN, but 1e999 parses to Infinity, and strings or null are easy to send by mistake.
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new HttpProblem('invalid-input', `${where}[${j}]: expected a finite number, got ${describeValue(v)}`);
    }
    out[offset + j] = v;
  }
}

/**
 * Reads a predict request body into the input matrix X (one row per input): `{ "pixels": [n numbers] }` for one
 * input or `{ "inputs": [[n numbers], …] }` for up to `maxRows` inputs. Every mistake is an HttpProblem whose
 * detail names the field, the expected and the received.
 */
export function inputMatrix(body: unknown, model: Model, maxRows: number): Matrix {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpProblem(
      'invalid-input',
      `request body: expected a JSON object with "pixels" (one input) or "inputs" (a batch), got ${describeType(body)}`,
    );
  }
  for (const k of Object.keys(body)) {
    if (k !== 'pixels' && k !== 'inputs') {
      throw new HttpProblem('invalid-input', `request body: unknown field ${JSON.stringify(k)}; expected "pixels" or "inputs"`);
    }
  }
  const { pixels, inputs } = body as { pixels?: unknown; inputs?: unknown };
  if ((pixels === undefined) === (inputs === undefined)) {
    throw new HttpProblem(
      'invalid-input',
      pixels === undefined
        ? 'request body: expected "pixels" (one input) or "inputs" (a batch), got neither'
        : 'request body: expected "pixels" or "inputs", not both',
    );
  }
  const n = model.layers[0];
  if (pixels !== undefined) {
    const data = new Float64Array(n);
    copyRow(pixels, model, 'pixels', data, 0);
    return { rows: 1, cols: n, data };
  }
  if (!Array.isArray(inputs)) {
    throw new HttpProblem('invalid-input', `inputs: expected an array of inputs (each ${expectedRow(model)}), got ${describeType(inputs)}`);
  }
  if (inputs.length === 0) throw new HttpProblem('invalid-input', 'inputs: expected at least 1 input, got an empty array');
  if (inputs.length > maxRows) {
    throw new HttpProblem('batch-too-large', `inputs: at most ${maxRows} inputs per request, got ${inputs.length}`, {
      extensions: { limit: maxRows },
    });
  }
  const data = new Float64Array(inputs.length * n);
  for (let i = 0; i < inputs.length; i++) copyRow(inputs[i], model, `inputs[${i}]`, data, i * n);
  return { rows: inputs.length, cols: n, data };
}
