// ELF64 little-endian reader: file header, section headers, section names, symbols and REL/RELA
// entries. Every read is bounds-checked against the file; nothing is allocated from a count that
// was not first checked against the bytes that would hold it. The only exception it throws is
// ElfError (with the section and byte offset of the problem); `parseElf` turns that into a Result.
// Layout facts from the System V gABI (ELF-64 Object File Format) and include/uapi/linux/elf.h.

import { type Result, fail, ok } from '../util/diagnostics.js';

/** A malformed object: what is wrong, where (section name when known, byte offset in the file). */
export class ElfError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly offset: number,
    readonly section?: string,
  ) {
    super(message);
    this.name = 'ElfError';
  }
}

export const EM_BPF = 247;
export const EM_NONE = 0;
export const ET_REL = 1;

export const SHT = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7, NOBITS: 8, REL: 9,
  SHLIB: 10, DYNSYM: 11, INIT_ARRAY: 14, FINI_ARRAY: 15, PREINIT_ARRAY: 16, GROUP: 17, SYMTAB_SHNDX: 18,
} as const;

export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;

export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;
export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

/** BPF relocation types (llvm/BinaryFormat/ELFRelocs/BPF.def). */
export const R_BPF = {
  NONE: 0, '64_64': 1, '64_ABS64': 2, '64_ABS32': 3, '64_NODYLD32': 4, '64_32': 10,
} as const;

export function relocTypeName(t: number): string {
  for (const [k, v] of Object.entries(R_BPF)) if (v === t) return `R_BPF_${k}`;
  return `type ${t}`;
}

const SHT_NAMES = new Map<number, string>(Object.entries(SHT).map(([k, v]) => [v, k]));

export function sectionTypeName(t: number): string {
  const n = SHT_NAMES.get(t);
  if (n !== undefined) return n;
  if (t === 0x6fff4c03) return 'LLVM_ADDRSIG';
  return `0x${t.toString(16)}`;
}

export interface ElfSectionHeader {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: number;
  readonly entsize: number;
}

export interface ElfSymbol {
  readonly index: number;
  readonly name: string;
  readonly value: number;
  readonly size: number;
  /** STT_* */
  readonly type: number;
  /** STB_* */
  readonly bind: number;
  /** Section index (SHN_UNDEF for externs, SHN_ABS/COMMON...). */
  readonly shndx: number;
}

export interface ElfRel {
  /** Byte offset in the target section. */
  readonly offset: number;
  readonly type: number;
  readonly symbol: number;
  /** RELA addend; null for REL (the addend is in the patched bytes). */
  readonly addend: number | null;
  /** File offset of this entry (for error messages). */
  readonly fileOffset: number;
}

export interface ElfRelSection {
  /** The REL/RELA section itself. */
  readonly section: ElfSectionHeader;
  /** The section it patches (sh_info). */
  readonly target: ElfSectionHeader;
  readonly entries: readonly ElfRel[];
}

export interface ElfFile {
  readonly bytes: Uint8Array;
  readonly type: number;
  readonly machine: number;
  readonly flags: number;
  readonly sections: readonly ElfSectionHeader[];
  readonly symbols: readonly ElfSymbol[];
  readonly relSections: readonly ElfRelSection[];
  /** The bytes of a section (empty for NOBITS); bounds were checked when headers were read. */
  data(s: ElfSectionHeader): Uint8Array;
  /** First section with this name. */
  section(name: string): ElfSectionHeader | undefined;
}

const EHDR_SIZE = 64;
const SHDR_SIZE = 64;
const SYM_SIZE = 24;
const REL_SIZE = 16;
const RELA_SIZE = 24;

/** Little-endian reads that refuse to leave the buffer. */
class Cursor {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(off: number, n: number, what: string, section?: string): void {
    if (!Number.isSafeInteger(off) || off < 0 || n < 0 || off + n > this.bytes.length) {
      throw new ElfError('E_ELF_TRUNCATED', `${what} at byte ${off} (${n} bytes) runs past the end of the file (${this.bytes.length} bytes)`, off, section);
    }
  }
  u8(off: number): number {
    return this.bytes[off]!;
  }
  u16(off: number): number {
    return this.view.getUint16(off, true);
  }
  u32(off: number): number {
    return this.view.getUint32(off, true);
  }
  i32(off: number): number {
    return this.view.getInt32(off, true);
  }
  /** A u64 that must fit a JS safe integer (file offsets and sizes beyond 2^53 cannot be real). */
  u64(off: number, what: string, section?: string): number {
    const lo = this.view.getUint32(off, true);
    const hi = this.view.getUint32(off + 4, true);
    if (hi >= 0x200000) {
      throw new ElfError('E_ELF_RANGE', `${what} 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} is out of range`, off, section);
    }
    return hi * 0x1_0000_0000 + lo;
  }
  /** A u64 read as a signed value (RELA addends), clamped to the safe range. */
  i64(off: number): number {
    const lo = this.view.getUint32(off, true);
    const hi = this.view.getInt32(off + 4, true);
    return hi * 0x1_0000_0000 + lo;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Names longer than this are refused: no real object has them, and scanning them costs time. */
const MAX_NAME = 4096;

/** NUL-terminated string at `index` of a string table section. */
function stringAt(c: Cursor, strtab: ElfSectionHeader | undefined, index: number, what: string, ownerSection?: string): string {
  if (!strtab) {
    if (index === 0) return '';
    throw new ElfError('E_ELF_STRING', `${what}: no string table for name index ${index}`, 0, ownerSection);
  }
  if (strtab.type !== SHT.STRTAB) {
    throw new ElfError('E_ELF_STRING', `${what}: section ${strtab.index} used as a string table is not SHT_STRTAB`, strtab.offset, strtab.name || ownerSection);
  }
  if (index >= strtab.size) {
    throw new ElfError('E_ELF_STRING', `${what}: name index ${index} is outside the string table (${strtab.size} bytes)`, strtab.offset, ownerSection);
  }
  const start = strtab.offset + index;
  const end = Math.min(strtab.offset + strtab.size, start + MAX_NAME + 1);
  const len = c.bytes.subarray(start, end).indexOf(0);
  if (len < 0) {
    const why = end - start > MAX_NAME ? `is longer than ${MAX_NAME} bytes` : 'is not NUL-terminated';
    throw new ElfError('E_ELF_STRING', `${what}: name at string table index ${index} ${why}`, start, ownerSection);
  }
  return decoder.decode(c.bytes.subarray(start, start + len));
}

/** Reads an ELF64 LE object. Throws ElfError (only) for anything malformed. */
export function readElf(bytes: Uint8Array): ElfFile {
  const c = new Cursor(bytes);
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('E_ELF_MAGIC', 'not an ELF file (the first bytes are not \\x7fELF)', 0);
  }
  c.need(0, 16, 'ELF identification');
  const cls = c.u8(4);
  const data = c.u8(5);
  if (cls !== 2) {
    throw new ElfError('E_ELF_CLASS', cls === 1 ? 'a 32-bit ELF object: eBPF objects are 64-bit (ELFCLASS64)' : `unknown ELF class ${cls}`, 4);
  }
  if (data !== 1) {
    throw new ElfError('E_ELF_ENDIAN', data === 2 ? 'a big-endian ELF object (clang -target bpfeb): bpfbox reads little-endian objects (-target bpf or bpfel)' : `unknown ELF data encoding ${data}`, 5);
  }
  c.need(0, EHDR_SIZE, 'ELF header');
  const type = c.u16(16);
  const machine = c.u16(18);
  // Old LLVM releases wrote EM_NONE (0); libbpf accepts those too.
  if (machine !== EM_BPF && machine !== EM_NONE) {
    throw new ElfError('E_ELF_MACHINE', `not an eBPF object: e_machine is ${machine}, expected ${EM_BPF} (EM_BPF)`, 18);
  }
  const shoff = c.u64(40, 'section header offset e_shoff');
  const flags = c.u32(48);
  const shentsize = c.u16(58);
  let shnum = c.u16(60);
  let shstrndx = c.u16(62);
  if (shoff === 0) throw new ElfError('E_ELF_SECTION', 'the object has no section header table', 40);
  if (shentsize !== SHDR_SIZE) {
    throw new ElfError('E_ELF_SECTION', `section header size e_shentsize is ${shentsize}, expected ${SHDR_SIZE}`, 58);
  }
  c.need(shoff, SHDR_SIZE, 'section header 0');
  // Extended numbering: with 0xff00 or more sections the counts live in section header 0.
  if (shnum === 0) shnum = c.u64(shoff + 32, 'extended section count', '') ;
  if (shstrndx === SHN_XINDEX) shstrndx = c.u32(shoff + 40);
  const maxHeaders = Math.floor((bytes.length - shoff) / SHDR_SIZE);
  if (shnum > maxHeaders) {
    throw new ElfError('E_ELF_TRUNCATED', `the header announces ${shnum} sections but only ${maxHeaders} section headers fit in the file after offset ${shoff}`, 60);
  }
  if (shstrndx >= shnum) {
    throw new ElfError('E_ELF_SECTION', `section name table index e_shstrndx ${shstrndx} is not a section (${shnum} sections)`, 62);
  }

  const raw: Omit<ElfSectionHeader, 'name'>[] = [];
  const nameIdx: number[] = [];
  for (let i = 0; i < shnum; i++) {
    const h = shoff + i * SHDR_SIZE;
    const sh = {
      index: i,
      type: c.u32(h + 4),
      flags: c.u64(h + 8, `flags of section ${i}`),
      offset: c.u64(h + 24, `offset of section ${i}`),
      size: c.u64(h + 32, `size of section ${i}`),
      link: c.u32(h + 40),
      info: c.u32(h + 44),
      addralign: c.u64(h + 48, `alignment of section ${i}`),
      entsize: c.u64(h + 56, `entry size of section ${i}`),
    };
    if (i === 0 && shnum !== c.u16(60)) sh.size = 0; // header 0 held the extended count
    if (sh.type !== SHT.NOBITS && sh.type !== SHT.NULL && sh.size > 0) {
      if (sh.offset + sh.size > bytes.length) {
        throw new ElfError('E_ELF_TRUNCATED', `section ${i} (bytes ${sh.offset}..${sh.offset + sh.size}) extends past the end of the file (${bytes.length} bytes)`, h + 24);
      }
    }
    raw.push(sh);
    nameIdx.push(c.u32(h));
  }
  const shstr = raw[shstrndx];
  const shstrHeader: ElfSectionHeader | undefined = shstr && shstrndx !== 0 ? { ...shstr, name: '' } : undefined;
  const sections: ElfSectionHeader[] = raw.map((s, i) =>
    ({ ...s, name: i === 0 ? '' : stringAt(c, shstrHeader, nameIdx[i]!, `name of section ${i}`) }));

  const sectionData = (s: ElfSectionHeader): Uint8Array =>
    s.type === SHT.NOBITS || s.type === SHT.NULL ? new Uint8Array(0) : bytes.subarray(s.offset, s.offset + s.size);

  // Symbols: the single SHT_SYMTAB of a relocatable object.
  const symtabs = sections.filter((s) => s.type === SHT.SYMTAB);
  if (symtabs.length > 1) throw new ElfError('E_ELF_SYMTAB', `the object has ${symtabs.length} symbol tables, expected one`, symtabs[1]!.offset, symtabs[1]!.name);
  const symbols: ElfSymbol[] = [];
  const symtab = symtabs[0];
  if (symtab) {
    if (symtab.entsize !== 0 && symtab.entsize !== SYM_SIZE) {
      throw new ElfError('E_ELF_SYMTAB', `symbol entry size is ${symtab.entsize}, expected ${SYM_SIZE}`, symtab.offset, symtab.name);
    }
    if (symtab.size % SYM_SIZE !== 0) {
      throw new ElfError('E_ELF_SYMTAB', `symbol table size ${symtab.size} is not a multiple of ${SYM_SIZE}`, symtab.offset, symtab.name);
    }
    const strtab = sections[symtab.link];
    if (!strtab || symtab.link === 0) {
      throw new ElfError('E_ELF_SYMTAB', `the symbol table's string table (section ${symtab.link}) does not exist`, symtab.offset, symtab.name);
    }
    const count = symtab.size / SYM_SIZE; // bounded by the section, which is inside the file
    const names = new Map<number, string>();
    for (let i = 0; i < count; i++) {
      const p = symtab.offset + i * SYM_SIZE;
      const info = c.u8(p + 4);
      const nameIndex = c.u32(p);
      let name = names.get(nameIndex);
      if (name === undefined) {
        name = stringAt(c, strtab, nameIndex, `name of symbol ${i}`, symtab.name);
        names.set(nameIndex, name);
      }
      symbols.push({
        index: i,
        name,
        type: info & 0xf,
        bind: info >> 4,
        shndx: c.u16(p + 6),
        value: c.u64(p + 8, `value of symbol ${i}`, symtab.name),
        size: c.u64(p + 16, `size of symbol ${i}`, symtab.name),
      });
    }
  }

  const relSections: ElfRelSection[] = [];
  for (const s of sections) {
    if (s.type !== SHT.REL && s.type !== SHT.RELA) continue;
    const rela = s.type === SHT.RELA;
    const esize = rela ? RELA_SIZE : REL_SIZE;
    if (s.size % esize !== 0) {
      throw new ElfError('E_ELF_RELOCATION', `relocation section size ${s.size} is not a multiple of ${esize}`, s.offset, s.name);
    }
    const target = s.info > 0 && s.info < sections.length ? sections[s.info] : undefined;
    if (!target) {
      throw new ElfError('E_ELF_RELOCATION', `relocation section patches section ${s.info}, which does not exist`, s.offset, s.name);
    }
    if (s.size > 0 && (s.link !== (symtab?.index ?? -1))) {
      throw new ElfError('E_ELF_RELOCATION', `relocation section refers to symbol table ${s.link}, which is not the object's symbol table`, s.offset, s.name);
    }
    const entries: ElfRel[] = [];
    const count = s.size / esize;
    for (let i = 0; i < count; i++) {
      const p = s.offset + i * esize;
      const offset = c.u64(p, `offset of relocation ${i}`, s.name);
      const type = c.u32(p + 8);
      const symbol = c.u32(p + 12);
      if (symbol >= symbols.length) {
        throw new ElfError('E_ELF_RELOCATION', `relocation ${i} (at offset ${offset} of ${target.name}) names symbol ${symbol}, but the symbol table has ${symbols.length}`, p + 12, s.name);
      }
      entries.push({ offset, type, symbol, addend: rela ? c.i64(p + 16) : null, fileOffset: p });
    }
    relSections.push({ section: s, target, entries });
  }

  return {
    bytes, type, machine, flags, sections, symbols, relSections,
    data: sectionData,
    section: (name) => sections.find((s) => s.name === name),
  };
}

/** readElf as a Result: malformed input becomes one diagnostic naming the section and offset. */
export function parseElf(bytes: Uint8Array, file?: string): Result<ElfFile> {
  try {
    return ok(readElf(bytes));
  } catch (e) {
    return fail([elfErrorDiagnostic(e, file)]);
  }
}

export function elfErrorDiagnostic(e: unknown, file?: string): { code: string; message: string; file?: string } {
  if (e instanceof ElfError) {
    const where = e.section !== undefined && e.section !== '' ? `section '${e.section}', ` : '';
    return { code: e.code, message: `${e.message} (${where}byte offset ${e.offset})`, ...(file !== undefined ? { file } : {}) };
  }
  // Not expected: the reader checks its reads; keep the promise of never throwing anyway.
  return { code: 'E_ELF', message: `malformed object: ${(e as Error)?.message ?? String(e)}`, ...(file !== undefined ? { file } : {}) };
}
