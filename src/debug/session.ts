// The stepping core: one deterministic session over a program and its input. Step, step back,
// continue to a breakpoint / watchpoint / fault / exit, go to step N, reset; a record per step.
//
// Step back is exact. Every step keeps an undo entry: the registers, pc, counters and state
// before it, and the old bytes of every memory location the instruction wrote (worked out by
// decoding the instruction with the registers before it: src/sim/driver's memoryOperand). Steps
// that change more than registers and memory an instruction names (helper calls, which can change
// map-internal state, local calls and exits, which move call frames, tail calls, bpf_loop,
// LD_ABS/LD_IND and lddw pseudo loads) are undone by replay instead: a fresh machine built from
// the same input, stepped to the target. Both give the state the forward run had there
// (test/debug-core.test.ts checks registers, every memory region and every map).
//
// No node: imports: the web page bundles this.

import { formatInsn } from '../asm/index.js';
import type { ElfProgram, SourceLine } from '../elf/types.js';
import type { Insn } from '../isa/index.js';
import type { InputKind, LoadedProgram } from '../input/load.js';
import { memoryOperand } from '../sim/driver/run.js';
import { type Fault, NUM_REGS, type Region, type Vm, type VmState } from '../vm/index.js';
import { type BuiltMachine, type DebugProgram, type DriverExtra, type RunInput, buildMachine } from './machine.js';
import { type Obligation, obligationFor } from './obligation.js';
import { type VerifierView, verifierView } from './verifier.js';

export interface MemAccessRecord {
  readonly kind: 'read' | 'write';
  /** Address as the registers hold it. */
  readonly address: bigint;
  readonly size: number;
  /** The region it fell in, and the offset there (null: unmapped or outside). */
  readonly region: string | null;
  readonly offset: number | null;
  /** Bytes read, or bytes after the write (memory order); null when the access faulted. */
  readonly bytes: Uint8Array | null;
  /** Writes: the bytes before. */
  readonly old: Uint8Array | null;
  /** Who accessed: the instruction itself, or the helper it called. */
  readonly by: 'insn' | 'helper';
}

export interface InsnText {
  readonly llvm: string;
  readonly mnemonic: string;
}

export interface StepRecord {
  /** 1-based number of the step (the machine's instruction count after it). */
  readonly index: number;
  /** Slot of the executed instruction, and the program it belongs to (tail calls change it). */
  readonly pc: number;
  readonly program: string | undefined;
  readonly depth: number;
  readonly insn: InsnText;
  readonly cLine: SourceLine | null;
  /** 1-based line of the assembly source, when the program came from text. */
  readonly asmLine: number | null;
  readonly regsBefore: readonly bigint[];
  readonly regsAfter: readonly bigint[];
  /** Registers whose value changed. */
  readonly changed: readonly number[];
  /** Registers the instruction reads and writes (by its encoding). */
  readonly regReads: readonly number[];
  readonly regWrites: readonly number[];
  readonly accesses: readonly MemAccessRecord[];
  readonly fault: Fault | null;
  /** Machine state after the step. */
  readonly state: VmState;
  /** Undone by replay (helper calls, calls, exits...) rather than from the undo log. */
  readonly replayed: boolean;
}

export type Breakpoint = { readonly slot: number; readonly spec: string };

export type Watchpoint =
  | { readonly kind: 'reg'; readonly reg: number; readonly on: 'read' | 'write' | 'access' }
  | { readonly kind: 'mem'; readonly address: bigint; readonly size: number; readonly on: 'read' | 'write' | 'access' };

export type StopReason =
  | { readonly reason: 'breakpoint'; readonly slot: number }
  | { readonly reason: 'watchpoint'; readonly watch: Watchpoint; readonly step: number; readonly detail: string }
  | { readonly reason: 'exit' }
  | { readonly reason: 'fault'; readonly fault: Fault }
  | { readonly reason: 'limit' }
  | { readonly reason: 'nothing' };

export interface ListingLine {
  readonly slot: number;
  readonly label: string | null;
  readonly insn: InsnText;
  readonly cLine: SourceLine | null;
  readonly asmLine: number | null;
}

export interface RegionView {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly bytes: Uint8Array;
}

/** The whole machine state, comparable with `sameState` (tests, trace checks). */
export interface FullState {
  readonly insns: number;
  readonly pc: number;
  readonly state: VmState;
  readonly fault: string | null;
  readonly depth: number;
  readonly program: string | null;
  readonly regs: readonly string[];
  readonly regions: Readonly<Record<string, string>>;
  readonly maps: unknown;
}

export interface SessionOptions {
  /** Driver mode: layout and map values (the CF291 scenario). */
  driverExtra?: DriverExtra;
  /** Original file content (kept for trace files; default: the program bytes). */
  content?: Uint8Array;
  /** Input kind of `content`. */
  kind?: InputKind;
  /** Opaque scenario description stored in trace files (the loader rebuilds driverExtra from it). */
  scenario?: unknown;
  /** Skip the verifier (it is run lazily otherwise). */
  noVerifier?: boolean;
  /** Program type to verify as (default: the run's); the CF291 driver runs as raw but is a socket filter. */
  verifierType?: RunInput['progType'];
}

const NO_ACCESSES: readonly MemAccessRecord[] = Object.freeze([]);
/** Writable regions up to this size are compared around helper calls to report what the helper wrote. */
const HELPER_DIFF_LIMIT = 1 << 20;

function u64(lo: number, hi: number): bigint {
  return hi === 0 ? BigInt(lo >>> 0) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

/** A step record that keeps the registers as 32-bit halves and computes the rest when asked (a long run keeps many). */
class Step implements StepRecord {
  private before?: bigint[];
  private after?: bigint[];
  private changedRegs?: number[];
  private writesRegs?: number[];
  constructor(
    readonly index: number,
    readonly pc: number,
    readonly program: string | undefined,
    readonly depth: number,
    readonly insn: InsnText,
    readonly cLine: SourceLine | null,
    readonly asmLine: number | null,
    /** lo before, hi before, lo after, hi after (NUM_REGS each). */
    private readonly words: Int32Array,
    readonly regReads: readonly number[],
    private readonly insnWrites: readonly number[],
    readonly accesses: readonly MemAccessRecord[],
    readonly fault: Fault | null,
    readonly state: VmState,
    readonly replayed: boolean,
  ) {}

  private regs(at: number): bigint[] {
    const w = this.words;
    return Array.from({ length: NUM_REGS }, (_, r) => u64(w[at + r]!, w[at + NUM_REGS + r]!));
  }

  get regsBefore(): readonly bigint[] {
    return (this.before ??= this.regs(0));
  }

  get regsAfter(): readonly bigint[] {
    return (this.after ??= this.regs(2 * NUM_REGS));
  }

  get changed(): readonly number[] {
    if (!this.changedRegs) {
      const w = this.words;
      const out: number[] = [];
      for (let r = 0; r < NUM_REGS; r++) {
        if (w[r] !== w[2 * NUM_REGS + r] || w[NUM_REGS + r] !== w[3 * NUM_REGS + r]) out.push(r);
      }
      this.changedRegs = out;
    }
    return this.changedRegs;
  }

  get regWrites(): readonly number[] {
    return (this.writesRegs ??= [...new Set([...this.insnWrites, ...this.changed])].sort((a, b) => a - b));
  }

  /** The registers' halves before the step (for undo). */
  beforeLo(): Int32Array {
    return this.words.subarray(0, NUM_REGS);
  }

  beforeHi(): Int32Array {
    return this.words.subarray(NUM_REGS, 2 * NUM_REGS);
  }
}

interface UndoEntry {
  readonly replay: boolean;
  readonly step: Step;
  readonly pc: number;
  readonly insns: number;
  readonly depth: number;
  readonly state: VmState;
  readonly fault: Fault | null;
  readonly writes: { region: Region; offset: number; old: Uint8Array }[];
}

const REPLAY_KINDS = new Set(['call_helper', 'call_local', 'call_kfunc', 'callx', 'exit', 'ld_abs', 'ld_ind']);

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function hexBytes(b: Uint8Array): string {
  const parts: string[] = new Array<string>(b.length);
  for (let i = 0; i < b.length; i++) parts[i] = HEX[b[i]!]!;
  return parts.join('');
}

function safeFormat(insn: Insn | null, syntax: 'llvm' | 'mnemonic', slot: number, labelAt?: (s: number) => string | undefined): string {
  if (!insn) return '(no instruction)';
  try {
    return formatInsn(insn, syntax, labelAt ? { slot, labelAt } : { slot });
  } catch {
    return insn.op.name;
  }
}

/** Registers an instruction reads and writes, from its encoding. */
export function registerUse(insn: Insn): { reads: number[]; writes: number[] } {
  const k = insn.op.kind;
  const reads = new Set<number>();
  const writes = new Set<number>();
  switch (k) {
    case 'alu':
      reads.add(insn.dst);
      if (insn.op.usesSrcReg) reads.add(insn.src);
      writes.add(insn.dst);
      break;
    case 'neg': case 'end':
      reads.add(insn.dst);
      writes.add(insn.dst);
      break;
    case 'mov': case 'movsx':
      if (insn.op.usesSrcReg || k === 'movsx') reads.add(insn.src);
      writes.add(insn.dst);
      break;
    case 'jcond':
      reads.add(insn.dst);
      if (insn.op.usesSrcReg) reads.add(insn.src);
      break;
    case 'call_helper': case 'call_kfunc': case 'callx':
      for (let r = 1; r <= 5; r++) reads.add(r);
      if (k === 'callx') reads.add(insn.dst);
      for (let r = 0; r <= 5; r++) writes.add(r);
      break;
    case 'call_local':
      for (let r = 1; r <= 5; r++) reads.add(r);
      writes.add(10);
      break;
    case 'exit':
      reads.add(0);
      break;
    case 'lddw':
      writes.add(insn.dst);
      break;
    case 'ld_abs': case 'ld_ind':
      reads.add(6);
      if (k === 'ld_ind') reads.add(insn.src);
      writes.add(0);
      for (let r = 1; r <= 5; r++) writes.add(r);
      break;
    case 'ldx': case 'ldxs':
      reads.add(insn.src);
      writes.add(insn.dst);
      break;
    case 'st':
      reads.add(insn.dst);
      break;
    case 'stx':
      reads.add(insn.dst);
      reads.add(insn.src);
      break;
    case 'atomic': {
      reads.add(insn.dst);
      reads.add(insn.src);
      const op = insn.op.op;
      if (op === 'cmpxchg') {
        reads.add(0);
        writes.add(0);
      } else if (op.startsWith('fetch') || op === 'xchg') {
        writes.add(insn.src);
      }
      break;
    }
    default:
      break;
  }
  return { reads: [...reads].sort((a, b) => a - b), writes: [...writes].sort((a, b) => a - b) };
}

function overlaps(a: bigint, an: number, b: bigint, bn: number): boolean {
  return a < b + BigInt(bn) && b < a + BigInt(an);
}

/**
 * One debugging session. Build with `DebugSession.create(loaded, input)`; the machine starts at
 * step 0 (before the first instruction).
 */
export class DebugSession {
  private machine: BuiltMachine;
  private readonly undo: UndoEntry[] = [];
  private readonly records: StepRecord[] = [];
  private readonly bps = new Map<number, Breakpoint>();
  private readonly watches: Watchpoint[] = [];
  private verifierCache: VerifierView | null = null;
  /** Replays done (for tests and the UI's curiosity). */
  replays = 0;

  private constructor(
    readonly loaded: LoadedProgram,
    readonly input: RunInput,
    readonly options: SessionOptions,
    private readonly dprog: DebugProgram,
  ) {
    this.machine = buildMachine(dprog, input, options.driverExtra);
  }

  /** Starts a session; throws an Error for input no run can use (e.g. a packet under 14 bytes). */
  static create(loaded: LoadedProgram, input: RunInput, options: SessionOptions = {}): DebugSession {
    const dprog: DebugProgram = {
      file: loaded.file, program: loaded.program, bytes: loaded.bytes, maps: loaded.maps,
      elf: loaded.elf ? { programs: loaded.elf.object.programs, program: loaded.elf.program } : null,
    };
    return new DebugSession(loaded, input, options, dprog);
  }

  // ---- inspection -------------------------------------------------------------------------------

  get vm(): Vm {
    return this.machine.vm;
  }

  /** Steps taken (= the machine's instruction count). */
  get stepCount(): number {
    return this.records.length;
  }

  /** Slot of the next instruction. */
  get pc(): number {
    return this.vm.pc;
  }

  get status(): VmState {
    return this.vm.state;
  }

  get fault(): Fault | null {
    return this.vm.fault;
  }

  /** Whether the machine can step (not exited or faulted). */
  get running(): boolean {
    return this.vm.state === 'ready' || this.vm.state === 'paused';
  }

  get mode(): 'sandbox' | 'driver' {
    return this.input.mode;
  }

  registers(): bigint[] {
    return this.vm.registers();
  }

  /** The records of the steps taken so far (index i = step i + 1). */
  history(): readonly StepRecord[] {
    return this.records;
  }

  /** The last step's record, or null at step 0. */
  lastStep(): StepRecord | null {
    return this.records[this.records.length - 1] ?? null;
  }

  /** The ELF program running now (tail calls change it), if the input is an object. */
  private runningElf(): ElfProgram | null {
    const elf = this.dprog.elf;
    if (!elf) return null;
    const name = this.vm.programName;
    return (name !== undefined ? elf.programs.find((p) => p.name === name) : undefined) ?? elf.program;
  }

  /** Whether the running program is the one the session was started on (not a tail-call target). */
  private inEntryProgram(): boolean {
    const elf = this.dprog.elf;
    if (!elf) return true;
    const name = this.vm.programName;
    return name === undefined || name === elf.program.name;
  }

  private labelOf = (slot: number): string | undefined => {
    if (this.loaded.labelAt) return this.loaded.labelAt.get(slot);
    return this.dprog.elf?.program.functions.get(slot);
  };

  private readonly textCache = new Map<string, InsnText>();
  private readonly useCache = new Map<string, { reads: number[]; writes: number[] }>();

  /** Instruction text at `slot` of the running program. */
  insnText(slot: number): InsnText {
    const key = `${this.vm.programName ?? ''}:${slot}`;
    let t = this.textCache.get(key);
    if (!t) {
      const insn = this.vm.insnAt(slot);
      const labelAt = this.inEntryProgram() ? this.labelOf : undefined;
      t = { llvm: safeFormat(insn, 'llvm', slot, labelAt), mnemonic: safeFormat(insn, 'mnemonic', slot, labelAt) };
      this.textCache.set(key, t);
    }
    return t;
  }

  private useAt(program: string | undefined, slot: number, insn: Insn | null): { reads: number[]; writes: number[] } {
    const key = `${program ?? ''}:${slot}`;
    let u = this.useCache.get(key);
    if (!u) {
      u = insn ? registerUse(insn) : { reads: [], writes: [] };
      this.useCache.set(key, u);
    }
    return u;
  }

  cLineAt(slot: number): SourceLine | null {
    return this.runningElf()?.lines[slot] ?? null;
  }

  asmLineAt(slot: number): number | null {
    if (!this.inEntryProgram() || !this.loaded.lines) return null;
    const idx = this.loaded.program.insnAtSlot[slot];
    return idx !== undefined && idx >= 0 ? this.loaded.lines[idx] ?? null : null;
  }

  private sourceLines: string[] | null | undefined;

  /** Text of line `n` (1-based) of the assembly source, when the session has it (options.content). */
  sourceText(n: number): string | null {
    if (this.sourceLines === undefined) {
      const c = this.options.content;
      this.sourceLines = c && (this.options.kind ?? this.loaded.kind) === 'asm' ? new TextDecoder().decode(c).split('\n') : null;
    }
    return this.sourceLines?.[n - 1] ?? null;
  }

  /** The entry program's listing (every instruction with its label and source line). */
  listing(): ListingLine[] {
    const p = this.loaded.program;
    const elf = this.dprog.elf?.program;
    return p.insns.map((insn, i) => {
      const slot = p.slotOf[i]!;
      return {
        slot,
        label: this.labelOf(slot) ?? null,
        insn: { llvm: safeFormat(insn, 'llvm', slot, this.labelOf), mnemonic: safeFormat(insn, 'mnemonic', slot, this.labelOf) },
        cLine: elf?.lines[slot] ?? null,
        asmLine: this.loaded.lines?.[i] ?? null,
      };
    });
  }

  /** Every mapped region (stacks, input memory, context, packet, map storage, driver pages). */
  regions(): RegionView[] {
    return this.vm.memory.regions().map((r) => ({
      name: r.name, base: r.base, size: r.size, readable: r.readable, writable: r.writable, bytes: r.bytes,
    }));
  }

  /** Reads memory for display (no permission checks beyond mapping); null where nothing is mapped. */
  readMemory(address: bigint, size: number): { region: string; offset: number; bytes: Uint8Array } | null {
    const r = this.vm.memory.regionAt(address);
    if (!r) return null;
    const off = Number(BigInt.asUintN(64, address) - BigInt(r.base));
    return { region: r.name, offset: off, bytes: r.bytes.slice(off, Math.min(r.size, off + size)) };
  }

  /** The region an address falls in, and the offset there. */
  whereIs(address: bigint): { region: string; offset: number } | null {
    const r = this.vm.memory.regionAt(address);
    return r ? { region: r.name, offset: Number(BigInt.asUintN(64, address) - BigInt(r.base)) } : null;
  }

  /** Driver mode: what lives at an address in the simulated kernel ("Ntfs pool block +0x0", "guard page..."). */
  describeAddress(address: bigint): string | null {
    return this.machine.driver ? this.machine.driver.describe(address) : null;
  }

  /** Driver mode: the kernel's view of the whole run (outcome, bug check). */
  driverResult() {
    return this.machine.driverResult();
  }

  /** Map contents (sandbox mode with maps), as `bpfbox run --dump-maps --json` prints them. */
  mapsJson(): unknown {
    return this.machine.mapsJson();
  }

  /** The sandbox's context (packet, printk output), when the run has one. */
  get context() {
    return this.machine.context;
  }

  /** The complete state, for comparisons. */
  fullState(): FullState {
    const vm = this.vm;
    const regions: Record<string, string> = {};
    for (const r of vm.memory.regions()) regions[`${r.name}@${r.base.toString(16)}`] = hexBytes(r.bytes);
    return {
      insns: vm.insns, pc: vm.pc, state: vm.state, fault: vm.fault ? `${vm.fault.code} at ${vm.fault.pc}` : null, depth: vm.depth,
      program: vm.programName ?? null, regs: vm.registers().map((r) => r.toString(16)), regions,
      maps: JSON.parse(JSON.stringify(this.machine.mapsJson() ?? null)),
    };
  }

  // ---- the verifier ------------------------------------------------------------------------------

  /** The verifier's view of the entry program (run once, at log level 2). */
  verifier(): VerifierView {
    if (!this.verifierCache) {
      const memSize = this.input.progType === 'raw' ? this.input.mem?.length ?? 0 : 0;
      this.verifierCache = verifierView(this.loaded, { progType: this.options.verifierType ?? this.input.progType, memSize });
    }
    return this.verifierCache;
  }

  /**
   * The memory-safety obligation of the next instruction (a load, store or atomic) with the
   * concrete numbers of this run, and the verifier's view of the pointer; null for other
   * instructions.
   */
  obligation(): Obligation | null {
    if (!this.running) return null;
    const insn = this.vm.insnAt(this.vm.pc);
    if (!insn) return null;
    const states = this.options.noVerifier || !this.inEntryProgram() ? [] : this.verifier().statesAt(this.vm.pc).map((s) => s.state);
    return obligationFor(insn, this.vm, states, this.loaded.maps, this.input.progType);
  }

  // ---- breakpoints and watchpoints ---------------------------------------------------------------

  /**
   * Adds breakpoints from a spec: an instruction slot (`12`), a label (`next_pair`), a C source
   * line (`xdp_firewall.c:35` or `c:35`), or an assembly line (`s:12`, `FILE.s:12`). Returns the
   * slots added (empty: nothing matched).
   */
  addBreakpoint(spec: string | number): number[] {
    const slots = this.resolveLocation(spec);
    for (const slot of slots) this.bps.set(slot, { slot, spec: String(spec) });
    return slots;
  }

  removeBreakpoint(spec: string | number): number[] {
    const slots = this.resolveLocation(spec);
    for (const s of slots) this.bps.delete(s);
    return slots;
  }

  /** Toggles a breakpoint at a slot; returns whether it is set now. */
  toggleBreakpoint(slot: number): boolean {
    if (this.bps.has(slot)) {
      this.bps.delete(slot);
      return false;
    }
    this.bps.set(slot, { slot, spec: String(slot) });
    return true;
  }

  breakpoints(): Breakpoint[] {
    return [...this.bps.values()].sort((a, b) => a.slot - b.slot);
  }

  clearBreakpoints(): void {
    this.bps.clear();
  }

  addWatchpoint(w: Watchpoint): void {
    this.watches.push(w);
  }

  removeWatchpoint(i: number): void {
    this.watches.splice(i, 1);
  }

  watchpoints(): readonly Watchpoint[] {
    return this.watches;
  }

  /** Slots a location spec names (see addBreakpoint). */
  resolveLocation(spec: string | number): number[] {
    const p = this.loaded.program;
    const isSlot = (n: number) => n >= 0 && n < p.slotCount && (p.insnAtSlot[n] ?? -1) >= 0;
    if (typeof spec === 'number') return isSlot(spec) ? [spec] : [];
    const s = spec.trim();
    if (/^\d+$/.test(s)) return isSlot(Number(s)) ? [Number(s)] : [];
    const m = /^(.*):(\d+)$/.exec(s);
    if (m) {
      const file = m[1]!;
      const line = Number(m[2]);
      const base = (f: string) => f.split('/').pop()!;
      const out: number[] = [];
      const elf = this.dprog.elf?.program;
      const wantsAsm = file === 's' || /\.(s|asm|data)$/i.test(file);
      if (elf && !wantsAsm) {
        // the first slot of each run of slots carrying this line
        let prev = false;
        for (let slot = 0; slot < p.slotCount; slot++) {
          const l = elf.lines[slot];
          const hit = !!l && l.line === line && (file === '' || file === 'c' || base(l.file) === base(file) || l.file === file);
          if (hit && !prev && isSlot(slot)) out.push(slot);
          if (l || !isSlot(slot)) prev = hit;
        }
        return out;
      }
      if (this.loaded.lines) {
        this.loaded.lines.forEach((l, i) => {
          if (l === line) out.push(p.slotOf[i]!);
        });
        return out.slice(0, 1);
      }
      return [];
    }
    // a label or function name
    const out: number[] = [];
    if (this.loaded.labelAt) for (const [slot, name] of this.loaded.labelAt) if (name === s) out.push(slot);
    const fns = this.dprog.elf?.program.functions;
    if (fns) for (const [slot, name] of fns) if (name === s) out.push(slot);
    return [...new Set(out)];
  }

  // ---- stepping ----------------------------------------------------------------------------------

  /** Executes one instruction; returns its record, or null when the machine cannot step. */
  step(): StepRecord | null {
    const vm = this.vm;
    if (!this.running) return null;
    const pc = vm.pc;
    const insn = vm.insnAt(pc);
    const program = vm.programName;
    const depth0 = vm.depth;
    const words = new Int32Array(4 * NUM_REGS);
    words.set(vm.lo.subarray(0, NUM_REGS), 0);
    words.set(vm.hi.subarray(0, NUM_REGS), NUM_REGS);
    const insns0 = vm.insns;
    const state0 = vm.state;
    const fault0 = vm.fault;
    const text = this.insnText(pc);
    const cLine = this.cLineAt(pc);
    const asmLine = this.asmLineAt(pc);

    // The instruction's own access, from its encoding and the registers before it.
    const operand = insn ? memoryOperand(insn) : null;
    let own: { address: bigint; size: number; kind: 'read' | 'write' | 'atomic'; region: Region | null; offset: number | null; old: Uint8Array | null } | null = null;
    if (insn && operand) {
      const address = BigInt.asUintN(64, u64(words[operand.base]!, words[NUM_REGS + operand.base]!) + BigInt(insn.off));
      const size = insn.op.size;
      const r = vm.memory.regionAt(address) ?? null;
      const offset = r ? Number(address - BigInt(r.base)) : null;
      const inside = r !== null && offset !== null && offset + size <= r.size;
      own = {
        address, size, kind: operand.kind, region: inside ? r : null, offset: r ? offset : null,
        old: inside ? r!.bytes.slice(offset!, offset! + size) : null,
      };
    }
    const kind = insn?.op.kind ?? 'none';
    const pseudo = kind === 'lddw' && insn!.src !== 0;
    const replayKind = REPLAY_KINDS.has(kind) || pseudo;
    // Helper calls may write any writable region: keep copies to find what they changed.
    let before: Map<Region, Uint8Array> | null = null;
    if (kind === 'call_helper' || kind === 'callx' || kind === 'call_kfunc') {
      before = new Map();
      for (const r of vm.memory.regions()) {
        const frame = /^stack(\d+)$/.exec(r.name);
        // (regions over 1 MiB, e.g. a big map's storage chunk, are left out of the report: too
        // costly per call; step back replays helper calls, so exactness does not depend on it)
        if (r.writable && r.size <= HELPER_DIFF_LIMIT && (!frame || Number(frame[1]) <= depth0)) before.set(r, r.bytes.slice());
      }
    }

    vm.step();
    if (vm.insns === insns0) return null; // nothing executed (cannot happen for a running machine)

    const faulted = vm.state === 'faulted' && vm.fault !== fault0 && vm.fault?.kind !== 'budget';
    const accesses: MemAccessRecord[] = [];
    const writes: UndoEntry['writes'] = [];
    if (own) {
      const r = own.region;
      const ok = r !== null && !faulted;
      const now = ok ? r!.bytes.slice(own.offset!, own.offset! + own.size) : null;
      const regionName = r?.name ?? vm.memory.regionAt(own.address)?.name ?? null;
      if (own.kind === 'read' || own.kind === 'atomic') {
        accesses.push({ kind: 'read', address: own.address, size: own.size, region: regionName, offset: own.offset, bytes: ok ? own.old : null, old: null, by: 'insn' });
      }
      if (own.kind === 'write' || own.kind === 'atomic') {
        accesses.push({ kind: 'write', address: own.address, size: own.size, region: regionName, offset: own.offset, bytes: now, old: ok ? own.old : null, by: 'insn' });
        if (ok) writes.push({ region: r!, offset: own.offset!, old: own.old! });
      }
    }
    if (before) {
      for (const [r, old] of before) {
        const cur = r.bytes;
        let i = 0;
        const n = Math.min(old.length, cur.length);
        while (i < n) {
          if (old[i] === cur[i]) {
            i++;
            continue;
          }
          let j = i;
          while (j < n && old[j] !== cur[j]) j++;
          accesses.push({
            kind: 'write', address: BigInt(r.base + i), size: j - i, region: r.name, offset: i,
            bytes: cur.slice(i, j), old: old.slice(i, j), by: 'helper',
          });
          i = j;
        }
      }
    }
    words.set(vm.lo.subarray(0, NUM_REGS), 2 * NUM_REGS);
    words.set(vm.hi.subarray(0, NUM_REGS), 3 * NUM_REGS);
    const use = this.useAt(program, pc, insn);
    const replay = replayKind || vm.depth !== depth0 || vm.programName !== program;
    const rec = new Step(
      vm.insns, pc, program, depth0, text, cLine, asmLine, words, use.reads, use.writes,
      accesses.length ? accesses : NO_ACCESSES, vm.state === 'faulted' ? vm.fault : null, vm.state, replay,
    );
    this.undo.push({ replay, step: rec, pc, insns: insns0, depth: depth0, state: state0, fault: fault0, writes });
    this.records.push(rec);
    return rec;
  }

  /** Undoes the last step; returns false at step 0. */
  back(): boolean {
    if (this.records.length === 0) return false;
    const u = this.undo[this.undo.length - 1]!;
    if (u.replay) {
      this.replayTo(this.records.length - 1);
      return true;
    }
    this.undo.pop();
    this.records.pop();
    const vm = this.vm;
    for (let i = u.writes.length - 1; i >= 0; i--) {
      const w = u.writes[i]!;
      w.region.bytes.set(w.old, w.offset);
    }
    vm.lo.set(u.step.beforeLo());
    vm.hi.set(u.step.beforeHi());
    vm.pc = u.pc;
    vm.insns = u.insns;
    vm.depth = u.depth;
    vm.state = u.state;
    vm.fault = u.fault;
    return true;
  }

  /** Back to step 0 (a fresh machine). */
  reset(): void {
    this.machine = buildMachine(this.dprog, this.input, this.options.driverExtra);
    this.undo.length = 0;
    this.records.length = 0;
  }

  /** Goes to step `n` (0 = before the first instruction); stops early if the run ends first. */
  goto(n: number): number {
    const target = Math.max(0, Math.floor(n));
    if (target < this.records.length) {
      // undo while the log allows it, else replay from the start
      const needsReplay = this.undo.slice(target).some((u) => u.replay);
      if (needsReplay) this.replayTo(target);
      else while (this.records.length > target) this.back();
    }
    while (this.records.length < target && this.running) this.step();
    return this.records.length;
  }

  /** Rebuilds the machine and steps it to `n` (keeps the records of steps 1..n). */
  private replayTo(n: number): void {
    this.replays++;
    this.machine = buildMachine(this.dprog, this.input, this.options.driverExtra);
    const keep = this.records.slice(0, n);
    this.undo.length = 0;
    this.records.length = 0;
    while (this.records.length < n && this.running) this.step();
    // the replayed records equal the kept ones (deterministic); keep the originals' identity
    for (let i = 0; i < Math.min(keep.length, this.records.length); i++) this.records[i] = keep[i]!;
  }

  /**
   * Steps until a breakpoint (at the next instruction), a watchpoint, a fault, the exit, or
   * `limit` steps. At least one step is taken.
   */
  continue(limit = 10_000_000): StopReason {
    if (!this.running) return { reason: 'nothing' };
    for (let n = 0; n < limit; n++) {
      const rec = this.step();
      if (!rec) return { reason: 'nothing' };
      if (rec.state === 'faulted') return { reason: 'fault', fault: rec.fault! };
      if (rec.state === 'exited') return { reason: 'exit' };
      const w = this.watchHit(rec);
      if (w) return w;
      if (this.bps.has(this.vm.pc) && this.inEntryProgram()) return { reason: 'breakpoint', slot: this.vm.pc };
    }
    return { reason: 'limit' };
  }

  /** Steps until the run ends (exit or fault). */
  runToEnd(limit = 10_000_000): StopReason {
    for (let n = 0; n < limit && this.running; n++) this.step();
    if (this.vm.state === 'faulted') return { reason: 'fault', fault: this.vm.fault! };
    if (this.vm.state === 'exited') return { reason: 'exit' };
    return { reason: 'limit' };
  }

  private watchHit(rec: StepRecord): StopReason | null {
    for (const w of this.watches) {
      if (w.kind === 'reg') {
        const read = rec.regReads.includes(w.reg);
        const wrote = rec.regWrites.includes(w.reg);
        if ((w.on !== 'write' && read) || (w.on !== 'read' && wrote)) {
          const detail = wrote
            ? `r${w.reg} ${rec.regsBefore[w.reg] !== rec.regsAfter[w.reg] ? `changed ${fmtHex(rec.regsBefore[w.reg]!)} -> ${fmtHex(rec.regsAfter[w.reg]!)}` : `written (${fmtHex(rec.regsAfter[w.reg]!)}, unchanged)`}`
            : `r${w.reg} read (${fmtHex(rec.regsBefore[w.reg]!)})`;
          return { reason: 'watchpoint', watch: w, step: rec.index, detail };
        }
      } else {
        for (const a of rec.accesses) {
          if (w.on !== 'access' && a.kind !== w.on) continue;
          if (!overlaps(a.address, a.size, w.address, w.size)) continue;
          const where = a.region ? ` (${a.region}+${a.offset})` : '';
          return { reason: 'watchpoint', watch: w, step: rec.index, detail: `${a.kind} of ${a.size} bytes at 0x${a.address.toString(16)}${where}` };
        }
      }
    }
    return null;
  }
}

function fmtHex(v: bigint): string {
  return '0x' + v.toString(16);
}

/** Compares two full states; returns the first difference in words, or null when identical. */
export function stateDifference(a: FullState, b: FullState): string | null {
  for (const k of ['insns', 'pc', 'state', 'fault', 'depth', 'program'] as const) {
    if (a[k] !== b[k]) return `${k}: ${String(a[k])} != ${String(b[k])}`;
  }
  for (let i = 0; i < a.regs.length; i++) if (a.regs[i] !== b.regs[i]) return `r${i}: 0x${a.regs[i]} != 0x${b.regs[i]}`;
  const ka = Object.keys(a.regions).sort();
  const kb = Object.keys(b.regions).sort();
  if (ka.join() !== kb.join()) return `regions: ${ka.join(',')} != ${kb.join(',')}`;
  for (const k of ka) if (a.regions[k] !== b.regions[k]) return `region ${k} differs`;
  if (JSON.stringify(a.maps) !== JSON.stringify(b.maps)) return 'maps differ';
  return null;
}
