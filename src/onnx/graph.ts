import type { onnx as P } from 'onnx-proto';
import onnxProto from 'onnx-proto';

/**
 * A small builder for an ONNX graph: nodes in order, float initializers and attributes typed
 * as the protobuf messages of `onnx-proto` want them. It knows nothing of the app's models.
 */

// A CommonJS package: its one export is the `onnx` namespace object.
export const { onnx } = onnxProto;

/** An attribute: an integer, integers, a string, or a float (boxed, so 1.0 stays a float). */
export type AttrValue = number | number[] | string | { float: number };

const FLOAT = 1; // TensorProto.DataType.FLOAT

function attribute(name: string, value: AttrValue): P.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string')
    return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (typeof value === 'object') return { name, type: T.FLOAT, f: value.float };
  if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not an integer`);
  return { name, type: T.INT, i: value };
}

/** A float tensor's value info; `batch` names the first dimension (symbolic). */
export function floatInfo(name: string, dims: (number | string)[]): P.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: {
          dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}

export class GraphBuilder {
  readonly nodes: P.INodeProto[] = [];
  readonly initializers: P.ITensorProto[] = [];
  private count = 0;

  /** A float initializer, stored as little-endian raw bytes (what ONNX's raw_data holds). */
  constant(name: string, dims: number[], values: Float32Array): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (values.length !== n)
      throw new Error(`${name}: ${values.length} values for a [${dims.join(', ')}] tensor`);
    const copy = Float32Array.from(values);
    this.initializers.push({
      name,
      dims,
      dataType: FLOAT,
      rawData: new Uint8Array(copy.buffer),
    });
    return name;
  }

  /** Adds a node; returns its output's name (`output`, or a fresh one). */
  node(
    opType: string,
    inputs: string[],
    attrs: Record<string, AttrValue> = {},
    output?: string,
  ): string {
    const out = output ?? `${opType.toLowerCase()}_${++this.count}`;
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: inputs,
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }
}
