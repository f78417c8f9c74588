// The interpreter's hot loop: one function, one switch on literal dispatch codes.
//
// Per executed instruction the loop touches only locals, one Int32Array and (for memory
// operations) the per-window DataViews: no BigInt, no allocation. The Int32Array `W` holds the
// registers, the saved call frames and the pre-decoded code (see prepare.ts) together, and it is
// a module-level constant (MEM): TurboFan then compiles its address and length into the loop as
// constants. A typed array that is a parameter or a property instead costs, for every executed
// instruction, a map check and reloads of its length and data pointer, and every register access
// a bounds check against that length; with the constant, W[d] (d below 32) is a single load.
// (That made the benchmark loops 30-50% faster.) So one machine at a time has its state in MEM:
// the resident Vm, the last one to run. Its `words`, `lo` and `hi` are views of MEM; any other
// Vm keeps its registers and frames in its own array, and execute() swaps them when a different
// Vm runs (makeResident). The code is copied into MEM when the program changes.
//
// Layout (words.ts):
//   W[0..15]    low halves of r0..r10 (16 entries: register fields are 4 bits)
//   W[16..31]   high halves
//   W[32..119]  saved frames: per local call, return pc, r6-r9 and r10 as lo/hi pairs
//   W[120]      deepest call depth reached (Vm.reset zeroes only the stacks used)
//   W[121]      current call depth while execute() runs
//   W[128..]    code, STRIDE (4) words per slot; `pc` below is the word index of the current slot
//               (at most W_WORDS = 2^22 words in all)
//
// Everything the loop continues after is written out inline, including 64-bit division: the
// loop makes no call. A call inside any case that continues the loop makes TurboFan keep the
// loop's state (pc, the instruction counter, the memory tables) in stack slots around it, which
// costs every case, not only the one with the call. Helper calls, lddw pseudo forms and
// legacy packet loads therefore leave the loop with Status.Slow; the Vm performs them
// (machine.ts `slowStep`) and calls execute() again. All other ways out (exit, pause, faults)
// leave the loop with a `break` to one epilogue, which calls the Vm to record a fault. So no
// user code (a helper, a loader) ever runs while execute() does.
//
// Stepping, tracing and plain runs all use this one function: `vm.stopAt` is the instruction
// count at which to pause, so a debugger step is `stopAt = insns + 1`. State lives in the Vm
// between calls and in locals during one; every exit from the loop writes pc (as a slot number),
// insns and depth back.
//
// V8 compiles this function with TurboFan only for the cases that have run before it does; the
// first program to reach another case throws the compiled code away. warmup.ts therefore runs
// every case once per process, early.

import type { FaultKind } from './fault.js';
import type { Memory } from './memory.js';

/**
 * Dispatch codes. A `const enum` becomes number literals at each use (tsc inlines it everywhere;
 * esbuild, which vitest uses, only within the defining file, hence it lives here next to the
 * switch), so V8 compiles the switch into a jump table.
 */
export const enum Code {
  // ALU64, immediate operand (imm pre-sign-extended into the hi word)
  ADD64_IMM = 1,
  SUB64_IMM,
  MUL64_IMM,
  DIV64_IMM,
  SDIV64_IMM,
  OR64_IMM,
  AND64_IMM,
  LSH64_IMM,
  RSH64_IMM,
  MOD64_IMM,
  SMOD64_IMM,
  XOR64_IMM,
  ARSH64_IMM,
  MOV64_IMM,
  // ALU64, register operand
  ADD64_REG,
  SUB64_REG,
  MUL64_REG,
  DIV64_REG,
  SDIV64_REG,
  OR64_REG,
  AND64_REG,
  LSH64_REG,
  RSH64_REG,
  MOD64_REG,
  SMOD64_REG,
  XOR64_REG,
  ARSH64_REG,
  MOV64_REG,
  NEG64,
  MOVSX8_64,
  MOVSX16_64,
  MOVSX32_64,
  // ALU32 (every result zero-extended)
  ADD32_IMM,
  SUB32_IMM,
  MUL32_IMM,
  DIV32_IMM,
  SDIV32_IMM,
  OR32_IMM,
  AND32_IMM,
  LSH32_IMM,
  RSH32_IMM,
  MOD32_IMM,
  SMOD32_IMM,
  XOR32_IMM,
  ARSH32_IMM,
  MOV32_IMM,
  ADD32_REG,
  SUB32_REG,
  MUL32_REG,
  DIV32_REG,
  SDIV32_REG,
  OR32_REG,
  AND32_REG,
  LSH32_REG,
  RSH32_REG,
  MOD32_REG,
  SMOD32_REG,
  XOR32_REG,
  ARSH32_REG,
  MOV32_REG,
  NEG32,
  MOVSX8_32,
  MOVSX16_32,
  // Byte order
  LE16,
  LE32,
  LE64,
  BSWAP16,
  BSWAP32,
  BSWAP64,
  // Jumps (target slot precomputed in word 1)
  JA,
  JEQ64_IMM,
  JGT64_IMM,
  JGE64_IMM,
  JSET64_IMM,
  JNE64_IMM,
  JSGT64_IMM,
  JSGE64_IMM,
  JLT64_IMM,
  JLE64_IMM,
  JSLT64_IMM,
  JSLE64_IMM,
  JEQ64_REG,
  JGT64_REG,
  JGE64_REG,
  JSET64_REG,
  JNE64_REG,
  JSGT64_REG,
  JSGE64_REG,
  JLT64_REG,
  JLE64_REG,
  JSLT64_REG,
  JSLE64_REG,
  JEQ32_IMM,
  JGT32_IMM,
  JGE32_IMM,
  JSET32_IMM,
  JNE32_IMM,
  JSGT32_IMM,
  JSGE32_IMM,
  JLT32_IMM,
  JLE32_IMM,
  JSLT32_IMM,
  JSLE32_IMM,
  JEQ32_REG,
  JGT32_REG,
  JGE32_REG,
  JSET32_REG,
  JNE32_REG,
  JSGT32_REG,
  JSGE32_REG,
  JLT32_REG,
  JLE32_REG,
  JSLT32_REG,
  JSLE32_REG,
  // Calls and exit
  CALL_HELPER,
  CALL_LOCAL,
  CALL_KFUNC,
  CALLX,
  EXIT,
  // 64-bit immediate load: plain value, or a pseudo form that needs a resolver
  LDDW,
  LDDW_PSEUDO,
  // Legacy packet loads (need a packet accessor)
  LD_ABS,
  LD_IND,
  // Loads and stores
  LDXB,
  LDXH,
  LDXW,
  LDXDW,
  LDXSB,
  LDXSH,
  LDXSW,
  STB,
  STH,
  STW,
  STDW,
  STXB,
  STXH,
  STXW,
  STXDW,
  // Atomics
  ATOMIC32_ADD,
  ATOMIC32_OR,
  ATOMIC32_AND,
  ATOMIC32_XOR,
  ATOMIC32_FETCH_ADD,
  ATOMIC32_FETCH_OR,
  ATOMIC32_FETCH_AND,
  ATOMIC32_FETCH_XOR,
  ATOMIC32_XCHG,
  ATOMIC32_CMPXCHG,
  ATOMIC64_ADD,
  ATOMIC64_OR,
  ATOMIC64_AND,
  ATOMIC64_XOR,
  ATOMIC64_FETCH_ADD,
  ATOMIC64_FETCH_OR,
  ATOMIC64_FETCH_AND,
  ATOMIC64_FETCH_XOR,
  ATOMIC64_XCHG,
  ATOMIC64_CMPXCHG,
  // Traps: not instructions, placed by `prepare` where execution must stop with a fault.
  TRAP_FELL_OFF_END,
  TRAP_BAD_JUMP,
  TRAP_INVALID,
  /** One past the last code; codes must stay below 256 (they share a word with dst/src). */
  COUNT,
}

export const enum Status {
  Exited = 0,
  Faulted = 1,
  Paused = 2,
  /** The instruction at `pc` (already counted) needs `Vm.slowStep`: a helper call, an lddw pseudo
   * form or a legacy packet load. */
  Slow = 3,
  /** Execution returned into the callback-return slot (prepare.ts): the Vm continues a bpf_loop. */
  CallbackReturn = 4,
}

/** The state and slow paths the loop needs; implemented by `Vm`. */
export interface ExecContext {
  /**
   * Registers and frames: words 0..127 of the layout above, with views of the register halves.
   * They are the Vm's own arrays (`own`, `ownLo`, `ownHi`) or, while the Vm is resident (the
   * last one to run), views of the interpreter's array; execute() switches them.
   */
  words: Int32Array;
  lo: Int32Array;
  hi: Int32Array;
  readonly own: Int32Array;
  readonly ownLo: Int32Array;
  readonly ownHi: Int32Array;
  /** The pre-decoded code (PreparedProgram.code), at most MAX_CODE_SLOTS slots. */
  readonly code: Int32Array;
  readonly memory: Memory;
  /** Slot of the next instruction. */
  pc: number;
  insns: number;
  depth: number;
  /** Pause when `insns` reaches this (at most 2^31 - 1). */
  stopAt: number;
  /** Records the fault of the memory instruction at `pc`: its base register points outside the
   * 32-bit address space, or the access is outside what its window allows. */
  memoryFaultAtPc(): void;
  /** Records the fault of the trap or invalid instruction at `slot`; returns true instead, recording
   * nothing, when `slot` is the program's callback-return slot. */
  trapFault(slot: number): boolean;
  /** Records the fault of the instruction at `pc` whose memory access threw `error`. */
  exceptionFault(error: unknown): void;
  /** Records a non-memory fault of the instruction at `pc`. */
  simpleFault(code: string, kind: FaultKind, message: string): void;
}

/** Results of `Vm.legacyPacketLoad`. */
export const PACKET_OK = 0;
export const PACKET_EXIT = 1;
export const PACKET_FAULT = 2;

/** Bit sets over dispatch codes (all below 32) that the shared division body uses as the
 * literals 0x3000c00 and 0x2080820; test/vm-dispatch.test.ts checks that they agree. */
export const DIV_MOD_CODES = (1 << Code.MOD64_IMM) | (1 << Code.SMOD64_IMM) | (1 << Code.MOD64_REG) | (1 << Code.SMOD64_REG);
export const DIV_SIGNED_CODES = (1 << Code.SDIV64_IMM) | (1 << Code.SMOD64_IMM) | (1 << Code.SDIV64_REG) | (1 << Code.SMOD64_REG);

// The literals below mirror words.ts and memory.ts (V8 folds literals, not imported
// bindings): hi half at +16, frames at 32, code at 128, window = address >>> 24, offset =
// address & 0xffffff, stack frame i at 0x10000000 + i * 0x1000000 with 512 bytes, 8 frames.
// test/vm-dispatch.test.ts checks that they agree.

/** Registers, frames and code of the resident machine (see the top of this file). 16 MiB of
 * address space, of which only what the loaded code reaches is ever touched. */
const MEM = new Int32Array(4194304); // W_WORDS
/** Words 0..127 of MEM, and its register halves: the resident Vm's `words`, `lo` and `hi`. */
const MEM_HEAD = MEM.subarray(0, 128);
const MEM_LO = MEM.subarray(0, 16);
const MEM_HI = MEM.subarray(16, 32);
/** The Vm whose registers and frames are in MEM (weakly: it may be dropped). */
let resident: WeakRef<ExecContext> | null = null;

/**
 * Moves `vm`'s registers and frames into MEM (and the previous resident's out into its own array)
 * and points its `words`, `lo` and `hi` at MEM. Only when a different Vm runs than last time.
 */
function makeResident(vm: ExecContext): void {
  const old = resident === null ? undefined : resident.deref();
  if (old !== undefined && old.words === MEM_HEAD) {
    old.own.set(MEM_HEAD);
    old.words = old.own;
    old.lo = old.ownLo;
    old.hi = old.ownHi;
  }
  MEM_HEAD.set(vm.own);
  vm.words = MEM_HEAD;
  vm.lo = MEM_LO;
  vm.hi = MEM_HI;
  resident = new WeakRef(vm);
}

/** The code currently in MEM (from word 128). */
let installedCode: Int32Array | null = null;

/** Why the loop ended (`why` in execute). */
const enum Exit {
  Exited,
  Paused,
  Slow,
  Memory,
  CallDepth,
  Kfunc,
  Trap,
}

export function execute(vm: ExecContext): Status {
  if (vm.words !== MEM_HEAD) makeResident(vm);
  const code = vm.code;
  if (code !== installedCode) {
    MEM.set(code, 128);
    installedCode = code;
  }
  const W = MEM;
  const loadViews = vm.memory.loadViews;
  const storeViews = vm.memory.storeViews;
  let pc = (vm.pc << 2) + 128;
  // Instructions left before vm.stopAt: one counter instead of a count and a limit (on the way out,
  // insns = stopAt - left). The call depth lives in W[121] meanwhile: fewer loop variables.
  let left = (vm.stopAt - vm.insns) | 0;
  W[121] = vm.depth;
  let why = Exit.Exited;

  // Memory accesses are bounds-checked by the DataViews themselves: an access outside the
  // window's view (an empty view where the region is missing or lacks the permission) throws a
  // RangeError, caught below, and the slow path works out which rule was broken. No access
  // writes anything before its last possible throw. (A DataView's byteLength getter is a builtin
  // call in V8, so an explicit check would cost far more than the DataView's own.)
  try {
    run: for (;;) {
      if (left <= 0) {
        why = Exit.Paused;
        break;
      }
      left = (left - 1) | 0;
      const w = W[pc]!;
      const d = (w >> 8) & 15;
      switch (w & 255) {
        // ---- ALU64, immediate ---------------------------------------------------------------
        case Code.ADD64_IMM: {
          const a = W[d]!;
          const r = (a + W[pc + 2]!) | 0;
          W[d] = r;
          W[d + 16] = (W[d + 16]! + W[pc + 3]! + (r >>> 0 < a >>> 0 ? 1 : 0)) | 0;
          pc += 4;
          break;
        }
        case Code.SUB64_IMM: {
          const a = W[d]!;
          const c = W[pc + 2]!;
          W[d] = (a - c) | 0;
          W[d + 16] = (W[d + 16]! - W[pc + 3]! - (a >>> 0 < c >>> 0 ? 1 : 0)) | 0;
          pc += 4;
          break;
        }
        case Code.MUL64_IMM: {
          const aLo = W[d]!;
          const bLo = W[pc + 2]!;
          const a0 = aLo & 0xffff;
          const a1 = aLo >>> 16;
          const b0 = bLo & 0xffff;
          const b1 = bLo >>> 16;
          const mid = (Math.imul(a1, b0) >>> 0) + (Math.imul(a0, b0) >>> 16);
          const mid2 = (Math.imul(a0, b1) >>> 0) + (mid & 0xffff);
          const high = Math.imul(a1, b1) + (mid >>> 16) + (mid2 >>> 16);
          W[d + 16] = (high + Math.imul(aLo, W[pc + 3]!) + Math.imul(W[d + 16]!, bLo)) | 0;
          W[d] = Math.imul(aLo, bLo);
          pc += 4;
          break;
        }
        case Code.OR64_IMM:
          W[d] = W[d]! | W[pc + 2]!;
          W[d + 16] = W[d + 16]! | W[pc + 3]!;
          pc += 4;
          break;
        case Code.AND64_IMM:
          W[d] = W[d]! & W[pc + 2]!;
          W[d + 16] = W[d + 16]! & W[pc + 3]!;
          pc += 4;
          break;
        case Code.XOR64_IMM:
          W[d] = W[d]! ^ W[pc + 2]!;
          W[d + 16] = W[d + 16]! ^ W[pc + 3]!;
          pc += 4;
          break;
        case Code.LSH64_IMM: {
          const k = W[pc + 2]!;
          if (k !== 0) {
            const l = W[d]!;
            if (k < 32) {
              W[d + 16] = (W[d + 16]! << k) | (l >>> (32 - k));
              W[d] = l << k;
            } else {
              W[d + 16] = l << (k - 32);
              W[d] = 0;
            }
          }
          pc += 4;
          break;
        }
        case Code.RSH64_IMM: {
          const k = W[pc + 2]!;
          if (k !== 0) {
            const h = W[d + 16]!;
            if (k < 32) {
              W[d] = (W[d]! >>> k) | (h << (32 - k));
              W[d + 16] = h >>> k;
            } else {
              W[d] = h >>> (k - 32);
              W[d + 16] = 0;
            }
          }
          pc += 4;
          break;
        }
        case Code.ARSH64_IMM: {
          const k = W[pc + 2]!;
          if (k !== 0) {
            const h = W[d + 16]!;
            if (k < 32) {
              W[d] = (W[d]! >>> k) | (h << (32 - k));
              W[d + 16] = h >> k;
            } else {
              W[d] = h >> (k - 32);
              W[d + 16] = h >> 31;
            }
          }
          pc += 4;
          break;
        }
        case Code.MOV64_IMM:
          W[d] = W[pc + 2]!;
          W[d + 16] = W[pc + 3]!;
          pc += 4;
          break;

        // ---- ALU64, register ----------------------------------------------------------------
        case Code.ADD64_REG: {
          const s = (w >> 12) & 15;
          const a = W[d]!;
          const r = (a + W[s]!) | 0;
          W[d] = r;
          W[d + 16] = (W[d + 16]! + W[s + 16]! + (r >>> 0 < a >>> 0 ? 1 : 0)) | 0;
          pc += 4;
          break;
        }
        case Code.SUB64_REG: {
          const s = (w >> 12) & 15;
          const a = W[d]!;
          const c = W[s]!;
          W[d] = (a - c) | 0;
          W[d + 16] = (W[d + 16]! - W[s + 16]! - (a >>> 0 < c >>> 0 ? 1 : 0)) | 0;
          pc += 4;
          break;
        }
        case Code.MUL64_REG: {
          const s = (w >> 12) & 15;
          const aLo = W[d]!;
          const bLo = W[s]!;
          const a0 = aLo & 0xffff;
          const a1 = aLo >>> 16;
          const b0 = bLo & 0xffff;
          const b1 = bLo >>> 16;
          const mid = (Math.imul(a1, b0) >>> 0) + (Math.imul(a0, b0) >>> 16);
          const mid2 = (Math.imul(a0, b1) >>> 0) + (mid & 0xffff);
          const high = Math.imul(a1, b1) + (mid >>> 16) + (mid2 >>> 16);
          W[d + 16] = (high + Math.imul(aLo, W[s + 16]!) + Math.imul(W[d + 16]!, bLo)) | 0;
          W[d] = Math.imul(aLo, bLo);
          pc += 4;
          break;
        }
        case Code.OR64_REG: {
          const s = (w >> 12) & 15;
          W[d] = W[d]! | W[s]!;
          W[d + 16] = W[d + 16]! | W[s + 16]!;
          pc += 4;
          break;
        }
        case Code.AND64_REG: {
          const s = (w >> 12) & 15;
          W[d] = W[d]! & W[s]!;
          W[d + 16] = W[d + 16]! & W[s + 16]!;
          pc += 4;
          break;
        }
        case Code.XOR64_REG: {
          const s = (w >> 12) & 15;
          W[d] = W[d]! ^ W[s]!;
          W[d + 16] = W[d + 16]! ^ W[s + 16]!;
          pc += 4;
          break;
        }
        case Code.LSH64_REG: {
          const k = W[(w >> 12) & 15]! & 63;
          if (k !== 0) {
            const l = W[d]!;
            if (k < 32) {
              W[d + 16] = (W[d + 16]! << k) | (l >>> (32 - k));
              W[d] = l << k;
            } else {
              W[d + 16] = l << (k - 32);
              W[d] = 0;
            }
          }
          pc += 4;
          break;
        }
        case Code.RSH64_REG: {
          const k = W[(w >> 12) & 15]! & 63;
          if (k !== 0) {
            const h = W[d + 16]!;
            if (k < 32) {
              W[d] = (W[d]! >>> k) | (h << (32 - k));
              W[d + 16] = h >>> k;
            } else {
              W[d] = h >>> (k - 32);
              W[d + 16] = 0;
            }
          }
          pc += 4;
          break;
        }
        case Code.ARSH64_REG: {
          const k = W[(w >> 12) & 15]! & 63;
          if (k !== 0) {
            const h = W[d + 16]!;
            if (k < 32) {
              W[d] = (W[d]! >>> k) | (h << (32 - k));
              W[d + 16] = h >> k;
            } else {
              W[d] = h >> (k - 32);
              W[d + 16] = h >> 31;
            }
          }
          pc += 4;
          break;
        }
        case Code.MOV64_REG: {
          const s = (w >> 12) & 15;
          W[d] = W[s]!;
          W[d + 16] = W[s + 16]!;
          pc += 4;
          break;
        }
        case Code.NEG64: {
          const l = W[d]!;
          W[d + 16] = (~W[d + 16]! + (l === 0 ? 1 : 0)) | 0;
          W[d] = -l | 0;
          pc += 4;
          break;
        }
        case Code.MOVSX8_64: {
          const v = (W[(w >> 12) & 15]! << 24) >> 24;
          W[d] = v;
          W[d + 16] = v >> 31;
          pc += 4;
          break;
        }
        case Code.MOVSX16_64: {
          const v = (W[(w >> 12) & 15]! << 16) >> 16;
          W[d] = v;
          W[d + 16] = v >> 31;
          pc += 4;
          break;
        }
        case Code.MOVSX32_64: {
          const v = W[(w >> 12) & 15]!;
          W[d] = v;
          W[d + 16] = v >> 31;
          pc += 4;
          break;
        }

        // ---- 64-bit division and modulo: one body for all eight forms -------------------------
        // The same algorithm as arith.ts `divmod64` (which explains it and is tested against BigInt
        // for every path), written out here so that the loop makes no call: a call in any case
        // makes V8 spill the loop's state around it, which slows every other case down.
        case Code.DIV64_IMM:
        case Code.SDIV64_IMM:
        case Code.MOD64_IMM:
        case Code.SMOD64_IMM:
        case Code.DIV64_REG:
        case Code.SDIV64_REG:
        case Code.MOD64_REG:
        case Code.SMOD64_REG: {
          const op = w & 255;
          let aLo = W[d]!;
          let aHi = W[d + 16]!;
          let bLo: number;
          let bHi: number;
          if (op < Code.ADD64_REG) {
            bLo = W[pc + 2]!;
            bHi = W[pc + 3]!;
          } else {
            const s = (w >> 12) & 15;
            bLo = W[s]!;
            bHi = W[s + 16]!;
          }
          const isMod = ((0x3000c00 >>> op) & 1) !== 0; // DIV_MOD_CODES
          // Signed forms divide magnitudes; neg: negate the result (bit 0: quotient, 1: remainder).
          let neg = 0;
          if (((0x2080820 >>> op) & 1) !== 0) { // DIV_SIGNED_CODES
            if (aHi < 0) {
              aHi = (~aHi + (aLo === 0 ? 1 : 0)) | 0;
              aLo = -aLo | 0;
              neg = 3;
            }
            if (bHi < 0) {
              bHi = (~bHi + (bLo === 0 ? 1 : 0)) | 0;
              bLo = -bLo | 0;
              neg ^= 1;
            }
          }
          const aL = aLo >>> 0;
          const bL = bLo >>> 0;
          let lo: number;
          let hi: number;
          if ((aHi | bHi) === 0) {
            // Both below 2^32 (a zero divisor gives q = 0, r = a).
            const q = (aL / bL) >>> 0;
            if (isMod) {
              lo = (aLo - Math.imul(q, bLo)) | 0;
              neg >>= 1;
            } else {
              lo = q | 0;
            }
            hi = 0;
          } else {
            const aH = aHi >>> 0;
            if (bHi === 0 && bL < 0x40000000 && aH < bL * 524288) {
              // b < 2^30 and a / b < 2^51: q from doubles is off by at most one, and the
              // remainder is small enough to take from its low 32 bits.
              let q = Math.floor((aH * 4294967296 + aL) / bL);
              let r = (aLo - Math.imul(q, bLo)) | 0;
              if (r < 0) {
                q -= 1;
                r += bL;
              } else if (r >= bL) {
                q += 1;
                r -= bL;
              }
              if (isMod) {
                lo = r | 0;
                hi = 0;
                neg >>= 1;
              } else {
                lo = q | 0;
                hi = (q * 2.3283064365386963e-10) | 0;
              }
            } else {
              const bH = bHi >>> 0;
              let q = 0;
              let qh = 0;
              let r = 0;
              let rh = 0;
              if (bH < 0x80000) {
                const b = bH * 4294967296 + bL;
                if (b === 0) {
                  r = aL;
                  rh = aH;
                } else {
                  let ah = aH;
                  if (ah >= b * 524288) {
                    // a / b >= 2^51 (b < 2^13): the high word first.
                    qh = Math.floor(ah / b);
                    ah -= qh * b;
                  }
                  const a = ah * 4294967296 + aL;
                  q = Math.floor(a / b);
                  const ra = a - q * b;
                  r = ra + ((((aLo - Math.imul(q, bLo)) | 0) - ra) | 0);
                  if (r < 0) {
                    r += b;
                    q -= 1;
                  } else if (r >= b) {
                    r -= b;
                    q += 1;
                  }
                  rh = Math.floor(r * 2.3283064365386963e-10);
                  r -= rh * 4294967296;
                  const h = Math.floor(q * 2.3283064365386963e-10);
                  qh += h;
                  q -= h * 4294967296;
                }
              } else {
                // b >= 2^51: q < 2^13, so every product here is exact.
                q = Math.floor((aH * 4294967296 + aL) / (bH * 4294967296 + bL));
                r = aL - q * bL;
                rh = aH - q * bH;
                const c = Math.floor(r * 2.3283064365386963e-10);
                r -= c * 4294967296;
                rh += c;
                if (rh < 0) {
                  q -= 1;
                  r += bL;
                  rh += bH;
                  if (r >= 4294967296) {
                    r -= 4294967296;
                    rh += 1;
                  }
                } else if (rh > bH || (rh === bH && r >= bL)) {
                  q += 1;
                  r -= bL;
                  rh -= bH;
                  if (r < 0) {
                    r += 4294967296;
                    rh -= 1;
                  }
                }
              }
              if (isMod) {
                lo = r | 0;
                hi = rh | 0;
                neg >>= 1;
              } else {
                lo = q | 0;
                hi = qh | 0;
              }
            }
          }
          if ((neg & 1) !== 0) {
            hi = (~hi + (lo === 0 ? 1 : 0)) | 0;
            lo = -lo | 0;
          }
          W[d] = lo;
          W[d + 16] = hi;
          pc += 4;
          break;
        }

        // ---- ALU32 (results zero-extended: hi = 0) -------------------------------------------
        case Code.ADD32_IMM:
          W[d] = (W[d]! + W[pc + 2]!) | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.SUB32_IMM:
          W[d] = (W[d]! - W[pc + 2]!) | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.MUL32_IMM:
          W[d] = Math.imul(W[d]!, W[pc + 2]!);
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.DIV32_IMM: {
          const c = W[pc + 2]! >>> 0;
          W[d] = c === 0 ? 0 : ((W[d]! >>> 0) / c) | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.SDIV32_IMM: {
          const c = W[pc + 2]!;
          W[d] = c === 0 ? 0 : (W[d]! / c) | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.MOD32_IMM: {
          const c = W[pc + 2]! >>> 0;
          if (c !== 0) W[d] = (W[d]! >>> 0) % c | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.SMOD32_IMM: {
          const c = W[pc + 2]!;
          if (c !== 0) W[d] = W[d]! % c | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.OR32_IMM:
          W[d] = W[d]! | W[pc + 2]!;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.AND32_IMM:
          W[d] = W[d]! & W[pc + 2]!;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.XOR32_IMM:
          W[d] = W[d]! ^ W[pc + 2]!;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.LSH32_IMM:
          W[d] = W[d]! << W[pc + 2]!;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.RSH32_IMM:
          W[d] = W[d]! >>> W[pc + 2]!;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.ARSH32_IMM:
          W[d] = W[d]! >> W[pc + 2]!;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.MOV32_IMM:
          W[d] = W[pc + 2]!;
          W[d + 16] = 0;
          pc += 4;
          break;

        // ---- ALU32, register ----------------------------------------------------------------
        case Code.ADD32_REG:
          W[d] = (W[d]! + W[(w >> 12) & 15]!) | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.SUB32_REG:
          W[d] = (W[d]! - W[(w >> 12) & 15]!) | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.MUL32_REG:
          W[d] = Math.imul(W[d]!, W[(w >> 12) & 15]!);
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.DIV32_REG: {
          const c = W[(w >> 12) & 15]! >>> 0;
          W[d] = c === 0 ? 0 : ((W[d]! >>> 0) / c) | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.SDIV32_REG: {
          const c = W[(w >> 12) & 15]!;
          W[d] = c === 0 ? 0 : (W[d]! / c) | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.MOD32_REG: {
          const c = W[(w >> 12) & 15]! >>> 0;
          if (c !== 0) W[d] = (W[d]! >>> 0) % c | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.SMOD32_REG: {
          const c = W[(w >> 12) & 15]!;
          if (c !== 0) W[d] = W[d]! % c | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.OR32_REG:
          W[d] = W[d]! | W[(w >> 12) & 15]!;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.AND32_REG:
          W[d] = W[d]! & W[(w >> 12) & 15]!;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.XOR32_REG:
          W[d] = W[d]! ^ W[(w >> 12) & 15]!;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.LSH32_REG:
          W[d] = W[d]! << (W[(w >> 12) & 15]! & 31);
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.RSH32_REG:
          W[d] = W[d]! >>> (W[(w >> 12) & 15]! & 31);
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.ARSH32_REG:
          W[d] = W[d]! >> (W[(w >> 12) & 15]! & 31);
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.MOV32_REG:
          W[d] = W[(w >> 12) & 15]!;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.NEG32:
          W[d] = -W[d]! | 0;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.MOVSX8_32:
          W[d] = (W[(w >> 12) & 15]! << 24) >> 24;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.MOVSX16_32:
          W[d] = (W[(w >> 12) & 15]! << 16) >> 16;
          W[d + 16] = 0;
          pc += 4;
          break;

        // ---- Byte order (little-endian host: le truncates, be/bswap swap) ----------------------
        case Code.LE16:
          W[d] = W[d]! & 0xffff;
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.LE32:
          W[d + 16] = 0;
          pc += 4;
          break;
        case Code.LE64:
          pc += 4;
          break;
        case Code.BSWAP16: {
          const x = W[d]!;
          W[d] = ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.BSWAP32: {
          const x = W[d]!;
          W[d] = ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.BSWAP64: {
          const x = W[d]!;
          const y = W[d + 16]!;
          W[d] = ((y & 0xff) << 24) | ((y & 0xff00) << 8) | ((y >>> 8) & 0xff00) | (y >>> 24);
          W[d + 16] = ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
          pc += 4;
          break;
        }

        // ---- Jumps: word 1 is the absolute target slot -----------------------------------------
        case Code.JA:
          pc = W[pc + 1]!;
          break;
        case Code.JEQ64_IMM:
          if (W[d] === W[pc + 2] && W[d + 16] === W[pc + 3]) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JNE64_IMM:
          if (W[d] !== W[pc + 2] || W[d + 16] !== W[pc + 3]) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSET64_IMM:
          if ((W[d]! & W[pc + 2]!) !== 0 || (W[d + 16]! & W[pc + 3]!) !== 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JGT64_IMM: {
          const x = W[d + 16]! >>> 0;
          const y = W[pc + 3]! >>> 0;
          if (x > y || (x === y && W[d]! >>> 0 > W[pc + 2]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JGE64_IMM: {
          const x = W[d + 16]! >>> 0;
          const y = W[pc + 3]! >>> 0;
          if (x > y || (x === y && W[d]! >>> 0 >= W[pc + 2]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JLT64_IMM: {
          const x = W[d + 16]! >>> 0;
          const y = W[pc + 3]! >>> 0;
          if (x < y || (x === y && W[d]! >>> 0 < W[pc + 2]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JLE64_IMM: {
          const x = W[d + 16]! >>> 0;
          const y = W[pc + 3]! >>> 0;
          if (x < y || (x === y && W[d]! >>> 0 <= W[pc + 2]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JSGT64_IMM: {
          const x = W[d + 16]!;
          const y = W[pc + 3]!;
          if (x > y || (x === y && W[d]! >>> 0 > W[pc + 2]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JSGE64_IMM: {
          const x = W[d + 16]!;
          const y = W[pc + 3]!;
          if (x > y || (x === y && W[d]! >>> 0 >= W[pc + 2]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JSLT64_IMM: {
          const x = W[d + 16]!;
          const y = W[pc + 3]!;
          if (x < y || (x === y && W[d]! >>> 0 < W[pc + 2]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JSLE64_IMM: {
          const x = W[d + 16]!;
          const y = W[pc + 3]!;
          if (x < y || (x === y && W[d]! >>> 0 <= W[pc + 2]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JEQ64_REG: {
          const s = (w >> 12) & 15;
          if (W[d] === W[s] && W[d + 16] === W[s + 16]) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JNE64_REG: {
          const s = (w >> 12) & 15;
          if (W[d] !== W[s] || W[d + 16] !== W[s + 16]) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JSET64_REG: {
          const s = (w >> 12) & 15;
          if ((W[d]! & W[s]!) !== 0 || (W[d + 16]! & W[s + 16]!) !== 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JGT64_REG: {
          const s = (w >> 12) & 15;
          const x = W[d + 16]! >>> 0;
          const y = W[s + 16]! >>> 0;
          if (x > y || (x === y && W[d]! >>> 0 > W[s]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JGE64_REG: {
          const s = (w >> 12) & 15;
          const x = W[d + 16]! >>> 0;
          const y = W[s + 16]! >>> 0;
          if (x > y || (x === y && W[d]! >>> 0 >= W[s]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JLT64_REG: {
          const s = (w >> 12) & 15;
          const x = W[d + 16]! >>> 0;
          const y = W[s + 16]! >>> 0;
          if (x < y || (x === y && W[d]! >>> 0 < W[s]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JLE64_REG: {
          const s = (w >> 12) & 15;
          const x = W[d + 16]! >>> 0;
          const y = W[s + 16]! >>> 0;
          if (x < y || (x === y && W[d]! >>> 0 <= W[s]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JSGT64_REG: {
          const s = (w >> 12) & 15;
          const x = W[d + 16]!;
          const y = W[s + 16]!;
          if (x > y || (x === y && W[d]! >>> 0 > W[s]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JSGE64_REG: {
          const s = (w >> 12) & 15;
          const x = W[d + 16]!;
          const y = W[s + 16]!;
          if (x > y || (x === y && W[d]! >>> 0 >= W[s]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JSLT64_REG: {
          const s = (w >> 12) & 15;
          const x = W[d + 16]!;
          const y = W[s + 16]!;
          if (x < y || (x === y && W[d]! >>> 0 < W[s]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        case Code.JSLE64_REG: {
          const s = (w >> 12) & 15;
          const x = W[d + 16]!;
          const y = W[s + 16]!;
          if (x < y || (x === y && W[d]! >>> 0 <= W[s]! >>> 0)) pc = W[pc + 1]!;
          else pc += 4;
          break;
        }
        // JMP32: low halves only, the immediate as 32 bits
        case Code.JEQ32_IMM:
          if (W[d] === W[pc + 2]) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JNE32_IMM:
          if (W[d] !== W[pc + 2]) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSET32_IMM:
          if ((W[d]! & W[pc + 2]!) !== 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JGT32_IMM:
          if (W[d]! >>> 0 > W[pc + 2]! >>> 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JGE32_IMM:
          if (W[d]! >>> 0 >= W[pc + 2]! >>> 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JLT32_IMM:
          if (W[d]! >>> 0 < W[pc + 2]! >>> 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JLE32_IMM:
          if (W[d]! >>> 0 <= W[pc + 2]! >>> 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSGT32_IMM:
          if (W[d]! > W[pc + 2]!) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSGE32_IMM:
          if (W[d]! >= W[pc + 2]!) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSLT32_IMM:
          if (W[d]! < W[pc + 2]!) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSLE32_IMM:
          if (W[d]! <= W[pc + 2]!) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JEQ32_REG:
          if (W[d] === W[(w >> 12) & 15]) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JNE32_REG:
          if (W[d] !== W[(w >> 12) & 15]) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSET32_REG:
          if ((W[d]! & W[(w >> 12) & 15]!) !== 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JGT32_REG:
          if (W[d]! >>> 0 > W[(w >> 12) & 15]! >>> 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JGE32_REG:
          if (W[d]! >>> 0 >= W[(w >> 12) & 15]! >>> 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JLT32_REG:
          if (W[d]! >>> 0 < W[(w >> 12) & 15]! >>> 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JLE32_REG:
          if (W[d]! >>> 0 <= W[(w >> 12) & 15]! >>> 0) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSGT32_REG:
          if (W[d]! > W[(w >> 12) & 15]!) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSGE32_REG:
          if (W[d]! >= W[(w >> 12) & 15]!) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSLT32_REG:
          if (W[d]! < W[(w >> 12) & 15]!) pc = W[pc + 1]!;
          else pc += 4;
          break;
        case Code.JSLE32_REG:
          if (W[d]! <= W[(w >> 12) & 15]!) pc = W[pc + 1]!;
          else pc += 4;
          break;

        // ---- Calls and exit ---------------------------------------------------------------------
        case Code.CALL_HELPER:
        case Code.CALLX:
        case Code.LDDW_PSEUDO:
        case Code.LD_ABS:
        case Code.LD_IND:
          // Helper calls, lddw pseudo forms and legacy packet loads run outside the loop (the Vm's
          // slowStep), which then resumes it: see the note on calls above execute().
          why = Exit.Slow;
          break run;
        case Code.CALL_LOCAL: {
          let depth = W[121]!;
          if (depth === 7) {
            why = Exit.CallDepth;
            break run;
          }
          // Save the return slot and the caller's callee-saved r6-r9 and frame pointer r10.
          const f = 32 + depth * 11;
          W[f] = pc + 4;
          W[f + 1] = W[6]!;
          W[f + 2] = W[22]!;
          W[f + 3] = W[7]!;
          W[f + 4] = W[23]!;
          W[f + 5] = W[8]!;
          W[f + 6] = W[24]!;
          W[f + 7] = W[9]!;
          W[f + 8] = W[25]!;
          W[f + 9] = W[10]!;
          W[f + 10] = W[26]!;
          depth++;
          W[121] = depth;
          if (depth > W[120]!) W[120] = depth; // deepest frame used, for Vm.reset()
          // r10 = top of the new frame's own stack region.
          W[10] = 0x10000000 + depth * 0x1000000 + 512;
          W[26] = 0;
          pc = W[pc + 1]!;
          break;
        }
        case Code.EXIT: {
          const depth = (W[121]! - 1) | 0;
          if (depth < 0) {
            why = Exit.Exited;
            break run;
          }
          W[121] = depth;
          const f = 32 + depth * 11;
          pc = W[f]!;
          W[6] = W[f + 1]!;
          W[22] = W[f + 2]!;
          W[7] = W[f + 3]!;
          W[23] = W[f + 4]!;
          W[8] = W[f + 5]!;
          W[24] = W[f + 6]!;
          W[9] = W[f + 7]!;
          W[25] = W[f + 8]!;
          W[10] = W[f + 9]!;
          W[26] = W[f + 10]!;
          break;
        }
        case Code.CALL_KFUNC:
          why = Exit.Kfunc;
          break run;

        // ---- 64-bit immediate loads ---------------------------------------------------------------
        case Code.LDDW:
          W[d] = W[pc + 2]!;
          W[d + 16] = W[pc + 3]!;
          pc += 8;
          break;
        // ---- Loads: address = src + off; window = address >>> 24 ------------------------------
        // A base register with a non-zero high half can only point at unmapped memory (memory.ts
        // explains why the low half plus the offset needs no further check); the DataView checks
        // the offset within the window.
        case Code.LDXB: {
          const s = (w >> 12) & 15;
          const a = (W[s]! + W[pc + 1]!) | 0;
          const v = loadViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[s + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          W[d] = v.getUint8(o);
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.LDXH: {
          const s = (w >> 12) & 15;
          const a = (W[s]! + W[pc + 1]!) | 0;
          const v = loadViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[s + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          W[d] = v.getUint16(o, true);
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.LDXW: {
          const s = (w >> 12) & 15;
          const a = (W[s]! + W[pc + 1]!) | 0;
          const v = loadViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[s + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          W[d] = v.getInt32(o, true);
          W[d + 16] = 0;
          pc += 4;
          break;
        }
        case Code.LDXDW: {
          const s = (w >> 12) & 15;
          const a = (W[s]! + W[pc + 1]!) | 0;
          const v = loadViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[s + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          // Read both halves before writing the register: either read may throw (see execute()).
          const l = v.getInt32(o, true);
          W[d + 16] = v.getInt32(o + 4, true);
          W[d] = l;
          pc += 4;
          break;
        }
        case Code.LDXSB: {
          const s = (w >> 12) & 15;
          const a = (W[s]! + W[pc + 1]!) | 0;
          const v = loadViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[s + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          const x = v.getInt8(o);
          W[d] = x;
          W[d + 16] = x >> 31;
          pc += 4;
          break;
        }
        case Code.LDXSH: {
          const s = (w >> 12) & 15;
          const a = (W[s]! + W[pc + 1]!) | 0;
          const v = loadViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[s + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          const x = v.getInt16(o, true);
          W[d] = x;
          W[d + 16] = x >> 31;
          pc += 4;
          break;
        }
        case Code.LDXSW: {
          const s = (w >> 12) & 15;
          const a = (W[s]! + W[pc + 1]!) | 0;
          const v = loadViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[s + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          const x = v.getInt32(o, true);
          W[d] = x;
          W[d + 16] = x >> 31;
          pc += 4;
          break;
        }

        // ---- Stores: address = dst + off ----------------------------------------------------------
        case Code.STB: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          v.setUint8(o, W[pc + 2]!);
          pc += 4;
          break;
        }
        case Code.STH: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          v.setUint16(o, W[pc + 2]!, true);
          pc += 4;
          break;
        }
        case Code.STW: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          v.setInt32(o, W[pc + 2]!, true);
          pc += 4;
          break;
        }
        case Code.STDW: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          // High half first: if it is in bounds, so is the low half, so a throw never leaves half a
          // store. (Both values are read first: V8 reloads W after a store through a DataView.)
          const immLo = W[pc + 2]!;
          v.setInt32(o + 4, W[pc + 3]!, true);
          v.setInt32(o, immLo, true);
          pc += 4;
          break;
        }
        // One case per access size on purpose: each calls a fixed DataView method, which V8
        // inlines; a shared case switching on the size would cost a branch per store.
        case Code.STXB: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          v.setUint8(o, W[(w >> 12) & 15]!);
          pc += 4;
          break;
        }
        case Code.STXH: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          v.setUint16(o, W[(w >> 12) & 15]!, true);
          pc += 4;
          break;
        }
        case Code.STXW: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          v.setInt32(o, W[(w >> 12) & 15]!, true);
          pc += 4;
          break;
        }
        case Code.STXDW: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0) {
            why = Exit.Memory;
            break run;
          }
          const s = (w >> 12) & 15;
          const xLo = W[s]!;
          v.setInt32(o + 4, W[s + 16]!, true); // high half first, as in STDW
          v.setInt32(o, xLo, true);
          pc += 4;
          break;
        }

        // ---- Atomics: need load and store permission (the two views are then the same object) ---
        case Code.ATOMIC32_ADD:
        case Code.ATOMIC32_OR:
        case Code.ATOMIC32_AND:
        case Code.ATOMIC32_XOR:
        case Code.ATOMIC32_FETCH_ADD:
        case Code.ATOMIC32_FETCH_OR:
        case Code.ATOMIC32_FETCH_AND:
        case Code.ATOMIC32_FETCH_XOR:
        case Code.ATOMIC32_XCHG:
        case Code.ATOMIC32_CMPXCHG: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0 || loadViews[a >>> 24] !== v) {
            why = Exit.Memory;
            break run;
          }
          const s = (w >> 12) & 15;
          const old = v.getInt32(o, true);
          const x = W[s]!;
          switch (w & 255) {
            case Code.ATOMIC32_ADD:
              v.setInt32(o, (old + x) | 0, true);
              break;
            case Code.ATOMIC32_OR:
              v.setInt32(o, old | x, true);
              break;
            case Code.ATOMIC32_AND:
              v.setInt32(o, old & x, true);
              break;
            case Code.ATOMIC32_XOR:
              v.setInt32(o, old ^ x, true);
              break;
            case Code.ATOMIC32_FETCH_ADD:
              v.setInt32(o, (old + x) | 0, true);
              W[s] = old;
              W[s + 16] = 0;
              break;
            case Code.ATOMIC32_FETCH_OR:
              v.setInt32(o, old | x, true);
              W[s] = old;
              W[s + 16] = 0;
              break;
            case Code.ATOMIC32_FETCH_AND:
              v.setInt32(o, old & x, true);
              W[s] = old;
              W[s + 16] = 0;
              break;
            case Code.ATOMIC32_FETCH_XOR:
              v.setInt32(o, old ^ x, true);
              W[s] = old;
              W[s + 16] = 0;
              break;
            case Code.ATOMIC32_XCHG:
              v.setInt32(o, x, true);
              W[s] = old;
              W[s + 16] = 0;
              break;
            default:
              // cmpxchg: compare with the low 32 bits of r0; r0 always receives the old value.
              if (old === W[0]) v.setInt32(o, x, true);
              W[0] = old;
              W[16] = 0;
              break;
          }
          pc += 4;
          break;
        }
        case Code.ATOMIC64_ADD:
        case Code.ATOMIC64_OR:
        case Code.ATOMIC64_AND:
        case Code.ATOMIC64_XOR:
        case Code.ATOMIC64_FETCH_ADD:
        case Code.ATOMIC64_FETCH_OR:
        case Code.ATOMIC64_FETCH_AND:
        case Code.ATOMIC64_FETCH_XOR:
        case Code.ATOMIC64_XCHG:
        case Code.ATOMIC64_CMPXCHG: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0 || loadViews[a >>> 24] !== v) {
            why = Exit.Memory;
            break run;
          }
          const s = (w >> 12) & 15;
          const oldLo = v.getInt32(o, true);
          const oldHi = v.getInt32(o + 4, true);
          const xLo = W[s]!;
          const xHi = W[s + 16]!;
          let newLo = 0;
          let newHi = 0;
          let store = true;
          let fetch = true;
          switch (w & 255) {
            case Code.ATOMIC64_ADD:
            case Code.ATOMIC64_FETCH_ADD:
              newLo = (oldLo + xLo) | 0;
              newHi = (oldHi + xHi + (newLo >>> 0 < oldLo >>> 0 ? 1 : 0)) | 0;
              fetch = (w & 255) === Code.ATOMIC64_FETCH_ADD;
              break;
            case Code.ATOMIC64_OR:
            case Code.ATOMIC64_FETCH_OR:
              newLo = oldLo | xLo;
              newHi = oldHi | xHi;
              fetch = (w & 255) === Code.ATOMIC64_FETCH_OR;
              break;
            case Code.ATOMIC64_AND:
            case Code.ATOMIC64_FETCH_AND:
              newLo = oldLo & xLo;
              newHi = oldHi & xHi;
              fetch = (w & 255) === Code.ATOMIC64_FETCH_AND;
              break;
            case Code.ATOMIC64_XOR:
            case Code.ATOMIC64_FETCH_XOR:
              newLo = oldLo ^ xLo;
              newHi = oldHi ^ xHi;
              fetch = (w & 255) === Code.ATOMIC64_FETCH_XOR;
              break;
            case Code.ATOMIC64_XCHG:
              newLo = xLo;
              newHi = xHi;
              break;
            default:
              // cmpxchg: compare with r0, store src if equal; r0 always receives the old value.
              newLo = xLo;
              newHi = xHi;
              store = oldLo === W[0] && oldHi === W[16];
              fetch = false;
              W[0] = oldLo;
              W[16] = oldHi;
              break;
          }
          if (store) {
            v.setInt32(o, newLo, true);
            v.setInt32(o + 4, newHi, true); // cannot throw: the loads above covered all 8 bytes
          }
          if (fetch) {
            W[s] = oldLo;
            W[s + 16] = oldHi;
          }
          pc += 4;
          break;
        }

        // ---- Traps placed by prepare() ------------------------------------------------------------
        case Code.TRAP_FELL_OFF_END:
        case Code.TRAP_BAD_JUMP:
          // Not an instruction: do not count it.
          left = (left + 1) | 0;
          why = Exit.Trap;
          break run;
        default:
          // TRAP_INVALID (the instruction itself could not be prepared) and anything unexpected.
          why = Exit.Trap;
          break run;
      }
    }
  } catch (e) {
    vm.pc = (pc - 128) >> 2;
    vm.insns = (vm.stopAt - left) | 0;
    vm.depth = W[121]!;
    vm.exceptionFault(e);
    return Status.Faulted;
  }
  vm.pc = (pc - 128) >> 2;
  vm.insns = (vm.stopAt - left) | 0;
  vm.depth = W[121]!;
  switch (why) {
    case Exit.Exited:
      return Status.Exited;
    case Exit.Paused:
      return Status.Paused;
    case Exit.Slow:
      return Status.Slow;
    case Exit.Memory:
      vm.memoryFaultAtPc();
      return Status.Faulted;
    case Exit.CallDepth:
      vm.simpleFault('E_CALL_DEPTH', 'call_depth', 'local call would need a 9th stack frame (at most 8 frames)');
      return Status.Faulted;
    case Exit.Kfunc:
      vm.simpleFault('E_KFUNC', 'kfunc', `kfunc calls (call kfunc ${W[pc + 2]}) are not supported`);
      return Status.Faulted;
    default:
      return vm.trapFault(vm.pc) ? Status.CallbackReturn : Status.Faulted;
  }
}
