// A small stand-in for eBPF maps, used by the driver and compare simulations until the project's
// map runtime (src/runtime/maps) is available: array and hash maps (and their per-CPU variants,
// treated as one CPU), `lddw map_fd / map_value` resolution, and the helpers
// bpf_map_lookup_elem (1), bpf_map_update_elem (2) and bpf_map_delete_elem (3).
//
// Storage is a plain byte array per map. Where it lives is up to the caller: the sandbox maps each
// map's values as its own region (so an access outside a value faults), the driver simulation
// places them inside its kernel pool pages next to other kernel objects.

import type { MapDef } from '../../runtime/maps/def.js';
import type { HelperContext, HelperFn, PseudoRequest, Vm } from '../../vm/index.js';

export const HELPER_MAP_LOOKUP_ELEM = 1;
export const HELPER_MAP_UPDATE_ELEM = 2;
export const HELPER_MAP_DELETE_ELEM = 3;

/** Size of the stand-in `struct bpf_map` a map_fd lddw points to. */
export const MAP_HANDLE_SIZE = 64;

const ENOENT = 2;
const E2BIG = 7;
const EINVAL = 22;
const EEXIST = 17;

function isArrayLike(def: MapDef): boolean {
  return def.type === 'array' || def.type === 'percpu_array';
}

function isHashLike(def: MapDef): boolean {
  return def.type === 'hash' || def.type === 'percpu_hash' || def.type === 'lru_hash' || def.type === 'lru_percpu_hash';
}

/** Bytes one element takes in storage (the kernel rounds array elements up to 8). */
export function elemSize(def: MapDef): number {
  return Math.ceil(def.valueSize / 8) * 8;
}

/** Bytes of value storage a map needs. */
export function storageSize(def: MapDef): number {
  return elemSize(def) * Math.max(1, def.maxEntries);
}

export interface SimMap {
  readonly index: number;
  readonly def: MapDef;
  /** Value storage (elemSize * maxEntries bytes). */
  storage: Uint8Array;
  /** Address of value slot 0 (0 until placed). */
  valueBase: number;
  /** Address of the stand-in struct bpf_map (0 until placed). */
  handle: number;
  /** Hash maps: key (hex) -> slot. */
  readonly slots: Map<string, number>;
}

export class SimMaps {
  readonly maps: SimMap[];

  /**
   * @param defs the program's maps (lddw imm = index)
   * @param initial initial bytes of entry 0 (or of the whole storage when longer), by map name or index
   */
  constructor(readonly defs: readonly MapDef[], initial: Readonly<Record<string, Uint8Array>> = {}) {
    this.maps = defs.map((def, index) => {
      const storage = new Uint8Array(storageSize(def));
      const init = initial[def.name] ?? initial[String(index)] ?? def.initial;
      if (init) storage.set(init.subarray(0, storage.length));
      return { index, def, storage, valueBase: 0, handle: 0, slots: new Map<string, number>() };
    });
    // An array map's entries exist from the start; a hash map given initial bytes holds key 0.
    for (const m of this.maps) {
      if (isHashLike(m.def) && (initial[m.def.name] ?? initial[String(m.index)])) m.slots.set('0'.repeat(m.def.keySize * 2), 0);
    }
  }

  byName(name: string): SimMap | undefined {
    return this.maps.find((m) => m.def.name === name);
  }

  /** Sandbox placement: each map's values and its handle get regions of their own. */
  setupRegions(vm: Vm): void {
    for (const m of this.maps) {
      const writable = !(m.def.readOnly ?? false);
      m.valueBase = vm.addRegion(`map ${m.def.name || m.index} values`, m.storage, { readable: true, writable });
      m.handle = vm.addRegion(`map ${m.def.name || m.index} (struct bpf_map)`, new Uint8Array(MAP_HANDLE_SIZE), { readable: true });
    }
  }

  /** lddw pseudo forms: map_fd / map_idx -> the map handle; map_value / map_idx_value -> value address. */
  readonly resolvePseudo = (req: PseudoRequest): bigint | null => {
    const m = this.maps[req.imm];
    if (!m) return null;
    if (req.src === 1 || req.src === 5) return BigInt(m.handle);
    if (req.src === 2 || req.src === 6) {
      if (!isArrayLike(m.def)) return null;
      return BigInt(m.valueBase) + BigInt(req.imm2 >>> 0);
    }
    return null;
  };

  private mapOfHandle(ctx: HelperContext, reg: number): SimMap | undefined {
    const h = ctx.arg(reg);
    return this.maps.find((m) => BigInt(m.handle) === h);
  }

  private keyHex(ctx: HelperContext, m: SimMap, reg: number): string | null {
    const key = ctx.memory.read(ctx.arg(reg), m.def.keySize);
    if (!(key instanceof Uint8Array)) {
      ctx.fault(key.code, `map helper: key: ${key.message}`);
      return null;
    }
    return Array.from(key, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  private arrayIndex(hex: string): number {
    // little-endian u32 key
    const b = hex.match(/../g)!.slice(0, 4).map((x) => parseInt(x, 16));
    return ((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) << 24)) >>> 0;
  }

  private lookup: HelperFn = (ctx) => {
    const m = this.mapOfHandle(ctx, 1);
    if (!m) return ctx.fault('E_MAP_HANDLE', 'bpf_map_lookup_elem: r1 is not a map');
    const hex = this.keyHex(ctx, m, 2);
    if (hex === null) return;
    let slot: number | undefined;
    if (isArrayLike(m.def)) {
      const i = this.arrayIndex(hex);
      slot = i < m.def.maxEntries ? i : undefined;
    } else {
      slot = m.slots.get(hex);
    }
    ctx.setReturn(slot === undefined ? 0 : m.valueBase + slot * elemSize(m.def));
  };

  private update: HelperFn = (ctx) => {
    const m = this.mapOfHandle(ctx, 1);
    if (!m) return ctx.fault('E_MAP_HANDLE', 'bpf_map_update_elem: r1 is not a map');
    const hex = this.keyHex(ctx, m, 2);
    if (hex === null) return;
    const value = ctx.memory.read(ctx.arg(3), m.def.valueSize);
    if (!(value instanceof Uint8Array)) return ctx.fault(value.code, `bpf_map_update_elem: value: ${value.message}`);
    const flags = Number(ctx.arg(4) & 3n);
    let slot: number | undefined;
    if (isArrayLike(m.def)) {
      const i = this.arrayIndex(hex);
      if (i >= m.def.maxEntries) return ctx.setReturn(-E2BIG);
      if (flags === 1) return ctx.setReturn(-EEXIST); // BPF_NOEXIST on an array
      slot = i;
    } else {
      slot = m.slots.get(hex);
      if (slot !== undefined && flags === 1) return ctx.setReturn(-EEXIST);
      if (slot === undefined && flags === 2) return ctx.setReturn(-ENOENT);
      if (slot === undefined) {
        const used = new Set(m.slots.values());
        for (let i = 0; i < m.def.maxEntries; i++) if (!used.has(i)) { slot = i; break; }
        if (slot === undefined) return ctx.setReturn(-E2BIG);
        m.slots.set(hex, slot);
      }
    }
    m.storage.set(value, slot * elemSize(m.def));
    ctx.setReturn(0);
  };

  private remove: HelperFn = (ctx) => {
    const m = this.mapOfHandle(ctx, 1);
    if (!m) return ctx.fault('E_MAP_HANDLE', 'bpf_map_delete_elem: r1 is not a map');
    const hex = this.keyHex(ctx, m, 2);
    if (hex === null) return;
    if (isArrayLike(m.def)) return ctx.setReturn(-EINVAL);
    if (!m.slots.delete(hex)) return ctx.setReturn(-ENOENT);
    ctx.setReturn(0);
  };

  /** The map helpers, to merge into a helper table. */
  helpers(): Map<number, HelperFn> {
    return new Map<number, HelperFn>([
      [HELPER_MAP_LOOKUP_ELEM, this.lookup],
      [HELPER_MAP_UPDATE_ELEM, this.update],
      [HELPER_MAP_DELETE_ELEM, this.remove],
    ]);
  }

  /** Value bytes of entry `slot` (a view into storage). */
  value(nameOrIndex: string | number, slot = 0): Uint8Array | undefined {
    const m = typeof nameOrIndex === 'number' ? this.maps[nameOrIndex] : this.byName(nameOrIndex);
    if (!m) return undefined;
    const e = elemSize(m.def);
    return m.storage.subarray(slot * e, slot * e + m.def.valueSize);
  }
}
