import { DTYPES, HIDDEN_ACTIVATIONS, type Dtype, type HiddenActivation } from '@backprop/nn';
import { choice, integerIn, MAX_LAYER_SIZE, numberList } from '../parse.js';
import { UsageError } from '../usage.js';
import type { SweepConfig } from './protocol.js';

/**
 * Hidden-layer choices of a sweep: comma-separated configurations, each one hidden layer size or several joined
 * by "x" (e.g. "25,50,256x128" = [25], [50], [256, 128]). Sizes are integers from 0 to 10^6 (notation as
 * parse.integer); whether a size is valid is decided by training itself (a 0 fails that configuration only).
 */
export function hiddenChoices(raw: string): number[][] {
  const choices = raw.split(',').map((item) => item.split('x').map((s) => integerIn(s, 0, MAX_LAYER_SIZE)));
  if (raw.trim() === '' || choices.some((sizes) => sizes.some((v) => v === undefined))) {
    throw new UsageError(
      `--hidden: expected comma-separated layer sizes (integers from 0 to ${MAX_LAYER_SIZE}), layers of one network joined by "x" (e.g. 25,50,256x128), got ${JSON.stringify(raw)}`,
    );
  }
  return choices as number[][];
}

export function lambdaChoices(raw: string): number[] {
  return numberList('--lambda', raw, { min: 0 });
}

/**
 * Activation choices of a sweep: comma-separated, each one activation for every hidden layer or one per layer joined
 * by "+" (e.g. "relu,tanh,relu+tanh"). A per-layer list must match every hidden choice's depth (sweep checks it).
 */
export function activationChoices(raw: string): HiddenActivation[][] {
  if (raw.trim() === '') throw new UsageError(`--activation: expected comma-separated activations, got ${JSON.stringify(raw)}`);
  return raw.split(',').map((item) => item.split('+').map((s) => choice('--activation', s.trim(), HIDDEN_ACTIVATIONS)));
}

/** dtype choices of a sweep: comma-separated, e.g. "float64,float32". */
export function dtypeChoices(raw: string): Dtype[] {
  return raw.split(',').map((s) => choice('--dtype', s.trim(), DTYPES));
}

/** What a configuration's activations show as: "relu" or "relu+tanh". */
export const activationLabel = (a: readonly string[] | undefined): string => (a ?? ['sigmoid']).join('+');

/**
 * Every (λ, hidden, activation, dtype) point, λ varying fastest, then the activation, then the dtype, then the hidden
 * choice. Without `activations`, the seed's (no activation in the configurations); without `dtypes`, float64 (no
 * dtype in them).
 */
export function grid(lambdas: number[], hiddens: number[][], activations?: HiddenActivation[][], dtypes?: Dtype[]): SweepConfig[] {
  const out: SweepConfig[] = [];
  for (const hidden of hiddens) {
    for (const dtype of dtypes ?? [undefined]) {
      for (const activation of activations ?? [undefined]) {
        for (const lambda of lambdas) out.push({ index: out.length, lambda, hidden, ...(activation ? { activation } : {}), ...(dtype ? { dtype } : {}) });
      }
    }
  }
  return out;
}
