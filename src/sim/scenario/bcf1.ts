// BCF1: the channel-file format of the Channel File 291 miniature (design B.a). All integers are
// little-endian; sizes are fixed so a hex view is easy to read.
//
//   Header (32 bytes)                       TemplateInstance (8 + 16 * type_fields bytes)
//   0x00 4 magic "BCF1"                     0x00 4 instance_id
//   0x04 2 format_ver (1)                   0x04 1 action (0 telemetry, 1 detect, 2 prevent)
//   0x06 2 channel (291)                    0x05 1 n_criteria (== type_fields)
//   0x08 4 content_ver (0x07190409)         0x06 2 reserved
//   0x0C 2 template_type (1 = IPC)          0x08 16 * n_criteria  Criterion[i]
//   0x0E 1 type_fields (21)
//   0x0F 1 flags (bit0: compiled form)      Criterion (16 bytes)
//   0x10 2 instance_count                   0x00 1 op (0 WILDCARD, 1 EQUALS, 2 PREFIX, 3 CONTAINS)
//   0x12 2 reserved                         0x01 1 len (<= 12)
//   0x14 4 body_len                         0x02 2 reserved
//   0x18 4 crc32(body)                      0x04 12 pattern (ASCII, zero-padded)
//   0x1C 4 reserved

export const MAGIC = 'BCF1';
export const HEADER_SIZE = 32;
export const CRITERION_SIZE = 16;
export const INSTANCE_HEADER_SIZE = 8;
export const MAX_PATTERN = 12;
export const FLAG_COMPILED = 1;

export const OP = { WILDCARD: 0, EQUALS: 1, PREFIX: 2, CONTAINS: 3 } as const;
export type OpCode = (typeof OP)[keyof typeof OP];
export const OP_NAMES = ['WILDCARD', 'EQUALS', 'PREFIX', 'CONTAINS'] as const;
export const ACTION_NAMES = ['telemetry', 'detect', 'prevent'] as const;

export interface Criterion {
  readonly op: number;
  /** Pattern text (ASCII); its length is the `len` field unless `len` is given. */
  readonly pattern: string;
  readonly len?: number;
}

export interface TemplateInstance {
  readonly id: number;
  readonly action: number;
  readonly criteria: readonly Criterion[];
  /** n_criteria as written (default criteria.length). */
  readonly nCriteria?: number;
  /** What this instance is for (not stored in the file). */
  readonly note?: string;
}

export interface ChannelFile {
  readonly formatVer: number;
  readonly channel: number;
  readonly contentVer: number;
  readonly templateType: number;
  readonly typeFields: number;
  readonly flags: number;
  readonly instances: readonly TemplateInstance[];
}

export function instanceSize(typeFields: number): number {
  return INSTANCE_HEADER_SIZE + CRITERION_SIZE * typeFields;
}

// ---- CRC-32 (IEEE 802.3, reflected, as zlib) ----
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** `0x07190409` -> `v0719-0409`; `0x0305` style short versions -> `v0305`. */
export function versionName(contentVer: number): string {
  const hex = (contentVer >>> 0).toString(16).padStart(8, '0');
  const date = hex.slice(0, 4);
  const time = hex.slice(4);
  return time === '0000' ? `v${date}` : `v${date}-${time}`;
}

/** Encodes a channel file (header + instances, CRC over the body). */
export function encode(f: ChannelFile): Uint8Array {
  const isz = instanceSize(f.typeFields);
  const bodyLen = f.instances.length * isz;
  const out = new Uint8Array(HEADER_SIZE + bodyLen);
  const v = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = MAGIC.charCodeAt(i);
  v.setUint16(0x04, f.formatVer, true);
  v.setUint16(0x06, f.channel, true);
  v.setUint32(0x08, f.contentVer >>> 0, true);
  v.setUint16(0x0c, f.templateType, true);
  out[0x0e] = f.typeFields;
  out[0x0f] = f.flags;
  v.setUint16(0x10, f.instances.length, true);
  v.setUint32(0x14, bodyLen, true);
  f.instances.forEach((inst, k) => {
    const at = HEADER_SIZE + k * isz;
    v.setUint32(at, inst.id >>> 0, true);
    out[at + 4] = inst.action;
    out[at + 5] = inst.nCriteria ?? inst.criteria.length;
    for (let i = 0; i < f.typeFields; i++) {
      const c = inst.criteria[i] ?? { op: OP.WILDCARD, pattern: '' };
      const p = at + INSTANCE_HEADER_SIZE + i * CRITERION_SIZE;
      out[p] = c.op;
      out[p + 1] = c.len ?? c.pattern.length;
      for (let j = 0; j < MAX_PATTERN && j < c.pattern.length; j++) out[p + 4 + j] = c.pattern.charCodeAt(j) & 0xff;
    }
  });
  v.setUint32(0x18, crc32(out.subarray(HEADER_SIZE)), true);
  return out;
}

export interface DecodeProblem {
  readonly offset: number;
  readonly message: string;
}

export interface DecodedFile {
  readonly file: ChannelFile;
  readonly crcStored: number;
  readonly crcComputed: number;
  readonly bodyLen: number;
}

/** Decodes and checks the FORMAT only (magic, sizes, CRC): what the driver's loader checks. */
export function decode(bytes: Uint8Array): { ok: true; value: DecodedFile } | { ok: false; problems: DecodeProblem[] } {
  const problems: DecodeProblem[] = [];
  if (bytes.length < HEADER_SIZE) return { ok: false, problems: [{ offset: 0, message: `file of ${bytes.length} bytes is shorter than the 32-byte header` }] };
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== MAGIC) problems.push({ offset: 0, message: `bad magic ${JSON.stringify(magic)} (expected "BCF1")` });
  const typeFields = bytes[0x0e]!;
  const count = v.getUint16(0x10, true);
  const bodyLen = v.getUint32(0x14, true);
  const isz = instanceSize(typeFields);
  if (bodyLen !== count * isz) problems.push({ offset: 0x14, message: `body_len ${bodyLen} != instance_count ${count} x ${isz}` });
  if (HEADER_SIZE + bodyLen !== bytes.length) problems.push({ offset: 0x14, message: `file is ${bytes.length} bytes, header says ${HEADER_SIZE + bodyLen}` });
  const crcStored = v.getUint32(0x18, true);
  const crcComputed = crc32(bytes.subarray(HEADER_SIZE, HEADER_SIZE + Math.min(bodyLen, bytes.length - HEADER_SIZE)));
  if (crcStored !== crcComputed) problems.push({ offset: 0x18, message: `CRC mismatch: stored 0x${crcStored.toString(16)}, computed 0x${crcComputed.toString(16)}` });
  if (problems.length > 0) return { ok: false, problems };
  const instances: TemplateInstance[] = [];
  for (let k = 0; k < count; k++) {
    const at = HEADER_SIZE + k * isz;
    const criteria: Criterion[] = [];
    for (let i = 0; i < typeFields; i++) {
      const p = at + INSTANCE_HEADER_SIZE + i * CRITERION_SIZE;
      const len = bytes[p + 1]!;
      let pattern = '';
      for (let j = 0; j < MAX_PATTERN; j++) {
        const c = bytes[p + 4 + j]!;
        if (c === 0) break;
        pattern += String.fromCharCode(c);
      }
      criteria.push({ op: bytes[p]!, pattern, len });
    }
    instances.push({ id: v.getUint32(at, true), action: bytes[at + 4]!, nCriteria: bytes[at + 5]!, criteria });
  }
  return {
    ok: true,
    value: {
      file: {
        formatVer: v.getUint16(4, true), channel: v.getUint16(6, true), contentVer: v.getUint32(8, true),
        templateType: v.getUint16(0x0c, true), typeFields, flags: bytes[0x0f]!, instances,
      },
      crcStored, crcComputed, bodyLen,
    },
  };
}

/** File offset of criterion `f` (0-based) of instance `k` (0-based). */
export function criterionOffset(typeFields: number, k: number, f: number): number {
  return HEADER_SIZE + k * instanceSize(typeFields) + INSTANCE_HEADER_SIZE + f * CRITERION_SIZE;
}

/** A decoded field at a file offset, for the hex dump and the diff. */
export interface FieldAt {
  readonly offset: number;
  readonly size: number;
  readonly name: string;
  readonly value: string;
}

/** Every field of a file with its offset and decoded value. */
export function describeFields(bytes: Uint8Array): FieldAt[] {
  const out: FieldAt[] = [];
  if (bytes.length < HEADER_SIZE) return out;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = (o: number, s: number, name: string, value: string) => out.push({ offset: o, size: s, name, value });
  h(0x00, 4, 'magic', JSON.stringify(String.fromCharCode(...bytes.subarray(0, 4))));
  h(0x04, 2, 'format_ver', String(v.getUint16(4, true)));
  h(0x06, 2, 'channel', String(v.getUint16(6, true)));
  h(0x08, 4, 'content_ver', `0x${v.getUint32(8, true).toString(16).padStart(8, '0')} (${versionName(v.getUint32(8, true))})`);
  h(0x0c, 2, 'template_type', `${v.getUint16(0x0c, true)}${v.getUint16(0x0c, true) === 1 ? ' (IPC)' : ''}`);
  h(0x0e, 1, 'type_fields', String(bytes[0x0e]));
  h(0x0f, 1, 'flags', `0x${bytes[0x0f]!.toString(16)}`);
  h(0x10, 2, 'instance_count', String(v.getUint16(0x10, true)));
  h(0x14, 4, 'body_len', String(v.getUint32(0x14, true)));
  h(0x18, 4, 'crc32', `0x${v.getUint32(0x18, true).toString(16).padStart(8, '0')}`);
  const typeFields = bytes[0x0e]!;
  const isz = instanceSize(typeFields);
  const count = v.getUint16(0x10, true);
  for (let k = 0; k < count && HEADER_SIZE + (k + 1) * isz <= bytes.length; k++) {
    const at = HEADER_SIZE + k * isz;
    const id = v.getUint32(at, true);
    const tag = `instance[${k}] 0x${id.toString(16)}`;
    h(at, 4, `${tag}.instance_id`, `0x${id.toString(16)}`);
    h(at + 4, 1, `${tag}.action`, ACTION_NAMES[bytes[at + 4]!] ?? String(bytes[at + 4]));
    h(at + 5, 1, `${tag}.n_criteria`, String(bytes[at + 5]));
    for (let i = 0; i < typeFields; i++) {
      const p = at + INSTANCE_HEADER_SIZE + i * CRITERION_SIZE;
      const op = bytes[p]!;
      let pattern = '';
      for (let j = 0; j < MAX_PATTERN && bytes[p + 4 + j]; j++) pattern += String.fromCharCode(bytes[p + 4 + j]!);
      h(p, 16, `${tag}.crit[${i}]`, op === 0 ? 'WILDCARD' : `${OP_NAMES[op] ?? `op ${op}`} ${JSON.stringify(pattern)} (len ${bytes[p + 1]})`);
    }
  }
  return out;
}

/** Hex dump, 16 bytes a line, with the decoded fields that start on each line beside it. */
export function hexDump(bytes: Uint8Array, opts: { from?: number; to?: number; skipWildcards?: boolean } = {}): string {
  const fields = describeFields(bytes);
  const lines: string[] = [];
  const from = Math.max(0, Math.floor((opts.from ?? 0) / 16) * 16);
  const to = Math.min(bytes.length, opts.to ?? bytes.length);
  let skipped = 0;
  for (let off = from; off < to; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, bytes.length));
    const here = fields.filter((f) => f.offset >= off && f.offset < off + 16);
    if (opts.skipWildcards && here.length === 1 && here[0]!.value === 'WILDCARD' && here[0]!.size === 16) {
      skipped++;
      continue;
    }
    if (skipped > 0) {
      lines.push(`          ... ${skipped} wildcard criteria (16 bytes each) not shown`);
      skipped = 0;
    }
    const hexs = Array.from(row, (b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(47);
    const asc = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('').padEnd(16);
    const notes = here.map((f) => `${f.name}=${f.value}`).join('  ');
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hexs}  |${asc}|  ${notes}`.trimEnd());
  }
  if (skipped > 0) lines.push(`          ... ${skipped} wildcard criteria (16 bytes each) not shown`);
  return lines.join('\n');
}

export interface FieldChange {
  readonly offset: number;
  readonly name: string;
  readonly before: string | null;
  readonly after: string | null;
}

/** Field-level differences between two versions of a file. */
export function diffFiles(a: Uint8Array, b: Uint8Array): FieldChange[] {
  const fa = new Map(describeFields(a).map((f) => [f.name, f]));
  const fb = new Map(describeFields(b).map((f) => [f.name, f]));
  const out: FieldChange[] = [];
  for (const [name, f] of fb) {
    const old = fa.get(name);
    if (!old) out.push({ offset: f.offset, name, before: null, after: f.value });
    else if (old.value !== f.value) out.push({ offset: f.offset, name, before: old.value, after: f.value });
  }
  for (const [name, f] of fa) if (!fb.has(name)) out.push({ offset: f.offset, name, before: f.value, after: null });
  return out.sort((x, y) => x.offset - y.offset);
}

export function formatDiff(changes: readonly FieldChange[]): string {
  const lines: string[] = [];
  let wild = 0;
  let sign = '';
  const flush = () => {
    if (wild > 0) lines.push(`${sign}        ... ${wild} x WILDCARD`);
    wild = 0;
  };
  for (const c of changes) {
    const v = c.after ?? c.before;
    if ((c.before === null || c.after === null) && v === 'WILDCARD') {
      const s = c.before === null ? '+' : '-';
      if (wild > 0 && s !== sign) flush();
      sign = s;
      wild++;
      continue;
    }
    flush();
    lines.push(formatChange(c));
  }
  flush();
  return lines.join('\n');
}

function formatChange(c: FieldChange): string {
  {
    const at = `0x${c.offset.toString(16).padStart(4, '0')}`;
    if (c.before === null) return `+ ${at} ${c.name} = ${c.after}`;
    if (c.after === null) return `- ${at} ${c.name} = ${c.before}`;
    return `~ ${at} ${c.name}: ${c.before} -> ${c.after}`;
  }
}
