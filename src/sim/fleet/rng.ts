// Seeded random numbers for the fleet simulation: a small 32-bit generator (sfc32, seeded through
// splitmix32) and exact binomial / multinomial draws on top of it.
//
// Binomial sampler (documented choice, see docs/fleet.md):
// - small means (n * min(p, 1-p) < 30): inversion — walk the probability mass function from 0
//   with the recurrence P(k+1) = P(k) * (n-k)/(k+1) * p/(1-p). Expected cost O(n p).
// - large means: Knuth's beta splitting (TAOCP vol. 2, 3.4.1, exercise on binomial deviates):
//   the a-th smallest of n uniforms is Beta(a, n+1-a); comparing it with p halves the problem and
//   leaves another binomial with a rescaled p. About log2(n p / 30) steps of two gamma draws
//   (Marsaglia-Tsang) each, then inversion. Unlike a normal approximation this is exact in
//   distribution (up to floating-point rounding), so tiny cohorts and huge ones follow the same
//   law and counts stay integers.

/** splitmix32 step, used only to spread a seed over the generator state. */
function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), 128-bit state, 32-bit output. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    const st = { s: (Math.floor(seed) >>> 0) ^ 0x5eed1e55 };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = 1;
    for (let i = 0; i < 16; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in (0, 1]. */
  uniformPos(): number {
    return 1 - this.uniform();
  }

  /** Standard normal (Marsaglia polar method, one spare kept). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * m;
        return u * m;
      }
    }
  }

  /** Gamma(shape, 1) for shape >= 1 (Marsaglia-Tsang 2000). */
  gamma(shape: number): number {
    if (shape < 1) {
      // Not needed by the binomial splitter (shapes are >= 1), kept for completeness.
      return this.gamma(shape + 1) * Math.pow(this.uniformPos(), 1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniformPos();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x / (x + y);
  }

  /** Exact Binomial(n, p) draw for integer n >= 0. */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    let acc = 0; // successes already fixed
    let sign = 1; // +1: count successes, -1: count failures (symmetry flip)
    let base = 0; // value that the remaining draw is added to / subtracted from
    // Iterative form of: bin(n,p) = p>0.5 ? n - bin(n,1-p) : split or invert.
    for (;;) {
      if (n <= 0 || p <= 0) return base + sign * acc;
      if (p >= 1) return base + sign * (acc + n);
      if (p > 0.5) {
        // remaining successes = n - Bin(n, 1-p)
        base = base + sign * (acc + n);
        sign = -sign;
        acc = 0;
        p = 1 - p;
      }
      if (n * p < 30) return base + sign * (acc + this.binomialInversion(n, p));
      const a = 1 + Math.floor(n / 2);
      const b = n + 1 - a;
      const x = this.beta(a, b);
      if (x >= p) {
        n = a - 1;
        p = p / x;
      } else {
        acc += a;
        n = b - 1;
        p = (p - x) / (1 - x);
      }
    }
  }

  /** Inversion for small n*p (p <= 0.5). */
  private binomialInversion(n: number, p: number): number {
    const q = 1 - p;
    const s = p / q;
    const a = (n + 1) * s;
    const r0 = Math.exp(n * Math.log1p(-p));
    for (;;) {
      let r = r0;
      let u = this.uniform();
      let x = 0;
      while (u > r) {
        u -= r;
        x++;
        if (x > n) break;
        r *= a / x - s;
        if (r <= 0) break;
      }
      if (x <= n && u <= r) return x;
      // Rounding left a sliver of mass unassigned: draw again (vanishingly rare).
    }
  }

  /** Split n over categories with the given probabilities (sum to 1), exactly, via chained binomials. */
  multinomial(n: number, probs: readonly number[]): number[] {
    const out = new Array<number>(probs.length).fill(0);
    let left = n;
    let mass = 1;
    for (let i = 0; i < probs.length; i++) {
      if (left <= 0) break;
      if (i === probs.length - 1) {
        out[i] = left;
        left = 0;
        break;
      }
      const pi = probs[i]!;
      const k = mass <= 0 ? 0 : this.binomial(left, Math.min(1, pi / mass));
      out[i] = k;
      left -= k;
      mass -= pi;
    }
    return out;
  }
}
