// Randomized differential tests: 64-bit (and 32-bit) arithmetic without BigInt, checked against
// a BigInt reference, both on the arithmetic helpers directly and through the interpreter.

import { describe, expect, it } from 'vitest';
import { type Insn, layout, makeInsn, opByName } from '../src/isa/index.js';
import { arsh64, divmod64, lsh64, mul64, rsh64, sdiv64, smod64, udiv64, umod64 } from '../src/vm/arith.js';
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

// ---- 64-bit division: every path of the algorithm (arith.ts `divmod64`; the interpreter runs a
// written-out copy) at and around its boundaries, then many random operands through the
// interpreter, also once it has been compiled by the optimizing compiler.

/** Operand pairs that take each path and each correction branch (found by search). */
const DIVISION_PATHS: [bigint, bigint, string][] = [
  [0x587d70fn, 0x87en, 'both below 2^32'],
  [1n, 0n, 'zero divisor'],
  [0x22535454e5n, 0xf8bn, 'b < 2^30, estimate right'],
  [0x25eeddfc5ca5a0n, 0x115cdbn, 'b < 2^30, estimate one too large'],
  [0x16b306fd08b62c8n, 0x2fc133n, 'b < 2^30, estimate one too small'],
  [0xd4f3a53d309c897n, 0x14n, 'a / b >= 2^51: high word first'],
  [0xffffffffffffffffn, 0n, 'zero divisor, a >= 2^32'],
  [0x15a49cce4cn, 0xa7e5b8adn, 'b >= 2^30'],
  [0xb7849ebc5c0ba3b6n, 0x3c7cab335n, 'b >= 2^32, one too large'],
  [0x10111a26e8863c8n, 0x3e51d9cd38564n, 'b >= 2^32, one too small'],
  [0xd7ea911ca81e81bbn, 0x79984160a371n, 'b >= 2^32, inexact double remainder'],
  [0xa9f9a5facc158a19n, 0x18634f921ffed5dn, 'b >= 2^51'],
  [0x209ffdb5d58d3cdn, 0xc23b7b4c687e7n, 'b >= 2^51, one too small'],
  [0x9b9fffffffffffffn, 0x8000000000000n, 'b >= 2^51, one too large'],
  [0x1d7b892162f07dc5n, 0xebdc490b1783ee3n, 'b >= 2^51, one too large, carry'],
  [0x997f4b5bffffa064n, 0x9fbca9ffffff9cn, 'b >= 2^51, one too small, borrow'],
];

/** Values at every boundary the division distinguishes, and around powers of two. */
function edgeValues(): bigint[] {
  const set = new Set<bigint>([0n, 1n, 2n, 3n, 5n, 7n, 10n, 1000003n, 0xffffffffffffffffn]);
  for (let k = 1; k <= 64; k++) {
    const p = 1n << BigInt(k);
    for (const v of [p - 1n, p, p + 1n]) set.add(U64(v));
  }
  // The paths' thresholds: 2^13 (high word first), 2^30, 2^32, 2^51, 2^52, 2^53; signs.
  for (const base of [1n << 13n, 1n << 30n, 1n << 32n, 1n << 51n, 1n << 52n, 1n << 53n, 1n << 63n]) {
    for (const d of [-3n, -1n, 0n, 1n, 3n, 1000n]) set.add(U64(base + d));
  }
  for (const [a, b] of DIVISION_PATHS) set.add(a).add(b);
  const vals = [...set];
  for (const v of vals.slice()) set.add(U64(-v)); // negatives for the signed forms
  return [...set];
}

const DIV_OPS = ['div', 'mod', 'sdiv', 'smod'] as const;
const DIV_FLAGS: Record<(typeof DIV_OPS)[number], [boolean, boolean]> = {
  div: [false, false], mod: [false, true], sdiv: [true, false], smod: [true, true],
};

describe('64-bit division: paths and boundaries', () => {
  const R = new Int32Array(128);
  const check = (op: (typeof DIV_OPS)[number], a: bigint, b: bigint): string | null => {
    [R[3], R[19]] = toHalves(a);
    const [bl, bh] = toHalves(b);
    const [signed, isMod] = DIV_FLAGS[op];
    divmod64(R, 3, bl, bh, signed, isMod);
    const got = fromHalves(R, 3);
    const want = reference(op, 64, a, b);
    return got === want ? null : `${op}(0x${a.toString(16)}, 0x${b.toString(16)}) = 0x${got.toString(16)}, want 0x${want.toString(16)}`;
  };

  it('takes every path with the operands listed for it', () => {
    const bad: string[] = [];
    for (const [a, b] of DIVISION_PATHS) {
      for (const op of DIV_OPS) {
        for (const [x, y] of [[a, b], [U64(-a), b], [a, U64(-b)], [U64(-a), U64(-b)]] as const) {
          const e = check(op, x, y);
          if (e) bad.push(e);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('INT64_MIN and -1, 1, itself; divisor 1; dividend below the divisor', () => {
    const MIN = 1n << 63n;
    const ALL = 0xffffffffffffffffn;
    const cases: [bigint, bigint][] = [
      [MIN, ALL], [MIN, 1n], [MIN, MIN], [ALL, MIN], [MIN + 1n, ALL], [MIN, 2n], [MIN, U64(-2n)],
      [ALL, 1n], [ALL, ALL], [ALL, ALL - 1n], [ALL - 1n, ALL], [5n, 7n], [0n, 7n], [0n, ALL], [1n, 1n << 63n],
    ];
    const bad: string[] = [];
    for (const [a, b] of cases) for (const op of DIV_OPS) {
      const e = check(op, a, b);
      if (e) bad.push(e);
    }
    expect(bad).toEqual([]);
  });

  it('every pair of boundary values', () => {
    const vals = edgeValues();
    const bad: string[] = [];
    for (const a of vals) for (const b of vals) for (const op of DIV_OPS) {
      const e = check(op, a, b);
      if (e && bad.length < 20) bad.push(e);
    }
    expect(vals.length).toBeGreaterThan(400);
    expect(bad).toEqual([]);
  });

  it('dividends at and next to multiples of the divisor, for divisors of every size', () => {
    const next = rng(0x51ed2701n);
    const bad: string[] = [];
    let n = 0;
    for (let bits = 1; bits <= 64; bits++) {
      for (let i = 0; i < 300; i++) {
        const b = (next() >> BigInt(64 - bits)) | (1n << BigInt(bits - 1));
        const maxQ = 0xffffffffffffffffn / b;
        const q = maxQ === 0n ? 0n : next() % (maxQ + 1n);
        for (const d of [-1n, 0n, 1n, b - 1n, b]) {
          const a = q * b + d;
          if (a < 0n || a > 0xffffffffffffffffn) continue;
          for (const op of DIV_OPS) {
            n++;
            const e = check(op, a, b);
            if (e && bad.length < 20) bad.push(e);
          }
        }
      }
    }
    expect(n).toBeGreaterThan(300_000);
    expect(bad).toEqual([]);
  });
});

describe('64-bit division through the interpreter, many operands', () => {
  const I = (name: string, f: Partial<Omit<Insn, 'op'>> = {}): Insn => makeInsn(opByName(name), f);

  /** Records of 16 bytes (a, b) in `mem`; the program replaces each a by `a op b` (or `a op imm`). */
  function table(pairs: [bigint, bigint][]): Uint8Array {
    const mem = new Uint8Array(pairs.length * 16);
    const view = new DataView(mem.buffer);
    pairs.forEach(([a, b], i) => {
      view.setBigUint64(i * 16, a, true);
      view.setBigUint64(i * 16 + 8, b, true);
    });
    return mem;
  }

  function program(op: string, imm?: number) {
    return prepare(layout([
      I('mov64_reg', { dst: 4, src: 1 }),
      I('add64_reg', { dst: 4, src: 2 }), // end of the table
      I('ldxdw', { dst: 5, src: 1, off: 0 }),
      I('ldxdw', { dst: 6, src: 1, off: 8 }),
      imm === undefined ? I(`${op}_reg`, { dst: 5, src: 6 }) : I(`${op}_imm`, { dst: 5, imm }),
      I('stxdw', { dst: 1, src: 5, off: 0 }),
      I('add64_imm', { dst: 1, imm: 16 }),
      I('jlt64_reg', { dst: 1, src: 4, off: -6 }),
      I('mov64_imm', { dst: 0, imm: 0 }),
      I('exit'),
    ]));
  }

  /** Runs `op` over all pairs and returns the first mismatches. */
  function runTable(op: string, width: 32 | 64, pairs: [bigint, bigint][], imm?: number): string[] {
    const r = run(program(op + width, imm), { mem: table(pairs), maxInsns: 0x7fffffff });
    expect(r.fault).toBeNull();
    const out = new DataView(r.mem!.buffer);
    const bad: string[] = [];
    pairs.forEach(([a, bRaw], i) => {
      const b = imm === undefined ? bRaw : U64(BigInt(imm));
      const got = out.getBigUint64(i * 16, true);
      const want = width === 64 ? reference(op, 64, a, b) : reference(op, 32, a, b);
      if (got !== want && bad.length < 10) bad.push(`${op}${width}(0x${a.toString(16)}, 0x${b.toString(16)}) = 0x${got.toString(16)}, want 0x${want.toString(16)}`);
    });
    return bad;
  }

  /** Random pairs: both operands of every bit length and sign, a third at quotient boundaries. */
  function randomPairs(count: number, seed: bigint): [bigint, bigint][] {
    const next = rng(seed);
    const value = (): bigint => {
      const r = next();
      const bits = Number(r % 65n);
      const v = bits === 0 ? 0n : next() >> BigInt(64 - bits);
      return (r >> 8n) % 4n === 0n ? U64(-v) : v;
    };
    const out: [bigint, bigint][] = [];
    while (out.length < count) {
      const b = value();
      if (out.length % 3 === 0 && b !== 0n) {
        const q = next() % (0xffffffffffffffffn / b + 1n);
        const a = q * b + [0n, 1n, b - 1n][Number(next() % 3n)]!;
        if (a <= 0xffffffffffffffffn) out.push([a, b]);
      } else {
        out.push([value(), b]);
      }
    }
    return out;
  }

  for (const op of DIV_OPS) {
    it(`${op}64_reg: 40,000 random pairs, the boundary values and the listed paths`, () => {
      const pairs = randomPairs(40_000, BigInt(op.length) * 0x9e3779b9n + 7n);
      const vals = edgeValues();
      for (let i = 0; i < vals.length; i++) for (let j = i % 7; j < vals.length; j += 7) pairs.push([vals[i]!, vals[j]!]);
      for (const [a, b] of DIVISION_PATHS) pairs.push([a, b], [U64(-a), b], [a, U64(-b)], [U64(-a), U64(-b)]);
      expect(runTable(op, 64, pairs)).toEqual([]);
    });
    it(`${op}32_reg: 20,000 random pairs`, () => {
      expect(runTable(op, 32, randomPairs(20_000, BigInt(op.length) * 0x1234567n + 3n))).toEqual([]);
    });
  }

  const IMMS = [0, 1, -1, 2, -2, 3, 7, -7, 10, 0x1fff, 0x2000, 1000003, 0x3fffffff, 0x40000000, 0x7fffffff,
    -0x80000000, -0x40000000, 0x12345678, -0x12345679];
  for (const op of DIV_OPS) {
    it(`${op}64_imm and ${op}32_imm: ${IMMS.length} immediates, 1,500 dividends each`, () => {
      const bad: string[] = [];
      IMMS.forEach((imm, k) => {
        const pairs = randomPairs(1500, BigInt(k + 1) * 0xabcdefn + BigInt(op.length));
        bad.push(...runTable(op, 64, pairs, imm), ...runTable(op, 32, pairs, imm));
      });
      expect(bad).toEqual([]);
    });
  }
});
