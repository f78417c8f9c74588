// Tail calls (bpf_tail_call, helper 12) and callbacks (bpf_loop, helper 181) in the interpreter.
// Expectations are worked out by hand from the kernel's rules: tail calls (index >= max_entries or
// an empty slot: continue after the call, uncounted; count >= MAX_TAIL_CALL_CNT (33): continue;
// else count and jump to the target's first instruction keeping registers and stack; the counting
// is checked against the running kernel in vm-tailcall-kernel.test.ts) and kernel/bpf/bpf_iter.c's
// bpf_loop.

import { describe, expect, it } from 'vitest';

import { assemble } from '../src/asm/index.js';
import { decode } from '../src/isa/encoding.js';
import type { Program } from '../src/isa/index.js';
import { bpfLoop } from '../src/runtime/helperimpl/loop.js';
import { type ProgArrayView, tailCallHelper } from '../src/runtime/helperimpl/tailcall.js';
import { type HelperFn, type TraceStep, Vm, prepare, run } from '../src/vm/index.js';
import { MAX_TAIL_CALL_CNT } from '../src/vm/machine.js';

function prog(text: string): Program {
  const r = assemble(text, { syntax: 'llvm' });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  const d = decode(r.value.bytes);
  if (!d.ok) throw new Error('does not decode');
  return d.value;
}

/** A helper table with a tail call through one prog array (any r2) holding `slots`. */
function tailHelpers(slots: (Program | null)[], names: string[], entered: string[], maxEntries = slots.length): Map<number, HelperFn> {
  const view: ProgArrayView = {
    maxEntries,
    target: (i) => (slots[i] ? { program: prepare(slots[i]!), name: names[i]! } : null),
  };
  return new Map([[12, tailCallHelper(() => view, (n) => entered.push(n))], [181, bpfLoop]]);
}

describe('tail calls', () => {
  const target = prog(`
    r0 = *(u64 *)(r10 - 8)
    r0 += r6
    r0 += r1
    exit`);
  const caller = prog(`
    r6 = 100
    r7 = 5
    *(u64 *)(r10 - 8) = r7
    r1 = 1000
    r3 = 1
    call 12
    r0 = 99
    exit`);

  it('continue in the target with the same registers and stack memory; the caller does not resume', () => {
    const entered: string[] = [];
    const res = run(caller, { helpers: tailHelpers([null, target], ['none', 'target'], entered) });
    expect(res.fault).toBeNull();
    // stack slot 5 + r6 100 + r1 1000, all kept across the tail call
    expect(res.r0).toBe(1105n);
    expect(entered).toEqual(['target']);
    // 6 caller instructions up to and including the call, then 4 in the target
    expect(res.insns).toBe(10);
  });

  it('an empty slot or an index out of range continues after the call with r0 unchanged', () => {
    const p = prog(`
      r0 = 7
      r3 = 0
      call 12
      r3 = 5
      call 12
      exit`);
    const entered: string[] = [];
    const res = run(p, { helpers: tailHelpers([null], ['x'], entered) });
    expect(res.fault).toBeNull();
    expect(res.r0).toBe(7n);
    expect(entered).toEqual([]);
  });

  it('allow a chain of 33 tail calls; the 34th fails and execution continues after it', () => {
    // Each entry counts itself in a stack slot (the stack survives tail calls), then tail-calls
    // itself; the count ends at 1 + 33.
    const self = prog(`
      r0 = *(u64 *)(r10 - 8)
      r0 += 1
      *(u64 *)(r10 - 8) = r0
      r3 = 0
      call 12
      r0 = *(u64 *)(r10 - 8)
      r0 += 1000
      exit`);
    const entered: string[] = [];
    const res = run(self, { helpers: tailHelpers([self], ['self'], entered) });
    expect(res.fault).toBeNull();
    expect(MAX_TAIL_CALL_CNT).toBe(33);
    expect(res.r0).toBe(1034n);
    expect(entered.length).toBe(33);
  });

  it('count only tail calls that reach a program, as Linux 6.18 (not empty slots, not indexes out of range)', () => {
    // 40 attempts at the empty slot 1 and 40 out of range, then slot 0 still works.
    const p = prog(`
      r6 = 0
    again:
      r3 = 9
      call 12
      r3 = 1
      call 12
      r6 += 1
      if r6 < 40 goto again
      r0 = 1
      r3 = 0
      call 12
      exit`);
    const t = prog('r0 = 2\nexit');
    const entered: string[] = [];
    expect(run(p, { helpers: tailHelpers([t, null], ['t', 'empty'], entered) }).r0).toBe(2n);
    expect(entered).toEqual(['t']);
  });

  it('the instruction budget continues across programs', () => {
    const spin = prog('r0 = 0\nr0 += 1\nif r0 < 100 goto -2\nexit');
    const p = prog('r1 = 0\nr3 = 0\ncall 12\nexit');
    const res = run(p, { helpers: tailHelpers([spin], ['spin'], []), maxInsns: 150 });
    expect(res.fault?.code).toBe('E_BUDGET');
    expect(res.insns).toBe(150);
  });

  it('from a subprogram, the target replaces the subprogram and returns to its caller (x86-64 JIT semantics)', () => {
    const p = prog(`
      r6 = 5
      call sub
      r0 += r6
      exit
    sub:
      r6 = 100
      r3 = 0
      call 12
      r0 = 1
      exit`);
    const t = prog('r0 = 40\nr6 = 7\nexit');
    const entered: string[] = [];
    const vm = new Vm(p, { helpers: tailHelpers([t], ['t'], entered), programName: 'main' });
    const res = vm.run();
    expect(res.fault).toBeNull();
    // the caller's r6 comes back from its frame: 40 + 5
    expect(res.r0).toBe(45n);
    expect(entered).toEqual(['t']);
    expect(vm.programName).toBe('main');
  });

  it('a chain of tail calls from a subprogram returns to the subprogram\'s caller once', () => {
    const p = prog('call sub\nr0 += 1000\nexit\nsub:\nr3 = 0\ncall 12\nexit');
    const t1 = prog('r3 = 1\ncall 12\nr0 = 1\nexit');
    const t2 = prog('r0 = 2\nexit');
    const steps: TraceStep[] = [];
    const res = run(p, { helpers: tailHelpers([t1, t2], ['t1', 't2'], []), programName: 'main', trace: (s) => steps.push(s) });
    expect(res.r0).toBe(1002n);
    expect(steps.map((s) => `${s.program}:${s.pc}:${s.depth}`)).toEqual([
      'main:0:1', 'main:3:1', 'main:4:1', 't1:0:1', 't1:1:1', 't2:0:1', 't2:1:0', 'main:1:0', 'main:2:0',
    ]);
  });

  it('a tail call inside a bpf_loop callback returns into the loop', () => {
    // The callback tail-calls a program that adds 1 to the u64 at the callback context (r2).
    const p = prog(`
      r6 = 0
      *(u64 *)(r10 - 8) = r6
      r1 = 3
      r2 = func(cb) ll
      r3 = r10
      r3 += -8
      r4 = 0
      call 181
      r6 = *(u64 *)(r10 - 8)
      r6 <<= 8
      r0 |= r6
      exit
    cb:
      r3 = 0
      call 12
      r0 = 1
      exit`);
    const t = prog('r3 = *(u64 *)(r2 + 0)\nr3 += 1\n*(u64 *)(r2 + 0) = r3\nr0 = 0\nexit');
    const entered: string[] = [];
    const helpers = tailHelpers([t], ['t'], entered);
    const res = run(p, { helpers });
    expect(res.fault).toBeNull();
    expect(res.r0).toBe((3n << 8n) | 3n);
    expect(entered).toEqual(['t', 't', 't']);
    // stepping gives the same
    const vm = new Vm(p, { helpers });
    while (vm.step() === 'paused') expect(vm.insnAt(vm.pc)).not.toBeNull();
    expect(vm.getReg(0)).toBe((3n << 8n) | 3n);
  });

  it('a fault in the target names the target instruction; a rerun starts in the entry program again', () => {
    const bad = prog('r0 = 1\nr1 = 0\nr0 = *(u32 *)(r1 + 0)\nexit');
    const p = prog('r3 = 0\ncall 12\nr0 = 5\nexit');
    const vm = new Vm(p, { helpers: tailHelpers([bad], ['bad'], []), programName: 'entry' });
    const res = vm.run();
    expect(res.fault?.code).toBe('E_NULL_POINTER');
    expect(res.fault?.pc).toBe(2);
    expect(res.fault?.insn?.op.name).toBe('ldxw');
    expect(vm.programName).toBe('bad');
    vm.reset();
    expect(vm.programName).toBe('entry');
    expect(vm.insnAt(1)?.op.name).toBe('call');
  });

  it('trace and step say which program runs', () => {
    const t = prog('r0 = 2\nexit');
    const p = prog('r3 = 0\ncall 12\nr0 = 5\nexit');
    const steps: TraceStep[] = [];
    const res = run(p, { helpers: tailHelpers([t], ['t'], []), programName: 'main', trace: (s) => steps.push(s) });
    expect(res.r0).toBe(2n);
    expect(steps.map((s) => [s.program, s.pc, s.insn?.op.name])).toEqual([
      ['main', 0, 'mov64_imm'], ['main', 1, 'call'], ['t', 0, 'mov64_imm'], ['t', 1, 'exit'],
    ]);
    const vm = new Vm(p, { helpers: tailHelpers([t], ['t'], []), programName: 'main' });
    expect(vm.step()).toBe('paused');
    expect(vm.step()).toBe('paused');
    expect([vm.programName, vm.pc]).toEqual(['t', 0]);
    vm.step();
    expect(vm.step()).toBe('exited');
    expect(vm.getReg(0)).toBe(2n);
  });
});

describe('bpf_loop callbacks', () => {
  const helpers = new Map<number, HelperFn>([[181, bpfLoop]]);
  // Sums i * 10 for i = 0.. into a u64 on the caller's stack through the ctx pointer; stops when
  // i reaches 4 (returns 1).
  const sum = (n: number, flags = 0) => prog(`
      r6 = 0
      *(u64 *)(r10 - 8) = r6
      r1 = ${n}
      r2 = func(cb) ll
      r3 = r10
      r3 += -8
      r4 = ${flags}
      call 181
      r6 = *(u64 *)(r10 - 8)
      r6 <<= 32
      r0 += r6
      exit
    cb:
      r3 = r1
      r3 *= 10
      r4 = *(u64 *)(r2 + 0)
      r4 += r3
      *(u64 *)(r2 + 0) = r4
      r0 = 0
      if r1 != 4 goto +1
      r0 = 1
      exit`);

  it('call the callback with r1 = index and r2 = ctx and return the number of calls', () => {
    // 3 iterations: 0 + 10 + 20 = 30; r0 = 3
    expect(run(sum(3), { helpers }).r0).toBe((30n << 32n) | 3n);
  });

  it('stop at the first non-zero return, counting that call', () => {
    // i = 0..4: 0 + 10 + 20 + 30 + 40 = 100; the fifth call returns 1: r0 = 5
    const res = run(sum(100), { helpers });
    expect(res.fault).toBeNull();
    expect(res.r0).toBe((100n << 32n) | 5n);
  });

  it('zero loops: 0 without calling; flags != 0: -EINVAL; more than 2^23 loops: -E2BIG', () => {
    expect(run(sum(0), { helpers }).r0).toBe(0n);
    expect(run(sum(3, 1), { helpers }).r0).toBe(BigInt.asUintN(64, -22n));
    expect(run(sum(0x800001), { helpers }).r0).toBe(BigInt.asUintN(64, -7n));
  });

  it('keep the caller\'s r6-r9 and r10; callback instructions count, run at depth 1 and are traced', () => {
    const steps: TraceStep[] = [];
    const res = run(sum(2), { helpers, trace: (s) => steps.push(s) });
    expect(res.fault).toBeNull();
    // caller: 8 insns to the call (the lddw is one), 4 after; callback: 8 insns for i = 0, 1
    // (the branch skips `r0 = 1`)
    expect(res.insns).toBe(8 + 4 + 2 * 8);
    expect(steps.length).toBe(res.insns);
    const cbSteps = steps.filter((s) => s.pc >= 13);
    expect(cbSteps.length).toBe(16);
    expect(cbSteps.slice(0, -1).every((s) => s.depth === 1)).toBe(true);
    // The call's own step, then the callback's first instruction at slot 13.
    const callIndex = steps.findIndex((s) => s.insn?.op.name === 'call');
    expect(steps[callIndex + 1]!.pc).toBe(13);
    // After the last callback exit, execution is back after the call with r0 = 2.
    const last = cbSteps[cbSteps.length - 1]!;
    expect(last.insn?.op.name).toBe('exit');
    expect(last.depth).toBe(0);
  });

  it('step through a loop one instruction at a time', () => {
    const vm = new Vm(sum(2), { helpers });
    let n = 0;
    while (vm.step() === 'paused') {
      n++;
      expect(vm.insnAt(vm.pc)).not.toBeNull();
    }
    expect(vm.state).toBe('exited');
    expect(n + 1).toBe(28);
    expect(vm.getReg(0)).toBe((10n << 32n) | 2n);
  });

  it('a fault in the callback faults the program at the callback instruction', () => {
    const p = prog(`
      r1 = 3
      r2 = func(cb) ll
      r3 = 0
      r4 = 0
      call 181
      exit
    cb:
      r0 = *(u64 *)(r2 + 0)
      exit`);
    const res = run(p, { helpers });
    expect(res.fault?.code).toBe('E_NULL_POINTER');
    expect(res.fault?.pc).toBe(7);
  });

  it('a budget runs out inside the callback', () => {
    const res = run(sum(100), { helpers, maxInsns: 20 });
    expect(res.fault?.code).toBe('E_BUDGET');
    expect(res.insns).toBe(20);
  });

  it('nested loops', () => {
    // outer 3 times, inner 4 times per outer call: the inner callback adds 1 to the counter.
    const p = prog(`
      r6 = 0
      *(u64 *)(r10 - 8) = r6
      r1 = 3
      r2 = func(outer) ll
      r3 = r10
      r3 += -8
      r4 = 0
      call 181
      r0 = *(u64 *)(r10 - 8)
      exit
    outer:
      r1 = 4
      r3 = r2
      r2 = func(inner) ll
      r4 = 0
      call 181
      r0 = 0
      exit
    inner:
      r3 = *(u64 *)(r2 + 0)
      r3 += 1
      *(u64 *)(r2 + 0) = r3
      r0 = 0
      exit`);
    const res = run(p, { helpers });
    expect(res.fault).toBeNull();
    expect(res.r0).toBe(12n);
  });

  it('a callback address that is not a function faults', () => {
    const p = prog('r1 = 1\nr2 = 64\nr3 = 0\nr4 = 0\ncall 181\nexit');
    expect(run(p, { helpers }).fault?.code).toBe('E_BAD_CALLBACK');
  });

  it('a function pointer cannot be dereferenced', () => {
    const p = prog('r1 = func(f) ll\nr0 = *(u8 *)(r1 + 0)\nexit\nf:\nexit');
    expect(run(p).fault?.code).toBe('E_UNMAPPED');
  });

  it('the stack frames run out at 8', () => {
    // Seven nested local calls (depth 7, the eighth frame), then bpf_loop would need a ninth.
    const calls = Array.from({ length: 6 }, (_, i) => `f${i}:\ncall f${i + 1}\nexit`).join('\n');
    const p = prog(`call f0\nexit\n${calls}\nf6:\nr1 = 1\nr2 = func(cb) ll\nr3 = 0\nr4 = 0\ncall 181\nexit\ncb:\nr0 = 0\nexit`);
    const res = run(p, { helpers });
    expect(res.fault?.code).toBe('E_CALL_DEPTH');
  });
});
