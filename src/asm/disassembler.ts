// Disassembler: prints each instruction with its row's canonical template (src/isa/opcodes.ts),
// naming jump and local-call targets with labels. The output re-assembles to identical bytes.

import { type Insn, type Program, encode, layout } from '../isa/encoding.js';
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
  prog.insns.forEach((insn, n) => {
    const slot = prog.slotOf[n]!;
    const label = labels.get(slot);
    if (label !== undefined) out.push(`${label}:`);
    let prefix = indent;
    if (addresses) prefix = `${String(slot).padStart(6)}:\t${opts.rawBytes ? `${hexBytes(insn)}\t` : ''}`;
    out.push(prefix + formatInsn(insn, syntax, { slot, labelAt }));
  });
  const endLabel = labels.get(prog.slotCount);
  if (endLabel !== undefined) out.push(`${endLabel}:`);
  return out.join('\n') + '\n';
}

function isInsnList(p: Program | readonly Insn[]): p is readonly Insn[] {
  return Array.isArray(p);
}
