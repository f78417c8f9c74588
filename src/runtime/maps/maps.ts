// The map types, with the kernel's semantics (kernel/bpf/arraymap.c, hashtab.c, ringbuf.c,
// queue_stack_maps.c, syscall.c). Host-side operations (lookup/update/delete/nextKey) behave as
// the bpf() system call does; program-side operations (prog*) as the helpers do.
//
// Differences from the kernel, on purpose and documented in docs/runtime-maps.md:
// - hash iteration (nextKey, entries) is in insertion order; the kernel's is by hash bucket;
// - an update of an existing plain-hash entry writes the value in place (the kernel swaps in a new
//   element, so a program still holding the old value pointer would see the old value);
// - a key or value of the wrong length from the host gives -EINVAL (the kernel reads exactly
//   key_size/value_size bytes, so this cannot happen there).

import { BPF_F_RDONLY_PROG, type MapDef, type MapType } from './def.js';

/** lru_hash flag: one LRU list per CPU instead of a common one. */
export const BPF_F_NO_COMMON_LRU = 1 << 1;
import {
  BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, BPF_RB_AVAIL_DATA, BPF_RB_CONS_POS, BPF_RB_FORCE_WAKEUP, BPF_RB_NO_WAKEUP,
  BPF_RB_PROD_POS, BPF_RB_RING_SIZE, E2BIG, EBADF, EEXIST, EINVAL, ENOENT, ENOMEM, EOPNOTSUPP, ENOTSUPP, EPERM,
} from './errno.js';
import { KernelLru, lruCapacity } from './lru.js';
import { IdList, SlotStore, WINDOW_BYTES, type WindowAllocator, newStorage } from './storage.js';

/** The CPU host-side operations run on (it matters for the LRU's per-CPU lists). */
export const HOST_CPU = 0;

/** One map: the host-side API (tests, the CLI, the web page). */
export interface BpfMap {
  readonly def: MapDef;
  /** Position in its MapSet (the number `map_fd(i)` names). */
  readonly index: number;
  /** A copy of the value; for per-CPU maps that CPU's value (default CPU 0). null: no entry. */
  lookup(key: Uint8Array, cpu?: number): Uint8Array | null;
  /** Per-CPU maps: one value per simulated CPU. Other maps: null. */
  lookupPerCpu(key: Uint8Array): Uint8Array[] | null;
  /**
   * Stores a value: 0 or the kernel's -errno. For per-CPU maps `value` is either value_size bytes
   * (stored for `cpu`, or for every CPU when `cpu` is not given) or cpus * round_up(value_size, 8)
   * bytes (one value per CPU, as user space passes them to bpf()).
   */
  update(key: Uint8Array, value: Uint8Array, flags?: number, cpu?: number): number;
  /** 0 or the kernel's -errno. */
  delete(key: Uint8Array): number;
  /** BPF_MAP_GET_NEXT_KEY: the key after `key` (the first key for null or a missing key), or null at the end. */
  nextKey(key: Uint8Array | null): Uint8Array | null;
  /** Every entry, in iteration order. Arrays: every index. */
  entries(): MapEntry[];
  /** Back to the initial contents. */
  reset(): void;
  /** Ring buffers: submitted records not yet consumed, oldest first; consuming removes them. */
  consume?(): Uint8Array[];
}

export interface MapEntry {
  key: Uint8Array;
  /** The value (per-CPU maps: CPU 0's). */
  value: Uint8Array;
  /** Per-CPU maps: every CPU's value. */
  perCpu?: Uint8Array[];
}

/** What a map needs from its set. */
export interface MapEnv {
  readonly cpus: number;
  readonly windows: WindowAllocator;
  /** Another map of the set (map-in-map values). */
  mapAt(index: number): BpfMap | undefined;
  /** Programs a prog_array may name (indices 0..programCount-1), when known. */
  readonly programCount: number | undefined;
}

/** Where a program's lookup leads. */
export type ProgValue =
  | { readonly kind: 'slot'; readonly store: SlotStore; readonly slot: number; readonly offset: number }
  | { readonly kind: 'map'; readonly map: number };

/** May programs not write this map's values? (`.rodata`, BPF_F_RDONLY_PROG) */
export function readOnlyForPrograms(def: MapDef): boolean {
  return def.readOnly === true || ((def.flags ?? 0) & BPF_F_RDONLY_PROG) !== 0;
}

export function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

export function u32le(b: Uint8Array, at = 0): number {
  return (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0;
}

export function u32Bytes(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

/** A Map key for a map key: a number for keys up to 4 bytes (one map has one key size), else a string. */
function keyString(key: Uint8Array): string | number {
  if (key.length <= 4) {
    let n = 0;
    for (let i = key.length - 1; i >= 0; i--) n = n * 256 + key[i]!;
    return n;
  }
  let s = '';
  for (let i = 0; i < key.length; i++) s += String.fromCharCode(key[i]!);
  return s;
}

/** Common update-flag checks of the syscall and the map ops: -EINVAL or 0. */
function checkUpdateFlags(flags: number): number {
  if (!Number.isInteger(flags) || flags < 0) return -EINVAL;
  // No bpfbox map value has a bpf_spin_lock, so BPF_F_LOCK is always refused (as the kernel does
  // for a map without one).
  if (flags & BPF_F_LOCK) return -EINVAL;
  if (flags > BPF_EXIST) return -EINVAL;
  return 0;
}

export abstract class MapBase implements BpfMap {
  constructor(
    readonly def: MapDef,
    readonly index: number,
    protected readonly env: MapEnv,
  ) {}

  get type(): MapType {
    return this.def.type;
  }

  get perCpu(): boolean {
    return false;
  }

  abstract lookup(key: Uint8Array, cpu?: number): Uint8Array | null;
  lookupPerCpu(_key: Uint8Array): Uint8Array[] | null {
    return null;
  }
  abstract update(key: Uint8Array, value: Uint8Array, flags?: number, cpu?: number): number;
  abstract delete(key: Uint8Array): number;
  abstract nextKey(key: Uint8Array | null): Uint8Array | null;
  abstract entries(): MapEntry[];
  abstract reset(): void;

  /** bpf_map_lookup_elem from a program running on `cpu`. */
  progLookup(_key: Uint8Array, _cpu: number): ProgValue | null {
    return null;
  }
  /** bpf_map_update_elem from a program: value is value_size bytes, stored for `cpu` only. */
  progUpdate(_key: Uint8Array, _value: Uint8Array, _flags: number, _cpu: number): number {
    return -EOPNOTSUPP;
  }
  progDelete(_key: Uint8Array): number {
    return -EOPNOTSUPP;
  }
  /** Slot stores programs address (mapped at setup when `eager`). */
  stores(): SlotStore[] {
    return [];
  }

  protected badKey(key: Uint8Array): boolean {
    return key.length !== this.def.keySize;
  }

  protected cpuOk(cpu: number | undefined): boolean {
    return cpu === undefined || (Number.isInteger(cpu) && cpu >= 0 && cpu < this.env.cpus);
  }
}

// ---- array, percpu_array ---------------------------------------------------------------------------

export class ArrayMap extends MapBase {
  readonly elemSize: number;
  readonly store: SlotStore;
  private readonly isPerCpu: boolean;

  constructor(def: MapDef, index: number, env: MapEnv) {
    super(def, index, env);
    this.isPerCpu = def.type === 'percpu_array';
    this.elemSize = roundUp8(def.valueSize);
    this.store = new SlotStore(def.name, this.elemSize * (this.isPerCpu ? env.cpus : 1), def.maxEntries, env.windows);
    this.reset();
  }

  override get perCpu(): boolean {
    return this.isPerCpu;
  }

  /** Whether `map_value(i, off)` may point into it (the kernel: a one-entry, non-per-CPU array). */
  get directValue(): boolean {
    return !this.isPerCpu && this.def.maxEntries === 1;
  }

  reset(): void {
    this.store.clear();
    const init = this.def.initial;
    if (init && init.length > 0) this.store.write(0, 0, init.subarray(0, this.def.valueSize));
  }

  private indexOf(key: Uint8Array): number {
    return key.length === 4 ? u32le(key) : -1;
  }

  lookup(key: Uint8Array, cpu?: number): Uint8Array | null {
    const i = this.indexOf(key);
    if (i < 0 || i >= this.def.maxEntries || !this.cpuOk(cpu)) return null;
    return this.store.read(i, this.isPerCpu ? (cpu ?? 0) * this.elemSize : 0, this.def.valueSize);
  }

  override lookupPerCpu(key: Uint8Array): Uint8Array[] | null {
    if (!this.isPerCpu) return null;
    const i = this.indexOf(key);
    if (i < 0 || i >= this.def.maxEntries) return null;
    return Array.from({ length: this.env.cpus }, (_, c) => this.store.read(i, c * this.elemSize, this.def.valueSize));
  }

  update(key: Uint8Array, value: Uint8Array, flags = 0, cpu?: number): number {
    if (this.badKey(key)) return -EINVAL;
    const f = checkUpdateFlags(flags);
    if (f) return f;
    const i = u32le(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    if (flags === BPF_NOEXIST) return -EEXIST; // array elements always exist
    return this.store_(i, value, cpu, true);
  }

  private store_(i: number, value: Uint8Array, cpu: number | undefined, host: boolean): number {
    const vs = this.def.valueSize;
    if (!this.isPerCpu) {
      if (value.length !== vs) return -EINVAL;
      return this.store.write(i, 0, value) ? 0 : -ENOMEM;
    }
    if (!this.cpuOk(cpu)) return -EINVAL;
    if (value.length === vs) {
      const cpus = cpu !== undefined ? [cpu] : Array.from({ length: this.env.cpus }, (_, c) => c);
      for (const c of cpus) if (!this.store.write(i, c * this.elemSize, value)) return -ENOMEM;
      return 0;
    }
    if (host && value.length === this.elemSize * this.env.cpus) {
      for (let c = 0; c < this.env.cpus; c++) {
        if (!this.store.write(i, c * this.elemSize, value.subarray(c * this.elemSize, c * this.elemSize + vs))) return -ENOMEM;
      }
      return 0;
    }
    return -EINVAL;
  }

  delete(key: Uint8Array): number {
    void key;
    return -EINVAL; // array elements cannot be deleted
  }

  nextKey(key: Uint8Array | null): Uint8Array | null {
    const max = this.def.maxEntries;
    const i = key && key.length === 4 ? u32le(key) : max;
    if (i >= max) return max > 0 ? u32Bytes(0) : null;
    if (i === max - 1) return null;
    return u32Bytes(i + 1);
  }

  entries(): MapEntry[] {
    const out: MapEntry[] = [];
    for (let i = 0; i < this.def.maxEntries; i++) {
      const key = u32Bytes(i);
      if (this.isPerCpu) {
        const perCpu = this.lookupPerCpu(key)!;
        out.push({ key, value: perCpu[0]!, perCpu });
      } else {
        out.push({ key, value: this.lookup(key)! });
      }
    }
    return out;
  }

  /** Indices whose value (every CPU's) is not all zero, without allocating storage. */
  nonZeroIndices(): number[] {
    const out: number[] = [];
    const s = this.store;
    for (let i = 0; i < this.def.maxEntries; i++) {
      if (!s.allocated(i)) {
        i = (s.chunkOf(i) + 1) * s.slotsPerChunk - 1; // skip the whole unallocated chunk
        continue;
      }
      if (!s.isZero(i, 0, s.stride)) out.push(i);
    }
    return out;
  }

  override progLookup(key: Uint8Array, cpu: number): ProgValue | null {
    const i = u32le(key);
    if (i >= this.def.maxEntries) return null;
    return { kind: 'slot', store: this.store, slot: i, offset: this.isPerCpu ? cpu * this.elemSize : 0 };
  }

  override progUpdate(key: Uint8Array, value: Uint8Array, flags: number, cpu: number): number {
    if (readOnlyForPrograms(this.def)) return -EPERM;
    const f = checkUpdateFlags(flags);
    if (f) return f;
    const i = u32le(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    if (flags === BPF_NOEXIST) return -EEXIST;
    return this.store_(i, value, cpu, false);
  }

  override progDelete(): number {
    return -EINVAL;
  }

  override stores(): SlotStore[] {
    return [this.store];
  }
}

// ---- hash, percpu_hash, lru_hash, lru_percpu_hash, hash_of_maps ----------------------------------

export class HashMap extends MapBase {
  readonly elemSize: number;
  readonly store: SlotStore;
  private readonly isPerCpu: boolean;
  private readonly lru: boolean;
  /** hash_of_maps: values are inner map indices. */
  private readonly ofMaps: boolean;
  private readonly slotOf = new Map<string | number, number>();
  private readonly keyOf: (Uint8Array | undefined)[] = [];
  /** Slots never used yet start at `fresh`; freed ones are reused last-freed first, like the kernel's freelist. */
  private fresh = 0;
  private readonly freed: number[] = [];
  /** Iteration order (insertion order). */
  private readonly order: IdList;
  /** LRU maps: the kernel's LRU lists (created on first use: they take 12 bytes per entry). */
  private lruState: KernelLru | null = null;
  /** BPF_F_NO_COMMON_LRU: one LRU per CPU. */
  private readonly perCpuLru: boolean;
  /** Elements the map holds (max_entries, rounded up to a multiple of the CPUs for per-CPU LRU lists). */
  readonly capacity: number;

  constructor(def: MapDef, index: number, env: MapEnv) {
    super(def, index, env);
    const t = def.type;
    this.isPerCpu = t === 'percpu_hash' || t === 'lru_percpu_hash';
    this.lru = t === 'lru_hash' || t === 'lru_percpu_hash';
    this.ofMaps = t === 'hash_of_maps';
    this.elemSize = roundUp8(def.valueSize);
    this.perCpuLru = this.lru && ((def.flags ?? 0) & BPF_F_NO_COMMON_LRU) !== 0;
    this.capacity = this.lru ? lruCapacity(def.maxEntries, env.cpus, this.perCpuLru) : def.maxEntries;
    this.store = new SlotStore(def.name, this.elemSize * (this.isPerCpu ? env.cpus : 1), this.capacity, env.windows);
    this.order = new IdList(this.capacity);
  }

  private get lruList(): KernelLru {
    return (this.lruState ??= new KernelLru(this.capacity, this.env.cpus, (slot) => this.evictSlot(slot), this.perCpuLru));
  }

  /** The LRU evicts the element in `slot` (the kernel's del_from_htab). */
  private evictSlot(slot: number): boolean {
    const key = this.keyOf[slot];
    if (!key) return false;
    this.slotOf.delete(keyString(key));
    this.keyOf[slot] = undefined;
    this.order.remove(slot);
    return true;
  }

  override get perCpu(): boolean {
    return this.isPerCpu;
  }

  get size(): number {
    return this.slotOf.size;
  }

  reset(): void {
    this.slotOf.clear();
    this.keyOf.length = 0;
    this.fresh = 0;
    this.freed.length = 0;
    this.order.clear();
    this.lruState?.reset();
    this.store.clear();
  }

  private popFree(): number {
    if (this.freed.length > 0) return this.freed.pop()!;
    if (this.fresh < this.capacity) return this.fresh++;
    return -1;
  }

  /** Frees the slot of a removed element (LRU maps: back to the LRU's lists). */
  private freeSlot(slot: number): void {
    this.keyOf[slot] = undefined;
    this.order.remove(slot);
    if (this.lru) this.lruList.pushFree(slot);
    else this.freed.push(slot);
  }

  private writeValue(slot: number, value: Uint8Array, cpu: number | undefined, isNew: boolean, host: boolean): number {
    const vs = this.def.valueSize;
    if (!this.isPerCpu) return this.store.write(slot, 0, value) ? 0 : -ENOMEM;
    if (value.length === vs) {
      // One CPU's value: a new element's other CPUs start at zero (pcpu_init_value).
      if (isNew && !this.store.zero(slot)) return -ENOMEM;
      const cpus = cpu !== undefined ? [cpu] : Array.from({ length: this.env.cpus }, (_, c) => c);
      for (const c of cpus) if (!this.store.write(slot, c * this.elemSize, value)) return -ENOMEM;
      return 0;
    }
    if (!host) return -EINVAL;
    for (let c = 0; c < this.env.cpus; c++) {
      if (!this.store.write(slot, c * this.elemSize, value.subarray(c * this.elemSize, c * this.elemSize + vs))) return -ENOMEM;
    }
    return 0;
  }

  private validValue(value: Uint8Array, cpu: number | undefined, host: boolean): number {
    const vs = this.def.valueSize;
    if (!this.cpuOk(cpu)) return -EINVAL;
    if (value.length === vs) {
      if (this.ofMaps) return this.checkInner(u32le(value));
      return 0;
    }
    if (host && this.isPerCpu && value.length === this.elemSize * this.env.cpus && cpu === undefined) return 0;
    return -EINVAL;
  }

  private checkInner(mapIndex: number): number {
    const inner = this.env.mapAt(mapIndex);
    if (!inner) return -EBADF;
    return innerCompatible(this.def, inner.def) ? 0 : -EINVAL;
  }

  /**
   * `cpu`: whose per-CPU value to set (undefined: every CPU, host only); `lruCpu`: the CPU the
   * operation runs on, whose LRU local lists it uses.
   */
  private doUpdate(key: Uint8Array, value: Uint8Array, flags: number, cpu: number | undefined, host: boolean, lruCpu: number): number {
    if (this.badKey(key)) return -EINVAL;
    const f = checkUpdateFlags(flags);
    if (f) return f;
    const v = this.validValue(value, cpu, host);
    if (v) return v;
    const ks = keyString(key);
    if (this.lru && (!this.isPerCpu || flags !== BPF_EXIST)) {
      // The kernel takes a free LRU node first (evicting if need be), then checks the flags.
      const lru = this.lruList;
      const fresh = lru.pop(lruCpu);
      if (fresh < 0) return -ENOMEM;
      const old = this.slotOf.get(ks);
      const err = old !== undefined && flags === BPF_NOEXIST ? -EEXIST : old === undefined && flags === BPF_EXIST ? -ENOENT : 0;
      if (err) {
        lru.pushFree(fresh);
        return err;
      }
      if (old !== undefined && this.isPerCpu) {
        // lru_percpu_hash updates an existing element in place; the new node goes back.
        lru.pushFree(fresh);
        lru.setRef(old);
        return this.writeValue(old, value, cpu, false, host);
      }
      const w = this.writeValue(fresh, value, cpu, true, host);
      if (w) {
        lru.pushFree(fresh);
        return w;
      }
      this.keyOf[fresh] = key.slice();
      this.slotOf.set(ks, fresh);
      if (old !== undefined) {
        // The new element replaces the old one (marked referenced, as the kernel does).
        this.order.insertAfter(old, fresh);
        this.freeSlot(old);
        lru.setRef(fresh);
      } else {
        this.order.pushBack(fresh);
      }
      return 0;
    }
    const old = this.slotOf.get(ks);
    if (old !== undefined && flags === BPF_NOEXIST) return -EEXIST;
    if (old === undefined && flags === BPF_EXIST) return -ENOENT;
    if (old !== undefined) {
      if (this.lru) this.lruList.setRef(old);
      return this.writeValue(old, value, cpu, false, host);
    }
    const slot = this.popFree();
    if (slot < 0) return -E2BIG;
    const w = this.writeValue(slot, value, cpu, true, host);
    if (w) {
      this.freed.push(slot);
      return w;
    }
    this.keyOf[slot] = key.slice();
    this.slotOf.set(ks, slot);
    this.order.pushBack(slot);
    return 0;
  }

  /** Host updates run on CPU 0 (whose LRU local lists they use). */
  update(key: Uint8Array, value: Uint8Array, flags = 0, cpu?: number): number {
    return this.doUpdate(key, value, flags, cpu, true, HOST_CPU);
  }

  delete(key: Uint8Array): number {
    if (this.badKey(key)) return -EINVAL;
    const ks = keyString(key);
    const slot = this.slotOf.get(ks);
    if (slot === undefined) return -ENOENT;
    this.slotOf.delete(ks);
    this.freeSlot(slot);
    return 0;
  }

  lookup(key: Uint8Array, cpu?: number): Uint8Array | null {
    if (this.badKey(key) || !this.cpuOk(cpu)) return null;
    const slot = this.slotOf.get(keyString(key));
    if (slot === undefined) return null;
    return this.store.read(slot, this.isPerCpu ? (cpu ?? 0) * this.elemSize : 0, this.def.valueSize);
  }

  override lookupPerCpu(key: Uint8Array): Uint8Array[] | null {
    if (!this.isPerCpu || this.badKey(key)) return null;
    const slot = this.slotOf.get(keyString(key));
    if (slot === undefined) return null;
    return Array.from({ length: this.env.cpus }, (_, c) => this.store.read(slot, c * this.elemSize, this.def.valueSize));
  }

  nextKey(key: Uint8Array | null): Uint8Array | null {
    let slot = -1;
    if (key && !this.badKey(key)) {
      const s = this.slotOf.get(keyString(key));
      if (s !== undefined) slot = this.order.after(s);
      else slot = this.order.head; // a missing key restarts from the first
    } else {
      slot = this.order.head;
    }
    return slot >= 0 ? this.keyOf[slot]!.slice() : null;
  }

  entries(): MapEntry[] {
    const out: MapEntry[] = [];
    for (let s = this.order.head; s >= 0; s = this.order.after(s)) {
      const key = this.keyOf[s]!.slice();
      if (this.isPerCpu) {
        const perCpu = Array.from({ length: this.env.cpus }, (_, c) => this.store.read(s, c * this.elemSize, this.def.valueSize));
        out.push({ key, value: perCpu[0]!, perCpu });
      } else {
        out.push({ key, value: this.store.read(s, 0, this.def.valueSize) });
      }
    }
    return out;
  }

  /** LRU maps: keys in the order the LRU would evict them (for tests and teaching). */
  recencyOrder(): Uint8Array[] {
    return (this.lruState?.order() ?? []).filter((s) => this.keyOf[s]).map((s) => this.keyOf[s]!.slice());
  }

  override progLookup(key: Uint8Array, cpu: number): ProgValue | null {
    const slot = this.slotOf.get(keyString(key));
    if (slot === undefined) return null;
    // A program's lookup marks the element used (the kernel sets its reference bit; the syscall
    // lookup does not).
    if (this.lru) this.lruList.setRef(slot);
    if (this.ofMaps) return { kind: 'map', map: u32le(this.store.read(slot, 0, 4)) };
    return { kind: 'slot', store: this.store, slot, offset: this.isPerCpu ? cpu * this.elemSize : 0 };
  }

  override progUpdate(key: Uint8Array, value: Uint8Array, flags: number, cpu: number): number {
    if (readOnlyForPrograms(this.def)) return -EPERM;
    if (this.ofMaps) return -EINVAL; // programs cannot store maps (the verifier refuses it)
    return this.doUpdate(key, value, flags, cpu, false, cpu);
  }

  override progDelete(key: Uint8Array): number {
    if (readOnlyForPrograms(this.def)) return -EPERM;
    return this.delete(key);
  }

  override stores(): SlotStore[] {
    return this.ofMaps ? [] : [this.store];
  }
}

/** bpf_map_meta_equal: may `inner` be stored in map-in-map `outer`? (Any map when no template is known.) */
export function innerCompatible(outer: MapDef, inner: MapDef): boolean {
  if (inner.type === 'array_of_maps' || inner.type === 'hash_of_maps' || inner.type === 'prog_array') return false;
  const t = outer.inner;
  if (!t) return true;
  return t.type === inner.type && t.keySize === inner.keySize && t.valueSize === inner.valueSize &&
    (t.flags ?? 0) === (inner.flags ?? 0) && t.maxEntries === inner.maxEntries;
}

// ---- prog_array, array_of_maps ---------------------------------------------------------------------

/** Arrays of references: prog_array (program indices) and array_of_maps (map indices). */
export class FdArrayMap extends MapBase {
  /** Filled slots only: index -> program or map index (a Map, as max_entries may be large). */
  private readonly refs = new Map<number, number>();

  reset(): void {
    this.refs.clear();
  }

  /** The stored index at `i` (program index for prog_array, map index for array_of_maps), or null. */
  target(i: number): number | null {
    return this.refs.get(i) ?? null;
  }

  lookup(key: Uint8Array): Uint8Array | null {
    if (this.badKey(key)) return null;
    const t = this.target(u32le(key));
    return t === null ? null : u32Bytes(t);
  }

  update(key: Uint8Array, value: Uint8Array, flags = 0): number {
    if (this.badKey(key) || value.length !== this.def.valueSize) return -EINVAL;
    if (flags !== 0) return -EINVAL; // fd arrays take BPF_ANY only
    const i = u32le(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    const ref = u32le(value);
    if (this.def.type === 'prog_array') {
      const n = this.env.programCount;
      if (ref > 0x7fffffff || (n !== undefined && ref >= n)) return -EBADF;
    } else {
      const inner = this.env.mapAt(ref);
      if (!inner) return -EBADF;
      if (!innerCompatible(this.def, inner.def)) return -EINVAL;
    }
    this.refs.set(i, ref);
    return 0;
  }

  delete(key: Uint8Array): number {
    if (this.badKey(key)) return -EINVAL;
    const i = u32le(key);
    if (i >= this.def.maxEntries) return -E2BIG;
    return this.refs.delete(i) ? 0 : -ENOENT;
  }

  nextKey(key: Uint8Array | null): Uint8Array | null {
    const max = this.def.maxEntries;
    const i = key && key.length === 4 ? u32le(key) : max;
    if (i >= max) return max > 0 ? u32Bytes(0) : null;
    if (i === max - 1) return null;
    return u32Bytes(i + 1);
  }

  /** Filled slots only (looking up an empty one gives ENOENT in the kernel). */
  entries(): MapEntry[] {
    return [...this.refs.keys()].sort((a, b) => a - b).map((i) => ({ key: u32Bytes(i), value: u32Bytes(this.refs.get(i)!) }));
  }

  override progLookup(key: Uint8Array): ProgValue | null {
    if (this.def.type !== 'array_of_maps') return null; // prog_array lookups are refused by the verifier
    const t = this.target(u32le(key));
    return t === null ? null : { kind: 'map', map: t };
  }

  override progUpdate(): number {
    return -EINVAL;
  }

  override progDelete(key: Uint8Array): number {
    return this.delete(key);
  }
}

// ---- ringbuf -------------------------------------------------------------------------------------

export const BPF_RINGBUF_BUSY_BIT = 0x80000000;
export const BPF_RINGBUF_DISCARD_BIT = 0x40000000;
export const BPF_RINGBUF_HDR_SZ = 8;
const RINGBUF_MAX_RECORD_SZ = Math.floor(0xffffffff / 4);
/** Pages before the data area in struct bpf_ringbuf (meta page, consumer page, producer page). */
const RINGBUF_DATA_PAGE = 3;
/** Largest ring buffer bpfbox simulates. */
export const MAX_RINGBUF_BYTES = 256 << 20;

/**
 * A ring buffer. The data area (max_entries bytes) is followed by a mirror, as the kernel maps the
 * data pages twice: a record that wraps around the end stays contiguous for the program; when it
 * is submitted or discarded, the part written into the mirror is copied to the start. Up to 8 MiB
 * the data and its mirror share one region; larger rings take consecutive 16 MiB windows plus one
 * mirror window (records longer than 16 MiB cannot wrap there: reserving one that would gives null).
 */
export class RingBufMap extends MapBase {
  readonly size: number;
  readonly mask: number;
  consumerPos = 0;
  producerPos = 0;
  pendingPos = 0;
  private segments: Uint8Array[] | null = null;
  readonly segmentSize: number;
  readonly segmentCount: number;
  private firstWindow = -1;
  /** Records reserved and not yet submitted or discarded: data offset of the header -> position. */
  private readonly outstanding = new Map<number, number>();

  constructor(def: MapDef, index: number, env: MapEnv) {
    super(def, index, env);
    this.size = def.maxEntries;
    this.mask = this.size - 1;
    if (this.size <= WINDOW_BYTES / 2) {
      this.segmentSize = 2 * this.size;
      this.segmentCount = 1;
    } else {
      this.segmentSize = WINDOW_BYTES;
      this.segmentCount = this.size / WINDOW_BYTES + 1;
    }
  }

  /** Total bytes addressable past the data start (data + mirror). */
  private get span(): number {
    return this.segmentSize * this.segmentCount;
  }

  /** The segments, allocated (with their windows) on first use; null when no windows are left. */
  ensureSegments(): Uint8Array[] | null {
    if (this.segments) return this.segments;
    if (this.firstWindow < 0) {
      const w = this.env.windows.take(this.segmentCount);
      if (w === null) return null;
      this.firstWindow = w;
    }
    this.segments = Array.from({ length: this.segmentCount }, () => newStorage(this.segmentSize));
    return this.segments;
  }

  /** Window of segment 0 (valid after ensureSegments). */
  get window(): number {
    return this.firstWindow;
  }

  regionName(k: number): string {
    return this.segmentCount === 1 ? `ringbuf:${this.def.name}` : `ringbuf:${this.def.name}#${k}`;
  }

  private readLinear(at: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    const segs = this.segments;
    if (!segs) return out;
    for (let done = 0; done < len;) {
      const seg = Math.floor((at + done) / this.segmentSize);
      const off = (at + done) % this.segmentSize;
      const n = Math.min(len - done, this.segmentSize - off);
      out.set(segs[seg]!.subarray(off, off + n), done);
      done += n;
    }
    return out;
  }

  private writeLinear(at: number, data: Uint8Array): void {
    const segs = this.ensureSegments();
    if (!segs) return;
    for (let done = 0; done < data.length;) {
      const seg = Math.floor((at + done) / this.segmentSize);
      const off = (at + done) % this.segmentSize;
      const n = Math.min(data.length - done, this.segmentSize - off);
      segs[seg]!.set(data.subarray(done, done + n), off);
      done += n;
    }
  }

  private headerLen(off: number): number {
    return u32le(this.readLinear(off, 4));
  }

  private writeHeader(off: number, len: number, pgOff: number): void {
    const h = new Uint8Array(8);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, len >>> 0, true);
    dv.setUint32(4, pgOff >>> 0, true);
    this.writeLinear(off, h);
  }

  /**
   * __bpf_ringbuf_reserve: the data offset of the new record's header (its sample starts 8 bytes
   * later), or null when the record does not fit.
   */
  reserve(size: number): number | null {
    if (!Number.isInteger(size) || size < 0 || size > RINGBUF_MAX_RECORD_SZ) return null;
    const len = roundUp8(size + BPF_RINGBUF_HDR_SZ);
    if (len > this.size) return null;
    if (!this.ensureSegments()) return null;
    // Skip over records at the pending position that are no longer busy.
    let pend = this.pendingPos;
    while (pend < this.producerPos) {
      const h = this.headerLen(pend & this.mask);
      if (h & BPF_RINGBUF_BUSY_BIT) break;
      pend += roundUp8((h & ~BPF_RINGBUF_DISCARD_BIT) + BPF_RINGBUF_HDR_SZ);
    }
    this.pendingPos = pend;
    const newProd = this.producerPos + len;
    if (newProd - this.consumerPos > this.mask || newProd - pend > this.mask) return null;
    const off = this.producerPos & this.mask;
    if (off + len > this.span) return null; // (only for rings over 16 MiB: the record cannot wrap)
    this.writeHeader(off, (size | BPF_RINGBUF_BUSY_BIT) >>> 0, RINGBUF_DATA_PAGE + Math.floor(off / 4096));
    this.outstanding.set(off, this.producerPos);
    this.producerPos = newProd;
    return off;
  }

  /** Whether `off` (a header's data offset) is a record reserved and not yet committed. */
  isOutstanding(off: number): boolean {
    return this.outstanding.has(off);
  }

  /** bpf_ringbuf_commit: submit (or discard) the record whose header is at data offset `off`. */
  commit(off: number, discard: boolean): boolean {
    if (!this.outstanding.has(off)) return false;
    this.outstanding.delete(off);
    const size = this.headerLen(off) & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
    const end = off + roundUp8(size + BPF_RINGBUF_HDR_SZ);
    if (end > this.size) this.writeLinear(0, this.readLinear(this.size, end - this.size)); // wrapped part
    const pg = u32le(this.readLinear(off + 4, 4));
    this.writeHeader(off, (size | (discard ? BPF_RINGBUF_DISCARD_BIT : 0)) >>> 0, pg);
    return true;
  }

  /** bpf_ringbuf_output: reserve, copy, submit. 0, -EINVAL (flags) or -EAGAIN (no room). */
  output(data: Uint8Array, flags = 0): number {
    if (!Number.isInteger(flags) || flags < 0 || (flags & ~(BPF_RB_NO_WAKEUP | BPF_RB_FORCE_WAKEUP)) !== 0) return -EINVAL;
    const off = this.reserve(data.length);
    if (off === null) return -11; // EAGAIN
    this.writeLinear(off + BPF_RINGBUF_HDR_SZ, data);
    this.commit(off, false);
    return 0;
  }

  /** bpf_ringbuf_query. */
  query(flags: number): number {
    switch (flags) {
      case BPF_RB_AVAIL_DATA: return this.producerPos - this.consumerPos;
      case BPF_RB_RING_SIZE: return this.size;
      case BPF_RB_CONS_POS: return this.consumerPos;
      case BPF_RB_PROD_POS: return this.producerPos;
      default: return 0;
    }
  }

  /** Walks committed records from the consumer position (as libbpf's consumer does). */
  private walk(advance: boolean): Uint8Array[] {
    const out: Uint8Array[] = [];
    let cons = this.consumerPos;
    while (cons < this.producerPos) {
      const off = cons & this.mask;
      const h = this.headerLen(off);
      if (h & BPF_RINGBUF_BUSY_BIT) break;
      const size = h & ~BPF_RINGBUF_DISCARD_BIT;
      if (!(h & BPF_RINGBUF_DISCARD_BIT)) {
        const start = off + BPF_RINGBUF_HDR_SZ;
        // Committed data is in the data area; a record running past its end continues at its start.
        const first = Math.min(size, Math.max(0, this.size - start));
        const rec = new Uint8Array(size);
        rec.set(this.readLinear(Math.min(start, this.size), first), 0);
        if (first < size) rec.set(this.readLinear((start + first) & this.mask, size - first), first);
        out.push(rec);
      }
      cons += roundUp8(size + BPF_RINGBUF_HDR_SZ);
    }
    if (advance) this.consumerPos = cons;
    return out;
  }

  consume(): Uint8Array[] {
    return this.walk(true);
  }

  /** Submitted records not yet consumed, without consuming them. */
  peek(): Uint8Array[] {
    return this.walk(false);
  }

  /** Records reserved and not yet submitted or discarded. */
  get busyRecords(): number {
    return this.outstanding.size;
  }

  reset(): void {
    this.consumerPos = this.producerPos = this.pendingPos = 0;
    this.outstanding.clear();
    this.segments = null;
  }

  lookup(): Uint8Array | null {
    return null;
  }
  update(): number {
    return -ENOTSUPP;
  }
  delete(): number {
    return -ENOTSUPP;
  }
  nextKey(): Uint8Array | null {
    return null;
  }
  entries(): MapEntry[] {
    return [];
  }
  override progUpdate(): number {
    return -ENOTSUPP;
  }
  override progDelete(): number {
    return -ENOTSUPP;
  }
}

// ---- queue, stack --------------------------------------------------------------------------------

/** queue (FIFO) and stack (LIFO): no keys; push/pop/peek (helpers 87-89; update/lookup from the host). */
export class QueueStackMap extends MapBase {
  /** Oldest first. */
  private items: Uint8Array[] = [];

  reset(): void {
    this.items = [];
  }

  get length(): number {
    return this.items.length;
  }

  /** bpf_map_push_elem: flags BPF_ANY or BPF_EXIST (a full map then drops its oldest element). */
  push(value: Uint8Array, flags = 0): number {
    if (!Number.isInteger(flags) || flags < 0 || flags & BPF_NOEXIST || flags > BPF_EXIST) return -EINVAL;
    if (value.length !== this.def.valueSize) return -EINVAL;
    if (this.items.length >= this.def.maxEntries) {
      if (!(flags & BPF_EXIST)) return -E2BIG;
      this.items.shift();
    }
    this.items.push(value.slice());
    return 0;
  }

  /** The element pop would take (queue: oldest, stack: newest), or null when empty. */
  peek(): Uint8Array | null {
    if (this.items.length === 0) return null;
    const v = this.def.type === 'queue' ? this.items[0]! : this.items[this.items.length - 1]!;
    return v.slice();
  }

  pop(): Uint8Array | null {
    if (this.items.length === 0) return null;
    return (this.def.type === 'queue' ? this.items.shift()! : this.items.pop()!);
  }

  lookup(key: Uint8Array): Uint8Array | null {
    if (key.length !== 0) return null;
    return this.peek();
  }
  update(key: Uint8Array, value: Uint8Array, flags = 0): number {
    if (key.length !== 0) return -EINVAL;
    if (flags & BPF_F_LOCK) return -EINVAL;
    return this.push(value, flags);
  }
  delete(): number {
    return -EINVAL;
  }
  nextKey(): Uint8Array | null {
    return null;
  }
  entries(): MapEntry[] {
    return this.items.map((v) => ({ key: new Uint8Array(0), value: v.slice() }));
  }
  override progUpdate(_key: Uint8Array, value: Uint8Array, flags: number): number {
    return this.push(value, flags);
  }
  override progDelete(): number {
    return -EINVAL;
  }
}

// ---- types bpfbox does not simulate --------------------------------------------------------------

/**
 * A map of a type bpfbox names but does not simulate (perf_event_array, stack_trace,
 * cgroup_array, lpm_trie, devmap, devmap_hash, sockmap, sockhash, cpumap, xskmap, cgroup_storage,
 * percpu_cgroup_storage, reuseport_sockarray, sk_storage, inode_storage, task_storage,
 * cgrp_storage, struct_ops, bloom_filter, user_ringbuf, arena): objects using them load, and
 * every operation answers -EOPNOTSUPP (lookups: no entry).
 */
export class InertMap extends MapBase {
  reset(): void {}
  lookup(): Uint8Array | null {
    return null;
  }
  update(): number {
    return -EOPNOTSUPP;
  }
  delete(): number {
    return -EOPNOTSUPP;
  }
  nextKey(): Uint8Array | null {
    return null;
  }
  entries(): MapEntry[] {
    return [];
  }
}
