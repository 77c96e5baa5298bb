import { Classifier, SEED } from '@backprop/nn';
import { trainDefaultModel } from '@backprop/server';
import { describe, expect, it } from 'vitest';
import { parseTrainSettings, trainCommand } from '../src/commands/train.js';
import { optimizerOptions } from '../src/optimizer.js';

describe('SEED: one preset for the library, the CLI and the server', () => {
  it("holds the seed's settings (ex4 as the seed runs it)", () => {
    expect(SEED).toEqual({ dataset: 'digits5000', hidden: [25], lambda: 10, method: 'tnc', optimizer: { maxfun: 300 }, initRange: 0.5, seed: 0, dtype: 'float64' });
    expect(Object.isFrozen(SEED)).toBe(true);
  });

  it('`backprop train` with no flags trains with SEED', () => {
    const cmd = trainCommand();
    // commander fills every option's default before parsing: these are the flags of a bare `backprop train`.
    const s = parseTrainSettings(cmd.opts() as Parameters<typeof parseTrainSettings>[0]);
    expect(s).toMatchObject({
      data: `builtin:${SEED.dataset}`,
      hidden: [...SEED.hidden],
      lambda: SEED.lambda,
      method: SEED.method,
      optimizer: { ...SEED.optimizer },
      initRange: SEED.initRange,
      seed: SEED.seed,
      dtype: SEED.dtype,
    });
    expect(optimizerOptions('tnc', {})).toEqual({ ...SEED.optimizer });
  });

  it("the server's first-start model is trained with SEED, as a default Classifier is", async () => {
    const stopped = new AbortController();
    stopped.abort(); // the settings are recorded before the first evaluation: no need to train to the end here
    const model = await trainDefaultModel({ signal: stopped.signal });
    expect(model.layers).toEqual([400, ...SEED.hidden, 10]);
    expect(model.training).toMatchObject({
      method: SEED.method,
      options: { ...SEED.optimizer },
      lambda: SEED.lambda,
      init: { range: SEED.initRange, seed: SEED.seed },
      dataset: { name: SEED.dataset },
      status: 'aborted',
    });
    const { dataset: _dataset, ...options } = SEED;
    expect(new Classifier().options).toEqual(options);
  });
});
