// ELF object writer: programs and maps as a 64-bit little-endian relocatable BPF object that
// libbpf (bpftool) and the kernel load.

import type { MapDef } from '../runtime/maps/def.js';

export interface ObjectToWrite {
  programs: { name: string; section: string; bytes: Uint8Array }[];
  maps: MapDef[];
  license?: string;
}

export function writeObject(_o: ObjectToWrite): Uint8Array {
  throw new Error('writeObject is not implemented yet');
}
