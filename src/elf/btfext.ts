// `.BTF.ext` reader: per-section function info and line info (which C line each instruction came
// from), as Documentation/bpf/btf.rst (".BTF.ext section") lays them out: a header (magic 0xeb9f,
// version 1, flags, hdr_len, func_info off/len, line_info off/len, and from hdr_len 32 on the CO-RE
// relocation off/len), offsets counted from the header's end. Each subsection is a record size
// followed by, per ELF section, {section name offset, record count} and the records. Names and
// source text live in the `.BTF` string section.

import { type Btf, BtfError } from './btf.js';

export interface BtfLineInfo {
  /** Byte offset of the instruction in its ELF section (as in the object; divide by 8 for a slot). */
  insnOff: number;
  file: string;
  line: number;
  column: number;
  /** The source line's text (may be empty). */
  text: string;
}

export interface BtfFuncInfo {
  insnOff: number;
  /** The FUNC type's name (the function's name). */
  name: string;
  typeId: number;
}

export interface BtfExt {
  /** Keyed by ELF section name (`xdp`, `.text`, ...); records in file order (by insnOff). */
  lineInfo: Map<string, BtfLineInfo[]>;
  funcInfo: Map<string, BtfFuncInfo[]>;
  /** How many CO-RE relocation records there are (bpfbox does not apply them). */
  coreRelos: number;
}

const BTF_EXT_MAGIC = 0xeb9f;
const HEADER_MIN = 24;
const HEADER_WITH_CORE = 32;
const FUNC_INFO_MIN = 8;
const LINE_INFO_MIN = 16;
const CORE_RELO_MIN = 16;
const INSN_SIZE = 8;

/** Reads a `.BTF.ext` section against its `.BTF`. Throws BtfError (offset in `.BTF.ext`) when malformed. */
export function parseBtfExt(bytes: Uint8Array, btf: Btf): BtfExt {
  if (bytes.length < HEADER_MIN) {
    throw new BtfError(`BTF.ext is ${bytes.length} bytes, shorter than its ${HEADER_MIN}-byte header`, 0);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(0, true);
  if (magic !== BTF_EXT_MAGIC) throw new BtfError(`bad BTF.ext magic 0x${magic.toString(16)}, expected 0xeb9f`, 0);
  const version = view.getUint8(2);
  if (version !== 1) throw new BtfError(`unsupported BTF.ext version ${version}`, 2);
  const hdrLen = view.getUint32(4, true);
  if (hdrLen < HEADER_MIN || hdrLen > bytes.length) {
    throw new BtfError(`BTF.ext header length ${hdrLen} is invalid (section is ${bytes.length} bytes)`, 4);
  }
  const sub = (offField: number, what: string): { start: number; len: number } => {
    const off = view.getUint32(offField, true);
    const len = view.getUint32(offField + 4, true);
    const start = hdrLen + off;
    if (start + len > bytes.length) {
      throw new BtfError(`BTF.ext ${what} (${len} bytes at ${start}) runs past the end (${bytes.length} bytes)`, offField);
    }
    return { start, len };
  };
  const str = (off: number, where: number, what: string): string => {
    try {
      return btf.str(off);
    } catch (e) {
      if (e instanceof BtfError) throw new BtfError(`BTF.ext ${what}: ${e.message}`, where);
      throw e;
    }
  };

  const funcInfo = new Map<string, BtfFuncInfo[]>();
  readSubsection(view, sub(8, 'func info'), FUNC_INFO_MIN, 'func info', str, (section, at) => {
    const typeId = view.getUint32(at + 4, true);
    const t = btf.types[typeId];
    if (!t || t.kind !== 'func') {
      throw new BtfError(`BTF.ext func info in '${section}': type ${typeId} is not a function`, at + 4);
    }
    const rec: BtfFuncInfo = { insnOff: insnOffset(view, at, section, 'func info'), name: t.name, typeId };
    push(funcInfo, section, rec);
  });

  const lineInfo = new Map<string, BtfLineInfo[]>();
  readSubsection(view, sub(16, 'line info'), LINE_INFO_MIN, 'line info', str, (section, at) => {
    const lineCol = view.getUint32(at + 12, true);
    push(lineInfo, section, {
      insnOff: insnOffset(view, at, section, 'line info'),
      file: str(view.getUint32(at + 4, true), at + 4, `line info in '${section}'`),
      text: str(view.getUint32(at + 8, true), at + 8, `line info in '${section}'`),
      line: lineCol >>> 10,
      column: lineCol & 0x3ff,
    });
  });

  let coreRelos = 0;
  if (hdrLen >= HEADER_WITH_CORE) {
    readSubsection(view, sub(24, 'CO-RE relocations'), CORE_RELO_MIN, 'CO-RE relocations', str, () => {
      coreRelos++;
    });
  }
  return { lineInfo, funcInfo, coreRelos };
}

type StringReader = (off: number, where: number, what: string) => string;

/** Walks one subsection: record size, then per ELF section a name, a count and the records. */
function readSubsection(
  view: DataView, range: { start: number; len: number }, minRecord: number, what: string, str: StringReader,
  record: (section: string, at: number) => void,
): void {
  if (range.len === 0) return;
  const end = range.start + range.len;
  if (range.len < 4) throw new BtfError(`BTF.ext ${what}: too short for its record size`, range.start);
  const recSize = view.getUint32(range.start, true);
  if (recSize < minRecord || recSize % 4 !== 0) {
    throw new BtfError(`BTF.ext ${what}: record size ${recSize} is invalid (at least ${minRecord}, a multiple of 4)`,
      range.start);
  }
  let at = range.start + 4;
  while (at < end) {
    if (at + 8 > end) throw new BtfError(`BTF.ext ${what}: truncated section header`, at);
    const section = str(view.getUint32(at, true), at, what);
    const count = view.getUint32(at + 4, true);
    if (count === 0) throw new BtfError(`BTF.ext ${what}: section '${section}' has zero records`, at + 4);
    at += 8;
    if (at + count * recSize > end) {
      throw new BtfError(`BTF.ext ${what}: ${count} records for '${section}' run past the subsection`, at - 4);
    }
    for (let i = 0; i < count; i++, at += recSize) record(section, at);
  }
}

function insnOffset(view: DataView, at: number, section: string, what: string): number {
  const off = view.getUint32(at, true);
  if (off % INSN_SIZE !== 0) {
    throw new BtfError(`BTF.ext ${what} in '${section}': instruction offset ${off} is not a multiple of 8`, at);
  }
  return off;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
