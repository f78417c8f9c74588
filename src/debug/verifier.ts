// The verifier's view of a program, per instruction: its level-2 log split by instruction, the
// abstract states it kept there, and for a rejected program the path that led to the rejection.

import type { Program } from '../isa/index.js';
import type { MapDef } from '../runtime/maps/def.js';
import type { ProgTypeName } from '../runtime/progtypes.js';
import { type VState, type VerifyResult, verifyBytes } from '../verifier/index.js';

export type LogEntryKind =
  /** `5: (2d) if r4 > r3 goto pc+5   ; R3=... R4=...` (an instruction and the registers it touched) */
  | 'insn'
  /** `0: R1=ctx() R10=fp0` (a full state at the start or after a pruning point) */
  | 'state'
  /** `from 23 to 27: R0=2 R1=0 ...` (a branch the verifier comes back to) */
  | 'branch'
  /** any other line (error messages, `caller:`, `safe`...), attached to the instruction before it */
  | 'note';

export interface LogEntry {
  /** Position in the log (0-based line number). */
  readonly index: number;
  /** Instruction (slot) the line belongs to. */
  readonly pc: number;
  readonly kind: LogEntryKind;
  /** The line as the verifier printed it. */
  readonly text: string;
  /** For 'branch': the instruction the branch was taken at. */
  readonly from?: number;
}

export interface VerifierView {
  readonly result: VerifyResult;
  readonly accepted: boolean;
  /** The log lines, structured (statistics lines left out). */
  readonly entries: readonly LogEntry[];
  /** Every log line that belongs to instruction `pc`, in log order. */
  logAt(pc: number): LogEntry[];
  /** The abstract states the verifier kept at `pc` (before the instruction), formatted as in its log. */
  statesAt(pc: number): { state: VState; text: string }[];
  /**
   * Rejected programs: the path the verifier walked to the rejection, one log entry per
   * instruction (branch states where the path resumed a pushed branch); null when accepted.
   */
  readonly path: readonly LogEntry[] | null;
  /** Rejected programs: the kernel message, its code, and an explanation in plain words. */
  readonly rejection: { pc: number; message: string; code: string; explanation: string } | null;
}

const STATS = /^(verification time|stack depth|processed \d+ insns)/;

/** Splits a level-2 log into entries per instruction. */
export function parseVerifierLog(log: string): LogEntry[] {
  const out: LogEntry[] = [];
  let pc = 0;
  log.split('\n').forEach((line, index) => {
    if (line === '' || STATS.test(line)) return;
    let m = /^from (\d+) to (\d+):/.exec(line);
    if (m) {
      pc = Number(m[2]);
      out.push({ index, pc, kind: 'branch', text: line, from: Number(m[1]) });
      return;
    }
    m = /^(\d+): (\(|R|frame|fp|refs)/.exec(line);
    if (m) {
      pc = Number(/^(\d+)/.exec(line)![1]);
      out.push({ index, pc, kind: m[2] === '(' ? 'insn' : 'state', text: line });
      return;
    }
    out.push({ index, pc, kind: 'note', text: line });
  });
  return out;
}

/**
 * The path to the last instruction of the log: the last straight run of instructions, and in
 * front of each branch's resumption, the path to the instruction it was pushed at (the verifier
 * walks depth first, so that is the latest visit of it before the branch resumes).
 */
export function pathToEnd(entries: readonly LogEntry[]): LogEntry[] {
  const path: LogEntry[] = [];
  let i = entries.length - 1;
  // skip trailing notes (the error message)
  while (i >= 0 && entries[i]!.kind === 'note') i--;
  let guard = 0;
  while (i >= 0 && guard++ < 1_000_000) {
    const e = entries[i]!;
    if (e.kind === 'insn') {
      path.push(e);
      i--;
      continue;
    }
    if (e.kind === 'branch') {
      path.push(e);
      // resume before the branch, at the latest visit of the branch instruction
      let j = i - 1;
      while (j >= 0 && !(entries[j]!.kind === 'insn' && entries[j]!.pc === e.from)) j--;
      i = j;
      continue;
    }
    if (e.kind === 'state' && e.pc === 0 && path.length > 0 && i === firstStateIndex(entries)) {
      path.push(e);
      break;
    }
    i--;
  }
  return path.reverse();
}

function firstStateIndex(entries: readonly LogEntry[]): number {
  return entries.findIndex((e) => e.kind === 'state');
}

export interface VerifierInput {
  readonly bytes: Uint8Array;
  readonly program: Program;
  readonly maps: readonly MapDef[];
}

/** Runs the verifier at log level 2 (as `bpfbox verify --log-level 2`) and structures what it says. */
export function verifierView(p: VerifierInput, opts: { progType: ProgTypeName; memSize?: number }): VerifierView {
  const result = verifyBytes(p.bytes, { progType: opts.progType, memSize: opts.memSize ?? 0, maps: p.maps, logLevel: 2 });
  const entries = parseVerifierLog(result.log);
  const byPc = new Map<number, LogEntry[]>();
  for (const e of entries) {
    let l = byPc.get(e.pc);
    if (!l) byPc.set(e.pc, (l = []));
    l.push(e);
  }
  const rejection = result.error
    ? { pc: result.error.pc, message: result.error.message, code: result.error.code, explanation: result.error.explanation }
    : null;
  return {
    result,
    accepted: result.accepted,
    entries,
    logAt: (pc) => byPc.get(pc)?.slice() ?? [],
    statesAt: (pc) => result.statesAt(pc).map((state) => ({ state, text: result.formatState(state) })),
    path: result.accepted ? null : pathToEnd(entries),
    rejection,
  };
}
