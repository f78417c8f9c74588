// `bpfbox inspect FILE.o`: what an object holds, as readable tables or one JSON object.

import { type MapDef } from '../runtime/maps/def.js';
import { bpfboxTypeOf } from './sections.js';
import type { ElfProgram, LoadedObject } from './types.js';

export interface InspectOptions {
  /** List every relocation, not only the count per section. */
  verbose?: boolean;
}

function firstLine(p: ElfProgram): string | null {
  const l = p.lines.find((x) => x !== undefined);
  return l ? `${l.file}:${l.line}` : null;
}

/** `a,b,c,+4 more`: a list kept to a readable width for the table. */
function shortList(names: readonly string[], width = 48): string {
  if (names.length === 0) return '-';
  let out = '';
  for (let i = 0; i < names.length; i++) {
    const next = out ? `${out},${names[i]}` : names[i]!;
    const rest = names.length - i - 1;
    if (next.length + (rest ? ` +${rest} more`.length : 0) > width && out) return `${out} +${names.length - i} more`;
    out = next;
  }
  return out;
}

/** The last two components of a source path (`lib/drop.h:64`), for the table. */
function shortLine(l: string | null): string {
  if (l === null) return '-';
  const parts = l.replace(/\/\.\//g, '/').replace(/^\.\//, '').split('/');
  return parts.slice(-2).join('/');
}

function flagsText(f: number | undefined): string {
  return f ? '0x' + f.toString(16) : '0';
}

function relocSummary(obj: LoadedObject): Map<string, { count: number; kinds: Map<string, number> }> {
  const bySec = new Map<string, { count: number; kinds: Map<string, number> }>();
  for (const r of obj.relocations) {
    let e = bySec.get(r.section);
    if (!e) bySec.set(r.section, (e = { count: 0, kinds: new Map() }));
    e.count++;
    const kind = r.resolution.split(' ')[0]!;
    const k = kind === 'map' && r.resolution.startsWith('map value') ? 'map value' : kind;
    e.kinds.set(k, (e.kinds.get(k) ?? 0) + 1);
  }
  return bySec;
}

/** The object as one JSON-ready value (`inspect --json`). */
export function inspectToJson(obj: LoadedObject, opts: InspectOptions = {}): Record<string, unknown> {
  const mapName = (i: number): string => obj.maps[i]?.name ?? `#${i}`;
  return {
    file: obj.file,
    license: obj.license,
    kernelVersion: obj.kernelVersion,
    sections: obj.sections.map((s) => ({ index: s.index, name: s.name, type: s.type, size: s.size, role: s.role })),
    programs: obj.programs.map((p) => ({
      name: p.name, section: p.section, type: p.kernelType, typeId: p.kernelTypeId,
      expectedAttachType: p.expectedAttachType, runnable: bpfboxTypeOf(p.kernelType) !== null,
      insns: p.program.slotCount, maps: p.mapsUsed.map(mapName),
      functions: [...p.functions].map(([slot, name]) => ({ slot, name })), firstLine: firstLine(p),
    })),
    maps: obj.maps.map((m: MapDef, index) => ({
      index, name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries,
      flags: m.flags ?? 0, origin: m.origin ?? 'declared', ...(m.inner ? { inner: { type: m.inner.type, keySize: m.inner.keySize, valueSize: m.inner.valueSize, maxEntries: m.inner.maxEntries } } : {}),
    })),
    relocations: opts.verbose
      ? obj.relocations
      : [...relocSummary(obj)].map(([section, e]) => ({ section, count: e.count, kinds: Object.fromEntries(e.kinds) })),
    btf: obj.btf,
    warnings: obj.warnings,
  };
}

/** Rows as aligned columns; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    indent + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The object as readable text (`inspect`). */
export function formatInspect(obj: LoadedObject, opts: InspectOptions = {}): string {
  const out: string[] = [];
  const mapName = (i: number): string => obj.maps[i]?.name ?? `#${i}`;
  out.push(`${obj.file ?? 'object'}: ${obj.programs.length} program${obj.programs.length === 1 ? '' : 's'}, ${obj.maps.length} map${obj.maps.length === 1 ? '' : 's'}, license ${obj.license === null ? '(none)' : JSON.stringify(obj.license)}` +
    (obj.kernelVersion !== null ? `, kernel version 0x${obj.kernelVersion.toString(16)}` : ''));

  out.push('', 'Programs:');
  if (obj.programs.length === 0) out.push('  (none)');
  else {
    out.push(table(['name', 'section', 'type', 'insns', 'maps', 'functions', 'first C line'], obj.programs.map((p) => [
      p.name, p.section, p.kernelType + (bpfboxTypeOf(p.kernelType) ? '' : '*'), String(p.program.slotCount),
      shortList(p.mapsUsed.map(mapName)),
      p.functions.size > 1 ? shortList([...p.functions.values()].slice(1), 32) : '-',
      shortLine(firstLine(p)),
    ])));
    if (obj.programs.some((p) => !bpfboxTypeOf(p.kernelType))) {
      out.push('  * bpfbox runs and verifies xdp, socket_filter and kprobe programs; give --type for the others');
    }
  }

  out.push('', 'Maps:');
  if (obj.maps.length === 0) out.push('  (none)');
  else {
    out.push(table(['#', 'name', 'type', 'key', 'value', 'max_entries', 'flags', 'origin'], obj.maps.map((m, i) => [
      String(i), m.name, m.type + (m.inner ? ` (inner: ${m.inner.type} ${m.inner.keySize}/${m.inner.valueSize})` : ''),
      String(m.keySize), String(m.valueSize), String(m.maxEntries), flagsText(m.flags), m.origin ?? 'declared',
    ])));
  }

  out.push('', 'Sections:');
  out.push(table(['#', 'name', 'type', 'size', 'role'], obj.sections.map((s) => [
    String(s.index), s.name, s.type, String(s.size), s.role,
  ])));

  out.push('', 'Relocations:');
  const summary = relocSummary(obj);
  if (summary.size === 0) out.push('  (none in code or map sections)');
  else {
    out.push(table(['section', 'count', 'resolved as'], [...summary].map(([sec, e]) => [
      sec, String(e.count), [...e.kinds].map(([k, n]) => `${n} ${k}`).join(', '),
    ])));
    if (opts.verbose) {
      out.push('');
      out.push(table(['section', 'offset', 'type', 'symbol', 'resolution'], obj.relocations.map((r) => [
        r.section, String(r.offset), r.type, r.symbol, r.resolution,
      ])));
    }
  }

  out.push('', 'BTF:');
  if (!obj.btf) out.push('  (none)');
  else {
    const b = obj.btf;
    out.push(`  ${b.types} types, ${b.funcs} functions, ${b.strings} bytes of strings; ` +
      (b.hasExt ? `.BTF.ext with ${b.lineInfos} line records` : 'no .BTF.ext (no line information)'));
  }

  if (obj.warnings.length) {
    out.push('', 'Warnings:');
    for (const w of obj.warnings) out.push(`  - ${w}`);
  }
  return out.join('\n') + '\n';
}
