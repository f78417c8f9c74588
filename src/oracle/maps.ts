// Maps for programs loaded into the kernel: creating them from definitions and patching the
// program's map references (lddw pseudo loads) to the kernel's file descriptors.

import type { NativeAddon } from './native.js';
import { type OracleMapType, errnoName, kernelMapType } from './types.js';

/** One map a program uses. Its index in the list is the program's map reference number. */
export interface OracleMapDef {
  type: OracleMapType | number;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  /** BPF_F_* map flags (e.g. BPF_F_NO_PREALLOC = 1, needed by lpm_trie) */
  flags?: number;
  /** up to 15 characters of [A-Za-z0-9_.]; others become `_` */
  name?: string;
  /** entries to store before the program runs */
  entries?: { key: Uint8Array; value: Uint8Array }[];
  /** keys to read back after a test run (kernelTestRun returns their values) */
  readBack?: Uint8Array[];
}

export class OracleMapError extends Error {
  constructor(
    message: string,
    readonly errno: number,
  ) {
    super(message);
    this.name = 'OracleMapError';
  }
}

/** Creates the maps (and fills them); on any failure closes what it made and throws. */
export function createMaps(addon: NativeAddon, defs: readonly OracleMapDef[]): number[] {
  const fds: number[] = [];
  try {
    defs.forEach((d, i) => {
      const r = addon.mapCreate({
        type: kernelMapType(d.type),
        keySize: d.keySize,
        valueSize: d.valueSize,
        maxEntries: d.maxEntries,
        flags: d.flags ?? 0,
        name: d.name ?? `bpfbox_m${i}`,
      });
      if (r < 0) {
        throw new OracleMapError(`map ${i} (${String(d.type)}): BPF_MAP_CREATE failed: ${errnoName(-r)}`, -r);
      }
      fds.push(r);
      for (const e of d.entries ?? []) {
        const err = addon.mapUpdate({ fd: r, key: e.key, value: e.value, flags: 0 });
        if (err !== 0) throw new OracleMapError(`map ${i}: BPF_MAP_UPDATE_ELEM failed: ${errnoName(err)}`, err);
      }
    });
  } catch (e) {
    for (const fd of fds) addon.close(fd);
    throw e;
  }
  return fds;
}

/** What patchMapReferences did. */
export interface PatchResult {
  insns: Uint8Array;
  /** fd_array to pass with the load (for src 5/6), or undefined when the program has none */
  fdArray: number[] | undefined;
  /** map references that named no defined map (patched to fd -1 so the kernel rejects them) */
  unresolved: { pc: number; src: number; ref: number }[];
}

/** The largest map index a src 5/6 load may name (fd_array is padded to it with -1). */
const MAX_MAP_IDX = 4096;

/**
 * Rewrites a program's map references for the kernel. `lddw` with src 1 (map_fd) or 2
 * (map_value) carries a map reference in imm: with `refs: 'index'` (default, bpfbox's
 * convention) that is an index into `fds`, replaced by the fd; with `refs: 'fd'` it is already a
 * kernel fd and is kept. src 5 (map_idx) and 6 (map_idx_value) keep their index: the kernel reads
 * fds[index] from the fd_array passed with the load (padded with -1 up to the largest index so
 * the kernel never reads past it; an index beyond 4096 or negative is turned into the fd form
 * with fd -1). An index with no map becomes fd -1: the kernel then rejects
 * the program (`fd -1 is not pointing to valid bpf_map`) instead of meeting some other fd of this
 * process. The input is not modified.
 */
export function patchMapReferences(
  bytes: Uint8Array,
  fds: readonly number[],
  refs: 'index' | 'fd' = 'index',
): PatchResult {
  const insns = new Uint8Array(bytes);
  const view = new DataView(insns.buffer, insns.byteOffset, insns.byteLength);
  const slots = Math.floor(insns.length / 8);
  const unresolved: PatchResult['unresolved'] = [];
  let maxIdx = -1;
  for (let pc = 0; pc + 1 < slots; pc++) {
    if (insns[pc * 8] !== 0x18) continue;
    const src = insns[pc * 8 + 1]! >> 4;
    const imm = view.getInt32(pc * 8 + 4, true);
    if (src === 1 || src === 2) {
      if (refs === 'index') {
        const fd = imm >= 0 && imm < fds.length ? fds[imm]! : -1;
        if (fd < 0) unresolved.push({ pc, src, ref: imm });
        view.setInt32(pc * 8 + 4, fd, true);
      }
    } else if (src === 5 || src === 6) {
      if (imm >= 0 && imm < fds.length) {
        maxIdx = Math.max(maxIdx, imm);
      } else {
        unresolved.push({ pc, src, ref: imm });
        if (imm >= 0 && imm <= MAX_MAP_IDX) {
          maxIdx = Math.max(maxIdx, imm);
        } else {
          // The kernel would read fd_array[imm] from this process's memory, out of the array:
          // turn the load into its fd form with fd -1 instead (src 5 -> 1, 6 -> 2).
          insns[pc * 8 + 1] = (insns[pc * 8 + 1]! & 0x0f) | ((src - 4) << 4);
          view.setInt32(pc * 8 + 4, -1, true);
        }
      }
    }
    pc++; // second slot of the lddw
  }
  let fdArray: number[] | undefined;
  if (maxIdx >= 0) {
    fdArray = [];
    for (let i = 0; i <= maxIdx; i++) fdArray.push(i < fds.length ? fds[i]! : -1);
  }
  return { insns, fdArray, unresolved };
}
