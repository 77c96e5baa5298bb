import type { Matrix } from '../../matrix.js';
import type { LayerSizes } from '../../network/layers.js';
import type { Backend } from '../types.js';
import { TsNetwork } from './network.js';
import { tsPredict } from './predict.js';

/** The pure-TypeScript backend: no native code, same results as `native` to rounding. */
export const tsBackend: Backend = {
  name: 'ts',
  createNetwork: (layers: LayerSizes, X: Matrix, Y: Matrix) => new TsNetwork(layers, X, Y),
  predict: tsPredict,
  predictAsync: async (layers, theta, X) => tsPredict(layers, theta, X),
  setThreads: () => {},
  getThreads: () => 1,
};
