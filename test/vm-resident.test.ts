// The interpreter keeps the running machine's registers and code in one module-level array (the
// resident Vm; interpreter.ts) and warms itself up once per process (warmup.ts). Machines that
// take turns, helpers that run other programs, the warm-up pausing a run in progress, and the
// size limit of that array.

import { describe, expect, it } from 'vitest';
import { type Insn, layout, makeInsn, opByName } from '../src/isa/index.js';
import { type HelperContext, type PreparedProgram, Vm, prepare, run } from '../src/vm/index.js';
import { isWarm } from '../src/vm/warmup.js';
import { MAX_CODE_SLOTS, STRIDE } from '../src/vm/words.js';

const I = (name: string, f: Partial<Omit<Insn, 'op'>> = {}): Insn => makeInsn(opByName(name), f);

/** r0 = sum over i = n..1 of (i * k + r6) with r6 = 2^32 + 5; about 6 * n instructions. */
function loopProgram(n: number, k: number): PreparedProgram {
  return prepare(layout([
    I('lddw', { dst: 6, imm: 5, imm2: 1 }),
    I('mov64_imm', { dst: 0, imm: 0 }),
    I('mov64_imm', { dst: 1, imm: n }),
    I('mov64_reg', { dst: 2, src: 1 }),
    I('mul64_imm', { dst: 2, imm: k }),
    I('add64_reg', { dst: 2, src: 6 }),
    I('add64_reg', { dst: 0, src: 2 }),
    I('sub64_imm', { dst: 1, imm: 1 }),
    I('jne64_imm', { dst: 1, imm: 0, off: -6 }),
    I('exit'),
  ]));
}

function expected(n: number, k: number): bigint {
  let s = 0n;
  for (let i = 1n; i <= BigInt(n); i++) s += i * BigInt(k) + (1n << 32n) + 5n;
  return BigInt.asUintN(64, s);
}

describe('warm-up', () => {
  // This file runs in its own worker, so the process starts cold: the first test here is the
  // first to execute instructions.
  it('pauses the first long run for the warm-up and continues it unchanged', () => {
    expect(isWarm()).toBe(false);
    const r = run(loopProgram(2000, 3));
    expect(isWarm()).toBe(true);
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(expected(2000, 3));
    expect(r.insns).toBe(4 + 6 * 2000);
  });
});

describe('machines taking turns', () => {
  it('two machines stepped alternately keep their own registers and frames', () => {
    const a = new Vm(loopProgram(300, 7));
    const b = new Vm(loopProgram(200, 11));
    while (a.state !== 'exited' || b.state !== 'exited') {
      a.step();
      b.step();
      b.step();
    }
    expect(a.result().r0).toBe(expected(300, 7));
    expect(b.result().r0).toBe(expected(200, 11));
    // Registers read and written through the API, whichever machine ran last.
    a.setReg(3, 0x123456789n);
    expect(b.getReg(3)).not.toBe(0x123456789n);
    b.load(loopProgram(10, 1));
    b.run();
    expect(a.getReg(3)).toBe(0x123456789n);
    expect(a.getReg(0)).toBe(expected(300, 7));
  });

  it('a helper that runs other programs, on the pooled machine and on a new one', () => {
    const inner = loopProgram(50, 2);
    const helpers = new Map([[1, (ctx: HelperContext) => {
      const x = run(inner).r0;
      const y = new Vm(loopProgram(20, 9)).run().r0;
      ctx.setReturn(BigInt.asUintN(64, x + y));
    }]]);
    // r6-r9 and r10 of the caller, the call depth and the stack must survive the helper.
    const outer = prepare(layout([
      I('mov64_imm', { dst: 7, imm: 77 }),
      I('stdw', { dst: 10, off: -8, imm: 1234 }),
      I('call_local', { imm: 6 }),
      I('add64_reg', { dst: 0, src: 7 }),
      I('ldxdw', { dst: 1, src: 10, off: -8 }),
      I('add64_reg', { dst: 0, src: 1 }),
      I('exit'),
      I('exit'), // unused
      I('mov64_imm', { dst: 0, imm: 0 }), // slot 9: the local function
      I('call', { imm: 1 }),
      I('exit'),
    ]));
    const r = run(outer, { helpers });
    expect(r.fault).toBeNull();
    expect(r.r0).toBe(BigInt.asUintN(64, expected(50, 2) + expected(20, 9) + 77n + 1234n));
  });

  it('a machine dropped while its state is in the interpreter is not needed by the next one', () => {
    new Vm(loopProgram(5, 1)).run();
    expect(run(loopProgram(5, 1)).r0).toBe(expected(5, 1));
  });
});

describe('size limit', () => {
  it('a program that does not fit faults with E_PROGRAM_TOO_LARGE instead of running', () => {
    const small = prepare(layout([I('exit')]));
    const huge: PreparedProgram = { ...small, code: new Int32Array((MAX_CODE_SLOTS + 1) * STRIDE) };
    const r = run(huge);
    expect(r.fault?.code).toBe('E_PROGRAM_TOO_LARGE');
    expect(r.insns).toBe(0);
    expect(run(small).fault).toBeNull();
  });
});
