// 64-bit arithmetic on lo/hi int32 register halves, without BigInt and without allocation.
//
// Registers live in one Int32Array `R` (the interpreter's `W`, see words.ts): low halves at
// R[0..15], high halves at R[16..31]. Every helper here reads the destination register `d` as its
// left operand and writes the result back into R[d] (low) and R[d + 16] (high). The right operand
// is passed as two int32 halves. All results are exact for every input (checked against a BigInt
// reference in test/vm-arith.test.ts).

const TWO_POW_32 = 4294967296;
const TWO_POW_M32 = 1 / TWO_POW_32;

/** High 32 bits of the unsigned 32x32 -> 64 product (Hacker's Delight mulhu, 16-bit limbs). */
export function mulHighU32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = Math.imul(a0, b0) >>> 0;
  // Each partial sum stays below 2^32, so it is exact as an unsigned 32-bit value.
  const mid = (Math.imul(a1, b0) >>> 0) + (p00 >>> 16);
  const mid2 = (Math.imul(a0, b1) >>> 0) + (mid & 0xffff);
  return (Math.imul(a1, b1) + (mid >>> 16) + (mid2 >>> 16)) | 0;
}

/** dst *= b (mod 2^64). */
export function mul64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  const aLo = R[d]!;
  const aHi = R[d + 16]!;
  R[d] = Math.imul(aLo, bLo);
  R[d + 16] = (mulHighU32(aLo, bLo) + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) | 0;
}

// ---- Division ------------------------------------------------------------------------------
//
// `divmod64` does all four 64-bit operations. The interpreter runs a copy of its body written out
// in the hot loop (interpreter.ts explains why); keep the two identical. It works on doubles that
// hold exact integers, needs one floating-point division for almost every operand pair (two when
// the quotient is 2^51 or more) and never allocates:
//
//  * a and b below 2^32: one uint32 division (which V8 compiles to an integer division).
//  * b < 2^30 and a / b < 2^51: q = floor(fl(a) / b) is off by at most one (a and the quotient
//    are each rounded once: relative error < 2^-52, times a quotient below 2^51 is below 1/2).
//    So r = a - q * b lies in [-b, 2b), inside the int32 range: its low 32 bits, which Math.imul
//    gives exactly, are all of it. One comparison with b corrects q and r.
//  * b < 2^51 otherwise: the same estimate, and r = a - q * b is found exactly from two inexact
//    pieces: its low 32 bits (exact) and the double ra = fl(a) - fl(q * b), which is within 2^12
//    of r. So r = ra + ToInt32(rLow32 - ra) (|r - ra| < 2^31 and |r| < 2^52 keep every step
//    exact). When a / b >= 2^51 (then b < 2^13) the high word is divided first, exactly, and the
//    rest (aH - qh * b) * 2^32 + aL has a quotient below 2^32.
//  * b >= 2^51: the quotient is below 2^13, so q * bLo and q * bHi are exact doubles: subtract
//    word-wise, normalise the borrow, correct once.
//
// Signed forms divide magnitudes and negate. INT64_MIN / -1 needs no special case: |INT64_MIN| =
// 2^63 as an unsigned value, 2^63 / 1 negated wraps back to INT64_MIN, and 2^63 % 1 = 0.

/**
 * R[d] (low) and R[d + 16] (high) op= (bHi:bLo): unsigned or signed (truncating) division, or
 * modulo (the remainder takes the dividend's sign, as in C). Division by zero gives 0; modulo by
 * zero leaves the destination unchanged.
 */
export function divmod64(R: Int32Array, d: number, bLo: number, bHi: number, signed: boolean, isMod: boolean): void {
  let aLo = R[d]!;
  let aHi = R[d + 16]!;
  bLo |= 0;
  bHi |= 0;
  // neg: negate the result (bit 0: the quotient, bit 1: the remainder).
  let neg = 0;
  if (signed) {
    if (aHi < 0) {
      aHi = (~aHi + (aLo === 0 ? 1 : 0)) | 0;
      aLo = -aLo | 0;
      neg = 3;
    }
    if (bHi < 0) {
      bHi = (~bHi + (bLo === 0 ? 1 : 0)) | 0;
      bLo = -bLo | 0;
      neg ^= 1;
    }
  }
  const aL = aLo >>> 0;
  const bL = bLo >>> 0;
  let lo: number;
  let hi: number;
  if ((aHi | bHi) === 0) {
    // Both below 2^32 (a zero divisor gives q = 0, r = a).
    const q = (aL / bL) >>> 0;
    if (isMod) {
      lo = (aLo - Math.imul(q, bLo)) | 0;
      neg >>= 1;
    } else {
      lo = q | 0;
    }
    hi = 0;
  } else {
    const aH = aHi >>> 0;
    if (bHi === 0 && bL < 0x40000000 && aH < bL * 524288) {
      // b < 2^30 and a / b < 2^51.
      let q = Math.floor((aH * TWO_POW_32 + aL) / bL);
      let r = (aLo - Math.imul(q, bLo)) | 0;
      if (r < 0) {
        q -= 1;
        r += bL;
      } else if (r >= bL) {
        q += 1;
        r -= bL;
      }
      if (isMod) {
        lo = r | 0;
        hi = 0;
        neg >>= 1;
      } else {
        lo = q | 0;
        hi = (q * TWO_POW_M32) | 0;
      }
    } else {
      const bH = bHi >>> 0;
      let q = 0;
      let qh = 0;
      let r = 0;
      let rh = 0;
      if (bH < 0x80000) {
        const b = bH * TWO_POW_32 + bL;
        if (b === 0) {
          r = aL;
          rh = aH;
        } else {
          let ah = aH;
          if (ah >= b * 524288) {
            // a / b >= 2^51 (b < 2^13): the high word first.
            qh = Math.floor(ah / b);
            ah -= qh * b;
          }
          const a = ah * TWO_POW_32 + aL;
          q = Math.floor(a / b);
          const ra = a - q * b;
          r = ra + ((((aLo - Math.imul(q, bLo)) | 0) - ra) | 0);
          if (r < 0) {
            r += b;
            q -= 1;
          } else if (r >= b) {
            r -= b;
            q += 1;
          }
          rh = Math.floor(r * TWO_POW_M32);
          r -= rh * TWO_POW_32;
          const h = Math.floor(q * TWO_POW_M32);
          qh += h;
          q -= h * TWO_POW_32;
        }
      } else {
        // b >= 2^51: q < 2^13, so every product here is exact.
        q = Math.floor((aH * TWO_POW_32 + aL) / (bH * TWO_POW_32 + bL));
        r = aL - q * bL;
        rh = aH - q * bH;
        const c = Math.floor(r * TWO_POW_M32);
        r -= c * TWO_POW_32;
        rh += c;
        if (rh < 0) {
          q -= 1;
          r += bL;
          rh += bH;
          if (r >= TWO_POW_32) {
            r -= TWO_POW_32;
            rh += 1;
          }
        } else if (rh > bH || (rh === bH && r >= bL)) {
          q += 1;
          r -= bL;
          rh -= bH;
          if (r < 0) {
            r += TWO_POW_32;
            rh -= 1;
          }
        }
      }
      if (isMod) {
        lo = r | 0;
        hi = rh | 0;
        neg >>= 1;
      } else {
        lo = q | 0;
        hi = qh | 0;
      }
    }
  }
  if ((neg & 1) !== 0) {
    hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
    lo = -lo | 0;
  }
  R[d] = lo;
  R[d + 16] = hi;
}

/** dst = dst / b, unsigned; division by zero gives 0. */
export function udiv64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  divmod64(R, d, bLo, bHi, false, false);
}

/** dst = dst % b, unsigned; modulo by zero leaves dst unchanged. */
export function umod64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  divmod64(R, d, bLo, bHi, false, true);
}

/** dst = dst s/ b (truncating); division by zero gives 0. */
export function sdiv64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  divmod64(R, d, bLo, bHi, true, false);
}

/** dst = dst s% b (sign follows the dividend, as C); modulo by zero leaves dst unchanged. */
export function smod64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  divmod64(R, d, bLo, bHi, true, true);
}

/** dst <<= n (n already masked to 0..63). */
export function lsh64(R: Int32Array, d: number, n: number): void {
  if (n === 0) return;
  const l = R[d]!;
  if (n < 32) {
    R[d + 16] = (R[d + 16]! << n) | (l >>> (32 - n));
    R[d] = l << n;
  } else {
    R[d + 16] = l << (n - 32);
    R[d] = 0;
  }
}

/** dst >>= n, logical (n already masked to 0..63). */
export function rsh64(R: Int32Array, d: number, n: number): void {
  if (n === 0) return;
  const h = R[d + 16]!;
  if (n < 32) {
    R[d] = (R[d]! >>> n) | (h << (32 - n));
    R[d + 16] = h >>> n;
  } else {
    R[d] = h >>> (n - 32);
    R[d + 16] = 0;
  }
}

/** dst s>>= n, arithmetic (n already masked to 0..63). */
export function arsh64(R: Int32Array, d: number, n: number): void {
  if (n === 0) return;
  const h = R[d + 16]!;
  if (n < 32) {
    R[d] = (R[d]! >>> n) | (h << (32 - n));
    R[d + 16] = h >> n;
  } else {
    R[d] = h >> (n - 32);
    R[d + 16] = h >> 31;
  }
}

/** Reverses the bytes of a 32-bit value. */
export function bswap32(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

/** Reverses the low two bytes; the result is zero-extended. */
export function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}
