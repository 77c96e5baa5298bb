// A small seeded generator for the fuzzer (mulberry32), independent of the library under test so that a bug in
// the library's Rng cannot change which inputs are tried. Case i of seed s always gets the same stream.

/** 32-bit mix of two integers (for per-case seeds). */
export function mix(a, b) {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

export class FuzzRng {
  /** @param {number} seed */
  constructor(seed) {
    this.s = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  u32() {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next() {
    return this.u32() / 4294967296;
  }

  /** Integer in [0, n) (n ≥ 1). */
  int(n) {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  between(lo, hi) {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability p. */
  chance(p) {
    return this.next() < p;
  }

  /** A random element. */
  pick(list) {
    return list[this.int(list.length)];
  }

  /** A random element, weights[i] proportional to the chance of list[i]. */
  weighted(list, weights) {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < list.length; i++) {
      r -= weights[i];
      if (r < 0) return list[i];
    }
    return list[list.length - 1];
  }
}

/** The generator of case `index` under run seed `seed`: any case can be replayed alone. */
export function caseRng(seed, index) {
  return new FuzzRng(mix(seed >>> 0, index >>> 0));
}
