import type * as CoreNative from '@backprop/core-native';
import type { Matrix } from '../matrix.js';
import type { Activations } from '../network/activations.js';
import type { Dtype } from '../network/dtype.js';
import type { LayerSizes } from '../network/layers.js';
import type { Backend, ResidentNetwork } from './types.js';
import { BackendUnavailableError } from '../errors.js';

/** Until core-native's float32 (helper F, branch f32n) is merged: float32 runs on the ts backend only. */
function float32Missing(): BackendUnavailableError {
  return new BackendUnavailableError('native backend: float32 is not in this build of @backprop/core-native; use backend ts');
}

/**
 * The `native` backend: a thin adapter over @backprop/core-native (OpenBLAS dgemm, or sgemm for float32; the activations' elementwise
 * and output steps in the addon too). The addon validates again in C++; nn has already validated shapes and
 * activations (checkActivations) before calling in here.
 */
export function createNativeBackend(core: typeof CoreNative): Backend {
  return {
    name: 'native',
    createNetwork(layers: LayerSizes, X: Matrix, Y: Matrix, activations?: Activations, dtype?: Dtype): ResidentNetwork {
      if (dtype === 'float32') throw float32Missing();
      const net = new core.NativeNetwork([...layers], X.data, Y.data, X.rows, activations);
      return {
        backend: 'native',
        dtype: 'float64',
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
      if (dtype === 'float32') throw float32Missing();
      core.predict([...layers], theta, X.data, X.rows, out, activations);
      return { rows: X.rows, cols: K, data: out };
    },
    async predictAsync(layers, theta, X, activations, dtype) {
      const K = layers[layers.length - 1];
      const out = new Float64Array(X.rows * K);
      if (dtype === 'float32') throw float32Missing();
      await core.predictAsync([...layers], theta, X.data, X.rows, out, activations);
      return { rows: X.rows, cols: K, data: out };
    },
    setThreads: (n) => core.setThreads(n),
    getThreads: () => core.getThreads(),
  };
}
