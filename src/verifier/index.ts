// bpfbox verifier: a model of the Linux kernel's eBPF verifier (kernel/bpf/verifier.c), with the
// kernel's messages, log notation and statistics. `verify()` never throws and always terminates.

import { type Program, decode } from '../isa/encoding.js';
import type { Diagnostic } from '../util/diagnostics.js';
import type { MapDef } from '../runtime/helpers.js';
import { type ProgTypeName, progType } from '../runtime/progtypes.js';
import { checkCfg } from './cfg.js';
import { Engine, Reject } from './engine.js';
import { explain } from './errors.js';
import { formatState } from './print.js';
import type { VState } from './state.js';

export type { MapDef, MapType } from '../runtime/helpers.js';
export type { VState, Reg, RegType, FuncState } from './state.js';
export { kernelInsnText, formatReg } from './print.js';

export interface VerifyOptions {
  progType: ProgTypeName;
  /** Input size for `raw` programs (r1 = memory of this size, r2 = the size). Default 0. */
  memSize?: number;
  unprivileged?: boolean;
  logLevel?: 0 | 1 | 2;
  maps?: readonly MapDef[];
  /** Complexity limit (default 1,000,000 processed instructions, as the kernel). */
  maxProcessed?: number;
  /** Abstract states kept per instruction for statesAt (default 16). */
  statesPerInsn?: number;
  /**
   * Whether the program comes with BTF function information (`.BTF.ext` func_info, as clang
   * emits it). The kernel requires it for callbacks (lddw src=4, used by bpf_loop) and rejects
   * them without it (`missing btf func_info`). Default true; assembly programs loaded into the
   * kernel have none (pass false to judge them as the kernel does).
   */
  funcInfo?: boolean;
}

export interface VerifierError {
  readonly pc: number;
  readonly code: string;
  readonly message: string;
  readonly explanation: string;
}

export interface VerifyStats {
  readonly processedInsns: number;
  readonly totalStates: number;
  readonly peakStates: number;
  readonly maxStatesPerInsn: number;
  readonly markRead: number;
  readonly verificationTimeUs: number;
  /** Sum over subprograms, as a number; the per-subprogram list is in stackDepths. */
  readonly stackDepth: number;
  readonly stackDepths: readonly number[];
}

export interface VerifyResult {
  readonly accepted: boolean;
  readonly error: VerifierError | null;
  readonly stats: VerifyStats;
  readonly log: string;
  /** Abstract states seen at each instruction (slot index), capped per instruction. */
  readonly states: ReadonlyMap<number, readonly VState[]>;
  statesAt(pc: number): readonly VState[];
  /** ` R1=ctx() R10=fp0 ...` for one of those states (its innermost frame). */
  formatState(state: VState): string;
}

export const COMPLEXITY_LIMIT = 1_000_000;
export const UNPRIV_INSN_LIMIT = 4096;

/** Microseconds from a monotonic clock that Node and browsers both have. */
function nowUs(): number {
  return Math.floor(globalThis.performance.now() * 1000);
}

function statsText(s: VerifyStats): string {
  return `verification time ${s.verificationTimeUs} usec\nstack depth ${s.stackDepths.join('+')}\n` +
    `processed ${s.processedInsns} insns (limit ${COMPLEXITY_LIMIT}) max_states_per_insn ${s.maxStatesPerInsn} ` +
    `total_states ${s.totalStates} peak_states ${s.peakStates} mark_read ${s.markRead}\n`;
}

function result(
  accepted: boolean, error: VerifierError | null, stats: VerifyStats, log: string,
  states: Map<number, VState[]>, maps: readonly MapDef[],
): VerifyResult {
  return {
    accepted, error, stats, log: log + statsText(stats), states,
    statesAt: (pc) => states.get(pc) ?? [],
    formatState: (st) => formatState(st, st.frames.length - 1, maps, null),
  };
}

function emptyStats(t0: number): VerifyStats {
  return {
    processedInsns: 0, totalStates: 0, peakStates: 0, maxStatesPerInsn: 0, markRead: 0,
    verificationTimeUs: Math.max(0, nowUs() - t0), stackDepth: 0, stackDepths: [0],
  };
}

function rejectEarly(t0: number, pc: number, code: string, message: string, logLevel: number, maps: readonly MapDef[]): VerifyResult {
  const err = { pc, code, message, explanation: explain(code) };
  return result(false, err, emptyStats(t0), logLevel > 0 ? message + '\n' : '', new Map(), maps);
}

/** Verifies a decoded program. Never throws. */
export function verify(program: Program, options: VerifyOptions): VerifyResult {
  const t0 = nowUs();
  const maps = options.maps ?? [];
  const logLevel = options.logLevel ?? 0;
  try {
    const pt = progType(options.progType);
    if (!pt) return rejectEarly(t0, 0, 'E_VERIFIER_INTERNAL', `unknown program type ${String(options.progType)}`, logLevel, maps);
    const privileged = !options.unprivileged;
    if (!privileged && !pt.unprivileged) {
      return rejectEarly(t0, 0, 'E_VERIFIER_PERMISSION', `unprivileged loading of ${pt.name} programs is not permitted (EPERM)`, logLevel, maps);
    }
    const n = program.slotCount;
    if (n === 0) return rejectEarly(t0, 0, 'E_VERIFIER_INTERNAL', 'program has no instructions', logLevel, maps);
    const sizeLimit = privileged ? COMPLEXITY_LIMIT : UNPRIV_INSN_LIMIT;
    if (n > sizeLimit) {
      return rejectEarly(t0, 0, 'E_VERIFIER_PROG_TOO_LARGE', `program of ${n} instructions exceeds the limit of ${sizeLimit} (E2BIG)`, logLevel, maps);
    }
    for (let i = 0; i < program.insns.length; i++) {
      const op = program.insns[i]!.op;
      if (op.kind === 'callx') {
        return rejectEarly(t0, program.slotOf[i]!, 'E_VERIFIER_UNKNOWN_OPCODE', `unknown opcode ${op.opcode.toString(16).padStart(2, '0')}`, logLevel, maps);
      }
    }
    // resolve_pseudo_ldimm64: map references are resolved before the walk
    for (let i = 0; i < program.insns.length; i++) {
      const insn = program.insns[i]!;
      if (insn.op.kind !== 'lddw' || !(insn.src === 1 || insn.src === 2)) continue;
      if (insn.imm < 0 || insn.imm >= maps.length) {
        return rejectEarly(t0, program.slotOf[i]!, 'E_VERIFIER_MAP_FD', `fd ${insn.imm} is not pointing to valid bpf_map`, logLevel, maps);
      }
      if (insn.src === 2) {
        const err = directValueError(maps[insn.imm]!, insn.imm2 >>> 0);
        if (err) return rejectEarly(t0, program.slotOf[i]!, 'E_VERIFIER_MAP_FD', err, logLevel, maps);
      }
    }
    const cfg = checkCfg(program, privileged, pt.retRange !== null);
    if (!cfg.ok) return rejectEarly(t0, cfg.error.pc, cfg.error.code, cfg.error.message, logLevel, maps);
    const engine = new Engine({
      prog: program, pt, maps, memSize: Math.max(0, Math.floor(options.memSize ?? 0)), privileged,
      logLevel, maxProcessed: options.maxProcessed ?? COMPLEXITY_LIMIT, cfg: cfg.info,
      statesPerPcCap: options.statesPerInsn ?? 16, funcInfo: options.funcInfo ?? true,
    });
    let error: VerifierError | null = null;
    try {
      engine.run();
    } catch (e) {
      if (e instanceof Reject) {
        error = { pc: e.pc, code: e.code, message: e.message, explanation: explain(e.code) };
        if (logLevel > 0 && e.code !== 'E_VERIFIER_INFINITE_LOOP') engine.verbose(e.message + '\n');
      } else {
        const msg = e instanceof Error ? e.message : String(e);
        error = { pc: engine.pc, code: 'E_VERIFIER_INTERNAL', message: `internal error: ${msg}`, explanation: explain('E_VERIFIER_INTERNAL') };
        if (logLevel > 0) engine.verbose(error.message + '\n');
      }
    }
    const s = engine.stats;
    const stats: VerifyStats = {
      processedInsns: Math.min(s.processed, (options.maxProcessed ?? COMPLEXITY_LIMIT) + 1),
      totalStates: s.totalStates, peakStates: s.peakStates, maxStatesPerInsn: s.maxStatesPerInsn, markRead: 0,
      verificationTimeUs: Math.max(0, nowUs() - t0), stackDepth: s.stackDepth.reduce((a, b) => a + b, 0),
      stackDepths: s.stackDepth,
    };
    return result(error === null, error, stats, engine.log, engine.statesAt, maps);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return rejectEarly(t0, 0, 'E_VERIFIER_INTERNAL', `internal error: ${msg}`, logLevel, maps);
  }
}

/** The kernel's map_direct_value_addr checks of `map_value(i, off)` (lddw src=2). */
function directValueError(def: MapDef, off: number): string | null {
  if (off >= 1 << 29) return `direct value offset of ${off} is not allowed`;
  if (def.type !== 'array') return 'no direct value access support for this map type';
  if (def.maxEntries !== 1 || off >= def.valueSize) {
    return `invalid access to map value pointer, value_size=${def.valueSize} off=${off}`;
  }
  return null;
}

const CLASS_NAMES = ['BPF_LD', 'BPF_LDX', 'BPF_ST', 'BPF_STX', 'BPF_ALU', 'BPF_JMP', 'BPF_JMP32', 'BPF_ALU64'];

/** The kernel's rejection for bytes that do not decode (unknown opcode, reserved fields...). */
export function decodeRejection(bytes: Uint8Array, errors: readonly Diagnostic[]): { pc: number; code: string; message: string } {
  const unknown = errors.find((e) => e.code === 'E_UNKNOWN_OPCODE');
  const first = unknown ?? errors[0];
  const pc = first?.insn ?? 0;
  const opcode = bytes[pc * 8] ?? 0;
  switch (first?.code) {
    case 'E_UNKNOWN_OPCODE':
      return { pc, code: 'E_VERIFIER_UNKNOWN_OPCODE', message: `unknown opcode ${opcode.toString(16).padStart(2, '0')}` };
    case 'E_BAD_REGISTER': {
      const regs = bytes[pc * 8 + 1] ?? 0;
      const r = first.field === 'src' ? regs >> 4 : regs & 15;
      return { pc, code: 'E_VERIFIER_INVALID_REG', message: `R${r} is invalid` };
    }
    case 'E_LDDW_TRUNCATED': case 'E_LDDW_SECOND_SLOT':
      return { pc: first.code === 'E_LDDW_SECOND_SLOT' ? pc - 1 : pc, code: 'E_VERIFIER_BAD_LDDW', message: 'invalid bpf_ld_imm64 insn' };
    case 'E_TRUNCATED':
      return { pc, code: 'E_VERIFIER_TRUNCATED', message: `program size ${bytes.length} is not a multiple of 8 bytes` };
    case 'E_EMPTY':
      return { pc: 0, code: 'E_VERIFIER_INTERNAL', message: 'program has no instructions' };
    default: {
      const cls = opcode & 7;
      if (opcode === 0x18) return { pc, code: 'E_VERIFIER_BAD_LDDW', message: 'invalid bpf_ld_imm64 insn' };
      if ((opcode & 0xe0) === 0xc0 && (cls === 3)) {
        const imm = new DataView(bytes.buffer, bytes.byteOffset).getInt32(pc * 8 + 4, true);
        return { pc, code: 'E_VERIFIER_RESERVED_FIELD', message: `BPF_ATOMIC uses invalid atomic opcode ${(imm >>> 0).toString(16).padStart(2, '0')}` };
      }
      return { pc, code: 'E_VERIFIER_RESERVED_FIELD', message: `${CLASS_NAMES[cls]} uses reserved fields` };
    }
  }
}

/** Verifies raw bytecode: undecodable bytes are a rejection with the kernel's message, not an input error. */
export function verifyBytes(bytes: Uint8Array, options: VerifyOptions): VerifyResult {
  const t0 = nowUs();
  const d = decode(bytes);
  if (d.ok) return verify(d.value, options);
  const r = decodeRejection(bytes, d.errors);
  return rejectEarly(t0, r.pc, r.code, r.message, options.logLevel ?? 0, options.maps ?? []);
}
