// Behaviour of every instruction group, with hand-computed expectations.

import { describe, expect, it } from 'vitest';
import { type Insn, layout, makeInsn, opByName } from '../src/isa/index.js';
import {
  MEM_BASE,
  type RunOptions,
  type RunResult,
  SIM_CLOCK_START_NS,
  STACK_BASE,
  type TraceStep,
  Vm,
  packetLoader,
  prepare,
  run,
} from '../src/vm/index.js';

type Fields = Partial<Omit<Insn, 'op'>>;
const I = (name: string, f: Fields = {}): Insn => makeInsn(opByName(name), f);
const EXIT = I('exit');
const U = (x: bigint): bigint => BigInt.asUintN(64, x);

/** lddw dst, v */
function lddw(dst: number, v: bigint): Insn {
  const u = U(v);
  return I('lddw', { dst, imm: Number(u & 0xffffffffn) | 0, imm2: Number(u >> 32n) | 0 });
}

function exec(insns: Insn[], opts: RunOptions = {}): RunResult {
  return run(layout(insns), opts);
}

/** Runs and returns r0, failing the test on a fault. */
function r0Of(insns: Insn[], opts: RunOptions = {}): bigint {
  const r = exec(insns, opts);
  expect(r.fault, r.fault?.message).toBeNull();
  return r.r0;
}

/** r0 = a; r0 op= b (b in r1 for _reg forms, else the s32 immediate); return r0. */
function alu(name: string, a: bigint, b: bigint): bigint {
  const op = opByName(name);
  const body = op.usesSrcReg
    ? [lddw(0, a), lddw(1, b), I(name, { dst: 0, src: 1 })]
    : [lddw(0, a), I(name, { dst: 0, imm: Number(BigInt.asIntN(32, b)) })];
  return r0Of([...body, EXIT]);
}

/** r0 = op(r1 = a) for one-operand operations (neg, end) and movsx (r0 = (sN)r1). */
function unary(name: string, a: bigint): bigint {
  const op = opByName(name);
  const body = op.kind === 'movsx' ? [lddw(1, a), I(name, { dst: 0, src: 1 })] : [lddw(0, a), I(name, { dst: 0 })];
  return r0Of([...body, EXIT]);
}

const INT64_MIN = 0x8000000000000000n;
const ALL = 0xffffffffffffffffn;

describe('ALU64', () => {
  const cases: [string, bigint, bigint, bigint][] = [
    ['add64_reg', 1n, 2n, 3n],
    ['add64_reg', 0xffffffffn, 1n, 0x100000000n],
    ['add64_reg', ALL, 1n, 0n],
    ['add64_imm', 5n, -1n, 4n],
    ['add64_imm', 0xffffffffn, 1n, 0x100000000n],
    ['sub64_reg', 3n, 5n, 0xfffffffffffffffen],
    ['sub64_reg', 0x100000000n, 1n, 0xffffffffn],
    ['sub64_imm', 5n, -1n, 6n],
    ['mul64_reg', 0x100000001n, 0x100000001n, 0x200000001n],
    ['mul64_reg', ALL, ALL, 1n],
    ['mul64_reg', 0xffffffffn, 0xffffffffn, 0xfffffffe00000001n],
    ['mul64_imm', 3n, -2n, 0xfffffffffffffffan],
    ['div64_reg', 10n, 3n, 3n],
    ['div64_reg', 10n, 0n, 0n],
    ['div64_reg', ALL, 2n, 0x7fffffffffffffffn],
    ['div64_reg', ALL, 0x100000000n, 0xffffffffn],
    ['div64_imm', 5n, -1n, 0n],
    ['div64_imm', ALL, -1n, 1n],
    ['div64_imm', 7n, 0n, 0n],
    ['sdiv64_reg', U(-7n), 2n, U(-3n)],
    ['sdiv64_reg', 7n, U(-2n), U(-3n)],
    ['sdiv64_reg', U(-7n), U(-2n), 3n],
    ['sdiv64_reg', INT64_MIN, ALL, INT64_MIN],
    ['sdiv64_reg', U(-7n), 0n, 0n],
    ['sdiv64_imm', U(-7n), 2n, U(-3n)],
    ['sdiv64_imm', INT64_MIN, -1n, INT64_MIN],
    ['mod64_reg', 10n, 3n, 1n],
    ['mod64_reg', 0x123456789abcdefn, 0n, 0x123456789abcdefn],
    ['mod64_reg', ALL, 10n, 5n],
    ['mod64_imm', ALL, -1n, 0n],
    ['mod64_imm', 0x1234567890n, 0n, 0x1234567890n],
    ['smod64_reg', U(-7n), 2n, ALL],
    ['smod64_reg', 7n, U(-2n), 1n],
    ['smod64_reg', INT64_MIN, ALL, 0n],
    ['smod64_reg', U(-7n), 0n, U(-7n)],
    ['smod64_imm', U(-7n), 2n, ALL],
    ['smod64_imm', INT64_MIN, -1n, 0n],
    ['or64_reg', 0xf0f0n, 0x0f0f00000000n, 0x0f0f0000f0f0n],
    ['or64_imm', 0n, -1n, ALL],
    ['and64_reg', 0x123456789abcdef0n, 0xffff0000ffff0000n, 0x123400009abc0000n],
    ['and64_imm', 0x123456789abcdef0n, -256n, 0x123456789abcde00n],
    ['and64_imm', ALL, 0x7fffffffn, 0x7fffffffn],
    ['xor64_reg', 0xff00ff00ff00ff00n, ALL, 0x00ff00ff00ff00ffn],
    ['xor64_imm', 0x100000000n, -1n, 0xfffffffeffffffffn],
    ['lsh64_imm', 1n, 63n, INT64_MIN],
    ['lsh64_imm', 0x80000001n, 1n, 0x100000002n],
    ['lsh64_imm', 1n, 32n, 0x100000000n],
    ['lsh64_reg', 1n, 64n, 1n], // count masked to 0
    ['lsh64_reg', 1n, 65n, 2n],
    ['lsh64_reg', 0xabcdn, 0xffffffff00000024n, 0xabcd000000000n], // only the low 6 bits count
    ['rsh64_imm', INT64_MIN, 63n, 1n],
    ['rsh64_imm', 0x100000000n, 1n, 0x80000000n],
    ['rsh64_reg', INT64_MIN, 64n, INT64_MIN],
    ['rsh64_reg', ALL, 36n, 0xfffffffn],
    ['arsh64_imm', INT64_MIN, 63n, ALL],
    ['arsh64_imm', 0xf000000000000000n, 4n, 0xff00000000000000n],
    ['arsh64_imm', INT64_MIN, 32n, 0xffffffff80000000n],
    ['arsh64_imm', 0x7000000000000000n, 60n, 7n],
    ['arsh64_reg', INT64_MIN, 127n, ALL], // 127 & 63 = 63
    ['mov64_imm', 0x1234n, -1n, ALL],
    ['mov64_imm', 0n, 0x7fffffffn, 0x7fffffffn],
    ['mov64_reg', 0n, 0xdeadbeefcafebaben, 0xdeadbeefcafebaben],
  ];
  it.each(cases)('%s: %s op %s', (name, a, b, want) => {
    expect(alu(name, a, b)).toBe(want);
  });

  it.each([
    ['neg64', 1n, ALL],
    ['neg64', 0n, 0n],
    ['neg64', INT64_MIN, INT64_MIN],
    ['neg64', 0x100000000n, 0xffffffff00000000n],
    ['movsx8_64', 0x80n, 0xffffffffffffff80n],
    ['movsx8_64', 0x123456789abcde7fn, 0x7fn],
    ['movsx16_64', 0x8000n, 0xffffffffffff8000n],
    ['movsx16_64', 0xffff7fffn, 0x7fffn],
    ['movsx32_64', 0x80000000n, 0xffffffff80000000n],
    ['movsx32_64', 0xffffffff7fffffffn, 0x7fffffffn],
  ] as [string, bigint, bigint][])('%s %s', (name, a, want) => {
    expect(unary(name, a)).toBe(want);
  });
});

describe('ALU32 (results zero-extended)', () => {
  const cases: [string, bigint, bigint, bigint][] = [
    ['add32_reg', 0xffffffffn, 1n, 0n],
    ['add32_reg', 0x100000005n, 1n, 6n],
    ['add32_imm', 0n, -1n, 0xffffffffn],
    ['add32_imm', 0xffffffff00000000n, 0n, 0n],
    ['sub32_reg', 0n, 1n, 0xffffffffn],
    ['sub32_imm', 5n, 7n, 0xfffffffen],
    ['mul32_reg', 0x10000n, 0x10000n, 0n],
    ['mul32_reg', 0xffffffffn, 2n, 0xfffffffen],
    ['mul32_imm', 0x100000003n, -1n, 0xfffffffdn],
    ['div32_reg', 0xffffffffn, 2n, 0x7fffffffn],
    ['div32_reg', 0x100000006n, 3n, 2n],
    ['div32_reg', 0xffffffff12345678n, 0n, 0n],
    ['div32_reg', 6n, 0x100000000n, 0n], // divisor's low 32 bits are 0
    ['div32_imm', 0xffffffffn, -1n, 1n],
    ['sdiv32_reg', U(-7n), 2n, 0xfffffffdn],
    ['sdiv32_reg', 0x80000000n, 0xffffffffn, 0x80000000n],
    ['sdiv32_reg', 5n, 0n, 0n],
    ['sdiv32_imm', 0xfffffff9n, 2n, 0xfffffffdn],
    ['sdiv32_imm', 0x80000000n, -1n, 0x80000000n],
    ['mod32_reg', 0xffffffffn, 10n, 5n],
    ['mod32_reg', 0x123456789n, 0n, 0x23456789n],
    ['mod32_imm', 0xffffffff00000007n, 0n, 7n],
    ['mod32_imm', 10n, 4n, 2n],
    ['smod32_reg', 0xfffffff9n, 2n, 0xffffffffn],
    ['smod32_reg', 7n, 0xfffffffen, 1n],
    ['smod32_reg', 0x80000000n, 0xffffffffn, 0n],
    ['smod32_reg', U(-7n), 0n, 0xfffffff9n],
    ['smod32_imm', 0x80000000n, -1n, 0n],
    ['smod32_imm', 0xfffffff9n, 0n, 0xfffffff9n],
    ['or32_reg', 0xffffffff00000000n, 1n, 1n],
    ['or32_imm', 0n, -1n, 0xffffffffn],
    ['and32_reg', ALL, 0xf0f0f0f0f0f0f0f0n, 0xf0f0f0f0n],
    ['and32_imm', ALL, 0xffn, 0xffn],
    ['xor32_reg', ALL, 0xffffn, 0xffff0000n],
    ['xor32_imm', 0x1ffffffffn, 1n, 0xfffffffen],
    ['lsh32_imm', 1n, 31n, 0x80000000n],
    ['lsh32_imm', 0x180000001n, 1n, 2n],
    ['lsh32_reg', 0x100000001n, 32n, 1n], // count masked to 0
    ['lsh32_reg', 1n, 33n, 2n],
    ['rsh32_imm', 0x80000000n, 31n, 1n],
    ['rsh32_imm', 0xffffffff00000000n, 4n, 0n],
    ['rsh32_reg', 0x80000000n, 63n, 1n], // 63 & 31 = 31
    ['arsh32_imm', 0x80000000n, 31n, 0xffffffffn],
    ['arsh32_imm', 0x80000000n, 4n, 0xf8000000n],
    ['arsh32_reg', 0x80000000n, 36n, 0xf8000000n],
    ['arsh32_reg', 0x7fffffff00000000n, 1n, 0n],
    ['mov32_imm', ALL, -1n, 0xffffffffn],
    ['mov32_reg', 0n, ALL, 0xffffffffn],
  ];
  it.each(cases)('%s: %s op %s', (name, a, b, want) => {
    expect(alu(name, a, b)).toBe(want);
  });

  it.each([
    ['neg32', 1n, 0xffffffffn],
    ['neg32', 0x100000000n, 0n],
    ['neg32', 0x80000000n, 0x80000000n],
    ['movsx8_32', 0x80n, 0xffffff80n],
    ['movsx8_32', 0xffffffff0000007fn, 0x7fn],
    ['movsx16_32', 0x8000n, 0xffff8000n],
    ['movsx16_32', 0x12347fffn, 0x7fffn],
  ] as [string, bigint, bigint][])('%s %s', (name, a, want) => {
    expect(unary(name, a)).toBe(want);
  });
});

describe('byte order', () => {
  const v = 0x1122334455667788n;
  it.each([
    ['le16', 0x7788n],
    ['le32', 0x55667788n],
    ['le64', v],
    ['be16', 0x8877n],
    ['be32', 0x88776655n],
    ['be64', 0x8877665544332211n],
    ['bswap16', 0x8877n],
    ['bswap32', 0x88776655n],
    ['bswap64', 0x8877665544332211n],
  ] as [string, bigint][])('%s', (name, want) => {
    expect(unary(name, v)).toBe(want);
  });
});

describe('loads and stores', () => {
  /** Stores with `store` at [r10-8] after zeroing the slot, then loads it back with `load`. */
  function storeLoad(store: Insn, load: string, off = -8): bigint {
    return r0Of([I('stdw', { dst: 10, off: -8, imm: 0 }), lddw(1, 0x1122334455667788n), store,
      I(load, { dst: 0, src: 10, off }), EXIT]);
  }

  it('st with immediates: sign-extended for stdw, truncated to the size otherwise', () => {
    expect(storeLoad(I('stdw', { dst: 10, off: -8, imm: -2 }), 'ldxdw')).toBe(0xfffffffffffffffen);
    expect(storeLoad(I('stw', { dst: 10, off: -8, imm: -2 }), 'ldxdw')).toBe(0xfffffffen);
    expect(storeLoad(I('sth', { dst: 10, off: -8, imm: 0x12345 }), 'ldxdw')).toBe(0x2345n);
    expect(storeLoad(I('stb', { dst: 10, off: -8, imm: 0x1ff }), 'ldxdw')).toBe(0xffn);
  });

  it('stx of each size stores the low bytes, little-endian', () => {
    expect(storeLoad(I('stxdw', { dst: 10, src: 1, off: -8 }), 'ldxdw')).toBe(0x1122334455667788n);
    expect(storeLoad(I('stxw', { dst: 10, src: 1, off: -8 }), 'ldxdw')).toBe(0x55667788n);
    expect(storeLoad(I('stxh', { dst: 10, src: 1, off: -8 }), 'ldxdw')).toBe(0x7788n);
    expect(storeLoad(I('stxb', { dst: 10, src: 1, off: -8 }), 'ldxdw')).toBe(0x88n);
    expect(storeLoad(I('stxdw', { dst: 10, src: 1, off: -8 }), 'ldxb', -1)).toBe(0x11n);
    expect(storeLoad(I('stxdw', { dst: 10, src: 1, off: -8 }), 'ldxh', -2)).toBe(0x1122n);
  });

  it('ldx zero-extends and ldxs sign-extends', () => {
    const neg = I('stdw', { dst: 10, off: -8, imm: -2 }); // fe ff ff ff ff ff ff ff
    expect(storeLoad(neg, 'ldxb')).toBe(0xfen);
    expect(storeLoad(neg, 'ldxh')).toBe(0xfffen);
    expect(storeLoad(neg, 'ldxw')).toBe(0xfffffffen);
    expect(storeLoad(neg, 'ldxdw')).toBe(0xfffffffffffffffen);
    expect(storeLoad(neg, 'ldxsb')).toBe(0xfffffffffffffffen);
    expect(storeLoad(neg, 'ldxsh')).toBe(0xfffffffffffffffen);
    expect(storeLoad(neg, 'ldxsw')).toBe(0xfffffffffffffffen);
    const pos = I('stw', { dst: 10, off: -8, imm: 0x7f7f7f7f });
    expect(storeLoad(pos, 'ldxsb')).toBe(0x7fn);
    expect(storeLoad(pos, 'ldxsh')).toBe(0x7f7fn);
    expect(storeLoad(pos, 'ldxsw')).toBe(0x7f7f7f7fn);
  });

  it('the stack starts zeroed, also after earlier runs wrote it', () => {
    const read = prepare(layout([I('ldxdw', { dst: 0, src: 10, off: -8 }), I('ldxdw', { dst: 1, src: 10, off: -512 }),
      I('add64_reg', { dst: 0, src: 1 }), EXIT]));
    expect(run(read).r0).toBe(0n);
    // Dirty frame 0 and frame 1 (through a local call), then read again with a program that has no stores.
    r0Of([I('stdw', { dst: 10, off: -8, imm: 1 }), I('stdw', { dst: 10, off: -512, imm: 2 }), I('call_local', { imm: 1 }),
      EXIT, I('stdw', { dst: 10, off: -8, imm: 3 }), EXIT]);
    expect(run(read).r0).toBe(0n);
    const inCallee = prepare(layout([I('call_local', { imm: 1 }), EXIT, I('ldxdw', { dst: 0, src: 10, off: -8 }), EXIT]));
    expect(run(inCallee).r0).toBe(0n);
    // Writes through the memory API (as a debugger would) are zeroed on reset too.
    const vm = new Vm(read);
    vm.memory.write(BigInt(STACK_BASE + 512 - 8), Uint8Array.from([5]));
    expect(vm.step()).toBe('paused');
    expect(vm.getReg(0)).toBe(5n);
    vm.reset();
    expect(vm.run().r0).toBe(0n);
  });

  it('input memory: r1 = its address, r2 = its length; the program works on a private copy', () => {
    const mem = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const r = exec([
      I('ldxdw', { dst: 0, src: 1, off: 0 }),
      I('stxb', { dst: 1, src: 2, off: 7 }), // mem[7] = r2 = 8 (unchanged) ...
      I('stb', { dst: 1, off: 0, imm: 0xaa }),
      EXIT,
    ], { mem });
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(0x0807060504030201n);
    expect(Array.from(r.mem!)).toEqual([0xaa, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(mem)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r0Of([I('mov64_reg', { dst: 0, src: 1 }), EXIT], { mem })).toBe(BigInt(MEM_BASE));
    expect(r0Of([I('mov64_reg', { dst: 0, src: 2 }), EXIT], { mem })).toBe(8n);
    expect(r0Of([I('mov64_reg', { dst: 0, src: 1 }), EXIT])).toBe(0n);
  });

  it('r10 is the top of frame 0 stack', () => {
    expect(r0Of([I('mov64_reg', { dst: 0, src: 10 }), EXIT])).toBe(BigInt(STACK_BASE + 512));
  });
});

describe('atomics', () => {
  /**
   * [r10-8] = mem; r1 = src; r0 = r0init; <op> [r10-8], r1; then returns [mem after, r1, r0].
   */
  function atomic(name: string, mem: bigint, src: bigint, r0init = 0n): [bigint, bigint, bigint] {
    const insns = [
      lddw(2, mem), I('stxdw', { dst: 10, src: 2, off: -8 }), lddw(1, src), lddw(0, r0init),
      I(name, { dst: 10, src: 1, off: -8 }),
      I('ldxdw', { dst: 3, src: 10, off: -8 }),
      EXIT,
    ];
    const vm = new Vm(layout(insns));
    const r = vm.run();
    expect(r.fault, r.fault?.message).toBeNull();
    return [vm.getReg(3), vm.getReg(1), vm.getReg(0)];
  }

  it.each([
    ['atomic64_add', 10n, 5n, [15n, 5n]],
    ['atomic64_add', 0xffffffffn, 1n, [0x100000000n, 1n]],
    ['atomic64_or', 0xf0n, 0x0f00000000n, [0x0f000000f0n, 0x0f00000000n]],
    ['atomic64_and', 0xff00ff00ff00ff00n, 0x0ff00ff00ff00ff0n, [0x0f000f000f000f00n, 0x0ff00ff00ff00ff0n]],
    ['atomic64_xor', ALL, 0xffn, [0xffffffffffffff00n, 0xffn]],
    ['atomic64_fetch_add', 10n, 5n, [15n, 10n]],
    ['atomic64_fetch_or', 0xf0n, 0x0fn, [0xffn, 0xf0n]],
    ['atomic64_fetch_and', 0xf0n, 0x3cn, [0x30n, 0xf0n]],
    ['atomic64_fetch_xor', 0xf0n, 0xffn, [0x0fn, 0xf0n]],
    ['atomic64_xchg', 0x1111111122222222n, 0x3333333344444444n, [0x3333333344444444n, 0x1111111122222222n]],
    // 32-bit: only the low word changes; fetched values are zero-extended into src
    ['atomic32_add', 0x11111111ffffffffn, 1n, [0x1111111100000000n, 1n]],
    ['atomic32_or', 0x1111111100000000n, 0xffffffff00000001n, [0x1111111100000001n, 0xffffffff00000001n]],
    ['atomic32_and', 0x11111111ffff0ff0n, 0xffff00f0n, [0x11111111ffff00f0n, 0xffff00f0n]],
    ['atomic32_xor', 0x22222222f0f0f0f0n, 0xffffffffn, [0x222222220f0f0f0fn, 0xffffffffn]],
    ['atomic32_fetch_add', 0x2222222280000000n, 0xffffffff00000001n, [0x2222222280000001n, 0x80000000n]],
    ['atomic32_fetch_or', 0x22222222000000f0n, 0x0fn, [0x22222222000000ffn, 0xf0n]],
    ['atomic32_fetch_and', 0x22222222000000f0n, 0x3cn, [0x2222222200000030n, 0xf0n]],
    ['atomic32_fetch_xor', 0x22222222fffffff0n, 0xffn, [0x22222222ffffff0fn, 0xfffffff0n]],
    ['atomic32_xchg', 0x22222222aaaaaaaan, 0x33333333bbbbbbbbn, [0x22222222bbbbbbbbn, 0xaaaaaaaan]],
  ] as [string, bigint, bigint, [bigint, bigint]][])('%s mem=%s src=%s', (name, mem, src, [memAfter, srcAfter]) => {
    const [m, s] = atomic(name, mem, src);
    expect(m).toBe(memAfter);
    expect(s).toBe(srcAfter);
  });

  it('atomic32_and keeps the high word', () => {
    expect(atomic('atomic32_and', 0x11111111ffff0000n, 0x0ff0n)[0]).toBe(0x1111111100000000n);
    expect(atomic('atomic32_and', 0x11111111ffffffffn, 0x0ff0n)[0]).toBe(0x1111111100000ff0n);
  });

  it('cmpxchg64: stores src when mem == r0; r0 always gets the old value', () => {
    expect(atomic('atomic64_cmpxchg', 5n, 9n, 5n)).toEqual([9n, 9n, 5n]);
    expect(atomic('atomic64_cmpxchg', 5n, 9n, 6n)).toEqual([5n, 9n, 5n]);
    // Equal low halves but different high halves: no store.
    expect(atomic('atomic64_cmpxchg', 0x100000005n, 9n, 5n)).toEqual([0x100000005n, 9n, 0x100000005n]);
  });

  it('cmpxchg32 compares the low 32 bits of r0 and zero-extends the old value into r0', () => {
    expect(atomic('atomic32_cmpxchg', 0x4444444400000005n, 0x99999999n, 0xffffffff00000005n))
      .toEqual([0x4444444499999999n, 0x99999999n, 5n]);
    expect(atomic('atomic32_cmpxchg', 0x44444444f0000005n, 0x99999999n, 7n))
      .toEqual([0x44444444f0000005n, 0x99999999n, 0xf0000005n]);
  });

  it('cmpxchg with r0 as the source register', () => {
    // mem == r0 == 5, src r0 = 5: stores 5, r0 = old 5.
    const insns = [I('stdw', { dst: 10, off: -8, imm: 5 }), I('mov64_imm', { dst: 0, imm: 5 }),
      I('atomic64_cmpxchg', { dst: 10, src: 0, off: -8 }), EXIT];
    expect(r0Of(insns)).toBe(5n);
  });
});

describe('jumps', () => {
  /** 1 if `name` (with r1 = a and r2/imm = b) jumps, 0 if it falls through. */
  function taken(name: string, a: bigint, b: bigint): number {
    const op = opByName(name);
    const jump = op.usesSrcReg
      ? I(name, { dst: 1, src: 2, off: 2 })
      : I(name, { dst: 1, imm: Number(BigInt.asIntN(32, b)), off: 2 });
    const r = r0Of([lddw(1, a), lddw(2, b), jump, I('mov64_imm', { dst: 0, imm: 0 }), EXIT,
      I('mov64_imm', { dst: 0, imm: 1 }), EXIT]);
    return Number(r);
  }

  const M1 = ALL; // -1
  // [op, a, b, taken64, taken32]: b chosen to fit in s32 so imm and reg forms agree.
  const cases: [string, bigint, bigint, number, number][] = [
    ['jeq', 5n, 5n, 1, 1],
    ['jeq', 5n, 6n, 0, 0],
    ['jeq', 0x100000005n, 5n, 0, 1],
    ['jeq', M1, M1, 1, 1],
    ['jne', 5n, 5n, 0, 0],
    ['jne', 0x100000005n, 5n, 1, 0],
    ['jgt', M1, 1n, 1, 1],
    ['jgt', 1n, 2n, 0, 0],
    ['jgt', 2n, 2n, 0, 0],
    ['jgt', 0x100000000n, 0x7fffffffn, 1, 0],
    ['jge', 2n, 2n, 1, 1],
    ['jge', 1n, 2n, 0, 0],
    ['jge', M1, 0n, 1, 1],
    ['jlt', 1n, M1, 1, 1],
    ['jlt', 2n, 2n, 0, 0],
    ['jlt', 0x100000001n, 2n, 0, 1],
    ['jle', 2n, 2n, 1, 1],
    ['jle', 3n, 2n, 0, 0],
    ['jle', 0x100000003n, 4n, 0, 1],
    ['jsgt', M1, 1n, 0, 0],
    ['jsgt', 1n, M1, 1, 1],
    ['jsgt', 2n, 2n, 0, 0],
    ['jsgt', 0x1ffffffffn, 1n, 1, 0], // 32-bit: -1 > 1 is false
    ['jsge', M1, M1, 1, 1],
    ['jsge', U(-2n), M1, 0, 0],
    ['jsge', 0x80000000n, 0n, 1, 0], // 64: positive; 32: INT32_MIN
    ['jslt', M1, 1n, 1, 1],
    ['jslt', 1n, M1, 0, 0],
    ['jslt', INT64_MIN, 0x7fffffffn, 1, 1],
    ['jslt', 0x80000000n, 0n, 0, 1],
    ['jsle', M1, M1, 1, 1],
    ['jsle', 0n, M1, 0, 0],
    ['jsle', 0xffffffffn, 0n, 0, 1],
    ['jset', 0b1010n, 0b0100n, 0, 0],
    ['jset', 0b1010n, 0b0010n, 1, 1],
    ['jset', 0x100000000n, M1, 1, 0],
  ];
  for (const form of ['imm', 'reg'] as const) {
    it.each(cases)(`%s (${form}) a=%s b=%s`, (op, a, b, t64, t32) => {
      expect(taken(`${op}64_${form}`, a, b)).toBe(t64);
      expect(taken(`${op}32_${form}`, a, b)).toBe(t32);
    });
  }

  it('64-bit immediates are sign-extended, 32-bit compare the low halves', () => {
    expect(taken('jeq64_imm', ALL, -1n)).toBe(1);
    expect(taken('jeq64_imm', 0xffffffffn, -1n)).toBe(0);
    expect(taken('jeq32_imm', 0xffffffffn, -1n)).toBe(1);
    expect(taken('jgt64_imm', 0x80000000n, -1n)).toBe(0); // imm is 0xffff...ffff
    expect(taken('jgt32_imm', 0xffffffffn, 0x7fffffffn)).toBe(1);
  });

  it('ja and ja32 (gotol), forward and backward', () => {
    expect(r0Of([I('ja', { off: 1 }), I('mov64_imm', { dst: 0, imm: 1 }), EXIT])).toBe(0n);
    expect(r0Of([I('ja32', { imm: 1 }), I('mov64_imm', { dst: 0, imm: 1 }), EXIT])).toBe(0n);
    // r0 counts down from 10 via a backward ja32 loop: r1 accumulates 10 iterations.
    const loop = [
      I('mov64_imm', { dst: 0, imm: 10 }),
      I('jeq64_imm', { dst: 0, imm: 0, off: 3 }),
      I('add64_imm', { dst: 1, imm: 1 }),
      I('sub64_imm', { dst: 0, imm: 1 }),
      I('ja32', { imm: -4 }),
      I('mov64_reg', { dst: 0, src: 1 }),
      EXIT,
    ];
    expect(r0Of(loop)).toBe(10n);
  });

  it('jump offsets count slots: an lddw takes two', () => {
    expect(r0Of([I('ja', { off: 2 }), lddw(0, 7n), EXIT])).toBe(0n);
    // slot 0 jumps to slot 4, which jumps back to the lddw at slot 1
    expect(r0Of([I('ja', { off: 3 }), lddw(0, 7n), EXIT, I('ja', { off: -4 })])).toBe(7n);
  });
});

describe('lddw', () => {
  it('loads a full 64-bit immediate', () => {
    expect(r0Of([lddw(0, 0x1122334455667788n), EXIT])).toBe(0x1122334455667788n);
    expect(r0Of([lddw(0, 0xffffffff80000000n), EXIT])).toBe(0xffffffff80000000n);
  });

  it('pseudo forms need a resolver', () => {
    const insns = [I('lddw_map_fd', { dst: 1, imm: 3 }), I('mov64_reg', { dst: 0, src: 1 }), EXIT];
    const r = exec(insns);
    expect(r.fault?.code).toBe('E_UNRESOLVED_PSEUDO');
    expect(r.fault?.kind).toBe('unresolved_pseudo');
    expect(r.fault?.pc).toBe(0);
    const seen: unknown[] = [];
    const ok = exec(insns, { resolvePseudo: (req) => (seen.push(req), 0x30000000n + BigInt(req.imm)) });
    expect(ok.fault).toBeNull();
    expect(ok.r0).toBe(0x30000003n);
    expect(seen).toEqual([{ name: 'lddw_map_fd', src: 1, imm: 3, imm2: 0, pc: 0 }]);
    expect(exec(insns, { resolvePseudo: () => null }).fault?.code).toBe('E_UNRESOLVED_PSEUDO');
  });
});

describe('calls', () => {
  it('local call: callee-saved r6-r9 restored, arguments and r0 pass through', () => {
    const insns = [
      I('mov64_imm', { dst: 6, imm: 6 }), // 0
      I('mov64_imm', { dst: 9, imm: 9 }), // 1
      I('mov64_imm', { dst: 1, imm: 7 }), // 2
      I('call_local', { imm: 3 }), // 3 -> 7
      I('add64_reg', { dst: 0, src: 6 }), // 4: r0 = 7 + 6
      I('add64_reg', { dst: 0, src: 9 }), // 5: + 9
      EXIT, // 6
      I('mov64_imm', { dst: 6, imm: 100 }), // 7: callee clobbers r6 and r9
      I('mov64_imm', { dst: 9, imm: 100 }), // 8
      I('mov64_reg', { dst: 0, src: 1 }), // 9
      EXIT, // 10
    ];
    expect(r0Of(insns)).toBe(22n);
  });

  it('each frame has its own stack; r10 is restored on return', () => {
    const insns = [
      I('stdw', { dst: 10, off: -8, imm: 0x11 }), // 0
      I('call_local', { imm: 3 }), // 1 -> 5
      I('ldxdw', { dst: 0, src: 10, off: -8 }), // 2: still 0x11
      I('add64_reg', { dst: 0, src: 10 }), // 3: + frame 0 stack top
      EXIT, // 4
      I('ldxdw', { dst: 2, src: 10, off: -8 }), // 5: callee's own stack: 0
      I('stdw', { dst: 10, off: -8, imm: 0x22 }), // 6
      I('add64_reg', { dst: 2, src: 10 }), // 7
      EXIT, // 8
    ];
    const vm = new Vm(layout(insns));
    const r = vm.run();
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(0x11n + BigInt(STACK_BASE + 512));
    expect(vm.getReg(2)).toBe(BigInt(STACK_BASE + 0x1000000 + 512));
    expect(vm.getReg(10)).toBe(BigInt(STACK_BASE + 512));
  });

  /** main calls f(k), f recurses until r1 == 0: k + 2 frames in use at the deepest point. */
  function recursion(k: number): RunResult {
    return exec([
      I('mov64_imm', { dst: 1, imm: k }), // 0
      I('call_local', { imm: 1 }), // 1 -> 3
      EXIT, // 2
      I('jeq64_imm', { dst: 1, imm: 0, off: 2 }), // 3: f
      I('sub64_imm', { dst: 1, imm: 1 }), // 4
      I('call_local', { imm: -3 }), // 5 -> 3
      I('mov64_imm', { dst: 0, imm: 42 }), // 6
      EXIT, // 7
    ]);
  }

  it('eight frames are allowed, a ninth faults with E_CALL_DEPTH', () => {
    expect(recursion(6).fault).toBeNull();
    expect(recursion(6).r0).toBe(42n);
    const r = recursion(7);
    expect(r.fault?.code).toBe('E_CALL_DEPTH');
    expect(r.fault?.kind).toBe('call_depth');
    expect(r.fault?.pc).toBe(5);
  });

  it('helper 5 returns a monotonic simulated clock', () => {
    const r = exec([I('call', { imm: 5 }), I('mov64_reg', { dst: 6, src: 0 }), I('call', { imm: 5 }),
      I('sub64_reg', { dst: 0, src: 6 }), EXIT]);
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(2n);
    expect(r0Of([I('call', { imm: 5 }), EXIT])).toBe(BigInt(SIM_CLOCK_START_NS + 1));
  });

  it('callx: the register holds a helper id', () => {
    expect(r0Of([I('mov64_imm', { dst: 2, imm: 5 }), I('callx', { dst: 2 }), EXIT]))
      .toBe(BigInt(SIM_CLOCK_START_NS + 2));
    const bad = exec([lddw(2, 0x100000005n), I('callx', { dst: 2 }), EXIT]);
    expect(bad.fault?.code).toBe('E_UNKNOWN_HELPER');
  });

  it('pluggable helpers read r1-r5, set r0 and may use memory', () => {
    const helpers = new Map([
      [1, (ctx: import('../src/vm/index.js').HelperContext) => {
        let sum = 0n;
        for (let r = 1; r <= 5; r++) sum += ctx.arg(r);
        ctx.setReturn(sum);
      }],
      [2, (ctx: import('../src/vm/index.js').HelperContext) => {
        const bytes = ctx.memory.read(ctx.arg(1), 2);
        if (!(bytes instanceof Uint8Array)) return ctx.fault('E_HELPER_ARG', bytes.message);
        ctx.setReturn(bytes[0]! * 256 + bytes[1]!);
      }],
    ]);
    const sum = [1, 2, 3, 4, 5].map((r) => I('mov64_imm', { dst: r, imm: r * 10 }));
    expect(r0Of([...sum, I('call', { imm: 1 }), EXIT], { helpers })).toBe(150n);
    expect(r0Of([I('call', { imm: 2 }), EXIT], { helpers, mem: Uint8Array.from([1, 2]) })).toBe(0x102n);
    const f = exec([I('mov64_imm', { dst: 1, imm: 0 }), I('call', { imm: 2 }), EXIT], { helpers });
    expect(f.fault?.code).toBe('E_HELPER_ARG');
    expect(f.fault?.kind).toBe('helper');
    // The default table is replaced: helper 5 is not in this one.
    expect(exec([I('call', { imm: 5 }), EXIT], { helpers }).fault?.code).toBe('E_UNKNOWN_HELPER');
  });

  it('a throwing helper becomes a fault', () => {
    const helpers = new Map([[9, () => { throw new Error('boom'); }]]);
    const r = exec([I('call', { imm: 9 }), EXIT], { helpers });
    expect(r.fault?.code).toBe('E_HELPER_FAILED');
    expect(r.fault?.message).toContain('boom');
  });

  it('unknown helper ids and kfunc calls fault', () => {
    const r = exec([I('call', { imm: 12345 }), EXIT]);
    expect(r.fault?.code).toBe('E_UNKNOWN_HELPER');
    expect(r.fault?.kind).toBe('unknown_helper');
    expect(r.fault?.message).toContain('12345');
    const k = exec([I('call_kfunc', { imm: 7 }), EXIT]);
    expect(k.fault?.code).toBe('E_KFUNC');
    expect(k.fault?.kind).toBe('kfunc');
  });

  it('a helper calling run() on its own machine does not re-enter it', () => {
    let inner: RunResult | undefined;
    const helpers = new Map([[1, (ctx: import('../src/vm/index.js').HelperContext) => {
      inner = vm.run();
      ctx.setReturn(7);
    }]]);
    const vm: Vm = new Vm(layout([I('call', { imm: 1 }), I('add64_imm', { dst: 0, imm: 1 }), EXIT]), { helpers });
    const r = vm.run();
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(8n);
    expect(inner?.insns).toBe(1);
  });

  it('a helper may call run() again (re-entrancy)', () => {
    const inner = prepare(layout([I('mov64_imm', { dst: 0, imm: 40 }), EXIT]));
    const helpers = new Map([[1, (ctx: import('../src/vm/index.js').HelperContext) => ctx.setReturn(run(inner).r0 + 2n)]]);
    expect(r0Of([I('call', { imm: 1 }), EXIT], { helpers })).toBe(42n);
  });
});

describe('legacy packet loads', () => {
  it('fault without a packet accessor', () => {
    const r = exec([I('ldabsh', { imm: 0 }), EXIT]);
    expect(r.fault?.code).toBe('E_UNSUPPORTED');
    expect(r.fault?.kind).toBe('unsupported');
  });

  it('read big-endian through the accessor; out of bounds ends the program with r0 = 0', () => {
    const legacyPacketLoad = packetLoader(Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a]));
    expect(r0Of([I('ldabsw', { imm: 1 }), EXIT], { legacyPacketLoad })).toBe(0x3456789an);
    expect(r0Of([I('ldabsb', { imm: 4 }), EXIT], { legacyPacketLoad })).toBe(0x9an);
    expect(r0Of([I('mov64_imm', { dst: 3, imm: 2 }), I('ldindh', { src: 3, imm: 1 }), EXIT], { legacyPacketLoad }))
      .toBe(0x789an);
    const oob = exec([I('mov64_imm', { dst: 0, imm: 7 }), I('ldabsw', { imm: 4 }), I('mov64_imm', { dst: 0, imm: 9 }), EXIT],
      { legacyPacketLoad });
    expect(oob.fault).toBeNull();
    expect(oob.r0).toBe(0n);
    expect(oob.insns).toBe(2);
  });
});

describe('step, trace and machine API', () => {
  const prog = layout([I('mov64_imm', { dst: 0, imm: 5 }), I('add64_imm', { dst: 0, imm: 2 }), I('mov64_imm', { dst: 3, imm: -1 }), EXIT]);

  it('step() executes one instruction at a time', () => {
    const vm = new Vm(prog);
    expect(vm.state).toBe('ready');
    expect(vm.step()).toBe('paused');
    expect(vm.pc).toBe(1);
    expect(vm.getReg(0)).toBe(5n);
    expect(vm.step()).toBe('paused');
    expect(vm.getReg(0)).toBe(7n);
    vm.setReg(0, 100n);
    expect(vm.run().r0).toBe(100n);
    expect(vm.state).toBe('exited');
    expect(vm.insns).toBe(4);
    vm.reset();
    expect(vm.getReg(0)).toBe(0n);
    expect(vm.run().r0).toBe(7n);
  });

  it('trace reports each executed instruction and the registers it changed', () => {
    const steps: TraceStep[] = [];
    const r = run(prog, { trace: (s) => steps.push(s) });
    expect(r.r0).toBe(7n);
    expect(steps.map((s) => [s.index, s.pc, s.insn?.op.name, s.changes])).toEqual([
      [1, 0, 'mov64_imm', [{ reg: 0, before: 0n, after: 5n }]],
      [2, 1, 'add64_imm', [{ reg: 0, before: 5n, after: 7n }]],
      [3, 2, 'mov64_imm', [{ reg: 3, before: 0n, after: ALL }]],
      [4, 3, 'exit', []],
    ]);
  });

  it('trace includes the faulting instruction', () => {
    const steps: TraceStep[] = [];
    const r = run(layout([I('mov64_imm', { dst: 1, imm: 0 }), I('ldxw', { dst: 0, src: 1 }), EXIT]),
      { trace: (s) => steps.push(s) });
    expect(r.fault?.code).toBe('E_NULL_POINTER');
    expect(steps).toHaveLength(2);
    expect(steps[1]!.fault?.code).toBe('E_NULL_POINTER');
  });

  it('traced and untraced runs agree on a call-heavy program', () => {
    const insns = [
      I('mov64_imm', { dst: 1, imm: 5 }),
      I('call_local', { imm: 2 }),
      I('mov64_reg', { dst: 0, src: 6 }),
      EXIT,
      I('mov64_imm', { dst: 6, imm: 3 }),
      I('stxdw', { dst: 10, src: 1, off: -8 }),
      I('ldxdw', { dst: 0, src: 10, off: -8 }),
      EXIT,
    ];
    const plain = exec(insns);
    let n = 0;
    const traced = exec(insns, { trace: () => n++ });
    expect(traced).toEqual(plain);
    expect(n).toBe(plain.insns);
  });

  it('setup hook adds regions and sets registers; regions share the caller\'s bytes', () => {
    const ctx = new Uint8Array(16);
    const r = exec([
      I('stdw', { dst: 1, off: 8, imm: 0x1234 }),
      I('ldxdw', { dst: 0, src: 1, off: 8 }),
      EXIT,
    ], { setup: (vm) => vm.setReg(1, vm.addRegion('ctx', ctx, { writable: true })) });
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(0x1234n);
    expect(ctx[8]).toBe(0x34);
    expect(ctx[9]).toBe(0x12);
  });
});
