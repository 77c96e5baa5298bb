// The CLI's --method and budget flags are read from @backprop/nn's optimiser registry: which method takes which
// flag, the defaults the help shows, and what the progress bar counts.
import { optimizerMethods, SEED } from '@backprop/nn';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { methodOptions, optimizerOptions, progressPlan } from '../src/optimizer.js';

const FLAG_OPTION = { maxfun: 'maxfun', maxiter: 'maxIter', epochs: 'epochs', batchSize: 'batchSize', lr: 'learningRate' } as const;

describe('method flags from the registry', () => {
  it('a budget flag applies exactly to the methods whose registry entry has its option (and cg --maxfun)', () => {
    for (const m of optimizerMethods()) {
      for (const [flag, option] of Object.entries(FLAG_OPTION)) {
        const takes = m.options.some((o) => o.name === option) || (m.name === 'cg' && flag === 'maxfun');
        const run = () => optimizerOptions(m.name, { [flag]: 7 });
        if (takes) expect(run, `${m.name} --${flag}`).not.toThrow();
        else expect(run, `${m.name} --${flag}`).toThrow(/does not apply to --method/);
      }
    }
    expect(optimizerOptions('cg', { maxfun: 7 })).toEqual({ maxIter: -7 });
    expect(optimizerOptions('lbfgs', { maxiter: 7 })).toEqual({ maxIter: 7 });
  });

  it("the help lists every method and shows each method's default, the seed's budget for the seed's method", () => {
    const cmd = methodOptions(new Command('x'));
    const help = (flag: string): string => cmd.options.find((o) => o.long === flag)!.description;
    expect(help('--method')).toBe(`optimiser: ${optimizerMethods().map((m) => m.name).join(', ')}`);
    expect(cmd.options.find((o) => o.long === '--method')!.defaultValue).toBe(SEED.method);
    const defaultOf = (method: string, option: string) =>
      optimizerMethods().find((m) => m.name === method)!.options.find((o) => o.name === option)!.default;
    expect(help('--maxfun')).toContain(`${SEED.method} default ${SEED.optimizer.maxfun}`);
    expect(help('--maxfun')).toContain(`lbfgs default ${defaultOf('lbfgs', 'maxfun')}`);
    expect(help('--maxiter')).toContain(`cg default ${defaultOf('cg', 'maxIter')}`);
    expect(help('--epochs')).toContain(`adam, sgd; default ${defaultOf('adam', 'epochs')}`);
    expect(help('--lr')).toContain(`adam default ${defaultOf('adam', 'learningRate')}, sgd default ${defaultOf('sgd', 'learningRate')}`);
  });

  it('the progress bar counts the budget that ends the run', () => {
    expect(progressPlan('tnc', { maxfun: 300 })).toEqual({ method: 'tnc', unit: 'evaluations', total: 300 });
    expect(progressPlan('cg', {})).toEqual({ method: 'cg', unit: 'iterations', total: 100 });
    expect(progressPlan('cg', { maxIter: -40 })).toEqual({ method: 'cg', unit: 'evaluations', total: 40 });
    expect(progressPlan('lbfgs', { maxIter: 9 })).toEqual({ method: 'lbfgs', unit: 'iterations', total: 9 });
    expect(progressPlan('lbfgs', {})).toEqual({ method: 'lbfgs', unit: 'evaluations', total: undefined });
    expect(progressPlan('adam', {})).toEqual({ method: 'adam', unit: 'epochs', total: 10 });
    expect(progressPlan('sgd', { epochs: 3 })).toEqual({ method: 'sgd', unit: 'epochs', total: 3 });
  });
});
