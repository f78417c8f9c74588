// 64-bit arithmetic on lo/hi int32 register halves, without BigInt and without allocation.
//
// Registers live in one Int32Array `R`: low halves at R[0..15], high halves at R[16..31]. Every
// helper here reads the destination register `d` as its left operand and writes the result back
// into R[d] (low) and R[d + 16] (high). The right operand is
// passed as two int32 halves. All results are exact for every input (checked against a BigInt
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

// Results of the general division routine (module scratch: the interpreter is single-threaded and
// the routine never re-enters itself).
let quotLo = 0;
let quotHi = 0;
let remLo = 0;
let remHi = 0;

/**
 * Unsigned 64-bit division of (aHi:aLo) by (bHi:bLo) != 0; sets quotLo/quotHi/remLo/remHi.
 * Fast paths use doubles, which are exact here: for integers a, b < 2^53 the float quotient
 * rounds by at most one ulp, which can never carry floor(a / b) past an integer boundary.
 */
function udivmod64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  const aL = aLo >>> 0;
  const bL = bLo >>> 0;
  if ((aHi | bHi) === 0) {
    const q = Math.floor(aL / bL);
    quotLo = q | 0;
    quotHi = 0;
    remLo = (aL - q * bL) | 0;
    remHi = 0;
    return;
  }
  const aH = aHi >>> 0;
  const bH = bHi >>> 0;
  if (aH < 0x200000 && bH < 0x200000) {
    // Both operands below 2^53.
    const a = aH * TWO_POW_32 + aL;
    const b = bH * TWO_POW_32 + bL;
    const q = Math.floor(a / b);
    const r = a - q * b;
    quotLo = q | 0;
    quotHi = (q / TWO_POW_32) | 0;
    remLo = r | 0;
    remHi = (r / TWO_POW_32) | 0;
    return;
  }
  if (bH === 0 && bL < 0x200000) {
    // Small divisor: two schoolbook steps, each dividend stays below 2^53.
    const qh = Math.floor(aH / bL);
    const r1 = aH - qh * bL;
    const low = r1 * TWO_POW_32 + aL;
    const ql = Math.floor(low / bL);
    quotHi = qh | 0;
    quotLo = ql | 0;
    remLo = (low - ql * bL) | 0;
    remHi = 0;
    return;
  }
  // General case: shift-subtract, only over the bit positions where the quotient can be non-zero.
  if (bH > aH || (bH === aH && bL > aL)) {
    quotLo = 0;
    quotHi = 0;
    remLo = aLo;
    remHi = aHi;
    return;
  }
  const shift = clz64(bHi, bLo) - clz64(aHi, aLo);
  // divisor <<= shift
  let dL: number;
  let dH: number;
  if (shift === 0) {
    dL = bLo;
    dH = bHi;
  } else if (shift < 32) {
    dH = (bHi << shift) | (bLo >>> (32 - shift));
    dL = bLo << shift;
  } else {
    dH = bLo << (shift - 32);
    dL = 0;
  }
  let rL = aLo;
  let rH = aHi;
  let qL = 0;
  let qH = 0;
  for (let i = 0; i <= shift; i++) {
    // quotient <<= 1
    qH = (qH << 1) | (qL >>> 31);
    qL = qL << 1;
    const rHu = rH >>> 0;
    const dHu = dH >>> 0;
    if (rHu > dHu || (rHu === dHu && rL >>> 0 >= dL >>> 0)) {
      const borrow = rL >>> 0 < dL >>> 0 ? 1 : 0;
      rL = (rL - dL) | 0;
      rH = (rH - dH - borrow) | 0;
      qL |= 1;
    }
    // divisor >>= 1
    dL = (dL >>> 1) | (dH << 31);
    dH = dH >>> 1;
  }
  quotLo = qL;
  quotHi = qH;
  remLo = rL;
  remHi = rH;
}

function clz64(h: number, l: number): number {
  return h !== 0 ? Math.clz32(h) : 32 + Math.clz32(l);
}

/** dst = dst / b, unsigned; division by zero gives 0. */
export function udiv64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  if ((bLo | bHi) === 0) {
    R[d] = 0;
    R[d + 16] = 0;
    return;
  }
  udivmod64(R[d]!, R[d + 16]!, bLo, bHi);
  R[d] = quotLo;
  R[d + 16] = quotHi;
}

/** dst = dst % b, unsigned; modulo by zero leaves dst unchanged. */
export function umod64(R: Int32Array, d: number, bLo: number, bHi: number): void {
  if ((bLo | bHi) === 0) return;
  udivmod64(R[d]!, R[d + 16]!, bLo, bHi);
  R[d] = remLo;
  R[d + 16] = remHi;
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
  udivmod64(aLo, aHi, bLo, bHi);
  if (negA !== negB) {
    R[d] = -quotLo | 0;
    R[d + 16] = (~quotHi + (quotLo === 0 ? 1 : 0)) | 0;
  } else {
    R[d] = quotLo;
    R[d + 16] = quotHi;
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
  udivmod64(aLo, aHi, bLo, bHi);
  if (negA) {
    R[d] = -remLo | 0;
    R[d + 16] = (~remHi + (remLo === 0 ? 1 : 0)) | 0;
  } else {
    R[d] = remLo;
    R[d + 16] = remHi;
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
