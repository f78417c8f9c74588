// The interpreter's hot loop: one function, one switch on literal dispatch codes.
//
// Per executed instruction the loop touches only locals, one Int32Array and (for memory
// operations) the per-window DataViews: no BigInt, no allocation. The Int32Array `W` holds the
// registers, the saved call frames and the pre-decoded code (see prepare.ts) together, because V8
// re-checks each typed array's map and reloads its length and data pointer in every switch case
// that touches it: one array instead of three makes each case markedly cheaper.
//
// Layout (words.ts):
//   W[0..15]    low halves of r0..r10 (16 entries: register fields are 4 bits)
//   W[16..31]   high halves
//   W[32..119]  saved frames: per local call, return pc, r6-r9 and r10 as lo/hi pairs
//   W[120]      deepest call depth reached (Vm.reset zeroes only the stacks used)
//   W[124..127] scratch for 64-bit division (arith.ts)
//   W[128..]    code, STRIDE (4) words per slot; `pc` below is the word index of the current slot
//
// Frequent operations are written out inline (V8's inlining budget is small and shared by the
// whole function); rare, long ones (division, helper calls, faults) call out.
//
// Stepping, tracing and plain runs all use this one function: `vm.stopAt` is the instruction
// count at which to pause, so a debugger step is `stopAt = insns + 1`. State lives in the Vm
// between calls and in locals during one; every exit from the loop writes pc (as a slot number),
// insns and depth back.

import { sdiv64, smod64, udiv64, umod64 } from './arith.js';
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
}

/** The state and slow paths the loop needs; implemented by `Vm`. */
export interface ExecContext {
  /** Registers, frames and code; see the layout above. */
  readonly words: Int32Array;
  readonly memory: Memory;
  /** Slot of the next instruction. */
  pc: number;
  insns: number;
  depth: number;
  /** Pause when `insns` reaches this (at most 2^31 - 1). */
  stopAt: number;
  /** Calls helper `id` (-1: not a valid id); false when it faulted. */
  callHelper(id: number): boolean;
  /** Records a memory fault of the instruction at `pc` (address = base register + off). */
  memoryFault(baseReg: number, off: number, size: number, access: 'load' | 'store' | 'atomic'): void;
  /** Records the fault of the trap or invalid instruction at `slot`. */
  trapFault(slot: number): void;
  /** Records the fault of the instruction at `pc` whose memory access threw `error`. */
  exceptionFault(error: unknown): void;
  /** Records a non-memory fault of the instruction at `pc`. */
  simpleFault(code: string, kind: FaultKind, message: string): void;
  /** lddw pseudo form at `pc`: false when it faulted. */
  resolvePseudo(dst: number): boolean;
  /** LD_ABS/LD_IND at `pc`: PACKET_OK, PACKET_EXIT (out of bounds ends the program) or PACKET_FAULT. */
  legacyPacketLoad(word: number, imm: number, size: number): number;
}

export const PACKET_OK = 0;
export const PACKET_EXIT = 1;
export const PACKET_FAULT = 2;

// The literals below mirror words.ts and memory.ts (V8 folds literals, not imported
// bindings): hi half at +16, frames at 32, code at 128, window = address >>> 24, offset =
// address & 0xffffff, stack frame i at 0x10000000 + i * 0x1000000 with 512 bytes, 8 frames.
// test/vm-dispatch.test.ts checks that they agree.

export function execute(vm: ExecContext): Status {
  const W = vm.words;
  const loadViews = vm.memory.loadViews;
  const storeViews = vm.memory.storeViews;
  const stop = vm.stopAt | 0;
  let pc = (vm.pc << 2) + 128;
  let n = vm.insns | 0;
  let depth = vm.depth | 0;

  // Memory accesses are bounds-checked by the DataViews themselves: an access outside the
  // window's view (an empty view where the region is missing or lacks the permission) throws a
  // RangeError, caught below, and the slow path works out which rule was broken. No access
  // writes anything before its last possible throw. (A DataView's byteLength getter is a builtin
  // call in V8, so an explicit check would cost far more than the DataView's own.)
  try {
    for (;;) {
      if (n === stop) {
        vm.pc = (pc - 128) >> 2;
        vm.insns = n;
        vm.depth = depth;
        return Status.Paused;
      }
      n = (n + 1) | 0;
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
        case Code.DIV64_IMM: {
          // Both values below 2^32 (common): one float division, no call.
          const c = W[pc + 2]!;
          if ((W[d + 16]! | W[pc + 3]!) === 0 && c !== 0) W[d] = (W[d]! >>> 0) / (c >>> 0);
          else udiv64(W, d, c, W[pc + 3]!);
          pc += 4;
          break;
        }
        case Code.SDIV64_IMM:
          sdiv64(W, d, W[pc + 2]!, W[pc + 3]!);
          pc += 4;
          break;
        case Code.MOD64_IMM: {
          const c = W[pc + 2]!;
          if ((W[d + 16]! | W[pc + 3]!) === 0 && c !== 0) W[d] = (W[d]! >>> 0) % (c >>> 0);
          else umod64(W, d, c, W[pc + 3]!);
          pc += 4;
          break;
        }
        case Code.SMOD64_IMM:
          smod64(W, d, W[pc + 2]!, W[pc + 3]!);
          pc += 4;
          break;
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
        case Code.DIV64_REG: {
          const s = (w >> 12) & 15;
          const c = W[s]!;
          if ((W[d + 16]! | W[s + 16]!) === 0 && c !== 0) W[d] = (W[d]! >>> 0) / (c >>> 0);
          else udiv64(W, d, c, W[s + 16]!);
          pc += 4;
          break;
        }
        case Code.SDIV64_REG: {
          const s = (w >> 12) & 15;
          sdiv64(W, d, W[s]!, W[s + 16]!);
          pc += 4;
          break;
        }
        case Code.MOD64_REG: {
          const s = (w >> 12) & 15;
          const c = W[s]!;
          if ((W[d + 16]! | W[s + 16]!) === 0 && c !== 0) W[d] = (W[d]! >>> 0) % (c >>> 0);
          else umod64(W, d, c, W[s + 16]!);
          pc += 4;
          break;
        }
        case Code.SMOD64_REG: {
          const s = (w >> 12) & 15;
          smod64(W, d, W[s]!, W[s + 16]!);
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
          vm.pc = (pc - 128) >> 2;
          vm.insns = n;
          vm.depth = depth;
          if (!vm.callHelper(W[pc + 2]!)) return Status.Faulted;
          pc += 4;
          break;
        case Code.CALLX:
          // The register holds a helper id (as uBPF and the conformance suite use it).
          vm.pc = (pc - 128) >> 2;
          vm.insns = n;
          vm.depth = depth;
          if (!vm.callHelper(W[d + 16] === 0 ? W[d]! >>> 0 : -1)) return Status.Faulted;
          pc += 4;
          break;
        case Code.CALL_LOCAL: {
          if (depth === 7) {
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.simpleFault('E_CALL_DEPTH', 'call_depth', 'local call would need a 9th stack frame (at most 8 frames)');
            return Status.Faulted;
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
          if (depth > W[120]!) W[120] = depth; // deepest frame used, for Vm.reset()
          // r10 = top of the new frame's own stack region.
          W[10] = 0x10000000 + depth * 0x1000000 + 512;
          W[26] = 0;
          pc = W[pc + 1]!;
          break;
        }
        case Code.EXIT: {
          if (depth === 0) {
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = 0;
            return Status.Exited;
          }
          depth--;
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
          vm.pc = (pc - 128) >> 2;
          vm.insns = n;
          vm.depth = depth;
          vm.simpleFault('E_KFUNC', 'kfunc', `kfunc calls (call kfunc ${W[pc + 2]}) are not supported`);
          return Status.Faulted;

        // ---- 64-bit immediate loads ---------------------------------------------------------------
        case Code.LDDW:
          W[d] = W[pc + 2]!;
          W[d + 16] = W[pc + 3]!;
          pc += 8;
          break;
        case Code.LDDW_PSEUDO:
          vm.pc = (pc - 128) >> 2;
          vm.insns = n;
          vm.depth = depth;
          if (!vm.resolvePseudo(d)) return Status.Faulted;
          pc += 8;
          break;
        case Code.LD_ABS:
        case Code.LD_IND: {
          vm.pc = (pc - 128) >> 2;
          vm.insns = n;
          vm.depth = depth;
          const r = vm.legacyPacketLoad(w, W[pc + 2]!, W[pc + 3]!);
          if (r === PACKET_FAULT) return Status.Faulted;
          if (r === PACKET_EXIT) {
            vm.depth = 0;
            return Status.Exited;
          }
          pc += 4;
          break;
        }

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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(s, W[pc + 1]!, 1, 'load');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(s, W[pc + 1]!, 2, 'load');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(s, W[pc + 1]!, 4, 'load');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(s, W[pc + 1]!, 8, 'load');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(s, W[pc + 1]!, 1, 'load');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(s, W[pc + 1]!, 2, 'load');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(s, W[pc + 1]!, 4, 'load');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(d, W[pc + 1]!, 1, 'store');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(d, W[pc + 1]!, 2, 'store');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(d, W[pc + 1]!, 4, 'store');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(d, W[pc + 1]!, 8, 'store');
            return Status.Faulted;
          }
          // High half first: if it is in bounds, so is the low half, so a throw never leaves half a
          // store. (Both values are read first: V8 reloads W after a store through a DataView.)
          const immLo = W[pc + 2]!;
          v.setInt32(o + 4, W[pc + 3]!, true);
          v.setInt32(o, immLo, true);
          pc += 4;
          break;
        }
        case Code.STXB: {
          const a = (W[d]! + W[pc + 1]!) | 0;
          const v = storeViews[a >>> 24]!;
          const o = a & 0xffffff;
          if (W[d + 16] !== 0) {
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(d, W[pc + 1]!, 1, 'store');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(d, W[pc + 1]!, 2, 'store');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(d, W[pc + 1]!, 4, 'store');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(d, W[pc + 1]!, 8, 'store');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(d, W[pc + 1]!, 4, 'atomic');
            return Status.Faulted;
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
            vm.pc = (pc - 128) >> 2;
            vm.insns = n;
            vm.depth = depth;
            vm.memoryFault(d, W[pc + 1]!, 8, 'atomic');
            return Status.Faulted;
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
          n = (n - 1) | 0;
          vm.pc = (pc - 128) >> 2;
          vm.insns = n;
          vm.depth = depth;
          vm.trapFault((pc - 128) >> 2);
          return Status.Faulted;
        default:
          // TRAP_INVALID (the instruction itself could not be prepared) and anything unexpected.
          vm.pc = (pc - 128) >> 2;
          vm.insns = n;
          vm.depth = depth;
          vm.trapFault((pc - 128) >> 2);
          return Status.Faulted;
      }
    }
  } catch (e) {
    vm.pc = (pc - 128) >> 2;
    vm.insns = n;
    vm.depth = depth;
    vm.exceptionFault(e);
    return Status.Faulted;
  }
}
