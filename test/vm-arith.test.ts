// Randomized differential tests: 64-bit (and 32-bit) arithmetic without BigInt, checked against
// a BigInt reference, both on the arithmetic helpers directly and through the interpreter.

import { describe, expect, it } from 'vitest';
import { type Insn, layout, makeInsn, opByName } from '../src/isa/index.js';
import { arsh64, lsh64, mul64, rsh64, sdiv64, smod64, udiv64, umod64 } from '../src/vm/arith.js';
import { prepare, run } from '../src/vm/index.js';

const U64 = (x: bigint): bigint => BigInt.asUintN(64, x);
const S64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const U32 = (x: bigint): bigint => BigInt.asUintN(32, x);
const S32 = (x: bigint): bigint => BigInt.asIntN(32, x);

/** BigInt reference semantics of RFC 9669 binary ALU operations; a and b are unsigned 64-bit. */
function reference(op: string, width: 32 | 64, a: bigint, b: bigint): bigint {
  if (width === 64) {
    switch (op) {
      case 'add': return U64(a + b);
      case 'sub': return U64(a - b);
      case 'mul': return U64(a * b);
      case 'div': return b === 0n ? 0n : a / b;
      case 'mod': return b === 0n ? a : a % b;
      case 'sdiv': return b === 0n ? 0n : U64(S64(a) / S64(b));
      case 'smod': return b === 0n ? a : U64(S64(a) % S64(b));
      case 'lsh': return U64(a << (b & 63n));
      case 'rsh': return a >> (b & 63n);
      case 'arsh': return U64(S64(a) >> (b & 63n));
    }
  } else {
    const x = U32(a);
    const y = U32(b);
    switch (op) {
      case 'add': return U32(x + y);
      case 'sub': return U32(x - y);
      case 'mul': return U32(x * y);
      case 'div': return y === 0n ? 0n : x / y;
      case 'mod': return y === 0n ? x : x % y;
      case 'sdiv': return y === 0n ? 0n : U32(S32(x) / S32(y));
      case 'smod': return y === 0n ? x : U32(S32(x) % S32(y));
      case 'lsh': return U32(x << (y & 31n));
      case 'rsh': return x >> (y & 31n);
      case 'arsh': return U32(S32(x) >> (y & 31n));
    }
  }
  throw new Error(`no reference for ${op}`);
}

/** xorshift64*-style generator over BigInt for reproducible operands. */
function rng(seed: bigint): () => bigint {
  let x = seed;
  return () => {
    x ^= x << 13n;
    x = U64(x);
    x ^= x >> 7n;
    x ^= x << 17n;
    x = U64(x);
    return U64(x * 0x2545f4914f6cdd1dn);
  };
}

const SPECIAL = [
  0n, 1n, 2n, 3n, 7n, 10n, 0x7fn, 0x80n, 0xffn, 0xffffn, 0x1fffffn, 0x200000n, 0x7fffffffn, 0x80000000n,
  0xffffffffn, 0x100000000n, 0x100000001n, 0x1fffffffffffffn, 0x20000000000000n, 0x20000000000001n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n, 0xfffffffffffffffen, 0xffffffffffffffffn,
  0xffffffff00000000n, 0xfffffffe00000001n,
];

/** Operands spread over all magnitudes (so every division path is taken) plus edge values. */
function operands(count: number, seed: bigint): [bigint, bigint][] {
  const next = rng(seed);
  const pick = (): bigint => {
    const r = next();
    const kind = Number(r & 7n);
    if (kind === 0) return SPECIAL[Number((r >> 3n) % BigInt(SPECIAL.length))]!;
    const bits = BigInt(Number((r >> 3n) % 65n));
    let v = next() & ((1n << bits) - 1n);
    if (kind === 1) v = U64(-v); // negative values
    return v;
  };
  const out: [bigint, bigint][] = [];
  for (const a of SPECIAL) for (const b of SPECIAL) out.push([a, b]);
  for (let i = 0; i < count; i++) out.push([pick(), pick()]);
  // Dividends right at quotient boundaries (a = q * b + {0, 1, b - 1}), where a floating-point
  // estimate of the quotient is most likely to be off by one.
  for (let i = 0; i < count / 4; i++) {
    const b = pick() | 1n;
    const q = next() >> BigInt(Number(next() % 64n));
    for (const r of [0n, 1n, b - 1n]) {
      const a = q * b + r;
      if (a < 1n << 64n) out.push([a, b]);
    }
  }
  return out;
}

function toHalves(v: bigint): [number, number] {
  return [Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0];
}

function fromHalves(R: Int32Array, d: number): bigint {
  return (BigInt(R[d + 16]! >>> 0) << 32n) | BigInt(R[d]! >>> 0);
}

describe('arith helpers against BigInt', () => {
  const pairs = operands(20000, 0x9e3779b97f4a7c15n);
  const binary = { mul: mul64, div: udiv64, mod: umod64, sdiv: sdiv64, smod: smod64 };
  for (const [op, fn] of Object.entries(binary)) {
    it(`${op}64 on ${pairs.length} operand pairs`, () => {
      const R = new Int32Array(128);
      for (const [a, b] of pairs) {
        [R[3], R[19]] = toHalves(a);
        const [bl, bh] = toHalves(b);
        fn(R, 3, bl, bh);
        const got = fromHalves(R, 3);
        if (got !== reference(op, 64, a, b)) {
          expect(`${op}(${a.toString(16)}, ${b.toString(16)}) = ${got.toString(16)}`)
            .toBe(`${op}(${a.toString(16)}, ${b.toString(16)}) = ${reference(op, 64, a, b).toString(16)}`);
        }
      }
    });
  }
  const shifts = { lsh: lsh64, rsh: rsh64, arsh: arsh64 };
  for (const [op, fn] of Object.entries(shifts)) {
    it(`${op}64 by every count`, () => {
      const R = new Int32Array(128);
      const bad: string[] = [];
      for (const [a] of pairs.slice(0, 2000)) {
        for (let n = 0; n < 64; n++) {
          [R[5], R[21]] = toHalves(a);
          fn(R, 5, n);
          if (fromHalves(R, 5) !== reference(op, 64, a, BigInt(n))) bad.push(`${a.toString(16)} by ${n}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }
});

describe('interpreter ALU against BigInt', () => {
  const ops = ['add', 'sub', 'mul', 'div', 'mod', 'sdiv', 'smod', 'lsh', 'rsh', 'arsh'];
  const I = (name: string, f: Partial<Omit<Insn, 'op'>> = {}): Insn => makeInsn(opByName(name), f);

  // One program per operation/width/form: r0 = a (r1:r2 halves), then r0 op= b (r3:r4 halves, or
  // the immediate); so each case is one run with different input registers set via `setup`.
  for (const width of [64, 32] as const) {
    for (const op of ops) {
      for (const form of ['reg', 'imm'] as const) {
        const name = `${op}${width}_${form}`;
        it(name, () => {
          const pairs = operands(form === 'reg' ? 3000 : 300, BigInt(name.length) * 0x1234567n + 99n);
          const build = (imm: number) => prepare(layout([
            I('lsh64_imm', { dst: 2, imm: 32 }),
            I('mov32_reg', { dst: 0, src: 1 }),
            I('or64_reg', { dst: 0, src: 2 }),
            I('lsh64_imm', { dst: 4, imm: 32 }),
            I('mov32_reg', { dst: 3, src: 3 }),
            I('or64_reg', { dst: 3, src: 4 }),
            form === 'reg' ? I(name, { dst: 0, src: 3 }) : I(name, { dst: 0, imm }),
            I('exit'),
          ]));
          const regProgram = build(0);
          for (const [a, bRaw] of pairs) {
            // Immediates are s32, sign-extended to 64 bits.
            const b = form === 'imm' ? U64(S32(bRaw)) : bRaw;
            const program = form === 'imm' ? build(Number(S32(bRaw))) : regProgram;
            const [alo, ahi] = toHalves(a);
            const [blo, bhi] = toHalves(b);
            const r = run(program, {
              setup: (vm) => {
                vm.setReg(1, alo >>> 0);
                vm.setReg(2, ahi >>> 0);
                vm.setReg(3, blo >>> 0);
                vm.setReg(4, bhi >>> 0);
              },
            });
            const want = reference(op, width, a, b);
            if (r.fault || r.r0 !== want) {
              expect(`${name}(${a.toString(16)}, ${b.toString(16)}) = ${r.r0.toString(16)} ${r.fault?.message ?? ''}`)
                .toBe(`${name}(${a.toString(16)}, ${b.toString(16)}) = ${want.toString(16)} `);
            }
          }
        });
      }
    }
  }
});
