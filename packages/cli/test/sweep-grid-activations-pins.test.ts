// The sweep grid's activation axis (issue 16), pinned after issue 21's mutation run of src/sweep/grid.ts: what
// --activation parses to, what each bad value says, the label a configuration shows, and the grid's order with
// activations (λ fastest, then the activation, then the hidden choice). Expected values are written out by hand.
import { describe, expect, it } from 'vitest';
import { activationChoices, activationLabel, grid } from '../src/sweep/grid.js';
import { UsageError } from '../src/usage.js';

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('--activation choices', () => {
  it('comma-separated, one per hidden layer joined by "+", spaces around either ignored', () => {
    expect(activationChoices('relu,tanh,relu+tanh')).toEqual([['relu'], ['tanh'], ['relu', 'tanh']]);
    expect(activationChoices(' leaky_relu + sigmoid , tanh ')).toEqual([['leaky_relu', 'sigmoid'], ['tanh']]);
    expect(activationChoices('sigmoid')).toEqual([['sigmoid']]);
  });

  it('empty or blank → one message quoting it; an unknown name → the allowed names', () => {
    expect(usage(() => activationChoices(''))).toBe('--activation: expected comma-separated activations, got ""');
    expect(usage(() => activationChoices('  '))).toBe('--activation: expected comma-separated activations, got "  "');
    expect(usage(() => activationChoices('relu,gelu'))).toBe(
      '--activation: expected one of sigmoid, tanh, relu, leaky_relu, got "gelu"',
    );
    expect(usage(() => activationChoices('relu+'))).toBe('--activation: expected one of sigmoid, tanh, relu, leaky_relu, got ""');
    expect(usage(() => activationChoices('softmax'))).toBe(
      '--activation: expected one of sigmoid, tanh, relu, leaky_relu, got "softmax"',
    );
  });
});

describe('activation label', () => {
  it('"sigmoid" for the seed network (no activation), else the names joined by "+"', () => {
    expect(activationLabel(undefined)).toBe('sigmoid');
    expect(activationLabel(['relu'])).toBe('relu');
    expect(activationLabel(['relu', 'tanh'])).toBe('relu+tanh');
  });
});

describe('grid with activations', () => {
  it('λ fastest, then the activation, then the hidden choice, numbered in order (one activation for every layer)', () => {
    expect(grid([0, 1], [[2], [3, 4]], [['relu'], ['tanh']])).toEqual([
      { index: 0, lambda: 0, hidden: [2], activation: ['relu'] },
      { index: 1, lambda: 1, hidden: [2], activation: ['relu'] },
      { index: 2, lambda: 0, hidden: [2], activation: ['tanh'] },
      { index: 3, lambda: 1, hidden: [2], activation: ['tanh'] },
      { index: 4, lambda: 0, hidden: [3, 4], activation: ['relu'] },
      { index: 5, lambda: 1, hidden: [3, 4], activation: ['relu'] },
      { index: 6, lambda: 0, hidden: [3, 4], activation: ['tanh'] },
      { index: 7, lambda: 1, hidden: [3, 4], activation: ['tanh'] },
    ]);
  });
  it('without activations the configurations carry no activation key at all', () => {
    const configs = grid([0.5], [[2]]);
    expect(configs).toEqual([{ index: 0, lambda: 0.5, hidden: [2] }]);
    expect(Object.keys(configs[0])).toEqual(['index', 'lambda', 'hidden']);
    expect(grid([0.5], [[2]], [])).toEqual([]);
  });
});
