import type { Matrix } from '../../matrix.js';
import type { Activations } from '../../network/activations.js';
import type { Dtype } from '../../network/dtype.js';
import type { LayerSizes } from '../../network/layers.js';
import type { Backend } from '../types.js';
import { TsNetwork } from './network.js';
import { tsPredict } from './predict.js';
import { getTsThreads, setTsThreads } from './threads.js';

/**
 * The pure-TypeScript backend: no native code, same results as `native` to rounding. `setThreads(n)` sets how many
 * threads (the caller plus n − 1 workers) each network may use for a big enough evaluation; the default is
 * BACKPROP_TS_THREADS or the machine's parallelism. Results are identical for every thread count.
 */
export const tsBackend: Backend = {
  name: 'ts',
  createNetwork: (layers: LayerSizes, X: Matrix, Y: Matrix, activations?: Activations, dtype?: Dtype) =>
    new TsNetwork(layers, X, Y, { ...(activations ? { activations } : {}), ...(dtype ? { dtype } : {}) }),
  predict: tsPredict,
  predictAsync: async (layers, theta, X, activations, dtype) => tsPredict(layers, theta, X, activations, dtype),
  setThreads: setTsThreads,
  getThreads: getTsThreads,
};
