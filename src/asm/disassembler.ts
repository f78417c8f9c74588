// Disassembler: prints each instruction with its row's canonical template (src/isa/opcodes.ts),
// naming jump and local-call targets with labels. The output re-assembles to identical bytes.

import { type Insn, type Program, encode, layout } from '../isa/encoding.js';
import type { MapDef } from '../runtime/maps/def.js';
import { type RenderContext, type Syntax, canonicalTemplate, renderTemplate, targetKind } from './template.js';

export interface DisassembleOptions {
  /** Default `llvm` (pseudo-C). */
  readonly syntax?: Syntax;
  /** Name jump and call targets with labels (`L3:`, `func_7:`); default true. */
  readonly labels?: boolean;
  /** Prefix each instruction with its slot number, like llvm-objdump (`  12:\t`). */
  readonly addresses?: boolean;
  /** Also print the raw bytes after the slot number (implies `addresses`). */
  readonly rawBytes?: boolean;
  /**
   * The program's maps: printed first as `.map` directives, and map operands by name
   * (`map_fd(counts)`), so the text re-assembles with its maps.
   */
  readonly maps?: readonly MapDef[];
  /** Printed first as a `.section` directive (the program section for `asm -o`). */
  readonly section?: string;
}


/**
 * `.map` directives declaring `maps` in order, and the name each map index is printed with (names
 * that are not identifiers, like `.rodata`, are made into ones). A map-in-map's inner map names an
 * equal declared map, or gets a `.map` line of its own after the others (which the assembler
 * accepts as a forward reference; it adds a map at the end, after every index the program uses).
 */
export function mapDirectives(maps: readonly MapDef[]): { lines: string[]; names: string[] } {
  const used = new Set<string>();
  const unique = (raw: string): string => {
    let base = raw.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z_]/.test(base)) base = `m_${base}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  };
  const names = maps.map((m) => unique(m.name));
  const lines: string[] = [];
  const extra: string[] = [];
  const line = (m: MapDef, name: string, inner?: string): string => {
    let s = `.map ${name} ${m.type} key=${m.keySize} value=${m.valueSize} entries=${m.maxEntries}`;
    if (m.flags) s += ` flags=${m.flags}`;
    if (inner) s += ` inner=${inner}`;
    if (m.origin && m.origin !== 'declared') s += `    ; global data (${m.origin}): initial contents not shown`;
    return s;
  };
  const same = (a: MapDef, b: MapDef): boolean => a.type === b.type && a.keySize === b.keySize &&
    a.valueSize === b.valueSize && a.maxEntries === b.maxEntries && (a.flags ?? 0) === (b.flags ?? 0) && !a.inner && !b.inner;
  maps.forEach((m, i) => {
    let inner: string | undefined;
    if (m.inner) {
      const k = maps.findIndex((o) => o === m.inner || same(o, m.inner!));
      if (k >= 0) {
        inner = names[k];
      } else {
        inner = unique(`${names[i]}_inner`);
        extra.push(line(m.inner, inner));
      }
    }
    lines.push(line(m, names[i]!, inner));
  });
  return { lines: [...lines, ...extra], names };
}

/** Where an instruction sits and how its targets are named (both optional). */
export type FormatContext = RenderContext;

/** One instruction as text; give `slot` and `labelAt` to print label names for targets. */
export function formatInsn(insn: Insn, syntax: Syntax = 'llvm', ctx: FormatContext = {}): string {
  return renderTemplate(canonicalTemplate(insn.op, syntax), insn, ctx);
}

/**
 * The slot a jump, local call or `lddw rX, func(...)` at `slot` refers to (relative offset plus
 * the next slot), or undefined for other instructions.
 */
export function branchTarget(insn: Insn, slot: number): { target: number; call: boolean } | undefined {
  const k = targetKind(insn.op);
  if (!k) return undefined;
  return { target: slot + 1 + (k.field === 'off' ? insn.off : insn.imm), call: k.call };
}

/** Label names for every target inside the program: `func_N` for call targets, `LN` otherwise. */
export function targetLabels(program: Program): Map<number, string> {
  const labels = new Map<number, string>();
  const landsOnInsn = (t: number): boolean =>
    t >= 0 && (t === program.slotCount || (t < program.slotCount && program.insnAtSlot[t] !== -1));
  program.insns.forEach((insn, n) => {
    const b = branchTarget(insn, program.slotOf[n]!);
    if (!b || !landsOnInsn(b.target)) return;
    if (b.call || !labels.has(b.target)) labels.set(b.target, b.call ? `func_${b.target}` : `L${b.target}`);
  });
  return labels;
}

function hexBytes(insn: Insn): string {
  return Array.from(encode([insn]), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The whole program as text, one instruction per line, labels on lines of their own. */
export function disassemble(program: Program | readonly Insn[], opts: DisassembleOptions = {}): string {
  const prog: Program = isInsnList(program) ? layout(program) : program;
  const syntax = opts.syntax ?? 'llvm';
  const labels = opts.labels === false ? new Map<number, string>() : targetLabels(prog);
  const labelAt = (slot: number): string | undefined => labels.get(slot);
  const addresses = opts.addresses === true || opts.rawBytes === true;
  const indent = labels.size > 0 && !addresses ? '    ' : '';
  const out: string[] = [];
  if (opts.section !== undefined) out.push(`.section ${opts.section}`);
  const declared = opts.maps?.length ? mapDirectives(opts.maps) : undefined;
  if (declared) out.push(...declared.lines);
  const mapName = declared ? (i: number): string | undefined => declared.names[i] : undefined;
  prog.insns.forEach((insn, n) => {
    const slot = prog.slotOf[n]!;
    const label = labels.get(slot);
    if (label !== undefined) out.push(`${label}:`);
    let prefix = indent;
    if (addresses) prefix = `${String(slot).padStart(6)}:\t${opts.rawBytes ? `${hexBytes(insn)}\t` : ''}`;
    out.push(prefix + formatInsn(insn, syntax, mapName ? { slot, labelAt, mapName } : { slot, labelAt }));
  });
  const endLabel = labels.get(prog.slotCount);
  if (endLabel !== undefined) out.push(`${endLabel}:`);
  return out.join('\n') + '\n';
}

function isInsnList(p: Program | readonly Insn[]): p is readonly Insn[] {
  return Array.isArray(p);
}
