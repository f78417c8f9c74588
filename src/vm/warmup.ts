// Warm-up of the hot loop's type feedback, once per process.
//
// V8 optimizes `execute` (interpreter.ts) with TurboFan after it has run for a while, and compiles
// only what has run by then: an operation that has never executed becomes a "soft
// deoptimization" point. The first program to reach one throws the optimized code away, and for
// the interpreter that is expensive: a recompilation of the huge function takes 50-200 ms of a
// compiler thread, and meanwhile a long run continues in on-stack-replacement code, in which the
// loop's variables stay boxed, about half as fast; V8 optimizes the function itself again only
// after many more calls. So how fast a program ran depended on which programs had run before it
// in the same process, and the first fault or division by a large value slowed everything after.
//
// `warmUp` runs short programs that between them execute every case of the loop with operands of
// both signs and with both halves set (so that nothing is recorded as small-integer only), every
// path and correction branch of the 64-bit division (operands from test/vm-arith.test.ts), both
// outcomes of every jump, and every way out of the loop: exit, pause, each Status.Slow
// instruction, and each kind of fault. That is about 3,300 instructions in V8's bytecode
// interpreter and baseline compiler, some 12 ms, once per process; it makes V8 optimize nothing
// by itself (it keeps changing the type feedback, which resets V8's hotness count).
//
// Vm.executeUntil calls it when the process has executed COLD_INSNS instructions, pausing the
// run in progress: short runs (a CLI run, most tests) never pay for it, and a long one pays it
// before V8 decides to optimize the loop (after some 2,000-3,000 instructions of a busy loop).

import { type Insn, OPS, type OpSpec, layout, makeInsn, opByName } from '../isa/index.js';
import type { RunOptions, Vm } from './machine.js';
import { type PreparedProgram, prepare } from './prepare.js';

type VmConstructor = new (program: PreparedProgram, opts?: RunOptions) => Vm;

const I = (name: string, f: Partial<Omit<Insn, 'op'>> = {}): Insn => makeInsn(opByName(name), f);

/**
 * Operand pairs [r6, r7] for the general program: signs, carries, shift counts 56, 7, 0 and 48,
 * and equal or unequal halves, so that every jump is both taken and not taken.
 */
const PAIRS: readonly (readonly [bigint, bigint])[] = [
  [0x9abc12345678n, 0x9abc12345678n],
  [0x9abc12345679n, 0x9abc12345647n],
  [0xfffffffe80000000n, 0x7fffffff00000000n],
  [5n, 0xfffffffffffffff0n],
];

/**
 * Operand pairs [a, b] for the division program: each path and correction branch of the 64-bit
 * division (arith.ts), zero divisors and signs.
 */
const DIV_PAIRS: readonly (readonly [bigint, bigint])[] = [
  [0x587d70fn, 0x87en], // both below 2^32
  [0x22535454e5n, 0xf8bn], // b < 2^30: the estimate is right
  [0x25eeddfc5ca5a0n, 0x115cdbn], // ... one too large
  [0x16b306fd08b62c8n, 0x2fc133n], // ... one too small
  [0xd4f3a53d309c897n, 0x14n], // a / b >= 2^51: high word first
  [0xffffffffffffffffn, 0n], // zero divisor
  [0xb7849ebc5c0ba3b6n, 0x3c7cab335n], // b >= 2^30: one too large
  [0x10111a26e8863c8n, 0x3e51d9cd38564n], // ... one too small
  [0xd7ea911ca81e81bbn, 0x79984160a371n], // ... the double remainder is inexact
  [0xa9f9a5facc158a19n, 0x18634f921ffed5dn], // b >= 2^51
  [0x209ffdb5d58d3cdn, 0xc23b7b4c687e7n], // ... one too small
  [0x9b9fffffffffffffn, 0x8000000000000n], // ... one too large
  [0x1d7b892162f07dc5n, 0xebdc490b1783ee3n], // ... one too large, with a carry
  [0x997f4b5bffffa064n, 0x9fbca9ffffff9cn], // ... one too small, with a borrow
  [0x8000000000000000n, 0xffffffffffffffffn], // INT64_MIN and -1
  [7n, 0xfffffffffffffffen], // positive and negative
];

function isDivision(op: OpSpec): boolean {
  return op.kind === 'alu' && (op.op === 'div' || op.op === 'mod');
}

/** Immediates: shift counts of each range; for division and jumps also zero, signs, 2^30. */
function immediates(op: OpSpec): number[] {
  if (op.kind === 'alu' && (op.op === 'lsh' || op.op === 'rsh' || op.op === 'arsh')) return [0, 7, 40 % op.width];
  if (isDivision(op)) return [0, 7, -7, 0x40000000, 1000003];
  if (op.kind === 'jcond') return [-7, 0x12345678];
  return [-7];
}

/** `mov r0, r6; <op> r0, r7` (or r0, imm) for each ALU, byte-order and conditional jump row chosen. */
function operations(select: (op: OpSpec) => boolean): Insn[] {
  const out: Insn[] = [];
  for (const op of OPS) {
    const k = op.kind;
    if (k !== 'alu' && k !== 'neg' && k !== 'mov' && k !== 'movsx' && k !== 'end' && k !== 'jcond') continue;
    if (!select(op)) continue;
    const forms: Partial<Omit<Insn, 'op'>>[] = [];
    if (op.src === 'reg') forms.push({ src: 7 });
    else if (op.imm !== 'any') forms.push({});
    else for (const imm of immediates(op)) forms.push({ imm });
    for (const f of forms) {
      // A conditional jump with offset 0 goes on at the next instruction either way.
      out.push(I('mov64_reg', { dst: 0, src: 6 }), makeInsn(op, { dst: 0, off: 0, ...f }));
    }
  }
  return out;
}

/** Every load, store and atomic, on the stack and on the input memory (another window). */
function memory(): Insn[] {
  const out: Insn[] = [];
  for (const [stx, st, ldx, ldxs] of [
    ['stxb', 'stb', 'ldxb', 'ldxsb'], ['stxh', 'sth', 'ldxh', 'ldxsh'], ['stxw', 'stw', 'ldxw', 'ldxsw'],
    ['stxdw', 'stdw', 'ldxdw', 'ldxdw'],
  ] as const) {
    out.push(I(stx, { dst: 10, src: 6, off: -8 }), I(ldx, { dst: 0, src: 10, off: -8 }));
    out.push(I(st, { dst: 10, off: -16, imm: -3 }), I(ldxs, { dst: 0, src: 10, off: -16 }));
    out.push(I(stx, { dst: 1, src: 7, off: 0 }), I(ldx, { dst: 0, src: 1, off: 0 }));
  }
  for (const op of OPS) {
    if (op.kind !== 'atomic') continue;
    // cmpxchg: first r0 equals the value in memory, then it does not.
    out.push(I('stxdw', { dst: 10, src: 6, off: -24 }), I('mov64_reg', { dst: 0, src: 6 }));
    out.push(makeInsn(op, { dst: 10, src: 7, off: -24 }));
    out.push(I('mov64_imm', { dst: 0, imm: 1 }), makeInsn(op, { dst: 10, src: 7, off: -24 }));
  }
  return out;
}

/** Nested local calls (an exit with depth > 0), a helper call, callx, lddw; then exit. */
function calls(): Insn[] {
  return [
    I('lddw', { dst: 8, imm: 0x12345678, imm2: -2 }),
    I('call_local', { imm: 4 }),
    I('call', { imm: 5 }),
    I('mov64_imm', { dst: 9, imm: 5 }),
    I('callx', { dst: 9 }),
    I('exit'),
    I('call_local', { imm: 1 }), // slot 7: calls slot 9
    I('exit'),
    I('mov64_imm', { dst: 0, imm: 3 }),
    I('exit'),
  ];
}

/** One program for each way of faulting. */
function faulting(): Insn[][] {
  return [
    [I('lddw', { dst: 3, imm2: 1 }), I('ldxw', { dst: 0, src: 3 }), I('exit')], // base register >= 2^32
    [I('ldxdw', { dst: 0, src: 10 }), I('exit')], // past the stack: the DataView throws
    [I('call_local', { imm: -1 }), I('exit')], // a 9th frame
    [I('call_kfunc', { imm: 1 }), I('exit')],
    [I('call', { imm: 999 }), I('exit')], // unknown helper (Status.Slow)
    [I('lddw_map_fd', { dst: 1, imm: 1 }), I('exit')], // no pseudo resolver (Status.Slow)
    [I('ldabsw', { imm: 0 }), I('exit')], // no packet (Status.Slow)
    [I('ja', { off: 5 }), I('exit')], // jump outside the program
    [I('mov64_imm', { dst: 0, imm: 0 })], // falls off the end
    [I('mov64_imm', { dst: 11, imm: 0 }), I('exit')], // no such register
  ];
}

let warmedUp = false;
let coldInsns = 0;

/** Instructions the process executes before the warm-up (see the top of this file). */
const COLD_INSNS = 1024;

/** Whether the warm-up has run. */
export function isWarm(): boolean {
  return warmedUp;
}

/** How many more instructions may run before the warm-up. */
export function coldAllowance(): number {
  return Math.max(0, COLD_INSNS - coldInsns);
}

/** Counts instructions executed before the warm-up. */
export function noteColdInsns(n: number): void {
  coldInsns += n;
}

/** Runs the warm-up programs, the first time only. */
export function warmUp(VmClass: VmConstructor): void {
  if (warmedUp) return;
  warmedUp = true;
  // Only prepared programs and the option shapes {} and { mem }, as typical callers pass: other
  // shapes would make the per-run code (Vm.load, reset) polymorphic for everybody.
  const mem = new Uint8Array(16);
  const prog = (insns: Insn[]): PreparedProgram => prepare(layout(insns));
  // V8 allocates a function's feedback vector only after it has run a while (in proportion to
  // its size): a short loop first, whose own feedback does not matter.
  const vm = new VmClass(prog([
    I('mov64_imm', { dst: 1, imm: 400 }), I('sub64_imm', { dst: 1, imm: 1 }), I('jne64_imm', { dst: 1, off: -2 }),
    I('exit'),
  ]), {});
  vm.run();
  const runWith = (program: PreparedProgram, pairs: readonly (readonly [bigint, bigint])[]): void => {
    for (const [a, b] of pairs) {
      vm.load(program, { mem });
      vm.setReg(6, a);
      vm.setReg(7, b);
      vm.run();
    }
  };
  runWith(prog([...operations((op) => !isDivision(op)), ...memory(), ...calls()]), PAIRS);
  runWith(prog([...operations(isDivision), I('exit')]), DIV_PAIRS);
  for (const insns of faulting()) {
    vm.load(prog(insns), { mem });
    vm.run();
  }
  vm.load(prog([I('ja', { off: -1 })]), {}); // the budget runs out
  vm.maxInsns = 3;
  vm.run();
}
