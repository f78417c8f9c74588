// The verifier's abstract scalar domain (src/verifier/scalar.ts, src/verifier/tnum.ts).
//
// * Examples: the expected scalar strings below were produced by the Linux 6.18 verifier of this
//   machine (log_level 2 state after the corresponding instruction), except where noted; the tnum
//   examples are computed by hand from the tnum rules.
// * Soundness: random abstract values built from random sets of concrete values; every concrete
//   result of an operation on members must be a member of the abstract result, refinements must
//   keep every pair that satisfies the branch condition, and branch prediction must never be wrong.

import { describe, expect, it } from 'vitest';
import {
  type ScalarAluOp, type ScalarJmpOp, type ScalarValue,
  formatScalar, formatScalarRanges, formatScalarWith, formatSnum, formatUnum,
  scalarAlu, scalarAluFork, scalarBoundsSync, scalarBranchTaken, scalarByteSwap, scalarConst,
  scalarConstValue, scalarContains, scalarEquals, scalarFrom, scalarFromTnum,
  scalarInvariantViolation, scalarIsConst32, scalarNeg, scalarOfSize, scalarRefine,
  scalarRefineKernel, scalarRefineSameReg, scalarSRange, scalarSext, scalarTruncate, scalarURange,
  scalarUnknown, scalarWithin, scalarZext32,
} from '../src/verifier/scalar.js';
import {
  TNUM_UNKNOWN, tnum, tnumAdd, tnumAnd, tnumArshift, tnumBswap, tnumCast, tnumClearSubreg,
  tnumConst, tnumConstSubreg, tnumContains, tnumIn, tnumIntersect, tnumLshift, tnumMul, tnumNeg,
  tnumOr, tnumOverlap, tnumRange, tnumRshift, tnumStep, tnumSub, tnumSubreg, tnumToString,
  tnumUnion, tnumWithSubreg, tnumXor,
} from '../src/verifier/tnum.js';

const U64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const S64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const U32 = (x: bigint): bigint => BigInt.asUintN(32, x);
const S32 = (x: bigint): bigint => BigInt.asIntN(32, x);

const f = (s: ScalarValue): string => formatScalar(s);
const K = (v: bigint | number): ScalarValue => scalarConst(BigInt(v));
const alu = (op: ScalarAluOp, a: ScalarValue, b: ScalarValue | number, is64 = true): ScalarValue =>
  scalarAlu(op, a, typeof b === 'number' ? K(b) : b, is64);

const U8 = scalarOfSize(1, false);
const U16 = scalarOfSize(2, false);
const UNK = scalarUnknown();

// ------------------------------------------------------------------------------------------------
describe('tnum', () => {
  it('builds constants and ranges', () => {
    expect(tnumConst(-1n)).toEqual({ value: U64(-1n), mask: 0n });
    expect(tnumRange(0n, 15n)).toEqual({ value: 0n, mask: 15n });
    expect(tnumRange(5n, 8n)).toEqual({ value: 0n, mask: 15n });
    expect(tnumRange(0x10n, 0x13n)).toEqual({ value: 0x10n, mask: 3n });
    expect(tnumRange(7n, 7n)).toEqual({ value: 7n, mask: 0n });
    expect(tnumRange(0n, U64(-1n))).toEqual(TNUM_UNKNOWN);
    expect(tnumToString(tnum(0n, 0xffn))).toBe('(0x0; 0xff)');
  });

  it('adds, subtracts and negates', () => {
    expect(tnumAdd(tnum(0n, 0xfn), tnum(1n, 0n))).toEqual({ value: 0n, mask: 0x1fn });
    expect(tnumAdd(tnumConst(3n), tnumConst(4n))).toEqual(tnumConst(7n));
    expect(tnumAdd(tnum(0x10n, 0x1n), tnumConst(0x10n))).toEqual({ value: 0x20n, mask: 1n });
    expect(tnumSub(tnumConst(10n), tnumConst(3n))).toEqual(tnumConst(7n));
    expect(tnumSub(tnumConst(0n), tnumConst(1n))).toEqual(tnumConst(U64(-1n)));
    expect(tnumNeg(tnum(0n, 1n))).toEqual({ value: 0n, mask: U64(-1n) });
    expect(tnumNeg(tnumConst(5n))).toEqual(tnumConst(U64(-5n)));
  });

  it('does bitwise operations', () => {
    const a = tnum(0b1000n, 0b0110n); // 1xx0
    const b = tnum(0b0011n, 0b1000n); // x011
    expect(tnumAnd(a, b)).toEqual({ value: 0n, mask: 0b1010n });
    expect(tnumOr(a, b)).toEqual({ value: 0b1011n, mask: 0b0100n });
    expect(tnumXor(a, b)).toEqual({ value: 0b0001n, mask: 0b1110n });
    expect(tnumAnd(TNUM_UNKNOWN, tnumConst(15n))).toEqual({ value: 0n, mask: 15n });
  });

  it('multiplies as the 6.18 kernel (per-bit union)', () => {
    expect(tnumMul(tnumConst(6n), tnumConst(7n))).toEqual(tnumConst(42n));
    // {0,1} * 6: "not added" and "added" joined: {0, 6} -> (0; 0x6)
    expect(tnumMul(tnum(0n, 1n), tnumConst(6n))).toEqual({ value: 0n, mask: 6n });
    expect(tnumMul(tnum(0n, 0xffn), tnum(0n, 0xfn))).toEqual({ value: 0n, mask: 0xfffn });
  });

  it('shifts', () => {
    expect(tnumLshift(tnum(1n, 0xf0n), 4)).toEqual({ value: 0x10n, mask: 0xf00n });
    expect(tnumLshift(tnumConst(1n << 63n), 1)).toEqual(tnumConst(0n));
    expect(tnumRshift(tnum(0x10n, 0xf00n), 4)).toEqual({ value: 1n, mask: 0xf0n });
    expect(tnumArshift(tnumConst(U64(-16n)), 2, 64)).toEqual(tnumConst(U64(-4n)));
    expect(tnumArshift(tnumConst(0xfffffff0n), 2, 32)).toEqual(tnumConst(0xfffffffcn));
    expect(tnumArshift(tnum(0n, 1n << 63n), 60, 64)).toEqual({ value: 0n, mask: 0xfffffffffffffff8n });
  });

  it('intersects, casts, and handles the 32-bit half', () => {
    expect(tnumIntersect(tnum(0n, 0xffn), tnum(0x10n, 0x0fn))).toEqual({ value: 0x10n, mask: 0x0fn });
    expect(tnumCast(tnumConst(0x1234n), 1)).toEqual(tnumConst(0x34n));
    const t = tnum(0x1_0000_0005n, 0xf0_0000_00f0n);
    expect(tnumSubreg(t)).toEqual({ value: 5n, mask: 0xf0n });
    expect(tnumClearSubreg(t)).toEqual({ value: 0x1_0000_0000n, mask: 0xf0_0000_0000n });
    expect(tnumWithSubreg(t, tnumConst(7n))).toEqual({ value: 0x1_0000_0007n, mask: 0xf0_0000_0000n });
    expect(tnumConstSubreg(TNUM_UNKNOWN, 9n)).toEqual({ value: 9n, mask: 0xffffffff00000000n });
  });

  it('tests inclusion and overlap', () => {
    expect(tnumIn(tnum(0n, 0xffn), tnum(0x10n, 0x0fn))).toBe(true);
    expect(tnumIn(tnum(0x10n, 0x0fn), tnum(0n, 0xffn))).toBe(false);
    expect(tnumIn(TNUM_UNKNOWN, tnumConst(123n))).toBe(true);
    expect(tnumOverlap(tnum(0n, 0xf0n), tnumConst(5n))).toBe(false);
    expect(tnumOverlap(tnum(0n, 0xf0n), tnumConst(0x50n))).toBe(true);
  });

  it('swaps bytes', () => {
    expect(tnumBswap(tnumConst(0x12345678n), 2)).toEqual(tnumConst(0x7856n));
    expect(tnumBswap(tnumConst(0x12345678n), 4)).toEqual(tnumConst(0x78563412n));
    expect(tnumBswap(tnum(0n, 0xff0n), 2)).toEqual({ value: 0n, mask: 0xf00fn });
    expect(tnumBswap(tnumConst(0x0102030405060708n), 8)).toEqual(tnumConst(0x0807060504030201n));
  });

  it('steps to the next member (tnum_step), checked by enumeration', () => {
    const rnd = rng(7n);
    for (let i = 0; i < 200; i++) {
      const mask = rnd() & 0xffn;
      const value = rnd() & 0xffn & ~mask;
      const t = tnum(value << 2n, mask << 2n);
      const members: bigint[] = [];
      for (let x = 0n; x < 1n << 10n; x++) if (tnumContains(t, x)) members.push(x);
      const tmax = t.value | t.mask;
      for (let k = 0; k < 10; k++) {
        const z = rnd() & 0x3ffn;
        const expected = z >= tmax ? tmax : z < t.value ? t.value : members.find((m) => m > z)!;
        expect(tnumStep(t, z)).toBe(expected);
      }
    }
  });

  it('is sound for every binary operation on random members', () => {
    const rnd = rng(11n);
    const members = (t: ReturnType<typeof tnum>): bigint => t.value | (rnd() & t.mask);
    for (let i = 0; i < 250; i++) {
      const a = randomTnum(rnd);
      const b = randomTnum(rnd);
      for (let k = 0; k < 4; k++) {
        const x = members(a);
        const y = members(b);
        expect(tnumContains(tnumAdd(a, b), x + y)).toBe(true);
        expect(tnumContains(tnumSub(a, b), x - y)).toBe(true);
        expect(tnumContains(tnumMul(a, b), x * y)).toBe(true);
        expect(tnumContains(tnumAnd(a, b), x & y)).toBe(true);
        expect(tnumContains(tnumOr(a, b), x | y)).toBe(true);
        expect(tnumContains(tnumXor(a, b), x ^ y)).toBe(true);
        expect(tnumContains(tnumNeg(a), -x)).toBe(true);
        expect(tnumContains(tnumUnion(a, b), x)).toBe(true);
        expect(tnumContains(tnumUnion(a, b), y)).toBe(true);
      }
    }
  });
});

// ------------------------------------------------------------------------------------------------
describe('loads, constants and the kernel log notation', () => {
  it('prints loads of each size as the kernel does', () => {
    expect(f(U8)).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
    expect(f(U16)).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))');
    expect(f(scalarOfSize(4, false))).toBe('scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))');
    expect(f(scalarOfSize(8, false))).toBe('scalar()');
    expect(f(scalarOfSize(1, true))).toBe('scalar(smin=smin32=-128,smax=smax32=127)');
    expect(f(scalarOfSize(2, true))).toBe('scalar(smin=smin32=-32768,smax=smax32=32767)');
    expect(f(scalarOfSize(4, true))).toBe('scalar(smin=0xffffffff80000000,smax=0x7fffffff)');
  });

  it('prints constants with verbose_snum', () => {
    expect(f(K(2))).toBe('2');
    expect(f(K(2304))).toBe('2304');
    expect(f(K(-1))).toBe('-1');
    expect(f(K(-32768))).toBe('-32768');
    expect(f(K(-32769))).toBe('0xffffffffffff7fff');
    expect(f(K(40000))).toBe('0x9c40');
    expect(f(K(65535))).toBe('0xffff');
    expect(f(K(0xffffffffn))).toBe('0xffffffff');
    expect(f(K(0x12345678))).toBe('0x12345678');
    expect(formatSnum(32767n)).toBe('32767');
    expect(formatUnum(65535n)).toBe('65535');
    expect(formatUnum(65536n)).toBe('0x10000');
  });

  // (hand-computed from log.c's print_scalar_ranges rules: such inconsistent values are not
  // produced by the verifier, but they exercise each rule)
  it('merges equal bounds, omits defaults, and keeps negative and positive apart', () => {
    // a lone umax prints with verbose_unum (decimal up to 65535)
    const s = scalarFrom({ smin: -5n, smax: 100n, umin: 1000n, umax: 60000n, s32min: -5, s32max: 100 }, false);
    expect(formatScalarRanges(s)).toBe('smin=smin32=-5,smax=smax32=100,umin=1000,umax=60000');
    // smin32 prints sign-extended only when decimal; otherwise as its u32 pattern
    const t = scalarFrom({ smin: -100000n, s32min: -100000 }, false);
    expect(formatScalarRanges(t)).toBe('smin=0xfffffffffffe7960,smin32=0xfffe7960');
    expect(formatScalar(U8, 3)).toBe('scalar(id=3,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
    expect(formatScalar(UNK, 2)).toBe('scalar(id=2)');
    expect(formatScalar(K(7), 2)).toBe('7');
    expect(formatScalarWith(U8, { id: 4, addConst: 5 })).toBe('scalar(id=4+5,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
    expect(formatScalarWith(U8, { precise: true })).toBe('Pscalar(smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
    expect(formatScalarWith(K(5), { precise: true, id: 1 })).toBe('P5');
  });
});

// ------------------------------------------------------------------------------------------------
describe('ALU operations (outputs of the 6.18 kernel log)', () => {
  it('and / or / xor / shifts', () => {
    expect(f(alu('and', UNK, 15))).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=15,var_off=(0x0; 0xf))');
    const hi = alu('lsh', U8, 8);
    expect(f(hi)).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=0xff00,var_off=(0x0; 0xff00))');
    expect(f(alu('or', hi, U8))).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffff,var_off=(0x0; 0xffff))');
    const x4 = alu('lsh', U8, 2);
    expect(f(x4)).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=1020,var_off=(0x0; 0x3fc))');
    expect(f(alu('and', x4, 60))).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=60,var_off=(0x0; 0x3c))');
    expect(f(alu('and', U16, 768))).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=768,var_off=(0x0; 0x300))');
    const x = alu('xor', alu('and', UNK, 0xf0), 0xff);
    expect(f(x)).toBe('scalar(smin=umin=smin32=umin32=15,smax=umax=smax32=umax32=255,var_off=(0xf; 0xf0))');
    expect(f(alu('or', x, 0x100))).toBe('scalar(smin=umin=smin32=umin32=271,smax=umax=smax32=umax32=511,var_off=(0x10f; 0xf0))');
    expect(f(alu('rsh', UNK, 40))).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=0xffffff,var_off=(0x0; 0xffffff))');
    expect(f(alu('rsh', UNK, 4, false))).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=0xfffffff,var_off=(0x0; 0xfffffff))');
  });

  it('the <<32 s>>32 sign-extension idiom', () => {
    const a = alu('lsh', alu('and', UNK, 0xfff), 32);
    expect(f(a)).toBe('scalar(smin=smin32=0,smax=umax=0xfff00000000,smax32=umax32=0,var_off=(0x0; 0xfff00000000))');
    expect(f(alu('arsh', a, 32))).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=4095,var_off=(0x0; 0xfff))');
    const b = alu('lsh', scalarZext32(UNK), 32);
    expect(f(b)).toBe('scalar(smax=0x7fffffff00000000,umax=0xffffffff00000000,smin32=0,smax32=umax32=0,var_off=(0x0; 0xffffffff00000000))');
    expect(f(alu('arsh', b, 32))).toBe('scalar(smin=0xffffffff80000000,smax=0x7fffffff)');
  });

  it('arithmetic shift of sign-extended values', () => {
    const s8 = scalarSext(UNK, 8, true);
    expect(f(s8)).toBe('scalar(smin=smin32=-128,smax=smax32=127)');
    expect(f(alu('arsh', s8, 2))).toBe('scalar(smin=smin32=-32,smax=smax32=31)');
    const s16 = scalarSext(UNK, 16, true);
    expect(f(alu('arsh', s16, 4, false))).toBe('scalar(smin=0,smax=umax=0xffffffff,smin32=-2048,smax32=2047,var_off=(0x0; 0xffffffff))');
  });

  it('add / sub / mul', () => {
    const u4 = alu('and', UNK, 15);
    const p = alu('mul', U8, u4);
    expect(f(p)).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=3825,var_off=(0x0; 0xfff))');
    expect(f(alu('mul', p, -3))).toBe('scalar(smin=smin32=-11475,smax=smax32=0)');
    expect(f(alu('sub', U8, 10))).toBe('scalar(smin=smin32=-10,smax=smax32=245)');
    expect(f(alu('sub', U8, 10, false))).toBe('scalar(smin=0,smax=umax=0xffffffff,smin32=-10,smax32=245,var_off=(0x0; 0xffffffff))');
    const u32 = scalarZext32(UNK);
    expect(f(alu('add', u32, 1))).toBe('scalar(smin=umin=1,smax=umax=0x100000000,var_off=(0x0; 0x1ffffffff))');
    expect(f(alu('add', u32, -1, false))).toBe('scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))');
    expect(f(alu('add', K(3), K(4)))).toBe('7');
  });

  it('div and mod are not tracked (even 32-bit ones: no zero extension)', () => {
    expect(f(alu('div', alu('and', UNK, 0xf0), 5))).toBe('scalar()');
    expect(f(alu('mod', K(100), 7))).toBe('scalar()');
    expect(f(alu('div', U8, K(-5), false))).toBe('scalar()');
    expect(f(alu('sdiv', U8, 3))).toBe('scalar()');
  });

  it('shifts by a non-constant or out-of-range amount are unknown', () => {
    expect(f(alu('lsh', U8, U8))).toBe('scalar()');
    expect(f(alu('rsh', U8, 64))).toBe('scalar()');
    // 32-bit shift whose amount has a constant low half but unknown upper half
    const amount = scalarFrom({ var: { value: 3n, mask: 0xffffffff00000000n } });
    expect(f(alu('lsh', U8, amount, false))).toBe('scalar()');
  });

  it('neg (tracked as 0 - x)', () => {
    const bit = alu('and', UNK, 1);
    expect(f(scalarNeg(bit, true))).toBe('scalar(smin=smin32=-1,smax=smax32=0)');
    expect(f(scalarNeg(bit, false))).toBe('scalar(smin=0,smax=umax=0xffffffff,smin32=-1,smax32=0,var_off=(0x0; 0xffffffff))');
    expect(f(scalarNeg(K(5), true))).toBe('-5');
    expect(f(scalarNeg(UNK, true))).toBe('scalar()');
  });

  it('mov32 zero-extends', () => {
    expect(f(scalarZext32(UNK))).toBe('scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))');
    expect(f(scalarZext32(K(-1)))).toBe('0xffffffff');
    expect(f(scalarZext32(U8))).toBe(f(U8));
  });

  it('movsx and sign-extending truncation', () => {
    expect(f(scalarSext(K(0x80), 8, true))).toBe('-128');
    expect(f(scalarSext(K(0x80), 8, false))).toBe('0xffffff80');
    expect(f(scalarSext(K(16), 8, true))).toBe('16');
    expect(f(scalarSext(U8, 32, true))).toBe(f(U8));
    expect(f(scalarTruncate(K(0x1234), 1, false))).toBe('52');
    expect(f(scalarTruncate(K(0xff), 1, true))).toBe('-1');
  });

  it('byte swaps (tracked bit by bit)', () => {
    const c = K(0x12345678);
    expect(f(scalarByteSwap(c, 'le', 16))).toBe('22136');
    expect(f(scalarByteSwap(c, 'be', 16))).toBe('30806');
    expect(f(scalarByteSwap(c, 'be', 32))).toBe('0x78563412');
    expect(f(scalarByteSwap(c, 'bswap', 32))).toBe('0x78563412');
    const m = alu('and', UNK, 0xff0);
    expect(f(scalarByteSwap(m, 'le', 16))).toBe(f(m));
    expect(f(scalarByteSwap(m, 'be', 16))).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=0xf00f,var_off=(0x0; 0xf00f))');
    expect(f(scalarByteSwap(K(-1), 'le', 32))).toBe('0xffffffff');
    expect(f(scalarByteSwap(K(-1), 'le', 64))).toBe('-1');
  });

  it('forks an [-1, 0] operand of and/or with a constant (maybe_fork_scalars)', () => {
    const m1 = scalarNeg(alu('and', UNK, 1), true);
    const fork = scalarAluFork('or', m1, K(5))!;
    expect(f(fork.current)).toBe('-1');
    expect(f(fork.pushed)).toBe('0');
    expect(f(alu('or', fork.current, 5))).toBe('-1');
    expect(f(alu('or', fork.pushed, 5))).toBe('5');
    const w = scalarNeg(alu('and', UNK, 1), false);
    const fork32 = scalarAluFork('and', w, K(7))!;
    expect(f(alu('and', fork32.current, 7))).toBe('7');
    expect(f(alu('and', fork32.pushed, 7))).toBe('0');
    expect(scalarAluFork('xor', m1, K(5))).toBeNull();
    expect(scalarAluFork('and', m1, U8)).toBeNull();
    expect(scalarAluFork('and', U8, K(1))).toBeNull();
  });
});

// ------------------------------------------------------------------------------------------------
describe('conditional jumps (outputs of the 6.18 kernel log)', () => {
  const both = (op: ScalarJmpOp, a: ScalarValue, b: ScalarValue, is64 = true): [string, string] => {
    const t = scalarRefine(op, a, b, is64, true);
    const n = scalarRefine(op, a, b, is64, false);
    return [t ? f(t[0]) + ' | ' + f(t[1]) : 'dead', n ? f(n[0]) + ' | ' + f(n[1]) : 'dead'];
  };

  it('if r1 > 5 with r1 a byte', () => {
    const [taken, fall] = both('jgt', U8, K(5));
    expect(taken).toBe('scalar(smin=umin=smin32=umin32=6,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff)) | 5');
    expect(fall).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=5,var_off=(0x0; 0x7)) | 5');
  });

  it('if r2 > r1 with r2 = 5 and r1 = x & 15', () => {
    const r1 = alu('and', U8, 15);
    expect(scalarBranchTaken('jgt', K(5), r1, true)).toBe(-1);
    const [taken, fall] = both('jgt', K(5), r1);
    expect(fall).toBe('5 | scalar(smin=umin=smin32=umin32=5,smax=umax=smax32=umax32=15,var_off=(0x0; 0xf))');
    expect(taken).toBe('5 | scalar(smin=smin32=0,smax=umax=smax32=umax32=4,var_off=(0x0; 0x7))');
  });

  it('jeq / jne with a constant at the edge of the range', () => {
    const r1 = alu('and', U16, 768);
    const [t, n] = both('jeq', r1, K(0x300));
    expect(t).toBe('768 | 768');
    expect(n).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=767,var_off=(0x0; 0x300)) | 768');
    const [t2, n2] = both('jne', U8, K(0));
    expect(t2.split(' | ')[0]).toBe('scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))');
    expect(n2.split(' | ')[0]).toBe('0');
    const [t3, n3] = both('jeq', U8, K(7));
    expect(t3.split(' | ')[0]).toBe('7');
    expect(n3.split(' | ')[0]).toBe(f(U8));
  });

  it('jeq is predicted from disagreeing known bits (tnum overlap)', () => {
    const r = alu('and', UNK, 0xf0);
    expect(scalarBranchTaken('jeq', r, K(5), true)).toBe(0);
    expect(scalarBranchTaken('jne', r, K(5), true)).toBe(1);
    expect(scalarBranchTaken('jeq', r, K(0x50), true)).toBe(-1);
  });

  it('32-bit jumps refine the 64-bit bounds', () => {
    const [t, n] = both('jgt', UNK, K(5), false);
    expect(n.split(' | ')[0]).toBe('scalar(smax=0x7fffffff00000005,umax=0xffffffff00000005,smin32=0,smax32=umax32=5,var_off=(0x0; 0xffffffff00000007))');
    expect(t.split(' | ')[0]).toBe('scalar(smin=0x8000000000000006,umin=umin32=6)');
    const u32 = scalarZext32(UNK);
    const [t2, n2] = both('jsgt', u32, K(5), false);
    expect(n2.split(' | ')[0]).toBe('scalar(smin=0,smax=umax=0xffffffff,smax32=5,var_off=(0x0; 0xffffffff))');
    expect(t2.split(' | ')[0]).toBe('scalar(smin=umin=smin32=umin32=6,smax=umax=umax32=0x7fffffff,var_off=(0x0; 0x7fffffff))');
  });

  it('s32 range crossing the sign boundary meets the u32 range on one side', () => {
    // w6 = unknown u32; if w6 < 3 (fall-through); if w6 s> 1 (fall-through): only negatives remain
    const a = scalarRefine('jlt', scalarZext32(UNK), K(3), false, false)![0];
    expect(f(a)).toBe('scalar(smin=umin=umin32=3,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))');
    const b = scalarRefine('jsgt', a, K(1), false, false)![0];
    expect(f(b)).toBe('scalar(smin=umin=umin32=0x80000000,smax=umax=0xffffffff,smax32=-1,var_off=(0x80000000; 0x7fffffff))');
    expect(scalarBranchTaken('jslt', b, K(0), false)).toBe(1);
    const c = scalarRefine('jsgt', a, K(1), false, true)![0];
    expect(f(c)).toBe('scalar(smin=umin=smin32=umin32=3,smax=umax=umax32=0x7fffffff,var_off=(0x0; 0x7fffffff))');
  });

  it('signed comparisons', () => {
    const s8 = scalarSext(UNK, 8, true);
    const [t, n] = both('jslt', s8, K(-5));
    expect(n.split(' | ')[0]).toBe('scalar(smin=smin32=-5,smax=smax32=127)');
    expect(t.split(' | ')[0]).toBe('scalar(smin=smin32=-128,smax=smax32=-6,umin=0xffffffffffffff80,umax=0xfffffffffffffffa,umin32=0xffffff80,umax32=0xfffffffa,var_off=(0xffffffffffffff80; 0x7f))');
  });

  it('jset', () => {
    const [t, n] = both('jset', U8, K(0x10));
    expect(n.split(' | ')[0]).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=239,var_off=(0x0; 0xef))');
    expect(t.split(' | ')[0]).toBe('scalar(smin=umin=smin32=umin32=16,smax=umax=smax32=umax32=255,var_off=(0x10; 0xef))');
    const r = scalarRefine('jset', U8, K(0x10), true, false)![0];
    // several bits: the taken side learns nothing, the other clears them all
    const [t2, n2] = both('jset', r, K(3));
    expect(t2.split(' | ')[0]).toBe(f(r));
    expect(n2.split(' | ')[0]).toBe('scalar(smin=smin32=0,smax=umax=smax32=umax32=236,var_off=(0x0; 0xec))');
    expect(scalarBranchTaken('jset', alu('or', U8, 1), K(1), true)).toBe(1);
    expect(scalarBranchTaken('jset', alu('and', U8, 0xf0), K(1), true)).toBe(0);
    expect(scalarBranchTaken('jset', U8, U8, true)).toBe(-1);
  });

  it('a single value common to range and tnum becomes a constant', () => {
    const r = alu('and', UNK, 0x11);
    const a = scalarRefine('jlt', r, K(2), true, false)![0];
    expect(f(a)).toBe('scalar(smin=umin=smin32=umin32=2,smax=umax=smax32=umax32=17,var_off=(0x0; 0x11))');
    const [t, n] = both('jgt', a, K(16));
    expect(n.split(' | ')[0]).toBe('16');
    expect(t.split(' | ')[0]).toBe('17');
  });

  it('an impossible equality the kernel does not predict collapses to a constant', () => {
    const r6 = alu('and', UNK, 0x10);
    const r7 = scalarRefine('jlt', alu('and', UNK, 0xf), K(1), true, false)![0];
    expect(scalarBranchTaken('jeq', r6, r7, true)).toBe(-1);
    expect(both('jeq', r6, r7)[0]).toBe('0 | 0');
  });

  it('comparing a register with itself refines it twice over', () => {
    expect(f(scalarRefineSameReg('jgt', U8, true, true)!)).toBe('scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=254,var_off=(0x0; 0xff))');
    expect(f(scalarRefineSameReg('jgt', U8, true, false)!)).toBe(f(U8));
    // [-1, 0] s> itself at 32 bits: inconsistent; the kernel logs it and forgets the bounds
    const m1 = scalarFrom({ smin: -1n, smax: 0n, s32min: -1, s32max: 0 });
    expect(scalarRefineSameReg('jsgt', m1, false, true)).toBeNull();
    const k = scalarRefineKernel('jsgt', m1, null, false, true);
    expect(k.violation).toBe('REG INVARIANTS VIOLATION (true_reg1): range bounds violation u64=[0x0, 0xffffffffffffffff] s64=[0x0, 0xffffffffffffffff] u32=[0x0, 0xffffffff] s32=[0x0, 0xffffffff] var_off=(0x0, 0xffffffffffffffff)');
    expect(f(k.a)).toBe('scalar()');
  });

  it('branch prediction on ranges', () => {
    expect(scalarBranchTaken('jgt', U8, K(255), true)).toBe(0);
    expect(scalarBranchTaken('jle', U8, K(255), true)).toBe(1);
    expect(scalarBranchTaken('jge', U8, K(0), true)).toBe(1);
    expect(scalarBranchTaken('jslt', scalarOfSize(1, true), K(-200), true)).toBe(0);
    expect(scalarBranchTaken('jeq', K(3), K(3), true)).toBe(1);
    expect(scalarBranchTaken('jne', K(3), K(3 + 2 ** 32), false)).toBe(0);
    expect(scalarBranchTaken('jne', K(3), K(3 + 2 ** 32), true)).toBe(1);
  });
});

// ------------------------------------------------------------------------------------------------
describe('state comparison', () => {
  it('range_within && tnum_in', () => {
    expect(scalarWithin(UNK, U8)).toBe(true);
    expect(scalarWithin(U8, UNK)).toBe(false);
    expect(scalarWithin(U8, alu('and', UNK, 15))).toBe(true);
    expect(scalarWithin(alu('and', UNK, 15), U8)).toBe(false);
    // same ranges, tnum not included
    expect(scalarWithin(scalarURange(0n, 16n), alu('and', UNK, 0x10))).toBe(true);
    expect(scalarWithin(alu('and', UNK, 0x10), scalarURange(0n, 16n))).toBe(false);
    expect(scalarEquals(U8, scalarOfSize(1, false))).toBe(true);
    expect(scalarEquals(U8, U16)).toBe(false);
  });
});

// ------------------------------------------------------------------------------------------------
// Soundness

function rng(seed: bigint): () => bigint {
  let x = seed | 1n;
  return () => {
    x ^= x << 13n;
    x = U64(x);
    x ^= x >> 7n;
    x ^= x << 17n;
    x = U64(x);
    return U64(x * 0x2545f4914f6cdd1dn);
  };
}

function randomTnum(rnd: () => bigint): ReturnType<typeof tnum> {
  const m = rnd() & rnd() & (rnd() >> (rnd() & 63n));
  return tnum(rnd(), m);
}

const INTERESTING = [0n, 1n, 2n, 7n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn, 0x80000000n,
  0xffffffffn, 0x100000000n, (1n << 63n) - 1n, 1n << 63n, U64(-1n), U64(-2n), U64(-128n), U64(-0x80000000n)];

/** A random concrete value from a mix of distributions anchored at `base`. */
function randomValue(rnd: () => bigint, base: bigint): bigint {
  switch (Number(rnd() % 6n)) {
    case 0: return U64(base + (rnd() & 0xffn));
    case 1: return U64(base - (rnd() & 0xfn));
    case 2: return U64(base ^ (rnd() & 0xffffn));
    case 3: return U64(base + (rnd() & 0xffffffffn));
    case 4: return INTERESTING[Number(rnd() % BigInt(INTERESTING.length))]!;
    default: return base;
  }
}

/** The abstract value of a set of concretes: exact bounds, joined tnum, then reg_bounds_sync. */
function abstractOf(set: bigint[]): ScalarValue {
  let t = tnumConst(set[0]!);
  for (const x of set) t = tnumUnion(t, tnumConst(x));
  const u = set.map((x) => U64(x));
  const s = set.map((x) => S64(x));
  const u32 = set.map((x) => Number(U32(x)));
  const s32 = set.map((x) => Number(S32(x)));
  const bmin = (a: bigint[]): bigint => a.reduce((p, c) => (c < p ? c : p));
  const bmax = (a: bigint[]): bigint => a.reduce((p, c) => (c > p ? c : p));
  return scalarFrom({
    var: t,
    umin: bmin(u), umax: bmax(u), smin: bmin(s), smax: bmax(s),
    u32min: Math.min(...u32), u32max: Math.max(...u32), s32min: Math.min(...s32), s32max: Math.max(...s32),
  });
}

function randomSet(rnd: () => bigint): bigint[] {
  const base = Number(rnd() % 3n) === 0 ? INTERESTING[Number(rnd() % BigInt(INTERESTING.length))]! : rnd() >> (rnd() & 63n);
  const n = 1 + Number(rnd() % 5n);
  const set: bigint[] = [];
  for (let i = 0; i < n; i++) set.push(randomValue(rnd, base));
  return set;
}

/** Concrete ALU semantics (eBPF, RFC 9669); 32-bit results are zero-extended. */
function concreteAlu(op: ScalarAluOp, a: bigint, b: bigint, is64: boolean): bigint {
  const w = is64 ? 64 : 32;
  const wrap = (x: bigint): bigint => BigInt.asUintN(w, x);
  const sgn = (x: bigint): bigint => BigInt.asIntN(w, x);
  const x = wrap(a);
  const y = wrap(b);
  const sh = y & BigInt(w - 1);
  switch (op) {
    case 'add': return wrap(x + y);
    case 'sub': return wrap(x - y);
    case 'mul': return wrap(x * y);
    case 'div': return y === 0n ? 0n : x / y;
    case 'mod': return y === 0n ? x : x % y;
    case 'sdiv': return y === 0n ? 0n : wrap(sgn(x) / sgn(y));
    case 'smod': return y === 0n ? x : wrap(sgn(x) % sgn(y));
    case 'or': return x | y;
    case 'and': return x & y;
    case 'xor': return x ^ y;
    case 'lsh': return wrap(x << sh);
    case 'rsh': return x >> sh;
    case 'arsh': return wrap(sgn(x) >> sh);
  }
}

function concreteCond(op: ScalarJmpOp, a: bigint, b: bigint, is64: boolean): boolean {
  const w = is64 ? 64 : 32;
  const x = BigInt.asUintN(w, a);
  const y = BigInt.asUintN(w, b);
  const sx = BigInt.asIntN(w, a);
  const sy = BigInt.asIntN(w, b);
  switch (op) {
    case 'jeq': return x === y;
    case 'jne': return x !== y;
    case 'jgt': return x > y;
    case 'jge': return x >= y;
    case 'jlt': return x < y;
    case 'jle': return x <= y;
    case 'jsgt': return sx > sy;
    case 'jsge': return sx >= sy;
    case 'jslt': return sx < sy;
    case 'jsle': return sx <= sy;
    case 'jset': return (x & y) !== 0n;
  }
}

function bswap(x: bigint, bytes: number): bigint {
  let r = 0n;
  for (let i = 0; i < bytes; i++) r = (r << 8n) | ((x >> BigInt(8 * i)) & 0xffn);
  return r;
}

/** Field ranges every produced value must respect. */
function wellFormed(s: ScalarValue): boolean {
  const okU = (x: bigint): boolean => x >= 0n && x <= U64(-1n);
  const okS = (x: bigint): boolean => x === S64(x);
  const okU32 = (x: number): boolean => Number.isInteger(x) && x >= 0 && x <= 0xffffffff;
  const okS32 = (x: number): boolean => Number.isInteger(x) && x === (x | 0);
  return okU(s.umin) && okU(s.umax) && okS(s.smin) && okS(s.smax) && okU32(s.u32min) && okU32(s.u32max) &&
    okS32(s.s32min) && okS32(s.s32max) && okU(s.var.value) && okU(s.var.mask) && (s.var.value & s.var.mask) === 0n;
}

const ALU_OPS: ScalarAluOp[] = ['add', 'sub', 'mul', 'div', 'sdiv', 'mod', 'smod', 'or', 'and', 'lsh', 'rsh', 'arsh', 'xor'];
const JMP_OPS: ScalarJmpOp[] = ['jeq', 'jne', 'jgt', 'jge', 'jlt', 'jle', 'jsgt', 'jsge', 'jslt', 'jsle', 'jset'];

describe('soundness on random abstract values', () => {
  const rnd = rng(0x5eedn);
  const cases = Array.from({ length: 150 }, () => {
    const sa = randomSet(rnd);
    // shift amounts and other constants are common right operands
    const sb = Number(rnd() % 3n) === 0 ? [rnd() & 63n] : randomSet(rnd);
    return { sa, sb, a: abstractOf(sa), b: abstractOf(sb) };
  });

  it('abstraction contains its concrete set', () => {
    for (const { sa, a } of cases) {
      expect(wellFormed(a)).toBe(true);
      expect(scalarInvariantViolation(a)).toBeNull();
      for (const x of sa) expect(scalarContains(a, x)).toBe(true);
    }
  });

  it('ALU results contain every concrete result (64 and 32 bits)', () => {
    for (const { sa, sb, a, b } of cases) {
      for (const op of ALU_OPS) {
        for (const is64 of [true, false]) {
          const r = scalarAlu(op, a, b, is64);
          expect(wellFormed(r)).toBe(true);
          for (const x of sa) {
            for (const y of sb) {
              const z = concreteAlu(op, x, y, is64);
              if (!scalarContains(r, z)) {
                throw new Error(`${op}${is64 ? 64 : 32}: ${x} op ${y} = ${z} not in ${f(r)} (a=${f(a)}, b=${f(b)})`);
              }
            }
          }
        }
      }
    }
  });

  it('unary operations contain every concrete result', () => {
    for (const { sa, a } of cases) {
      const check = (r: ScalarValue, g: (x: bigint) => bigint, what: string): void => {
        expect(wellFormed(r)).toBe(true);
        for (const x of sa) {
          if (!scalarContains(r, g(x))) throw new Error(`${what}(${x}) = ${g(x)} not in ${f(r)} (a=${f(a)})`);
        }
      };
      check(scalarNeg(a, true), (x) => U64(-x), 'neg64');
      check(scalarNeg(a, false), (x) => U32(-x), 'neg32');
      check(scalarZext32(a), (x) => U32(x), 'zext');
      for (const bits of [8, 16, 32] as const) {
        check(scalarSext(a, bits, true), (x) => U64(BigInt.asIntN(bits, x)), `sext${bits}`);
        if (bits !== 32) check(scalarSext(a, bits, false), (x) => U32(BigInt.asIntN(bits, x)), `sext32_${bits}`);
      }
      for (const size of [1, 2, 4] as const) {
        check(scalarTruncate(a, size, false), (x) => BigInt.asUintN(size * 8, x), `trunc${size}`);
        check(scalarTruncate(a, size, true), (x) => U64(BigInt.asIntN(size * 8, x)), `truncsx${size}`);
      }
      for (const bits of [16, 32, 64] as const) {
        check(scalarByteSwap(a, 'le', bits), (x) => BigInt.asUintN(bits, x), `le${bits}`);
        check(scalarByteSwap(a, 'be', bits), (x) => bswap(x, bits / 8), `be${bits}`);
        check(scalarByteSwap(a, 'bswap', bits), (x) => bswap(x, bits / 8), `bswap${bits}`);
      }
      check(scalarBoundsSync(a), (x) => x, 'sync');
    }
  });

  it('refinements keep every pair satisfying the branch; predictions are never wrong', () => {
    for (const { sa, sb, a, b } of cases) {
      for (const op of JMP_OPS) {
        for (const is64 of [true, false]) {
          const pred = scalarBranchTaken(op, a, b, is64);
          for (const taken of [true, false]) {
            const pairs: [bigint, bigint][] = [];
            for (const x of sa) for (const y of sb) if (concreteCond(op, x, y, is64) === taken) pairs.push([x, y]);
            if (pairs.length) expect(pred).not.toBe(taken ? 0 : 1);
            const r = scalarRefine(op, a, b, is64, taken);
            if (!pairs.length) continue;
            if (!r) throw new Error(`${op}${is64 ? 64 : 32} ${taken}: refinement claims dead branch (a=${f(a)}, b=${f(b)})`);
            expect(wellFormed(r[0]) && wellFormed(r[1])).toBe(true);
            for (const [x, y] of pairs) {
              if (!scalarContains(r[0], x) || !scalarContains(r[1], y)) {
                throw new Error(`${op}${is64 ? 64 : 32} ${taken}: (${x}, ${y}) lost: ${f(r[0])} / ${f(r[1])} (a=${f(a)}, b=${f(b)})`);
              }
            }
          }
          // a register compared with itself
          for (const taken of [true, false]) {
            const keep = sa.filter((x) => concreteCond(op, x, x, is64) === taken);
            if (!keep.length) continue;
            const r = scalarRefineSameReg(op, a, is64, taken);
            if (!r) throw new Error(`${op} same-reg ${taken}: claims dead branch (a=${f(a)})`);
            for (const x of keep) expect(scalarContains(r, x)).toBe(true);
          }
        }
      }
    }
  });

  it('a fork splits exactly {-1, 0}', () => {
    const m1 = abstractOf([0n, U64(-1n)]);
    const fk = scalarAluFork('and', m1, K(3))!;
    expect(scalarConstValue(fk.current)).toBe(U64(-1n));
    expect(scalarConstValue(fk.pushed)).toBe(0n);
    const w = abstractOf([0n, 0xffffffffn]);
    const fk32 = scalarAluFork('or', w, K(3))!;
    expect(scalarIsConst32(fk32.current) && scalarIsConst32(fk32.pushed)).toBe(true);
  });

  it('pruning inclusion implies membership', () => {
    for (let i = 0; i + 1 < cases.length; i++) {
      const old = cases[i]!.a;
      for (const cur of [cases[i + 1]!, { sa: cases[i]!.sa.slice(0, 1), a: abstractOf(cases[i]!.sa.slice(0, 1)) }]) {
        if (!scalarWithin(old, cur.a)) continue;
        for (const x of cur.sa) expect(scalarContains(old, x)).toBe(true);
      }
      expect(scalarWithin(old, old)).toBe(true);
    }
  });

  it('ranges and tnums build consistent values', () => {
    for (const { sa } of cases.slice(0, 80)) {
      const lo = sa.reduce((p, c) => (c < p ? c : p));
      const hi = sa.reduce((p, c) => (c > p ? c : p));
      const r = scalarURange(lo, hi);
      for (const x of sa) expect(scalarContains(r, x)).toBe(true);
      const slo = sa.map(S64).reduce((p, c) => (c < p ? c : p));
      const shi = sa.map(S64).reduce((p, c) => (c > p ? c : p));
      const s = scalarSRange(slo, shi);
      for (const x of sa) expect(scalarContains(s, x)).toBe(true);
      const t = abstractOf(sa).var;
      const ft = scalarFromTnum(t);
      for (const x of sa) expect(scalarContains(ft, x)).toBe(true);
    }
  });
});
