// What the ELF loader produces from a relocatable eBPF object (clang -target bpf -c). The loader,
// `inspect`, the CLI, the verifier/runtime and the kernel oracle all work from this one shape.

import type { Program } from '../isa/encoding.js';
import type { MapDef } from '../runtime/maps/def.js';

/** The C source position of an instruction (from .BTF.ext line info). */
export interface SourceLine {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The source line's text as recorded in BTF (may be empty). */
  readonly text: string;
}

/** A relocation as found in the object (for `inspect`). */
export interface ElfRelocation {
  /** Section the relocation patches, e.g. `xdp`. */
  readonly section: string;
  /** Byte offset in that section. */
  readonly offset: number;
  /** `R_BPF_64_64`, `R_BPF_64_32`, `R_BPF_64_ABS64`, ... or `type N`. */
  readonly type: string;
  readonly symbol: string;
  /** What the loader made of it: `map m` / `map value m+off` / `call f` / `func f` / `ignored (...)`. */
  readonly resolution: string;
}

export interface ElfSection {
  readonly index: number;
  readonly name: string;
  /** SHT_* name: PROGBITS, NOBITS, SYMTAB, STRTAB, REL, ... */
  readonly type: string;
  readonly size: number;
  readonly flags: number;
  /** What bpfbox does with it: program / subprograms / maps / data / btf / license / ... / ignored. */
  readonly role: string;
}

export interface ElfProgram {
  /** Function (symbol) name, e.g. `xdp_firewall`; the section name when there is no symbol. */
  readonly name: string;
  /** Section name, e.g. `xdp` or `kprobe/sys_execve`. */
  readonly section: string;
  /**
   * Program type the section name selects, as libbpf names it: `xdp`, `socket_filter`, `kprobe`,
   * `tracepoint`, `sched_cls`, `cgroup_skb`, ... (`BPF_PROG_TYPE_*` in lower case, without prefix).
   */
  readonly kernelType: string;
  /** The kernel's enum bpf_prog_type number. */
  readonly kernelTypeId: number;
  /** expected_attach_type the section implies (0 when none). */
  readonly expectedAttachType: number;
  /**
   * Instructions with every relocation applied: the function itself, followed by every `.text`
   * (or same-section) subprogram it calls, directly or indirectly, as libbpf appends them. Map
   * references are lddw pseudo loads whose imm is an index into LoadedObject.maps:
   * src 1 (map fd) imm = map index; src 2 (map value) imm = map index, imm2 = offset.
   * Function pointers (bpf_loop callbacks) are lddw src 4 with imm = slot offset as the kernel wants.
   */
  readonly program: Program;
  /** Encoded instructions (program.slotCount * 8 bytes). */
  readonly bytes: Uint8Array;
  /** C source line of each slot, where .BTF.ext line info gives one (sparse: index = slot). */
  readonly lines: readonly (SourceLine | undefined)[];
  /** Indices into LoadedObject.maps of the maps this program references. */
  readonly mapsUsed: readonly number[];
  /** Function names by slot where each appended subprogram starts (slot 0 = the program). */
  readonly functions: ReadonlyMap<number, string>;
}

export interface BtfSummary {
  readonly types: number;
  readonly strings: number;
  readonly funcs: number;
  readonly hasExt: boolean;
  readonly lineInfos: number;
}

export interface LoadedObject {
  readonly file: string | null;
  readonly programs: readonly ElfProgram[];
  /** Every map the object defines, in a fixed order (declared maps, then global data). */
  readonly maps: readonly MapDef[];
  readonly license: string | null;
  /** `version` section (old kprobe programs), or null. */
  readonly kernelVersion: number | null;
  readonly sections: readonly ElfSection[];
  readonly relocations: readonly ElfRelocation[];
  readonly btf: BtfSummary | null;
  /** Non-fatal problems (an unknown section that was skipped, ...). */
  readonly warnings: readonly string[];
}
