// A network too large for the machine, for a Float64Array or for the TS backend's arrays is refused by the one size
// check of a training (setUpTraining: train and Classifier.fit) before θ, the optimiser's vectors or a workspace
// exist — fast, with ERR_NETWORK_TOO_LARGE — on both backends; a gradient check refuses work it could not finish in
// seconds. The estimate is an upper bound of a real training's peak RSS, measured in a child process.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  backendInfo, checkTrainingSize, getBackend, Classifier, gradientCheck, loadDigits5000, NetworkSizeError, train, trainingSize,
  type BackendName, type Matrix,
} from '../src/index.js';

const backends: BackendName[] = backendInfo().nativeAvailable ? ['native', 'ts'] : ['ts'];

/** m examples of n inputs, labels 1..K in turn. */
function data(m: number, n: number, K: number): { X: Matrix; y: number[] } {
  const X: Matrix = { rows: m, cols: n, data: new Float64Array(m * n).map((_, i) => (i % 7) / 7) };
  return { X, y: Array.from({ length: m }, (_, i) => 1 + (i % K)) };
}

/** Runs `fn` and returns what it threw and how long it took; the RSS must not have grown by more than 200 MB. */
async function refusal(fn: () => unknown): Promise<{ error: unknown; ms: number }> {
  const rss = process.memoryUsage().rss;
  const t0 = Date.now();
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  const ms = Date.now() - t0;
  expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 2 ** 20);
  return { error, ms };
}

describe.each(backends)('the %s backend: a training too large is refused before anything is allocated', (backend) => {
  const { X, y } = data(20, 400, 10);

  it('30000,30000 hidden units (912 million parameters, hundreds of GiB): the machine’s memory, named', async () => {
    const { error, ms } = await refusal(() => train({ hidden: [30000, 30000] }, { X, y }, { backend, optimizer: { maxfun: 1 } }));
    expect(error).toBeInstanceOf(NetworkSizeError);
    expect((error as NetworkSizeError).code).toBe('ERR_NETWORK_TOO_LARGE');
    expect((error as Error).message).toMatch(
      /^layers \[400, 30000, 30000, 10\]: training 912,360,010 parameters with tnc on 20 examples needs about [\d.]+ GiB .*more than this machine's [\d.]+ GiB of memory; use smaller hidden layers/,
    );
    expect(ms).toBeLessThan(3000);
  });

  it('100000,100000 hidden units: more parameters than a Float64Array holds (2^32)', async () => {
    const { error, ms } = await refusal(() => train({ hidden: [100000, 100000] }, { X, y }, { backend }));
    expect((error as NetworkSizeError).code).toBe('ERR_NETWORK_TOO_LARGE');
    expect((error as Error).message).toMatch(/10,041,200,010 parameters, more than the 4,294,967,296 a Float64Array can hold/);
    expect(ms).toBeLessThan(3000);
  });

  it('Classifier.fit goes through the same check', async () => {
    const clf = new Classifier({ hidden: [30000, 30000], backend });
    const { error, ms } = await refusal(() => clf.fit(X, y));
    expect((error as NetworkSizeError).code).toBe('ERR_NETWORK_TOO_LARGE');
    expect(ms).toBeLessThan(3000);
  });
});

describe('the limits themselves', () => {
  it('the TS backend refuses a layer whose weights pass V8’s largest array of doubles (it aborts the process)', () => {
    // 12000 × 12000 = 1.44·10⁸ weights > 112,813,858; with 1 example it fits a large machine's memory
    expect(() => checkTrainingSize({ layers: [12000, 12000, 2], m: 1, method: 'adam', backend: 'ts' }, 2 ** 50))
      .toThrow(/layer 1's 12,000 × 12,000 weights are more than the 112,813,858 the TS backend's float64 arrays can hold/);
    // native holds them (the model text is what stops that network there)
    expect(() => checkTrainingSize({ layers: [12000, 12000, 2], m: 1, method: 'adam', backend: 'native' }, 2 ** 50))
      .toThrow(/a model file's JSON text can hold/);
  });

  it('the TS backend refuses m × width activations past that array (its prediction keeps one per layer)', () => {
    // MNIST's 60000 examples through 2000 hidden units: 1.2·10⁸ activations, while θ has only 24,002 parameters
    expect(() => checkTrainingSize({ layers: [10, 2000, 2], m: 60000, method: 'adam', backend: 'ts' }, 2 ** 50))
      .toThrow(/layer 1's 2,000 units × 60,000 examples are more activations than the 112,813,858/);
    expect(() => checkTrainingSize({ layers: [10, 2000, 2], m: 60000, method: 'adam', backend: 'native' }, 2 ** 50)).not.toThrow();
    expect(() => checkTrainingSize({ layers: [10, 2000, 2], m: 60000, method: 'adam', backend: 'ts', dtype: 'float32' }, 2 ** 50)).not.toThrow();
  });

  it('a model whose JSON text cannot be a JavaScript string is refused (30 million parameters)', () => {
    expect(() => checkTrainingSize({ layers: [3_000_000, 10, 2], m: 2, method: 'adam', backend: 'native' }, 2 ** 50))
      .toThrow(/30,000,032 parameters, more than the 28,256,362 a model file's JSON text can hold/);
  });

  it('the estimate grows with the optimiser’s state: lbfgs with 50 pairs needs more than with 5', () => {
    const at = (m: number) => trainingSize({ layers: [400, 100, 10], m: 100, method: 'lbfgs', optimizer: { m }, backend: 'native' });
    expect(at(50).vectors - at(5).vectors).toBe(2 * 45 * 8 * at(5).parameters);
  });

  it('a memory that the estimate passes is refused with the parts named', () => {
    expect(() => checkTrainingSize({ layers: [400, 2000, 10], m: 5000, method: 'tnc', backend: 'native' }, 2 ** 29))
      .toThrow(/θ, gradient and optimiser \d+ MiB, activations and deltas \d+ MiB, data \d+ MiB, model text \d+ MiB\), more than this machine's 512 MiB of memory/);
  });
});

describe('gradient check: bounded before it starts', () => {
  it.each(backends)('1000,1000,10 (a million parameters, 2 million evaluations) is refused at once (%s)', (backend) => {
    const t0 = Date.now();
    expect(() => gradientCheck({ layers: [1000, 1000, 10], backend })).toThrow(
      /^gradient check of layers \[1000, 1000, 10\]: 1,011,010 parameters need 2,022,020 cost evaluations over m = 5 examples .*use smaller layers/,
    );
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('100000,100000,10 is refused before a θ of 10^10 doubles is asked for', () => {
    let error: unknown;
    try {
      gradientCheck({ layers: [100000, 100000, 10] });
    } catch (e) {
      error = e;
    }
    expect((error as NetworkSizeError).code).toBe('ERR_NETWORK_TOO_LARGE');
  });

  it('the default check and a 30-30-10 one still run', () => {
    expect(gradientCheck().relativeDifference).toBeLessThan(1e-9);
    expect(gradientCheck({ layers: [30, 30, 10] }).numeric.length).toBe(30 * 31 + 10 * 31);
  });
});

describe('the estimate is an upper bound of a real training', () => {
  // A child process trains 400-300-10 on digits5000 and reports its peak RSS (the whole process: Node, the addon,
  // the data set, the training, the model's JSON).
  const script = (backend: string, method: string) => `
    import { loadDigits5000, train, modelToJson } from ${JSON.stringify(fileURLToPath(new URL('../dist/index.js', import.meta.url)))};
    const ds = loadDigits5000();
    const { model } = await train({ hidden: [300] }, ds, { backend: '${backend}', method: '${method}', optimizer: ${method === 'adam' ? '{ epochs: 1 }' : '{ maxfun: 4 }'} });
    modelToJson(model);
    process.stdout.write(String(process.resourceUsage().maxRSS * 1024));`;

  it.each(backends.flatMap((b) => ['tnc', 'lbfgs', 'adam'].map((m) => [b, m])))('%s, %s', (backend, method) => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script(backend, method)], { encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const measured = Number(r.stdout);
    const ds = loadDigits5000();
    const estimate = trainingSize({
      layers: [400, 300, 10], m: ds.X.rows, method, optimizer: method === 'adam' ? { epochs: 1 } : { maxfun: 4 }, backend: backend as BackendName,
      threads: getBackend(backend as BackendName).getThreads(),
    }).bytes;
    expect(estimate).toBeGreaterThanOrEqual(measured);
    expect(estimate).toBeLessThan(4 * measured);
  }, 130_000);
});
