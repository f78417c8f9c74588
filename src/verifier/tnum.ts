// Tracked numbers ("tnums"): what the verifier knows about the individual bits of a 64-bit value.
// A bit is either known (its value is in `value`, its `mask` bit is 0) or unknown (its `mask` bit
// is 1 and its `value` bit is 0). The operations below give a tnum containing every possible
// result of the operation on members of the operands, following the semantics of the Linux
// kernel's tnum library (kernel/bpf/tnum.c, Linux 6.18).
//
// All values are bigint in [0, 2^64). Results are fresh objects; operands are never modified.

import type { Tnum } from './scalar.js';

export const U64_MASK = (1n << 64n) - 1n;
export const U32_MASK = 0xffffffffn;
const HIGH32_MASK = U64_MASK ^ U32_MASK;

const mk = (value: bigint, mask: bigint): Tnum => ({ value, mask });

/** The completely unknown tnum (every bit unknown). */
export const TNUM_UNKNOWN: Tnum = Object.freeze(mk(0n, U64_MASK));
/** The constant 0. */
export const TNUM_ZERO: Tnum = Object.freeze(mk(0n, 0n));
/** Unknown low 32 bits, upper 32 bits known zero. */
export const TNUM_U32: Tnum = Object.freeze(mk(0n, U32_MASK));

/** Build a tnum from raw value/mask (both wrapped to 64 bits, known bits cleared from value). */
export function tnum(value: bigint, mask: bigint): Tnum {
  const m = BigInt.asUintN(64, mask);
  return mk(BigInt.asUintN(64, value) & ~m & U64_MASK, m);
}

/** A fully known value. */
export function tnumConst(v: bigint): Tnum {
  const x = BigInt.asUintN(64, v);
  return x === 0n ? TNUM_ZERO : mk(x, 0n);
}

/** Number of the highest set bit, 1-based (0 for 0), like fls64. */
export function fls64(x: bigint): number {
  if (x === 0n) return 0;
  const hi = Number(x >> 32n);
  if (hi !== 0) return 64 - Math.clz32(hi);
  return 32 - Math.clz32(Number(x & U32_MASK));
}

/** Smallest tnum holding every value of the unsigned range [min, max]. */
export function tnumRange(min: bigint, max: bigint): Tnum {
  const lo = BigInt.asUintN(64, min);
  const hi = BigInt.asUintN(64, max);
  const bits = fls64(lo ^ hi);
  if (bits > 63) return TNUM_UNKNOWN;
  const delta = (1n << BigInt(bits)) - 1n;
  return mk(lo & ~delta & U64_MASK, delta);
}

export function tnumLshift(a: Tnum, shift: number): Tnum {
  const s = BigInt(shift);
  return mk((a.value << s) & U64_MASK, (a.mask << s) & U64_MASK);
}

export function tnumRshift(a: Tnum, shift: number): Tnum {
  const s = BigInt(shift);
  return mk(a.value >> s, a.mask >> s);
}

/**
 * Arithmetic right shift by `minShift` at 64 or 32 bits (the 32-bit form works on the low word
 * and returns it zero-extended).
 */
export function tnumArshift(a: Tnum, minShift: number, bitness: 32 | 64): Tnum {
  const s = BigInt(minShift);
  if (bitness === 32) {
    return mk(
      BigInt.asUintN(32, BigInt.asIntN(32, a.value) >> s),
      BigInt.asUintN(32, BigInt.asIntN(32, a.mask) >> s),
    );
  }
  return mk(
    BigInt.asUintN(64, BigInt.asIntN(64, a.value) >> s),
    BigInt.asUintN(64, BigInt.asIntN(64, a.mask) >> s),
  );
}

export function tnumAdd(a: Tnum, b: Tnum): Tnum {
  const sm = (a.mask + b.mask) & U64_MASK;
  const sv = (a.value + b.value) & U64_MASK;
  const sigma = (sm + sv) & U64_MASK;
  const chi = sigma ^ sv;
  const mu = chi | a.mask | b.mask;
  return mk(sv & ~mu & U64_MASK, mu);
}

export function tnumSub(a: Tnum, b: Tnum): Tnum {
  const dv = BigInt.asUintN(64, a.value - b.value);
  const alpha = (dv + a.mask) & U64_MASK;
  const beta = BigInt.asUintN(64, dv - b.mask);
  const chi = alpha ^ beta;
  const mu = chi | a.mask | b.mask;
  return mk(dv & ~mu & U64_MASK, mu);
}

/** Two's complement negation (0 - a). */
export function tnumNeg(a: Tnum): Tnum {
  return tnumSub(TNUM_ZERO, a);
}

export function tnumAnd(a: Tnum, b: Tnum): Tnum {
  const alpha = a.value | a.mask;
  const beta = b.value | b.mask;
  const v = a.value & b.value;
  return mk(v, alpha & beta & ~v & U64_MASK);
}

export function tnumOr(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask | b.mask;
  return mk(v, mu & ~v & U64_MASK);
}

export function tnumXor(a: Tnum, b: Tnum): Tnum {
  const v = a.value ^ b.value;
  const mu = a.mask | b.mask;
  return mk(v & ~mu & U64_MASK, mu);
}

/**
 * A tnum containing both operands (bits that are known and equal in both stay known). Used by
 * tnum multiplication.
 */
export function tnumUnion(a: Tnum, b: Tnum): Tnum {
  const v = a.value & b.value;
  const mu = (a.value ^ b.value) | a.mask | b.mask;
  return mk(v & ~mu & U64_MASK, mu);
}

/**
 * Multiplication, as the 6.18 kernel computes it: shift-and-add over the bits of `a`; a known-1
 * bit adds the (shifted) multiplicand, an unknown bit joins "added" and "not added".
 */
export function tnumMul(a: Tnum, b: Tnum): Tnum {
  let av = a.value;
  let am = a.mask;
  let bv = b.value;
  let bm = b.mask;
  let acc: Tnum = TNUM_ZERO;
  while (av !== 0n || am !== 0n) {
    if (av & 1n) {
      acc = tnumAdd(acc, mk(bv, bm));
    } else if (am & 1n) {
      acc = tnumUnion(acc, tnumAdd(acc, mk(bv, bm)));
    }
    av >>= 1n;
    am >>= 1n;
    bv = (bv << 1n) & U64_MASK;
    bm = (bm << 1n) & U64_MASK;
  }
  return acc;
}

/**
 * Combine the knowledge of two tnums describing the same value. If they disagree on a known bit
 * the result has that bit known 1 (the kernel does not detect the contradiction).
 */
export function tnumIntersect(a: Tnum, b: Tnum): Tnum {
  const v = a.value | b.value;
  const mu = a.mask & b.mask;
  return mk(v & ~mu & U64_MASK, mu);
}

/**
 * The smallest member of `t` greater than `z`; `t`'s largest member when there is none, its
 * smallest when `z` is below it (tnum_step).
 */
export function tnumStep(t: Tnum, z: bigint): bigint {
  const tmax = t.value | t.mask;
  const x = BigInt.asUintN(64, z);
  if (x >= tmax) return tmax;
  if (x < t.value) return t.value;
  // members are value + s for s a submask of mask: find the smallest submask above d
  const d = x - t.value;
  const notMask = ~t.mask & U64_MASK;
  const carry = (1n << BigInt(fls64(d & notMask))) - 1n;
  const filled = d | carry | notMask;
  const inc = ((filled + 1n) & U64_MASK) & t.mask;
  return t.value | inc;
}

/** Byte swaps of the low 2, 4 or 8 bytes (the result has the other bytes zero). */
export function tnumBswap(a: Tnum, bytes: 2 | 4 | 8): Tnum {
  return mk(bswapBits(a.value, bytes), bswapBits(a.mask, bytes));
}

function bswapBits(x: bigint, bytes: number): bigint {
  let r = 0n;
  for (let i = 0; i < bytes; i++) {
    r = (r << 8n) | ((x >> BigInt(8 * i)) & 0xffn);
  }
  return r;
}

/** Do `a` and `b` have a member in common as far as their known bits tell (tnum_overlap)? */
export function tnumOverlap(a: Tnum, b: Tnum): boolean {
  const known = ~a.mask & ~b.mask & U64_MASK;
  return (a.value & known) === (b.value & known);
}

/** Keep only the low `size` bytes. */
export function tnumCast(a: Tnum, size: number): Tnum {
  if (size >= 8) return a;
  const m = (1n << BigInt(size * 8)) - 1n;
  return mk(a.value & m, a.mask & m);
}

export function tnumIsAligned(a: Tnum, size: bigint): boolean {
  if (size === 0n) return true;
  return ((a.value | a.mask) & (size - 1n)) === 0n;
}

/** Is every member of `b` a member of `a`? */
export function tnumIn(a: Tnum, b: Tnum): boolean {
  if (b.mask & ~a.mask) return false;
  return a.value === (b.value & ~a.mask);
}

/** Is `v` a member of `a`? */
export function tnumContains(a: Tnum, v: bigint): boolean {
  return (BigInt.asUintN(64, v) & ~a.mask & U64_MASK) === a.value;
}

export function tnumIsConst(a: Tnum): boolean {
  return a.mask === 0n;
}

export function tnumIsUnknown(a: Tnum): boolean {
  return a.mask === U64_MASK;
}

export function tnumEqualsConst(a: Tnum, v: bigint): boolean {
  return a.mask === 0n && a.value === BigInt.asUintN(64, v);
}

export function tnumEquals(a: Tnum, b: Tnum): boolean {
  return a.value === b.value && a.mask === b.mask;
}

/** The low 32 bits (upper bits known zero). */
export function tnumSubreg(a: Tnum): Tnum {
  if ((a.value | a.mask) <= U32_MASK) return a;
  return mk(a.value & U32_MASK, a.mask & U32_MASK);
}

/** The upper 32 bits, with the low 32 bits known zero. */
export function tnumClearSubreg(a: Tnum): Tnum {
  return mk(a.value & HIGH32_MASK, a.mask & HIGH32_MASK);
}

/** Upper 32 bits from `reg`, low 32 bits from `subreg`. */
export function tnumWithSubreg(reg: Tnum, subreg: Tnum): Tnum {
  return tnumOr(tnumClearSubreg(reg), tnumSubreg(subreg));
}

/** Upper 32 bits from `a`, low 32 bits the constant `value`. */
export function tnumConstSubreg(a: Tnum, value: bigint): Tnum {
  return tnumWithSubreg(a, tnumConst(BigInt.asUintN(32, value)));
}

export function tnumSubregIsConst(a: Tnum): boolean {
  return (a.mask & U32_MASK) === 0n;
}

export function tnumSubregEqualsConst(a: Tnum, v: bigint): boolean {
  return (a.mask & U32_MASK) === 0n && (a.value & U32_MASK) === BigInt.asUintN(32, v);
}

/** `(0x..; 0x..)` as the kernel prints a tnum (the kernel's printf writes 0 as `0x0`). */
export function tnumToString(a: Tnum): string {
  return `(0x${a.value.toString(16)}; 0x${a.mask.toString(16)})`;
}

/** 64 characters of 0, 1 and x, most significant bit first (tnum_sbin). */
export function tnumToBinary(a: Tnum): string {
  let s = '';
  for (let i = 63n; i >= 0n; i--) {
    const bit = 1n << i;
    s += a.mask & bit ? 'x' : a.value & bit ? '1' : '0';
  }
  return s;
}
