// A program's (or an object's) maps: created from their definitions with the kernel's creation
// checks, kept across runs like kernel maps, reset to their initial contents on demand.

import { type Diagnostic, type Result, fail, ok } from '../../util/diagnostics.js';
import { BPF_F_NO_PREALLOC, type MapDef, type MapType } from './def.js';
import {
  ArrayMap, BPF_F_NO_COMMON_LRU, type BpfMap, FdArrayMap, HashMap, InertMap, MAX_RINGBUF_BYTES, type MapBase, type MapEnv, QueueStackMap,
  RingBufMap, roundUp8,
} from './maps.js';
import { WINDOW_BYTES, WindowAllocator } from './storage.js';

/** Map types bpfbox simulates; every other type of MAP_TYPE_IDS becomes an InertMap. */
export const RUNTIME_MAP_TYPES: readonly MapType[] = [
  'array', 'percpu_array', 'hash', 'percpu_hash', 'lru_hash', 'lru_percpu_hash', 'ringbuf', 'prog_array',
  'array_of_maps', 'hash_of_maps', 'queue', 'stack',
];

export const DEFAULT_CPUS = 4;
/** Most simulated CPUs (bpfbox's limit; the kernel's is NR_CPUS). */
export const MAX_CPUS = 64;
/**
 * The kernel's limits: a hash element (a 40-byte header on x86-64, the key and the value, each
 * rounded up to 8; per-CPU maps keep an 8-byte pointer in place of the value) must fit one
 * kmalloc of at most 4 MiB (measured on Linux 6.18); per-CPU values at most PCPU_MIN_UNIT_SIZE.
 */
const KMALLOC_MAX = 4 << 20;
const HTAB_ELEM_HEADER = 40;
const MAX_PERCPU_VALUE = 32768;

export interface MapSetOptions {
  /** Simulated CPUs (per-CPU maps hold one value per CPU). Default 4. */
  cpus?: number;
  /** Program names, by index: prog_array values must be below their count; JSON may name them. */
  programs?: readonly string[];
}

/** Why the kernel (or bpfbox) would refuse to create this map, in plain words; null if fine. */
export function checkMapDef(def: MapDef, cpus = DEFAULT_CPUS): string | null {
  const { type, keySize: k, valueSize: v, maxEntries: n } = def;
  const flags = def.flags ?? 0;
  for (const [what, x] of [['key_size', k], ['value_size', v], ['max_entries', n]] as const) {
    if (!Number.isInteger(x) || x < 0 || x > 0xffffffff) return `${what} ${x} is not a 32-bit unsigned number`;
  }
  const perCpu = type === 'percpu_array' || type === 'percpu_hash' || type === 'lru_percpu_hash';
  if (!(RUNTIME_MAP_TYPES as readonly string[]).includes(type)) return null; // inert: not checked
  if (type === 'ringbuf') {
    if (k !== 0 || v !== 0) return `a ring buffer has key_size 0 and value_size 0 (this one: ${k} and ${v})`;
    if (n === 0 || (n & (n - 1)) !== 0 || n % 4096 !== 0) {
      return `a ring buffer's max_entries (its size in bytes) must be a power of 2 and a multiple of the 4096-byte page; ${n} is not`;
    }
    if (n > MAX_RINGBUF_BYTES) return `ring buffers over ${MAX_RINGBUF_BYTES >> 20} MiB are not simulated (this one: ${n} bytes)`;
    return null;
  }
  if (type === 'queue' || type === 'stack') {
    if (k !== 0) return `a ${type} map has no keys: key_size must be 0, not ${k}`;
    if (v === 0 || n === 0) return `value_size and max_entries must not be 0`;
    return null;
  }
  if (n === 0) return 'max_entries must not be 0';
  if (v === 0) return 'value_size must not be 0';
  if (type === 'array' || type === 'percpu_array' || type === 'prog_array' || type === 'array_of_maps') {
    if (k !== 4) return `an array's key is its u32 index: key_size must be 4, not ${k}`;
  } else if (k === 0) {
    return 'key_size must not be 0';
  } else if (HTAB_ELEM_HEADER + roundUp8(k) + (perCpu ? 8 : roundUp8(v)) > KMALLOC_MAX) {
    return `a hash element of key_size ${k} and value_size ${v} is over the kernel's 4 MiB allocation limit`;
  }
  if ((type === 'prog_array' || type === 'array_of_maps' || type === 'hash_of_maps') && v !== 4) {
    return `value_size must be 4 (a program or map reference), not ${v}`;
  }
  if (perCpu && v > MAX_PERCPU_VALUE) return `a per-CPU value of ${v} bytes is over the kernel's limit of ${MAX_PERCPU_VALUE}`;
  const lru = type === 'lru_hash' || type === 'lru_percpu_hash';
  if (lru && flags & BPF_F_NO_PREALLOC) return 'LRU maps are always preallocated: BPF_F_NO_PREALLOC is not supported';
  if (!lru && flags & BPF_F_NO_COMMON_LRU && (type === 'hash' || type === 'percpu_hash')) {
    return 'BPF_F_NO_COMMON_LRU is for LRU maps only';
  }
  const stride = roundUp8(v) * (perCpu ? cpus : 1);
  if (stride > WINDOW_BYTES) return `a value of ${stride} bytes (all CPUs) is larger than bpfbox's 16 MiB storage chunks`;
  return null;
}

/** Thrown by `new MapSet` for a definition the kernel would refuse (use MapSet.create for a Result). */
export class MapDefError extends RangeError {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('\n'));
    this.name = 'MapDefError';
  }
}

export class MapSet {
  readonly defs: readonly MapDef[];
  readonly maps: readonly BpfMap[];
  readonly cpus: number;
  readonly programs: readonly string[] | undefined;
  /** Address windows for map storage (shared by all maps of the set). */
  readonly windows = new WindowAllocator();

  /**
   * Throws a MapDefError when a definition is one the kernel would refuse (bad sizes, a ring
   * buffer size that is not a power-of-2 number of pages...), and a RangeError for a bad CPU count.
   */
  constructor(defs: readonly MapDef[], opts: MapSetOptions = {}) {
    const cpus = opts.cpus ?? DEFAULT_CPUS;
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > MAX_CPUS) {
      throw new RangeError(`cpus must be an integer from 1 to ${MAX_CPUS}, not ${cpus}`);
    }
    this.cpus = cpus;
    this.defs = defs;
    this.programs = opts.programs;
    const problems = MapSet.check(defs, cpus);
    if (problems.length > 0) throw new MapDefError(problems);
    const env: MapEnv = {
      cpus,
      windows: this.windows,
      mapAt: (i) => this.maps[i],
      programCount: opts.programs?.length,
    };
    this.maps = defs.map((d, i) => makeMap(d, i, env));
  }

  /** Like the constructor, but problems come back as diagnostics (code E_MAP_DEF) naming each map. */
  static create(defs: readonly MapDef[], opts: MapSetOptions = {}): Result<MapSet> {
    const cpus = opts.cpus ?? DEFAULT_CPUS;
    if (!Number.isInteger(cpus) || cpus < 1 || cpus > MAX_CPUS) {
      return fail([{ code: 'E_MAP_CPUS', message: `cpus must be an integer from 1 to ${MAX_CPUS}, not ${cpus}` }]);
    }
    const problems = MapSet.check(defs, cpus);
    return problems.length > 0 ? fail(problems) : ok(new MapSet(defs, opts));
  }

  /** Every definition the kernel would refuse, as diagnostics. */
  static check(defs: readonly MapDef[], cpus = DEFAULT_CPUS): Diagnostic[] {
    const out: Diagnostic[] = [];
    defs.forEach((d, i) => {
      const p = checkMapDef(d, cpus);
      if (p) out.push({ code: 'E_MAP_DEF', message: `map ${i} "${d.name}" (${d.type}): ${p}` });
    });
    return out;
  }

  get(nameOrIndex: string | number): BpfMap | undefined {
    if (typeof nameOrIndex === 'number') return this.maps[nameOrIndex];
    return this.maps.find((m) => m.def.name === nameOrIndex);
  }

  /** Every map back to its initial contents (global data: its initial bytes; others empty/zero). */
  reset(): void {
    for (const m of this.maps) m.reset();
  }
}

function makeMap(def: MapDef, index: number, env: MapEnv): MapBase {
  switch (def.type) {
    case 'array':
    case 'percpu_array':
      return new ArrayMap(def, index, env);
    case 'hash':
    case 'percpu_hash':
    case 'lru_hash':
    case 'lru_percpu_hash':
    case 'hash_of_maps':
      return new HashMap(def, index, env);
    case 'prog_array':
    case 'array_of_maps':
      return new FdArrayMap(def, index, env);
    case 'ringbuf':
      return new RingBufMap(def, index, env);
    case 'queue':
    case 'stack':
      return new QueueStackMap(def, index, env);
    default:
      return new InertMap(def, index, env);
  }
}
