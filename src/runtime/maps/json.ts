// Maps as JSON and text: filling a map from a file (`--map NAME=FILE.json`) and printing every map
// after a run (`--dump-maps`, `--json`). The format is described in docs/runtime-maps.md; a map
// object printed by mapsToJson can be fed back to mapsFromJson.

import { type Diagnostic, type Result, fail, ok } from '../../util/diagnostics.js';
import { BPF_ANY, E2BIG, EBADF, EEXIST, EINVAL, ENOENT, EOPNOTSUPP, errnoName } from './errno.js';
import { ArrayMap, type BpfMap, FdArrayMap, HashMap, type MapBase, QueueStackMap, RingBufMap, roundUp8 } from './maps.js';
import { RUNTIME_MAP_TYPES, type MapSet } from './set.js';

export interface MapsFromJsonOptions {
  /** Resolves a program name in a prog_array value to its index (default: the set's `programs`). */
  resolveProgram?: (name: string) => number | null;
}

// ---- reading ---------------------------------------------------------------------------------------

const HEX_NUMBER = /^(-?)0x([0-9a-f][0-9a-f_]*)$/i;

/**
 * Bytes of a key or value written as a JSON number (stored little-endian in `size` bytes), a
 * "0x..." string (a number in hex, stored the same way), a string of hex bytes in memory order
 * ("0a000001", spaces allowed), or an array of byte values. Returns an error text on failure.
 */
export function parseBytes(v: unknown, size: number): Uint8Array | string {
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return `${v} is not an integer JSON can hold exactly (write large numbers as "0x..." strings)`;
    return intBytes(BigInt(v), size, String(v));
  }
  if (typeof v === 'string') {
    const s = v.trim();
    const m = HEX_NUMBER.exec(s);
    if (m) {
      const n = BigInt('0x' + m[2]!.replace(/_/g, ''));
      return intBytes(m[1] ? -n : n, size, s);
    }
    const hex = s.replace(/\s+/g, '');
    if (!/^[0-9a-f]*$/i.test(hex) || hex.length % 2 !== 0) {
      return `"${v}" is neither hex bytes (like "0a000001") nor a hex number (like "0x0100000a")`;
    }
    if (hex.length / 2 !== size) return `"${v}" is ${hex.length / 2} bytes; ${size} are needed`;
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
    return out;
  }
  if (Array.isArray(v)) {
    if (v.length !== size) return `the byte array has ${v.length} elements; ${size} are needed`;
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      const b = v[i];
      if (typeof b !== 'number' || !Number.isInteger(b) || b < 0 || b > 255) return `element ${i} of the byte array is not a byte (0..255)`;
      out[i] = b;
    }
    return out;
  }
  return `expected a number, a hex string or an array of bytes, not ${v === null ? 'null' : typeof v}`;
}

function intBytes(n: bigint, size: number, text: string): Uint8Array | string {
  const bits = BigInt(size * 8);
  if (size === 0 || n >= 1n << bits || n < -(1n << (bits - 1n))) return `${text} does not fit in ${size} byte${size === 1 ? '' : 's'}`;
  let u = BigInt.asUintN(size * 8, n);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    out[i] = Number(u & 0xffn);
    u >>= 8n;
  }
  return out;
}

/** Why an update failed, in plain words. */
function explainUpdate(m: BpfMap, err: number): string {
  const d = m.def;
  const name = errnoName(err);
  switch (-err) {
    case E2BIG:
      return d.type === 'array' || d.type === 'percpu_array' || d.type === 'prog_array' || d.type === 'array_of_maps'
        ? `${name}: the index is not below max_entries ${d.maxEntries}`
        : `${name}: the map is full (max_entries ${d.maxEntries})`;
    case EEXIST: return `${name}: the key exists already`;
    case ENOENT: return `${name}: no such key`;
    case EBADF: return `${name}: no ${d.type === 'prog_array' ? 'program' : 'map'} has that index`;
    case EINVAL: return `${name}: invalid value or flags for a ${d.type} map`;
    case EOPNOTSUPP: return `${name}: bpfbox does not simulate ${d.type} maps`;
    default: return name;
  }
}

interface ParsedEntry {
  key: Uint8Array;
  value: Uint8Array;
}

/**
 * Fills map `name` from JSON: `{"entries": [{"key": K, "value": V}, ...]}` or just the array.
 * Per-CPU maps take `"perCpu": [V0, V1, ...]` (one value per CPU) or `"value"` (the same for every
 * CPU); prog_array values are program names or indices, map-in-map values map names or indices;
 * queue and stack entries have only a value (pushed in order). Entries are stored with BPF_ANY.
 * Nothing is stored when any entry is malformed.
 */
export function mapsFromJson(set: MapSet, name: string, json: unknown, opts: MapsFromJsonOptions = {}): Result<void> {
  const m = set.get(name) as MapBase | undefined;
  const E = (message: string): Diagnostic => ({ code: 'E_MAP_JSON', message });
  if (!m) {
    const names = set.maps.map((x) => x.def.name);
    return fail([E(`there is no map named "${name}"; ${names.length ? `the maps are: ${names.join(', ')}` : 'the program has no maps'}`)]);
  }
  const where = `map "${name}"`;
  if (m instanceof RingBufMap) return fail([E(`${where} is a ring buffer: programs fill it, a file cannot`)]);
  if (!(RUNTIME_MAP_TYPES as readonly string[]).includes(m.def.type)) {
    return fail([E(`${where}: bpfbox does not simulate ${m.def.type} maps, so it cannot be filled`)]);
  }
  const list = Array.isArray(json) ? json : json && typeof json === 'object' ? (json as { entries?: unknown }).entries : undefined;
  if (!Array.isArray(list)) return fail([E(`${where}: expected {"entries": [...]} or an array of entries`)]);
  const errors: Diagnostic[] = [];
  const parsed: ParsedEntry[] = [];
  const d = m.def;
  list.forEach((raw, i) => {
    const at = `${where} entry ${i}`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      errors.push(E(`${at}: expected an object like {"key": 1, "value": "0a000000"}`));
      return;
    }
    const e = raw as { key?: unknown; value?: unknown; perCpu?: unknown };
    let key: Uint8Array;
    if (d.keySize === 0) {
      key = new Uint8Array(0);
    } else {
      if (e.key === undefined) {
        errors.push(E(`${at}: the key is missing`));
        return;
      }
      const k = parseBytes(e.key, d.keySize);
      if (typeof k === 'string') {
        errors.push(E(`${at}: key: ${k}`));
        return;
      }
      key = k;
    }
    const value = entryValue(set, m, e, opts);
    if (typeof value === 'string') {
      errors.push(E(`${at}: ${value}`));
      return;
    }
    parsed.push({ key, value });
  });
  if (errors.length > 0) return fail(errors);
  parsed.forEach((p, i) => {
    const r = m.update(p.key, p.value, BPF_ANY);
    if (r !== 0) errors.push(E(`${where} entry ${i}: the update failed with ${explainUpdate(m, r)}`));
  });
  return errors.length > 0 ? fail(errors) : ok(undefined);
}

function entryValue(
  set: MapSet, m: MapBase, e: { value?: unknown; perCpu?: unknown }, opts: MapsFromJsonOptions,
): Uint8Array | string {
  const d = m.def;
  if (m instanceof FdArrayMap || d.type === 'hash_of_maps') {
    const v = e.value;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff) return intBytes(BigInt(v), 4, String(v));
    if (typeof v === 'string') {
      let idx: number | null = null;
      if (d.type === 'prog_array') {
        idx = opts.resolveProgram ? opts.resolveProgram(v) : (set.programs?.indexOf(v) ?? -1);
        if (idx === null || idx < 0) return `value: there is no program named "${v}"`;
      } else {
        const inner = set.get(v);
        if (!inner) return `value: there is no map named "${v}"`;
        idx = inner.index;
      }
      return intBytes(BigInt(idx), 4, v);
    }
    return `value: expected a ${d.type === 'prog_array' ? 'program' : 'map'} name or index`;
  }
  if (m.perCpu && e.perCpu !== undefined) {
    if (!Array.isArray(e.perCpu) || e.perCpu.length !== set.cpus) {
      return `perCpu: expected an array of ${set.cpus} values (one per simulated CPU)`;
    }
    const stride = roundUp8(d.valueSize);
    const all = new Uint8Array(stride * set.cpus);
    for (let c = 0; c < set.cpus; c++) {
      const v = parseBytes(e.perCpu[c], d.valueSize);
      if (typeof v === 'string') return `perCpu[${c}]: ${v}`;
      all.set(v, c * stride);
    }
    return all;
  }
  if (e.value === undefined) return m.perCpu ? 'the value is missing (give "value" or "perCpu")' : 'the value is missing';
  const v = parseBytes(e.value, d.valueSize);
  return typeof v === 'string' ? `value: ${v}` : v;
}

// ---- writing ---------------------------------------------------------------------------------------

export function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Little-endian unsigned value of up to 8 bytes: a number when exact, else a decimal string. */
export function leInt(b: Uint8Array): number | string | undefined {
  if (b.length === 0 || b.length > 8) return undefined;
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

function withInt(o: Record<string, unknown>, field: string, b: Uint8Array): void {
  o[field] = hex(b);
  const n = leInt(b);
  if (n !== undefined) o[field + 'Int'] = n;
}

export interface MapJson {
  index: number;
  name: string;
  type: string;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags?: number;
  /** False for map types bpfbox does not simulate (their entries are always empty). */
  simulated: boolean;
  entries: Record<string, unknown>[];
  /** Arrays: entries whose value is all zeros, not listed. */
  zeroEntries?: number;
  ring?: { size: number; consumerPos: number; producerPos: number; busyRecords: number; records: string[] };
}

/** Every map and its contents as JSON (see docs/runtime-maps.md). */
export function mapsToJson(set: MapSet): { cpus: number; maps: MapJson[] } {
  return { cpus: set.cpus, maps: set.maps.map((m) => mapToJson(set, m as MapBase)) };
}

function mapToJson(set: MapSet, m: MapBase): MapJson {
  const d = m.def;
  const out: MapJson = {
    index: m.index, name: d.name, type: d.type, keySize: d.keySize, valueSize: d.valueSize, maxEntries: d.maxEntries,
    simulated: (RUNTIME_MAP_TYPES as readonly string[]).includes(d.type), entries: [],
  };
  if (d.flags) out.flags = d.flags;
  if (m instanceof RingBufMap) {
    out.ring = {
      size: m.size, consumerPos: m.consumerPos, producerPos: m.producerPos, busyRecords: m.busyRecords,
      records: m.peek().map(hex),
    };
    return out;
  }
  if (m instanceof ArrayMap) {
    const nonZero = m.nonZeroIndices();
    out.zeroEntries = d.maxEntries - nonZero.length;
    for (const i of nonZero) out.entries.push(entryJson(set, m, keyOfIndex(i)));
    return out;
  }
  for (const e of m.entries()) out.entries.push(entryJson(set, m, e.key, e.value, e.perCpu));
  return out;
}

function keyOfIndex(i: number): Uint8Array {
  return Uint8Array.of(i & 255, (i >>> 8) & 255, (i >>> 16) & 255, i >>> 24);
}

function entryJson(set: MapSet, m: MapBase, key: Uint8Array, value?: Uint8Array, perCpu?: Uint8Array[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  if (m.def.keySize > 0) withInt(o, 'key', key);
  if (m instanceof FdArrayMap || m.def.type === 'hash_of_maps') {
    const idx = Number(leInt((value ?? m.lookup(key))!));
    o.value = idx;
    if (m.def.type === 'prog_array') {
      const p = set.programs?.[idx];
      if (p !== undefined) o.program = p;
    } else {
      o.map = set.maps[idx]?.def.name;
    }
    return o;
  }
  if (m.perCpu) {
    const all = perCpu ?? m.lookupPerCpu(key)!;
    o.perCpu = all.map(hex);
    if (m.def.valueSize <= 8) o.perCpuInt = all.map((v) => leInt(v));
    return o;
  }
  withInt(o, 'value', value ?? m.lookup(key)!);
  return o;
}

// ---- text ------------------------------------------------------------------------------------------

const SHOWN_BYTES = 64;

function shortHex(b: Uint8Array): string {
  if (b.length <= SHOWN_BYTES) return hex(b);
  return `${hex(b.subarray(0, SHOWN_BYTES))}... (${b.length} bytes)`;
}

function withNumber(b: Uint8Array): string {
  const n = leInt(b);
  return n === undefined ? shortHex(b) : `${shortHex(b)} (${n})`;
}

/** Every map and its contents as readable text (`--dump-maps`). */
export function formatMaps(set: MapSet): string {
  if (set.maps.length === 0) return 'no maps\n';
  const lines: string[] = [];
  for (const bm of set.maps) {
    const m = bm as MapBase;
    const d = m.def;
    const j = mapToJson(set, m);
    const sizes = d.type === 'ringbuf' ? `${d.maxEntries} bytes` : `key ${d.keySize} B, value ${d.valueSize} B, max_entries ${d.maxEntries}`;
    let count = '';
    if (m instanceof ArrayMap) count = `, ${j.entries.length} non-zero`;
    else if (m instanceof HashMap || m instanceof FdArrayMap || m instanceof QueueStackMap) count = `, ${j.entries.length} entr${j.entries.length === 1 ? 'y' : 'ies'}`;
    const cpus = m.perCpu ? `, ${set.cpus} CPUs` : '';
    lines.push(`map ${m.index} "${d.name}": ${d.type}, ${sizes}${cpus}${count}`);
    if (!j.simulated) {
      lines.push('  (bpfbox does not simulate this map type)');
      continue;
    }
    if (m instanceof RingBufMap) {
      const r = j.ring!;
      lines.push(`  producer ${r.producerPos}, consumer ${r.consumerPos}, ${r.records.length} record${r.records.length === 1 ? '' : 's'} waiting` +
        (r.busyRecords ? `, ${r.busyRecords} reserved and not submitted` : ''));
      m.peek().forEach((rec, i) => lines.push(`  record ${i}: ${rec.length} bytes ${shortHex(rec)}`));
      continue;
    }
    if (j.entries.length === 0) lines.push(m instanceof ArrayMap ? '  (every entry is zero)' : '  (empty)');
    const keyed = d.keySize > 0;
    const rows: [string, string][] = [];
    const list: { key: Uint8Array; value?: Uint8Array }[] =
      m instanceof ArrayMap ? m.nonZeroIndices().map((i) => ({ key: keyOfIndex(i) })) : m.entries();
    for (const e of list) {
      const k = keyed ? withNumber(e.key) : '';
      let v: string;
      if (m instanceof FdArrayMap || d.type === 'hash_of_maps') {
        const idx = Number(leInt((m.lookup(e.key))!));
        const nm = d.type === 'prog_array' ? set.programs?.[idx] : set.maps[idx]?.def.name;
        v = `${d.type === 'prog_array' ? 'program' : 'map'} ${idx}${nm !== undefined ? ` "${nm}"` : ''}`;
      } else if (m.perCpu) {
        v = m.lookupPerCpu(e.key)!.map((x, c) => `cpu${c} ${withNumber(x)}`).join('  ');
      } else {
        v = withNumber(e.value ?? m.lookup(e.key)!);
      }
      rows.push([k, v]);
    }
    const width = Math.max(0, ...rows.map((r) => r[0].length));
    for (const [k, v] of rows) lines.push(keyed ? `  ${k.padEnd(width)}  ->  ${v}` : `  ${v}`);
    if (m instanceof ArrayMap && j.entries.length > 0 && j.zeroEntries) {
      lines.push(`  (${j.zeroEntries} zero entr${j.zeroEntries === 1 ? 'y' : 'ies'} not shown)`);
    }
  }
  return lines.join('\n') + '\n';
}
