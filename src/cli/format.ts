// Text and JSON renderings of run results for the command line.

import { formatInsn } from '../asm/index.js';
import type { LoadedProgram } from '../input/load.js';
import type { Fault, TraceStep } from '../vm/index.js';

const hex = (v: bigint): string => '0x' + v.toString(16);

function sourceLine(p: Pick<LoadedProgram, 'lines' | 'program'>, pc: number): number | undefined {
  const idx = p.program.insnAtSlot[pc] ?? -1;
  return p.lines && idx >= 0 ? p.lines[idx] : undefined;
}

/** `   3: r1 += 4                 r1: 0x10 -> 0x14` (the source line too, when known). */
export function formatTraceStep(step: TraceStep, p: Pick<LoadedProgram, 'lines' | 'program' | 'syntax' | 'labelAt'>): string {
  const labelAt = p.labelAt ? (slot: number) => p.labelAt!.get(slot) : undefined;
  const text = step.insn ? formatInsn(step.insn, p.syntax ?? 'llvm', { slot: step.pc, labelAt }) : '<no instruction>';
  const line = sourceLine(p, step.pc);
  const where = `${String(step.pc).padStart(5)}${line !== undefined ? ` (line ${line})`.padEnd(12) : ''}:`;
  const changes = step.changes.map((c) => `r${c.reg}: ${hex(c.before)} -> ${hex(c.after)}`).join(', ');
  const fault = step.fault ? `  FAULT ${step.fault.code}` : '';
  return `${where} ${text.padEnd(36)} ${changes}${fault}`.trimEnd();
}

/** Fault as a JSON-ready object, with the source line where known. */
export function faultToJson(f: Fault | null, p: Pick<LoadedProgram, 'lines' | 'program' | 'file'>): Record<string, unknown> | null {
  if (!f) return null;
  const line = sourceLine(p, f.pc);
  return {
    code: f.code,
    kind: f.kind,
    pc: f.pc,
    message: f.message,
    address: f.address,
    size: f.size,
    region: f.region,
    ...(line !== undefined ? { file: p.file, line } : {}),
  };
}

/** `load of 8 bytes ... at insn 0 (prog.s:4) [E_OUT_OF_BOUNDS]` */
export function formatFaultLine(f: Fault, p: Pick<LoadedProgram, 'lines' | 'program' | 'file'>): string {
  const line = sourceLine(p, f.pc);
  const where = line !== undefined ? ` (${p.file}:${line})` : '';
  return `${f.message} at insn ${f.pc}${where} [${f.code}]`;
}
