// ObjectRuntime (src/runtime/object.ts): several programs of one object sharing persistent maps,
// tail calls through a prog_array whose values are program indices, trace_printk lines per run,
// and the C line of a fault. The object is built by hand here (the ELF loader is tested on its
// own); expectations are worked out by hand.

import { describe, expect, it } from 'vitest';

import { assemble } from '../src/asm/index.js';
import type { ElfProgram, SourceLine } from '../src/elf/types.js';
import { decode } from '../src/isa/encoding.js';
import type { MapDef } from '../src/runtime/maps/def.js';
import { kernelAvailable, kernelTestRun } from '../src/oracle/index.js';
import { ObjectRuntime } from '../src/runtime/object.js';

function elfProgram(name: string, text: string, lines: Record<number, SourceLine> = {}): ElfProgram {
  const r = assemble(text, { syntax: 'llvm' });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  const d = decode(r.value.bytes);
  if (!d.ok) throw new Error('does not decode');
  const lineArray: (SourceLine | undefined)[] = [];
  for (const [slot, l] of Object.entries(lines)) lineArray[Number(slot)] = l;
  return {
    name, section: 'xdp', kernelType: 'xdp', kernelTypeId: 6, expectedAttachType: 0, program: d.value,
    bytes: r.value.bytes, lines: lineArray, mapsUsed: [], functions: new Map([[0, name]]),
  };
}

const u32 = (v: number): Uint8Array => Uint8Array.from([v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24]);
const u64At = (b: Uint8Array | null): bigint => (b ? new DataView(b.buffer, b.byteOffset).getBigUint64(0, true) : -1n);

const MAPS: MapDef[] = [
  { name: 'counts', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1 },
  { name: 'jmp_table', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4 },
];

// counts[0] += 1, then tail call jmp_table[1]; if that fails, XDP_PASS.
const DISPATCH = elfProgram('dispatch', `
  r6 = r1
  *(u32 *)(r10 - 4) = 0
  r2 = r10
  r2 += -4
  r1 = map_fd(0) ll
  call 1
  if r0 == 0 goto skip
  r1 = *(u64 *)(r0 + 0)
  r1 += 1
  *(u64 *)(r0 + 0) = r1
skip:
  r1 = r6
  r2 = map_fd(1) ll
  r3 = 1
  call 12
  r0 = 2
  exit`);

// trace_printk("drop %d\\n", 1); return XDP_DROP
const DROP = elfProgram('drop', `
  r1 = 0x0a642520706f7264 ll
  *(u64 *)(r10 - 16) = r1
  r1 = 0
  *(u64 *)(r10 - 8) = r1
  r1 = r10
  r1 += -16
  r2 = 9
  r3 = 1
  call 6
  r0 = 1
  exit`);

const LINE: SourceLine = { file: 'prog.c', line: 42, column: 9, text: '  return *p;' };
const FAULTY = elfProgram('faulty', 'r1 = 0\nr0 = *(u32 *)(r1 + 0)\nexit', { 1: LINE });

function runtime(): ObjectRuntime {
  return new ObjectRuntime({ programs: [DISPATCH, DROP, FAULTY], maps: MAPS });
}

describe('ObjectRuntime', () => {
  it('runs a program with the object\'s maps; the maps persist across runs', () => {
    const rt = runtime();
    const a = rt.run('dispatch', 'xdp');
    expect(a.fault).toBeNull();
    expect(a.action).toBe('XDP_PASS'); // the prog_array slot is empty: the tail call fails
    expect(a.tailCalls).toEqual([]);
    rt.run('dispatch', 'xdp');
    expect(u64At(rt.maps.get('counts')!.lookup(u32(0)))).toBe(2n);
    rt.maps.reset();
    expect(u64At(rt.maps.get('counts')!.lookup(u32(0)))).toBe(0n);
  });

  it('tail-calls through the prog_array (values are program indices) and collects printk lines', () => {
    const rt = runtime();
    expect(rt.maps.get('jmp_table')!.update(u32(1), u32(1))).toBe(0);
    const r = rt.run('dispatch', 'xdp');
    expect(r.fault).toBeNull();
    expect(r.action).toBe('XDP_DROP');
    expect(r.tailCalls).toEqual(['drop']);
    expect(r.program).toBe('drop');
    expect(r.printk).toEqual(['drop 1']);
    expect(u64At(rt.maps.get('counts')!.lookup(u32(0)))).toBe(1n);
    // The next run starts again in `dispatch`, with fresh printk output.
    const again = rt.run('dispatch', 'xdp');
    expect(again.printk).toEqual(['drop 1']);
    expect(u64At(rt.maps.get('counts')!.lookup(u32(0)))).toBe(2n);
  });

  it('gives the C line of a fault, in the program that faulted', () => {
    const rt = runtime();
    const f = rt.run('faulty', 'xdp');
    expect(f.fault?.code).toBe('E_NULL_POINTER');
    expect(f.line).toEqual(LINE);
    rt.maps.get('jmp_table')!.update(u32(1), u32(2));
    const t = rt.run('dispatch', 'xdp');
    expect(t.tailCalls).toEqual(['faulty']);
    expect(t.fault?.pc).toBe(1);
    expect(t.line).toEqual(LINE);
  });

  it('traces name the running program', () => {
    const rt = runtime();
    rt.maps.get('jmp_table')!.update(u32(1), u32(1));
    const seen = new Set<string | undefined>();
    rt.run('dispatch', 'xdp', { trace: (s) => seen.add(s.program) });
    expect([...seen]).toEqual(['dispatch', 'drop']);
  });

  it('steps a run instruction by instruction through a tail call', () => {
    const rt = runtime();
    rt.maps.get('jmp_table')!.update(u32(1), u32(1));
    const r = rt.start('dispatch', 'xdp');
    let steps = 0;
    while (r.vm.step() === 'paused') steps++;
    const res = r.result();
    expect(res.action).toBe('XDP_DROP');
    expect(res.printk).toEqual(['drop 1']);
    expect(steps + 1).toBe(res.insns);
  });

  it('refuses an unknown program name with the names it has', () => {
    expect(() => runtime().run('nope', 'xdp')).toThrow(/no program named nope .*dispatch, drop, faulty/);
  });

  it('keeps the budget across tail calls', () => {
    const rt = runtime();
    rt.maps.get('jmp_table')!.update(u32(1), u32(1));
    const r = rt.run('dispatch', 'xdp', { maxInsns: 20 });
    expect(r.fault?.code).toBe('E_BUDGET');
    expect(r.insns).toBe(20);
  });
});

// bpf_redirect_map on an empty device map: the fallback action in the low flag bits, XDP_ABORTED
// for bad flags, XDP_REDIRECT when broadcasting. The kernel agrees where it can be asked.
const REDIRECT_FLAGS = [0, 1, 2, 3, 8, 8 | 16 | 2, 4, 0x20];
const redirectProgram = (flags: number): ElfProgram =>
  elfProgram(`redirect_${flags}`, `r1 = map_fd(0) ll\nr2 = 1\nr3 = ${flags}\ncall 51\nexit`);
const DEVMAP: MapDef = { name: 'tx_ports', type: 'devmap', keySize: 4, valueSize: 4, maxEntries: 4 };

describe('bpf_redirect_map', () => {
  it('falls back to the flags\' action when the key has no entry', () => {
    const progs = REDIRECT_FLAGS.map(redirectProgram);
    const rt = new ObjectRuntime({ programs: progs, maps: [DEVMAP] });
    const r0s = progs.map((p) => Number(rt.run(p.name, 'xdp').r0));
    // 0..3: the fallback; broadcast: redirect; bits outside the mask (4, 0x20): aborted
    expect(r0s).toEqual([0, 1, 2, 3, 4, 4, 0, 0]);
    expect(rt.run('redirect_8', 'xdp').redirectMap).toEqual({ map: 'tx_ports', key: 1 });
  });

  const avail = kernelAvailable();
  it.skipIf(!avail.ok)('agrees with the kernel', () => {
    const progs = REDIRECT_FLAGS.map(redirectProgram);
    const rt = new ObjectRuntime({ programs: progs, maps: [DEVMAP] });
    for (const p of progs) {
      const k = kernelTestRun(p.bytes, { progType: 'xdp', maps: [{ type: 'devmap', keySize: 4, valueSize: 4, maxEntries: 4 }] });
      expect(k.verdict.accepted, p.name).toBe(true);
      expect(rt.run(p.name, 'xdp').r0Lo, p.name).toBe(k.run!.retval);
    }
  });
});
