// Map definitions: what a program's maps are, as the loader (ELF, assembly headers, CLI) describes
// them to the verifier, the runtime and the kernel oracle. One list of map types with the kernel's
// numbers (enum bpf_map_type in include/uapi/linux/bpf.h).

/** enum bpf_map_type: every type bpfbox can name. The runtime implements a subset (RUNTIME_MAP_TYPES). */
export const MAP_TYPE_IDS = {
  hash: 1,
  array: 2,
  prog_array: 3,
  perf_event_array: 4,
  percpu_hash: 5,
  percpu_array: 6,
  stack_trace: 7,
  cgroup_array: 8,
  lru_hash: 9,
  lru_percpu_hash: 10,
  lpm_trie: 11,
  array_of_maps: 12,
  hash_of_maps: 13,
  devmap: 14,
  sockmap: 15,
  cpumap: 16,
  xskmap: 17,
  sockhash: 18,
  cgroup_storage: 19,
  reuseport_sockarray: 20,
  percpu_cgroup_storage: 21,
  queue: 22,
  stack: 23,
  sk_storage: 24,
  devmap_hash: 25,
  struct_ops: 26,
  ringbuf: 27,
  inode_storage: 28,
  task_storage: 29,
  bloom_filter: 30,
  user_ringbuf: 31,
  cgrp_storage: 32,
  arena: 33,
} as const;

export type MapType = keyof typeof MAP_TYPE_IDS;

/** The name of a kernel map type number, or null if bpfbox does not know it. */
export function mapTypeName(id: number): MapType | null {
  for (const [name, n] of Object.entries(MAP_TYPE_IDS)) if (n === id) return name as MapType;
  return null;
}

/** BPF_F_* map flags bpfbox looks at. */
export const BPF_F_NO_PREALLOC = 1 << 0;
export const BPF_F_RDONLY_PROG = 1 << 7;
export const BPF_F_MMAPABLE = 1 << 10;

/** Where a map came from: declared maps, or global data sections turned into one-entry arrays. */
export type MapOrigin = 'declared' | 'rodata' | 'data' | 'bss' | 'kconfig';

export interface MapDef {
  readonly name: string;
  readonly type: MapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  /** BPF_F_* flags (default 0). */
  readonly flags?: number;
  /** Map-in-map (array_of_maps / hash_of_maps): the inner map's definition. */
  readonly inner?: MapDef;
  /** Global data: the section it came from. Default 'declared'. */
  readonly origin?: MapOrigin;
  /**
   * Initial contents of entry 0 (global data: the section's bytes; `.bss` is zeros), valueSize
   * bytes. For `.rodata` the map is frozen: programs may read but not write it, and the verifier
   * reads constants from these bytes, as the kernel does for frozen read-only maps.
   */
  readonly initial?: Uint8Array;
  /** Read-only for programs (BPF_F_RDONLY_PROG, frozen `.rodata`). */
  readonly readOnly?: boolean;
}

/** The kernel's number for a map definition's type. */
export function mapTypeId(def: Pick<MapDef, 'type'>): number {
  return MAP_TYPE_IDS[def.type];
}
