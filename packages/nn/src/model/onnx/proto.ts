import { Message } from './protobuf.js';

/**
 * The ONNX messages an exported network uses, each written with the field numbers of onnx.proto (IR version 7):
 * ModelProto, OperatorSetIdProto, StringStringEntryProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto with a tensor TypeProto and its TensorShapeProto.
 */

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7, STRING: 8, DOUBLE: 11 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** AttributeProto.AttributeType values used here. */
const AttributeType = { FLOAT: 1, INT: 2 } as const;

/** A node attribute: an integer (INT, int64) or a float (FLOAT, single precision, as ONNX defines it). */
export type Attribute = { name: string; int: number } | { name: string; float: number };

/** TensorProto with its values in raw_data (little-endian, as ONNX requires), or string_data for strings. */
export function tensor(name: string, dataType: DataTypeCode, dims: readonly number[], values: Uint8Array | readonly string[]): Message {
  const t = new Message();
  for (const d of dims) t.uint(1, d);
  t.uint(2, dataType).string(8, name);
  if (values instanceof Uint8Array) t.raw(9, values);
  else for (const s of values) t.string(6, s);
  return t;
}

/** The little-endian bytes of float64 or float32 values (raw_data of a DOUBLE or FLOAT tensor). */
export function littleEndian(values: Float64Array | Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(bytes.buffer);
  if (values instanceof Float64Array) values.forEach((v, i) => view.setFloat64(i * 8, v, true));
  else values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

/** NodeProto: one operator of the default ONNX domain applied to named values. */
export function node(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: readonly Attribute[] = []): Message {
  const n = new Message();
  for (const i of inputs) n.string(1, i);
  for (const o of outputs) n.string(2, o);
  n.string(3, outputs[0]).string(4, opType);
  for (const a of attributes) {
    const attr = new Message().string(1, a.name);
    if ('int' in a) attr.uint(20, AttributeType.INT).uint(3, a.int);
    else attr.uint(20, AttributeType.FLOAT).float(2, a.float);
    n.message(5, attr);
  }
  return n;
}

/** ValueInfoProto of a tensor; a dimension is a size or the name of a size known only at run time. */
export function valueInfo(name: string, elemType: DataTypeCode, dims: readonly (number | string)[]): Message {
  const shape = new Message();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new Message().uint(1, d) : new Message().string(2, d));
  const tensorType = new Message().uint(1, elemType).message(2, shape);
  return new Message().string(1, name).message(2, new Message().message(1, tensorType));
}

export interface GraphParts {
  name: string;
  nodes: Message[];
  initializers: Message[];
  inputs: Message[];
  outputs: Message[];
  docString?: string;
}

export interface ModelParts {
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  docString?: string;
  metadata?: Record<string, string>;
  graph: GraphParts;
}

/** ModelProto: the file. */
export function model(parts: ModelParts): Uint8Array {
  const g = new Message();
  for (const n of parts.graph.nodes) g.message(1, n);
  g.string(2, parts.graph.name);
  for (const t of parts.graph.initializers) g.message(5, t);
  if (parts.graph.docString !== undefined) g.string(10, parts.graph.docString);
  for (const i of parts.graph.inputs) g.message(11, i);
  for (const o of parts.graph.outputs) g.message(12, o);
  const m = new Message().uint(1, parts.irVersion).string(2, parts.producerName);
  if (parts.docString !== undefined) m.string(6, parts.docString);
  m.message(7, g);
  // the default domain ("" = ai.onnx) at the stated opset
  m.message(8, new Message().string(1, '').uint(2, parts.opsetVersion));
  for (const [key, value] of Object.entries(parts.metadata ?? {})) m.message(14, new Message().string(1, key).string(2, value));
  return m.bytes();
}
