// `.BTF.ext` reader: per-section function info and line info (which C line each instruction
// came from). Layout facts from Documentation/bpf/btf.rst (".BTF.ext section").

import { type Btf, BtfError } from './btf.js';

export interface BtfLineInfo { insnOff: number; file: string; line: number; column: number; text: string }
export interface BtfFuncInfo { insnOff: number; name: string; typeId: number }
export interface BtfExt { lineInfo: Map<string, BtfLineInfo[]>; funcInfo: Map<string, BtfFuncInfo[]>; coreRelos: number }

export function parseBtfExt(_bytes: Uint8Array, _btf: Btf): BtfExt {
  throw new BtfError('BTF.ext parsing is not implemented yet', 0);
}
