// Whole objects in the kernel: the oracle side of the differential test for ELF objects. It
// creates every map an object defines (global data filled and `.rodata` frozen, program arrays
// filled with the fds of the object's own programs), loads the programs a run needs, test-runs
// one of them on a sequence of packets (maps persist from one packet to the next, as in
// bpfbox's ObjectRuntime), and reads every map back. Like the rest of the oracle it never
// attaches or pins anything, and it closes every fd it opened before returning.

import { readFileSync } from 'node:fs';

import type { MapDef, MapType } from '../runtime/maps/def.js';
import { MAP_TYPE_IDS } from '../runtime/maps/def.js';
// index.ts re-exports this module: only functions are taken from it (used at call time).
import { KernelUnavailableError, kernelAvailable } from './index.js';
import { errorLinesOf } from './log.js';
import { funcBtf } from './funcbtf.js';
import { OracleMapError, patchMapReferences } from './maps.js';
import { type NativeAddon, loadAddon } from './native.js';
import { errnoName } from './types.js';

/** What kernelRunObject needs of a program (an ElfProgram from src/elf has all of it). */
export interface KernelObjectProgram {
  readonly name: string;
  /** instructions; map references are lddw src 1/2 (5/6) with imm = index into the object's maps */
  readonly bytes: Uint8Array;
  /** enum bpf_prog_type */
  readonly kernelTypeId: number;
  readonly expectedAttachType?: number;
  /**
   * Function names by the slot each function starts at (slot 0 = the program). With more than
   * one, the program is loaded with func_info over a small BTF the oracle writes (funcBtf): the
   * kernel wants it for callbacks (bpf_loop).
   */
  readonly functions?: ReadonlyMap<number, string>;
}

/** What kernelRunObject needs of an object (a LoadedObject from src/elf has all of it). */
export interface KernelObjectInput {
  readonly programs: readonly KernelObjectProgram[];
  readonly maps: readonly MapDef[];
  /** the `license` section; GPL-only helpers need a GPL-compatible one (default `GPL`) */
  readonly license?: string | null;
}

export interface KernelRunObjectOptions {
  /** name of the program to test-run */
  program: string;
  /** the inputs, run one after the other (XDP and socket filters: at least 14 bytes each) */
  packets: readonly Uint8Array[];
  /**
   * Entries to store before the first packet, by map name (or index). Program arrays take
   * bpfbox's convention: the value is the u32 index of the target program in `programs`; the
   * oracle loads that program and stores its fd instead. Per-CPU maps: a value of valueSize
   * bytes is stored on every CPU (or give round_up(valueSize, 8) * CPUs bytes yourself).
   */
  mapFill?: Readonly<Record<string, readonly { key: Uint8Array; value: Uint8Array }[]>>;
  /** the context to pass with every run (e.g. struct xdp_md), if any */
  ctx?: Uint8Array;
  /** also read every map after each packet (KernelObjectRun.runs[i].maps) */
  dumpAfterEach?: boolean;
}

/** One map read back from the kernel. */
export interface KernelMapDump {
  readonly index: number;
  readonly name: string;
  readonly type: MapType;
  /**
   * Every entry, in the kernel's BPF_MAP_GET_NEXT_KEY order (arrays: every index, zeros too).
   * Per-CPU maps: `perCpu` holds each possible CPU's value and `value` their sum
   * (sumPerCpu). Program arrays: `value` is the u32 index of the program in the object's
   * `programs`, as bpfbox stores it (0xffffffff for a program that is not the object's).
   */
  readonly entries: { key: Uint8Array; value: Uint8Array; perCpu?: Uint8Array[] }[];
  /** ring buffers: the records submitted (and not discarded) since the last read, oldest first */
  readonly records?: Uint8Array[];
}

export interface KernelObjectPacketRun {
  /** 0, or the BPF_PROG_TEST_RUN errno (EINVAL: packet under 14 bytes; ENOTSUPP 524: type cannot be test-run) */
  readonly errno: number;
  readonly errnoName: string;
  /** r0's low 32 bits, unsigned */
  readonly retval: number;
  readonly dataOut: Uint8Array;
  readonly ctxOut: Uint8Array | null;
  /** with dumpAfterEach: the maps after this packet */
  readonly maps?: KernelMapDump[];
}

export interface KernelProgramLoad {
  readonly program: string;
  readonly accepted: boolean;
  readonly errno: number;
  readonly errnoName: string;
  /** the kernel's error text (empty when accepted) */
  readonly error: string[];
  /** the last lines of a level-1 log of a rejected program (where it failed) */
  readonly logTail: string;
  readonly verifiedInsns: number | null;
}

export type KernelObjectRun =
  | {
    readonly ok: true;
    /** every program loaded: the one run and the tail-call targets */
    readonly loads: KernelProgramLoad[];
    readonly runs: KernelObjectPacketRun[];
    /** every map after the last packet */
    readonly maps: KernelMapDump[];
    /** possible CPUs (the number of values of a per-CPU map entry) */
    readonly cpus: number;
  }
  | {
    readonly ok: false;
    /** a program the kernel refused (its load says why), or a setup problem */
    readonly reason: string;
    readonly loads: KernelProgramLoad[];
  };

const BPF_F_RDONLY_PROG = 1 << 7;
/** kernel log_level bits: the path to an error, statistics */
const LOG_PATH = 1;
const LOG_STATS = 4;
const PER_CPU_TYPES: ReadonlySet<MapType> = new Set<MapType>(['percpu_hash', 'percpu_array', 'lru_percpu_hash']);

let possible: number | undefined;

/**
 * The number of possible CPUs, as the kernel sizes per-CPU values: the highest number in
 * /sys/devices/system/cpu/possible (e.g. `0-3` or `0-1,4`) plus one.
 */
export function possibleCpus(): number {
  if (possible !== undefined) return possible;
  try {
    const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8');
    const nums = (text.match(/\d+/g) ?? []).map(Number);
    possible = nums.length ? Math.max(...nums) + 1 : 1;
  } catch {
    possible = 1;
  }
  return possible;
}

/**
 * The sum of per-CPU values, field by field: 64-bit little-endian fields when the size is a
 * multiple of 8, else 32-bit, else bytes; each wraps as the counters do.
 */
export function sumPerCpu(values: readonly Uint8Array[], valueSize: number): Uint8Array {
  const out = new Uint8Array(valueSize);
  const o = new DataView(out.buffer);
  const lane = valueSize % 8 === 0 ? 8 : valueSize % 4 === 0 ? 4 : 1;
  for (const v of values) {
    const d = new DataView(v.buffer, v.byteOffset, v.byteLength);
    for (let off = 0; off + lane <= valueSize && off + lane <= v.length; off += lane) {
      if (lane === 8) o.setBigUint64(off, o.getBigUint64(off, true) + d.getBigUint64(off, true), true);
      else if (lane === 4) o.setUint32(off, (o.getUint32(off, true) + d.getUint32(off, true)) >>> 0, true);
      else out[off] = (out[off]! + v[off]!) & 0xff;
    }
  }
  return out;
}

function requireAddon(): NativeAddon {
  const a = kernelAvailable();
  if (!a.ok) throw new KernelUnavailableError(a.reason);
  const loaded = loadAddon();
  if ('error' in loaded) throw new KernelUnavailableError(loaded.error);
  return loaded.addon;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

/**
 * Runs one program of an object in the kernel on a sequence of packets; see the file comment.
 * Throws KernelUnavailableError when the kernel cannot be asked, OracleMapError when a map cannot
 * be created or filled, RangeError for an unknown program or map name. A program the kernel
 * refuses is a result ({ ok: false }), not an exception.
 */
export function kernelRunObject(obj: KernelObjectInput, opts: KernelRunObjectOptions): KernelObjectRun {
  const addon = requireAddon();
  const progIndex = obj.programs.findIndex((p) => p.name === opts.program);
  if (progIndex < 0) {
    throw new RangeError(`no program '${opts.program}' (the object has ${obj.programs.map((p) => p.name).join(', ') || 'none'})`);
  }
  const mapIndexOf = (name: string): number => {
    const i = obj.maps.findIndex((m) => m.name === name);
    if (i >= 0) return i;
    if (/^\d+$/.test(name) && Number(name) < obj.maps.length) return Number(name);
    throw new RangeError(`mapFill: no map '${name}' (the object has ${obj.maps.map((m) => m.name).join(', ') || 'none'})`);
  };
  const fills = Object.entries(opts.mapFill ?? {}).map(([name, entries]) => ({ index: mapIndexOf(name), entries }));
  const cpus = possibleCpus();

  const mapFds: number[] = [];
  const progFds = new Map<number, number>(); // program index -> fd
  const progIds = new Map<number, number>(); // kernel prog id -> program index
  const btfFds: number[] = [];
  const loads: KernelProgramLoad[] = [];
  try {
    // 1. Maps, with global data in place (and .rodata frozen, so the verifier may read it).
    obj.maps.forEach((def, i) => {
      if (def.inner || def.type === 'array_of_maps' || def.type === 'hash_of_maps') {
        throw new OracleMapError(`map ${i} '${def.name}': map-in-map is not supported by the object oracle`, 22);
      }
      const readOnly = def.readOnly === true || def.origin === 'rodata';
      const fd = addon.mapCreate({
        type: MAP_TYPE_IDS[def.type],
        keySize: def.keySize,
        valueSize: def.valueSize,
        maxEntries: def.maxEntries,
        flags: (def.flags ?? 0) | (readOnly ? BPF_F_RDONLY_PROG : 0),
        name: def.name,
      });
      if (fd < 0) throw new OracleMapError(`map ${i} '${def.name}' (${def.type}): BPF_MAP_CREATE failed: ${errnoName(-fd)}`, -fd);
      mapFds.push(fd);
      if (def.initial) {
        const err = addon.mapUpdate({ fd, key: u32(0), value: fitValue(def, def.initial, cpus), flags: 0 });
        if (err !== 0) throw new OracleMapError(`map ${i} '${def.name}': storing its initial bytes failed: ${errnoName(err)}`, err);
      }
    });

    // 2. Programs: the one to run and every tail-call target a program-array fill names.
    const needed = new Set<number>([progIndex]);
    for (const f of fills) {
      if (obj.maps[f.index]!.type !== 'prog_array') continue;
      for (const e of f.entries) {
        const target = new DataView(e.value.buffer, e.value.byteOffset, e.value.byteLength).getUint32(0, true);
        if (target >= obj.programs.length) {
          throw new RangeError(`mapFill ${obj.maps[f.index]!.name}: program index ${target} is not in the object (it has ${obj.programs.length})`);
        }
        needed.add(target);
      }
    }
    // Other fills first: a program's verdict can depend on map contents only through frozen
    // maps, but filling first keeps the order the same as bpfbox's (fill, then run).
    for (const f of fills) {
      const def = obj.maps[f.index]!;
      if (def.type === 'prog_array') continue;
      for (const e of f.entries) {
        const err = addon.mapUpdate({ fd: mapFds[f.index]!, key: e.key, value: fitValue(def, e.value, cpus), flags: 0 });
        if (err !== 0) throw new OracleMapError(`mapFill ${def.name}: BPF_MAP_UPDATE_ELEM failed: ${errnoName(err)}`, err);
      }
    }
    obj.maps.forEach((def, i) => {
      if (def.readOnly === true || def.origin === 'rodata') {
        const err = addon.mapFreeze(mapFds[i]!);
        if (err !== 0) throw new OracleMapError(`map ${i} '${def.name}': BPF_MAP_FREEZE failed: ${errnoName(err)}`, err);
      }
    });

    for (const pi of [...needed].sort((a, b) => a - b)) {
      const prog = obj.programs[pi]!;
      const patched = patchMapReferences(prog.bytes, mapFds, 'index');
      let btf: { btfFd: number; funcInfo: Uint8Array } | undefined;
      if (prog.functions && prog.functions.size > 1) {
        const made = funcBtf(prog.functions);
        const b = addon.btfLoad({ btf: made.btf });
        if (b.fd < 0) {
          throw new OracleMapError(`program '${prog.name}': BPF_BTF_LOAD of its function info failed: ${errnoName(b.errno)} ${b.log.trim()}`, b.errno);
        }
        btfFds.push(b.fd);
        btf = { btfFd: b.fd, funcInfo: made.funcInfo };
      }
      const common = {
        progType: prog.kernelTypeId,
        insns: patched.insns,
        license: obj.license ?? 'GPL',
        expectedAttachType: prog.expectedAttachType ?? 0,
        name: prog.name,
        ...(patched.fdArray ? { fdArray: patched.fdArray } : {}),
        ...(btf ?? {}),
      };
      const r = addon.progLoad({ ...common, logLevel: LOG_STATS });
      if (r.fd >= 0) {
        progFds.set(pi, r.fd);
        if (r.progId !== null) progIds.set(r.progId, pi);
        loads.push({ program: prog.name, accepted: true, errno: 0, errnoName: '', error: [], logTail: '', verifiedInsns: r.verifiedInsns });
        continue;
      }
      const located = addon.progLoad({ ...common, logLevel: LOG_PATH | LOG_STATS, logSize: 256 << 10, growLog: false });
      if (located.fd >= 0) addon.close(located.fd);
      const tail = located.log.split('\n').filter((l) => l !== '').slice(-12).join('\n');
      const error = errorLinesOf(r.log);
      loads.push({ program: prog.name, accepted: false, errno: r.errno, errnoName: errnoName(r.errno), error, logTail: tail, verifiedInsns: null });
      return {
        ok: false,
        reason: `the kernel refused program '${prog.name}' (${errnoName(r.errno)}): ${error[0] ?? 'no message'}`,
        loads,
      };
    }

    // 3. Program arrays: bpfbox's program indices become the loaded programs' fds.
    for (const f of fills) {
      const def = obj.maps[f.index]!;
      if (def.type !== 'prog_array') continue;
      for (const e of f.entries) {
        const target = new DataView(e.value.buffer, e.value.byteOffset, e.value.byteLength).getUint32(0, true);
        const err = addon.mapUpdate({ fd: mapFds[f.index]!, key: e.key, value: u32(progFds.get(target)!), flags: 0 });
        if (err !== 0) throw new OracleMapError(`mapFill ${def.name}: storing program ${target} failed: ${errnoName(err)}`, err);
      }
    }

    // 4. The runs.
    const fd = progFds.get(progIndex)!;
    const runs: KernelObjectPacketRun[] = opts.packets.map((packet) => {
      const r = addon.progTestRun({ fd, dataIn: packet, repeat: 1, ...(opts.ctx ? { ctxIn: opts.ctx } : {}) });
      const run: KernelObjectPacketRun = {
        errno: r.errno,
        errnoName: errnoName(r.errno),
        retval: r.retval,
        dataOut: r.dataOut,
        ctxOut: r.ctxOut,
      };
      return opts.dumpAfterEach ? { ...run, maps: dumpMaps(addon, obj, mapFds, progIds, cpus) } : run;
    });
    return { ok: true, loads, runs, maps: dumpMaps(addon, obj, mapFds, progIds, cpus), cpus };
  } finally {
    for (const fd of progFds.values()) addon.close(fd);
    for (const fd of mapFds) addon.close(fd);
    for (const fd of btfFds) addon.close(fd);
  }
}

/** A value as the kernel wants it for an update: per-CPU maps take one (8-aligned) copy per CPU. */
function fitValue(def: MapDef, value: Uint8Array, cpus: number): Uint8Array {
  if (!PER_CPU_TYPES.has(def.type)) {
    if (value.length >= def.valueSize) return value;
    const v = new Uint8Array(def.valueSize);
    v.set(value);
    return v;
  }
  const stride = Math.ceil(def.valueSize / 8) * 8;
  if (value.length >= stride * cpus) return value;
  const all = new Uint8Array(stride * cpus);
  for (let c = 0; c < cpus; c++) all.set(value.subarray(0, def.valueSize), c * stride);
  return all;
}

function dumpMaps(
  addon: NativeAddon,
  obj: KernelObjectInput,
  mapFds: readonly number[],
  progIds: ReadonlyMap<number, number>,
  cpus: number,
): KernelMapDump[] {
  return obj.maps.map((def, index) => {
    const fd = mapFds[index]!;
    if (def.type === 'ringbuf') {
      const r = addon.ringbufConsume(fd);
      if (r.errno !== 0) throw new OracleMapError(`map ${index} '${def.name}': reading the ring buffer failed: ${errnoName(r.errno)}`, r.errno);
      return { index, name: def.name, type: def.type, entries: [], records: r.records };
    }
    const entries: KernelMapDump['entries'] = [];
    const perCpu = PER_CPU_TYPES.has(def.type);
    // Kernel iteration order; bounded by max_entries (+1) so a map changing under us cannot loop.
    let key: Uint8Array | null = addon.mapGetNextKey({ fd });
    for (let n = 0; key !== null && n <= def.maxEntries; n++) {
      const raw = addon.mapLookup({ fd, key, valueSize: perCpu ? 0xffffffff : def.valueSize });
      if (raw !== null) {
        if (perCpu) {
          const stride = Math.ceil(def.valueSize / 8) * 8;
          const values: Uint8Array[] = [];
          for (let c = 0; c < cpus; c++) values.push(raw.slice(c * stride, c * stride + def.valueSize));
          entries.push({ key, value: sumPerCpu(values, def.valueSize), perCpu: values });
        } else if (def.type === 'prog_array') {
          const id = new DataView(raw.buffer, raw.byteOffset, raw.byteLength).getUint32(0, true);
          entries.push({ key, value: u32(progIds.get(id) ?? 0xffffffff) });
        } else {
          entries.push({ key, value: raw });
        }
      }
      key = addon.mapGetNextKey({ fd, key });
    }
    return { index, name: def.name, type: def.type, entries };
  });
}
