// `backprop train` and `backprop gradcheck` refuse a network too large for the machine, for a Float64Array or for the
// work a check may do, in about a second with one line and ERR_NETWORK_TOO_LARGE — on both backends — and the
// process's peak RSS stays small (nothing large was allocated first). The first line of a training says how many
// parameters it is about to train and about how much memory that takes (a wide CSV makes a wide input layer).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, MAIN, onlyJson, tmp } from './helpers.js';

/** The CLI run with a preload that prints the process's peak RSS (bytes) on stderr at exit. */
function cliWithPeak(args: string[]): { code: number | null; stdout: string; stderr: string; ms: number; peak: number } {
  const report = 'process.on("exit",()=>process.stderr.write("\\npeak-rss "+process.resourceUsage().maxRSS*1024+"\\n"))';
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(report)}`, MAIN, ...args], {
    cwd: tmp(), encoding: 'utf8', timeout: 30_000,
  });
  const ms = Date.now() - t0;
  const peak = Number(/peak-rss (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr.replace(/\npeak-rss \d+\n/, ''), ms, peak };
}

const MiB = 2 ** 20;

beforeAll(() => ensureBuilt());

describe.each(['native', 'ts'])('--backend %s', (backend) => {
  it('train --hidden 30000,30000: refused at once, naming the layers, the parameters, the estimate and the memory', () => {
    const r = cliWithPeak(['train', '--hidden', '30000,30000', '--maxfun', '1', '--backend', backend, '--report', 'r']);
    expect(r.code).toBe(1);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(
      /^backprop: error: layers \[400, 30000, 30000, 10\]: training 912,360,010 parameters with tnc on 5,000 examples needs about [\d.]+ GiB \(.*\), more than this machine's [\d.]+ GiB of memory; use smaller hidden layers or fewer examples$/,
    );
    expect(r.ms).toBeLessThan(5000);
    expect(r.peak).toBeLessThan(400 * MiB);
  });

  it('train --hidden 100000,100000 --json: ERR_NETWORK_TOO_LARGE (not ERR_UNEXPECTED "Invalid typed array length")', () => {
    const r = cliWithPeak(['train', '--hidden', '100000,100000', '--maxfun', '1', '--backend', backend, '--json', '--report', 'r']);
    expect(r.code).toBe(1);
    const out = onlyJson(r as never);
    expect(out.error.code).toBe('ERR_NETWORK_TOO_LARGE');
    expect(out.error.message).toMatch(/10,041,200,010 parameters, more than the 4,294,967,296 a Float64Array can hold/);
    expect(r.ms).toBeLessThan(5000);
    expect(r.peak).toBeLessThan(400 * MiB);
  });

  it.each([['1000,1000,10', '1,011,010'], ['100000,10', '1,000,010'], ['100000,100000,10', '10,001,100,010']])(
    'gradcheck --layers %s: refused before the first evaluation',
    (layers, parameters) => {
      const r = cliWithPeak(['gradcheck', '--layers', layers, '--backend', backend, '--json']);
      expect(r.code).toBe(1);
      const out = onlyJson(r as never);
      expect(out.error.code).toBe('ERR_NETWORK_TOO_LARGE');
      expect(out.error.message).toContain(`${parameters} parameters need`);
      expect(out.error.message).toMatch(/use smaller layers .* or a smaller m$/);
      expect(r.ms).toBeLessThan(5000);
      expect(r.peak).toBeLessThan(400 * MiB);
    },
  );
});

describe('what a training says first', () => {
  it('a CSV with 3000 columns: the first line names the 3000-input network and its parameter count', () => {
    const dir = tmp();
    const path = join(dir, 'wide.csv');
    const header = [...Array.from({ length: 3000 }, (_, i) => `f${i}`), 'label'].join(',');
    const row = (label: string) => [...Array.from({ length: 3000 }, (_, i) => String(i % 2)), label].join(',');
    writeFileSync(path, [header, row('a'), row('b')].join('\n') + '\n');
    const r = cli(['train', '--data', path, '--hidden', '2', '--maxfun', '2', '--out', join(dir, 'm.json')]);
    expect(r.code, r.stderr).toBe(0);
    // 2·(3000 + 1) + 2·(2 + 1) = 6008 parameters
    expect(r.stderr.split('\n')[0]).toMatch(/^training 3000-2\(sigmoid\)-2\(sigmoid\) on wide\.csv \(2 examples\) .*; 6,008 parameters, about \d+ MiB of memory$/);
  });

  it('--help of gradcheck says that a check too large is refused and how to make it smaller', () => {
    const r = cli(['gradcheck', '--help']);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/is refused before it starts — use smaller --layers or --m/);
  });
});
