// Abstract scalar values, as the Linux verifier tracks them: a tnum (known bits) plus signed and
// unsigned bounds at 64 and 32 bits, kept consistent with each other after every operation.
//
// INTERFACE CONTRACT (the verifier engine is written against these signatures; implementations
// must follow kernel/bpf/verifier.c and kernel/bpf/tnum.c behaviour exactly).
// 64-bit quantities are bigint: unsigned ones in [0, 2^64), signed ones in [-2^63, 2^63).
// 32-bit quantities are numbers: unsigned in [0, 2^32), signed in [-2^31, 2^31).
//
// The behaviour modelled is the one of the Linux 6.18.y verifier of this machine, checked against
// its log: see the notes at the end of this file.

import {
  TNUM_UNKNOWN, TNUM_ZERO, U32_MASK, U64_MASK,
  tnumAdd, tnumAnd, tnumArshift, tnumClearSubreg, tnumConst, tnumConstSubreg, tnumIn,
  tnumIntersect, tnumIsConst, tnumIsUnknown, tnumLshift, tnumMul, tnumNeg, tnumOr, tnumRange,
  tnumRshift, tnumSub, tnumSubreg, tnumSubregIsConst, tnumToString, tnumWithSubreg, tnumXor,
  tnumCast, tnumStep, tnumBswap, tnumOverlap,
} from './tnum.js';

export interface Tnum {
  /** Known bit values (bits set in `mask` are 0 here). */
  readonly value: bigint;
  /** Unknown bits. */
  readonly mask: bigint;
}

export interface ScalarValue {
  readonly var: Tnum;
  readonly smin: bigint;
  readonly smax: bigint;
  readonly umin: bigint;
  readonly umax: bigint;
  readonly s32min: number;
  readonly s32max: number;
  readonly u32min: number;
  readonly u32max: number;
}

export type ScalarAluOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'sdiv' | 'mod' | 'smod' | 'or' | 'and' | 'lsh' | 'rsh' | 'arsh' | 'xor';

export type ScalarJmpOp = 'jeq' | 'jne' | 'jgt' | 'jge' | 'jlt' | 'jle' | 'jsgt' | 'jsge' | 'jslt' | 'jsle' | 'jset';

// ---------------------------------------------------------------------------------------------
// Limits and integer helpers

export const S64_MIN = -(1n << 63n);
export const S64_MAX = (1n << 63n) - 1n;
export const U64_MAX = U64_MASK;
export const S32_MIN = -0x80000000;
export const S32_MAX = 0x7fffffff;
export const U32_MAX = 0xffffffff;

const HIGH32 = U64_MASK ^ U32_MASK;
const S32_MIN_B = BigInt(S32_MIN);
const S32_MAX_B = BigInt(S32_MAX);

const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const u64 = (x: bigint): bigint => BigInt.asUintN(64, x);
/** Low 32 bits of a bigint, unsigned. */
const lo32u = (x: bigint): number => Number(BigInt.asIntN(32, x)) >>> 0;
/** Low 32 bits of a bigint, signed. */
const lo32s = (x: bigint): number => Number(BigInt.asIntN(32, x));
const u32 = (x: number): number => x >>> 0;
const s32 = (x: number): number => x | 0;
const bmax = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const bmin = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** The mutable working copy every kernel-style helper below operates on. */
interface Reg {
  var: Tnum;
  smin: bigint;
  smax: bigint;
  umin: bigint;
  umax: bigint;
  s32min: number;
  s32max: number;
  u32min: number;
  u32max: number;
}

const copy = (s: ScalarValue): Reg => ({
  var: s.var,
  smin: s.smin,
  smax: s.smax,
  umin: s.umin,
  umax: s.umax,
  s32min: s.s32min,
  s32max: s.s32max,
  u32min: s.u32min,
  u32max: s.u32max,
});

// ---------------------------------------------------------------------------------------------
// Marking helpers (___mark_reg_known, __mark_reg_unbounded, ...)

function markKnown(r: Reg, imm: bigint): void {
  const v = u64(imm);
  r.var = tnumConst(v);
  r.smin = r.smax = s64(v);
  r.umin = r.umax = v;
  r.s32min = r.s32max = lo32s(v);
  r.u32min = r.u32max = lo32u(v);
}

function markKnown32(r: Reg, imm: bigint): void {
  r.var = tnumConstSubreg(r.var, imm);
  r.s32min = r.s32max = lo32s(imm);
  r.u32min = r.u32max = lo32u(imm);
}

function mark64Unbounded(r: Reg): void {
  r.smin = S64_MIN;
  r.smax = S64_MAX;
  r.umin = 0n;
  r.umax = U64_MAX;
}

function mark32Unbounded(r: Reg): void {
  r.s32min = S32_MIN;
  r.s32max = S32_MAX;
  r.u32min = 0;
  r.u32max = U32_MAX;
}

function markUnbounded(r: Reg): void {
  mark64Unbounded(r);
  mark32Unbounded(r);
}

// ---------------------------------------------------------------------------------------------
// Bounds synchronisation (__update_reg_bounds, __reg_deduce_bounds, __reg_bound_offset)

function updateReg32Bounds(r: Reg): void {
  const v = lo32u(r.var.value);
  const m = lo32u(r.var.mask);
  // signed: smallest has the sign bit set if it may be, largest has every other unknown bit set
  const sminT = v | (m & 0x80000000);
  const smaxT = v | (m & 0x7fffffff);
  if (sminT > r.s32min) r.s32min = sminT;
  if (smaxT < r.s32max) r.s32max = smaxT;
  if (v > r.u32min) r.u32min = v;
  const umaxT = u32(v | m);
  if (umaxT < r.u32max) r.u32max = umaxT;
}

function updateReg64Bounds(r: Reg): void {
  const v = r.var.value;
  const m = r.var.mask;
  if (m === U64_MASK) {
    // an unknown tnum bounds nothing; the only effect left is the single-member collapse below
    // (tnum_step(unknown, umin) is umin + 1, or U64_MAX for umin = U64_MAX)
    if (r.umin === r.umax && r.umin !== U64_MAX) markKnown(r, r.umin);
    return;
  }
  const sminT = s64(v | (m & (1n << 63n)));
  const smaxT = s64(v | (m & S64_MAX));
  if (sminT > r.smin) r.smin = sminT;
  if (smaxT < r.smax) r.smax = smaxT;
  if (v > r.umin) r.umin = v;
  const umaxT = v | m;
  if (umaxT < r.umax) r.umax = umaxT;
  // when the unsigned range and the tnum have a single value in common, it is that constant
  const next = tnumStep(r.var, r.umin);
  const uminIn = (r.umin & ~m & U64_MASK) === v;
  if (uminIn && next > r.umax) {
    markKnown(r, r.umin);
  } else if (!uminIn && next === umaxT) {
    markKnown(r, umaxT);
  } else if (!uminIn && next <= r.umax && tnumStep(r.var, next) > r.umax) {
    markKnown(r, next);
  }
}

function updateRegBounds(r: Reg): void {
  updateReg32Bounds(r);
  updateReg64Bounds(r);
}

function reg32DeduceBounds(r: Reg): void {
  // halves of the 64-bit bounds (as u32 numbers); equal arithmetic `>> 32` means equal high halves
  const uminHi = Number(r.umin >> 32n);
  const umaxHi = Number(r.umax >> 32n);
  const uminLo = lo32u(r.umin);
  const umaxLo = lo32u(r.umax);
  const sminHi = Number((r.smin >> 32n) & U32_MASK);
  const smaxHi = Number((r.smax >> 32n) & U32_MASK);
  const sminLo = lo32u(r.smin);
  const smaxLo = lo32u(r.smax);
  // 64-bit ranges whose upper halves do not change bound the lower half
  if (uminHi === umaxHi) {
    if (uminLo > r.u32min) r.u32min = uminLo;
    if (umaxLo < r.u32max) r.u32max = umaxLo;
    const sa = uminLo | 0;
    const sb = umaxLo | 0;
    if (sa <= sb) {
      if (sa > r.s32min) r.s32min = sa;
      if (sb < r.s32max) r.s32max = sb;
    }
  }
  if (sminHi === smaxHi) {
    if (sminLo <= smaxLo) {
      if (sminLo > r.u32min) r.u32min = sminLo;
      if (smaxLo < r.u32max) r.u32max = smaxLo;
    }
    const sa = sminLo | 0;
    const sb = smaxLo | 0;
    if (sa <= sb) {
      if (sa > r.s32min) r.s32min = sa;
      if (sb < r.s32max) r.s32max = sb;
    }
  }
  // upper halves differing by exactly one, lower halves going from negative to non-negative
  if (u32(uminHi + 1) === umaxHi) {
    const sa = uminLo | 0;
    const sb = umaxLo | 0;
    if (sa < 0 && sb >= 0) {
      if (sa > r.s32min) r.s32min = sa;
      if (sb < r.s32max) r.s32max = sb;
    }
  }
  if (u32(sminHi + 1) === smaxHi) {
    const sa = sminLo | 0;
    const sb = smaxLo | 0;
    if (sa < 0 && sb >= 0) {
      if (sa > r.s32min) r.s32min = sa;
      if (sb < r.s32max) r.s32max = sb;
    }
  }
  // u32 range not crossing the s32 sign boundary is also an s32 range
  {
    const sa = s32(r.u32min);
    const sb = s32(r.u32max);
    if (sa <= sb) {
      if (sa > r.s32min) r.s32min = sa;
      if (sb < r.s32max) r.s32max = sb;
    }
  }
  // s32 range not crossing the u32 wrap point is also a u32 range
  const ua = u32(r.s32min);
  const ub = u32(r.s32max);
  if (ua <= ub) {
    if (ua > r.u32min) r.u32min = ua;
    if (ub < r.u32max) r.u32max = ub;
  } else {
    // the s32 range wraps in u32 terms: if the u32 range meets only one of its two pieces,
    // both ranges shrink to that piece
    if (r.u32max < ua) {
      r.s32min = s32(r.u32min);
      if (ub < r.u32max) r.u32max = ub;
    } else if (ub < r.u32min) {
      r.s32max = s32(r.u32max);
      if (ua > r.u32min) r.u32min = ua;
    }
  }
}

// The 64-bit twin of reg32DeduceBounds: the same deductions on bigint bounds (the 32-bit ones
// stay plain numbers for speed), mirroring the kernel's paired 32/64-bit functions.
function reg64DeduceBounds(r: Reg): void {
  // u64 range not crossing the s64 sign boundary is also an s64 range
  const sa = s64(r.umin);
  const sb = s64(r.umax);
  if (sa <= sb) {
    if (sa > r.smin) r.smin = sa;
    if (sb < r.smax) r.smax = sb;
  }
  const ua = u64(r.smin);
  const ub = u64(r.smax);
  if (ua <= ub) {
    if (ua > r.umin) r.umin = ua;
    if (ub < r.umax) r.umax = ub;
  } else {
    // s64 range wraps in u64 terms: use it when the u64 range meets only one piece of it
    if (r.umax < ua) {
      r.smin = s64(r.umin);
      if (ub < r.umax) r.umax = ub;
    } else if (ub < r.umin) {
      r.smax = s64(r.umax);
      if (ua > r.umin) r.umin = ua;
    }
  }
}

function regDeduceMixedBounds(r: Reg): void {
  // u32 bounds tighten the low half of the 64-bit bounds
  const newUmin = (r.umin & HIGH32) | BigInt(r.u32min);
  const newUmax = (r.umax & HIGH32) | BigInt(r.u32max);
  if (newUmin > r.umin) r.umin = newUmin;
  if (newUmax < r.umax) r.umax = newUmax;
  const newSmin = s64(((r.smin < 0n ? u64(r.smin) : r.smin) & HIGH32) | BigInt(r.u32min));
  const newSmax = s64(((r.smax < 0n ? u64(r.smax) : r.smax) & HIGH32) | BigInt(r.u32max));
  if (newSmin > r.smin) r.smin = newSmin;
  if (newSmax < r.smax) r.smax = newSmax;
  // a value known to fit in s32 whose s32 range is non-negative has identical 64-bit bounds
  if (r.s32min >= 0 && r.smin >= S32_MIN_B && r.smax <= S32_MAX_B) {
    r.smin = BigInt(r.s32min);
    r.smax = BigInt(r.s32max);
    // (on an inconsistent state s32max may be negative: the kernel's conversion wraps)
    r.umin = u64(r.smin);
    r.umax = u64(r.smax);
    r.var = tnumIntersect(r.var, tnumRange(r.umin, r.umax));
  }
}

function regDeduceBounds(r: Reg): void {
  reg32DeduceBounds(r);
  reg64DeduceBounds(r);
  regDeduceMixedBounds(r);
}

function regBoundOffset(r: Reg): void {
  const var64 = tnumIntersect(r.var, tnumRange(r.umin, r.umax));
  const var32 = tnumIntersect(tnumSubreg(var64), tnumRange(BigInt(r.u32min), BigInt(r.u32max)));
  r.var = tnumOr(tnumClearSubreg(var64), var32);
}

/** reg_bounds_sync: tnum -> bounds, three rounds of cross-deduction, bounds -> tnum -> bounds. */
function boundsSync(r: Reg): void {
  // fast paths for states the full computation leaves unchanged: a consistent constant, and
  // the completely unknown value
  if (r.var.mask === 0n) {
    const v = r.var.value;
    if (r.umin === v && r.umax === v && r.smin === r.smax && r.smin === s64(v) &&
        r.u32min === r.u32max && r.u32min === lo32u(v) && r.s32min === r.s32max && r.s32min === lo32s(v)) return;
  } else if (r.var.mask === U64_MASK && r.umin === 0n && r.umax === U64_MAX && r.smin === S64_MIN &&
      r.smax === S64_MAX && r.u32min === 0 && r.u32max === U32_MAX && r.s32min === S32_MIN && r.s32max === S32_MAX) {
    return;
  }
  updateRegBounds(r);
  // three rounds, as the kernel; a round that changes nothing is a fixed point, so the
  // remaining rounds would change nothing either
  for (let round = 0; round < 3; round++) {
    const { smin, smax, umin, umax, s32min, s32max, u32min, u32max } = r;
    const vv = r.var.value;
    const vm = r.var.mask;
    regDeduceBounds(r);
    if (r.smin === smin && r.smax === smax && r.umin === umin && r.umax === umax && r.s32min === s32min &&
        r.s32max === s32max && r.u32min === u32min && r.u32max === u32max && r.var.value === vv && r.var.mask === vm) break;
  }
  regBoundOffset(r);
  updateRegBounds(r);
}

// ---------------------------------------------------------------------------------------------
// Construction

const UNKNOWN: ScalarValue = Object.freeze({
  var: TNUM_UNKNOWN,
  smin: S64_MIN,
  smax: S64_MAX,
  umin: 0n,
  umax: U64_MAX,
  s32min: S32_MIN,
  s32max: S32_MAX,
  u32min: 0,
  u32max: U32_MAX,
});

const ZERO: ScalarValue = Object.freeze({
  var: TNUM_ZERO,
  smin: 0n,
  smax: 0n,
  umin: 0n,
  umax: 0n,
  s32min: 0,
  s32max: 0,
  u32min: 0,
  u32max: 0,
});

const SIZED: Map<string, ScalarValue> = new Map();

function makeConst(x: bigint): ScalarValue {
  const r = copy(ZERO);
  markKnown(r, x);
  return r;
}
/** Shared objects for the most common immediates (-1 and 0..64). */
const SMALL_CONSTS: ScalarValue[] = Array.from({ length: 65 }, (_, i) => (i === 0 ? ZERO : Object.freeze(makeConst(BigInt(i)))));
const MINUS_ONE: ScalarValue = Object.freeze(makeConst(U64_MAX));

/** A known constant (given as any bigint; wrapped to u64). */
export function scalarConst(v: bigint): ScalarValue {
  const x = u64(v);
  if (x <= 64n) return SMALL_CONSTS[Number(x)]!;
  if (x === U64_MAX) return MINUS_ONE;
  return makeConst(x);
}
/** Completely unknown 64-bit value. */
export function scalarUnknown(): ScalarValue {
  return UNKNOWN;
}
/** Unknown value of `size` bytes, zero-extended (a load of that size), or sign-extended when `signed`. */
export function scalarOfSize(size: 1 | 2 | 4 | 8, signed: boolean): ScalarValue {
  if (size === 8) return UNKNOWN;
  const key = `${size}${signed ? 's' : 'u'}`;
  let s = SIZED.get(key);
  if (!s) {
    s = Object.freeze(scalarTruncate(UNKNOWN, size, signed));
    SIZED.set(key, s);
  }
  return s;
}
/** Unsigned range [umin, umax] (reg_bounds_sync applied). */
export function scalarURange(umin: bigint, umax: bigint): ScalarValue {
  const r = copy(UNKNOWN);
  r.umin = u64(umin);
  r.umax = u64(umax);
  boundsSync(r);
  return r;
}
/** Signed range [smin, smax] (reg_bounds_sync applied). Added export. */
export function scalarSRange(smin: bigint, smax: bigint): ScalarValue {
  const r = copy(UNKNOWN);
  r.smin = s64(smin);
  r.smax = s64(smax);
  boundsSync(r);
  return r;
}
/** Value described by a tnum only (bounds derived from it by reg_bounds_sync). Added export. */
export function scalarFromTnum(t: Tnum): ScalarValue {
  const r = copy(UNKNOWN);
  r.var = { value: u64(t.value) & ~u64(t.mask) & U64_MASK, mask: u64(t.mask) };
  boundsSync(r);
  return r;
}
/**
 * A value from explicit fields (missing ones unbounded), then reg_bounds_sync. Added export, for
 * tests and for building states (e.g. from a kernel log).
 */
export function scalarFrom(fields: Partial<ScalarValue>, sync = true): ScalarValue {
  const r: Reg = { ...copy(UNKNOWN), ...fields };
  if (sync) boundsSync(r);
  return r;
}
/** reg_bounds_sync on a copy: bounds and tnum made consistent with each other. Added export. */
export function scalarBoundsSync(s: ScalarValue): ScalarValue {
  const r = copy(s);
  boundsSync(r);
  return r;
}
/** The constant value if the tnum is fully known, else null. */
export function scalarConstValue(s: ScalarValue): bigint | null {
  return s.var.mask === 0n ? s.var.value : null;
}
/** Is the low 32-bit half a known constant? (tnum_subreg_is_const) Added export. */
export function scalarIsConst32(s: ScalarValue): boolean {
  return tnumSubregIsConst(s.var);
}
/** Does the abstract value admit the concrete 64-bit value `v`? Added export. */
export function scalarContains(s: ScalarValue, v: bigint): boolean {
  const x = u64(v);
  if ((x & ~s.var.mask & U64_MASK) !== s.var.value) return false;
  if (x < s.umin || x > s.umax) return false;
  const sx = s64(x);
  if (sx < s.smin || sx > s.smax) return false;
  const x32 = lo32u(x);
  if (x32 < s.u32min || x32 > s.u32max) return false;
  const sx32 = x32 | 0;
  return sx32 >= s.s32min && sx32 <= s.s32max;
}

// ---------------------------------------------------------------------------------------------
// ALU: adjust_scalar_min_max_vals

function checkedAddS64(a: bigint, b: bigint): bigint | null {
  const r = a + b;
  return r < S64_MIN || r > S64_MAX ? null : r;
}
function checkedSubS64(a: bigint, b: bigint): bigint | null {
  const r = a - b;
  return r < S64_MIN || r > S64_MAX ? null : r;
}
function checkedMulS64(a: bigint, b: bigint): bigint | null {
  const r = a * b;
  return r < S64_MIN || r > S64_MAX ? null : r;
}
const inS32 = (x: number): boolean => x >= S32_MIN && x <= S32_MAX;

function scalar32Add(d: Reg, s: ScalarValue): void {
  const smin = d.s32min + s.s32min;
  const smax = d.s32max + s.s32max;
  if (!inS32(smin) || !inS32(smax)) {
    d.s32min = S32_MIN;
    d.s32max = S32_MAX;
  } else {
    d.s32min = smin;
    d.s32max = smax;
  }
  const umin = d.u32min + s.u32min;
  const umax = d.u32max + s.u32max;
  const minOverflow = umin > U32_MAX;
  const maxOverflow = umax > U32_MAX;
  if (!minOverflow && maxOverflow) {
    d.u32min = 0;
    d.u32max = U32_MAX;
  } else {
    // no addition wraps, or all of them do: the wrapped bounds are still ordered
    d.u32min = u32(umin);
    d.u32max = u32(umax);
  }
}

function scalar64Add(d: Reg, s: ScalarValue): void {
  const smin = checkedAddS64(d.smin, s.smin);
  const smax = smin === null ? null : checkedAddS64(d.smax, s.smax);
  if (smin === null || smax === null) {
    d.smin = S64_MIN;
    d.smax = S64_MAX;
  } else {
    d.smin = smin;
    d.smax = smax;
  }
  const umin = d.umin + s.umin;
  const umax = d.umax + s.umax;
  const minOverflow = umin > U64_MAX;
  const maxOverflow = umax > U64_MAX;
  if (!minOverflow && maxOverflow) {
    d.umin = 0n;
    d.umax = U64_MAX;
  } else {
    d.umin = u64(umin);
    d.umax = u64(umax);
  }
}

function scalar32Sub(d: Reg, s: ScalarValue): void {
  const smin = d.s32min - s.s32max;
  const smax = d.s32max - s.s32min;
  if (!inS32(smin) || !inS32(smax)) {
    d.s32min = S32_MIN;
    d.s32max = S32_MAX;
  } else {
    d.s32min = smin;
    d.s32max = smax;
  }
  const umin = d.u32min - s.u32max;
  const umax = d.u32max - s.u32min;
  const minUnderflow = umin < 0;
  const maxUnderflow = umax < 0;
  if (minUnderflow && !maxUnderflow) {
    d.u32min = 0;
    d.u32max = U32_MAX;
  } else {
    d.u32min = u32(umin);
    d.u32max = u32(umax);
  }
}

function scalar64Sub(d: Reg, s: ScalarValue): void {
  const smin = checkedSubS64(d.smin, s.smax);
  const smax = smin === null ? null : checkedSubS64(d.smax, s.smin);
  if (smin === null || smax === null) {
    d.smin = S64_MIN;
    d.smax = S64_MAX;
  } else {
    d.smin = smin;
    d.smax = smax;
  }
  const umin = d.umin - s.umax;
  const umax = d.umax - s.umin;
  const minUnderflow = umin < 0n;
  const maxUnderflow = umax < 0n;
  if (minUnderflow && !maxUnderflow) {
    d.umin = 0n;
    d.umax = U64_MAX;
  } else {
    d.umin = u64(umin);
    d.umax = u64(umax);
  }
}

function scalar32Mul(d: Reg, s: ScalarValue): void {
  // products of two u32 may exceed 2^53, but then they are far beyond U32_MAX: the overflow
  // test stays exact, and results are only kept when they fit
  const umax = d.u32max * s.u32max;
  const umin = d.u32min * s.u32min;
  if (umax > U32_MAX || umin > U32_MAX) {
    d.u32min = 0;
    d.u32max = U32_MAX;
  } else {
    d.u32min = umin;
    d.u32max = umax;
  }
  const p0 = d.s32min * s.s32min;
  const p1 = d.s32min * s.s32max;
  const p2 = d.s32max * s.s32min;
  const p3 = d.s32max * s.s32max;
  if (!inS32(p0) || !inS32(p1) || !inS32(p2) || !inS32(p3)) {
    d.s32min = S32_MIN;
    d.s32max = S32_MAX;
  } else {
    // `+ 0` turns a -0 product into 0
    d.s32min = Math.min(p0, p1, p2, p3) + 0;
    d.s32max = Math.max(p0, p1, p2, p3) + 0;
  }
}

function scalar64Mul(d: Reg, s: ScalarValue): void {
  const umax = d.umax * s.umax;
  const umin = d.umin * s.umin;
  if (umax > U64_MAX || umin > U64_MAX) {
    d.umin = 0n;
    d.umax = U64_MAX;
  } else {
    d.umin = umin;
    d.umax = umax;
  }
  const p0 = checkedMulS64(d.smin, s.smin);
  const p1 = checkedMulS64(d.smin, s.smax);
  const p2 = checkedMulS64(d.smax, s.smin);
  const p3 = checkedMulS64(d.smax, s.smax);
  if (p0 === null || p1 === null || p2 === null || p3 === null) {
    d.smin = S64_MIN;
    d.smax = S64_MAX;
  } else {
    d.smin = bmin(bmin(p0, p1), bmin(p2, p3));
    d.smax = bmax(bmax(p0, p1), bmax(p2, p3));
  }
}

/** Signed 32-bit bounds from unsigned ones when they do not cross the sign boundary. */
function s32FromU32(d: Reg): void {
  if (s32(d.u32min) <= s32(d.u32max)) {
    d.s32min = s32(d.u32min);
    d.s32max = s32(d.u32max);
  } else {
    d.s32min = S32_MIN;
    d.s32max = S32_MAX;
  }
}

function s64FromU64(d: Reg): void {
  if (s64(d.umin) <= s64(d.umax)) {
    d.smin = s64(d.umin);
    d.smax = s64(d.umax);
  } else {
    d.smin = S64_MIN;
    d.smax = S64_MAX;
  }
}

// For and/or/xor the tnum of the result is computed first; these see it in d.var.
function scalar32And(d: Reg, s: ScalarValue): void {
  const t = tnumSubreg(d.var);
  if (tnumSubregIsConst(s.var) && tnumSubregIsConst(d.var)) {
    markKnown32(d, t.value);
    return;
  }
  d.u32min = lo32u(t.value);
  if (s.u32max < d.u32max) d.u32max = s.u32max;
  s32FromU32(d);
}

function scalar64And(d: Reg, s: ScalarValue): void {
  if (tnumIsConst(s.var) && tnumIsConst(d.var)) {
    markKnown(d, d.var.value);
    return;
  }
  d.umin = d.var.value;
  if (s.umax < d.umax) d.umax = s.umax;
  s64FromU64(d);
  updateRegBounds(d);
}

function scalar32Or(d: Reg, s: ScalarValue): void {
  const t = tnumSubreg(d.var);
  if (tnumSubregIsConst(s.var) && tnumSubregIsConst(d.var)) {
    markKnown32(d, t.value);
    return;
  }
  if (s.u32min > d.u32min) d.u32min = s.u32min;
  d.u32max = lo32u(t.value | t.mask);
  s32FromU32(d);
}

function scalar64Or(d: Reg, s: ScalarValue): void {
  if (tnumIsConst(s.var) && tnumIsConst(d.var)) {
    markKnown(d, d.var.value);
    return;
  }
  if (s.umin > d.umin) d.umin = s.umin;
  d.umax = d.var.value | d.var.mask;
  s64FromU64(d);
  updateRegBounds(d);
}

function scalar32Xor(d: Reg, s: ScalarValue): void {
  const t = tnumSubreg(d.var);
  if (tnumSubregIsConst(s.var) && tnumSubregIsConst(d.var)) {
    markKnown32(d, t.value);
    return;
  }
  d.u32min = lo32u(t.value);
  d.u32max = lo32u(t.value | t.mask);
  s32FromU32(d);
}

function scalar64Xor(d: Reg, s: ScalarValue): void {
  if (tnumIsConst(s.var) && tnumIsConst(d.var)) {
    markKnown(d, d.var.value);
    return;
  }
  d.umin = d.var.value;
  d.umax = d.var.value | d.var.mask;
  s64FromU64(d);
  updateRegBounds(d);
}

function lsh32Bounds(d: Reg, uminVal: bigint, umaxVal: bigint): void {
  // the sign is lost (except what the tnum tells)
  d.s32min = S32_MIN;
  d.s32max = S32_MAX;
  if (umaxVal > 31n || BigInt(d.u32max) > 1n << (31n - umaxVal)) {
    d.u32min = 0;
    d.u32max = U32_MAX;
  } else {
    d.u32min = lo32u(BigInt(d.u32min) << uminVal);
    d.u32max = lo32u(BigInt(d.u32max) << umaxVal);
  }
}

function lsh64Bounds(d: Reg, uminVal: bigint, umaxVal: bigint): void {
  // `<< 32` (the first half of the sign-extension idiom `<<32 s>>32`) turns the s32 bounds
  // into s64 bounds exactly; any other shift loses the sign (except what the tnum tells)
  if (uminVal === 32n && umaxVal === 32n) {
    d.smax = BigInt(d.s32max) << 32n;
    d.smin = BigInt(d.s32min) << 32n;
  } else {
    d.smax = S64_MAX;
    d.smin = S64_MIN;
  }
  if (d.umax > 1n << (63n - umaxVal)) {
    d.umin = 0n;
    d.umax = U64_MAX;
  } else {
    d.umin = u64(d.umin << uminVal);
    d.umax = u64(d.umax << umaxVal);
  }
}

function scalar32Lsh(d: Reg, s: ScalarValue): void {
  const sub = tnumSubreg(d.var);
  lsh32Bounds(d, BigInt(s.u32min), BigInt(s.u32max));
  d.var = tnumSubreg(tnumLshift(sub, s.u32min));
  mark64Unbounded(d);
  updateReg32Bounds(d);
}

function scalar64Lsh(d: Reg, s: ScalarValue): void {
  // the 64-bit computation reads the unshifted 32-bit bounds: it goes first
  lsh64Bounds(d, s.umin, s.umax);
  lsh32Bounds(d, s.umin, s.umax);
  d.var = tnumLshift(d.var, Number(s.umin));
  updateRegBounds(d);
}

function scalar32Rsh(d: Reg, s: ScalarValue): void {
  const sub = tnumSubreg(d.var);
  d.s32min = S32_MIN;
  d.s32max = S32_MAX;
  d.var = tnumRshift(sub, s.u32min);
  d.u32min = d.u32min >>> s.u32max;
  d.u32max = d.u32max >>> s.u32min;
  mark64Unbounded(d);
  updateReg32Bounds(d);
}

function scalar64Rsh(d: Reg, s: ScalarValue): void {
  d.smin = S64_MIN;
  d.smax = S64_MAX;
  d.var = tnumRshift(d.var, Number(s.umin));
  d.umin = d.umin >> s.umax;
  d.umax = d.umax >> s.umin;
  mark32Unbounded(d);
  updateRegBounds(d);
}

function scalar32Arsh(d: Reg, s: ScalarValue): void {
  const sh = s.u32min;
  d.s32min = d.s32min >> sh;
  d.s32max = d.s32max >> sh;
  d.var = tnumArshift(tnumSubreg(d.var), sh, 32);
  d.u32min = 0;
  d.u32max = U32_MAX;
  mark64Unbounded(d);
  updateReg32Bounds(d);
}

function scalar64Arsh(d: Reg, s: ScalarValue): void {
  const sh = s.umin;
  d.smin = d.smin >> sh;
  d.smax = d.smax >> sh;
  d.var = tnumArshift(d.var, Number(sh), 64);
  d.umin = 0n;
  d.umax = U64_MAX;
  mark32Unbounded(d);
  updateRegBounds(d);
}

/** zext_32_to_64: the result of an ALU32 operation, upper half zero. */
function zext32To64(r: Reg): void {
  r.var = tnumSubreg(r.var);
  r.umin = BigInt(r.u32min);
  r.umax = BigInt(r.u32max);
  if (r.s32min >= 0 && r.s32max >= 0) {
    r.smin = BigInt(r.s32min);
    r.smax = BigInt(r.s32max);
  } else {
    r.smin = 0n;
    r.smax = BigInt(U32_MAX);
  }
}

/** is_safe_to_compute_dst_reg_range: ops whose result the kernel tracks at all. */
function isSafeToCompute(op: ScalarAluOp | 'neg', src: ScalarValue, is64: boolean): boolean {
  switch (op) {
    case 'add':
    case 'sub':
    case 'neg':
    case 'and':
    case 'xor':
    case 'or':
    case 'mul':
      return true;
    case 'lsh':
    case 'rsh':
    case 'arsh': {
      // constant shift amount below the operation width; note that the width check reads the
      // 64-bit umax even for ALU32 (a 32-bit constant with unknown upper bits is not safe)
      const isConst = is64
        ? tnumIsConst(src.var) && src.smin === src.smax && src.umin === src.umax
        : tnumSubregIsConst(src.var) && src.s32min === src.s32max && src.u32min === src.u32max;
      return isConst && src.umax < (is64 ? 64n : 32n);
    }
    default:
      // div, sdiv, mod, smod
      return false;
  }
}

/**
 * dst op src for ALU64 (`is64`) or ALU32 (result zero-extended), exactly as the kernel's
 * adjust_scalar_min_max_vals (including its "unknown" fallbacks, shift-amount rules, and
 * div/mod handling of the current kernel).
 *
 * For an immediate operand pass scalarConst(imm sign-extended to 64 bits), as the kernel does.
 * Linux 6.18 tracks nothing through div/sdiv/mod/smod: the result is a completely unknown 64-bit
 * value, even for ALU32 (the kernel returns before zero-extending). Shifts by a non-constant, or
 * by an amount >= the width, give the same unknown value. For 'and'/'or' with a constant, first
 * ask scalarAluFork whether the kernel splits the state (a [-1, 0] destination).
 */
export function scalarAlu(op: ScalarAluOp, dst: ScalarValue, src: ScalarValue, is64: boolean): ScalarValue {
  if (!isSafeToCompute(op, src, is64)) return UNKNOWN;
  const d = copy(dst);
  switch (op) {
    case 'add':
      scalar32Add(d, src);
      if (is64) scalar64Add(d, src);
      d.var = tnumAdd(d.var, src.var);
      break;
    case 'sub':
      scalar32Sub(d, src);
      if (is64) scalar64Sub(d, src);
      d.var = tnumSub(d.var, src.var);
      break;
    case 'mul':
      d.var = tnumMul(d.var, src.var);
      scalar32Mul(d, src);
      if (is64) scalar64Mul(d, src);
      break;
    case 'and':
      d.var = tnumAnd(d.var, src.var);
      scalar32And(d, src);
      if (is64) scalar64And(d, src);
      break;
    case 'or':
      d.var = tnumOr(d.var, src.var);
      scalar32Or(d, src);
      if (is64) scalar64Or(d, src);
      break;
    case 'xor':
      d.var = tnumXor(d.var, src.var);
      scalar32Xor(d, src);
      if (is64) scalar64Xor(d, src);
      break;
    case 'lsh':
      if (is64) scalar64Lsh(d, src);
      else scalar32Lsh(d, src);
      break;
    case 'rsh':
      if (is64) scalar64Rsh(d, src);
      else scalar32Rsh(d, src);
      break;
    case 'arsh':
      if (is64) scalar64Arsh(d, src);
      else scalar32Arsh(d, src);
      break;
    default:
      return UNKNOWN;
  }
  // (for ALU32 the 64-bit half of the kernel's computation is skipped above: zero extension
  // overwrites every 64-bit field it would have produced)
  if (!is64) zext32To64(d);
  boundsSync(d);
  return d;
}

/** -dst (ALU64 or ALU32). */
export function scalarNeg(dst: ScalarValue, is64: boolean): ScalarValue {
  // the kernel computes 0 - dst with the subtraction bounds and tnum negation
  const d = copy(ZERO);
  scalar32Sub(d, dst);
  if (is64) scalar64Sub(d, dst);
  d.var = tnumNeg(dst.var);
  if (!is64) zext32To64(d);
  boundsSync(d);
  return d;
}

/** mov32: zero-extend the low 32 bits. */
export function scalarZext32(s: ScalarValue): ScalarValue {
  const d = copy(s);
  zext32To64(d);
  boundsSync(d);
  return d;
}

// ---------------------------------------------------------------------------------------------
// Truncation and sign extension (coerce_reg_to_size, coerce_reg_to_size_sx, coerce_subreg_to_size_sx)

function coerceToSize(r: Reg, size: 1 | 2 | 4): void {
  r.var = tnumCast(r.var, size);
  const mask = (1n << BigInt(size * 8)) - 1n;
  if ((r.umin & ~mask) === (r.umax & ~mask)) {
    r.umin &= mask;
    r.umax &= mask;
  } else {
    r.umin = 0n;
    r.umax = mask;
  }
  r.smin = r.umin;
  r.smax = r.umax;
  // below 32 bits the 32-bit bounds are rebuilt from the 64-bit ones
  if (size < 4) mark32Unbounded(r);
  boundsSync(r);
}

const sextBits = (x: bigint, size: number): bigint => BigInt.asIntN(size * 8, x);

function setSext64Default(r: Reg, size: 1 | 2 | 4): void {
  const lo = size === 1 ? -0x80 : size === 2 ? -0x8000 : S32_MIN;
  const hi = size === 1 ? 0x7f : size === 2 ? 0x7fff : S32_MAX;
  r.smin = BigInt(lo);
  r.s32min = lo;
  r.smax = BigInt(hi);
  r.s32max = hi;
  r.umin = 0n;
  r.u32min = 0;
  r.umax = U64_MAX;
  r.u32max = U32_MAX;
  r.var = TNUM_UNKNOWN;
}

/** coerce_reg_to_size_sx: sign-extend the low `size` bytes to 64 bits (no final sync, as the kernel). */
function coerceToSizeSx(r: Reg, size: 1 | 2 | 4): void {
  if (tnumIsConst(r.var)) {
    const v = u64(sextBits(r.var.value, size));
    r.var = tnumConst(v);
    r.smin = r.smax = s64(v);
    r.umin = r.umax = v;
    r.s32min = r.s32max = lo32s(v);
    r.u32min = r.u32max = lo32u(v);
    return;
  }
  const bits = BigInt(size * 8);
  const topMax = (u64(r.smax) >> bits) << bits;
  const topMin = (u64(r.smin) >> bits) << bits;
  if (topMax !== topMin) {
    setSext64Default(r, size);
    return;
  }
  const a = sextBits(r.smax, size);
  const b = sextBits(r.smin, size);
  const hi = bmax(a, b);
  const lo = bmin(a, b);
  if ((hi >= 0n) === (lo >= 0n)) {
    r.smin = lo;
    r.s32min = lo32s(lo);
    r.smax = hi;
    r.s32max = lo32s(hi);
    r.umin = u64(lo);
    r.u32min = lo32u(lo);
    r.umax = u64(hi);
    r.u32max = lo32u(hi);
    r.var = tnumRange(u64(lo), u64(hi));
    return;
  }
  setSext64Default(r, size);
}

function setSext32Default(r: Reg, size: 1 | 2): void {
  r.s32min = size === 1 ? -0x80 : -0x8000;
  r.s32max = size === 1 ? 0x7f : 0x7fff;
  r.u32min = 0;
  r.u32max = U32_MAX;
  r.var = tnumSubreg(TNUM_UNKNOWN);
}

/** coerce_subreg_to_size_sx: sign-extend the low `size` bytes to 32 bits. */
function coerceSubregToSizeSx(r: Reg, size: 1 | 2): void {
  if (tnumIsConst(r.var)) {
    const v = u64(sextBits(r.var.value, size));
    r.var = tnumConst(v);
    r.s32min = r.s32max = lo32s(v);
    r.u32min = r.u32max = lo32u(v);
    return;
  }
  const bits = size * 8;
  const topMax = u32(u32(r.s32max) >>> bits << bits);
  const topMin = u32(u32(r.s32min) >>> bits << bits);
  if (topMax !== topMin) {
    setSext32Default(r, size);
    return;
  }
  const shift = 32 - bits;
  const a = (r.s32max << shift) >> shift;
  const b = (r.s32min << shift) >> shift;
  const hi = Math.max(a, b);
  const lo = Math.min(a, b);
  if ((lo >= 0) === (hi >= 0)) {
    r.s32min = lo;
    r.s32max = hi;
    r.u32min = u32(lo);
    r.u32max = u32(hi);
    r.var = tnumSubreg(tnumRange(u64(BigInt(lo)), u64(BigInt(hi))));
    return;
  }
  setSext32Default(r, size);
}

/** movsx: sign-extend the low `bits` (8/16/32) to 64 (is64) or to 32 then zero-extend. */
export function scalarSext(s: ScalarValue, bits: 8 | 16 | 32, is64: boolean): ScalarValue {
  const d = copy(s);
  if (is64) {
    // `r = (s8/s16/s32) r`: no bounds sync after the extension, as in the kernel
    coerceToSizeSx(d, (bits / 8) as 1 | 2 | 4);
    return d;
  }
  if (bits !== 32) coerceSubregToSizeSx(d, (bits / 8) as 1 | 2);
  zext32To64(d);
  boundsSync(d);
  return d;
}

/**
 * le/be/bswap of `bits`, as the kernel models it (truncation for le; unknown for swaps of non-constants).
 *
 * The 6.18.y kernel tracks byte swaps bit by bit (scalar_byte_swap): a swap (`bswap`, and `be` on
 * this little-endian target) permutes the bytes of the tnum and forgets the ranges; a 16- or
 * 32-bit form then truncates to its size (`le16`/`le32` only truncate, `le64` changes nothing);
 * bounds are then re-derived from the tnum. So a swapped constant stays a constant, and a
 * partially known value keeps its known bits (in their new places); a swap of an unknown value
 * is unknown (within its size).
 */
export function scalarByteSwap(s: ScalarValue, kind: 'le' | 'be' | 'bswap', bits: 16 | 32 | 64): ScalarValue {
  const d = copy(s);
  const needSwap = kind !== 'le';
  if (needSwap) {
    d.var = tnumBswap(d.var, (bits / 8) as 2 | 4 | 8);
    markUnbounded(d);
  }
  if (bits !== 64) coerceToSize(d, (bits / 8) as 2 | 4);
  boundsSync(d);
  return d;
}

/** Truncate to `size` bytes (coerce_reg_to_size), optionally sign-extending (coerce_reg_to_size_sx). */
export function scalarTruncate(s: ScalarValue, size: 1 | 2 | 4 | 8, signed: boolean): ScalarValue {
  if (size === 8) return s;
  const d = copy(s);
  if (signed) coerceToSizeSx(d, size);
  else coerceToSize(d, size);
  return d;
}

// ---------------------------------------------------------------------------------------------
// Conditional jumps: is_scalar_branch_taken and regs_refine_cond_op

/** The opcode of the other branch (rev_opcode); jset's negation is called 'jnset' here. */
type RefineOp = ScalarJmpOp | 'jnset';

function reverseOp(op: ScalarJmpOp): RefineOp {
  switch (op) {
    case 'jeq': return 'jne';
    case 'jne': return 'jeq';
    case 'jgt': return 'jle';
    case 'jle': return 'jgt';
    case 'jge': return 'jlt';
    case 'jlt': return 'jge';
    case 'jsgt': return 'jsle';
    case 'jsle': return 'jsgt';
    case 'jsge': return 'jslt';
    case 'jslt': return 'jsge';
    case 'jset': return 'jnset';
  }
}

const isRegConst = (r: ScalarValue, is32: boolean): boolean =>
  is32 ? tnumSubregIsConst(r.var) : tnumIsConst(r.var);
const regConstValue = (r: ScalarValue, is32: boolean): bigint =>
  is32 ? r.var.value & U32_MASK : r.var.value;

/** Kernel is_branch_taken: 1 = always taken, 0 = never taken, -1 = unknown. */
export function scalarBranchTaken(op: ScalarJmpOp, a: ScalarValue, b: ScalarValue, is64: boolean): 1 | 0 | -1 {
  const is32 = !is64;
  let t1 = is32 ? tnumSubreg(a.var) : a.var;
  let t2 = is32 ? tnumSubreg(b.var) : b.var;
  const umin1 = is32 ? BigInt(a.u32min) : a.umin;
  const umax1 = is32 ? BigInt(a.u32max) : a.umax;
  const smin1 = is32 ? BigInt(a.s32min) : a.smin;
  const smax1 = is32 ? BigInt(a.s32max) : a.smax;
  const umin2 = is32 ? BigInt(b.u32min) : b.umin;
  const umax2 = is32 ? BigInt(b.u32max) : b.umax;
  const smin2 = is32 ? BigInt(b.s32min) : b.smin;
  const smax2 = is32 ? BigInt(b.s32max) : b.smax;

  switch (op) {
    case 'jeq':
    case 'jne': {
      const eq = op === 'jeq';
      if (tnumIsConst(t1) && tnumIsConst(t2)) return (t1.value === t2.value) === eq ? 1 : 0;
      const differ = eq ? 0 : 1;
      if (umin1 > umax2 || umax1 < umin2) return differ;
      if (smin1 > smax2 || smax1 < smin2) return differ;
      if (!is32) {
        if (a.u32min > b.u32max || a.u32max < b.u32min) return differ;
        if (a.s32min > b.s32max || a.s32max < b.s32min) return differ;
      }
      // bits known in both operands that disagree
      if (!tnumOverlap(t1, t2)) return differ;
      return -1;
    }
    case 'jset': {
      let r2 = b;
      if (!isRegConst(r2, is32)) {
        r2 = a;
        const t = t1;
        t1 = t2;
        t2 = t;
      }
      if (!isRegConst(r2, is32)) return -1;
      if ((~t1.mask & t1.value) & t2.value) return 1;
      if (!((t1.mask | t1.value) & t2.value)) return 0;
      return -1;
    }
    case 'jgt':
      if (umin1 > umax2) return 1;
      if (umax1 <= umin2) return 0;
      return -1;
    case 'jsgt':
      if (smin1 > smax2) return 1;
      if (smax1 <= smin2) return 0;
      return -1;
    case 'jlt':
      if (umax1 < umin2) return 1;
      if (umin1 >= umax2) return 0;
      return -1;
    case 'jslt':
      if (smax1 < smin2) return 1;
      if (smin1 >= smax2) return 0;
      return -1;
    case 'jge':
      if (umin1 >= umax2) return 1;
      if (umax1 < umin2) return 0;
      return -1;
    case 'jsge':
      if (smin1 >= smax2) return 1;
      if (smax1 < smin2) return 0;
      return -1;
    case 'jle':
      if (umax1 <= umin2) return 1;
      if (umin1 > umax2) return 0;
      return -1;
    case 'jsle':
      if (smax1 <= smin2) return 1;
      if (smin1 > smax2) return 0;
      return -1;
  }
}

/** regs_refine_cond_op on two working copies. */
function refineCondOp(r1: Reg, r2: Reg, op: RefineOp, is32: boolean): void {
  // GE/GT/SGE/SGT reuse LE/LT/SLE/SLT with the operands swapped
  switch (op) {
    case 'jge': op = 'jle'; [r1, r2] = [r2, r1]; break;
    case 'jgt': op = 'jlt'; [r1, r2] = [r2, r1]; break;
    case 'jsge': op = 'jsle'; [r1, r2] = [r2, r1]; break;
    case 'jsgt': op = 'jslt'; [r1, r2] = [r2, r1]; break;
    default: break;
  }
  switch (op) {
    case 'jeq':
      if (is32) {
        r1.u32min = Math.max(r1.u32min, r2.u32min);
        r1.u32max = Math.min(r1.u32max, r2.u32max);
        r1.s32min = Math.max(r1.s32min, r2.s32min);
        r1.s32max = Math.min(r1.s32max, r2.s32max);
        r2.u32min = r1.u32min;
        r2.u32max = r1.u32max;
        r2.s32min = r1.s32min;
        r2.s32max = r1.s32max;
        const t = tnumIntersect(tnumSubreg(r1.var), tnumSubreg(r2.var));
        r1.var = tnumWithSubreg(r1.var, t);
        r2.var = tnumWithSubreg(r2.var, t);
      } else {
        r1.umin = bmax(r1.umin, r2.umin);
        r1.umax = bmin(r1.umax, r2.umax);
        r1.smin = bmax(r1.smin, r2.smin);
        r1.smax = bmin(r1.smax, r2.smax);
        r2.umin = r1.umin;
        r2.umax = r1.umax;
        r2.smin = r1.smin;
        r2.smax = r1.smax;
        r1.var = tnumIntersect(r1.var, r2.var);
        r2.var = r1.var;
      }
      break;
    case 'jne': {
      if (!isRegConst(r2, is32)) [r1, r2] = [r2, r1];
      if (!isRegConst(r2, is32)) break;
      // a constant at the very edge of the other range shrinks it by one
      const val = regConstValue(r2, is32);
      if (is32) {
        const uv = lo32u(val);
        const sv = lo32s(val);
        if (r1.u32min === uv) r1.u32min = u32(r1.u32min + 1);
        if (r1.u32max === uv) r1.u32max = u32(r1.u32max - 1);
        if (r1.s32min === sv) r1.s32min = s32(r1.s32min + 1);
        if (r1.s32max === sv) r1.s32max = s32(r1.s32max - 1);
      } else {
        const sv = s64(val);
        if (r1.umin === val) r1.umin = u64(r1.umin + 1n);
        if (r1.umax === val) r1.umax = u64(r1.umax - 1n);
        if (r1.smin === sv) r1.smin = s64(r1.smin + 1n);
        if (r1.smax === sv) r1.smax = s64(r1.smax - 1n);
      }
      break;
    }
    case 'jset': {
      if (!isRegConst(r2, is32)) [r1, r2] = [r2, r1];
      if (!isRegConst(r2, is32)) break;
      const val = regConstValue(r2, is32);
      // only a single-bit test tells which bit is set
      if (val === 0n || (val & (val - 1n)) !== 0n) break;
      if (is32) {
        const t = tnumOr(tnumSubreg(r1.var), tnumConst(val));
        r1.var = tnumWithSubreg(r1.var, t);
      } else {
        r1.var = tnumOr(r1.var, tnumConst(val));
      }
      break;
    }
    case 'jnset': {
      if (!isRegConst(r2, is32)) [r1, r2] = [r2, r1];
      if (!isRegConst(r2, is32)) break;
      const val = regConstValue(r2, is32);
      // the ranges are forgotten before narrowing the tnum (avoids contradictions on dead paths)
      markUnbounded(r1);
      if (is32) {
        const t = tnumAnd(tnumSubreg(r1.var), tnumConst(~val & U64_MASK));
        r1.var = tnumWithSubreg(r1.var, t);
      } else {
        r1.var = tnumAnd(r1.var, tnumConst(~val & U64_MASK));
      }
      break;
    }
    case 'jle':
      if (is32) {
        r1.u32max = Math.min(r1.u32max, r2.u32max);
        r2.u32min = Math.max(r1.u32min, r2.u32min);
      } else {
        r1.umax = bmin(r1.umax, r2.umax);
        r2.umin = bmax(r1.umin, r2.umin);
      }
      break;
    case 'jlt':
      if (is32) {
        r1.u32max = Math.min(r1.u32max, u32(r2.u32max - 1));
        r2.u32min = Math.max(u32(r1.u32min + 1), r2.u32min);
      } else {
        r1.umax = bmin(r1.umax, u64(r2.umax - 1n));
        r2.umin = bmax(u64(r1.umin + 1n), r2.umin);
      }
      break;
    case 'jsle':
      if (is32) {
        r1.s32max = Math.min(r1.s32max, r2.s32max);
        r2.s32min = Math.max(r1.s32min, r2.s32min);
      } else {
        r1.smax = bmin(r1.smax, r2.smax);
        r2.smin = bmax(r1.smin, r2.smin);
      }
      break;
    case 'jslt':
      if (is32) {
        r1.s32max = Math.min(r1.s32max, s32(r2.s32max - 1));
        r2.s32min = Math.max(s32(r1.s32min + 1), r2.s32min);
      } else {
        r1.smax = bmin(r1.smax, s64(r2.smax - 1n));
        r2.smin = bmax(s64(r1.smin + 1n), r2.smin);
      }
      break;
    default:
      break;
  }
}

/**
 * reg_bounds_sanity_check: the kernel's description of an inconsistent (empty) abstract value,
 * or null when the value is consistent. Added export.
 */
export function scalarInvariantViolation(s: ScalarValue): string | null {
  if (s.umin > s.umax || s.smin > s.smax || s.u32min > s.u32max || s.s32min > s.s32max) {
    return 'range bounds violation';
  }
  if (tnumIsConst(s.var)) {
    const uv = s.var.value;
    const sv = s64(uv);
    if (s.umin !== uv || s.umax !== uv || s.smin !== sv || s.smax !== sv) {
      return 'const tnum out of sync with range bounds';
    }
  }
  if (tnumSubregIsConst(s.var)) {
    const uv = lo32u(s.var.value);
    const sv = uv | 0;
    if (s.u32min !== uv || s.u32max !== uv || s.s32min !== sv || s.s32max !== sv) {
      return 'const subreg tnum out of sync with range bounds';
    }
  }
  return null;
}

/** Result of scalarRefineKernel. Added export. */
export interface ScalarRefinement {
  /** The refined operands, as the kernel continues with them. */
  readonly a: ScalarValue;
  readonly b: ScalarValue;
  /**
   * Set when a refined operand came out inconsistent, i.e. the assumed outcome is impossible but
   * the kernel did not predict it: the kernel then logs one line per inconsistent operand,
   * `verifier bug: REG INVARIANTS VIOLATION (true_reg1): range bounds violation u64=[...] ...`
   * (this holds those lines without the `verifier bug: ` prefix, joined by newlines), forgets that
   * operand's bounds (keeping its tnum) and explores the branch anyway. The kernel checks the
   * taken branch's operands first, then the fall-through's.
   */
  readonly violation: string | null;
}

/**
 * Refinement exactly as the kernel performs it on one branch, including its recovery from
 * inconsistent results (see ScalarRefinement.violation). `b === null` means the second operand is
 * the same register as the first (`if r1 > r1`): the kernel then refines one register twice over
 * (see scalarRefineSameReg) and the result has a === b. Added export.
 */
export function scalarRefineKernel(
  op: ScalarJmpOp, a: ScalarValue, b: ScalarValue | null, is64: boolean, taken: boolean,
): ScalarRefinement {
  const r1 = copy(a);
  const r2 = b === null ? r1 : copy(b);
  refineCondOp(r1, r2, taken ? op : reverseOp(op), !is64);
  boundsSync(r1);
  boundsSync(r2);
  const lines: string[] = [];
  const names = taken ? ['true_reg1', 'true_reg2'] : ['false_reg1', 'false_reg2'];
  const v1 = scalarInvariantViolation(r1);
  if (v1) {
    lines.push(`REG INVARIANTS VIOLATION (${names[0]}): ${v1} ${describeBounds(r1)}`);
    markUnbounded(r1);
  }
  const v2 = scalarInvariantViolation(r2);
  if (v2) {
    lines.push(`REG INVARIANTS VIOLATION (${names[1]}): ${v2} ${describeBounds(r2)}`);
    markUnbounded(r2);
  }
  return { a: r1, b: r2, violation: lines.length ? lines.join('\n') : null };
}

function describeBounds(r: ScalarValue): string {
  const h = (x: bigint | number): string => `0x${BigInt.asUintN(64, BigInt(x)).toString(16)}`;
  const h32 = (x: number): string => `0x${u32(x).toString(16)}`;
  return `u64=[${h(r.umin)}, ${h(r.umax)}] s64=[${h(r.smin)}, ${h(r.smax)}] ` +
    `u32=[${h32(r.u32min)}, ${h32(r.u32max)}] s32=[${h32(r.s32min)}, ${h32(r.s32max)}] ` +
    `var_off=(${h(r.var.value)}, ${h(r.var.mask)})`;
}

/**
 * Refine both operands assuming the comparison `a op b` is `taken` (true) or not (false), as the
 * kernel's reg_set_min_max / regs_refine_cond_op + reg_bounds_sync. Returns null when the
 * assumption is impossible (the branch is dead).
 *
 * "Impossible" is what the kernel's invariant check detects (see scalarRefineKernel for what the
 * kernel then does). For an immediate operand pass scalarConst(imm sign-extended to 64 bits).
 */
export function scalarRefine(
  op: ScalarJmpOp, a: ScalarValue, b: ScalarValue, is64: boolean, taken: boolean,
): [ScalarValue, ScalarValue] | null {
  const r1 = copy(a);
  const r2 = copy(b);
  refineCondOp(r1, r2, taken ? op : reverseOp(op), !is64);
  boundsSync(r1);
  boundsSync(r2);
  if (scalarInvariantViolation(r1) || scalarInvariantViolation(r2)) return null;
  return [r1, r2];
}

/**
 * Refinement of a comparison of a register with itself (`if r1 > r1`). The kernel does not
 * special-case it: it refines "both" operands, which are the same register, so the two updates
 * compound (the taken side of `r1 > r1` comes out as [umin+1, umax-1]). Returns null when the
 * result is inconsistent (see scalarRefine). Added export.
 */
export function scalarRefineSameReg(
  op: ScalarJmpOp, a: ScalarValue, is64: boolean, taken: boolean,
): ScalarValue | null {
  const r = copy(a);
  refineCondOp(r, r, taken ? op : reverseOp(op), !is64);
  boundsSync(r);
  boundsSync(r);
  return scalarInvariantViolation(r) ? null : r;
}

/**
 * maybe_fork_scalars: before `dst &= K` / `dst |= K` (K a 64-bit constant) the kernel splits a
 * destination whose signed range is exactly [-1, 0] (64-bit bounds, or else 32-bit bounds) into
 * its two values: it pushes a branch that re-executes the same instruction with dst = 0 (`pushed`)
 * and continues the current path with dst = -1 (`current`, then apply scalarAlu to it). For a
 * 32-bit match only the low half is set (the upper half keeps its tnum). Returns null when the
 * kernel does not fork. Added export: the engine calls it before scalarAlu for 'and'/'or'.
 */
export function scalarAluFork(
  op: ScalarAluOp, dst: ScalarValue, src: ScalarValue,
): { current: ScalarValue; pushed: ScalarValue } | null {
  if ((op !== 'and' && op !== 'or') || !tnumIsConst(src.var)) return null;
  const current = copy(dst);
  const pushed = copy(dst);
  if (dst.smin === -1n && dst.smax === 0n) {
    markKnown(pushed, 0n);
    markKnown(current, U64_MAX);
  } else if (dst.s32min === -1 && dst.s32max === 0) {
    markKnown32(pushed, 0n);
    markKnown32(current, U32_MASK);
  } else {
    return null;
  }
  return { current, pushed };
}

// ---------------------------------------------------------------------------------------------
// State comparison

/** Pruning: every concrete value of `cur` is also a value of `old` (range_within && tnum_in). */
export function scalarWithin(old: ScalarValue, cur: ScalarValue): boolean {
  return old.umin <= cur.umin &&
    old.umax >= cur.umax &&
    old.smin <= cur.smin &&
    old.smax >= cur.smax &&
    old.u32min <= cur.u32min &&
    old.u32max >= cur.u32max &&
    old.s32min <= cur.s32min &&
    old.s32max >= cur.s32max &&
    tnumIn(old.var, cur.var);
}
/** Equality of all fields. */
export function scalarEquals(a: ScalarValue, b: ScalarValue): boolean {
  return a === b || (
    a.var.value === b.var.value &&
    a.var.mask === b.var.mask &&
    a.smin === b.smin &&
    a.smax === b.smax &&
    a.umin === b.umin &&
    a.umax === b.umax &&
    a.s32min === b.s32min &&
    a.s32max === b.s32max &&
    a.u32min === b.u32min &&
    a.u32max === b.u32max
  );
}

// ---------------------------------------------------------------------------------------------
// Kernel log notation (kernel/bpf/log.c)

/** verbose_unum: decimal up to 65535, else 0x-hex. Added export. */
export function formatUnum(v: bigint): string {
  const x = u64(v);
  return x <= 0xffffn ? x.toString() : `0x${x.toString(16)}`;
}
/** verbose_snum: decimal in [-32768, 32767], else 0x-hex of the 64-bit pattern. Added export. */
export function formatSnum(v: bigint): string {
  const x = s64(v);
  return x >= -0x8000n && x <= 0x7fffn ? x.toString() : `0x${u64(x).toString(16)}`;
}

/**
 * print_scalar_ranges followed by `var_off=...`: the comma-separated bounds of a non-constant
 * value, as printed inside `scalar(...)` and after the other attributes of a pointer with a
 * variable offset (`pkt(id=4,off=14,r=0,smin=...,var_off=(0x0; 0x3c))`). Empty for an unknown
 * value. Added export.
 */
export function formatScalarRanges(s: ScalarValue): string {
  // The 32-bit signed bounds are compared/printed sign-extended only when they print as decimal.
  const smallS = (x: number): boolean => x >= -0x8000 && x <= 0x7fff;
  const sm32 = smallS(s.s32min) ? u64(BigInt(s.s32min)) : BigInt(u32(s.s32min));
  const sx32 = smallS(s.s32max) ? u64(BigInt(s.s32max)) : BigInt(u32(s.s32max));
  const names = ['smin', 'smax', 'umin', 'umax', 'smin32', 'smax32', 'umin32', 'umax32'];
  const vals = [u64(s.smin), u64(s.smax), s.umin, s.umax, sm32, sx32, BigInt(s.u32min), BigInt(s.u32max)];
  const omit = [
    s.smin === S64_MIN, s.smax === S64_MAX, s.umin === 0n, s.umax === U64_MAX,
    s.s32min === S32_MIN, s.s32max === S32_MAX, s.u32min === 0, s.u32max === U32_MAX,
  ];
  const parts: string[] = [];
  for (let i = 0; i < 8; i++) {
    if (omit[i]) continue;
    const signed = names[i]![0] === 's';
    const neg1 = signed && s64(vals[i]!) < 0n;
    let text = `${names[i]}=`;
    for (let j = i + 2; j < 8; j += 2) {
      if (omit[j] || vals[j] !== vals[i]) continue;
      const neg2 = names[j]![0] === 's' && s64(vals[j]!) < 0n;
      if (neg2 !== neg1) continue;
      omit[j] = true;
      text += `${names[j]}=`;
    }
    text += signed ? formatSnum(vals[i]!) : formatUnum(vals[i]!);
    parts.push(text);
  }
  if (!tnumIsUnknown(s.var)) parts.push(`var_off=${tnumToString(s.var)}`);
  return parts.join(',');
}

/**
 * Kernel log notation of a scalar, as print_scalar_ranges/verbose_snum in Linux 6.18 print it:
 * a constant prints as its value (`1`, `-4`, `0xffffffff` per the kernel's rules), otherwise
 * `scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))` with the kernel's
 * merging of equal bounds and omission of default ones. `id` (if non-zero) is printed first by
 * the caller's choice: pass it here.
 */
export function formatScalar(s: ScalarValue, id?: number): string {
  return formatScalarWith(s, { id });
}

/**
 * formatScalar with the other attributes the kernel prints for a scalar register: `precise`
 * prefixes `P` (`P5`, `Pscalar(...)`, as in the mark_precise lines), and `addConst` is the delta
 * of a register linked by `rX += K` (BPF_ADD_CONST), printed after the id: `scalar(id=4+5,...)`.
 * Added export.
 */
export function formatScalarWith(
  s: ScalarValue, opts: { id?: number | undefined; precise?: boolean; addConst?: number },
): string {
  const p = opts.precise ? 'P' : '';
  if (s.var.mask === 0n) return p + formatSnum(s.var.value);
  const body = formatScalarRanges(s);
  let idPart = opts.id ? `id=${opts.id}` : '';
  if (idPart && opts.addConst !== undefined) idPart += opts.addConst >= 0 ? `+${opts.addConst}` : `${opts.addConst}`;
  return `${p}scalar(${idPart}${idPart && body ? ',' : ''}${body})`;
}

// ---------------------------------------------------------------------------------------------
// Notes on the model
//
// The reference is the verifier of the Linux 6.18.y kernel this project runs on (6.18.44), whose
// log_level 2 output was compared register by register with this model on tens of thousands of
// random programs (ALU64/ALU32 with immediates and registers, movs, movsx, byte swaps, every
// conditional jump at 64 and 32 bits). 6.18.y carries several verifier changes made after 6.18.0,
// and they are modelled because the running kernel has them:
// * reg_bounds_sync runs the deduction step (32-bit, 64-bit, mixed) three times; the deductions
//   include the s64 sign-boundary refinement and its s32 counterpart;
// * __update_reg64_bounds collapses a value to a constant when its u64 range and its tnum have a
//   single member in common (tnum_step);
// * JEQ/JNE are also predicted from disagreeing known bits (tnum_overlap);
// * `<< 32` maps the s32 bounds to s64 bounds whatever their sign;
// * BPF_END is tracked bit by bit (scalar_byte_swap);
// * AND/OR of a [-1, 0] value with a constant forks the state (scalarAluFork);
// * tnum multiplication is the per-bit "union" algorithm.
// Division and modulo are not tracked (unknown 64-bit result). Not modelled here (engine
// matters): register ids and linked-register propagation (the kernel only updates linked
// registers that are live), precision marks, pointer arithmetic bounds.
