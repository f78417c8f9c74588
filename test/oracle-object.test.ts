// The object oracle (src/oracle/object.ts) and the addon calls it rests on, on hand-built objects
// from assembly: map iteration, deletion and freezing, the ring buffer consumer, the BTF written
// for func_info, global data, per-CPU sums, tail-call slots and refusals. The kernel parts are
// skipped, with the reason printed, when the kernel cannot be asked.

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { assemble } from '../src/asm/index.js';
import { funcBtf } from '../src/oracle/funcbtf.js';
import {
  type KernelObjectInput, kernelAvailable, kernelRunObject, loadAddon, possibleCpus, sumPerCpu,
} from '../src/oracle/index.js';
import type { MapDef } from '../src/runtime/maps/def.js';

const kernel = kernelAvailable();
if (!kernel.ok) console.log(`oracle-object.test: kernel tests skipped: ${kernel.reason}`);

function asm(text: string): Uint8Array {
  const r = assemble(text, { syntax: 'llvm' });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.value.bytes;
}

const XDP = 6;
const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
const u64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const packet = (n = 64): Uint8Array => new Uint8Array(n);

/** map[key] += 1 for key = *(u32 *)(data + 20) of the packet (hash or array or per-CPU) */
const COUNT_BY_BYTE20 = [
  'r2 = *(u32 *)(r1 + 4)', 'r1 = *(u32 *)(r1 + 0)', 'r3 = r1', 'r3 += 24', 'r0 = 2',
  'if r3 > r2 goto out',
  'r1 = *(u32 *)(r1 + 20)', '*(u32 *)(r10 - 4) = r1',
  'r2 = r10', 'r2 += -4', 'r1 = map_fd(0) ll', 'call 1',
  'if r0 == 0 goto insert', 'r1 = 1', 'lock *(u64 *)(r0 + 0) += r1', 'goto done',
  'insert:', '*(u64 *)(r10 - 16) = 1', 'r2 = r10', 'r2 += -4', 'r3 = r10', 'r3 += -16', 'r1 = map_fd(0) ll', 'r4 = 0', 'call 2',
  'done:', 'r0 = 2', 'out:', 'exit',
].join('\n');

describe('sumPerCpu and possibleCpus', () => {
  it('sums 64-bit fields over the CPUs, wrapping', () => {
    const a = Uint8Array.from([...u64(1), ...u64(2 ** 53)]);
    const b = Uint8Array.from([...u64(2), ...u64(2 ** 53)]);
    const max = new Uint8Array(16).fill(0xff);
    expect(hex(sumPerCpu([a, b], 16))).toBe(hex(Uint8Array.from([...u64(3), ...u64(2 ** 54)])));
    // 0xffff...ff + 1 wraps to 0 in each field
    expect(hex(sumPerCpu([max, Uint8Array.from([...u64(1), ...u64(2)])], 16))).toBe(hex(Uint8Array.from([...u64(0), ...u64(1)])));
    // 4-byte values: 32-bit fields
    expect(hex(sumPerCpu([u32(0xffffffff), u32(2)], 4))).toBe(hex(u32(1)));
  });

  it('reads the possible CPUs from sysfs', () => {
    const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8');
    const highest = Math.max(...(text.match(/\d+/g) ?? ['0']).map(Number));
    expect(possibleCpus()).toBe(highest + 1);
  });
});

describe('funcBtf', () => {
  it('writes a BTF header, an int, a void *, one prototype and a FUNC per function', () => {
    const { btf, funcInfo } = funcBtf(new Map([[0, 'main'], [9, 'callback']]));
    const v = new DataView(btf.buffer);
    expect(v.getUint16(0, true)).toBe(0xeb9f);
    expect(btf[2]).toBe(1);
    expect(v.getUint32(4, true)).toBe(24);
    const typeLen = v.getUint32(12, true);
    // int (16 bytes) + ptr (12) + proto with one param (20) + 2 funcs (12 each)
    expect(typeLen).toBe(16 + 12 + 20 + 24);
    const strings = Buffer.from(btf.subarray(24 + typeLen)).toString('latin1').split('\0');
    expect(strings).toEqual(['', 'int', 'ctx', 'main', 'callback', '']);
    // func_info: {insn_off, type_id} per function; types 4 and 5 are the FUNCs
    expect([...new Uint32Array(funcInfo.buffer)]).toEqual([0, 4, 9, 5]);
    // the first function is global (vlen 1), the callback static (0)
    expect(v.getUint32(24 + 48 + 4, true)).toBe((12 << 24) | 1);
    expect(v.getUint32(24 + 60 + 4, true)).toBe(12 << 24);
  });

  it.skipIf(!kernel.ok)('is accepted by BPF_BTF_LOAD', () => {
    const addon = (loadAddon() as { addon: import('../src/oracle/native.js').NativeAddon }).addon;
    const r = addon.btfLoad({ btf: funcBtf(new Map([[0, 'xdp_prog'], [4, 'cb']])).btf });
    expect(r.log).toBe('');
    expect(r.fd).toBeGreaterThan(2);
    expect(addon.close(r.fd)).toBe(0);
  });
});

describe.skipIf(!kernel.ok)('addon: map iteration, deletion, freezing, ring buffers', () => {
  const addon = () => (loadAddon() as { addon: import('../src/oracle/native.js').NativeAddon }).addon;

  it('get_next_key lists every key, delete removes one', () => {
    const a = addon();
    const fd = a.mapCreate({ type: 1, keySize: 4, valueSize: 8, maxEntries: 8, name: 'h6_iter' });
    expect(fd).toBeGreaterThan(2);
    try {
      for (const k of [7, 3, 11]) expect(a.mapUpdate({ fd, key: u32(k), value: u64(k * 10) })).toBe(0);
      const keys = (): number[] => {
        const out: number[] = [];
        for (let k = a.mapGetNextKey({ fd }); k !== null; k = a.mapGetNextKey({ fd, key: k })) {
          out.push(new DataView(k.buffer).getUint32(0, true));
        }
        return out.sort((x, y) => x - y);
      };
      expect(keys()).toEqual([3, 7, 11]);
      expect(a.mapDelete({ fd, key: u32(7) })).toBe(0);
      expect(a.mapDelete({ fd, key: u32(7) })).toBe(2); // ENOENT
      expect(keys()).toEqual([3, 11]);
      // a key that is not in the map: the kernel starts again from the first key
      expect(a.mapGetNextKey({ fd, key: u32(99) })).not.toBeNull();
    } finally {
      a.close(fd);
    }
  });

  it('a frozen map refuses updates from user space', () => {
    const a = addon();
    const fd = a.mapCreate({ type: 2, keySize: 4, valueSize: 4, maxEntries: 1, name: 'h6_frozen' });
    try {
      expect(a.mapUpdate({ fd, key: u32(0), value: u32(5) })).toBe(0);
      expect(a.mapFreeze(fd)).toBe(0);
      expect(a.mapUpdate({ fd, key: u32(0), value: u32(6) })).toBe(1); // EPERM
      expect(hex(a.mapLookup({ fd, key: u32(0), valueSize: 4 })!)).toBe(hex(u32(5)));
    } finally {
      a.close(fd);
    }
  });

  it('ringbufConsume refuses other map types', () => {
    const a = addon();
    const fd = a.mapCreate({ type: 2, keySize: 4, valueSize: 4, maxEntries: 1, name: 'h6_notrb' });
    try {
      expect(a.ringbufConsume(fd)).toEqual({ errno: 22, records: [] });
    } finally {
      a.close(fd);
    }
  });
});

describe.skipIf(!kernel.ok)('kernelRunObject', () => {
  const hashMap: MapDef = { name: 'counts', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 16 };

  it('keeps maps across packets and dumps every entry', () => {
    const obj: KernelObjectInput = { programs: [{ name: 'count', bytes: asm(COUNT_BY_BYTE20), kernelTypeId: XDP }], maps: [hashMap] };
    const pk = (k: number) => {
      const p = packet();
      p.set(u32(k), 20);
      return p;
    };
    const r = kernelRunObject(obj, {
      program: 'count', packets: [pk(1), pk(2), pk(1), packet(20)], mapFill: { counts: [{ key: u32(9), value: u64(100) }] },
      dumpAfterEach: true,
    });
    if (!r.ok) throw new Error(r.reason);
    expect(r.runs.map((x) => x.retval)).toEqual([2, 2, 2, 2]);
    const entries = (d: typeof r.maps) => Object.fromEntries(d[0]!.entries.map((e) => [hex(e.key), hex(e.value)]));
    expect(entries(r.maps)).toEqual({ [hex(u32(1))]: hex(u64(2)), [hex(u32(2))]: hex(u64(1)), [hex(u32(9))]: hex(u64(100)) });
    expect(entries(r.runs[0]!.maps!)).toEqual({ [hex(u32(1))]: hex(u64(1)), [hex(u32(9))]: hex(u64(100)) });
    // a packet under 14 bytes is refused by the test run, not by the oracle
    const short = kernelRunObject(obj, { program: 'count', packets: [packet(10)] });
    expect(short.ok && short.runs[0]!.errnoName).toBe('EINVAL');
  });

  it('per-CPU arrays: one value per possible CPU, summed', () => {
    const obj: KernelObjectInput = {
      programs: [{ name: 'count', bytes: asm(COUNT_BY_BYTE20), kernelTypeId: XDP }],
      maps: [{ name: 'pc', type: 'percpu_array', keySize: 4, valueSize: 8, maxEntries: 4 }],
    };
    const p = packet();
    p.set(u32(3), 20);
    const r = kernelRunObject(obj, { program: 'count', packets: [p, p, p], mapFill: { pc: [{ key: u32(0), value: u64(5) }] } });
    if (!r.ok) throw new Error(r.reason);
    expect(r.maps[0]!.entries.length).toBe(4);
    const e0 = r.maps[0]!.entries[0]!;
    const e3 = r.maps[0]!.entries[3]!;
    expect(e3.perCpu!.length).toBe(possibleCpus());
    expect(hex(e3.value)).toBe(hex(u64(3)));
    // the fill went to every CPU
    expect(e0.perCpu!.map(hex)).toEqual(new Array(possibleCpus()).fill(hex(u64(5))));
    expect(hex(e0.value)).toBe(hex(u64(5 * possibleCpus())));
  });

  it('global data: initial bytes stored, .rodata frozen and read-only to programs', () => {
    // r0 = *(u32 *)(.rodata + 0); *(u32 *)(.bss + 0) += 1 ... returns the constant
    const bytes = asm([
      'r1 = map_value(0, 0) ll', 'r0 = *(u32 *)(r1 + 0)',
      'r2 = map_value(1, 4) ll', 'r3 = *(u32 *)(r2 + 0)', 'r3 += 1', '*(u32 *)(r2 + 0) = r3', 'exit',
    ].join('\n'));
    const rodata: MapDef = { name: '.rodata', type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, origin: 'rodata', readOnly: true, initial: u32(2) };
    const data: MapDef = { name: '.data', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, origin: 'data', initial: Uint8Array.from([...u32(7), ...u32(40)]) };
    const obj: KernelObjectInput = { programs: [{ name: 'g', bytes, kernelTypeId: XDP }], maps: [rodata, data] };
    const r = kernelRunObject(obj, { program: 'g', packets: [packet(), packet()] });
    if (!r.ok) throw new Error(r.reason);
    expect(r.runs.map((x) => x.retval)).toEqual([2, 2]);
    expect(hex(r.maps[1]!.entries[0]!.value)).toBe(hex(Uint8Array.from([...u32(7), ...u32(42)])));

    // a store into .rodata: the kernel refuses it (write into map forbidden)
    const writes = asm(['r1 = map_value(0, 0) ll', 'r2 = 1', '*(u32 *)(r1 + 0) = r2', 'r0 = 2', 'exit'].join('\n'));
    const refused = kernelRunObject({ programs: [{ name: 'w', bytes: writes, kernelTypeId: XDP }], maps: [rodata] }, { program: 'w', packets: [packet()] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.loads[0]!.errnoName).toBe('EACCES');
      expect(refused.reason).toMatch(/write into map forbidden/);
      expect(refused.loads[0]!.logTail).toMatch(/write into map forbidden/);
    }
  });

  it('ring buffer records come back in order, and only once', () => {
    // bpf_ringbuf_output(&rb, &data_end_minus_data_as_u64, 8, 0)
    const bytes = asm([
      'r2 = *(u32 *)(r1 + 4)', 'r3 = *(u32 *)(r1 + 0)', 'r2 -= r3', '*(u64 *)(r10 - 8) = r2',
      'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -8', 'r3 = 8', 'r4 = 0', 'call 130', 'r0 = 2', 'exit',
    ].join('\n'));
    const obj: KernelObjectInput = {
      programs: [{ name: 'rb', bytes, kernelTypeId: XDP }],
      maps: [{ name: 'rb', type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 4096 }],
    };
    const r = kernelRunObject(obj, { program: 'rb', packets: [packet(20), packet(30), packet(40)], dumpAfterEach: true });
    if (!r.ok) throw new Error(r.reason);
    expect(r.runs.map((x) => x.maps![0]!.records!.map(hex))).toEqual([[hex(u64(20))], [hex(u64(30))], [hex(u64(40))]]);
    // consumed after each packet: nothing is left for the final dump
    expect(r.maps[0]!.records).toEqual([]);
  });

  it('program arrays hold program indices; unknown names and indices are RangeErrors', () => {
    // entry: tail call slot 0, else return 7; target: return 3
    const entry = asm(['r2 = map_fd(0) ll', 'r3 = 0', 'call 12', 'r0 = 7', 'exit'].join('\n'));
    const target = asm('r0 = 3\nexit');
    const obj: KernelObjectInput = {
      programs: [{ name: 'entry', bytes: entry, kernelTypeId: XDP }, { name: 'target', bytes: target, kernelTypeId: XDP }],
      maps: [{ name: 'jt', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 2 }],
    };
    const filled = kernelRunObject(obj, { program: 'entry', packets: [packet()], mapFill: { jt: [{ key: u32(0), value: u32(1) }] } });
    if (!filled.ok) throw new Error(filled.reason);
    expect(filled.runs[0]!.retval).toBe(3);
    expect(filled.loads.map((l) => l.program)).toEqual(['entry', 'target']);
    expect(filled.maps[0]!.entries.map((e) => [hex(e.key), hex(e.value)])).toEqual([[hex(u32(0)), hex(u32(1))]]);
    const empty = kernelRunObject(obj, { program: 'entry', packets: [packet()] });
    expect(empty.ok && empty.runs[0]!.retval).toBe(7);
    expect(() => kernelRunObject(obj, { program: 'nope', packets: [] })).toThrow(RangeError);
    expect(() => kernelRunObject(obj, { program: 'entry', packets: [], mapFill: { jt: [{ key: u32(0), value: u32(5) }] } })).toThrow(/program index 5/);
    expect(() => kernelRunObject(obj, { program: 'entry', packets: [], mapFill: { nomap: [] } })).toThrow(/no map 'nomap'/);
  });

  it('a bpf_loop callback loads with the func_info the oracle writes', () => {
    // bpf_loop(4, cb, NULL, 0) where cb returns 0; r0 = bpf_loop's result (4 iterations)
    const bytes = asm(['r1 = 4', 'r2 = func(cb) ll', 'r3 = 0', 'r4 = 0', 'call 181', 'exit', 'cb:', 'r0 = 0', 'exit'].join('\n'));
    const functions = new Map([[0, 'main'], [7, 'cb']]);
    const obj: KernelObjectInput = { programs: [{ name: 'loop', bytes, kernelTypeId: XDP, functions }], maps: [] };
    const r = kernelRunObject(obj, { program: 'loop', packets: [packet()] });
    if (!r.ok) throw new Error(`${r.reason}\n${r.loads[0]?.logTail}`);
    expect(r.runs[0]!.retval).toBe(4);
    // without it the kernel refuses the callback
    const bare = kernelRunObject({ programs: [{ name: 'loop', bytes, kernelTypeId: XDP }], maps: [] }, { program: 'loop', packets: [] });
    expect(bare.ok ? '' : bare.reason).toMatch(/missing btf func_info/);
  });
});
