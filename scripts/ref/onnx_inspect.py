#!/usr/bin/env python3
"""Reads an ONNX file with the onnx package (its own protobuf decoder, independent of this project's writer),
runs onnx.checker (full_check: the graph is valid for its opset, with shape inference) and prints what the file
holds as JSON, for packages/nn/test/onnx-decode.test.ts.

Run with Debian's python3-onnx: /usr/bin/python3 scripts/ref/onnx_inspect.py FILE.onnx
"""
import json
import sys

import onnx
from onnx import numpy_helper


def value_info(v):
    t = v.type.tensor_type
    dims = [d.dim_param if d.HasField("dim_param") else d.dim_value for d in t.shape.dim]
    return {"name": v.name, "elem_type": onnx.TensorProto.DataType.Name(t.elem_type), "dims": dims}


def attribute(a):
    value = onnx.helper.get_attribute_value(a)
    return {"name": a.name, "type": onnx.AttributeProto.AttributeType.Name(a.type), "value": value}


def initializer(t):
    if t.data_type == onnx.TensorProto.STRING:
        values = [s.decode("utf-8") for s in t.string_data]
    else:
        values = numpy_helper.to_array(t).ravel().tolist()
    return {
        "name": t.name,
        "data_type": onnx.TensorProto.DataType.Name(t.data_type),
        "dims": list(t.dims),
        "values": values,
    }


def main(path):
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    g = model.graph
    print(json.dumps({
        "ir_version": model.ir_version,
        "opset_import": [{"domain": o.domain, "version": o.version} for o in model.opset_import],
        "producer_name": model.producer_name,
        "doc_string": model.doc_string,
        "metadata": {p.key: p.value for p in model.metadata_props},
        "graph": {
            "name": g.name,
            "inputs": [value_info(v) for v in g.input],
            "outputs": [value_info(v) for v in g.output],
            "nodes": [{"op_type": n.op_type, "domain": n.domain, "inputs": list(n.input), "outputs": list(n.output),
                       "attributes": [attribute(a) for a in n.attribute]} for n in g.node],
            "initializers": [initializer(t) for t in g.initializer],
        },
    }))


if __name__ == "__main__":
    main(sys.argv[1])
