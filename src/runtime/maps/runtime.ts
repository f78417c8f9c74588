// The program-facing side of maps: lddw map references, map storage mapped into the interpreter,
// and the map helpers (1-3 lookup/update/delete, 87-89 queue/stack, 130-134 ring buffer).

import type { HelperContext, HelperFn, PseudoRequest, PseudoResolver } from '../../vm/helpers.js';
import type { Vm } from '../../vm/machine.js';
import { EINVAL, ENOENT, errnoName } from './errno.js';
import {
  ArrayMap, BPF_RINGBUF_HDR_SZ, type BpfMap, type MapBase, type ProgValue, QueueStackMap, RingBufMap, readOnlyForPrograms,
} from './maps.js';
import type { MapSet } from './set.js';
import { HANDLE_BASE, HANDLE_STRIDE, WINDOW_BYTES, mapWindow } from './storage.js';

export const HELPER_MAP_LOOKUP_ELEM = 1;
export const HELPER_MAP_UPDATE_ELEM = 2;
export const HELPER_MAP_DELETE_ELEM = 3;
export const HELPER_MAP_PUSH_ELEM = 87;
export const HELPER_MAP_POP_ELEM = 88;
export const HELPER_MAP_PEEK_ELEM = 89;
export const HELPER_RINGBUF_OUTPUT = 130;
export const HELPER_RINGBUF_RESERVE = 131;
export const HELPER_RINGBUF_SUBMIT = 132;
export const HELPER_RINGBUF_DISCARD = 133;
export const HELPER_RINGBUF_QUERY = 134;
export const HELPER_MAP_LOOKUP_PERCPU_ELEM = 195;

/** Helper ids createMapRuntime implements. */
export const MAP_HELPER_IDS: readonly number[] = [1, 2, 3, 87, 88, 89, 130, 131, 132, 133, 134, 195];

export interface MapRuntime {
  /** The simulated CPU programs run on (per-CPU map values); may be changed between runs. */
  cpu: number;
  /** lddw src 1/5 -> a map handle; src 2/6 -> the address of a value byte; other forms -> null. */
  readonly resolvePseudo: PseudoResolver;
  /** Maps storage that must be visible before the first instruction (call from RunOptions.setup). */
  setup(vm: Vm): void;
  /** The map helpers, by id (a new table each call; merge it into yours). */
  helpers(): Map<number, HelperFn>;
  /** The map a handle value names, or null. */
  mapOfHandle(value: bigint): BpfMap | null;
  /** The handle value of map `index` (what `r1 = map_fd(index) ll` loads). */
  handleOf(index: number): bigint;
}

const handles: bigint[] = [];

/** The handle of map i: an address in a window that is never mapped, so dereferencing it faults. */
export function mapHandle(index: number): bigint {
  return (handles[index] ??= BigInt(HANDLE_BASE + index * HANDLE_STRIDE));
}

export function createMapRuntime(set: MapSet, opts: { cpu?: number } = {}): MapRuntime {
  return new Runtime(set, opts.cpu ?? 0);
}

class Runtime implements MapRuntime {
  private cpuValue = 0;
  readonly resolvePseudo: PseudoResolver;

  constructor(private readonly set: MapSet, cpu: number) {
    this.cpu = cpu;
    this.resolvePseudo = (req) => this.resolve(req);
  }

  get cpu(): number {
    return this.cpuValue;
  }

  set cpu(c: number) {
    if (!Number.isInteger(c) || c < 0 || c >= this.set.cpus) {
      throw new RangeError(`cpu must be an integer from 0 to ${this.set.cpus - 1}, not ${c}`);
    }
    this.cpuValue = c;
  }

  handleOf(index: number): bigint {
    return mapHandle(index);
  }

  mapOfHandle(value: bigint): BpfMap | null {
    const off = value - BigInt(HANDLE_BASE);
    if (off < 0n || off >= BigInt(WINDOW_BYTES) || off % BigInt(HANDLE_STRIDE) !== 0n) return null;
    return this.set.maps[Number(off / BigInt(HANDLE_STRIDE))] ?? null;
  }

  private mapNamed(index: number, form: string): MapBase {
    const m = this.set.maps[index];
    if (!m) {
      const n = this.set.maps.length;
      throw new Error(`${form} names map ${index}, but there ${n === 1 ? 'is 1 map' : `are ${n} maps`}`);
    }
    return m as MapBase;
  }

  private resolve(req: PseudoRequest): bigint | null {
    if (req.src === 1 || req.src === 5) {
      this.mapNamed(req.imm, req.src === 1 ? `map_fd(${req.imm})` : `map_idx(${req.imm})`);
      return mapHandle(req.imm);
    }
    if (req.src === 2 || req.src === 6) {
      const form = req.src === 2 ? `map_value(${req.imm}, ${req.imm2})` : `map_idx_value(${req.imm}, ${req.imm2})`;
      const m = this.mapNamed(req.imm, form);
      if (!(m instanceof ArrayMap) || !m.directValue) {
        throw new Error(`${form}: map "${m.def.name}" (${m.def.type}, max_entries ${m.def.maxEntries}) has no direct ` +
          'value address; the kernel gives one only for a non-per-CPU array with one entry');
      }
      const off = req.imm2 >>> 0;
      if (off >= m.def.valueSize) {
        throw new Error(`${form}: offset ${off} is outside the ${m.def.valueSize}-byte value of map "${m.def.name}"`);
      }
      if (m.store.ensure(0) === null) throw new Error(`no free address window is left for map "${m.def.name}"`);
      return BigInt(m.store.address(0, off));
    }
    return null;
  }

  setup(vm: Vm): void {
    // Direct-value arrays (global data) must be mapped before the program runs: the addresses of
    // `map_value` loads are resolved without access to the machine. Everything else is mapped
    // when a helper first hands out an address into it.
    for (const m of this.set.maps) {
      if (m instanceof ArrayMap && m.directValue) {
        const err = m.store.mapChunk(vm.memory, 0, !readOnlyForPrograms(m.def));
        if (err) throw new Error(err);
      }
    }
  }

  helpers(): Map<number, HelperFn> {
    return new Map<number, HelperFn>([
      [HELPER_MAP_LOOKUP_ELEM, (c) => this.lookupElem(c)],
      [HELPER_MAP_UPDATE_ELEM, (c) => this.updateElem(c)],
      [HELPER_MAP_DELETE_ELEM, (c) => this.deleteElem(c)],
      [HELPER_MAP_PUSH_ELEM, (c) => this.pushElem(c)],
      [HELPER_MAP_POP_ELEM, (c) => this.popPeek(c, true)],
      [HELPER_MAP_PEEK_ELEM, (c) => this.popPeek(c, false)],
      [HELPER_RINGBUF_OUTPUT, (c) => this.ringbufOutput(c)],
      [HELPER_RINGBUF_RESERVE, (c) => this.ringbufReserve(c)],
      [HELPER_RINGBUF_SUBMIT, (c) => this.ringbufCommit(c, false)],
      [HELPER_RINGBUF_DISCARD, (c) => this.ringbufCommit(c, true)],
      [HELPER_RINGBUF_QUERY, (c) => this.ringbufQuery(c)],
      [HELPER_MAP_LOOKUP_PERCPU_ELEM, (c) => this.lookupElem(c, true)],
    ]);
  }

  // ---- helper plumbing ----

  /** The map in r1, or null after faulting. */
  private mapArg(c: HelperContext, helper: string): MapBase | null {
    // Number arithmetic, no BigInt: helpers like map lookups run once per packet in loops.
    const off = c.argLo(1) - HANDLE_BASE;
    if (c.argHi(1) === 0 && off >= 0 && off < WINDOW_BYTES && off % HANDLE_STRIDE === 0) {
      const m = this.set.maps[off / HANDLE_STRIDE];
      if (m) return m as MapBase;
    }
    c.fault('E_HELPER_MAP_ARG', `${helper}: r1 (0x${c.arg(1).toString(16)}) is not a map; load one with \`r1 = map_fd(N) ll\``);
    return null;
  }

  /**
   * `size` bytes at the address in register `reg` (a view of the memory, not a copy: callers copy
   * what they keep), or null after faulting.
   */
  private readArg(c: HelperContext, helper: string, reg: number, size: number, what: string): Uint8Array | null {
    if (size === 0) return new Uint8Array(0);
    if (c.argHi(reg) === 0) {
      const lo = c.argLo(reg);
      const region = c.memory.regionInWindow(lo >>> 24);
      if (region && region.readable) {
        const off = lo - region.base;
        if (off + size <= region.size) return region.bytes.subarray(off, off + size);
      }
    }
    const r = c.memory.read(c.arg(reg), size);
    if (r instanceof Uint8Array) return r;
    c.fault('E_HELPER_MEMORY', `${helper}: cannot read the ${size}-byte ${what} r${reg} points to: ${r.message}`);
    return null;
  }

  /** Makes a value's storage visible and returns its address, or null after faulting. */
  private addressOf(c: HelperContext, m: MapBase, v: ProgValue & { kind: 'slot' }, helper: string): number | null {
    const err = v.store.mapChunk(c.memory, v.store.chunkOf(v.slot), !readOnlyForPrograms(m.def));
    if (err) {
      c.fault('E_MAP_STORAGE', `${helper}: ${err}`);
      return null;
    }
    return v.store.address(v.slot, v.offset);
  }

  /** bpf_map_lookup_elem, or with `otherCpu` bpf_map_lookup_percpu_elem(map, key, cpu). */
  private lookupElem(c: HelperContext, otherCpu = false): void {
    const name = otherCpu ? 'bpf_map_lookup_percpu_elem' : 'bpf_map_lookup_elem';
    const m = this.mapArg(c, name);
    if (!m) return;
    const key = this.readArg(c, name, 2, m.def.keySize, `key of map "${m.def.name}"`);
    if (!key) return;
    let cpu = this.cpuValue;
    if (otherCpu) {
      // Only per-CPU maps (the verifier refuses others); a CPU the machine does not have: NULL.
      if (!m.perCpu || c.argHi(3) !== 0 || c.argLo(3) >= this.set.cpus) return c.setReturn(0);
      cpu = c.argLo(3);
    }
    const v = m.progLookup(key, cpu);
    if (!v) return c.setReturn(0);
    if (v.kind === 'map') return c.setReturn(mapHandle(v.map));
    const addr = this.addressOf(c, m, v, name);
    if (addr !== null) c.setReturn(addr);
  }

  private updateElem(c: HelperContext): void {
    const name = 'bpf_map_update_elem';
    const m = this.mapArg(c, name);
    if (!m) return;
    const key = this.readArg(c, name, 2, m.def.keySize, `key of map "${m.def.name}"`);
    if (!key) return;
    const value = this.readArg(c, name, 3, m.def.valueSize, `value for map "${m.def.name}"`);
    if (!value) return;
    // A copy: the value may point into the very map storage the update rewrites.
    c.setReturn(m.progUpdate(key, value.slice(), flagsArg(c, 4), this.cpuValue));
  }

  private deleteElem(c: HelperContext): void {
    const name = 'bpf_map_delete_elem';
    const m = this.mapArg(c, name);
    if (!m) return;
    const key = this.readArg(c, name, 2, m.def.keySize, `key of map "${m.def.name}"`);
    if (!key) return;
    c.setReturn(m.progDelete(key));
  }

  private pushElem(c: HelperContext): void {
    const name = 'bpf_map_push_elem';
    const m = this.mapArg(c, name);
    if (!m) return;
    if (!(m instanceof QueueStackMap)) return c.setReturn(-EINVAL);
    const value = this.readArg(c, name, 2, m.def.valueSize, `value for map "${m.def.name}"`);
    if (!value) return;
    c.setReturn(m.push(value, flagsArg(c, 3)));
  }

  private popPeek(c: HelperContext, pop: boolean): void {
    const name = pop ? 'bpf_map_pop_elem' : 'bpf_map_peek_elem';
    const m = this.mapArg(c, name);
    if (!m) return;
    if (!(m instanceof QueueStackMap)) return c.setReturn(-EINVAL);
    // Check the destination before taking the element, so a bad pointer loses nothing.
    const dest = c.arg(2);
    const probe = c.memory.describeAccess(dest, m.def.valueSize, 'store');
    if (probe) return c.fault('E_HELPER_MEMORY', `${name}: cannot write the ${m.def.valueSize}-byte value r2 points to: ${probe.message}`);
    const v = pop ? m.pop() : m.peek();
    if (!v) return c.setReturn(-ENOENT);
    c.memory.write(dest, v);
    c.setReturn(0);
  }

  private ringArg(c: HelperContext, name: string): RingBufMap | null {
    const m = this.mapArg(c, name);
    if (!m) return null;
    if (!(m instanceof RingBufMap)) {
      c.fault('E_HELPER_MAP_ARG', `${name}: map "${m.def.name}" is a ${m.def.type} map, not a ring buffer`);
      return null;
    }
    return m;
  }

  private ringbufOutput(c: HelperContext): void {
    const name = 'bpf_ringbuf_output';
    const rb = this.ringArg(c, name);
    if (!rb) return;
    const size = c.argHi(3) === 0 ? c.argLo(3) : -1;
    if (size < 0) return c.setReturn(-EINVAL);
    const data = this.readArg(c, name, 2, size, 'data');
    if (!data) return;
    c.setReturn(rb.output(data, flagsArg(c, 4)));
  }

  private mapRing(c: HelperContext, rb: RingBufMap, name: string): boolean {
    const segs = rb.ensureSegments();
    if (!segs) {
      c.fault('E_MAP_STORAGE', `${name}: no free address window is left for ring buffer "${rb.def.name}"`);
      return false;
    }
    for (let k = 0; k < segs.length; k++) {
      const err = mapWindow(c.memory, rb.window + k, rb.regionName(k), segs[k]!, true);
      if (err) {
        c.fault('E_MAP_STORAGE', `${name}: ${err}`);
        return false;
      }
    }
    return true;
  }

  private ringbufReserve(c: HelperContext): void {
    const name = 'bpf_ringbuf_reserve';
    const rb = this.ringArg(c, name);
    if (!rb) return;
    if (c.arg(3) !== 0n) return c.setReturn(0); // any flag: NULL, as the kernel
    const size = c.argHi(2) === 0 ? c.argLo(2) : -1;
    const off = size < 0 ? null : rb.reserve(size);
    if (off === null) return c.setReturn(0);
    if (!this.mapRing(c, rb, name)) return;
    c.setReturn(rb.window * WINDOW_BYTES + off + BPF_RINGBUF_HDR_SZ);
  }

  private ringbufCommit(c: HelperContext, discard: boolean): void {
    const name = discard ? 'bpf_ringbuf_discard' : 'bpf_ringbuf_submit';
    const addr = c.arg(1);
    const rb = this.ringOfAddress(addr);
    const off = rb ? Number(addr) - rb.window * WINDOW_BYTES - BPF_RINGBUF_HDR_SZ : -1;
    if (!rb || !rb.isOutstanding(off)) {
      return c.fault('E_RINGBUF_RECORD', `${name}: r1 (0x${addr.toString(16)}) is not a record reserved by ` +
        'bpf_ringbuf_reserve and not yet submitted or discarded');
    }
    // The flags only choose whether the consumer is woken; the kernel ignores unknown bits here.
    rb.commit(off, discard);
    c.setReturn(0);
  }

  private ringOfAddress(addr: bigint): RingBufMap | null {
    if (addr >> 32n !== 0n) return null;
    const a = Number(addr);
    for (const m of this.set.maps) {
      if (m instanceof RingBufMap && m.window >= 0) {
        const base = m.window * WINDOW_BYTES;
        if (a >= base && a < base + m.size + BPF_RINGBUF_HDR_SZ) return m;
      }
    }
    return null;
  }

  private ringbufQuery(c: HelperContext): void {
    const rb = this.ringArg(c, 'bpf_ringbuf_query');
    if (!rb) return;
    const f = c.arg(2);
    c.setReturn(f > 3n ? 0 : rb.query(Number(f)));
  }
}

/** A flags argument: anything over 2^53 is certainly invalid, so it becomes a large number. */
function flagsArg(c: HelperContext, reg: number): number {
  return c.argHi(reg) === 0 ? c.argLo(reg) : 2 ** 52;
}

/** "-17 (EEXIST)" for messages. */
export function describeErrno(r: number): string {
  return r === 0 ? '0' : `${r} (${errnoName(r)})`;
}
