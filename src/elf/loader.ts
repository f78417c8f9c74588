// ELF loader for clang-compiled eBPF objects, following libbpf's model:
// - every executable section other than `.text` is a program section; each FUNC symbol in it is a
//   program (several per section are possible); a section without FUNC symbols (old objects) is one
//   program named after the section;
// - `.text` functions are subprograms, appended to each program that calls them (transitively), with
//   call offsets and function-pointer loads (lddw src 4) fixed up;
// - lddw relocations against map symbols become map loads (src 1, imm = map index), against global
//   data sections (.data, .rodata*, .bss) map-value loads (src 2, imm = map index, imm2 = offset);
// - maps come from the legacy `maps` section (struct bpf_map_def / iproute2 struct bpf_elf_map) or from
//   BTF-defined `.maps`; global data sections become one-entry array maps;
// - `.BTF.ext` line info gives each instruction its C line, also in appended subprograms.
// Malformed input never throws: every problem is a diagnostic naming the section and byte offset.

import { decode } from '../isa/encoding.js';
import { BPF_F_MMAPABLE, BPF_F_RDONLY_PROG, type MapDef, type MapOrigin, mapTypeName } from '../runtime/maps/def.js';
import { type Diagnostic, type Result, fail, ok } from '../util/diagnostics.js';
import { type Btf, BtfError, btfMapDefinitions, parseBtf } from './btf.js';
import { type BtfExt, parseBtfExt } from './btfext.js';
import {
  type ElfFile, type ElfSectionHeader, type ElfSymbol, ElfError, R_BPF, SHF_EXECINSTR, SHN_LORESERVE, SHN_UNDEF, SHT, STT,
  elfErrorDiagnostic, readElf, relocTypeName, sectionTypeName, ET_REL,
} from './reader.js';
import { type SectionProgType, progTypeOfSection } from './sections.js';
import type { BtfSummary, ElfProgram, ElfRelocation, ElfSection, LoadedObject, SourceLine } from './types.js';

export interface LoadObjectOptions {
  /** File name for diagnostics and LoadedObject.file. */
  file?: string;
}

const INSN = 8;
const OP_LDDW = 0x18;
const OP_CALL = 0x85;
const PSEUDO_CALL = 1;
const PSEUDO_MAP_FD = 1;
const PSEUDO_MAP_VALUE = 2;
const PSEUDO_FUNC = 4;
/** Bounds on what linking may build: per program (the kernel's limit is 1M) and for the object. */
const MAX_PROGRAM_SLOTS = 1_000_000;
const MAX_OBJECT_SLOTS = 2_000_000;

/** A fatal problem while loading: becomes one diagnostic. */
class LoadError extends Error {
  constructor(readonly code: string, message: string, readonly section?: string, readonly offset?: number) {
    super(message);
  }
}

function where(section: string | undefined, offset: number | undefined): string {
  if (section === undefined) return '';
  return offset === undefined ? ` (section '${section}')` : ` (section '${section}', offset ${offset})`;
}

/** A function (or a whole symbol-less section): the unit the linker appends. */
interface Unit {
  readonly section: ElfSectionHeader;
  readonly name: string;
  /** Slot range in the section. */
  readonly start: number;
  readonly end: number;
}

type Resolved =
  | { kind: 'map'; map: number }
  | { kind: 'data'; map: number; off: number }
  | { kind: 'call'; section: number; slot: number; name: string }
  | { kind: 'func'; section: number; slot: number; name: string }
  | { kind: 'none' };

interface MapRange { start: number; size: number; map: number }
interface MapRanges { list: MapRange[]; byStart: Map<number, MapRange> }

function mapRangesOf(list: MapRange[]): MapRanges {
  const byStart = new Map<number, MapRange>();
  for (const r of list) if (!byStart.has(r.start)) byStart.set(r.start, r);
  return { list, byStart };
}

/** Loads an object. Never throws. */
export function loadObject(bytes: Uint8Array, opts: LoadObjectOptions = {}): Result<LoadedObject> {
  const file = opts.file;
  try {
    return ok(load(bytes, file ?? null));
  } catch (e) {
    const withFile = file !== undefined ? { file } : {};
    if (e instanceof LoadError) {
      return fail([{ code: e.code, message: e.message + where(e.section, e.offset), ...withFile }]);
    }
    if (e instanceof ElfError) return fail([elfErrorDiagnostic(e, file) as Diagnostic]);
    if (e instanceof BtfError) {
      return fail([{ code: 'E_ELF_BTF', message: `malformed BTF: ${e.message} (section '.BTF', offset ${e.offset})`, ...withFile }]);
    }
    const msg = e instanceof Error ? e.message : String(e);
    return fail([{ code: 'E_ELF_INTERNAL', message: `could not load the object: ${msg}`, ...withFile }]);
  }
}

function isDataSection(name: string): MapOrigin | null {
  if (name === '.data' || name.startsWith('.data.')) return 'data';
  if (name === '.rodata' || name.startsWith('.rodata.')) return 'rodata';
  if (name === '.bss' || name.startsWith('.bss.')) return 'bss';
  return null;
}

function isDebugSection(name: string): boolean {
  return name.startsWith('.debug') || name === '.BTF' || name === '.BTF.ext' || name === '.eh_frame' ||
    name === '.llvm_addrsig' || name === '.comment' || name.startsWith('.note') || name === '.llvm.call-graph-profile';
}

function isExec(s: ElfSectionHeader): boolean {
  return s.type === SHT.PROGBITS && (s.flags & SHF_EXECINSTR) !== 0;
}

function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return new TextDecoder().decode(nul >= 0 ? b.subarray(0, nul) : b);
}

function load(bytes: Uint8Array, file: string | null): LoadedObject {
  const elf = readElf(bytes);
  if (elf.type !== ET_REL) {
    throw new LoadError('E_ELF_TYPE', `not a relocatable object (e_type ${elf.type}); bpfbox loads the .o files clang -c produces`, undefined, 16);
  }
  const warnings: string[] = [];
  const seenWarnings = new Set<string>();
  const warn = (w: string): void => {
    if (seenWarnings.has(w)) return;
    seenWarnings.add(w);
    warnings.push(w);
  };
  const secs = elf.sections;
  // Symbols by section index, built once (objects can have very many of both).
  const symsBySec = new Map<number, ElfSymbol[]>();
  for (const y of elf.symbols) {
    let l = symsBySec.get(y.shndx);
    if (!l) symsBySec.set(y.shndx, (l = []));
    l.push(y);
  }
  const symsIn = (idx: number): readonly ElfSymbol[] => symsBySec.get(idx) ?? [];

  // --- BTF (optional unless `.maps` needs it) ---
  let btf: Btf | null = null;
  let btfError: string | null = null;
  const btfSec = elf.section('.BTF');
  if (btfSec) {
    try {
      btf = parseBtf(elf.data(btfSec));
    } catch (e) {
      if (!(e instanceof BtfError)) throw e;
      btfError = `${e.message} (section '.BTF', offset ${e.offset})`;
      warn(`BTF is unreadable, no type or line information: ${btfError}`);
    }
  }
  let ext: BtfExt | null = null;
  const extSec = elf.section('.BTF.ext');
  if (btf && extSec) {
    try {
      ext = parseBtfExt(elf.data(extSec), btf);
    } catch (e) {
      if (!(e instanceof BtfError)) throw e;
      warn(`.BTF.ext is unreadable, no line information: ${e.message} (section '.BTF.ext', offset ${e.offset})`);
    }
  }
  if (ext && ext.coreRelos > 0) {
    warn(`${ext.coreRelos} CO-RE relocation${ext.coreRelos === 1 ? '' : 's'} in .BTF.ext not applied (bpfbox has no kernel BTF to relocate against; field offsets stay as compiled)`);
  }

  // --- maps ---
  const maps: MapDef[] = [];
  const mapRanges = new Map<number, MapRanges>(); // section index -> map ranges
  const dataMap = new Map<number, number>(); // data section index -> map index

  const legacy = elf.section('maps');
  if (legacy && legacy.size > 0) loadLegacyMaps(elf, legacy, symsIn(legacy.index), maps, mapRanges, warn);

  const btfMaps = elf.section('.maps');
  if (btfMaps && btfMaps.size > 0) {
    if (!btf) {
      throw new LoadError('E_ELF_BTF', btfError ? `BTF-defined maps need the .BTF section, which is unreadable: ${btfError}` : 'BTF-defined maps (.maps) but no .BTF section', '.maps');
    }
    const defs = btfMapDefinitions(btf, '.maps');
    const mapSyms = new Map<string, ElfSymbol>();
    for (const y of symsIn(btfMaps.index)) if (y.type !== STT.SECTION && !mapSyms.has(y.name)) mapSyms.set(y.name, y);
    const ranges: MapRange[] = [];
    const ignored = new Map<string, string[]>();
    for (const d of defs) for (const f of d.ignoredFields ?? []) ignored.set(f, [...(ignored.get(f) ?? []), d.name]);
    for (const [f, names] of ignored) {
      const list = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
      warn(`map field '${f}' ignored (${list})`);
    }
    for (const d of defs) {
      // In an unlinked object the DATASEC offsets are still 0 (libbpf fixes them up from the
      // symbol table): the map's symbol says where it is.
      const sym = mapSyms.get(d.name);
      ranges.push({ start: sym ? sym.value : d.sectionOffset, size: sym && sym.size > 0 ? sym.size : d.size, map: maps.length });
      maps.push(d.def);
    }
    mapRanges.set(btfMaps.index, mapRangesOf(ranges));
  }

  for (const s of secs) {
    const origin = isDataSection(s.name);
    if (!origin || s.size === 0 || (s.type !== SHT.PROGBITS && s.type !== SHT.NOBITS) || isExec(s)) continue;
    if (s.size > 0x7fffffff) throw new LoadError('E_ELF_SECTION', `global data section of ${s.size} bytes is too large`, s.name);
    const initial = s.type === SHT.NOBITS ? new Uint8Array(s.size) : new Uint8Array(elf.data(s));
    dataMap.set(s.index, maps.length);
    maps.push({
      name: s.name, type: 'array', keySize: 4, valueSize: s.size, maxEntries: 1,
      flags: (origin === 'rodata' ? BPF_F_RDONLY_PROG : 0) | BPF_F_MMAPABLE,
      origin, initial, readOnly: origin === 'rodata',
    });
  }

  // --- executable sections and their functions ---
  const execSecs = secs.filter((s) => isExec(s) && s.size > 0);
  const unitsBySec = new Map<number, Unit[]>();
  for (const s of execSecs) {
    if (s.size % INSN !== 0) {
      throw new LoadError('E_ELF_SECTION', `code section size ${s.size} is not a multiple of 8 (instructions are 8 bytes)`, s.name, s.offset);
    }
    unitsBySec.set(s.index, unitsOf(symsIn(s.index), s));
  }

  // Externs (extern variables, .kconfig): each gets 8 zero bytes of one `.kconfig` map.
  const externSlots = new Map<number, number>();
  let kconfigMap = -1;
  const externOffset = (sym: ElfSymbol): { map: number; off: number } => {
    if (kconfigMap < 0) {
      kconfigMap = maps.length;
      maps.push({ name: '.kconfig', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, origin: 'kconfig', readOnly: true, flags: BPF_F_RDONLY_PROG, initial: new Uint8Array(8) });
    }
    let off = externSlots.get(sym.index);
    if (off === undefined) {
      off = externSlots.size * 8;
      externSlots.set(sym.index, off);
      const size = (externSlots.size) * 8;
      const old = maps[kconfigMap]!;
      maps[kconfigMap] = { ...old, valueSize: size, initial: new Uint8Array(size) };
      warn(`extern '${sym.name}' is not known to bpfbox: it reads as 0 (.kconfig)`);
    }
    return { map: kconfigMap, off };
  };

  // --- relocations: resolve each once ---
  const relocations: ElfRelocation[] = [];
  const resolvedBySec = new Map<number, Map<number, Resolved>>();
  const ignoredRelocSections: string[] = [];
  for (const rs of elf.relSections) {
    const t = rs.target;
    if (isDebugSection(t.name) || t.name.startsWith('.rel')) continue;
    if (!isExec(t)) {
      if (rs.entries.length === 0) continue;
      const why = t.name === '.maps'
        ? 'initial map-in-map / prog-array slots are not applied'
        : 'relocations in data sections are not applied';
      ignoredRelocSections.push(t.name);
      warn(`${rs.entries.length} relocation${rs.entries.length === 1 ? '' : 's'} in '${t.name}' ignored: ${why}`);
      for (const r of rs.entries) {
        relocations.push({ section: t.name, offset: r.offset, type: relocTypeName(r.type), symbol: elf.symbols[r.symbol]?.name ?? '', resolution: `ignored (${why})` });
      }
      continue;
    }
    const code = elf.data(t);
    const table = new Map<number, Resolved>();
    resolvedBySec.set(t.index, table);
    for (const r of rs.entries) {
      const sym = elf.symbols[r.symbol]!;
      const res = resolveReloc(elf, t, code, r.offset, r.type, sym, r.addend, mapRanges, dataMap, externOffset);
      if (table.has(r.offset)) {
        throw new LoadError('E_ELF_RELOCATION', `two relocations patch the same instruction`, t.name, r.offset);
      }
      table.set(r.offset, res);
      relocations.push({
        section: t.name, offset: r.offset, type: relocTypeName(r.type), symbol: sym.name || secs[sym.shndx]?.name || '',
        resolution: describe(res, maps, secs),
      });
    }
  }

  // --- programs ---
  const progSecs = execSecs.filter((s) => s.name !== '.text');
  let entries: { unit: Unit; section: ElfSectionHeader }[] = [];
  for (const s of progSecs) for (const u of unitsBySec.get(s.index)!) entries.push({ unit: u, section: s });
  const text = execSecs.find((s) => s.name === '.text');
  if (entries.length === 0 && text) {
    // Objects with only `.text` (PREVAIL's test objects): each global function is an entry point.
    const globalNames = new Set(elf.symbols.filter((y) => y.shndx === text.index && y.type === STT.FUNC && y.bind !== 0).map((y) => y.name));
    const globals = unitsBySec.get(text.index)!.filter((u) => globalNames.has(u.name));
    if (globals.length > 0) {
      warn(`no program sections: the global functions of .text (${globals.map((u) => u.name).join(', ')}) are taken as programs of unknown type`);
      entries = globals.map((u) => ({ unit: u, section: text }));
    }
  }

  // C line of each slot of each code section, indexed once.
  const linesBySec = new Map<number, (SourceLine | undefined)[]>();
  const lineInfo = (s: ElfSectionHeader): readonly (SourceLine | undefined)[] => {
    let l = linesBySec.get(s.index);
    if (!l) {
      l = new Array<SourceLine | undefined>(s.size / INSN).fill(undefined);
      for (const li of ext?.lineInfo.get(s.name) ?? []) {
        if (li.insnOff % INSN !== 0 || li.insnOff < 0 || li.insnOff >= s.size) continue;
        l[li.insnOff / INSN] = { file: li.file, line: li.line, column: li.column, text: li.text };
      }
      linesBySec.set(s.index, l);
    }
    return l;
  };
  let linkedSlots = 0;
  const typeCache = new Map<string, SectionProgType>();
  const programs: ElfProgram[] = [];
  const names = new Set<string>();
  for (const { unit, section } of entries) {
    const p = link(unit, section, unitsBySec, resolvedBySec, elf, lineInfo, MAX_OBJECT_SLOTS - linkedSlots);
    linkedSlots += p.program.slotCount;
    let t = typeCache.get(section.name);
    if (!t) {
      t = section.name === '.text' ? { kernelType: 'unspec', kernelTypeId: 0, expectedAttachType: 0, how: 'unknown' as const } : progTypeOfSection(section.name);
      typeCache.set(section.name, t);
    }
    if (t.how === 'unknown' && section.name !== '.text') {
      warn(`section '${section.name}': libbpf would not know its program type; bpfbox leaves it 'unspec' (give --type to run or verify)`);
    }
    if (names.has(unit.name)) warn(`two programs are named '${unit.name}'; --program ${unit.name} picks the first`);
    names.add(unit.name);
    programs.push({
      name: unit.name, section: section.name, kernelType: t.kernelType, kernelTypeId: t.kernelTypeId,
      expectedAttachType: t.expectedAttachType, ...p,
    });
  }
  if (programs.length === 0) warn('the object has no programs');

  // --- license, version, sections, BTF summary ---
  const lic = elf.section('license');
  const license = lic && lic.type === SHT.PROGBITS ? cString(elf.data(lic)) : null;
  const ver = elf.section('version');
  let kernelVersion: number | null = null;
  if (ver && ver.type === SHT.PROGBITS && ver.size >= 4) {
    const d = elf.data(ver);
    kernelVersion = (d[0]! | (d[1]! << 8) | (d[2]! << 16) | (d[3]! << 24)) >>> 0;
  }

  const progSecIdx = new Set(entries.map((e) => e.section.index));
  const sections: ElfSection[] = secs.filter((s) => s.index !== 0).map((s) => ({
    index: s.index, name: s.name, type: sectionTypeName(s.type), size: s.size, flags: s.flags,
    role: roleOf(s, text, progSecIdx.has(s.index), dataMap, ignoredRelocSections, secs),
  }));
  for (const s of sections) {
    if ((s.flags & 0x2) === 0 || s.size === 0 || s.role !== 'ignored') continue;
    warn(`section '${s.name}' (${s.type}, ${s.size} bytes) is not used by bpfbox`);
  }

  let btfSummary: BtfSummary | null = null;
  if (btf) {
    let lines = 0;
    if (ext) for (const l of ext.lineInfo.values()) lines += l.length;
    btfSummary = {
      types: btf.types.length - 1, strings: btf.stringBytes,
      funcs: btf.types.filter((t) => t.kind === 'func').length, hasExt: ext !== null, lineInfos: lines,
    };
  }

  return { file, programs, maps, license, kernelVersion, sections, relocations, btf: btfSummary, warnings };
}

function roleOf(
  s: ElfSectionHeader, text: ElfSectionHeader | undefined, isProgSec: boolean, dataMap: Map<number, number>,
  ignoredRel: string[], secs: readonly ElfSectionHeader[],
): string {
  if (isExec(s)) {
    if (s.size === 0) return 'empty code';
    if (s === text) return isProgSec ? 'programs' : 'subprograms';
    return 'program';
  }
  if (s.name === 'license') return 'license';
  if (s.name === 'version') return 'kernel version';
  if (s.name === 'maps') return 'maps (legacy)';
  if (s.name === '.maps') return 'maps (BTF)';
  if (dataMap.has(s.index)) return `global data (map ${dataMap.get(s.index)})`;
  if (s.name === '.BTF') return 'BTF';
  if (s.name === '.BTF.ext') return 'BTF line/func info';
  if (s.type === SHT.SYMTAB) return 'symbols';
  if (s.type === SHT.STRTAB) return 'strings';
  if (s.type === SHT.REL || s.type === SHT.RELA) {
    const t = secs[s.info];
    if (!t) return 'relocations';
    if (isDebugSection(t.name)) return 'debug relocations (ignored)';
    if (ignoredRel.includes(t.name)) return `relocations for ${t.name} (ignored)`;
    return `relocations for ${t.name}`;
  }
  if (isDebugSection(s.name)) return 'debug';
  if (s.size === 0) return 'empty';
  return 'ignored';
}

function describe(r: Resolved, maps: readonly MapDef[], secs: readonly ElfSectionHeader[]): string {
  switch (r.kind) {
    case 'map': return `map ${maps[r.map]!.name}`;
    case 'data': return `map value ${maps[r.map]!.name}+${r.off}`;
    case 'call': return `call ${r.name}${secs[r.section]?.name === '.text' ? '' : ` (${secs[r.section]?.name})`}`;
    case 'func': return `func ${r.name}`;
    case 'none': return 'none';
  }
}

/** Functions of a code section: FUNC symbols, or the whole section when it has none. */
function unitsOf(syms: readonly ElfSymbol[], s: ElfSectionHeader): Unit[] {
  const slots = s.size / INSN;
  const funcs = syms
    .filter((y) => y.type === STT.FUNC)
    .sort((a, b) => a.value - b.value);
  if (funcs.length === 0) return [{ section: s, name: s.name, start: 0, end: slots }];
  const units: Unit[] = [];
  // Distinct start offsets, sorted: a function without a size ends where the next one starts.
  const starts = [...new Set(funcs.map((f) => f.value))];
  let k = 0;
  const seen = new Set<number>();
  for (const f of funcs) {
    if (f.value % INSN !== 0 || f.value >= s.size) {
      throw new LoadError('E_ELF_SYMBOL', `function '${f.name}' starts at byte ${f.value}, which is not an instruction of the section (${s.size} bytes)`, s.name, f.value);
    }
    while (starts[k]! < f.value) k++;
    if (seen.has(f.value)) continue; // an alias
    seen.add(f.value);
    const start = f.value / INSN;
    const next = starts[k + 1];
    let end = f.size > 0 ? Math.ceil((f.value + f.size) / INSN) : next !== undefined ? next / INSN : slots;
    if (end > slots) {
      throw new LoadError('E_ELF_SYMBOL', `function '${f.name}' (${f.size} bytes from ${f.value}) extends past the section end (${s.size} bytes)`, s.name, f.value);
    }
    if (end <= start) end = start + 1;
    units.push({ section: s, name: f.name || s.name, start, end });
  }
  return units;
}

/** The unit containing `slot` (units are sorted by start; they may overlap only through aliases). */
function findUnit(units: readonly Unit[], slot: number): Unit | undefined {
  let lo = 0;
  let hi = units.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (units[mid]!.start <= slot) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  for (let i = best; i >= 0 && i > best - 4; i--) {
    const u = units[i]!;
    if (slot >= u.start && slot < u.end) return u;
  }
  return undefined;
}

function readInsn(code: Uint8Array, off: number): { opcode: number; src: number; imm: number } {
  return {
    opcode: code[off]!,
    src: code[off + 1]! >> 4,
    imm: code[off + 4]! | (code[off + 5]! << 8) | (code[off + 6]! << 16) | (code[off + 7]! << 24),
  };
}

function resolveReloc(
  elf: ElfFile, sec: ElfSectionHeader, code: Uint8Array, offset: number, type: number, sym: ElfSymbol,
  addend: number | null, mapRanges: Map<number, MapRanges>, dataMap: Map<number, number>,
  externOffset: (s: ElfSymbol) => { map: number; off: number },
): Resolved {
  const err = (msg: string): never => {
    throw new LoadError('E_ELF_RELOCATION', msg, sec.name, offset);
  };
  if (type === R_BPF.NONE) return { kind: 'none' };
  if (offset % INSN !== 0 || offset + INSN > code.length) {
    err(`relocation at byte ${offset} is not on an instruction of the section (${code.length} bytes)`);
  }
  const insn = readInsn(code, offset);
  const symName = sym.name || (elf.sections[sym.shndx]?.name ?? `#${sym.index}`);
  const target = sym.shndx !== SHN_UNDEF && sym.shndx < SHN_LORESERVE ? elf.sections[sym.shndx] : undefined;
  if (sym.shndx !== SHN_UNDEF && !target) {
    err(`relocation against symbol '${symName}' in section ${sym.shndx}, which does not exist`);
  }

  if (type === R_BPF['64_32']) {
    if (insn.opcode !== OP_CALL) err(`R_BPF_64_32 relocation on an instruction that is not a call (opcode 0x${insn.opcode.toString(16)})`);
    if (insn.src !== PSEUDO_CALL) err(`R_BPF_64_32 relocation on a helper call (src ${insn.src}), expected a bpf-to-bpf call (src 1)`);
    if (!target) err(`call to external function '${symName}' (a kfunc): bpfbox does not support kfuncs`);
    if (!isExec(target!)) err(`call to '${symName}' in section '${target!.name}', which is not code`);
    const base = sym.value + (addend ?? 0);
    if (base % INSN !== 0) err(`call target '${symName}'+${addend ?? 0} is not instruction-aligned`);
    const slot = base / INSN + insn.imm + 1;
    if (slot < 0 || slot >= target!.size / INSN) err(`call to '${symName}' lands outside section '${target!.name}' (slot ${slot})`);
    return { kind: 'call', section: target!.index, slot, name: sym.type === STT.SECTION ? `${target!.name}+${slot}` : symName };
  }
  if (type !== R_BPF['64_64']) {
    err(`unsupported relocation type ${relocTypeName(type)} against '${symName}' in a code section`);
  }
  if (insn.opcode !== OP_LDDW) err(`R_BPF_64_64 relocation on an instruction that is not lddw (opcode 0x${insn.opcode.toString(16)})`);
  if (offset + 2 * INSN > code.length) err('lddw at the end of the section is missing its second slot');
  // REL: the addend is the instruction's immediate (clang puts section offsets there).
  const add = addend ?? insn.imm;
  if (!target) {
    const e = externOffset(sym);
    return { kind: 'data', map: e.map, off: e.off };
  }
  const t = target!;
  const ranges = mapRanges.get(t.index);
  if (ranges) {
    const off = sym.value + add;
    const r = ranges.byStart.get(off);
    if (r) return { kind: 'map', map: r.map };
    const inside = ranges.list.find((m) => off >= m.start && off < m.start + Math.max(m.size, 1));
    if (!inside) err(`reference to '${symName}' at offset ${off} of '${t.name}', where no map is defined`);
    return err(`reference into the middle of map '${symName}' (offset ${off - inside!.start})`);
  }
  const dm = dataMap.get(t.index);
  if (dm !== undefined) {
    const off = sym.value + add;
    if (off < 0 || off > t.size) err(`reference to '${symName}'+${add} lies outside '${t.name}' (${t.size} bytes)`);
    return { kind: 'data', map: dm, off };
  }
  if (isExec(t)) {
    const off = sym.value + add;
    if (off % INSN !== 0 || off < 0 || off >= t.size) err(`function pointer to '${symName}'+${add} is not an instruction of '${t.name}'`);
    return { kind: 'func', section: t.index, slot: off / INSN, name: sym.type === STT.SECTION ? `${t.name}+${off / INSN}` : symName };
  }
  if (isDataSection(t.name) && t.size === 0) err(`reference to '${symName}' in empty section '${t.name}'`);
  return err(`lddw refers to '${symName}' in section '${t.name}', which is neither a map, global data nor code`);
}

interface Placed { unit: Unit; base: number }

/** Builds one program: its function, then every function it calls, transitively. */
function link(
  entry: Unit, section: ElfSectionHeader, unitsBySec: Map<number, Unit[]>, resolvedBySec: Map<number, Map<number, Resolved>>,
  elf: ElfFile, lineInfo: (s: ElfSectionHeader) => readonly (SourceLine | undefined)[], budget: number,
): Pick<ElfProgram, 'program' | 'bytes' | 'lines' | 'mapsUsed' | 'functions'> {
  void section;
  const placed: Placed[] = [];
  const placedKey = new Map<Unit, number>();
  let total = 0;
  const place = (u: Unit): number => {
    const b = placedKey.get(u);
    if (b !== undefined) return b;
    const base = total;
    placed.push({ unit: u, base });
    placedKey.set(u, base);
    total += u.end - u.start;
    if (total > MAX_PROGRAM_SLOTS) throw new LoadError('E_ELF_PROGRAM', `program '${entry.name}' grows past ${MAX_PROGRAM_SLOTS} instructions while appending subprograms`, u.section.name);
    if (total > budget) {
      throw new LoadError('E_ELF_PROGRAM', `the object's programs grow past ${MAX_OBJECT_SLOTS} instructions in all when their subprograms are appended`, u.section.name);
    }
    return base;
  };
  const unitAt = (secIdx: number, slot: number, from: Unit, at: number): Unit => {
    const u = findUnit(unitsBySec.get(secIdx) ?? [], slot);
    if (!u) {
      throw new LoadError('E_ELF_RELOCATION', `call target slot ${slot} of '${elf.sections[secIdx]?.name}' is not inside any function`, from.section.name, at * INSN);
    }
    return u;
  };

  // The section code each unit comes from, read once.
  const codeOf = new Map<number, Uint8Array>();
  const code = (sec: ElfSectionHeader): Uint8Array => {
    let c = codeOf.get(sec.index);
    if (!c) codeOf.set(sec.index, (c = elf.data(sec)));
    return c;
  };
  /** Where slot `slot` of section `secIdx` lands in the program, placing its function if needed. */
  const targetOf = (unit: Unit, base: number, s: number, secIdx: number, slot: number): number => {
    if (secIdx === unit.section.index && slot >= unit.start && slot < unit.end) return base + (slot - unit.start);
    const tu = unitAt(secIdx, slot, unit, s);
    return place(tu) + (slot - tu.start);
  };

  // Pass 1: which functions the program reaches, and where each goes.
  place(entry);
  for (let i = 0; i < placed.length; i++) {
    const { unit, base } = placed[i]!;
    const c = code(unit.section);
    const relocs = resolvedBySec.get(unit.section.index);
    for (let s = unit.start; s < unit.end; s++) {
      const r = relocs?.get(s * INSN);
      const opcode = c[s * INSN]!;
      if (r && (r.kind === 'call' || r.kind === 'func')) {
        targetOf(unit, base, s, r.section, r.slot);
      } else if (!r && opcode === OP_CALL && c[s * INSN + 1]! >> 4 === PSEUDO_CALL) {
        // A call without relocation: pc-relative inside its own section (static functions).
        const imm = c[s * INSN + 4]! | (c[s * INSN + 5]! << 8) | (c[s * INSN + 6]! << 16) | (c[s * INSN + 7]! << 24);
        const targetSlot = s + imm + 1;
        if (targetSlot < 0 || targetSlot >= unit.section.size / INSN) {
          throw new LoadError('E_ELF_PROGRAM', `call at slot ${s} jumps to slot ${targetSlot}, outside section '${unit.section.name}'`, unit.section.name, s * INSN);
        }
        targetOf(unit, base, s, unit.section.index, targetSlot);
      }
      if (opcode === OP_LDDW) s++; // the second slot holds no instruction
    }
  }

  // Pass 2: copy every function into place and patch its relocated instructions.
  const bytes = new Uint8Array(total * INSN);
  const view = new DataView(bytes.buffer);
  const mapsUsed = new Set<number>();
  for (const { unit, base } of placed) {
    const c = code(unit.section);
    bytes.set(c.subarray(unit.start * INSN, unit.end * INSN), base * INSN);
    const relocs = resolvedBySec.get(unit.section.index);
    for (let s = unit.start; s < unit.end; s++) {
      const pc = base + (s - unit.start);
      const at = pc * INSN;
      const r = relocs?.get(s * INSN);
      const opcode = bytes[at]!;
      const setSrc = (v: number): void => {
        bytes[at + 1] = (bytes[at + 1]! & 0x0f) | (v << 4);
      };
      const lddwSecond = at + 16 <= (base + unit.end - unit.start) * INSN;
      if (r && r.kind !== 'none') {
        if (r.kind === 'call') {
          view.setInt32(at + 4, targetOf(unit, base, s, r.section, r.slot) - (pc + 1), true);
        } else if (r.kind === 'func') {
          setSrc(PSEUDO_FUNC);
          view.setInt32(at + 4, targetOf(unit, base, s, r.section, r.slot) - (pc + 1), true);
          if (lddwSecond) view.setInt32(at + 12, 0, true);
        } else if (r.kind === 'map') {
          setSrc(PSEUDO_MAP_FD);
          view.setInt32(at + 4, r.map, true);
          if (lddwSecond) view.setInt32(at + 12, 0, true);
          mapsUsed.add(r.map);
        } else {
          setSrc(PSEUDO_MAP_VALUE);
          view.setInt32(at + 4, r.map, true);
          if (lddwSecond) view.setInt32(at + 12, r.off, true);
          mapsUsed.add(r.map);
        }
      } else if (!r && opcode === OP_CALL && bytes[at + 1]! >> 4 === PSEUDO_CALL) {
        const targetSlot = s + view.getInt32(at + 4, true) + 1;
        view.setInt32(at + 4, targetOf(unit, base, s, unit.section.index, targetSlot) - (pc + 1), true);
      }
      if (opcode === OP_LDDW) s++;
    }
  }

  const d = decode(bytes);
  if (!d.ok) {
    const e = d.errors[0]!;
    const slot = e.insn ?? 0;
    const p = [...placed].reverse().find((x) => slot >= x.base) ?? placed[0]!;
    const secOff = (p.unit.start + slot - p.base) * INSN;
    throw new LoadError('E_ELF_PROGRAM', `program '${entry.name}' does not decode: insn ${slot}: ${e.message}`, p.unit.section.name, secOff);
  }

  const lines: (SourceLine | undefined)[] = new Array<SourceLine | undefined>(total).fill(undefined);
  const functions = new Map<number, string>();
  for (const { unit, base } of placed) {
    functions.set(base, unit.name);
    const secLines = lineInfo(unit.section);
    for (let slot = unit.start; slot < unit.end; slot++) {
      const l = secLines[slot];
      if (l) lines[base + slot - unit.start] = l;
    }
  }
  return { program: d.value, bytes, lines, mapsUsed: [...mapsUsed].sort((a, b) => a - b), functions };
}

/** Legacy `maps` section: struct bpf_map_def (20 or 28 bytes) or iproute2's struct bpf_elf_map (28/36). */
function loadLegacyMaps(
  elf: ElfFile, sec: ElfSectionHeader, secSyms: readonly ElfSymbol[], maps: MapDef[], mapRanges: Map<number, MapRanges>, warn: (w: string) => void,
): void {
  const data = elf.data(sec);
  const syms = secSyms
    .filter((y) => y.type !== STT.SECTION && y.type !== STT.FILE && y.name !== '')
    .sort((a, b) => a.value - b.value);
  const uniq: ElfSymbol[] = [];
  const at = new Set<number>();
  for (const y of syms) {
    if (at.has(y.value)) continue;
    at.add(y.value);
    uniq.push(y);
  }
  if (uniq.length === 0) throw new LoadError('E_ELF_MAPS', `the maps section (${sec.size} bytes) has no map symbols`, 'maps');
  const sized = uniq.every((y) => y.size > 0);
  let stride = 0;
  if (!sized) {
    if (sec.size % uniq.length !== 0) {
      throw new LoadError('E_ELF_MAPS', `the maps section is ${sec.size} bytes for ${uniq.length} maps: not a whole number of map definitions`, 'maps');
    }
    stride = sec.size / uniq.length;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const base = maps.length;
  const raws: { name: string; start: number; size: number; f: number[] }[] = [];
  for (const y of uniq) {
    const size = sized ? y.size : stride;
    if (size < 16) throw new LoadError('E_ELF_MAPS', `map '${y.name}' definition is ${size} bytes, shorter than the 16 bytes of type, key, value and max_entries`, 'maps', y.value);
    if (y.value + size > data.length || (!sized && y.value % stride !== 0)) {
      throw new LoadError('E_ELF_MAPS', `map '${y.name}' definition (${size} bytes at ${y.value}) is not inside the maps section (${data.length} bytes)`, 'maps', y.value);
    }
    const f: number[] = [];
    for (let o = 0; o + 4 <= size && f.length < 9; o += 4) f.push(view.getUint32(y.value + o, true));
    raws.push({ name: y.name, start: y.value, size, f });
  }
  // Layout by size: 20/28 bytes bpf_map_def (inner_map_idx at 20), 36 bytes bpf_elf_map (id at 20, inner_id at 28).
  const elfMap = raws.some((r) => r.size >= 36);
  const defs: MapDef[] = raws.map((r) => {
    const type = mapTypeName(r.f[0]!);
    if (!type) throw new LoadError('E_ELF_MAPS', `map '${r.name}' has unknown map type ${r.f[0]}`, 'maps', r.start);
    return { name: r.name, type, keySize: r.f[1]!, valueSize: r.f[2]!, maxEntries: r.f[3]!, flags: r.f[4] ?? 0 };
  });
  defs.forEach((d, i) => {
    if (d.type !== 'array_of_maps' && d.type !== 'hash_of_maps') return;
    const r = raws[i]!;
    let inner: MapDef | undefined;
    if (elfMap) {
      const innerId = r.f[7];
      const j = raws.findIndex((x, k) => k !== i && x.f[5] === innerId);
      inner = j >= 0 ? defs[j] : undefined;
    } else if (r.f.length >= 6) {
      inner = defs[r.f[5]!];
      if (r.f[5] === i) inner = undefined;
    }
    if (inner) defs[i] = { ...d, inner: { ...inner } };
    else warn(`map-in-map '${d.name}': its inner map definition could not be found`);
  });
  const ranges: MapRange[] = raws.map((r, i) => ({ start: r.start, size: r.size, map: base + i }));
  maps.push(...defs);
  mapRanges.set(sec.index, mapRangesOf(ranges));
}
