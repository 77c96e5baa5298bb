import type * as CoreNative from '@backprop/core-native';
import type { Matrix } from '../matrix.js';
import type { Activations } from '../network/activations.js';
import type { Dtype } from '../network/dtype.js';
import type { LayerSizes } from '../network/layers.js';
import { checkThreads } from './ts/threads.js';
import type { Backend, ResidentNetwork } from './types.js';

/**
 * The `native` backend: a thin adapter over @backprop/core-native (OpenBLAS dgemm, sgemm for float32; the
 * activations' elementwise and output steps in the addon too). The addon validates again in C++; nn has already
 * validated shapes, activations and dtype before calling in here.
 */
export function createNativeBackend(core: typeof CoreNative): Backend {
  return {
    name: 'native',
    createNetwork(layers: LayerSizes, X: Matrix, Y: Matrix, activations?: Activations, dtype?: Dtype): ResidentNetwork {
      const net = new core.NativeNetwork([...layers], X.data, Y.data, X.rows, activations, dtype);
      return {
        backend: 'native',
        dtype: net.dtype,
        layers: [...layers],
        m: X.rows,
        parameterCount: net.parameterCount,
        costGradient: (theta, lambda, grad, rows) => net.costGradient(theta, lambda, grad, rows),
        costGradientAsync: (theta, lambda, grad, rows) => net.costGradientAsync(theta, lambda, grad, rows),
        dispose: () => net.dispose(),
      };
    },
    predict(layers, theta, X, activations, dtype) {
      const K = layers[layers.length - 1];
      const out = new Float64Array(X.rows * K);
      core.predict([...layers], theta, X.data, X.rows, out, activations, dtype);
      return { rows: X.rows, cols: K, data: out };
    },
    async predictAsync(layers, theta, X, activations, dtype) {
      const K = layers[layers.length - 1];
      const out = new Float64Array(X.rows * K);
      await core.predictAsync([...layers], theta, X.data, X.rows, out, activations, dtype);
      return { rows: X.rows, cols: K, data: out };
    },
    setThreads: (n) => core.setThreads(checkThreads(n, 'threads')),
    getThreads: () => core.getThreads(),
  };
}
