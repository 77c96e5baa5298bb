// A gzip IDX file is inflated no further than its own header declares: a small bomb (a header declaring 100 bytes,
// then 64 MiB of zeros, ~64 KiB compressed) is refused as soon as the stream passes the declared size, instead of
// being inflated whole (a new user's 3 MB bomb peaked at 1.1 GB of memory while its header declared 47 MB).
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFormatError, readIdx } from '../src/index.js';

const header = (dims: number[], type = 0x08) => {
  const h = new Uint8Array(4 + 4 * dims.length);
  h.set([0, 0, type, dims.length]);
  const view = new DataView(h.buffer);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return h;
};
const fail = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as DataFormatError;
  }
  throw new Error('expected an error');
};

describe('readIdx: gzip inflated no further than the header declares', () => {
  it('a header declaring 100 bytes followed by 64 MiB of zeros: ERR_IDX_SIZE naming the declared size', () => {
    const body = new Uint8Array(12 + 64 * 2 ** 20);
    body.set(header([10, 10]));
    const bomb = new Uint8Array(gzipSync(body));
    expect(bomb.length).toBeLessThan(256 * 1024);
    const e = fail(() => readIdx(bomb));
    expect([e.code, e.message]).toEqual(['ERR_IDX_SIZE', 'gzip content inflates to more than the 112 bytes its IDX header declares']);
  });

  it('a header declaring more than maxBytes is refused before inflating; an honest file is read whole', () => {
    const big = new Uint8Array(gzipSync(header([1000, 1000, 1000], 0x0e)));
    expect(fail(() => readIdx(big)).message).toBe('gzip content inflates to more than maxBytes = 1073741824');
    const values = Uint8Array.from({ length: 6000 }, (_, i) => (i * 7) % 251);
    const honest = new Uint8Array(12 + values.length);
    honest.set(header([60, 100]));
    honest.set(values, 12);
    const read = readIdx(new Uint8Array(gzipSync(honest)));
    expect([read.dims, Array.from(read.data.subarray(0, 5))]).toEqual([[60, 100], [0, 7, 14, 21, 28]]);
  });
});
