// ELF object writer: programs and maps as a 64-bit little-endian relocatable BPF object (EM_BPF)
// in the shape clang emits and libbpf (bpftool) loads:
//   - one PROGBITS section per program section name (`xdp`, `socket`, `kprobe/...`), with a FUNC
//     GLOBAL symbol per program (libbpf splits a section into programs by these symbols);
//   - `.maps` with one OBJECT symbol per map, described in `.BTF` as libbpf's BTF-defined maps
//     (`int (*type)[N]`, `int (*max_entries)[N]`, ... and `values` for map-in-map), since libbpf >= 1.0
//     refuses the legacy `maps` section;
//   - `.rel<section>` with an R_BPF_64_64 relocation naming the map symbol on every map load; the
//     written lddw has src 0 and imm 0, as clang writes it, and libbpf turns it into a map fd load;
//   - functions a program calls (bpf-to-bpf calls, bpf_loop callbacks) in `.text` as LOCAL FUNC
//     symbols, called through relocations against `.text`'s section symbol, as clang writes static
//     functions (libbpf appends them to each program that calls them);
//   - `license` (symbol `_license`), `.BTF` (int, the map structs, a FUNC/FUNC_PROTO per function,
//     DATASECs `.maps` and `license`), `.BTF.ext` with func info for every function (the kernel
//     wants it for callbacks) and line info when the programs come with source lines, `.symtab`,
//     `.strtab`, `.shstrtab`.
//
// Limits, each a clear error (BpfError, code E_ELF_WRITE): map value loads (`map_value`, lddw src 2)
// and the fd-array forms (src 5/6) have no ELF form for `.maps` maps (libbpf only makes map-value
// loads from global data sections), nor map fd loads of global data; `.kconfig` externs are not
// written; jumps from one function into another cannot be split apart.
//
// Global data maps (origin rodata/data/bss, one-entry arrays) become `.rodata*` / `.data*` / `.bss*`
// sections holding their initial bytes, and `map_value(m, off)` a relocation against the section's
// symbol with imm = off, as clang writes accesses to static variables; libbpf makes them maps again.

import type { AssembledProgram } from '../asm/assembler.js';
import { matchOp, readSlot } from '../isa/encoding.js';
import { mapTypeId, type MapDef } from '../runtime/maps/def.js';
import { BpfError, type Diagnostic } from '../util/diagnostics.js';
import type { SourceLine } from './types.js';

export interface ObjectToWrite {
  /**
   * Encoded instructions; map references as lddw src=1 imm=index into `maps`. A program that calls
   * local functions (call_local, or lddw src=4 function pointers) is split as libbpf wants it: the
   * entry part stays in `section`, every called function goes to `.text` (a LOCAL FUNC symbol named
   * by `functions`, slot -> name, like ElfProgram.functions; default `<program>__<slot>`).
   */
  programs: {
    name: string; section: string; bytes: Uint8Array; functions?: ReadonlyMap<number, string>;
    /**
     * Source position per slot (like ElfProgram.lines): written as `.BTF.ext` line info, so the
     * kernel's verifier log and bpftool show the source. Written only when every function's first
     * instruction has one (the kernel requires that).
     */
    lines?: readonly (SourceLine | undefined)[];
  }[];
  maps: MapDef[];
  /** Default 'GPL'. */
  license?: string;
}

const EM_BPF = 247;
const ET_REL = 1;
const SHT_PROGBITS = 1;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_REL = 9;
const SHT_NOBITS = 8;
const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
const SHF_INFO_LINK = 0x40;
const STB_LOCAL = 0;
const STB_GLOBAL = 1;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_SECTION = 3;
const R_BPF_64_64 = 1;
const R_BPF_64_32 = 10;
const ELF_HEADER = 64;
const SECTION_HEADER = 64;
const SYMBOL = 24;
const REL = 16;
const INSN = 8;
const PSEUDO_MAP_FD = 1;
const PSEUDO_MAP_VALUE = 2;
const PSEUDO_FUNC = 4;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECTION_NAME = /^[A-Za-z_.][A-Za-z0-9_./+-]*$/;
const TEXT = '.text';

/**
 * A relocation to write: a map load (R_BPF_64_64 against the map's symbol), a call or a function
 * pointer into `.text` (R_BPF_64_32 / R_BPF_64_64 against the `.text` section symbol, with the
 * instruction's imm holding the target as clang writes it).
 */
type Reloc = { offset: number; kind: 'map' | 'data'; map: number } | { offset: number; kind: 'call' | 'func' };

interface OutSection {
  bytes: Uint8Array[];
  size: number;
  relocs: Reloc[];
  funcs: { name: string; offset: number; size: number }[];
  lines: { offset: number; line: SourceLine }[];
  /** Whether every function start in this section has a line. */
  linesComplete: boolean;
}

type ErrorSink = (message: string, insn?: number) => void;

/** Writes the object. Throws BpfError (E_ELF_WRITE) for what cannot be expressed in an object. */
export function writeObject(o: ObjectToWrite): Uint8Array {
  const errors: Diagnostic[] = [];
  const err: ErrorSink = (message, insn) => {
    errors.push(insn === undefined ? { code: 'E_ELF_WRITE', message } : { code: 'E_ELF_WRITE', message, insn });
  };
  checkInput(o, err);
  if (errors.length) throw new BpfError(errors);

  // Program sections in first-use order (several programs may share one), then `.text`.
  const sections = new Map<string, OutSection>();
  const text: OutSection = { bytes: [], size: 0, relocs: [], funcs: [], lines: [], linesComplete: true };
  for (const p of o.programs) {
    let sec = sections.get(p.section);
    if (!sec) sections.set(p.section, (sec = { bytes: [], size: 0, relocs: [], funcs: [], lines: [], linesComplete: true }));
    placeProgram(p, o.maps, sec, text, err);
  }
  if (errors.length) throw new BpfError(errors);

  const license = new TextEncoder().encode((o.license ?? 'GPL') + '\0');
  // Line info only when every function starts with a line: the kernel rejects partial line info.
  const withLines = text.linesComplete && [...sections.values()].every((sec) => sec.linesComplete);
  const btf = buildBtf(o, license.length, [
    { section: TEXT, funcs: text.funcs.map((f) => ({ name: f.name, offset: f.offset, global: false })), lines: withLines ? text.lines : [] },
    ...[...sections].map(([section, sec]) => ({
      section, funcs: sec.funcs.map((f) => ({ name: f.name, offset: f.offset, global: true })), lines: withLines ? sec.lines : [],
    })),
  ]);

  interface Section { name: number; type: number; flags: number; data: Uint8Array; link: number; info: number; align: number; entsize: number; size?: number }
  interface Symbol { name: number; bind: number; type: number; shndx: number; value: number; size: number }
  const shstr = new StringTable();
  const strtab = new StringTable();
  const out: Section[] = [];
  const add = (s: Section): number => out.push(s) - 1;
  const progbits = (name: string, flags: number, data: Uint8Array, align: number): number =>
    add({ name: shstr.add(name), type: SHT_PROGBITS, flags, data, link: 0, info: 0, align, entsize: 0 });
  add({ name: 0, type: 0, flags: 0, data: new Uint8Array(0), link: 0, info: 0, align: 0, entsize: 0 });
  const strtabIndex = add({ name: shstr.add('.strtab'), type: SHT_STRTAB, flags: 0, data: new Uint8Array(0), link: 0, info: 0, align: 1, entsize: 0 });

  // Local symbols first (the `.text` section symbol and its functions), then globals.
  const locals: Symbol[] = [];
  const globals: Symbol[] = [];
  const code: { index: number; name: string; sec: OutSection }[] = [];
  let textSymbol = -1;
  if (text.size) {
    const index = progbits(TEXT, SHF_ALLOC | SHF_EXECINSTR, concat(text.bytes), INSN);
    code.push({ index, name: TEXT, sec: text });
    textSymbol = locals.push({ name: 0, bind: STB_LOCAL, type: STT_SECTION, shndx: index, value: 0, size: 0 });
    for (const f of text.funcs) locals.push({ name: strtab.add(f.name), bind: STB_LOCAL, type: STT_FUNC, shndx: index, value: f.offset, size: f.size });
  }
  for (const [name, sec] of sections) {
    const index = progbits(name, SHF_ALLOC | SHF_EXECINSTR, concat(sec.bytes), INSN);
    code.push({ index, name, sec });
    for (const f of sec.funcs) globals.push({ name: strtab.add(f.name), bind: STB_GLOBAL, type: STT_FUNC, shndx: index, value: f.offset, size: f.size });
  }
  const licenseIndex = progbits('license', SHF_ALLOC | SHF_WRITE, license, 1);
  globals.push({ name: strtab.add('_license'), bind: STB_GLOBAL, type: STT_OBJECT, shndx: licenseIndex, value: 0, size: license.length });
  const mapGlobal: number[] = [];
  if (o.maps.some(isDeclared)) {
    const mapsIndex = progbits('.maps', SHF_ALLOC | SHF_WRITE, new Uint8Array(btf.mapsSize), 8);
    o.maps.forEach((m, i) => {
      if (!isDeclared(m)) return;
      mapGlobal[i] = globals.length;
      globals.push({ name: strtab.add(m.name), bind: STB_GLOBAL, type: STT_OBJECT, shndx: mapsIndex, value: btf.mapOffsets[i]!, size: btf.mapSizes[i]! });
    });
  }
  // Global data: one section per map with its initial bytes (`.bss`: no bytes in the file).
  const dataSymbol: number[] = [];
  o.maps.forEach((m, i) => {
    if (isDeclared(m)) return;
    const name = dataSectionName(m);
    const initial = m.initial?.subarray(0, m.valueSize) ?? new Uint8Array(0);
    const contents = new Uint8Array(m.valueSize);
    contents.set(initial);
    const flags = m.origin === 'rodata' ? SHF_ALLOC : SHF_ALLOC | SHF_WRITE;
    const index = m.origin === 'bss'
      ? add({ name: shstr.add(name), type: SHT_NOBITS, flags, data: new Uint8Array(0), link: 0, info: 0, align: 8, entsize: 0, size: m.valueSize })
      : progbits(name, flags, contents, 8);
    dataSymbol[i] = locals.push({ name: 0, bind: STB_LOCAL, type: STT_SECTION, shndx: index, value: 0, size: 0 });
  });
  progbits('.BTF', 0, btf.bytes, 4);
  progbits('.BTF.ext', 0, btf.ext, 4);
  // Symbol indices: 0 null, then locals, then globals.
  const firstGlobal = 1 + locals.length;
  const symtabIndex = out.length + code.filter((c) => c.sec.relocs.length).length;
  for (const c of code) {
    if (!c.sec.relocs.length) continue;
    const data = new Uint8Array(c.sec.relocs.length * REL);
    const v = new DataView(data.buffer);
    c.sec.relocs.forEach((r, i) => {
      const sym = r.kind === 'map' ? firstGlobal + mapGlobal[r.map]! : r.kind === 'data' ? dataSymbol[r.map]! : textSymbol;
      const type = r.kind === 'call' ? R_BPF_64_32 : R_BPF_64_64;
      v.setBigUint64(i * REL, BigInt(r.offset), true);
      v.setBigUint64(i * REL + 8, (BigInt(sym) << 32n) | BigInt(type), true);
    });
    add({ name: shstr.add(`.rel${c.name}`), type: SHT_REL, flags: SHF_INFO_LINK, data, link: symtabIndex, info: c.index, align: 8, entsize: REL });
  }
  const symbols = [{ name: 0, bind: 0, type: 0, shndx: 0, value: 0, size: 0 }, ...locals, ...globals];
  const symData = new Uint8Array(symbols.length * SYMBOL);
  const sv = new DataView(symData.buffer);
  symbols.forEach((s, i) => {
    const at = i * SYMBOL;
    sv.setUint32(at, s.name, true);
    sv.setUint8(at + 4, (s.bind << 4) | s.type);
    sv.setUint16(at + 6, s.shndx, true);
    sv.setBigUint64(at + 8, BigInt(s.value), true);
    sv.setBigUint64(at + 16, BigInt(s.size), true);
  });
  add({ name: shstr.add('.symtab'), type: SHT_SYMTAB, flags: 0, data: symData, link: strtabIndex, info: firstGlobal, align: 8, entsize: SYMBOL });
  const shstrIndex = add({ name: shstr.add('.shstrtab'), type: SHT_STRTAB, flags: 0, data: new Uint8Array(0), link: 0, info: 0, align: 1, entsize: 0 });
  out[strtabIndex]!.data = strtab.bytes();
  out[shstrIndex]!.data = shstr.bytes();

  // Layout: header, section contents (aligned), section header table (8-aligned).
  let at = ELF_HEADER;
  const offsets: number[] = [];
  for (const s of out) {
    at = alignUp(at, Math.max(1, s.align));
    offsets.push(s.type === 0 ? 0 : at);
    at += s.data.length;
  }
  const shoff = alignUp(at, 8);
  const file = new Uint8Array(shoff + out.length * SECTION_HEADER);
  const v = new DataView(file.buffer);
  file.set([0x7f, 0x45, 0x4c, 0x46, 2 /* 64-bit */, 1 /* little-endian */, 1 /* version */], 0);
  v.setUint16(16, ET_REL, true);
  v.setUint16(18, EM_BPF, true);
  v.setUint32(20, 1, true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint16(52, ELF_HEADER, true);
  v.setUint16(58, SECTION_HEADER, true);
  v.setUint16(60, out.length, true);
  v.setUint16(62, shstrIndex, true);
  out.forEach((s, i) => {
    file.set(s.data, offsets[i]!);
    const h = shoff + i * SECTION_HEADER;
    v.setUint32(h, s.name, true);
    v.setUint32(h + 4, s.type, true);
    v.setBigUint64(h + 8, BigInt(s.flags), true);
    v.setBigUint64(h + 24, BigInt(offsets[i]!), true);
    v.setBigUint64(h + 32, BigInt(s.size ?? s.data.length), true);
    v.setUint32(h + 40, s.link, true);
    v.setUint32(h + 44, s.info, true);
    v.setBigUint64(h + 48, BigInt(s.align), true);
    v.setBigUint64(h + 56, BigInt(s.entsize), true);
  });
  return file;
}

export interface AssemblyObjectOptions {
  /** Program name when no label marks the first instruction (default: the file's base name, else `prog`). */
  name?: string;
  /** Section when the text has no `.section` directive; without either this is an error. */
  section?: string;
  /** Source file name for line info (default: the name given to the assembler, else `prog.s`). */
  file?: string;
  license?: string;
}

/**
 * What `bpfbox asm FILE.s -o OUT.o` writes: the assembled program under its `.section` (or
 * opts.section), named by the label on its first instruction, its labelled call targets as `.text`
 * functions, its `.map` declarations as `.maps`, and each instruction's source line as line info.
 * Pass the assembled source text to get line info. Throws BpfError (E_ELF_WRITE) without a section.
 */
export function objectFromAssembly(a: AssembledProgram, source?: string, opts: AssemblyObjectOptions = {}): ObjectToWrite {
  const section = a.section ?? opts.section;
  if (!section) {
    throw new BpfError([{
      code: 'E_ELF_WRITE',
      message: "no program section: add a directive like '.section xdp' (or '.section socket', '.section kprobe/NAME') " +
        'before the first instruction',
    }]);
  }
  // Label names by slot; the first label of a slot wins, C identifiers preferred over `.L` labels.
  const labelAt = new Map<number, string>();
  for (const [name, slot] of a.labels) {
    const known = labelAt.get(slot);
    if (known === undefined || (!NAME.test(known) && NAME.test(name))) labelAt.set(slot, name);
  }
  const fileBase = opts.file?.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9_]/g, '_');
  const entryLabel = labelAt.get(0);
  const name = entryLabel !== undefined && NAME.test(entryLabel) ? entryLabel
    : opts.name ?? (fileBase && NAME.test(fileBase) ? fileBase : 'prog');
  const program: ObjectToWrite['programs'][number] = { name, section, bytes: a.bytes, functions: labelAt };
  if (source !== undefined) {
    const text = source.split('\n');
    const file = opts.file ?? 'prog.s';
    const lines: (SourceLine | undefined)[] = [];
    a.program.insns.forEach((_, i) => {
      const line = a.lines[i];
      if (line === undefined) return;
      const raw = (text[line - 1] ?? '').replace(/\r$/, '');
      const column = raw.length - raw.trimStart().length + 1;
      lines[a.program.slotOf[i]!] = { file, line, column, text: raw.trim() };
    });
    program.lines = lines;
  }
  const o: ObjectToWrite = { programs: [program], maps: [...a.maps] };
  if (opts.license !== undefined) o.license = opts.license;
  return o;
}

const isDeclared = (m: MapDef): boolean => m.origin === undefined || m.origin === 'declared';

/**
 * The section a global data map is written as: its own name when that names such a section (the
 * loader names them `.rodata`, `.rodata.config`, `.bss`, ...), else `.rodata` / `.data` / `.bss`.
 */
function dataSectionName(m: MapDef): string {
  const base = `.${m.origin}`;
  return m.name === base || m.name.startsWith(`${base}.`) ? m.name : base;
}

function checkInput(o: ObjectToWrite, err: ErrorSink): void {
  if (o.programs.length === 0) err('there are no programs to write');
  const names = new Set<string>();
  for (const p of o.programs) {
    if (!NAME.test(p.name)) err(`program name '${p.name}' is not a C identifier`);
    if (!SECTION_NAME.test(p.section)) err(`program '${p.name}': section name '${p.section}' is not usable (letters, digits, _ . / + -)`);
    else if (p.section === TEXT || p.section.startsWith('.rel') || p.section === '.maps' || p.section === 'license' || p.section.startsWith('.BTF')) {
      err(`program '${p.name}': section '${p.section}' is reserved; libbpf takes programs from sections like 'xdp' or 'socket'`);
    }
    if (p.bytes.length === 0 || p.bytes.length % INSN !== 0) err(`program '${p.name}': ${p.bytes.length} bytes is not a whole number of instructions`);
    if (names.has(p.name)) err(`program name '${p.name}' is used twice`);
    names.add(p.name);
  }
  const dataSections = new Set<string>();
  for (const m of o.maps) {
    if (!isDeclared(m)) {
      if (m.origin === 'kconfig') {
        err(`map '${m.name}' holds .kconfig externs, which the writer does not produce`);
        continue;
      }
      const section = dataSectionName(m);
      if (!SECTION_NAME.test(section)) err(`map '${m.name}': section name '${section}' is not usable`);
      if (dataSections.has(section)) err(`two global data maps would both be section '${section}'`);
      dataSections.add(section);
      if (m.type !== 'array' || m.maxEntries !== 1 || m.keySize !== 4) {
        err(`map '${m.name}' is global data (${m.origin}) but not a one-entry array with 4-byte keys`);
      }
      continue;
    }
    if (!NAME.test(m.name)) err(`map name '${m.name}' is not a C identifier`);
    if (names.has(m.name)) err(`name '${m.name}' is used twice (programs and maps share one symbol table)`);
    names.add(m.name);
    if ((m.type === 'array_of_maps' || m.type === 'hash_of_maps') && !m.inner) err(`map '${m.name}' is a map-in-map without an inner map`);
  }
  if (names.has('_license')) err("the name '_license' is reserved for the license symbol");
}

/** One decoded slot: what the writer needs to know of it. */
interface SlotInfo { kind: string; src: number; imm: number; off: number; imm2: number }

/**
 * Places a program: its entry part into its section, the functions it calls into `.text`, with
 * relocations for map loads and for calls / function pointers from the entry part into `.text`.
 */
function placeProgram(p: ObjectToWrite['programs'][number], maps: readonly MapDef[], sec: OutSection, text: OutSection, err: ErrorSink): void {
  const mapCount = maps.length;
  const bytes = p.bytes;
  const slots = bytes.length / INSN;
  const info: (SlotInfo | undefined)[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const raw = readSlot(bytes, slot);
    const op = matchOp(raw, slot);
    if (!op.ok) {
      err(`program '${p.name}': ${op.errors[0]?.message ?? 'undecodable instruction'}`, slot);
      return;
    }
    const imm2 = op.value.slots === 2 && slot + 1 < slots ? readSlot(bytes, slot + 1).imm : 0;
    info[slot] = { kind: op.value.kind, src: raw.src, imm: raw.imm, off: raw.off, imm2 };
    if (op.value.slots === 2) slot++;
  }
  // Function starts: targets of local calls and of function pointers (kernel form: relative slots).
  const starts = new Set<number>();
  for (let slot = 0; slot < slots; slot++) {
    const i = info[slot];
    if (!i || !(i.kind === 'call_local' || (i.kind === 'lddw' && i.src === PSEUDO_FUNC))) continue;
    const target = slot + 1 + i.imm;
    if (target <= 0 || target >= slots || !info[target]) {
      err(`program '${p.name}': the ${i.kind === 'lddw' ? 'function pointer' : 'call'} targets slot ${target}, ` +
        `which is ${target === 0 ? 'the program entry' : 'not the start of an instruction in the program'}`, slot);
    } else {
      starts.add(target);
    }
  }
  const fnStarts = [...starts].sort((a, b) => a - b);
  const entryEnd = fnStarts[0] ?? slots;
  const regionOf = (slot: number): number => {
    let r = -1;
    for (const s of fnStarts) if (slot >= s) r = s;
    return r;
  };
  // Jumps stay inside their function: the functions are placed apart.
  for (let slot = 0; slot < slots; slot++) {
    const i = info[slot];
    if (!i || !(i.kind === 'ja' || i.kind === 'ja32' || i.kind === 'jcond')) continue;
    const target = slot + 1 + (i.kind === 'ja32' ? i.imm : i.off);
    if (regionOf(target) !== regionOf(slot) || target < 0 || target >= slots) {
      err(`program '${p.name}': the jump at slot ${slot} leaves its function (target slot ${target}); ` +
        'functions are written apart, so jumps must stay inside one', slot);
    }
  }

  const textBase = text.size / INSN;
  const textSlot = (slot: number): number => textBase + slot - entryEnd;
  const entry = bytes.slice(0, entryEnd * INSN);
  const rest = bytes.slice(entryEnd * INSN);
  const patch = (out: Uint8Array, base: number, relocs: Reloc[], inText: boolean, sectionOffset: number): void => {
    for (let slot = base; slot < (inText ? slots : entryEnd); slot++) {
      const i = info[slot];
      if (!i) continue;
      const at = (slot - base) * INSN;
      const v = new DataView(out.buffer, out.byteOffset + at, INSN);
      if (i.kind === 'lddw' && (i.src === PSEUDO_MAP_FD || i.src === PSEUDO_MAP_VALUE)) {
        const what = i.src === PSEUDO_MAP_FD ? `map_fd(${i.imm})` : `map_value(${i.imm}, ${i.imm2})`;
        const m = maps[i.imm];
        if (!m) {
          err(`program '${p.name}': ${what} names no map (${mapCount} declared)`, slot);
          continue;
        }
        if (i.src === PSEUDO_MAP_FD && !isDeclared(m)) {
          err(`program '${p.name}': ${what} loads global data map '${m.name}' as a map; an object can only ` +
            'express its value address (map_value)', slot);
          continue;
        }
        if (i.src === PSEUDO_MAP_VALUE && isDeclared(m)) {
          err(`program '${p.name}': map_value (direct map value access) cannot be expressed for a .maps map in an object; ` +
            'use map_fd and bpf_map_lookup_elem', slot);
          continue;
        }
        // Written as clang writes it (src 0; imm 0 for a map, the offset for data, second imm 0);
        // libbpf sets the map fd (and value offset) from the relocation.
        out[at + 1] = out[at + 1]! & 0x0f;
        v.setInt32(4, i.src === PSEUDO_MAP_VALUE ? i.imm2 : 0, true);
        if (at + 2 * INSN <= out.length) new DataView(out.buffer, out.byteOffset + at + INSN + 4, 4).setInt32(0, 0, true);
        relocs.push({ offset: sectionOffset + at, kind: i.src === PSEUDO_MAP_FD ? 'map' : 'data', map: i.imm });
      } else if (i.kind === 'lddw' && (i.src === 5 || i.src === 6)) {
        err(`program '${p.name}': map_idx/map_idx_value loads (fd array indices) have no ELF form; use map_fd`, slot);
      } else if (i.kind === 'lddw' && i.src === PSEUDO_FUNC) {
        // clang's form: src 0, imm = byte offset of the function in .text, against .text's symbol.
        out[at + 1] = out[at + 1]! & 0x0f;
        v.setInt32(4, textSlot(slot + 1 + i.imm) * INSN, true);
        relocs.push({ offset: sectionOffset + at, kind: 'func' });
      } else if (i.kind === 'call_local' && !inText) {
        // From the entry part into .text: imm + 1 = the callee's instruction index in .text.
        v.setInt32(4, textSlot(slot + 1 + i.imm) - 1, true);
        relocs.push({ offset: sectionOffset + at, kind: 'call' });
      } else if (i.kind === 'lddw' && i.src !== 0) {
        err(`program '${p.name}': 64-bit load with src ${i.src} has no ELF form`, slot);
      }
      // Calls between functions in .text keep their relative offsets: the functions stay in order.
    }
  };
  patch(entry, 0, sec.relocs, false, sec.size);
  sec.funcs.push({ name: p.name, offset: sec.size, size: entry.length });
  addLines(p.lines, 0, entryEnd, sec, sec.size, info);
  sec.bytes.push(entry);
  sec.size += entry.length;
  if (fnStarts.length === 0) return;
  patch(rest, entryEnd, text.relocs, true, text.size);
  const used = new Set(text.funcs.map((f) => f.name));
  fnStarts.forEach((start, k) => {
    const end = fnStarts[k + 1] ?? slots;
    // Function names become BTF FUNC names, which the kernel wants to be unique C identifiers.
    const given = p.functions?.get(start);
    const name = given !== undefined && NAME.test(given) && !used.has(given) ? given : `${p.name}__${start}`;
    used.add(name);
    text.funcs.push({ name, offset: text.size + (start - entryEnd) * INSN, size: (end - start) * INSN });
    addLines(p.lines, start, end, text, text.size - entryEnd * INSN, info);
  });
  text.bytes.push(rest);
  text.size += rest.length;
}

/** Line records of slots [from, to) placed at `base + slot * 8`; notes a function start without one. */
function addLines(lines: readonly (SourceLine | undefined)[] | undefined, from: number, to: number, sec: OutSection,
  base: number, info: readonly (SlotInfo | undefined)[]): void {
  if (!lines?.[from]) sec.linesComplete = false;
  if (!lines) return;
  let previous: SourceLine | undefined;
  for (let slot = from; slot < to; slot++) {
    const l = lines[slot];
    // One record where the line changes, on whole instructions only (not an lddw's second half).
    if (!l || !info[slot] || (previous && l.line === previous.line && l.file === previous.file && l.column === previous.column)) continue;
    sec.lines.push({ offset: base + slot * INSN, line: l });
    previous = l;
  }
}

// ---- BTF for the written object --------------------------------------------------------------

const BTF_KIND_INT = 1;
const BTF_KIND_PTR = 2;
const BTF_KIND_ARRAY = 3;
const BTF_KIND_STRUCT = 4;
const BTF_KIND_FUNC = 12;
const BTF_KIND_FUNC_PROTO = 13;
const BTF_KIND_VAR = 14;
const BTF_KIND_DATASEC = 15;
const BTF_INT_SIGNED = 1;
const LINKAGE_STATIC = 0;
const LINKAGE_GLOBAL = 1;
const BTF_EXT_HEADER = 32;
const FUNC_INFO_RECORD = 8;
const LINE_INFO_RECORD = 16;
const POINTER = 8;

class BtfBuilder {
  private readonly words: number[] = [];
  private count = 0;
  readonly strings = new StringTable();
  private readonly uintArrays = new Map<number, number>();
  intId = 0;
  arraySizeId = 0;

  add(name: string, kind: number, vlen: number, sizeOrType: number, extra: number[] = []): number {
    this.words.push(name ? this.strings.add(name) : 0, ((kind << 24) | vlen) >>> 0, sizeOrType >>> 0, ...extra.map((w) => w >>> 0));
    return ++this.count;
  }

  /** `int (*)[n]`: how libbpf's __uint(name, n) encodes a number. */
  uintField(n: number): number {
    let id = this.uintArrays.get(n);
    if (id === undefined) {
      const arr = this.add('', BTF_KIND_ARRAY, 0, 0, [this.intId, this.arraySizeId, n]);
      id = this.add('', BTF_KIND_PTR, 0, arr);
      this.uintArrays.set(n, id);
    }
    return id;
  }

  name(s: string): number {
    return this.strings.add(s);
  }

  bytes(): Uint8Array {
    const types = new Uint8Array(this.words.length * 4);
    const tv = new DataView(types.buffer);
    this.words.forEach((w, i) => tv.setUint32(i * 4, w, true));
    const str = this.strings.bytes();
    const out = new Uint8Array(24 + types.length + str.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, 0xeb9f, true);
    v.setUint8(2, 1);
    v.setUint32(4, 24, true);
    v.setUint32(8, 0, true);
    v.setUint32(12, types.length, true);
    v.setUint32(16, types.length, true);
    v.setUint32(20, str.length, true);
    out.set(types, 24);
    out.set(str, 24 + types.length);
    return out;
  }
}

/** A map definition struct (`struct { __uint(type, ...); ... }`): its type id and size. */
function mapStruct(b: BtfBuilder, m: MapDef): { id: number; size: number } {
  const fields: [string, number][] = [
    ['type', b.uintField(mapTypeId(m))],
    ['max_entries', b.uintField(m.maxEntries)],
  ];
  if (m.keySize) fields.push(['key_size', b.uintField(m.keySize)]);
  if (m.valueSize) fields.push(['value_size', b.uintField(m.valueSize)]);
  if (m.flags) fields.push(['map_flags', b.uintField(m.flags)]);
  if (m.inner) {
    // __array(values, struct inner): a zero-length array of pointers to the inner definition.
    const inner = mapStruct(b, m.inner);
    const ptr = b.add('', BTF_KIND_PTR, 0, inner.id);
    fields.push(['values', b.add('', BTF_KIND_ARRAY, 0, 0, [ptr, b.arraySizeId, 0])]);
  }
  const size = (m.inner ? fields.length - 1 : fields.length) * POINTER;
  const members = fields.flatMap(([name, type], i) => [b.name(name), type, i * POINTER * 8]);
  return { id: b.add('', BTF_KIND_STRUCT, fields.length, size, members), size };
}

/** A code section's functions, for BTF FUNC types and `.BTF.ext` func info. */
interface CodeFunctions {
  section: string;
  funcs: { name: string; offset: number; global: boolean }[];
  lines: { offset: number; line: SourceLine }[];
}

function buildBtf(o: ObjectToWrite, licenseLength: number, code: readonly CodeFunctions[]): {
  bytes: Uint8Array; ext: Uint8Array; mapOffsets: number[]; mapSizes: number[]; mapsSize: number;
} {
  const b = new BtfBuilder();
  b.intId = b.add('int', BTF_KIND_INT, 0, 4, [(BTF_INT_SIGNED << 24) | 32]);
  b.arraySizeId = b.add('__ARRAY_SIZE_TYPE__', BTF_KIND_INT, 0, 4, [32]);
  const charId = b.add('char', BTF_KIND_INT, 0, 1, [(BTF_INT_SIGNED << 24) | 8]);

  const mapVars: number[][] = [];
  const mapOffsets: number[] = [];
  const mapSizes: number[] = [];
  let mapsSize = 0;
  // Indexed like o.maps; global data maps have no entry (they are sections of their own).
  o.maps.forEach((m, i) => {
    if (!isDeclared(m)) return;
    const st = mapStruct(b, m);
    const v = b.add(m.name, BTF_KIND_VAR, 0, st.id, [LINKAGE_GLOBAL]);
    mapOffsets[i] = mapsSize;
    mapSizes[i] = st.size;
    mapVars.push([v, mapsSize, st.size]);
    mapsSize += st.size;
  });

  // `int NAME(void *ctx)` for every function: the kernel wants func info (a FUNC per function)
  // for programs with callbacks, and only compares argument types of static functions loosely.
  const voidPtr = b.add('', BTF_KIND_PTR, 0, 0);
  const proto = b.add('', BTF_KIND_FUNC_PROTO, 1, b.intId, [b.name('ctx'), voidPtr]);
  const funcInfo: number[] = [];
  for (const c of code) {
    if (!c.funcs.length) continue;
    funcInfo.push(b.name(c.section), c.funcs.length);
    for (const f of [...c.funcs].sort((x, y) => x.offset - y.offset)) {
      funcInfo.push(f.offset, b.add(f.name, BTF_KIND_FUNC, f.global ? LINKAGE_GLOBAL : LINKAGE_STATIC, proto));
    }
  }

  const licenseArray = b.add('', BTF_KIND_ARRAY, 0, 0, [charId, b.arraySizeId, licenseLength]);
  const licenseVar = b.add('_license', BTF_KIND_VAR, 0, licenseArray, [LINKAGE_GLOBAL]);
  if (mapVars.length) b.add('.maps', BTF_KIND_DATASEC, mapVars.length, mapsSize, mapVars.flat());
  b.add('license', BTF_KIND_DATASEC, 1, licenseLength, [licenseVar, 0, licenseLength]);

  // Line info: per section, {insn byte offset, file, source text, line << 10 | column}.
  const lineInfo: number[] = [];
  for (const c of code) {
    if (!c.lines.length) continue;
    lineInfo.push(b.name(c.section), c.lines.length);
    for (const { offset, line } of [...c.lines].sort((x, y) => x.offset - y.offset)) {
      lineInfo.push(offset, b.name(line.file), b.name(line.text), ((line.line << 10) | Math.min(line.column, 0x3ff)) >>> 0);
    }
  }

  // .BTF.ext: a 32-byte header, func info (record size 8), line info (record size 16); each
  // subsection starts with its record size. CO-RE relocations: none.
  const funcLen = funcInfo.length ? 4 + funcInfo.length * 4 : 0;
  const lineLen = lineInfo.length ? 4 + lineInfo.length * 4 : 0;
  const ext = new Uint8Array(BTF_EXT_HEADER + funcLen + lineLen);
  const v = new DataView(ext.buffer);
  v.setUint16(0, 0xeb9f, true);
  v.setUint8(2, 1);
  v.setUint32(4, BTF_EXT_HEADER, true);
  v.setUint32(8, 0, true);
  v.setUint32(12, funcLen, true);
  v.setUint32(16, funcLen, true);
  v.setUint32(20, lineLen, true);
  v.setUint32(24, funcLen + lineLen, true);
  const words = (at: number, recordSize: number, list: number[]): void => {
    if (!list.length) return;
    v.setUint32(at, recordSize, true);
    list.forEach((w, i) => v.setUint32(at + 4 + i * 4, w, true));
  };
  words(BTF_EXT_HEADER, FUNC_INFO_RECORD, funcInfo);
  words(BTF_EXT_HEADER + funcLen, LINE_INFO_RECORD, lineInfo);
  return { bytes: b.bytes(), ext, mapOffsets, mapSizes, mapsSize };
}

// ---- Small helpers ---------------------------------------------------------------------------

/** A NUL-separated string table starting with the empty string; equal strings are stored once. */
class StringTable {
  private readonly parts: Uint8Array[] = [new Uint8Array(1)];
  private size = 1;
  private readonly offsets = new Map<string, number>([['', 0]]);

  add(s: string): number {
    const known = this.offsets.get(s);
    if (known !== undefined) return known;
    const bytes = new TextEncoder().encode(s + '\0');
    const at = this.size;
    this.parts.push(bytes);
    this.size += bytes.length;
    this.offsets.set(s, at);
    return at;
  }

  bytes(): Uint8Array {
    return concat(this.parts);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;
