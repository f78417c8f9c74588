// Kernel-driver mode (src/sim/driver): the same instructions with no verifier and no bounds
// checks, on a simulated paged kernel address space. Leaks, corruption, page faults and lockups
// are values in the result; the Node process never crashes.

import { describe, expect, it } from 'vitest';

import { assemble } from '../src/asm/index.js';
import { decode } from '../src/isa/index.js';
import {
  KERNEL_BASE, PAGE_SIZE, STOP, bugcheckPanelLines, defaultLayout, formatBugcheckPanel, fromKernel, isCanonical, placeLayout,
  runDriver, toKernel, type DriverLayout,
} from '../src/sim/driver/index.js';

function prog(text: string) {
  const a = assemble(text, { syntax: 'llvm' });
  if (!a.ok) throw new Error(a.errors.map((e) => e.message).join('; '));
  return a.value.program;
}

const MEM64 = new Uint8Array(64).map((_, i) => i);

describe('address space', () => {
  it('shows VM addresses as kernel addresses and back, consistently', () => {
    for (const vm of [0x01000000n, 0x40000060n, 0xfffffff0n]) {
      const k = toKernel(vm);
      expect(k >= KERNEL_BASE).toBe(true);
      expect(fromKernel(k)).toBe(vm);
      expect(isCanonical(k)).toBe(true);
    }
    // the null page and 64-bit garbage stay as they are
    expect(toKernel(8n)).toBe(8n);
    expect(toKernel(0xffffd6030000006an)).toBe(0xffffd6030000006an);
    expect(isCanonical(0x0000d6030000006an)).toBe(false);
  });

  it('places objects back to back in 4 KiB pages, with free pool up to the page end', () => {
    const placed = placeLayout(defaultLayout({ memSize: 64 }));
    const pool = placed[0]!;
    expect(pool.size % PAGE_SIZE).toBe(0);
    const buf = pool.objects.find((o) => o.name === 'driver buffer')!;
    const next = pool.objects[pool.objects.indexOf(buf) + 1]!;
    expect(next.owner).toBe('kernel');
    expect(next.address).toBe(buf.address + 64); // the neighbour shares the page, right after the buffer
    const last = pool.objects[pool.objects.length - 1]!;
    expect(last.owner).toBe('free');
    expect(last.offset + last.size).toBe(pool.size);
  });
});

describe('runDriver', () => {
  it('an in-bounds program: ok, r0, the machine keeps running', () => {
    const r = runDriver(prog('r0 = *(u64 *)(r1 + 8)\nexit'), { mem: MEM64 });
    expect(r.outcome).toBe('ok');
    expect(r.r0).toBe(0x0f0e0d0c0b0a0908n);
    expect(r.machine.state).toBe('running');
    expect(r.leaks).toEqual([]);
  });

  it('an out-of-bounds read inside mapped memory succeeds and is a leak of the neighbour (which object, which bytes)', () => {
    const r = runDriver(prog('r0 = *(u64 *)(r1 + 64)\nexit'), { mem: MEM64 });
    expect(r.outcome).toBe('leak');
    expect(r.leaks).toHaveLength(1);
    const l = r.leaks[0]!;
    expect(l.object).toBe('explorer.exe process entry');
    expect(l.objectOffset).toBe(0);
    expect(l.fields).toEqual(['POOL_HEADER']);
    expect(l.bytes).toBe('01 00 07 02 50 72 6f 63'); // the pool header: tag "Proc"
    expect(r.r0).toBe(BigInt('0x636f725002070001'));
    expect(r.machine.state).toBe('running');
  });

  it('reading in front of the buffer leaks another process\'s secret', () => {
    const r = runDriver(prog('r0 = *(u64 *)(r1 - 56)\nexit'), { mem: MEM64 });
    expect(r.outcome).toBe('leak');
    expect(r.leaks[0]!.object).toBe('lsass.exe credentials');
    expect(r.leaks[0]!.fields).toEqual(['SessionKey']);
    expect(r.leaks[0]!.secret).toBe(true);
  });

  it('an out-of-bounds write corrupts the neighbour (diff) and a later list check halts the machine: 0x139', () => {
    const r = runDriver(prog('r2 = 0xdeadbeef ll\n*(u64 *)(r1 + 80) = r2\nr0 = 0\nexit'), { mem: MEM64 });
    expect(r.outcome).toBe('corruption');
    expect(r.corruptions).toHaveLength(1);
    const c = r.corruptions[0]!;
    expect(c.object).toBe('explorer.exe process entry');
    expect(c.fields).toEqual(['ActiveProcessLinks.Flink']);
    expect(c.after).toBe('ef be ad de 00 00 00 00');
    expect(c.before).not.toBe(c.after);
    expect(r.damage[0]!.changes[0]!.field).toBe('ActiveProcessLinks.Flink');
    expect(r.bugcheck?.code).toBe(STOP.KERNEL_SECURITY_CHECK_FAILURE.code);
    expect(r.bugcheck?.params[0]).toBe('0x3'); // LIST_ENTRY corruption
    expect(r.machine.state).toBe('halted');
    expect(r.machine.workloads.every((w) => w.state === 'halted')).toBe(true);
  });

  it('a linear overflow hits the next pool header first: 0x19 BAD_POOL_HEADER', () => {
    const r = runDriver(prog('r2 = 0x4141414141414141 ll\n*(u64 *)(r1 + 64) = r2\nr0 = 0\nexit'), { mem: MEM64 });
    expect(r.outcome).toBe('corruption');
    expect(r.bugcheck?.name).toBe('BAD_POOL_HEADER');
  });

  it('a write to a field nothing checks is silent corruption: the machine keeps running with a forged uid', () => {
    const r = runDriver(prog('*(u32 *)(r1 - 72) = 0\nr0 = 0\nexit'), { mem: MEM64 });
    expect(r.outcome).toBe('corruption');
    expect(r.corruptions[0]!.fields).toEqual(['uid']);
    expect(r.corruptions[0]!.checked).toBe(false);
    expect(r.bugcheck).toBeNull();
    expect(r.machine.state).toBe('running');
  });

  it('a null dereference is a page fault in kernel mode: STOP 0x50 with instruction, address and registers', () => {
    const r = runDriver(prog('r2 = 0\nr0 = *(u64 *)(r2 + 8)\nexit'), { mem: MEM64 });
    expect(r.outcome).toBe('panic');
    const b = r.bugcheck!;
    expect(b.code).toBe(0x50);
    expect(b.name).toBe('PAGE_FAULT_IN_NONPAGED_AREA');
    expect(b.pc).toBe(1);
    expect(b.insnText).toBe('r0 = *(u64 *)(r2 + 8)');
    expect(b.address).toBe('0x0000000000000008');
    expect(b.addressClass).toBe('null page');
    expect(b.access).toBe('read');
    expect(b.registers).toHaveLength(11);
    expect(r.r0).toBeNull();
    expect(r.machine.state).toBe('halted');
    expect(r.machine.workloads.length).toBeGreaterThan(2);
    expect(r.machine.workloads.every((w) => w.state === 'halted')).toBe(true);
    expect(formatBugcheckPanel(b)).toContain('STOP 0x50 PAGE_FAULT_IN_NONPAGED_AREA');
  });

  it('wild and non-canonical pointers fault; a write fault says write', () => {
    const wild = runDriver(prog('r2 = 0xffff888012345678 ll\nr0 = *(u8 *)(r2 + 0)\nexit'));
    expect(wild.bugcheck?.address).toBe('0xffff888012345678');
    expect(wild.bugcheck?.addressClass).toBe('unmapped kernel address');
    const nc = runDriver(prog('r2 = 0x0000d6030000006a ll\n*(u64 *)(r2 + 0) = 1\nexit'));
    expect(nc.bugcheck?.addressClass).toBe('non-canonical address');
    expect(nc.bugcheck?.access).toBe('write');
    expect(nc.bugcheck?.params[1]).toBe('0x1');
  });

  it('running off the mapped pages hits the guard page, after leaking what was on the way', () => {
    const r = runDriver(prog(`r3 = 0
r0 = 0
loop:
r4 = r1
r4 += r3
r5 = *(u64 *)(r4 + 0)
r0 += r5
r3 += 1024
if r3 < 16384 goto loop
exit`), { mem: MEM64 });
    expect(r.outcome).toBe('panic');
    expect(r.leaks.length).toBeGreaterThan(0);
    expect(r.bugcheck?.addressClass).toBe('guard page after nonpaged pool');
  });

  it('a loop that never ends: the watchdog reports a soft lockup, the machine is unusable', () => {
    const r = runDriver(prog('r0 = 0\nloop:\nr0 += 1\ngoto loop'), { watchdogInsns: 5000 });
    expect(r.outcome).toBe('lockup');
    expect(r.insns).toBe(5000);
    expect(r.bugcheck?.name).toBe('DPC_WATCHDOG_VIOLATION');
    expect(r.bugcheck?.reason).toContain('soft lockup');
    expect(r.machine.state).toBe('hung');
    expect(r.machine.workloads.every((w) => w.state === 'hung')).toBe(true);
  });

  it('custom layouts: the neighbour shares the page, beyond the last page faults', () => {
    const layout: DriverLayout = {
      mappings: [{
        name: 'pool', objects: [
          { name: 'buf', owner: 'driver', size: 16, input: true },
          { name: 'secret', owner: 'kernel', size: 16, fields: [{ name: 'key', off: 0, size: 16, kind: 'ascii', secret: true }], fill: (b) => b.set(new TextEncoder().encode('hunter2')) },
        ],
      }],
    };
    const leak = runDriver(prog('r0 = *(u64 *)(r1 + 16)\nexit'), { mem: new Uint8Array(16), layout });
    expect(leak.outcome).toBe('leak');
    expect(leak.leaks[0]!.secret).toBe(true);
    const fault = runDriver(prog('r0 = *(u64 *)(r1 + 4096)\nexit'), { mem: new Uint8Array(16), layout });
    expect(fault.outcome).toBe('panic');
    const under = runDriver(prog('r0 = *(u64 *)(r1 - 8)\nexit'), { mem: new Uint8Array(16), layout });
    expect(under.bugcheck?.addressClass).toBe('guard page before pool');
  });

  it('panel lines link back to the trace step that produced them', () => {
    const r = runDriver(prog('r1 = 0\nr2 = 1\nr0 = *(u8 *)(r1 + 0)\nexit'), { trace: true });
    const b = r.bugcheck!;
    expect(b.step).toBe(3);
    const lines = bugcheckPanelLines(b).filter((l) => l.step !== null);
    expect(lines.length).toBeGreaterThan(0);
    expect(r.trace.find((t) => t.step === b.step)?.pc).toBe(b.pc);
  });

  it('map values live in pool memory: lddw map_value and bpf_map_lookup_elem work, overruns leak', () => {
    const maps = [{ name: 'stats', type: 'array' as const, keySize: 4, valueSize: 8, maxEntries: 1 }];
    const p = prog(`*(u32 *)(r10 - 4) = 0
r2 = r10
r2 += -4
r1 = map_fd(0) ll
call 1
if r0 == 0 goto out
r1 = 7
*(u64 *)(r0 + 0) = r1
r6 = map_value(0, 0) ll
r0 = *(u64 *)(r6 + 0)
r1 = *(u64 *)(r6 + 16)
out:
exit`);
    const r = runDriver(p, { maps, mem: new Uint8Array(16) });
    expect(r.r0).toBe(7n);
    expect(r.outcome).toBe('leak');
    expect(r.leaks[0]!.object).toBe('explorer.exe process entry');
  });

  it('packet programs: xdp context and packet in the pool page; socket_filter LD_ABS; kprobe context', () => {
    const packet = new Uint8Array(64).fill(9);
    const x = runDriver(prog('r2 = *(u32 *)(r1 + 0)\nr0 = *(u8 *)(r2 + 3)\nexit'), { progType: 'xdp', packet });
    expect(x.outcome).toBe('ok');
    expect(x.r0).toBe(9n);
    const past = runDriver(prog('r2 = *(u32 *)(r1 + 4)\nr0 = *(u64 *)(r2 + 0)\nexit'), { progType: 'xdp', packet });
    expect(past.outcome).toBe('leak');
    expect(past.leaks[0]!.object).toBe('skb_shared_info');
    const ipv4 = new Uint8Array(64);
    ipv4[12] = 0x08; ipv4[14] = 0x45; ipv4[23] = 6;
    const sf = runDriver(prog('r6 = r1\nr0 = *(u8 *)skb[9]\nexit'), { progType: 'socket_filter', packet: ipv4 });
    expect(sf.outcome).toBe('ok');
    expect(sf.r0).toBe(6n);
    const kp = runDriver(prog('r0 = *(u64 *)(r1 + 0)\nexit'), { progType: 'kprobe' });
    expect(kp.outcome).toBe('ok');
    expect(kp.layout.some((o) => o.name === 'context (pt_regs)')).toBe(true);
  });

  it('never throws, whatever the bytes: random programs come back as values', () => {
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let ran = 0;
    for (let i = 0; i < 300; i++) {
      const n = 1 + Math.floor(rnd() * 12);
      const bytes = new Uint8Array((n + 1) * 8);
      const dv = new DataView(bytes.buffer);
      for (let k = 0; k < n; k++) {
        const at = k * 8;
        const reg = () => [0, 1, 2, 3, 10][Math.floor(rnd() * 5)]!;
        const kind = Math.floor(rnd() * 6);
        const off = Math.floor(rnd() * 400) - 200;
        if (kind <= 2) { // load: dst <- [src + off]
          bytes[at] = [0x79, 0x61, 0x71][kind]!; bytes[at + 1] = (reg() & 0xf) | (reg() << 4); dv.setInt16(at + 2, off, true);
        } else if (kind === 3) { // store: [dst + off] <- src
          bytes[at] = 0x7b; bytes[at + 1] = reg() | (reg() << 4); dv.setInt16(at + 2, off, true);
        } else if (kind === 4) { // add64 imm
          bytes[at] = 0x07; bytes[at + 1] = [0, 1, 2, 3][Math.floor(rnd() * 4)]!; dv.setInt32(at + 4, Math.floor(rnd() * 8192) - 4096, true);
        } else { // backward or forward jump
          bytes[at] = 0x05; dv.setInt16(at + 2, Math.floor(rnd() * (n + 1)) - k - 1, true);
        }
      }
      bytes[n * 8] = 0x95;
      const d = decode(bytes);
      if (!d.ok) continue;
      const r = runDriver(d.value, { mem: MEM64, watchdogInsns: 1000 });
      expect(['ok', 'leak', 'corruption', 'panic', 'lockup']).toContain(r.outcome);
      if (r.outcome === 'panic' || r.outcome === 'lockup') expect(r.bugcheck).not.toBeNull();
      ran++;
    }
    expect(ran).toBeGreaterThan(50);
  });
});
