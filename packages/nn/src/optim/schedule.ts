import type { MinibatchOptions } from './minibatch.js';

/**
 * Learning-rate schedules, applied per epoch (epoch = 0-based index of the epoch in progress):
 *   constant     η
 *   step         η · decay^⌊epoch / stepSize⌋
 *   exponential  η · decay^epoch
 *   cosine       η_min + (η − η_min) · (1 + cos(π · epoch / epochs)) / 2
 */
export const SCHEDULES = ['constant', 'step', 'exponential', 'cosine'] as const;
export type Schedule = (typeof SCHEDULES)[number];

export function learningRateAt(epoch: number, s: MinibatchOptions): number {
  switch (s.schedule) {
    case 'constant':
      return s.learningRate;
    case 'step':
      return s.learningRate * Math.pow(s.decay, Math.floor(epoch / s.stepSize));
    case 'exponential':
      return s.learningRate * Math.pow(s.decay, epoch);
    case 'cosine':
      return s.minLearningRate + ((s.learningRate - s.minLearningRate) * (1 + Math.cos((Math.PI * epoch) / s.epochs))) / 2;
  }
}
