// BTF (BPF Type Format) reader: the `.BTF` section of an object. Layout facts from the kernel's
// include/uapi/linux/btf.h and Documentation/bpf/btf.rst.

import type { MapDef } from '../runtime/maps/def.js';

/** Malformed BTF: the message says what is wrong, `offset` where (bytes from the section start). */
export class BtfError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'BtfError';
  }
}

export interface BtfType {
  id: number;
  kind: string;
  name: string;
  size?: number;
  type?: number;
  members?: { name: string; type: number; bitOffset: number }[];
  elemType?: number;
  nelems?: number;
  vars?: { type: number; offset: number; size: number }[];
  linkage?: number;
  params?: { name: string; type: number }[];
  vlen: number;
}

export interface Btf {
  readonly types: readonly BtfType[];
  readonly stringBytes: number;
  str(offset: number): string;
  resolve(id: number): BtfType;
  sizeOf(id: number): number;
  typeName(id: number): string;
}

export function parseBtf(_bytes: Uint8Array): Btf {
  throw new BtfError('BTF parsing is not implemented yet', 0);
}

export interface BtfMapDefinition {
  name: string;
  sectionOffset: number;
  size: number;
  def: MapDef;
}

export function btfMapDefinitions(_btf: Btf, _sectionName = '.maps'): BtfMapDefinition[] {
  throw new BtfError('BTF map definitions are not implemented yet', 0);
}

export function btfDatasecVars(_btf: Btf, _sectionName: string): { name: string; offset: number; size: number; type: number }[] {
  throw new BtfError('BTF DATASEC reading is not implemented yet', 0);
}
