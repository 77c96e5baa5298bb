import { BackpropError } from '../../errors.js';

/** A network was used after dispose(). */
export class NetworkDisposedError extends BackpropError {
  constructor(method: string) {
    super('ERR_DISPOSED', `TsNetwork.${method}: the network was disposed`);
  }
}

/** A call arrived while this network's costGradientAsync was still in flight. */
export class NetworkBusyError extends BackpropError {
  constructor(method: string) {
    super(
      'ERR_BUSY',
      `TsNetwork.${method}: a costGradientAsync call on this network is still in flight; await it first`,
    );
  }
}
