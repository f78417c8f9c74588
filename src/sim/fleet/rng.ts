// Seeded random numbers for the fleet simulation: a small 32-bit generator (sfc32, seeded through
// splitmix32) and exact binomial / multinomial draws on top of it.
//
// Binomial sampler (documented choice, see docs/fleet.md):
// - small means (n * min(p, 1-p) < 30): inversion — walk the probability mass function from 0
//   with the recurrence P(k+1) = P(k) * (n-k)/(k+1) * p/(1-p). Expected cost O(n p).
// - large means: BTRD (Hörmann 1993), transformed rejection with decomposition: constant
//   expected cost, about 1.2 uniforms per draw, and exact (the final test compares with the true
//   probability through Stirling's series). Unlike a normal approximation it is exact in
//   distribution (up to floating-point rounding), so tiny cohorts and huge ones follow the same
//   law and counts stay integers without clamping.
// - p > 1/2 by symmetry. Knuth's beta splitting (TAOCP vol. 2, 3.4.1) is kept as an independent
//   exact sampler that the tests compare BTRD with.

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
    if (p > 0.5) return n - this.binomial(n, 1 - p);
    if (n * p < 30) return this.binomialInversion(n, p);
    return this.binomialBtrd(n, p);
  }

  /**
   * Knuth's beta splitting (TAOCP vol. 2, 3.4.1): exact, about log2(np/30) rounds of two gamma
   * draws. Kept as an independent reference for the tests of the BTRD sampler.
   */
  binomialBetaSplit(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0;
    if (p >= 1) return n;
    if (p > 0.5) return n - this.binomialBetaSplit(n, 1 - p);
    let acc = 0;
    for (;;) {
      if (n <= 0 || p <= 0) return acc;
      if (p > 0.5) return acc + n - this.binomialBetaSplit(n, 1 - p);
      if (n * p < 30) return acc + this.binomialInversion(n, p);
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

  /**
   * BTRD (Hörmann 1993, "The generation of binomial random variates", J. Statist. Comput. Simul.
   * 46): transformed rejection with a squeeze and an exact final acceptance test based on
   * Stirling's series. Exact; for p <= 0.5 and n*p >= 10. About 1.2 uniforms per draw.
   */
  private binomialBtrd(n: number, p: number): number {
    const q = 1 - p;
    const m = Math.floor((n + 1) * p);
    const r = p / q;
    const nr = (n + 1) * r;
    const npq = n * p * q;
    const sqrtNpq = Math.sqrt(npq);
    const b = 1.15 + 2.53 * sqrtNpq;
    const a = -0.0873 + 0.0248 * b + 0.01 * p;
    const c = n * p + 0.5;
    const alpha = (2.83 + 5.1 / b) * sqrtNpq;
    const vr = 0.92 - 4.2 / b;
    const urvr = 0.86 * vr;
    for (;;) {
      let v = this.uniform();
      let u: number;
      if (v <= urvr) {
        u = v / vr - 0.43;
        return Math.floor(((2 * a) / (0.5 - Math.abs(u)) + b) * u + c);
      }
      if (v >= vr) {
        u = this.uniform() - 0.5;
      } else {
        u = v / vr - 0.93;
        u = (u < 0 ? -0.5 : 0.5) - u;
        v = this.uniform() * vr;
      }
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + c);
      if (k < 0 || k > n) continue;
      v = (v * alpha) / (a / (us * us) + b);
      const km = Math.abs(k - m);
      if (km <= 15) {
        // recursive evaluation of f(k) / f(m)
        let f = 1;
        if (m < k) {
          for (let i = m + 1; i <= k; i++) f *= nr / i - r;
        } else if (m > k) {
          for (let i = k + 1; i <= m; i++) v *= nr / i - r;
        }
        if (v <= f) return k;
        continue;
      }
      // squeeze on log scale
      const lv = Math.log(v);
      const rho = (km / npq) * (((km / 3 + 0.625) * km + 1 / 6) * (km / npq) + 0.5);
      const t = (-km * km) / (2 * npq);
      if (lv < t - rho) return k;
      if (lv > t + rho) continue;
      // final acceptance / rejection
      const nm = n - m + 1;
      const h = (m + 0.5) * Math.log((m + 1) / (r * nm)) + stirlingTail(m) + stirlingTail(n - m);
      const nk = n - k + 1;
      if (lv <= h + (n + 1) * Math.log(nm / nk) + (k + 0.5) * Math.log((nk * r) / (k + 1)) - stirlingTail(k) - stirlingTail(n - k)) {
        return k;
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

/** Tail of Stirling's series: log(k!) - [(k + 1/2) log(k + 1) - (k + 1) + log(2 pi) / 2]. */
const STIRLING_TAIL_TABLE = [
  0.08106146679532726, 0.04134069595540929, 0.02767792568499834, 0.02079067210376509, 0.01664469118982119,
  0.01387612882307075, 0.01189670994589177, 0.01041126526197209, 0.009255462182712733, 0.008330563433362871,
];

function stirlingTail(k: number): number {
  if (k <= 9) return STIRLING_TAIL_TABLE[k]!;
  const kp1 = k + 1;
  const kp1sq = kp1 * kp1;
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / kp1;
}
