// Faults: every way a run can stop early comes back as a typed value, never as an exception.

import { describe, expect, it } from 'vitest';
import { type Insn, OPS, decode, encode, layout, makeInsn, opByName } from '../src/isa/index.js';
import { type RunOptions, type RunResult, formatFault, run } from '../src/vm/index.js';

type Fields = Partial<Omit<Insn, 'op'>>;
const I = (name: string, f: Fields = {}): Insn => makeInsn(opByName(name), f);
const EXIT = I('exit');

function lddw(dst: number, v: bigint): Insn {
  const u = BigInt.asUintN(64, v);
  return I('lddw', { dst, imm: Number(u & 0xffffffffn) | 0, imm2: Number(u >> 32n) | 0 });
}

function exec(insns: Insn[], opts: RunOptions = {}): RunResult {
  return run(layout(insns), opts);
}

const MEM8 = { mem: new Uint8Array(8) };

describe('memory faults', () => {
  it('load past the end of the input memory', () => {
    const load = I('ldxdw', { dst: 0, src: 1, off: 8 });
    const r = exec([I('mov64_imm', { dst: 0, imm: 3 }), load, EXIT], MEM8);
    expect(r.fault).toEqual({
      code: 'E_OUT_OF_BOUNDS', kind: 'out_of_bounds', pc: 1, insn: load,
      message: 'load of 8 bytes at 0x20000008 is outside region "mem" [0x20000000, 0x20000008)',
      address: '0x20000008', size: 8, region: 'mem',
    });
    expect(r.r0).toBe(3n);
    expect(r.insns).toBe(2);
    expect(formatFault(r.fault!)).toBe(
      'pc 1: load of 8 bytes at 0x20000008 is outside region "mem" [0x20000000, 0x20000008) [E_OUT_OF_BOUNDS]');
  });

  it('store that straddles the end of a region', () => {
    const r = exec([I('stxdw', { dst: 1, src: 1, off: 1 }), EXIT], MEM8);
    expect(r.fault?.code).toBe('E_OUT_OF_BOUNDS');
    expect(r.fault?.message).toBe('store of 8 bytes at 0x20000001 is outside region "mem" [0x20000000, 0x20000008)');
    expect(r.fault?.size).toBe(8);
    expect(r.mem).toEqual(new Uint8Array(8)); // nothing was written
  });

  it('each access size is checked exactly', () => {
    for (const [name, size] of [['ldxb', 1], ['ldxh', 2], ['ldxw', 4], ['ldxdw', 8]] as const) {
      expect(exec([I(name, { dst: 0, src: 1, off: 8 - size }), EXIT], MEM8).fault, name).toBeNull();
      const r = exec([I(name, { dst: 0, src: 1, off: 9 - size }), EXIT], MEM8);
      expect(r.fault?.code, name).toBe('E_OUT_OF_BOUNDS');
      expect(r.fault?.size, name).toBe(size);
    }
    expect(exec([I('ldxb', { dst: 0, src: 1, off: -1 }), EXIT], MEM8).fault?.address).toBe('0x1fffffff');
  });

  it('null pointer', () => {
    const r = exec([I('mov64_imm', { dst: 1, imm: 0 }), I('ldxw', { dst: 0, src: 1, off: 16 }), EXIT]);
    expect(r.fault?.code).toBe('E_NULL_POINTER');
    expect(r.fault?.kind).toBe('null_pointer');
    expect(r.fault?.address).toBe('0x10');
    expect(r.fault?.region).toBeNull();
    expect(r.fault?.message).toBe('load of 4 bytes at 0x10 dereferences a null pointer (nothing is mapped below 0x1000000)');
  });

  it('addresses that wrap or have a non-zero high half are unmapped', () => {
    const below = exec([I('mov64_imm', { dst: 1, imm: 0 }), I('ldxb', { dst: 0, src: 1, off: -1 }), EXIT]);
    expect(below.fault?.code).toBe('E_UNMAPPED');
    expect(below.fault?.address).toBe('0xffffffffffffffff');
    const high = exec([lddw(1, 0x120000000n), I('stb', { dst: 1, off: 0, imm: 1 }), EXIT], MEM8);
    expect(high.fault?.code).toBe('E_UNMAPPED');
    expect(high.fault?.kind).toBe('unmapped');
    expect(high.fault?.address).toBe('0x120000000');
    expect(high.fault?.message).toBe('store of 1 byte at 0x120000000: no memory is mapped there');
    // High half 1 plus a negative offset lands below 2^32 in the never-mapped top window.
    const wrap = exec([lddw(1, 0x100000004n), I('ldxb', { dst: 0, src: 1, off: -8 }), EXIT]);
    expect(wrap.fault?.code).toBe('E_UNMAPPED');
    expect(wrap.fault?.address).toBe('0xfffffffc');
    const gap = exec([lddw(1, 0x40000000n), I('ldxb', { dst: 0, src: 1 }), EXIT]);
    expect(gap.fault?.code).toBe('E_UNMAPPED');
  });

  it('writes beyond either end of the stack', () => {
    const above = exec([I('stxdw', { dst: 10, src: 1, off: 0 }), EXIT]);
    expect(above.fault?.code).toBe('E_OUT_OF_BOUNDS');
    expect(above.fault?.region).toBe('stack0');
    expect(above.fault?.message).toBe('store of 8 bytes at 0x10000200 is outside region "stack0" [0x10000000, 0x10000200)');
    const below = exec([I('stw', { dst: 10, off: -516, imm: 1 }), EXIT]);
    expect(below.fault?.code).toBe('E_UNMAPPED');
    expect(below.fault?.address).toBe('0xffffffc');
    expect(exec([I('stxdw', { dst: 10, src: 1, off: -512 }), EXIT]).fault).toBeNull();
  });

  it('read-only and write-only regions', () => {
    const bytes = Uint8Array.from([7, 0, 0, 0]);
    const setup = (writable: boolean, readable: boolean) => (vm: import('../src/vm/index.js').Vm) =>
      vm.setReg(1, vm.addRegion('ro', bytes, { writable, readable }));
    const load = [I('ldxw', { dst: 0, src: 1 }), EXIT];
    const store = [I('stw', { dst: 1, off: 0, imm: 9 }), EXIT];
    expect(exec(load, { setup: setup(false, true) }).r0).toBe(7n);
    const ro = exec(store, { setup: setup(false, true) });
    expect(ro.fault?.code).toBe('E_READ_ONLY');
    expect(ro.fault?.kind).toBe('read_only');
    expect(ro.fault?.message).toBe('store of 4 bytes at 0x30000000: region "ro" is read-only');
    expect(bytes[0]).toBe(7);
    const atomic = exec([I('atomic32_add', { dst: 1, src: 1 }), EXIT], { setup: setup(false, true) });
    expect(atomic.fault?.code).toBe('E_READ_ONLY');
    const wo = exec(load, { setup: setup(true, false) });
    expect(wo.fault?.code).toBe('E_NOT_READABLE');
    expect(wo.fault?.kind).toBe('write_only');
    expect(exec(store, { setup: setup(true, false) }).fault).toBeNull();
    expect(bytes[0]).toBe(9);
  });
});

describe('control-flow faults', () => {
  it('budget exhaustion on an infinite loop', () => {
    const r = exec([I('mov64_imm', { dst: 0, imm: 1 }), I('ja', { off: -1 }), EXIT]);
    expect(r.fault?.code).toBe('E_BUDGET');
    expect(r.fault?.kind).toBe('budget');
    expect(r.insns).toBe(1_000_000);
    expect(r.fault?.pc).toBe(1);
    const small = exec([I('ja', { off: -1 }), EXIT], { maxInsns: 10 });
    expect(small.insns).toBe(10);
    expect(small.fault?.code).toBe('E_BUDGET');
    expect(small.fault?.message).toContain('10');
  });

  it('a program that exits on exactly its last budgeted instruction succeeds', () => {
    const r = exec([I('mov64_imm', { dst: 0, imm: 1 }), EXIT], { maxInsns: 2 });
    expect(r.fault).toBeNull();
    expect(exec([I('mov64_imm', { dst: 0, imm: 1 }), EXIT], { maxInsns: 1 }).fault?.code).toBe('E_BUDGET');
  });

  it('jump into the second slot of an lddw', () => {
    const r = exec([I('ja', { off: 1 }), lddw(0, 1n), EXIT]);
    expect(r.fault?.code).toBe('E_BAD_JUMP');
    expect(r.fault?.kind).toBe('bad_jump');
    expect(r.fault?.pc).toBe(0);
    expect(r.fault?.message).toBe('jump to the second slot of the lddw at slot 1');
    expect(r.insns).toBe(1);
  });

  it('jumps and local calls outside the program', () => {
    expect(exec([I('ja', { off: 10 }), EXIT]).fault?.message).toBe('jump to slot 11, outside the program (slots 0-1)');
    expect(exec([I('ja', { off: -2 }), EXIT]).fault?.code).toBe('E_BAD_JUMP');
    expect(exec([I('ja', { off: 1 }), EXIT]).fault?.message).toContain('slot 2'); // one past the end
    expect(exec([I('ja32', { imm: -100 }), EXIT]).fault?.code).toBe('E_BAD_JUMP');
    expect(exec([I('call_local', { imm: 5 }), EXIT]).fault?.message).toContain('local call to slot 6');
  });

  it('a conditional jump with a bad target faults only when taken', () => {
    const prog = (r0: number) => [I('mov64_imm', { dst: 0, imm: r0 }), I('jeq64_imm', { dst: 0, imm: 1, off: 100 }), EXIT];
    expect(exec(prog(0)).fault).toBeNull();
    expect(exec(prog(1)).fault?.code).toBe('E_BAD_JUMP');
    expect(exec(prog(1)).fault?.pc).toBe(1);
  });

  it('falling off the end', () => {
    const r = exec([I('mov64_imm', { dst: 0, imm: 1 }), lddw(1, 2n)]);
    expect(r.fault?.code).toBe('E_FELL_OFF_END');
    expect(r.fault?.kind).toBe('fell_off_end');
    expect(r.fault?.pc).toBe(1);
    expect(r.insns).toBe(2);
    expect(r.r0).toBe(1n);
    expect(exec([]).fault?.message).toBe('the program has no instructions');
  });

  it('an invalid register in a hand-built instruction faults when reached', () => {
    const bad = { ...I('mov64_imm', { dst: 0, imm: 1 }), dst: 12 };
    const r = exec([I('mov64_imm', { dst: 0, imm: 1 }), bad, EXIT]);
    expect(r.fault?.code).toBe('E_BAD_REGISTER');
    expect(r.fault?.pc).toBe(1);
    expect(exec([I('ja', { off: 1 }), bad, EXIT]).fault).toBeNull();
  });

  it('input memory larger than a region faults instead of throwing', () => {
    const r = exec([EXIT], { mem: new Uint8Array(16 * 1024 * 1024 + 1) });
    expect(r.fault?.code).toBe('E_MEM_TOO_LARGE');
  });
});

describe('robustness', () => {
  /** xorshift32: reproducible pseudo-random numbers. */
  function rng(seed: number): () => number {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return x >>> 0;
    };
  }

  it('random instruction sequences never throw and respect the budget', () => {
    const next = rng(12345);
    const pickReg = () => next() % 11;
    const nasty = [0, 1, -1, 8, -8, 0x7fffffff, -0x80000000, 0x20000000, 0x10000200];
    for (let t = 0; t < 2000; t++) {
      const n = 1 + (next() % 12);
      const insns: Insn[] = [];
      for (let i = 0; i < n; i++) {
        const op = OPS[next() % OPS.length]!;
        insns.push(makeInsn(op, {
          dst: pickReg(), src: pickReg(),
          // Mostly small offsets so that jumps often land inside the program.
          off: next() % 4 === 0 ? nasty[next() % nasty.length]! : (next() % (2 * n + 4)) - (n + 2),
          imm: next() & 1 ? nasty[next() % nasty.length]! : next() | 0,
          imm2: next() | 0,
        }));
      }
      if (next() & 1) insns.push(EXIT);
      const mem = next() & 1 ? new Uint8Array(next() % 64) : undefined;
      const r = run(layout(insns), { maxInsns: 5000, ...(mem ? { mem } : {}) });
      expect(r.insns).toBeLessThanOrEqual(5000);
      expect(typeof r.r0).toBe('bigint');
      if (r.fault) expect(r.fault.message.length).toBeGreaterThan(0);
    }
  });

  it('random decodable bytecode never throws', () => {
    const next = rng(999);
    let ran = 0;
    for (let t = 0; t < 3000; t++) {
      const n = 1 + (next() % 6);
      const insns = Array.from({ length: n }, () => {
        const op = OPS[next() % OPS.length]!;
        const f = { dst: next() % 11, src: next() % 11, off: (next() % 16) - 8, imm: next() | 0, imm2: next() | 0 };
        for (const k of ['dst', 'src', 'off', 'imm'] as const) if (op[k] === 'zero') f[k] = 0;
        return makeInsn(op, f);
      });
      const bytes = encode(insns);
      // Corrupt one byte now and then; what still decodes must still run cleanly.
      if (next() % 3 === 0) bytes[next() % bytes.length] = next() & 0xff;
      const p = decode(bytes);
      if (!p.ok) continue;
      ran++;
      const r = run(p.value, { maxInsns: 1000, mem: new Uint8Array(16) });
      expect(r.insns).toBeLessThanOrEqual(1000);
    }
    expect(ran).toBeGreaterThan(1000);
  });
});
