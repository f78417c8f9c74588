// Pre-decoding: turns a Program into the flat Int32Array the interpreter runs, once per program.
//
// Layout: STRIDE words per 8-byte slot; the Vm copies the code to word CODE_AT of its array `W`
// (words.ts), so slot s starts at W[CODE_AT + 4 * s]:
//   word 0  dispatch code | dst << 8 | src << 12
//   word 1  s16 offset of memory operations; for jumps and local calls the target as a word index
//           into W (CODE_AT + 4 * target slot)
//   word 2  s32 immediate (shift counts pre-masked; low half of lddw; helper id)
//   word 3  high half of the immediate sign-extended to 64 bits, or lddw's second immediate;
//           access size for legacy packet loads
// Slots past the program hold traps: the slot right after the end catches falling off it, and
// each jump whose target is outside the program (or inside an lddw) gets its own trap slot, so
// the hot loop never checks targets at run time.

import { type Insn, type Program, MAX_REG, layout } from '../isa/index.js';
import { dispatchCodeFor } from './dispatch.js';
import { Code } from './interpreter.js';
import { STRIDE, wordOfSlot } from './words.js';

/** Why a trap slot faults. */
export interface TrapInfo {
  readonly code: string;
  readonly message: string;
  /** Slot of the instruction to blame. */
  readonly pc: number;
}

export interface PreparedProgram {
  readonly kind: 'prepared';
  /** The program, laid out again from its instructions. */
  readonly program: Program;
  readonly code: Int32Array;
  readonly slotCount: number;
  /** Instruction starting at each slot; null for the second slot of an lddw. */
  readonly insnBySlot: readonly (Insn | null)[];
  /** Fault details of trap slots and invalid instructions, by slot index in `code`. */
  readonly traps: ReadonlyMap<number, TrapInfo>;
  /** Whether running it can change memory (stores, atomics, calls of any kind). */
  readonly mayWriteMemory: boolean;
  /**
   * A trap slot no instruction jumps to: the return address of the synthetic call frames the Vm
   * pushes to run a callback (bpf_loop). Returning into it hands control back to the Vm.
   */
  readonly callbackReturnSlot: number;
  /**
   * Another such slot: the return address the Vm gives the caller's frame when a subprogram
   * tail-calls this program, so that returning from it switches back to the caller's program.
   */
  readonly tailReturnSlot: number;
}

/** TrapInfo.code of the callback-return slot (not a fault: see PreparedProgram.callbackReturnSlot). */
export const CALLBACK_RETURN = 'CALLBACK_RETURN';
/** TrapInfo.code of the tail-return slot (see PreparedProgram.tailReturnSlot). */
export const TAIL_RETURN = 'TAIL_RETURN';

export function isPrepared(p: PreparedProgram | Program): p is PreparedProgram {
  return (p as PreparedProgram).kind === 'prepared' && (p as PreparedProgram).code instanceof Int32Array;
}

function isReg(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= MAX_REG;
}

const JUMP_CODES = new Set<number>();
for (let c = Code.JA; c <= Code.JSLE32_REG; c++) JUMP_CODES.add(c);

/** Pre-decodes a program (from `decode` or `layout`). Never throws for malformed instructions:
 * they become trap slots that fault when executed. */
export function prepare(source: Program): PreparedProgram {
  // Recompute the layout from the instructions so hand-built Programs cannot be inconsistent.
  const program = layout(source.insns);
  const slotCount = program.slotCount;
  const insnBySlot: (Insn | null)[] = new Array<Insn | null>(slotCount).fill(null);
  program.insns.forEach((insn, n) => (insnBySlot[program.slotOf[n]!] = insn));

  const traps = new Map<number, TrapInfo>();
  const words: number[] = new Array<number>((slotCount + 1) * STRIDE).fill(0);
  const put = (slot: number, code: number, dst: number, src: number, w1: number, w2: number, w3: number): void => {
    const b = slot * STRIDE;
    words[b] = code | ((dst & 15) << 8) | ((src & 15) << 12);
    words[b + 1] = w1 | 0;
    words[b + 2] = w2 | 0;
    words[b + 3] = w3 | 0;
  };
  const addTrap = (code: Code, info: TrapInfo): number => {
    const slot = words.length / STRIDE;
    words.push(0, 0, 0, 0);
    put(slot, code, 0, 0, 0, 0, 0);
    traps.set(slot, info);
    return slot;
  };
  const jumpTarget = (from: number, delta: number, what: string): number => {
    const target = from + delta + 1;
    if (Number.isInteger(target) && target >= 0 && target < slotCount && insnBySlot[target] !== null) {
      return wordOfSlot(target);
    }
    const where = target >= 0 && target < slotCount
      ? `the second slot of the lddw at slot ${target - 1}`
      : `slot ${target}, outside the program (slots 0-${slotCount - 1})`;
    return wordOfSlot(addTrap(Code.TRAP_BAD_JUMP, { code: 'E_BAD_JUMP', pc: from, message: `${what} to ${where}` }));
  };

  program.insns.forEach((insn, n) => {
    const slot = program.slotOf[n]!;
    const op = insn.op;
    const off = (insn.off << 16) >> 16;
    const imm = insn.imm | 0;
    const imm2 = insn.imm2 | 0;
    const code = dispatchCodeFor(op);
    const badReg = (['dst', 'src'] as const).find((f) => op[f] === 'reg' && !isReg(insn[f]));
    if (code === Code.TRAP_INVALID || badReg) {
      const message = badReg
        ? `${op.name}: register r${insn[badReg]} does not exist (r0-r${MAX_REG})`
        : `operation "${op.name}" is unknown to the interpreter`;
      put(slot, Code.TRAP_INVALID, 0, 0, 0, 0, 0);
      traps.set(slot, { code: badReg ? 'E_BAD_REGISTER' : 'E_INVALID_INSN', pc: slot, message });
      return;
    }
    let w1 = off;
    let w2 = imm;
    let w3 = imm >> 31;
    if (code === Code.LDDW || code === Code.LDDW_PSEUDO) {
      w3 = imm2;
      put(slot + 1, Code.TRAP_INVALID, 0, 0, 0, 0, 0);
      traps.set(slot + 1, { code: 'E_BAD_JUMP', pc: slot + 1, message: 'executed the second slot of an lddw' });
    } else if (code === Code.LD_ABS || code === Code.LD_IND) {
      w3 = op.size;
    } else if (op.kind === 'alu' && (op.op === 'lsh' || op.op === 'rsh' || op.op === 'arsh') && !op.usesSrcReg) {
      // Shift counts are masked by the ISA; do it once here.
      w2 = imm & (op.width === 64 ? 63 : 31);
    } else if (op.name === 'ja32') {
      w1 = jumpTarget(slot, imm, 'jump');
    } else if (JUMP_CODES.has(code)) {
      w1 = jumpTarget(slot, off, 'jump');
    } else if (code === Code.CALL_LOCAL) {
      w1 = jumpTarget(slot, imm, 'local call');
    }
    put(slot, code, insn.dst, insn.src, w1, w2, w3);
  });

  // Falling through past the last instruction lands here.
  const last = program.slotOf[program.insns.length - 1] ?? 0;
  put(slotCount, Code.TRAP_FELL_OFF_END, 0, 0, 0, 0, 0);
  traps.set(slotCount, {
    code: 'E_FELL_OFF_END', pc: last,
    message: slotCount === 0
      ? 'the program has no instructions'
      : `execution ran past the last instruction (slot ${last}) without an exit`,
  });

  // Uses the fell-off-end dispatch code: like it, reaching the slot is not counted as an instruction.
  const callbackReturnSlot = addTrap(Code.TRAP_FELL_OFF_END, {
    code: CALLBACK_RETURN, pc: last, message: 'returned from a callback',
  });
  const tailReturnSlot = addTrap(Code.TRAP_FELL_OFF_END, {
    code: TAIL_RETURN, pc: last, message: 'returned from a program entered by a tail call in a subprogram',
  });

  // Calls, pseudo lddw and legacy packet loads run embedder code (helpers, resolvers, accessors).
  const writers = new Set(['st', 'stx', 'atomic', 'call_helper', 'call_local', 'call_kfunc', 'callx', 'ld_abs', 'ld_ind']);
  const mayWriteMemory = program.insns.some((i) => writers.has(i.op.kind) || (i.op.kind === 'lddw' && i.src !== 0));
  return {
    kind: 'prepared', program, code: Int32Array.from(words), slotCount, insnBySlot, traps, mayWriteMemory, callbackReturnSlot,
    tailReturnSlot,
  };
}
