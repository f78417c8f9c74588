// 64-bit arithmetic on lo/hi int32 register halves, without BigInt and without allocation.
//
// Registers live in one Int32Array `R` (the interpreter's `W`, see words.ts): low halves at
// R[0..15], high halves at R[16..31]; R[124..127] is scratch for the division routine. Every
// helper here reads the destination register `d` as its left operand and writes the result back
// into R[d] (low) and R[d + 16] (high). The right operand is passed as two int32 halves. All results are exact for every input (checked against a BigInt
// reference in test/vm-arith.test.ts).

const TWO_POW_32 = 4294967296;

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

// The general division routine leaves its results in R[Q_LO..R_HI] (scratch words of the
// interpreter's array, see words.ts) rather than allocating or using module variables.
const Q_LO = 124;
const Q_HI = 125;
const R_LO = 126;
const R_HI = 127;

/**
 * Unsigned 64-bit division of (aHi:aLo) by (bHi:bLo) != 0 when an operand is 2^53 or more:
 * quotient in R[Q_LO], R[Q_HI], remainder in R[R_LO], R[R_HI]. (Below 2^53 the callers divide
 * doubles directly; that is exact: for integers a, b < 2^53 the float quotient is within one ulp,
 * which can never carry floor(a / b) past an integer boundary.)
 */
export function udivmod64Large(R: Int32Array, aLo: number, aHi: number, bLo: number, bHi: number): void {
  const aL = aLo >>> 0;
  const bL = bLo >>> 0;
  const aH = aHi >>> 0;
  const bH = bHi >>> 0;
  if (bH === 0 && bL < 0x200000) {
    // Small divisor: two schoolbook steps, each dividend stays below 2^53.
    const qh = Math.floor(aH / bL);
    const low = (aH - qh * bL) * TWO_POW_32 + aL;
    const ql = Math.floor(low / bL);
    R[Q_HI] = qh;
    R[Q_LO] = ql;
    R[R_LO] = low - ql * bL;
    R[R_HI] = 0;
    return;
  }
  // Now b >= 2^21, so the quotient is below 2^43.
  if (bH > aH || (bH === aH && bL > aL)) {
    R[Q_LO] = 0;
    R[Q_HI] = 0;
    R[R_LO] = aLo;
    R[R_HI] = aHi;
    return;
  }
  if (bH < 0x40000000) {
    // Estimate with doubles, then correct once. Rounding a, b and the quotient each add a relative
    // error of at most 2^-53, so the estimate is within 3 * 2^-53 * 2^43 < 1/128 of a / b, and its
    // floor is off by at most one. With b < 2^62 the remainder a - est * b (mod 2^64) tells which
    // way: in [0, b) the estimate is right, in [b, 2b) one too small, and with the top bit set
    // (a negative remainder, in [2^64 - b, 2^64)) one too large.
    const est = Math.floor((aH * TWO_POW_32 + aL) / (bH * TWO_POW_32 + bL));
    let qL = est | 0;
    let qH = (est / TWO_POW_32) | 0;
    const pL = Math.imul(qL, bLo);
    const pH = (mulHighU32(qL, bLo) + Math.imul(qL, bHi) + Math.imul(qH, bLo)) | 0;
    let rL = (aLo - pL) | 0;
    let rH = (aHi - pH - (aL < pL >>> 0 ? 1 : 0)) | 0;
    if (rH < 0) {
      // r += b, q -= 1
      const sum = (rL + bLo) | 0;
      rH = (rH + bHi + (sum >>> 0 < rL >>> 0 ? 1 : 0)) | 0;
      rL = sum;
      if (qL === 0) qH = (qH - 1) | 0;
      qL = (qL - 1) | 0;
    } else if (rH >>> 0 > bH || (rH >>> 0 === bH && rL >>> 0 >= bL)) {
      // r -= b, q += 1
      const borrow = rL >>> 0 < bL ? 1 : 0;
      rL = (rL - bLo) | 0;
      rH = (rH - bHi - borrow) | 0;
      qL = (qL + 1) | 0;
      if (qL === 0) qH = (qH + 1) | 0;
    }
    R[Q_LO] = qL;
    R[Q_HI] = qH;
    R[R_LO] = rL;
    R[R_HI] = rH;
    return;
  }
  // b >= 2^62 (and a >= b): the quotient is 1, 2 or 3; subtract b while the remainder allows.
  let rL = aLo;
  let rH = aHi;
  let q = 0;
  while (rH >>> 0 > bH || (rH >>> 0 === bH && rL >>> 0 >= bL)) {
    const borrow = rL >>> 0 < bL ? 1 : 0;
    rL = (rL - bLo) | 0;
    rH = (rH - bHi - borrow) | 0;
    q++;
  }
  R[Q_LO] = q;
  R[Q_HI] = 0;
  R[R_LO] = rL;
  R[R_HI] = rH;
}

/** dst = dst / b, unsigned; division by zero gives 0. */
export function udiv64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  if ((bLo | bHi) === 0) {
    R[d] = 0;
    R[d + 16] = 0;
    return;
  }
  const aH = R[d + 16]! >>> 0;
  const bH = bHi >>> 0;
  if (aH < 0x200000 && bH < 0x200000) {
    // Both below 2^53: exact in doubles.
    const q = Math.floor((aH * TWO_POW_32 + (R[d]! >>> 0)) / (bH * TWO_POW_32 + (bLo >>> 0)));
    R[d] = q; // ToInt32 keeps the low 32 bits
    R[d + 16] = q / TWO_POW_32;
    return;
  }
  udivmod64Large(R, R[d]!, R[d + 16]!, bLo, bHi);
  R[d] = R[Q_LO]!;
  R[d + 16] = R[Q_HI]!;
}

/** dst = dst % b, unsigned; modulo by zero leaves dst unchanged. */
export function umod64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  if ((bLo | bHi) === 0) return;
  const aH = R[d + 16]! >>> 0;
  const bH = bHi >>> 0;
  if (aH < 0x200000 && bH < 0x200000) {
    const b = bH * TWO_POW_32 + (bLo >>> 0);
    const a = aH * TWO_POW_32 + (R[d]! >>> 0);
    const r = a - Math.floor(a / b) * b;
    R[d] = r;
    R[d + 16] = r / TWO_POW_32;
    return;
  }
  udivmod64Large(R, R[d]!, R[d + 16]!, bLo, bHi);
  R[d] = R[R_LO]!;
  R[d + 16] = R[R_HI]!;
}

/**
 * Signed division on magnitudes. INT64_MIN / -1 needs no special case: |INT64_MIN| = 2^63 as an
 * unsigned value, 2^63 / 1 negated wraps back to INT64_MIN, and 2^63 % 1 = 0.
 */
export function sdiv64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  if ((bLo | bHi) === 0) {
    R[d] = 0;
    R[d + 16] = 0;
    return;
  }
  let aLo = R[d]!;
  let aHi = R[d + 16]!;
  const negA = aHi < 0;
  const negB = bHi < 0;
  if (negA) {
    aHi = (~aHi + (aLo === 0 ? 1 : 0)) | 0;
    aLo = -aLo | 0;
  }
  if (negB) {
    bHi = (~bHi + (bLo === 0 ? 1 : 0)) | 0;
    bLo = -bLo | 0;
  }
  let qLo: number;
  let qHi: number;
  if (aHi >>> 0 < 0x200000 && bHi >>> 0 < 0x200000) {
    const q = Math.floor(((aHi >>> 0) * TWO_POW_32 + (aLo >>> 0)) / ((bHi >>> 0) * TWO_POW_32 + (bLo >>> 0)));
    qLo = q | 0;
    qHi = (q / TWO_POW_32) | 0;
  } else {
    udivmod64Large(R, aLo, aHi, bLo, bHi);
    qLo = R[Q_LO]!;
    qHi = R[Q_HI]!;
  }
  if (negA !== negB) {
    R[d] = -qLo | 0;
    R[d + 16] = (~qHi + (qLo === 0 ? 1 : 0)) | 0;
  } else {
    R[d] = qLo;
    R[d + 16] = qHi;
  }
}

/** dst = dst s% b (sign follows the dividend, as C); modulo by zero leaves dst unchanged. */
export function smod64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  if ((bLo | bHi) === 0) return;
  let aLo = R[d]!;
  let aHi = R[d + 16]!;
  const negA = aHi < 0;
  if (negA) {
    aHi = (~aHi + (aLo === 0 ? 1 : 0)) | 0;
    aLo = -aLo | 0;
  }
  if (bHi < 0) {
    bHi = (~bHi + (bLo === 0 ? 1 : 0)) | 0;
    bLo = -bLo | 0;
  }
  let rLo: number;
  let rHi: number;
  if (aHi >>> 0 < 0x200000 && bHi >>> 0 < 0x200000) {
    const a = (aHi >>> 0) * TWO_POW_32 + (aLo >>> 0);
    const b = (bHi >>> 0) * TWO_POW_32 + (bLo >>> 0);
    const r = a - Math.floor(a / b) * b;
    rLo = r | 0;
    rHi = (r / TWO_POW_32) | 0;
  } else {
    udivmod64Large(R, aLo, aHi, bLo, bHi);
    rLo = R[R_LO]!;
    rHi = R[R_HI]!;
  }
  if (negA) {
    R[d] = -rLo | 0;
    R[d + 16] = (~rHi + (rLo === 0 ? 1 : 0)) | 0;
  } else {
    R[d] = rLo;
    R[d + 16] = rHi;
  }
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
