// packages/server/README.md's table of server settings says, for each, its option of
// `node packages/server/dist/main.js`, its environment variable, and what `backprop serve` takes: the option, or
// "the variable only". Checked against both --help texts, so the README cannot again list options that
// `backprop serve` does not have.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { USAGE } from '@backprop/server';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt } from './helpers.js';

beforeAll(() => ensureBuilt());

const readme = readFileSync(join(import.meta.dirname, '../../server/README.md'), 'utf8');
const rows = readme
  .split('\n')
  .filter((l) => /^\| (`--[a-z-]+`|—) \| `BACKPROP_/.test(l))
  .map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));

describe('the server settings table of packages/server/README.md', () => {
  it('lists every option of the server, each with the variable its --help names', () => {
    const options = [...USAGE.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]);
    expect(rows.map((r) => r[0].replaceAll('`', '')).filter((o) => o !== '—').sort()).toEqual(options.sort());
    for (const [option, variables] of rows) {
      if (option === '—') continue;
      const line = USAGE.slice(USAGE.indexOf(`  ${option.replaceAll('`', '')} `)).split('\n  --')[0];
      for (const v of variables.match(/BACKPROP_[A-Z_]+/g)!) expect(line, option).toContain(`[${v}`);
    }
  });

  it('says truly which ones `backprop serve` takes as options, and which only as variables', () => {
    const help = cli(['serve', '--help']).stdout;
    const flags = new Set([...help.matchAll(/^ {2}(--[a-z-]+)/gm)].map((m) => m[1]));
    for (const [option, variables, , serve] of rows) {
      const flag = option.replaceAll('`', '');
      if (serve.startsWith('the variable')) {
        expect(flags.has(flag), flag).toBe(false);
        for (const v of variables.match(/BACKPROP_[A-Z_]+/g)!) expect(help.replace(/\s+/g, ' '), v).toContain(v);
      } else {
        expect(flags.has(flag), flag).toBe(true);
      }
    }
  });
});
