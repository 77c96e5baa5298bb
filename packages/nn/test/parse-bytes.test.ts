// parseBytes: the one reader of sizes as people write them, for the server's --body-limit / --max-body-in-flight
// ('16mb', as express.json reads it) and a worker's --memory ('8GiB'). Powers of 1024, any case.
import { describe, expect, it } from 'vitest';
import { parseBytes } from '../src/size.js';

describe('parseBytes', () => {
  it('reads counts and binary units in both spellings', () => {
    expect(parseBytes('1073741824')).toBe(1024 * 1024 * 1024);
    expect(parseBytes('16mb')).toBe(16 * 1024 * 1024);
    expect(parseBytes('256KB')).toBe(256 * 1024);
    expect(parseBytes('8GiB')).toBe(8 * 1024 ** 3);
    expect(parseBytes(' 512 MiB ')).toBe(512 * 1024 ** 2);
    expect(parseBytes('1.5g')).toBe(1.5 * 1024 ** 3);
    expect(parseBytes('2t')).toBe(2 * 1024 ** 4);
  });

  it('anything else is undefined: no number, another unit, below one byte, past 2^53', () => {
    for (const bad of ['', 'lots', 'mb', '-1mb', '0', '0.5b', '16 megabytes', '1e3', '9000000tb']) expect(parseBytes(bad), bad).toBeUndefined();
  });
});
