// The virtual machine: registers, call frames, memory, helpers, and the drivers around the hot
// loop (run to the end, single step, traced run). All execution goes through `execute()`.

import type { Insn, Program } from '../isa/index.js';
import { type Fault, type FaultKind, makeFault } from './fault.js';
import { DEFAULT_HELPERS, type HelperContext, type HelperFn, type LegacyPacketLoad, type PseudoResolver } from './helpers.js';
import {
  Code,
  type ExecContext,
  PACKET_EXIT,
  PACKET_FAULT,
  PACKET_OK,
  Status,
  execute,
} from './interpreter.js';
import {
  MAX_FRAMES,
  MEM_BASE,
  MEM_WINDOW,
  Memory,
  type Region,
  type RegionOptions,
  STACK_BASE,
  STACK_SIZE,
  STACK_WINDOW,
  WINDOW_SIZE,
  hexAddress,
} from './memory.js';
import { CALLBACK_RETURN, type PreparedProgram, TAIL_RETURN, isPrepared, prepare } from './prepare.js';
import { coldAllowance, isWarm, noteColdInsns, warmUp } from './warmup.js';
import { CODE_AT, DEEPEST_FRAME_AT, FRAMES_AT, FRAME_WORDS, HI, MAX_CODE_SLOTS, STRIDE, wordOfSlot } from './words.js';

/**
 * Longest chain of tail calls (the kernel's MAX_TAIL_CALL_CNT): the 34th bpf_tail_call of a run
 * fails and execution continues after it.
 */
export const MAX_TAIL_CALL_CNT = 33;
/** Largest nr_loops of bpf_loop (the kernel's BPF_MAX_LOOPS, 8M). */
export const BPF_MAX_LOOPS = 1 << 23;
/**
 * Function pointers (lddw src=4, BPF_PSEUDO_FUNC) are addresses in this never-mapped 16 MiB
 * window: FUNC_BASE + 8 * slot. Loads and stores through one fault as unmapped memory.
 */
export const FUNC_WINDOW = 0x0e;
export const FUNC_BASE = FUNC_WINDOW * WINDOW_SIZE;

/** A bpf_loop in progress: the Vm re-enters the callback until it returns non-zero or count runs out. */
interface LoopState {
  /** Slot of the callback's first instruction. */
  readonly slot: number;
  readonly count: number;
  /** Iterations completed. */
  done: number;
  readonly ctxLo: number;
  readonly ctxHi: number;
  /** Slot of the helper call that started the loop (execution resumes after it). */
  readonly callPc: number;
}

export const DEFAULT_MAX_INSNS = 1_000_000;
/** Largest instruction budget (the hot loop counts in int32). */
export const MAX_BUDGET = 0x7fffffff;
export const NUM_REGS = 11;

export interface RunOptions {
  /** Input memory; the program gets a private writable copy: r1 = its address, r2 = its length. */
  mem?: Uint8Array;
  /** Instruction budget (default 1,000,000, at most 2^31 - 1); exceeding it is a fault of kind 'budget'. */
  maxInsns?: number;
  /** Helper table (replaces the default one; see `defaultHelpers()`). */
  helpers?: ReadonlyMap<number, HelperFn>;
  /** Called after each executed instruction with the registers it changed (slower loop). */
  trace?: (step: TraceStep) => void;
  /** Resolves lddw pseudo forms (src 1..6); without it they fault with E_UNRESOLVED_PSEUDO. */
  resolvePseudo?: PseudoResolver;
  /** Backs LD_ABS/LD_IND; without it they fault with E_UNSUPPORTED. */
  legacyPacketLoad?: LegacyPacketLoad;
  /** Called after the machine is reset and before the first instruction: add regions, set
   * registers (e.g. r1 = context address). */
  setup?: (vm: Vm) => void;
  /** Name of the program (reported in traces and `Vm.programName`; tail calls change it). */
  programName?: string;
}

export interface RunResult {
  /** r0 as an unsigned 64-bit value (also when the run faulted: its value at that moment). */
  r0: bigint;
  /** Low and high 32 bits of r0, unsigned. */
  r0Lo: number;
  r0Hi: number;
  /** Instructions executed (a faulting instruction counts; a budget fault stops before one). */
  insns: number;
  fault: Fault | null;
  /** A copy of the program's `mem` as it was at the end of the run. */
  mem?: Uint8Array;
}

export interface RegisterChange {
  readonly reg: number;
  /** Unsigned 64-bit values before and after the instruction. */
  readonly before: bigint;
  readonly after: bigint;
}

export interface TraceStep {
  /** 1-based number of the executed instruction. */
  readonly index: number;
  /** Slot of the instruction. */
  readonly pc: number;
  readonly insn: Insn | null;
  /** Registers whose value changed, in register order. */
  readonly changes: readonly RegisterChange[];
  /** Set when this instruction faulted (then it changed nothing). */
  readonly fault: Fault | null;
  /** Call depth after the instruction (0 = main program). */
  readonly depth: number;
  /** Name of the program the instruction belongs to (RunOptions.programName or a tail call's
   * target), when named. */
  readonly program?: string;
}

export type VmState = 'ready' | 'paused' | 'exited' | 'faulted';

function u64(lo: number, hi: number): bigint {
  return hi === 0 ? BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

function sanitizeBudget(n: number | undefined): number {
  if (n === undefined || Number.isNaN(n)) return DEFAULT_MAX_INSNS;
  if (n >= MAX_BUDGET) return MAX_BUDGET;
  return Math.max(0, Math.floor(n));
}

const preparedCache = new WeakMap<Program, PreparedProgram>();
const ZERO_STACK = new Uint8Array(STACK_SIZE);
const ZERO_REGISTERS = new Int32Array(2 * HI);

/** Prepares a Program once and remembers the result. */
export function toPrepared(p: PreparedProgram | Program): PreparedProgram {
  if (isPrepared(p)) return p;
  let prepared = preparedCache.get(p);
  if (!prepared) {
    prepared = prepare(p);
    preparedCache.set(p, prepared);
  }
  return prepared;
}

export class Vm implements ExecContext {
  // ---- state shared with the hot loop (see ExecContext) ----
  /** Registers, saved frames and call depths (words 0..127 of the layout in interpreter.ts). */
  readonly own = new Int32Array(CODE_AT);
  readonly ownLo = this.own.subarray(0, HI);
  readonly ownHi = this.own.subarray(HI, 2 * HI);
  /** Where the registers and frames are: `own`, or the interpreter's array while this Vm is the
   * one that ran last (see ExecContext). Read these fields again after running anything. */
  words: Int32Array = this.own;
  /** Views of `words`: register halves r0..r10 (16 entries: register fields are 4 bits wide). */
  lo: Int32Array = this.ownLo;
  hi: Int32Array = this.ownHi;
  /** The loaded program's pre-decoded code (`prepared.code`). */
  code: Int32Array;
  readonly memory = new Memory();
  pc = 0;
  insns = 0;
  depth = 0;
  stopAt = 0;

  prepared: PreparedProgram;
  state: VmState = 'ready';
  fault: Fault | null = null;
  maxInsns = DEFAULT_MAX_INSNS;

  private options: RunOptions = {};
  private helpers: ReadonlyMap<number, HelperFn> = DEFAULT_HELPERS;
  /** The program's private copy of `mem`, reused across runs while the length stays the same
   * (allocating an ArrayBuffer per run would dominate the cost of running a small program). */
  private memRegion: Region | undefined;
  private memMapped = false;
  private readonly stackBytes = new Uint8Array(MAX_FRAMES * STACK_SIZE);
  /**
   * Whether a stack may hold data from an earlier run. Cleared by zeroing; set when a run's
   * program can write memory (stores, atomics, any call), when a setup hook ran, or when someone
   * wrote through `memory.write`. Lets `run` skip zeroing for programs that cannot write.
   */
  private stackDirty = false;
  private readonly helperContext: HelperCallContext;
  /** The program `load` was given (a tail call replaces `prepared`; reset goes back to this). */
  private entry: PreparedProgram;
  /** The running program's name (RunOptions.programName, or the last tail call's target). */
  programName: string | undefined;
  /** Tail calls attempted so far in this run, counted as the kernel counts them. */
  tailCallCount = 0;
  /** A tail call a helper asked for: taken when the helper returns. */
  private pendingTailCall: { program: PreparedProgram; name: string | undefined } | null = null;
  /** A bpf_loop a helper asked for: started when the helper returns. */
  private pendingLoop: LoopState | null = null;
  /** bpf_loop calls in progress, innermost last (a callback may call bpf_loop again). */
  private readonly loops: LoopState[] = [];
  /**
   * Tail calls made from subprograms whose programs have not returned yet, innermost last: the
   * frame at `depth` returns into the tail-return slot, and from there to `returnWord` of
   * `program`.
   */
  private readonly tailReturns: { depth: number; program: PreparedProgram; name: string | undefined; returnWord: number }[] = [];

  constructor(program: PreparedProgram | Program, opts: RunOptions = {}) {
    this.prepared = toPrepared(program);
    this.entry = this.prepared;
    this.code = this.prepared.code;
    this.helperContext = new HelperCallContext(this);
    for (let i = 0; i < MAX_FRAMES; i++) {
      const frame = this.stackBytes.subarray(i * STACK_SIZE, (i + 1) * STACK_SIZE);
      this.memory.map(STACK_WINDOW + i, `stack${i}`, frame, true, true);
    }
    this.load(this.prepared, opts);
  }

  /** Loads a (new) program and options, and resets the machine. */
  load(program: PreparedProgram | Program, opts: RunOptions = {}): void {
    this.prepared = toPrepared(program);
    this.entry = this.prepared;
    this.code = this.prepared.code;
    this.options = opts;
    this.helpers = opts.helpers ?? DEFAULT_HELPERS;
    this.maxInsns = sanitizeBudget(opts.maxInsns);
    this.reset();
  }

  /** Back to the first instruction: fresh registers, zeroed stacks, a fresh copy of `mem`. */
  reset(): void {
    // Kept cheap: `run` resets for every call, and tiny programs are common.
    this.memory.removeAddedRegions();
    if (this.prepared !== this.entry) {
      // A tail call switched programs: back to the one that was loaded.
      this.prepared = this.entry;
      this.code = this.entry.code;
    }
    this.programName = this.options.programName;
    this.tailCallCount = 0;
    this.pendingTailCall = null;
    this.pendingLoop = null;
    // (Setting an array's length is a runtime call even when it changes nothing.)
    if (this.loops.length !== 0) this.loops.length = 0;
    if (this.tailReturns.length !== 0) this.tailReturns.length = 0;
    // Zero only the stack frames the last run used (the hot loop records the deepest one), and
    // only if something may have written them. `set` from a zero array is a plain memcpy.
    const words = this.words;
    if (this.memory.takeWriteFlag()) {
      // Written from outside (a debugger, a helper): any frame may be dirty.
      this.stackBytes.fill(0);
    } else if (this.stackDirty) {
      const used = (words[DEEPEST_FRAME_AT]! + 1) * STACK_SIZE;
      if (used === STACK_SIZE) this.stackBytes.set(ZERO_STACK);
      else this.stackBytes.fill(0, 0, used);
    }
    this.stackDirty = false;
    words[DEEPEST_FRAME_AT] = 0;
    words.set(ZERO_REGISTERS);
    this.lo[10] = STACK_BASE + STACK_SIZE;
    this.pc = 0;
    this.insns = 0;
    this.depth = 0;
    this.state = 'ready';
    this.fault = null;
    if (this.code.length > MAX_CODE_SLOTS * STRIDE) {
      this.simpleFault('E_PROGRAM_TOO_LARGE', 'unsupported',
        `the program takes ${this.code.length / STRIDE} slots with its trap slots; the interpreter holds at most ${MAX_CODE_SLOTS}`);
      this.state = 'faulted';
      return;
    }
    const mem = this.options.mem;
    if (mem && mem.length > WINDOW_SIZE) {
      this.unmapMem();
      this.simpleFault('E_MEM_TOO_LARGE', 'unsupported',
        `input memory is ${mem.length} bytes; at most ${WINDOW_SIZE} fit in one region`);
      this.state = 'faulted';
      return;
    }
    if (mem) {
      let region = this.memRegion;
      if (!region || region.size !== mem.length) {
        region = this.memory.map(MEM_WINDOW, 'mem', new Uint8Array(new ArrayBuffer(mem.length)), true, true);
        this.memRegion = region;
      } else if (!this.memMapped || this.memory.regionInWindow(MEM_WINDOW) !== region) {
        this.memory.map(MEM_WINDOW, 'mem', region.bytes, true, true);
      }
      this.memMapped = true;
      region.bytes.set(mem);
      this.lo[1] = MEM_BASE;
      this.lo[2] = mem.length;
    } else {
      this.unmapMem();
    }
    if (this.options.setup) this.stackDirty = true;
    try {
      this.options.setup?.(this);
    } catch (e) {
      this.simpleFault('E_SETUP', 'helper', `setup hook failed: ${e instanceof Error ? e.message : String(e)}`);
      this.state = 'faulted';
    }
  }

  // ---- driving ----

  /**
   * Runs until exit, fault or budget exhaustion (continuing from the current state). Called from
   * inside this machine's own run (a helper calling back), it returns the current state instead.
   */
  run(): RunResult {
    if (this.canExecute()) {
      if (this.options.trace) this.runTraced(this.options.trace);
      else this.executeUntil(this.maxInsns);
    }
    return this.result();
  }

  /** Executes one instruction (a debugger step). Returns the new state. */
  step(): VmState {
    if (this.canExecute()) this.executeUntil(Math.min(this.insns + 1, this.maxInsns));
    return this.state;
  }

  private running = false;

  private canExecute(): boolean {
    return !this.running && (this.state === 'ready' || this.state === 'paused');
  }

  private executeUntil(stopAt: number): void {
    this.running = true;
    try {
      this.finish(isWarm() ? this.executeTo(stopAt) : this.executeCold(stopAt));
    } finally {
      this.running = false;
    }
  }

  /** Before the process is warmed up: at most coldAllowance() instructions, then warm up. */
  private executeCold(stopAt: number): Status {
    const start = this.insns;
    const allowance = coldAllowance();
    let status = this.executeTo(allowance < stopAt - start ? start + allowance : stopAt);
    noteColdInsns(this.insns - start);
    if (status === Status.Paused && this.insns < stopAt) {
      warmUp(Vm);
      status = this.executeTo(stopAt);
    }
    return status;
  }

  /** Runs the hot loop until `stopAt`, an exit or a fault, doing the Status.Slow steps. */
  private executeTo(stopAt: number): Status {
    this.stopAt = stopAt;
    const status = execute(this);
    return status === Status.Slow || status === Status.CallbackReturn ? this.executeSlow(status) : this.paused(status);
  }

  /** Alternates slow steps (helper calls, callback returns) and the hot loop while needed. */
  private executeSlow(first: Status): Status {
    let status = first;
    for (;;) {
      if (status === Status.Slow) status = this.slowStep();
      else if (status === Status.CallbackReturn) status = this.pc === this.prepared.tailReturnSlot ? this.tailReturn() : this.callbackReturn();
      else return this.paused(status);
      // The slow steps return Status.Slow to go on.
      if (status === Status.Slow) status = execute(this);
    }
  }

  /**
   * A pause right on a return slot (a callback's or a tail-called program's exit was the last
   * instruction allowed) completes the return first, so a paused machine always stands on an
   * instruction.
   */
  private paused(status: Status): Status {
    while (status === Status.Paused) {
      let next: Status;
      if (this.pc === this.prepared.tailReturnSlot && this.tailReturns.length > 0) next = this.tailReturn();
      else if (this.pc === this.prepared.callbackReturnSlot && this.loops.length > 0) next = this.callbackReturn();
      else break;
      if (next !== Status.Slow) return next;
    }
    return status;
  }

  /**
   * Completes the instruction at `pc` that execute() left to us (it is already counted): a
   * helper call, an lddw pseudo form or a legacy packet load. Returns Status.Slow to go on,
   * otherwise how the run ended.
   */
  private slowStep(): Status {
    const code = this.code;
    const at = this.pc * STRIDE;
    const w = code[at]!;
    const op = w & 255;
    let slots = 1;
    if (op === Code.CALL_HELPER || op === Code.CALLX) {
      let id = code[at + 2]!;
      if (op === Code.CALLX) {
        // The register holds a helper id (as uBPF and the conformance suite use it).
        const d = (w >> 8) & 15;
        id = this.hi[d] === 0 ? this.lo[d]! >>> 0 : -1;
      }
      if (!this.callHelper(id)) return Status.Faulted;
      if (this.pendingTailCall) return this.takeTailCall();
      if (this.pendingLoop) return this.startLoop();
    } else if (op === Code.LDDW_PSEUDO) {
      if (!this.resolvePseudo((w >> 8) & 15)) return Status.Faulted;
      slots = 2;
    } else {
      const r = this.legacyPacketLoad(w, code[at + 2]!, code[at + 3]!);
      if (r === PACKET_FAULT) return Status.Faulted;
      if (r === PACKET_EXIT) {
        this.depth = 0;
        return Status.Exited;
      }
    }
    this.pc += slots;
    return Status.Slow;
  }

  private runTraced(trace: (step: TraceStep) => void): void {
    const beforeLo = new Int32Array(NUM_REGS);
    const beforeHi = new Int32Array(NUM_REGS);
    while (this.state === 'ready' || this.state === 'paused') {
      beforeLo.set(this.lo.subarray(0, NUM_REGS));
      beforeHi.set(this.hi.subarray(0, NUM_REGS));
      const pc = this.pc;
      const insn = this.insnAt(pc);
      const program = this.programName;
      const count = this.insns;
      this.executeUntil(Math.min(count + 1, this.maxInsns));
      const state = this.state as VmState;
      if (this.insns === count) break; // nothing executed: budget, trap, or setup fault
      const changes: RegisterChange[] = [];
      for (let r = 0; r < NUM_REGS; r++) {
        if (beforeLo[r] !== this.lo[r] || beforeHi[r] !== this.hi[r]) {
          changes.push({ reg: r, before: u64(beforeLo[r]!, beforeHi[r]!), after: u64(this.lo[r]!, this.hi[r]!) });
        }
      }
      const step: TraceStep = {
        index: this.insns, pc, insn, changes, fault: state === 'faulted' ? this.fault : null, depth: this.depth,
      };
      trace(program === undefined ? step : { ...step, program });
    }
  }

  private finish(status: Status): void {
    if (this.prepared.mayWriteMemory || this.entry.mayWriteMemory) this.stackDirty = true;
    if (status === Status.Exited) {
      this.state = 'exited';
    } else if (status === Status.Faulted) {
      this.state = 'faulted';
    } else if (this.insns >= this.maxInsns) {
      this.fault = makeFault('E_BUDGET', 'budget', this.pc, this.insnAt(this.pc),
        `instruction budget of ${this.maxInsns} exhausted (does the program loop forever?)`);
      this.state = 'faulted';
    } else {
      this.state = 'paused';
    }
  }

  result(): RunResult {
    const lo = this.lo[0]!;
    const hi = this.hi[0]!;
    const res: RunResult = { r0: u64(lo, hi), r0Lo: lo >>> 0, r0Hi: hi >>> 0, insns: this.insns, fault: this.fault };
    if (this.memMapped && this.memRegion) res.mem = this.memRegion.bytes.slice();
    return res;
  }

  private unmapMem(): void {
    if (this.memMapped) this.memory.removeRegion(MEM_BASE);
    this.memMapped = false;
  }

  // ---- inspection ----

  /** The instruction starting at `slot`, or null. */
  insnAt(slot: number): Insn | null {
    return this.prepared.insnBySlot[slot] ?? null;
  }

  /** r0..r10 as unsigned 64-bit values. */
  registers(): bigint[] {
    return Array.from({ length: NUM_REGS }, (_, r) => this.getReg(r));
  }

  /** Register value as unsigned 64-bit. */
  getReg(reg: number): bigint {
    return u64(this.lo[reg]!, this.hi[reg]!);
  }

  /** Sets a register (bigint taken mod 2^64; numbers must be safe integers). */
  setReg(reg: number, value: bigint | number): void {
    if (!Number.isInteger(reg) || reg < 0 || reg >= NUM_REGS) throw new RangeError(`no register r${reg}`);
    if (typeof value === 'number' && Number.isSafeInteger(value)) {
      this.lo[reg] = value % 4294967296;
      this.hi[reg] = Math.floor(value / 4294967296);
      return;
    }
    const v = BigInt.asUintN(64, BigInt(value));
    this.lo[reg] = Number(v & 0xffffffffn);
    this.hi[reg] = Number(v >> 32n);
  }

  /** Maps `bytes` (shared) as a region; returns its base address. */
  addRegion(name: string, bytes: Uint8Array, opts: RegionOptions = {}): number {
    return this.memory.addRegion(name, bytes, opts);
  }

  /** Top of the stack of frame `frame` (r10 of that frame). */
  stackTop(frame = this.depth): number {
    return STACK_BASE + frame * WINDOW_SIZE + STACK_SIZE;
  }

  // ---- tail calls and callbacks (asked for by helpers, performed when the helper returns) ----

  /**
   * bpf_tail_call's part that the kernel does itself: the chain limit and the count. As Linux 6.18
   * does (checked against the running kernel: test/vm-tailcall-kernel.test.ts), only tail calls
   * that reach a program count; an empty slot continues after the call without counting. Returns
   * whether the tail call will happen (after the helper returns); false means execution
   * continues after the call. From a subprogram the target replaces the subprogram, as the x86-64
   * JIT does it (the kernel's interpreter refuses tail calls in programs with subprograms): the
   * target runs in the subprogram's frame and its exit returns to the subprogram's caller.
   */
  requestTailCall(target: PreparedProgram | Program | null, name?: string): boolean {
    if (!target || this.tailCallCount >= MAX_TAIL_CALL_CNT) return false;
    this.tailCallCount++;
    const program = toPrepared(target);
    if (program.code.length > MAX_CODE_SLOTS * STRIDE) {
      this.simpleFault('E_PROGRAM_TOO_LARGE', 'unsupported',
        `tail call target ${name ?? ''} takes ${program.code.length / STRIDE} slots; the interpreter holds at most ${MAX_CODE_SLOTS}`);
      return false;
    }
    this.pendingTailCall = { program, name };
    return true;
  }

  /**
   * Switches to the tail call's target: its first instruction, the same registers (r1 still the
   * context) and the same stack memory, as the kernel's interpreter (which keeps its frame; only
   * the instruction pointer changes). The instruction budget goes on counting.
   */
  private takeTailCall(): Status {
    const t = this.pendingTailCall!;
    this.pendingTailCall = null;
    const depth = this.depth;
    if (depth > 0) {
      // The caller's frame returns into the target's tail-return slot (tailReturn goes on from
      // there); the first tail call in this frame remembers where it really returns.
      const f = FRAMES_AT + (depth - 1) * FRAME_WORDS;
      const top = this.tailReturns[this.tailReturns.length - 1];
      if (!top || top.depth !== depth - 1) {
        this.tailReturns.push({ depth: depth - 1, program: this.prepared, name: this.programName, returnWord: this.words[f]! });
      }
      this.words[f] = wordOfSlot(t.program.tailReturnSlot);
    }
    this.prepared = t.program;
    this.code = t.program.code;
    this.programName = t.name;
    this.pc = 0;
    return Status.Slow;
  }

  /**
   * bpf_loop's iteration, run by the Vm: after the helper returns, the callback at `fn` (a value
   * of lddw src=4) is called up to `count` times with r1 = index, r2 = ctx, r3-r5 = 0, in a call
   * frame of its own, until it returns non-zero; r0 of the helper call is then the number of
   * iterations. Returns false (with a fault) when `fn` is not a function of this program.
   */
  requestLoop(fn: bigint, count: number, ctxArg: bigint): boolean {
    const slot = this.functionSlot(fn);
    if (slot < 0) {
      this.simpleFault('E_BAD_CALLBACK', 'helper',
        `callback ${hexAddress(fn)} is not a function of this program (it must come from an lddw of a function)`);
      return false;
    }
    const c = BigInt.asUintN(64, ctxArg);
    this.pendingLoop = {
      slot, count, done: 0, ctxLo: Number(c & 0xffffffffn) | 0, ctxHi: Number(c >> 32n) | 0, callPc: this.pc,
    };
    return true;
  }

  /** The slot a function pointer names, or -1. */
  functionSlot(fn: bigint): number {
    const v = BigInt.asUintN(64, fn);
    if (v < BigInt(FUNC_BASE) || v >= BigInt(FUNC_BASE + WINDOW_SIZE)) return -1;
    const off = Number(v) - FUNC_BASE;
    const slot = off / 8;
    if (!Number.isInteger(slot) || slot >= this.prepared.slotCount || !this.prepared.insnBySlot[slot]) return -1;
    return slot;
  }

  private startLoop(): Status {
    const loop = this.pendingLoop!;
    this.pendingLoop = null;
    if (loop.count === 0) {
      this.setReg(0, 0);
      this.pc += 1;
      return Status.Slow;
    }
    this.loops.push(loop);
    return this.enterCallback(loop) ? Status.Slow : Status.Faulted;
  }

  /** Pushes a call frame as a local call does, returning into the callback-return slot. */
  private enterCallback(loop: LoopState): boolean {
    const depth = this.depth;
    if (depth >= MAX_FRAMES - 1) {
      this.pc = loop.callPc;
      this.simpleFault('E_CALL_DEPTH', 'call_depth', `bpf_loop callback would need a 9th stack frame (at most ${MAX_FRAMES} frames)`);
      return false;
    }
    const words = this.words;
    const lo = this.lo;
    const hi = this.hi;
    const f = FRAMES_AT + depth * FRAME_WORDS;
    words[f] = wordOfSlot(this.prepared.callbackReturnSlot);
    for (let r = 6, k = f + 1; r <= 10; r++, k += 2) {
      words[k] = lo[r]!;
      words[k + 1] = hi[r]!;
    }
    this.depth = depth + 1;
    if (depth + 1 > words[DEEPEST_FRAME_AT]!) words[DEEPEST_FRAME_AT] = depth + 1;
    lo[10] = this.stackTop(depth + 1);
    hi[10] = 0;
    lo[1] = loop.done;
    hi[1] = 0;
    lo[2] = loop.ctxLo;
    hi[2] = loop.ctxHi;
    for (let r = 3; r <= 5; r++) {
      lo[r] = 0;
      hi[r] = 0;
    }
    this.pc = loop.slot;
    return true;
  }

  /** A program entered by a tail call from a subprogram returned: back to the caller's program. */
  private tailReturn(): Status {
    const e = this.tailReturns.pop();
    if (!e || e.depth !== this.depth) {
      this.simpleFault('E_INTERNAL', 'internal', 'internal interpreter error: tail-call return without a matching tail call');
      return Status.Faulted;
    }
    this.prepared = e.program;
    this.code = e.program.code;
    this.programName = e.name;
    this.pc = (e.returnWord - CODE_AT) / STRIDE;
    return Status.Slow;
  }

  /** The callback returned (its exit popped the frame): next iteration, or the end of the loop. */
  private callbackReturn(): Status {
    const loop = this.loops[this.loops.length - 1];
    if (!loop) {
      this.simpleFault('E_INTERNAL', 'internal', 'internal interpreter error: callback return without a bpf_loop in progress');
      return Status.Faulted;
    }
    loop.done++;
    const stop = this.lo[0] !== 0 || this.hi[0] !== 0;
    if (stop || loop.done >= loop.count) {
      this.loops.pop();
      this.setReg(0, loop.done);
      this.pc = loop.callPc + 1;
      return Status.Slow;
    }
    return this.enterCallback(loop) ? Status.Slow : Status.Faulted;
  }

  // ---- slow paths (called by slowStep and, for faults, by the hot loop) ----

  callHelper(id: number): boolean {
    const fn = id >= 0 ? this.helpers.get(id) : undefined;
    if (!fn) {
      const what = id < 0 ? 'a value that is not a helper id' : `unknown helper ${id}`;
      this.simpleFault('E_UNKNOWN_HELPER', 'unknown_helper', `call to ${what}`);
      return false;
    }
    this.helperContext.helperId = id;
    try {
      fn(this.helperContext);
    } catch (e) {
      this.simpleFault('E_HELPER_FAILED', 'helper',
        `helper ${id} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return this.fault === null;
  }

  memoryFault(baseReg: number, off: number, size: number, access: 'load' | 'store' | 'atomic'): void {
    const address = BigInt.asUintN(64, this.getReg(baseReg) + BigInt(off));
    const problem = this.memory.describeAccess(address, size, access) ?? {
      code: 'E_OUT_OF_BOUNDS', kind: 'out_of_bounds' as const, region: this.memory.regionAt(address)?.name ?? null,
      message: `${access} of ${size} bytes at ${hexAddress(address)}: the region's memory is no longer available`,
    };
    this.fault = makeFault(problem.code, problem.kind, this.pc, this.insnAt(this.pc), problem.message, {
      address: hexAddress(address), size, region: problem.region,
    });
  }

  memoryFaultAtPc(): void {
    this.exceptionFault(null);
  }

  exceptionFault(error: unknown): void {
    const insn = this.insnAt(this.pc);
    const kind = insn?.op.kind;
    if (insn && (kind === 'ldx' || kind === 'ldxs' || kind === 'st' || kind === 'stx' || kind === 'atomic')) {
      const isLoad = kind === 'ldx' || kind === 'ldxs';
      const access = kind === 'atomic' ? 'atomic' : isLoad ? 'load' : 'store';
      this.memoryFault(isLoad ? insn.src : insn.dst, (insn.off << 16) >> 16, insn.op.size, access);
      return;
    }
    // Not expected: only memory instructions fault or throw inside the hot loop.
    this.simpleFault('E_INTERNAL', 'internal',
      `internal interpreter error: ${error instanceof Error ? error.message : String(error)}`);
  }

  trapFault(slot: number): boolean {
    const info = this.prepared.traps.get(slot);
    if (info?.code === CALLBACK_RETURN || info?.code === TAIL_RETURN) return true;
    const pc = info ? info.pc : slot;
    const code = info?.code ?? 'E_INVALID_INSN';
    const kind: FaultKind = code === 'E_BAD_JUMP' ? 'bad_jump' : code === 'E_FELL_OFF_END' ? 'fell_off_end' : 'invalid_insn';
    this.pc = pc;
    this.fault = makeFault(code, kind, pc, this.insnAt(pc), info?.message ?? `slot ${slot} holds no instruction`);
    return false;
  }

  simpleFault(code: string, kind: FaultKind, message: string): void {
    this.fault = makeFault(code, kind, this.pc, this.insnAt(this.pc), message);
  }

  resolvePseudo(dst: number): boolean {
    const insn = this.insnAt(this.pc);
    const resolver = this.options.resolvePseudo;
    const name = insn?.op.name ?? 'lddw';
    let value: bigint | null = null;
    if (insn?.src === 4) {
      // BPF_PSEUDO_FUNC: imm is the function's slot relative to the lddw's second slot, as in the
      // kernel (target = pc + imm + 1). The value is an address in the function window.
      const target = this.pc + (insn.imm | 0) + 1;
      if (target < 0 || target >= this.prepared.slotCount || !this.prepared.insnBySlot[target]) {
        this.simpleFault('E_BAD_FUNC', 'bad_jump',
          `${name}: function at slot ${target} is outside the program or inside an lddw`);
        return false;
      }
      this.lo[dst] = FUNC_BASE + target * 8;
      this.hi[dst] = 0;
      return true;
    }
    if (resolver && insn) {
      try {
        value = resolver({ name, src: insn.src, imm: insn.imm, imm2: insn.imm2, pc: this.pc });
      } catch (e) {
        this.simpleFault('E_UNRESOLVED_PSEUDO', 'unresolved_pseudo',
          `${name} could not be resolved: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    }
    if (value === null || typeof value !== 'bigint') {
      this.simpleFault('E_UNRESOLVED_PSEUDO', 'unresolved_pseudo',
        `${name} (src=${insn?.src}, imm=${insn?.imm}) needs a loader to resolve it; none resolved it`);
      return false;
    }
    this.setReg(dst, value);
    return true;
  }

  legacyPacketLoad(word: number, imm: number, size: number): number {
    const loadPacket = this.options.legacyPacketLoad;
    const insn = this.insnAt(this.pc);
    if (!loadPacket) {
      this.simpleFault('E_UNSUPPORTED', 'unsupported',
        `${insn?.op.name ?? 'legacy packet load'} (LD_ABS/LD_IND) needs a packet; none is attached`);
      return PACKET_FAULT;
    }
    const isInd = insn?.op.kind === 'ld_ind';
    const offset = isInd ? (this.lo[(word >> 12) & 15]! + imm) | 0 : imm;
    let value: number | null;
    try {
      value = loadPacket(offset, size as 1 | 2 | 4);
    } catch (e) {
      this.simpleFault('E_HELPER_FAILED', 'helper', `packet load failed: ${e instanceof Error ? e.message : String(e)}`);
      return PACKET_FAULT;
    }
    if (value === null || typeof value !== 'number') {
      // Linux ends the program with r0 = 0 when a legacy packet load is out of bounds.
      this.lo[0] = 0;
      this.hi[0] = 0;
      return PACKET_EXIT;
    }
    this.lo[0] = value | 0;
    this.hi[0] = 0;
    return PACKET_OK;
  }
}

/** The context object helpers receive; one per Vm, reused for every call. */
class HelperCallContext implements HelperContext {
  helperId = 0;
  constructor(private readonly vm: Vm) {}
  get pc(): number {
    return this.vm.pc;
  }
  get insns(): number {
    return this.vm.insns;
  }
  get memory(): Memory {
    return this.vm.memory;
  }
  arg(reg: number): bigint {
    return this.vm.getReg(reg);
  }
  argLo(reg: number): number {
    return this.vm.lo[reg]! >>> 0;
  }
  argHi(reg: number): number {
    return this.vm.hi[reg]! >>> 0;
  }
  setReturn(value: bigint | number): void {
    this.vm.setReg(0, value);
  }
  fault(code: string, message: string): void {
    this.vm.simpleFault(code, 'helper', message);
  }
  get callDepth(): number {
    return this.vm.depth;
  }
  get programName(): string | undefined {
    return this.vm.programName;
  }
  get tailCallCount(): number {
    return this.vm.tailCallCount;
  }
  tailCall(target: PreparedProgram | Program | null, name?: string): boolean {
    return this.vm.requestTailCall(target, name);
  }
  loop(fn: bigint, count: number, ctxArg: bigint): boolean {
    return this.vm.requestLoop(fn, count, ctxArg);
  }
}
