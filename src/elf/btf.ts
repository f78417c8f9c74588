// BTF (BPF Type Format) reader: the `.BTF` section of an object, and libbpf-style map definitions
// read from it. Layout facts from the kernel's include/uapi/linux/btf.h and Documentation/bpf/btf.rst:
// a 24-byte header (magic 0xeb9f, version 1, flags, hdr_len, type_off/len, str_off/len, offsets
// counted from the header's end), then type records (12-byte `btf_type` plus kind-specific data),
// then NUL-terminated strings.

import { type MapDef, type MapType, mapTypeName } from '../runtime/maps/def.js';

/** Malformed BTF: the message says what is wrong, `offset` where (bytes from the section start). */
export class BtfError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'BtfError';
  }
}

export interface BtfType {
  /** Type id (index into Btf.types); 0 is `void`. */
  id: number;
  /** 'void', 'int', 'ptr', 'array', 'struct', 'union', 'enum', 'fwd', 'typedef', 'volatile', 'const',
   *  'restrict', 'func', 'func_proto', 'var', 'datasec', 'float', 'decl_tag', 'type_tag', 'enum64'. */
  kind: string;
  name: string;
  /** int, float, struct, union, enum, enum64, datasec: size in bytes. */
  size?: number;
  /** ptr, typedef, qualifiers, type_tag, var, decl_tag: the referred type; func: its func_proto;
   *  func_proto: the return type. */
  type?: number;
  /** struct/union members; `bitfieldSize` is set for bitfields (kind_flag structs). */
  members?: { name: string; type: number; bitOffset: number; bitfieldSize?: number }[];
  /** array: element type and element count. */
  elemType?: number;
  nelems?: number;
  /** datasec: one entry per variable (`type` is the VAR or FUNC type id). */
  vars?: { type: number; offset: number; size: number }[];
  /** var and func: 0 static, 1 global, 2 extern. */
  linkage?: number;
  /** func_proto parameters (a last `{name: '', type: 0}` means `...`). */
  params?: { name: string; type: number }[];
  /** enum/enum64 values (enum64 values above 2^53 lose precision). */
  enumerators?: { name: string; value: number }[];
  /** int: number of value bits and whether it is signed / char / bool. */
  bits?: number;
  encoding?: { signed: boolean; char: boolean; bool: boolean };
  /** fwd: a forward-declared union rather than struct. */
  fwdUnion?: boolean;
  /** decl_tag: -1 for the whole declaration, else the member/parameter index. */
  componentIdx?: number;
  /** vlen field of the record (members, params, vars, enumerators; func: linkage). */
  vlen: number;
}

export interface Btf {
  /** Index = type id; [0] is void. */
  readonly types: readonly BtfType[];
  readonly stringBytes: number;
  /** The string at an offset of the string section (throws BtfError if outside it). */
  str(offset: number): string;
  /** The type an id names, with typedef/const/volatile/restrict/type_tag skipped. */
  resolve(id: number): BtfType;
  /** sizeof the type in bytes (throws BtfError for void, functions and forward declarations). */
  sizeOf(id: number): number;
  /** C-like spelling for messages: `struct event *`, `unsigned int[4]`. */
  typeName(id: number): string;
}

const BTF_MAGIC = 0xeb9f;
const HEADER_MIN = 24;
const TYPE_RECORD = 12;
/** How many typedef/qualifier links `resolve` follows before calling the chain a loop. */
const MAX_CHAIN = 64;

const KINDS = [
  'unknown', 'int', 'ptr', 'array', 'struct', 'union', 'enum', 'fwd', 'typedef', 'volatile', 'const',
  'restrict', 'func', 'func_proto', 'var', 'datasec', 'float', 'decl_tag', 'type_tag', 'enum64',
] as const;

const MODIFIERS = new Set(['typedef', 'volatile', 'const', 'restrict', 'type_tag']);

const VOID: BtfType = { id: 0, kind: 'void', name: '', vlen: 0 };

const decoder = new TextDecoder('utf-8', { fatal: false });

class ParsedBtf implements Btf {
  readonly types: BtfType[] = [VOID];
  /** Byte offset of each type record in the section, for error messages. */
  readonly recordOffsets: number[] = [0];
  private readonly strCache = new Map<number, string>();

  constructor(
    private readonly bytes: Uint8Array,
    /** Section offset of the string table and its length. */
    private readonly strStart: number,
    readonly stringBytes: number,
  ) {}

  str(offset: number): string {
    const cached = this.strCache.get(offset);
    if (cached !== undefined) return cached;
    if (!Number.isInteger(offset) || offset < 0 || offset >= this.stringBytes) {
      throw new BtfError(`string offset ${offset} is outside the string section (${this.stringBytes} bytes)`,
        this.strStart);
    }
    const from = this.strStart + offset;
    const limit = this.strStart + this.stringBytes;
    let end = from;
    while (end < limit && this.bytes[end] !== 0) end++;
    if (end >= limit) throw new BtfError(`string at offset ${offset} is not NUL-terminated`, from);
    const s = decoder.decode(this.bytes.subarray(from, end));
    this.strCache.set(offset, s);
    return s;
  }

  type(id: number): BtfType {
    const t = this.types[id];
    if (t === undefined || !Number.isInteger(id)) {
      throw new BtfError(`type id ${id} does not exist (the BTF has ${this.types.length - 1} types)`, 0);
    }
    return t;
  }

  resolve(id: number): BtfType {
    let t = this.type(id);
    for (let n = 0; MODIFIERS.has(t.kind); n++) {
      if (n >= MAX_CHAIN) throw new BtfError(`type ${id}: typedef/qualifier chain loops`, this.recordOffsets[id] ?? 0);
      t = this.type(t.type ?? 0);
    }
    return t;
  }

  sizeOf(id: number): number {
    return this.sizeAt(id, 0);
  }

  private sizeAt(id: number, depth: number): number {
    if (depth > MAX_CHAIN) throw new BtfError(`type ${id}: type nests too deeply (a loop?)`, this.recordOffsets[id] ?? 0);
    const t = this.resolve(id);
    switch (t.kind) {
      case 'int': case 'float': case 'struct': case 'union': case 'enum': case 'enum64': case 'datasec':
        return t.size ?? 0;
      case 'ptr':
        return 8;
      case 'array':
        return (t.nelems ?? 0) * this.sizeAt(t.elemType ?? 0, depth + 1);
      case 'var':
        return this.sizeAt(t.type ?? 0, depth + 1);
      default:
        throw new BtfError(`type ${id} (${this.typeName(id)}) has no size`, this.recordOffsets[t.id] ?? 0);
    }
  }

  typeName(id: number): string {
    return this.nameAt(id, 0);
  }

  private nameAt(id: number, depth: number): string {
    const t = this.types[id];
    if (t === undefined) return `<bad type ${id}>`;
    if (depth > MAX_CHAIN) return '...';
    const inner = (ref: number | undefined): string => this.nameAt(ref ?? 0, depth + 1);
    switch (t.kind) {
      case 'void': return 'void';
      case 'int': case 'float': case 'typedef': return t.name;
      case 'struct': case 'union': case 'enum': return `${t.kind} ${t.name || '{...}'}`;
      case 'enum64': return `enum ${t.name || '{...}'}`;
      case 'fwd': return `${t.fwdUnion ? 'union' : 'struct'} ${t.name}`;
      case 'ptr': {
        const target = this.types[t.type ?? 0];
        return target?.kind === 'func_proto' ? inner(t.type).replace('(', '(*)(') : `${inner(t.type)} *`;
      }
      case 'array': return `${inner(t.elemType)}[${t.nelems}]`;
      case 'const': case 'volatile': case 'restrict': return `${t.kind} ${inner(t.type)}`;
      case 'type_tag': return `${inner(t.type)} __attribute__((btf_type_tag("${t.name}")))`;
      case 'func_proto': {
        const params = (t.params ?? []).map((p) => (p.type === 0 ? '...' : inner(p.type)));
        return `${inner(t.type)} (${params.join(', ') || 'void'})`;
      }
      case 'func': return `${t.name}: ${inner(t.type)}`;
      case 'var': return `${inner(t.type)} ${t.name}`;
      case 'datasec': return `section ${t.name}`;
      case 'decl_tag': return `tag "${t.name}" on ${inner(t.type)}`;
      default: return t.name || t.kind;
    }
  }
}

/** Reads a `.BTF` section. Throws BtfError, with the byte offset, for malformed input. */
export function parseBtf(bytes: Uint8Array): Btf {
  if (bytes.length < HEADER_MIN) {
    throw new BtfError(`BTF is ${bytes.length} bytes, shorter than its ${HEADER_MIN}-byte header`, 0);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(0, true);
  if (magic !== BTF_MAGIC) {
    const hint = magic === 0x9feb ? ' (big-endian BTF is not supported)' : '';
    throw new BtfError(`bad BTF magic 0x${magic.toString(16)}, expected 0xeb9f${hint}`, 0);
  }
  const version = view.getUint8(2);
  if (version !== 1) throw new BtfError(`unsupported BTF version ${version}`, 2);
  const hdrLen = view.getUint32(4, true);
  if (hdrLen < HEADER_MIN || hdrLen > bytes.length) {
    throw new BtfError(`BTF header length ${hdrLen} is invalid (section is ${bytes.length} bytes)`, 4);
  }
  const typeOff = view.getUint32(8, true);
  const typeLen = view.getUint32(12, true);
  const strOff = view.getUint32(16, true);
  const strLen = view.getUint32(20, true);
  const typeStart = hdrLen + typeOff;
  const strStart = hdrLen + strOff;
  if (typeStart + typeLen > bytes.length) {
    throw new BtfError(`BTF type section (${typeLen} bytes at ${typeStart}) runs past the end (${bytes.length} bytes)`, 8);
  }
  if (strStart + strLen > bytes.length) {
    throw new BtfError(`BTF string section (${strLen} bytes at ${strStart}) runs past the end (${bytes.length} bytes)`, 16);
  }
  if (typeOff % 4 !== 0) throw new BtfError(`BTF type section offset ${typeOff} is not 4-byte aligned`, 8);
  if (strLen === 0 || bytes[strStart] !== 0) {
    throw new BtfError('BTF string section must start with an empty string', strStart);
  }

  const btf = new ParsedBtf(bytes, strStart, strLen);
  const end = typeStart + typeLen;
  let at = typeStart;
  while (at < end) {
    const recordStart = at;
    if (at + TYPE_RECORD > end) throw new BtfError(`truncated type record (type ${btf.types.length})`, at);
    const nameOff = view.getUint32(at, true);
    const info = view.getUint32(at + 4, true);
    const sizeOrType = view.getUint32(at + 8, true);
    at += TYPE_RECORD;
    const vlen = info & 0xffff;
    const kindNum = (info >>> 24) & 0x1f;
    const kindFlag = (info >>> 31) !== 0;
    const id = btf.types.length;
    const kind = KINDS[kindNum];
    if (kind === undefined || kind === 'unknown') {
      throw new BtfError(`type ${id}: unknown BTF kind ${kindNum}`, recordStart);
    }
    const name = readName(btf, nameOff, id, recordStart);
    const need = (n: number, what: string): void => {
      if (at + n > end) throw new BtfError(`type ${id} (${kind} '${name}'): ${what} run past the type section`, recordStart);
    };
    const t: BtfType = { id, kind, name, vlen };
    switch (kind) {
      case 'int': {
        need(4, 'int encoding');
        const enc = view.getUint32(at, true);
        at += 4;
        t.size = sizeOrType;
        t.bits = enc & 0xff;
        const e = (enc >>> 24) & 0xf;
        t.encoding = { signed: (e & 1) !== 0, char: (e & 2) !== 0, bool: (e & 4) !== 0 };
        break;
      }
      case 'float':
        t.size = sizeOrType;
        break;
      case 'ptr': case 'typedef': case 'volatile': case 'const': case 'restrict': case 'type_tag':
        t.type = sizeOrType;
        break;
      case 'fwd':
        t.fwdUnion = kindFlag;
        break;
      case 'array':
        need(12, 'array data');
        t.elemType = view.getUint32(at, true);
        t.nelems = view.getUint32(at + 8, true);
        at += 12;
        break;
      case 'struct': case 'union': {
        need(12 * vlen, 'members');
        t.size = sizeOrType;
        t.members = [];
        for (let i = 0; i < vlen; i++, at += 12) {
          const off = view.getUint32(at + 8, true);
          const m: { name: string; type: number; bitOffset: number; bitfieldSize?: number } = {
            name: readName(btf, view.getUint32(at, true), id, at),
            type: view.getUint32(at + 4, true),
            bitOffset: kindFlag ? off & 0xffffff : off,
          };
          if (kindFlag && off >>> 24 !== 0) m.bitfieldSize = off >>> 24;
          t.members.push(m);
        }
        break;
      }
      case 'enum': {
        need(8 * vlen, 'enumerators');
        t.size = sizeOrType;
        t.enumerators = [];
        for (let i = 0; i < vlen; i++, at += 8) {
          const raw = kindFlag ? view.getInt32(at + 4, true) : view.getUint32(at + 4, true);
          t.enumerators.push({ name: readName(btf, view.getUint32(at, true), id, at), value: raw });
        }
        break;
      }
      case 'enum64': {
        need(12 * vlen, 'enumerators');
        t.size = sizeOrType;
        t.enumerators = [];
        for (let i = 0; i < vlen; i++, at += 12) {
          const lo = view.getUint32(at + 4, true);
          const hi = kindFlag ? view.getInt32(at + 8, true) : view.getUint32(at + 8, true);
          t.enumerators.push({ name: readName(btf, view.getUint32(at, true), id, at), value: hi * 2 ** 32 + lo });
        }
        break;
      }
      case 'func':
        t.type = sizeOrType;
        t.linkage = vlen;
        break;
      case 'func_proto':
        need(8 * vlen, 'parameters');
        t.type = sizeOrType;
        t.params = [];
        for (let i = 0; i < vlen; i++, at += 8) {
          t.params.push({ name: readName(btf, view.getUint32(at, true), id, at), type: view.getUint32(at + 4, true) });
        }
        break;
      case 'var':
        need(4, 'variable linkage');
        t.type = sizeOrType;
        t.linkage = view.getUint32(at, true);
        at += 4;
        break;
      case 'datasec':
        need(12 * vlen, 'variables');
        t.size = sizeOrType;
        t.vars = [];
        for (let i = 0; i < vlen; i++, at += 12) {
          t.vars.push({ type: view.getUint32(at, true), offset: view.getUint32(at + 4, true), size: view.getUint32(at + 8, true) });
        }
        break;
      case 'decl_tag':
        need(4, 'component index');
        t.type = sizeOrType;
        t.componentIdx = view.getInt32(at, true);
        at += 4;
        break;
    }
    btf.types.push(t);
    btf.recordOffsets.push(recordStart);
  }
  checkReferences(btf);
  return btf;
}

function readName(btf: ParsedBtf, nameOff: number, id: number, where: number): string {
  try {
    return btf.str(nameOff);
  } catch (e) {
    if (e instanceof BtfError) throw new BtfError(`type ${id}: ${e.message}`, where);
    throw e;
  }
}

/** Every type id a record mentions must exist. */
function checkReferences(btf: ParsedBtf): void {
  const count = btf.types.length;
  for (const t of btf.types) {
    const refs: [string, number | undefined][] = [['type', t.type], ['element type', t.elemType]];
    for (const m of t.members ?? []) refs.push([`member '${m.name}'`, m.type]);
    for (const p of t.params ?? []) refs.push([`parameter '${p.name}'`, p.type]);
    for (const v of t.vars ?? []) refs.push(['variable', v.type]);
    for (const [what, ref] of refs) {
      if (ref !== undefined && ref >= count) {
        throw new BtfError(`type ${t.id} (${t.kind} '${t.name}'): ${what} refers to type ${ref}, but there are only ` +
          `${count - 1} types`, btf.recordOffsets[t.id] ?? 0);
      }
    }
  }
}

// ---- Map definitions (libbpf's BTF-defined maps in `.maps`) -----------------------------------

export interface BtfMapDefinition {
  /** The `.maps` variable's name. */
  name: string;
  /** Offset and size of the variable in the section (from the DATASEC record). */
  sectionOffset: number;
  size: number;
  def: MapDef;
  /** Members bpfbox accepts but does not use (`pinning`, `numa_node`, `map_extra`, unknown ones). */
  ignoredFields?: string[];
}

/** Fields whose value is encoded as `int (*name)[N]`. */
const INT_FIELDS = new Set(['type', 'max_entries', 'key_size', 'value_size', 'map_flags', 'numa_node', 'pinning', 'map_extra']);

/** What one map struct's members say, before sizes are reconciled into a MapDef. */
interface RawMapFields {
  ints: Map<string, number>;
  keyType?: number;
  valueType?: number;
  inner?: MapDef;
  ignored: string[];
}

/**
 * The map definitions of a `.maps`-style DATASEC, in section order. An object without BTF for the
 * section gives []. Throws BtfError naming the map and field it cannot read.
 */
export function btfMapDefinitions(btf: Btf, sectionName = '.maps'): BtfMapDefinition[] {
  const sec = findDatasec(btf, sectionName);
  if (!sec) return [];
  const out: BtfMapDefinition[] = [];
  for (const v of sec.vars ?? []) {
    const variable = btf.types[v.type];
    const where = offsetOf(btf, v.type);
    if (!variable || variable.kind !== 'var') {
      throw new BtfError(`${sectionName}: entry at offset ${v.offset} is not a variable`, offsetOf(btf, sec.id));
    }
    const name = variable.name;
    const def = readMapStruct(btf, name, variable.type ?? 0, where);
    const entry: BtfMapDefinition = { name, sectionOffset: v.offset, size: v.size, def: def.def };
    if (def.ignored.length) entry.ignoredFields = def.ignored;
    out.push(entry);
  }
  return out;
}

function readMapStruct(btf: Btf, name: string, typeId: number, where: number): { def: MapDef; ignored: string[] } {
  const fail = (msg: string): never => {
    throw new BtfError(`map '${name}': ${msg}`, where);
  };
  const st = btf.resolve(typeId);
  if (st.kind !== 'struct') fail(`its type is ${btf.typeName(typeId)}, not a struct of map attributes`);
  const raw: RawMapFields = { ints: new Map(), ignored: [] };
  for (const m of st.members ?? []) {
    const field = (msg: string): never => fail(`field '${m.name}' ${msg}`);
    if (INT_FIELDS.has(m.name)) {
      // `__uint(name, N)` is `int (*name)[N]`: the value is the array's element count.
      const ptr = btf.resolve(m.type);
      if (ptr.kind !== 'ptr') field(`should be a pointer to an array (__uint), but is ${btf.typeName(m.type)}`);
      const arr = btf.resolve(ptr.type ?? 0);
      if (arr.kind !== 'array') field(`should point to an array (__uint), but points to ${btf.typeName(ptr.type ?? 0)}`);
      raw.ints.set(m.name, arr.nelems ?? 0);
      if (m.name === 'numa_node' || m.name === 'pinning' || m.name === 'map_extra') raw.ignored.push(m.name);
    } else if (m.name === 'key' || m.name === 'value') {
      const ptr = btf.resolve(m.type);
      if (ptr.kind !== 'ptr') field(`should be a pointer to the ${m.name} type (__type), but is ${btf.typeName(m.type)}`);
      if (m.name === 'key') raw.keyType = ptr.type ?? 0;
      else raw.valueType = ptr.type ?? 0;
    } else if (m.name === 'values') {
      // `__array(values, struct inner)`: an array of pointers to the inner map's definition
      // (map-in-map), or to programs (prog_array initial values).
      const arr = btf.resolve(m.type);
      if (arr.kind !== 'array') field(`should be an array (__array), but is ${btf.typeName(m.type)}`);
      const ptr = btf.resolve(arr.elemType ?? 0);
      if (ptr.kind !== 'ptr') field(`should be an array of pointers, but holds ${btf.typeName(arr.elemType ?? 0)}`);
      const target = btf.resolve(ptr.type ?? 0);
      if (target.kind === 'struct') {
        try {
          raw.inner = readMapStruct(btf, `${name}.inner`, ptr.type ?? 0, where).def;
        } catch (e) {
          if (e instanceof BtfError) field(`(inner map): ${e.message}`);
          throw e;
        }
      } else if (target.kind !== 'func_proto') {
        field(`should point to an inner map struct or a program, but points to ${btf.typeName(ptr.type ?? 0)}`);
      }
    } else {
      raw.ignored.push(m.name);
    }
  }
  return { def: toMapDef(btf, name, raw, fail), ignored: raw.ignored };
}

function toMapDef(btf: Btf, name: string, raw: RawMapFields, fail: (msg: string) => never): MapDef {
  const typeNum = raw.ints.get('type');
  if (typeNum === undefined) fail("has no 'type' field");
  const type: MapType | null = mapTypeName(typeNum!);
  if (type === null) fail(`type ${typeNum} is not a map type bpfbox knows`);
  const size = (what: 'key' | 'value', sizeField: number | undefined, typeId: number | undefined): number | undefined => {
    if (typeId === undefined) return sizeField;
    let n: number;
    try {
      n = btf.sizeOf(typeId);
    } catch (e) {
      if (e instanceof BtfError) fail(`field '${what}': ${e.message}`);
      throw e;
    }
    if (sizeField !== undefined && sizeField !== n!) {
      fail(`'${what}_size' is ${sizeField} but '${what}' is ${btf.typeName(typeId)} of ${n!} bytes`);
    }
    return n!;
  };
  let keySize = size('key', raw.ints.get('key_size'), raw.keyType);
  let valueSize = size('value', raw.ints.get('value_size'), raw.valueType);
  // Sizes libbpf fills in when a definition leaves them out: map-in-map and perf-event values
  // are 4-byte fds, and their keys 4-byte indices for the array kinds.
  const fdValued = type === 'array_of_maps' || type === 'hash_of_maps' || type === 'prog_array' ||
    type === 'perf_event_array';
  if (fdValued) {
    valueSize ??= 4;
    if (type !== 'hash_of_maps') keySize ??= 4;
  }
  if ((type === 'array_of_maps' || type === 'hash_of_maps') && !raw.inner) fail("is a map-in-map without an inner map ('values')");
  // Ring buffers have no key or value (the kernel refuses sizes); some loaders (cilium/ebpf) let a
  // definition name the record type as `value` anyway: keep it out of the definition.
  if (type === 'ringbuf' || type === 'user_ringbuf') {
    if (keySize) raw.ignored.push('key');
    if (valueSize) raw.ignored.push('value');
    keySize = 0;
    valueSize = 0;
  }
  const def: { -readonly [K in keyof MapDef]: MapDef[K] } = {
    name,
    type: type!,
    keySize: keySize ?? 0,
    valueSize: valueSize ?? 0,
    maxEntries: raw.ints.get('max_entries') ?? 0,
    origin: 'declared',
  };
  const flags = raw.ints.get('map_flags');
  if (flags !== undefined && flags !== 0) def.flags = flags;
  if (raw.inner) def.inner = raw.inner;
  return def;
}

/**
 * The variables a DATASEC (`.data`, `.rodata`, `.bss`, `.maps`, `.kconfig`, ...) lists: name,
 * offset and size in the section, and `type` = the variable's type id (what the VAR refers to; for
 * an extern function in `.ksyms`, the FUNC's id). A section without BTF gives [].
 */
export function btfDatasecVars(btf: Btf, sectionName: string): { name: string; offset: number; size: number; type: number }[] {
  const sec = findDatasec(btf, sectionName);
  if (!sec) return [];
  return (sec.vars ?? []).map((v) => {
    const t = btf.types[v.type];
    if (!t) throw new BtfError(`${sectionName}: variable type ${v.type} does not exist`, offsetOf(btf, sec.id));
    return { name: t.name, offset: v.offset, size: v.size, type: t.kind === 'var' ? t.type ?? 0 : t.id };
  });
}

function findDatasec(btf: Btf, name: string): BtfType | undefined {
  return btf.types.find((t) => t.kind === 'datasec' && t.name === name);
}

function offsetOf(btf: Btf, id: number): number {
  return btf instanceof ParsedBtf ? btf.recordOffsets[id] ?? 0 : 0;
}
