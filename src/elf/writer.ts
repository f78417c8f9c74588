// ELF object writer: programs and maps as a 64-bit little-endian relocatable BPF object (EM_BPF)
// in the shape clang emits and libbpf (bpftool) loads:
//   - one PROGBITS section per program section name (`xdp`, `socket`, `kprobe/...`), with a FUNC
//     GLOBAL symbol per program (libbpf splits a section into programs by these symbols);
//   - `.maps` with one OBJECT symbol per map, described in `.BTF` as libbpf's BTF-defined maps
//     (`int (*type)[N]`, `int (*max_entries)[N]`, ... and `values` for map-in-map), since libbpf >= 1.0
//     refuses the legacy `maps` section;
//   - `.rel<section>` with an R_BPF_64_64 relocation naming the map symbol on every map load; the
//     written lddw has src 0 and imm 0, as clang writes it, and libbpf turns it into a map fd load;
//   - `license` (symbol `_license`), `.BTF` (int, the map structs, FUNC/FUNC_PROTO per program,
//     DATASECs `.maps` and `license`), `.symtab`, `.strtab`, `.shstrtab`.
//
// Limits, each a clear error (BpfError, code E_ELF_WRITE): map value loads (`map_value`, lddw src 2)
// and the fd-array forms (src 5/6) have no ELF form for `.maps` maps (libbpf only makes map-value
// loads from global data sections); global-data maps (origin rodata/data/bss) are not written;
// bpf-to-bpf calls and function pointers need `.text` subprograms, which are not written yet.

import { matchOp, readSlot } from '../isa/encoding.js';
import { mapTypeId, type MapDef } from '../runtime/maps/def.js';
import { BpfError, type Diagnostic } from '../util/diagnostics.js';

export interface ObjectToWrite {
  /** Encoded instructions; map references as lddw src=1 imm=index into `maps`. */
  programs: { name: string; section: string; bytes: Uint8Array }[];
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
const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
const SHF_INFO_LINK = 0x40;
const STB_GLOBAL = 1;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const R_BPF_64_64 = 1;
const ELF_HEADER = 64;
const SECTION_HEADER = 64;
const SYMBOL = 24;
const REL = 16;
const INSN = 8;
const LDDW = 0x18;
const PSEUDO_MAP_FD = 1;
const PSEUDO_MAP_VALUE = 2;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECTION_NAME = /^[A-Za-z_.][A-Za-z0-9_./+-]*$/;

/** Writes the object. Throws BpfError (E_ELF_WRITE) for what cannot be expressed in an object. */
export function writeObject(o: ObjectToWrite): Uint8Array {
  const errors: Diagnostic[] = [];
  const err = (message: string, insn?: number): void => {
    errors.push(insn === undefined ? { code: 'E_ELF_WRITE', message } : { code: 'E_ELF_WRITE', message, insn });
  };
  checkInput(o, err);
  if (errors.length) throw new BpfError(errors);

  // Program sections in first-use order; several programs may share one.
  const sections = new Map<string, { programs: { name: string; offset: number; size: number }[]; parts: Uint8Array[]; size: number; relocs: { offset: number; map: number }[] }>();
  for (const p of o.programs) {
    let sec = sections.get(p.section);
    if (!sec) sections.set(p.section, (sec = { programs: [], parts: [], size: 0, relocs: [] }));
    const bytes = p.bytes.slice();
    for (const r of mapReferences(p.name, bytes, o.maps.length, err)) sec.relocs.push({ offset: sec.size + r.offset, map: r.map });
    sec.programs.push({ name: p.name, offset: sec.size, size: bytes.length });
    sec.parts.push(bytes);
    sec.size += bytes.length;
  }
  if (errors.length) throw new BpfError(errors);

  const license = new TextEncoder().encode((o.license ?? 'GPL') + '\0');
  const btf = buildBtf(o, license.length);

  // Symbols: null, then every symbol is global (programs, maps, _license).
  const strtab = new StringTable();
  const symbols: { name: number; info: number; shndx: number; value: number; size: number }[] = [
    { name: 0, info: 0, shndx: 0, value: 0, size: 0 },
  ];
  // Section indices: 0 null, 1 .strtab, then program sections with their .rel, license, .maps, .BTF, .symtab, .shstrtab.
  const shstr = new StringTable();
  interface Section { name: number; type: number; flags: number; data: Uint8Array; link: number; info: number; align: number; entsize: number }
  const out: Section[] = [];
  const add = (s: Section): number => out.push(s) - 1;
  add({ name: 0, type: 0, flags: 0, data: new Uint8Array(0), link: 0, info: 0, align: 0, entsize: 0 });
  const strtabIndex = add({ name: shstr.add('.strtab'), type: SHT_STRTAB, flags: 0, data: new Uint8Array(0), link: 0, info: 0, align: 1, entsize: 0 });
  const mapSymbol: number[] = [];
  const pendingRel: { index: number; relocs: { offset: number; map: number }[] }[] = [];
  for (const [name, sec] of sections) {
    const index = add({
      name: shstr.add(name), type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, data: concat(sec.parts), link: 0, info: 0,
      align: INSN, entsize: 0,
    });
    for (const p of sec.programs) {
      symbols.push({ name: strtab.add(p.name), info: (STB_GLOBAL << 4) | STT_FUNC, shndx: index, value: p.offset, size: p.size });
    }
    if (sec.relocs.length) {
      const relIndex = add({
        name: shstr.add(`.rel${name}`), type: SHT_REL, flags: SHF_INFO_LINK, data: new Uint8Array(0), link: 0, info: index,
        align: 8, entsize: REL,
      });
      pendingRel.push({ index: relIndex, relocs: sec.relocs });
    }
  }
  const licenseIndex = add({ name: shstr.add('license'), type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, data: license, link: 0, info: 0, align: 1, entsize: 0 });
  symbols.push({ name: strtab.add('_license'), info: (STB_GLOBAL << 4) | STT_OBJECT, shndx: licenseIndex, value: 0, size: license.length });
  if (o.maps.length) {
    const mapsIndex = add({ name: shstr.add('.maps'), type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, data: new Uint8Array(btf.mapsSize), link: 0, info: 0, align: 8, entsize: 0 });
    o.maps.forEach((m, i) => {
      mapSymbol[i] = symbols.length;
      symbols.push({ name: strtab.add(m.name), info: (STB_GLOBAL << 4) | STT_OBJECT, shndx: mapsIndex, value: btf.mapOffsets[i]!, size: btf.mapSizes[i]! });
    });
  }
  add({ name: shstr.add('.BTF'), type: SHT_PROGBITS, flags: 0, data: btf.bytes, link: 0, info: 0, align: 4, entsize: 0 });
  const symtabIndex = add({ name: shstr.add('.symtab'), type: SHT_SYMTAB, flags: 0, data: new Uint8Array(0), link: strtabIndex, info: 1, align: 8, entsize: SYMBOL });
  const shstrIndex = add({ name: shstr.add('.shstrtab'), type: SHT_STRTAB, flags: 0, data: new Uint8Array(0), link: 0, info: 0, align: 1, entsize: 0 });

  for (const r of pendingRel) {
    const data = new Uint8Array(r.relocs.length * REL);
    const v = new DataView(data.buffer);
    r.relocs.forEach((rel, i) => {
      v.setBigUint64(i * REL, BigInt(rel.offset), true);
      v.setBigUint64(i * REL + 8, (BigInt(mapSymbol[rel.map]!) << 32n) | BigInt(R_BPF_64_64), true);
    });
    out[r.index]!.data = data;
    out[r.index]!.link = symtabIndex;
  }
  const symData = new Uint8Array(symbols.length * SYMBOL);
  const sv = new DataView(symData.buffer);
  symbols.forEach((s, i) => {
    const at = i * SYMBOL;
    sv.setUint32(at, s.name, true);
    sv.setUint8(at + 4, s.info);
    sv.setUint16(at + 6, s.shndx, true);
    sv.setBigUint64(at + 8, BigInt(s.value), true);
    sv.setBigUint64(at + 16, BigInt(s.size), true);
  });
  out[symtabIndex]!.data = symData;
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
    v.setBigUint64(h + 32, BigInt(s.data.length), true);
    v.setUint32(h + 40, s.link, true);
    v.setUint32(h + 44, s.info, true);
    v.setBigUint64(h + 48, BigInt(s.align), true);
    v.setBigUint64(h + 56, BigInt(s.entsize), true);
  });
  return file;
}

function checkInput(o: ObjectToWrite, err: (m: string) => void): void {
  if (o.programs.length === 0) err('there are no programs to write');
  const names = new Set<string>();
  for (const p of o.programs) {
    if (!NAME.test(p.name)) err(`program name '${p.name}' is not a C identifier`);
    if (!SECTION_NAME.test(p.section)) err(`program '${p.name}': section name '${p.section}' is not usable (letters, digits, _ . / + -)`);
    if (p.section === '.text' || p.section.startsWith('.rel') || p.section === '.maps' || p.section === 'license' || p.section.startsWith('.BTF')) {
      err(`program '${p.name}': section '${p.section}' is reserved; libbpf takes programs from sections like 'xdp' or 'socket'`);
    }
    if (p.bytes.length === 0 || p.bytes.length % INSN !== 0) err(`program '${p.name}': ${p.bytes.length} bytes is not a whole number of instructions`);
    if (names.has(p.name)) err(`program name '${p.name}' is used twice`);
    names.add(p.name);
  }
  for (const m of o.maps) {
    if (!NAME.test(m.name)) err(`map name '${m.name}' is not a C identifier`);
    if (names.has(m.name)) err(`name '${m.name}' is used twice (programs and maps share one symbol table)`);
    names.add(m.name);
    if (m.origin !== undefined && m.origin !== 'declared') {
      err(`map '${m.name}' is global data (${m.origin}); writing global data sections is not supported`);
    }
    if ((m.type === 'array_of_maps' || m.type === 'hash_of_maps') && !m.inner) err(`map '${m.name}' is a map-in-map without an inner map`);
  }
  if (names.has('_license')) err("the name '_license' is reserved for the license symbol");
}

/** The map loads of a program; their imm (and src) are cleared in `bytes`, as clang leaves them. */
function mapReferences(name: string, bytes: Uint8Array, mapCount: number, err: (m: string, insn?: number) => void): { offset: number; map: number }[] {
  const out: { offset: number; map: number }[] = [];
  const slots = bytes.length / INSN;
  for (let slot = 0; slot < slots; slot++) {
    const insn = readSlot(bytes, slot);
    const op = matchOp(insn, slot);
    if (!op.ok) {
      err(`program '${name}': ${op.errors[0]?.message ?? 'undecodable instruction'}`, slot);
      continue;
    }
    const spec = op.value;
    if (spec.kind === 'call_local' || (spec.kind === 'lddw' && insn.src === 4)) {
      err(`program '${name}': bpf-to-bpf calls and function pointers need .text subprograms, which the writer does not produce yet`, slot);
    }
    if (bytes[slot * INSN] === LDDW && spec.kind === 'lddw') {
      const src = insn.src;
      if (src === PSEUDO_MAP_FD) {
        if (insn.imm < 0 || insn.imm >= mapCount) {
          err(`program '${name}': map_fd(${insn.imm}) names no map (${mapCount} declared)`, slot);
        } else {
          out.push({ offset: slot * INSN, map: insn.imm });
          bytes[slot * INSN + 1] = bytes[slot * INSN + 1]! & 0x0f; // src 0: libbpf sets the pseudo kind
          bytes.fill(0, slot * INSN + 4, slot * INSN + 8);
        }
      } else if (src === PSEUDO_MAP_VALUE) {
        err(`program '${name}': map_value (direct map value access) cannot be expressed for a .maps map in an object; ` +
          `use map_fd and bpf_map_lookup_elem`, slot);
      } else if (src === 5 || src === 6) {
        err(`program '${name}': map_idx/map_idx_value loads (fd array indices) have no ELF form; use map_fd`, slot);
      }
      slot++; // second slot of the lddw
    }
  }
  return out;
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
const LINKAGE_GLOBAL = 1;
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

function buildBtf(o: ObjectToWrite, licenseLength: number): { bytes: Uint8Array; mapOffsets: number[]; mapSizes: number[]; mapsSize: number } {
  const b = new BtfBuilder();
  b.intId = b.add('int', BTF_KIND_INT, 0, 4, [(BTF_INT_SIGNED << 24) | 32]);
  b.arraySizeId = b.add('__ARRAY_SIZE_TYPE__', BTF_KIND_INT, 0, 4, [32]);
  const charId = b.add('char', BTF_KIND_INT, 0, 1, [(BTF_INT_SIGNED << 24) | 8]);

  const mapVars: number[][] = [];
  const mapOffsets: number[] = [];
  const mapSizes: number[] = [];
  let mapsSize = 0;
  for (const m of o.maps) {
    const st = mapStruct(b, m);
    const v = b.add(m.name, BTF_KIND_VAR, 0, st.id, [LINKAGE_GLOBAL]);
    mapOffsets.push(mapsSize);
    mapSizes.push(st.size);
    mapVars.push([v, mapsSize, st.size]);
    mapsSize += st.size;
  }

  // int NAME(void *ctx) for every program.
  const voidPtr = b.add('', BTF_KIND_PTR, 0, 0);
  const proto = b.add('', BTF_KIND_FUNC_PROTO, 1, b.intId, [b.name('ctx'), voidPtr]);
  for (const p of o.programs) b.add(p.name, BTF_KIND_FUNC, LINKAGE_GLOBAL, proto);

  const licenseArray = b.add('', BTF_KIND_ARRAY, 0, 0, [charId, b.arraySizeId, licenseLength]);
  const licenseVar = b.add('_license', BTF_KIND_VAR, 0, licenseArray, [LINKAGE_GLOBAL]);
  if (o.maps.length) b.add('.maps', BTF_KIND_DATASEC, o.maps.length, mapsSize, mapVars.flat());
  b.add('license', BTF_KIND_DATASEC, 1, licenseLength, [licenseVar, 0, licenseLength]);
  return { bytes: b.bytes(), mapOffsets, mapSizes, mapsSize };
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
