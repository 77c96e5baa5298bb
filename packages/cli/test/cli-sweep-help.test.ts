// `backprop sweep --help`: every grid axis (--lambda, --hidden, --activation, --dtype) takes a comma list, and its
// help line says so the same way (`<list>`, "…, comma-separated"); `train`'s --dtype, one value, does not.
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from './helpers.js';

beforeAll(() => ensureBuilt());

/** Each option's line of `--help`, its wrapped continuation joined on: "--dtype <list>" → "dtype choices, …". */
function optionHelp(stdout: string): Map<string, string> {
  const options = new Map<string, string>();
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    const start = /^ {2}(--[\w-]+(?: <[^>]+>)?)\s+(.*)$/.exec(line);
    if (start) {
      current = start[1];
      options.set(current, start[2]);
    } else if (current && /^ {10,}\S/.test(line)) {
      options.set(current, `${options.get(current)} ${line.trim()}`);
    } else {
      current = undefined;
    }
  }
  return options;
}

describe('sweep --help names every grid axis a comma list', () => {
  it('--lambda, --hidden, --activation and --dtype: <list>, "comma-separated"', () => {
    const r = cli(['sweep', '--help']);
    expect(r.code, r.stderr).toBe(0);
    const help = optionHelp(r.stdout);
    for (const axis of ['--lambda', '--hidden', '--activation', '--dtype']) {
      const line = help.get(`${axis} <list>`);
      expect(line, `${axis} <list> in:\n${r.stdout}`).toBeDefined();
      expect(line).toMatch(/^[^,;(]+ (values|choices), comma-separated[:;( ]/);
    }
    expect(help.get('--dtype <list>')).toMatch(/float64 \(the seed’s\), float32 \(float32 compute, float64 optimiser state\)/);
    expect(help.get('--activation <list>')).toMatch(/sigmoid, tanh, relu, leaky_relu; .*joined by \+ \(relu\+tanh\)/);
  });

  it('train’s --dtype is one value and says nothing of a list', () => {
    const help = optionHelp(cli(['train', '--help']).stdout);
    expect(help.get('--dtype <type>')).toMatch(/^what the network computes in: float64 \(the seed’s\) or float32/);
  });
});
