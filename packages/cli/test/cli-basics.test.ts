import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, oneLineError, onlyJson, writeCsv } from './helpers.js';

beforeAll(() => ensureBuilt());

const COMMANDS = ['train', 'evaluate', 'predict', 'cost', 'gradcheck', 'visualize', 'show-data', 'sweep', 'export', 'bench', 'serve'];

describe('backprop: help and usage', () => {
  it('--help lists every command; each command’s --help shows its options, defaults and an example', () => {
    const top = cli(['--help']);
    expect(top.code).toBe(0);
    for (const c of [...COMMANDS, 'data']) expect(top.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
    for (const c of COMMANDS) {
      const r = cli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toContain(`Usage: backprop ${c}`);
      expect(r.stdout, c).toContain('--json');
      expect(r.stdout, c).toContain('Examples:');
    }
    const train = cli(['train', '--help']).stdout;
    for (const d of ['builtin:digits5000', '25', '10', 'tnc', '0.5']) expect(train).toMatch(new RegExp(`\\(default:\\s+"${d}"\\)`));
    for (const sub of ['export', 'info']) expect(cli(['data', sub, '--help']).code).toBe(0);
  });

  it('--version prints the version', () => {
    const r = cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('unknown commands and options: exit 2 with one line (and a suggestion), no stack', () => {
    const a = cli(['frobnicate']);
    expect(a.code).toBe(2);
    expect(oneLineError(a)).toContain("unknown command 'frobnicate'");
    const b = cli(['train', '--lamda', '3']);
    expect(b.code).toBe(2);
    expect(oneLineError(b)).toMatch(/unknown option '--lamda'.*--lambda/);
    const c = cli(['evaluate']);
    expect(c.code).toBe(2);
    expect(oneLineError(c)).toContain("required option '--model <file>' not specified");
  });

  it('bad values name the option, the expectation and what was given', () => {
    const cases: [string[], RegExp][] = [
      [['train', '--lambda', '-1'], /--lambda: expected a number >= 0, got "-1"/],
      [['train', '--lambda', 'ten'], /--lambda: expected a number >= 0, got "ten"/],
      [['train', '--hidden', '25,x'], /--hidden: expected layer sizes as integers from 1 to 1000000/],
      [['train', '--hidden', '0'], /--hidden: expected layer sizes as integers from 1 to 1000000 .* got "0"/],
      [['train', '--method', 'newton'], /--method: expected one of tnc, cg, lbfgs, adam, sgd, got "newton"/],
      [['train', '--maxfun', '0'], /--maxfun: expected an integer from 1 to 10000000, got "0"/],
      [['train', '--maxiter', '5'], /--maxiter does not apply to --method tnc/],
      [['train', '--method', 'adam', '--maxfun', '5'], /--maxfun does not apply to --method adam/],
      [['train', '--validation', '0.6', '--test', '0.5'], /--validation: expected a number >= 0 and <= 0.9|--validation \+ --test must be below 1/],
      [['train', '--backend', 'gpu'], /--backend: expected one of auto, native, ts, got "gpu"/],
      [['train', '--data', 'builtin:cifar'], /unknown built-in data set "cifar"/],
      [['train', '--data', 'missing.csv'], /--data: no such file "missing.csv"/],
      [['gradcheck', '--lambda', '-2'], /--lambda: expected a number >= 0/],
      [['predict', '--model', 'm.json', '--image', 'a.png', '--rows', '0:3'], /--model m\.json: no such file or directory|either --image or --data/],
    ];
    for (const [args, pattern] of cases) {
      const r = cli(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(oneLineError(r), args.join(' ')).toMatch(pattern);
      expect(r.stdout, args.join(' ')).toBe('');
    }
  });

  it('--json failures print one error object on stdout as well as the line on stderr', () => {
    const r = cli(['train', '--lambda', '-1', '--json']);
    expect(r.code).toBe(2);
    expect(onlyJson(r)).toEqual({ status: 'error', error: { code: 'ERR_USAGE', message: '--lambda: expected a number >= 0, got "-1"' } });
    oneLineError(r);
  });

  it('a wrong-shaped CSV is refused (bad input: exit 2) with its row number; --verbose adds the stack', () => {
    const path = writeCsv([[1, 2, 3], [4, 5]], [1, 2]);
    const r = cli(['train', '--data', path, '--hidden', '2']);
    expect(r.code).toBe(2);
    expect(oneLineError(r)).toMatch(/row 2/);
    const v = cli(['train', '--data', path, '--hidden', '2', '--verbose']);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/^\s+at /m);
  });

  it('--backend native when the addon cannot load: one clear line, exit 1', () => {
    const r = cli(['train', '--backend', 'native'], { env: { BACKPROP_NATIVE_PATH: '/nonexistent/backprop_native.node' } });
    expect(r.code).toBe(1);
    expect(oneLineError(r)).toMatch(/native backend unavailable: .*does not exist/);
  });
});
