// Helper functions callable from eBPF (`call N`, `callx rN`), and the default table.

import type { Program } from '../isa/index.js';
import type { Memory } from './memory.js';
import type { PreparedProgram } from './prepare.js';

/** What a helper sees while it runs: arguments r1-r5, the return register r0, memory. */
export interface HelperContext {
  /** Helper id being called. */
  readonly helperId: number;
  /** Slot of the call instruction. */
  readonly pc: number;
  /** Instructions executed so far, including the call. */
  readonly insns: number;
  readonly memory: Memory;
  /** Argument register r1..r5 (any register 0..10 works) as an unsigned 64-bit value. */
  arg(reg: number): bigint;
  /** Low / high 32 bits of a register as unsigned numbers (no BigInt). */
  argLo(reg: number): number;
  argHi(reg: number): number;
  /** Sets r0. Numbers must be safe integers (negative ones are stored as two's complement). */
  setReturn(value: bigint | number): void;
  /** Stops the program with a fault (kind 'helper') after the helper returns. */
  fault(code: string, message: string): void;
  /** Call depth of the call instruction (0 = main program). */
  readonly callDepth: number;
  /** Name of the running program, when the run named it (RunOptions.programName, tail calls). */
  readonly programName: string | undefined;
  /** Tail calls taken so far in this run (at most MAX_TAIL_CALL_CNT). */
  readonly tailCallCount: number;
  /**
   * bpf_tail_call: below the chain limit and with a target, counts the tail call and makes the
   * machine continue in `target` (from its first instruction, same registers and stack) once the
   * helper returns. Returns whether it will. `target` null (an empty prog-array slot) continues
   * after the call, uncounted, as in Linux 6.18.
   */
  tailCall(target: PreparedProgram | Program | null, name?: string): boolean;
  /**
   * bpf_loop: once the helper returns, the machine calls the function `fn` (a value of lddw
   * src=4) up to `count` times (r1 = index, r2 = ctxArg), stopping when it returns non-zero, and
   * sets r0 to the number of calls. Returns false, with a fault recorded, if `fn` is no function.
   */
  loop(fn: bigint, count: number, ctxArg: bigint): boolean;
}

/** A helper reads its arguments from the context and sets r0 through it. */
export type HelperFn = (ctx: HelperContext) => void;

/** Helper id of the simulated clock (bpf_ktime_get_ns in Linux; uBPF's test helper). */
export const HELPER_KTIME_GET_NS = 5;

/** The simulated clock starts at 1 s and advances 1 ns per executed instruction. */
export const SIM_CLOCK_START_NS = 1_000_000_000;

/** Monotonic simulated time: deterministic, and strictly increasing between calls. */
export const ktimeGetNs: HelperFn = (ctx) => ctx.setReturn(SIM_CLOCK_START_NS + ctx.insns);

/** A new copy of the default helper table: {5: simulated ktime_get_ns}. */
export function defaultHelpers(): Map<number, HelperFn> {
  return new Map<number, HelperFn>([[HELPER_KTIME_GET_NS, ktimeGetNs]]);
}

/** The table used when RunOptions.helpers is not given (shared; do not modify). */
export const DEFAULT_HELPERS: ReadonlyMap<number, HelperFn> = defaultHelpers();

/** Legacy packet access for LD_ABS/LD_IND: the value at `offset` (host order), or null when out
 * of bounds (which ends the program with r0 = 0, as in Linux). */
export type LegacyPacketLoad = (offset: number, size: 1 | 2 | 4) => number | null;

/** LD_ABS/LD_IND over a byte array, reading big-endian (network order) as Linux does. */
export function packetLoader(packet: Uint8Array): LegacyPacketLoad {
  return (offset, size) => {
    if (offset < 0 || offset + size > packet.length) return null;
    let v = 0;
    for (let i = 0; i < size; i++) v = (v * 256 + packet[offset + i]!) >>> 0;
    return v;
  };
}

/** What an lddw pseudo form (src 1..6) asks for. */
export interface PseudoRequest {
  /** The row name, e.g. `lddw_map_fd`. */
  readonly name: string;
  readonly src: number;
  readonly imm: number;
  readonly imm2: number;
  readonly pc: number;
}

/** Resolves an lddw pseudo form to its 64-bit value, or null if it cannot. */
export type PseudoResolver = (req: PseudoRequest) => bigint | null;
