import { describe, expect, it } from 'vitest';
import { classMetrics, confusionMatrix, costCurveSvg, displayOrder } from '../src/image/index.js';
import { niceTicks } from '../src/image/cost-curve.js';

function polylines(svg: string): number[][][] {
  return [...svg.matchAll(/<polyline points="([^"]*)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
}

describe('costCurveSvg', () => {
  it('draws one cost point per entry, falling cost going down the page, x increasing with the iteration', () => {
    const history = [0, 1, 2, 3, 4].map((i) => ({ iteration: i, cost: 5 - i }));
    const svg = costCurveSvg(history, { title: 'λ = 10 & <tnc>' });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('λ = 10 &amp; &lt;tnc&gt;');
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // nothing external
    const [cost] = polylines(svg);
    expect(cost).toHaveLength(5);
    // equal cost steps are equal pixel steps on a linear axis; y grows downward in SVG
    const dy = cost.slice(1).map((p, i) => p[1] - cost[i][1]);
    const dx = cost.slice(1).map((p, i) => p[0] - cost[i][0]);
    dy.forEach((d) => expect(d).toBeCloseTo(dy[0], 1));
    dx.forEach((d) => expect(d).toBeCloseTo(dx[0], 1));
    expect(dy[0]).toBeGreaterThan(0);
    expect(dx[0]).toBeGreaterThan(0);
    expect(svg).not.toContain('accuracy</text>');
  });

  it('adds training (dashed) and validation accuracy on a second axis when present', () => {
    const history = [0, 1, 2].map((i) => ({ iteration: i, cost: 3 - i, trainAccuracy: 0.5 + i * 0.2, validationAccuracy: 0.45 + i * 0.2 }));
    const svg = costCurveSvg(history);
    const lines = polylines(svg);
    expect(lines).toHaveLength(3);
    expect(svg).toContain('validation accuracy');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('>100%<');
    // the axis starts at floor(min accuracy · 10)/10 = 0.4 → "40%"
    expect(svg).toContain('>40%<');
  });

  it('switches to a log cost axis when the cost falls over a wide range, and rejects an empty history', () => {
    const svg = costCurveSvg([{ iteration: 0, cost: 100 }, { iteration: 1, cost: 1 }, { iteration: 2, cost: 0.5 }]);
    expect(svg).toContain('(log scale)');
    const [cost] = polylines(svg);
    // log axis: 100 → 1 is two decades, 1 → 0.5 is log10(2) ≈ 0.301 decade
    const ratio = (cost[1][1] - cost[0][1]) / (cost[2][1] - cost[1][1]);
    expect(ratio).toBeCloseTo(2 / Math.log10(2), 1);
    expect(() => costCurveSvg([])).toThrow(/no \(iteration, cost\) points/);
  });

  it('nice ticks are 1, 2, 2.5 or 5 × 10^k apart and cover the range', () => {
    expect(niceTicks(0, 10, 6)).toEqual([0, 2, 4, 6, 8, 10]);
    // (0.97 − 0.31) / 5 = 0.132 → step 0.2, from floor(0.31 / 0.2) · 0.2 = 0.2
    expect(niceTicks(0.31, 0.97, 6)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 300, 8)).toEqual([0, 50, 100, 150, 200, 250, 300]);
  });
});

describe('confusion matrix and per-class metrics', () => {
  it('counts (actual, predicted) pairs and derives precision and recall by hand', () => {
    // actual:    1 1 1 2 2 3
    // predicted: 1 1 2 2 3 3
    const cm = confusionMatrix([1, 1, 1, 2, 2, 3], [1, 1, 2, 2, 3, 3], 3);
    expect(cm.counts).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    const m = classMetrics(cm);
    expect(m.map((c) => c.support)).toEqual([3, 2, 1]);
    expect(m.map((c) => c.recall)).toEqual([2 / 3, 1 / 2, 1]);
    expect(m.map((c) => c.precision)).toEqual([1, 1 / 2, 1 / 2]);
    expect(classMetrics(confusionMatrix([1], [1], 2))[1].precision).toBeNaN();
    expect(() => confusionMatrix([1, 4], [1, 1], 3)).toThrow(/actual\[1\] = 4/);
  });

  it('digits are shown 0..9 (label 10 = "0" first); other names keep label order', () => {
    expect(displayOrder(['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'])).toEqual([10, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(displayOrder(['cat', 'dog'])).toEqual([1, 2]);
  });
});
