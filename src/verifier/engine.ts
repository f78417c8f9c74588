// The abstract interpreter (the kernel's do_check): explores every path instruction by instruction
// with a stack of pending branches, checks each instruction against the abstract state, prunes at
// prune points with state equivalence, and writes the kernel-style log.

import type { Insn, Program } from '../isa/encoding.js';
import { type HelperArg, type HelperProto, type MapDef, helperProto, helperLogName } from '../runtime/helpers.js';
import { BPF_F_RDONLY_PROG, mapTypeId } from '../runtime/maps/def.js';
import { type ProgType, ctxAccess } from '../runtime/progtypes.js';
import { type CfgInfo, StackLiveness, addPreciseUse, jumpTarget } from './cfg.js';
import { alignTo, formatState, kernelInsnText } from './print.js';
import {
  type ScalarAluOp, type ScalarJmpOp, type ScalarValue, scalarAlu, scalarBranchTaken, scalarByteSwap, scalarConst,
  scalarConstValue, scalarFrom, scalarNeg, scalarOfSize, scalarRefineKernel, scalarAluFork, scalarSext, scalarTruncate, scalarUnknown,
  scalarWithin, scalarZext32,
} from './scalar.js';
import {
  type Checkpoint, type FuncState, type Reg, type RegType, type VState, MAX_FRAMES, MAX_STACK, STACK_INVALID,
  STACK_MISC, STACK_SPILL, STACK_ZERO, cloneReg, cloneState, forEachReg, isPktPointer, newFrame, notInit, ptrReg,
  regTypeStr, scalarReg, unknownScalar, writableSlots,
} from './state.js';

export class Reject extends Error {
  constructor(readonly pc: number, readonly code: string, message: string) {
    super(message);
  }
}

export interface EngineOptions {
  prog: Program;
  pt: ProgType;
  maps: readonly MapDef[];
  memSize: number;
  privileged: boolean;
  logLevel: 0 | 1 | 2;
  maxProcessed: number;
  cfg: CfgInfo;
  statesPerPcCap: number;
  /** BTF func_info is present (callbacks allowed). */
  funcInfo: boolean;
}

export interface EngineStats {
  processed: number;
  totalStates: number;
  peakStates: number;
  maxStatesPerInsn: number;
  stackDepth: number[];
}

const MAX_VAR_OFF = 1 << 29;
/** BPF_F_WRONLY_PROG: programs may write but not read the map. */
const BPF_F_WRONLY_PROG = 1 << 8;
/** MAX_ERRNO: helpers return errors as -4095..-1. */
const MAX_ERRNO = 4095n;
const MAX_PACKET_OFF = 0xffff;
const JMP_SEQ_LIMIT = 8192;
const AT_PKT_END = -1;
const BEYOND_PKT_END = -2;
const S64_MIN = -(1n << 63n);

const ALU_STR: Record<string, string> = {
  add: '+=', sub: '-=', mul: '*=', div: '/=', sdiv: '/=', or: '|=', and: '&=', lsh: '<<=', rsh: '>>=', mod: '%=',
  smod: '%=', xor: '^=', arsh: 's>>=', neg: 'neg', mov: '=', end: 'endian',
};

const FLIP: Record<string, ScalarJmpOp> = {
  jeq: 'jeq', jne: 'jne', jset: 'jset', jgt: 'jlt', jge: 'jle', jlt: 'jgt', jle: 'jge', jsgt: 'jslt', jsge: 'jsle',
  jslt: 'jsgt', jsle: 'jsge',
};

/** What check_func_arg learns about a helper call (struct bpf_call_arg_meta). */
interface CallMeta {
  mapIdx: number;
  releaseRegno: number;
  refObjId: number;
  allocSize: number;
  msizeMax: bigint;
  subprog: number;
}

interface Pending {
  state: VState;
  pc: number;
  prev: number;
  logPos: number;
  /** Jump-history entries of the state when it was pushed. */
  hist: number;
}

type Mode = 'exact' | 'not_exact' | 'range_within';

/**
 * The verifier log as chunks: appending and cutting near the end are cheap. (One big string cut
 * with slice() is flattened and copied on every cut: quadratic on a level-2 log of millions of bytes.)
 */
class LogBuffer {
  private chunks: string[] = [];
  length = 0;
  append(s: string): void {
    if (s.length === 0) return;
    this.chunks.push(s);
    this.length += s.length;
  }
  /** Keeps the first `pos` characters. */
  truncate(pos: number): void {
    while (this.length > pos) {
      const last = this.chunks[this.chunks.length - 1]!;
      if (this.length - last.length >= pos) {
        this.chunks.pop();
        this.length -= last.length;
      } else {
        this.chunks[this.chunks.length - 1] = last.slice(0, last.length - (this.length - pos));
        this.length = pos;
      }
    }
  }
  toString(): string {
    const s = this.chunks.join('');
    this.chunks = s.length > 0 ? [s] : [];
    return s;
  }
}

export class Engine {
  readonly o: EngineOptions;
  private readonly logBuf = new LogBuffer();
  get log(): string {
    return this.logBuf.toString();
  }
  private prevLogPos = 0;
  private prevInsnPrintPos = 0;
  private scratchRegs = 0;
  private scratchStack = new Set<number>();
  private allScratched = true;
  cur!: VState;
  pc = 0;
  prevPc = 0;
  private idGen = 0;
  private constMapKey = -1n;
  private readonly idmap = new IdMap();
  /**
   * Stack slot liveness. A read of a frame's slot is recorded at the instruction of that frame's
   * function that is running (the callsite, when a callee reads its caller's stack), so the bits
   * at an instruction always describe the frame of the function it belongs to.
   */
  private readonly stackLive: StackLiveness;
  private pending: Pending[] = [];
  private explored = new Map<string | number, Checkpoint[]>();
  private readonly bucketSizes = new Map<number, number>();
  /** Jump points (mark_jmp_point): branch targets, returns from calls, callback-calling calls. */
  private readonly jmpPoint: Uint8Array;
  /** Checkpoints currently kept (explored_states_size). */
  private liveStates = 0;
  /** bpf_loop calls that the kernel would inline (loop_inline_state), by pc. */
  private readonly loopInline = new Map<number, { fit: boolean; subprog: number }>();
  private jmps = 0;
  private prevJmps = 0;
  private prevInsns = 0;
  private jmpHist = 0;
  stats: EngineStats = { processed: 0, totalStates: 0, peakStates: 0, maxStatesPerInsn: 0, stackDepth: [] };
  readonly statesAt = new Map<number, VState[]>();
  private readonly insnAt: (Insn | undefined)[];
  /** The program's maps followed by the inner maps of map-in-map definitions (registers index this). */
  private readonly defs: MapDef[];
  /** Per map index: the index in `defs` of its inner map, or -1. */
  private readonly innerOf: number[];

  constructor(o: EngineOptions) {
    this.o = o;
    this.defs = [...o.maps];
    this.innerOf = o.maps.map((m) => {
      if (!m.inner) return -1;
      this.defs.push({ ...m.inner, name: '' });
      return this.defs.length - 1;
    });
    this.insnAt = [];
    o.prog.insns.forEach((insn, i) => {
      this.insnAt[o.prog.slotOf[i]!] = insn;
    });
    this.stats.stackDepth = o.cfg.subprogs.map(() => 0);
    this.stackLive = new StackLiveness(o.cfg, o.prog.slotCount);
    this.jmpPoint = new Uint8Array(o.prog.slotCount + 2);
    o.prog.insns.forEach((insn, i) => {
      const t = o.prog.slotOf[i]!;
      const k = insn.op.kind;
      const mark = (x: number): void => {
        if (x >= 0 && x < o.prog.slotCount) this.jmpPoint[x] = 1;
      };
      if (k === 'jcond' || k === 'ja' || k === 'ja32') mark(jumpTarget(insn, t)!);
      else if (k === 'call_helper' || k === 'call_kfunc') {
        mark(t + 1);
        if (k === 'call_helper' && helperProto(insn.imm)?.callback) mark(t);
      } else if (k === 'call_local') {
        mark(t + 1);
        mark(t + 1 + insn.imm);
      } else if (k === 'lddw' && insn.src === 4) {
        mark(t + 2);
        mark(t + 1 + insn.imm);
      }
    });
  }

  // ---- log -------------------------------------------------------------------------------

  private get level(): number {
    return this.o.logLevel;
  }
  verbose(s: string): void {
    if (this.level > 0) this.logBuf.append(s);
  }
  private scratchAll(): void {
    this.allScratched = true;
  }
  private markRegScratched(r: number): void {
    this.scratchRegs |= 1 << r;
  }
  private markStackScratched(spi: number): void {
    this.scratchStack.add(spi);
  }
  private scratched(): boolean {
    return this.allScratched || this.scratchRegs !== 0 || this.scratchStack.size > 0;
  }
  private stateText(all: boolean): string {
    const f = this.cur.frames.length - 1;
    const scratch = all || this.allScratched ? null : { regs: this.scratchRegs, stack: this.scratchStack };
    return formatState(this.cur, f, this.mapInfo(), scratch);
  }
  private mapInfo(): readonly MapDef[] {
    return this.defs;
  }
  private cleanScratch(): void {
    this.allScratched = false;
    this.scratchRegs = 0;
    this.scratchStack = new Set();
  }
  /** print_insn_state: the scratched state, on the instruction's line when nothing came between. */
  private printInsnState(): void {
    if (this.level === 0) return;
    const log = this.logBuf;
    if (this.prevLogPos && this.prevLogPos === log.length) {
      log.truncate(this.prevLogPos - 1);
      log.append(' '.repeat(alignTo(this.prevInsnPrintPos - 1)) + ';');
    } else {
      log.append(`${this.pc}:`);
    }
    log.append(this.stateText(false) + '\n');
    this.cleanScratch();
  }

  // ---- errors ----------------------------------------------------------------------------

  fail(code: string, message: string): never {
    throw new Reject(this.pc, code, message);
  }

  // ---- registers -------------------------------------------------------------------------

  private get frame(): FuncState {
    return this.cur.frames[this.cur.frames.length - 1]!;
  }
  private reg(r: number): Reg {
    return this.frame.regs[r]!;
  }
  private checkRegNo(r: number): void {
    if (r > 10) this.fail('E_VERIFIER_INVALID_REG', `R${r} is invalid`);
  }
  private readReg(r: number): Reg {
    this.checkRegNo(r);
    this.markRegScratched(r);
    const reg = this.reg(r);
    if (reg.type === 'not_init') this.fail('E_VERIFIER_UNINIT_REG', `R${r} !read_ok`);
    return reg;
  }
  private checkWriteReg(r: number): void {
    this.checkRegNo(r);
    this.markRegScratched(r);
    if (r === 10) this.fail('E_VERIFIER_FP_READONLY', 'frame pointer is read only');
  }
  private setReg(r: number, v: Reg): void {
    this.frame.regs[r] = v;
  }
  /** is_pointer_value: a pointer that an unprivileged program may not expose. */
  private isPtrValue(reg: Reg): boolean {
    return !this.o.privileged && reg.type !== 'scalar' && reg.type !== 'not_init';
  }
  private unknown(): Reg {
    return scalarReg(unknownScalar());
  }

  // ---- main loop -------------------------------------------------------------------------

  init(): void {
    const f = newFrame(0, -1, 0);
    const pt = this.o.pt;
    if (pt.name === 'raw') {
      f.regs[1] = ptrReg('mem', { memSize: this.o.memSize });
      f.regs[2] = scalarReg(scalarConst(BigInt(this.o.memSize)));
    } else {
      f.regs[1] = ptrReg('ctx');
    }
    this.cur = { frames: [f], pc: 0, parent: null, refs: [], unroll: 0 };
  }

  run(): void {
    this.init();
    let doPrintState = false;
    const n = this.o.prog.slotCount;
    for (;;) {
      if (this.pc < 0 || this.pc >= n || !this.insnAt[this.pc]) {
        this.fail('E_VERIFIER_INTERNAL', `invalid insn idx ${this.pc} insn_cnt ${n}`);
      }
      const insn = this.insnAt[this.pc]!;
      if (++this.stats.processed > this.o.maxProcessed) {
        // reported at the last instruction processed (the last one a kernel log shows)
        throw new Reject(this.prevPc, 'E_VERIFIER_TOO_COMPLEX', `BPF program is too large. Processed ${this.stats.processed} insn`);
      }
      let exitPath = false;
      if (this.o.cfg.pruneAt[this.pc]) {
        if (this.isStateVisited(this.pc)) {
          if (this.level > 0) {
            if (doPrintState) this.verbose(`\nfrom ${this.prevPc} to ${this.pc}: safe\n`);
            else this.verbose(`${this.pc}: safe\n`);
          }
          exitPath = true;
        }
      }
      if (!exitPath) {
        if (this.level >= 2 && doPrintState) {
          this.verbose(`\nfrom ${this.prevPc} to ${this.pc}:${this.stateText(true)}\n`);
          doPrintState = false;
        }
        if (this.level > 0) {
          if (this.scratched()) this.printInsnState();
          this.prevLogPos = this.logBuf.length;
          this.verbose(`${this.pc}: ${kernelInsnText(insn, (i) => this.mapIndexOf(i))}\n`);
          this.prevInsnPrintPos = this.logBuf.length - this.prevLogPos;
          this.prevLogPos = this.logBuf.length;
        }
        this.recordState();
        // the kernel's jump history records every jump point passed (and spills/fills below);
        // more than 40 entries since the last checkpoint force a new one
        if (this.jmpPoint[this.pc]) this.jmpHist++;
        const next = this.step(insn);
        if (next === 'exit') exitPath = true;
        else {
          this.prevPc = this.pc;
          this.pc = next;
        }
      }
      if (exitPath) {
        this.scratchAll();
        this.updateBranchCounts(this.cur.parent);
        const p = this.pending.pop();
        if (!p) {
          this.checkMaxStackDepth();
          this.addLoopInlineStack();
          return;
        }
        this.cur = p.state;
        this.prevPc = p.prev;
        this.pc = p.pc;
        this.jmpHist = p.hist;
        if (this.level === 1) this.logBuf.truncate(p.logPos);
        doPrintState = true;
      }
    }
  }

  /**
   * check_max_stack_depth, after the walk: the stack depths of the subprograms along every static
   * call chain (each rounded up to 16 bytes, as with the JIT) must not exceed 512 bytes. Reported
   * at the call that goes over.
   */
  private checkMaxStackDepth(): void {
    const { subprogs, subprogOf } = this.o.cfg;
    const depthOf = (k: number): number => Math.ceil((this.stats.stackDepth[k] ?? 0) / 16) * 16;
    const walk = (k: number, depth: number, frames: number, callPc: number): void => {
      depth += depthOf(k);
      if (depth > MAX_STACK) {
        throw new Reject(callPc, 'E_VERIFIER_STACK_BOUNDS', `combined stack size of ${frames} calls is ${depth}. Too large`);
      }
      const end = k + 1 < subprogs.length ? subprogs[k + 1]! : this.o.prog.slotCount;
      for (let i = subprogs[k]!; i < end; i++) {
        const insn = this.insnAt[i];
        // a callback (lddw src=4) runs on top of its caller's frame, as a called function does
        if (!insn || !(insn.op.kind === 'call_local' || (insn.op.kind === 'lddw' && insn.src === 4))) continue;
        if (frames >= MAX_FRAMES) {
          throw new Reject(i, 'E_VERIFIER_CALL_DEPTH', `the call stack of ${frames} frames is too deep !`);
        }
        walk(subprogOf[i + 1 + insn.imm]!, depth, frames + 1, i);
      }
    };
    walk(0, 0, 1, 0);
  }

  /** optimize_bpf_loop: each function with an inlined bpf_loop gets 3 spill slots more stack. */
  private addLoopInlineStack(): void {
    const done = new Set<number>();
    for (const [pc, st] of this.loopInline) {
      const k = this.o.cfg.subprogOf[pc]!;
      if (!st.fit || done.has(k)) continue;
      done.add(k);
      const depth = this.stats.stackDepth[k] ?? 0;
      this.stats.stackDepth[k] = depth + 24 + (Math.ceil(depth / 8) * 8 - depth);
    }
  }

  private recordState(): void {
    let list = this.statesAt.get(this.pc);
    if (!list) this.statesAt.set(this.pc, (list = []));
    if (list.length < this.o.statesPerPcCap) list.push(cloneState(this.cur));
  }

  private updateBranchCounts(cp: Checkpoint | null): void {
    while (cp) {
      cp.branches--;
      if (cp.branches === 0 && cp.evicted) {
        cp.evicted = false;
        this.liveStates--;
      }
      if (cp.branches > 0) break;
      cp = cp.state.parent;
    }
  }

  /** push_stack: a copy of the current state (or `state`) to explore from `pc` later. */
  private pushBranch(state: VState | null, pc: number, prev: number): VState {
    if (this.pending.length + 1 > JMP_SEQ_LIMIT) {
      this.fail('E_VERIFIER_JMP_SEQ', `The sequence of ${this.pending.length + 1} jumps is too complex.`);
    }
    const st = state ?? cloneState(this.cur);
    if (st.parent) st.parent.branches++;
    this.pending.push({ state: st, pc, prev, logPos: this.logBuf.length, hist: this.jmpHist });
    return st;
  }

  // ---- pruning ---------------------------------------------------------------------------

  private stateKey(pc: number): string | number {
    const frames = this.cur.frames;
    if (frames.length === 1) return pc;
    return frames.map((f) => f.callsite).join(',') + '@' + pc;
  }

  private bucketOf(pc: number): number {
    const frames = this.cur.frames;
    const callsite = frames[frames.length - 1]!.callsite;
    return ((pc ^ callsite) >>> 0) % this.o.prog.slotCount;
  }

  private isStateVisited(pc: number): boolean {
    const callsCallback = this.callsCallback(pc);
    const force = this.jmpHist > 40 || callsCallback;
    let addNew = force || (this.jmps - this.prevJmps >= 2 && this.stats.processed - this.prevInsns >= 8);
    const key = this.stateKey(pc);
    let list = this.explored.get(key);
    if (!list) this.explored.set(key, (list = []));
    // The kernel counts every state of the hash bucket it walks (explored_state: (insn ^
    // callsite) % prog_len), which may hold states of other instructions of a callee.
    const bucket = this.bucketOf(pc);
    const cnt = this.bucketSizes.get(bucket) ?? 0;
    for (let li = 0; li < list.length; li++) {
      const sl = list[li]!;
      if (sl.branches > 0) {
        if (callsCallback) {
          // a callback-calling instruction: the callback visits converge when a state within an
          // earlier one comes back (RANGE_WITHIN)
          if (this.statesEqual(sl.state, this.cur, 'range_within')) {
            sl.hit++;
            return true;
          }
        } else if (sl.state.unroll === this.cur.unroll && this.statesEqual(sl.state, this.cur, 'exact')) {
          this.verbose(`infinite loop detected at insn ${pc}\n`);
          this.fail('E_VERIFIER_INFINITE_LOOP', `infinite loop detected at insn ${pc}`);
        }
        if (!force && this.jmps - this.prevJmps < 20 && this.stats.processed - this.prevInsns < 100) addNew = false;
      } else if (this.statesEqual(sl.state, this.cur, 'not_exact')) {
        sl.hit++;
        return true;
      }
      if (addNew) sl.miss++;
      // forced checkpoints still being explored are kept longer (callback convergence)
      const n = callsCallback && sl.branches > 0 ? 64 : 3;
      if (sl.miss > sl.hit * n + n) {
        list.splice(li, 1);
        li--;
        // an evicted state still on the current paths is freed (and stops counting) only when
        // its branches are done (the kernel's free list)
        if (sl.branches > 0) sl.evicted = true;
        else this.liveStates--;
        this.bucketSizes.set(bucket, (this.bucketSizes.get(bucket) ?? 1) - 1);
      }
    }
    if (cnt > this.stats.maxStatesPerInsn) this.stats.maxStatesPerInsn = cnt;
    if (!this.o.privileged && cnt > 64) return false;
    if (!addNew) return false;
    this.stats.totalStates++;
    // peak_states: the most states kept at once (evicted ones no longer count)
    this.liveStates++;
    if (this.liveStates > this.stats.peakStates) this.stats.peakStates = this.liveStates;
    this.prevJmps = this.jmps;
    this.prevInsns = this.stats.processed;
    const copy = cloneState(this.cur);
    copy.pc = pc;
    const cp: Checkpoint = { state: copy, pc, branches: 1, hit: 0, miss: 0, key };
    copy.parent = this.cur.parent;
    this.cur.parent = cp;
    this.jmpHist = 0;
    list.unshift(cp);
    this.bucketSizes.set(bucket, (this.bucketSizes.get(bucket) ?? 0) + 1);
    return false;
  }

  /** Registers live (and precision-relevant) in frame `fi` of a state at `pc`. */
  private masks(st: VState, fi: number, pc: number): [number, number] {
    const { liveIn, preciseIn } = this.o.cfg;
    if (fi === st.frames.length - 1) return [liveIn[pc]!, preciseIn[pc]!];
    const callee = st.frames[fi + 1]!;
    // a callback returns to the call itself, which reads the helper's arguments again
    if (callee.inCallback) return [liveIn[callee.callsite]!, preciseIn[callee.callsite]!];
    const ret = callee.callsite + 1;
    const keep = 0x7c0;
    return [(liveIn[ret] ?? 0xffff) & keep, (preciseIn[ret] ?? 0xffff) & keep];
  }

  /** A helper call with a callback (bpf_loop): a forced checkpoint and prune point. */
  private callsCallback(pc: number): boolean {
    const insn = this.insnAt[pc];
    return !!insn && insn.op.kind === 'call_helper' && helperProto(insn.imm)?.callback !== undefined;
  }

  statesEqual(old: VState, cur: VState, mode: Mode): boolean {
    if (old.frames.length !== cur.frames.length) return false;
    const idmap = this.idmap;
    idmap.reset();
    // refsafe: the same acquired references (up to renaming)
    if (old.refs.length !== cur.refs.length) return false;
    for (let i = 0; i < old.refs.length; i++) if (!idmap.check(old.refs[i]!.id, cur.refs[i]!.id)) return false;
    for (let fi = 0; fi < old.frames.length; fi++) {
      const fo = old.frames[fi]!;
      const fc = cur.frames[fi]!;
      if (fo.callsite !== fc.callsite) return false;
      if (fo.callbackDepth > fc.callbackDepth) return false;
      const [live, precise] = this.masks(cur, fi, this.pc);
      for (let r = 0; r < 11; r++) {
        if (mode !== 'exact' && !(live & (1 << r))) continue;
        if (!this.regsafe(fo.regs[r]!, fc.regs[r]!, mode, (precise & (1 << r)) !== 0, idmap)) return false;
      }
      const framePc = fi === cur.frames.length - 1 ? this.pc : cur.frames[fi + 1]!.callsite;
      if (!this.stacksafe(fo, fc, mode, idmap, framePc)) return false;
    }
    return true;
  }

  private regsafe(o: Reg, c: Reg, mode: Mode, precise: boolean, idmap: IdMap): boolean {
    if (mode === 'exact') {
      return o.type === c.type && o.off === c.off && o.range === c.range && o.mapIdx === c.mapIdx &&
        o.memSize === c.memSize && o.frameno === c.frameno && o.subprog === c.subprog && scalarEq(o.v, c.v) &&
        (o.type === 'scalar' ? idmap.checkScalar(o.id, c.id) : idmap.check(o.id, c.id)) && idmap.check(o.ref, c.ref);
    }
    if (o.type === 'not_init') return true;
    if (o.type !== c.type) return false;
    switch (o.type) {
      case 'scalar':
        if (!precise && mode === 'not_exact') return true;
        if ((o.id & ADD_CONST) !== (c.id & ADD_CONST)) return false;
        if ((o.id & ADD_CONST) && o.off !== c.off) return false;
        return scalarWithin(o.v, c.v) && idmap.checkScalar(o.id, c.id);
      case 'map_value': case 'map_value_or_null': case 'mem': case 'ringbuf_mem': case 'ringbuf_mem_or_null':
        return o.off === c.off && o.mapIdx === c.mapIdx && o.memSize === c.memSize && scalarWithin(o.v, c.v) &&
          idmap.check(o.id, c.id) && idmap.check(o.ref, c.ref);
      case 'pkt': case 'pkt_meta':
        if (o.range > c.range) return false;
        if (o.off !== c.off) return false;
        if (!idmap.check(o.id, c.id)) return false;
        return scalarWithin(o.v, c.v);
      default:
        return o.off === c.off && o.mapIdx === c.mapIdx && o.frameno === c.frameno && o.range === c.range &&
          o.subprog === c.subprog && scalarEq(o.v, c.v) && idmap.check(o.id, c.id) && idmap.check(o.ref, c.ref);
    }
  }

  private stackScalar(f: FuncState, spi: number): Reg | null {
    const t = f.slotTypes;
    if (t[spi * 8 + 7] === STACK_SPILL) {
      let all = true;
      for (let j = 0; j < 8; j++) if (t[spi * 8 + j] !== STACK_SPILL) all = false;
      const r = f.spilled[spi];
      return all && r && r.type === 'scalar' ? r : null;
    }
    for (let j = 0; j < 8; j++) {
      const b = t[spi * 8 + j];
      if (!(b === STACK_MISC || (b === STACK_INVALID && this.o.privileged))) return null;
    }
    return this.unknown();
  }

  /** Records a read of the stack bytes [lo, hi) (offsets from the frame pointer) at this pc. */
  private noteStackRead(frameno: number, lo: number, hi: number): void {
    const frames = this.cur.frames;
    const at = frameno >= frames.length - 1 ? this.pc : frames[frameno + 1]!.callsite;
    this.stackLive.addRead(at, (-hi) >> 3, (-lo - 1) >> 3);
  }

  private stacksafe(o: FuncState, c: FuncState, mode: Mode, idmap: IdMap, pc: number): boolean {
    const live = mode === 'exact' ? null : this.stackLive;
    for (let i = 0; i < o.allocated; i++) {
      const spi = i >> 3;
      if (live && !live.isLive(pc, spi)) {
        i = spi * 8 + 7;
        continue;
      }
      const ot = o.slotTypes[i]!;
      const ct = c.slotTypes[i]!;
      if (mode === 'exact') {
        if (i >= c.allocated || ot !== ct) return false;
      }
      if (ot === STACK_INVALID) continue;
      if (this.o.privileged && ot === STACK_MISC) continue;
      if (i >= c.allocated) return false;
      const or = this.stackScalar(o, spi);
      const cr = this.stackScalar(c, spi);
      if (or && cr) {
        if (!this.regsafe(or, cr, mode, true, idmap)) return false;
        i = spi * 8 + 7;
        continue;
      }
      if (ot === STACK_MISC && ct === STACK_ZERO) continue;
      if (ot !== ct) return false;
      if ((i & 7) !== 7) continue;
      if (ot === STACK_SPILL) {
        if (!this.regsafe(o.spilled[spi]!, c.spilled[spi]!, mode, true, idmap)) return false;
      }
    }
    return true;
  }

  // ---- instructions ----------------------------------------------------------------------

  private mapIndexOf(insn: Insn): number | null {
    if (insn.op.kind !== 'lddw') return null;
    if (insn.src === 1 || insn.src === 2 || insn.src === 5 || insn.src === 6) {
      return insn.imm >= 0 && insn.imm < this.o.maps.length ? insn.imm : null;
    }
    return null;
  }

  /** Executes one instruction; returns the next pc or 'exit' when the path ends. */
  private step(insn: Insn): number | 'exit' {
    const op = insn.op;
    const pc = this.pc;
    switch (op.kind) {
      case 'alu': case 'neg': case 'mov': case 'movsx': case 'end':
        this.checkAlu(insn);
        return pc + 1;
      case 'lddw':
        this.checkLddw(insn);
        return pc + 2;
      case 'ldx': case 'ldxs': {
        const src = this.readReg(insn.src);
        void src;
        this.checkWriteReg(insn.dst);
        this.checkMemAccess(insn.src, insn.off, op.size, 'read', insn.dst, op.kind === 'ldxs');
        return pc + 1;
      }
      case 'stx': {
        this.readReg(insn.src);
        this.readReg(insn.dst);
        this.checkMemAccess(insn.dst, insn.off, op.size, 'write', insn.src, false);
        return pc + 1;
      }
      case 'st': {
        const d = this.readReg(insn.dst);
        if (d.type === 'ctx') this.fail('E_VERIFIER_CTX_ACCESS', `BPF_ST stores into R${insn.dst} ctx is not allowed`);
        this.checkMemAccess(insn.dst, insn.off, op.size, 'write', -1, false, insn.imm);
        return pc + 1;
      }
      case 'atomic':
        this.checkAtomic(insn);
        return pc + 1;
      case 'ja':
        this.jmps++;
        return pc + 1 + insn.off;
      case 'ja32':
        this.jmps++;
        return pc + 1 + insn.imm;
      case 'jcond':
        this.jmps++;
        return this.checkCondJmp(insn);
      case 'call_helper':
        this.jmps++;
        this.checkHelperCall(insn);
        return pc + 1;
      case 'call_local':
        this.jmps++;
        return this.checkLocalCall(insn);
      case 'exit':
        this.jmps++;
        return this.checkExit();
      case 'ld_abs': case 'ld_ind':
        this.checkLdAbs(insn);
        return pc + 1;
      case 'call_kfunc':
        this.fail('E_VERIFIER_UNSUPPORTED', 'calling kernel functions is not supported');
        break;
      case 'callx':
        this.fail('E_VERIFIER_UNKNOWN_OPCODE', `unknown opcode ${op.opcode.toString(16).padStart(2, '0')}`);
        break;
    }
    this.fail('E_VERIFIER_INTERNAL', `unhandled instruction ${op.name}`);
  }

  // ---- ALU ---------------------------------------------------------------------------------

  private checkAlu(insn: Insn): void {
    const op = insn.op;
    const is64 = op.width === 64;
    const d = insn.dst;
    if (op.kind === 'neg' || op.kind === 'end') {
      const r = this.readReg(d);
      if (this.isPtrValue(r)) this.fail('E_VERIFIER_PTR_ARITH', `R${d} pointer arithmetic prohibited`);
      this.checkWriteReg(d);
      if (r.type !== 'scalar') {
        this.setReg(d, this.unknown());
        return;
      }
      const v = op.kind === 'neg' ? scalarNeg(r.v, is64) : scalarByteSwap(r.v, op.op as 'le' | 'be' | 'bswap', (op.size * 8) as 16 | 32 | 64);
      this.setReg(d, scalarReg(v));
      return;
    }
    if (op.kind === 'mov' || op.kind === 'movsx') {
      if (op.usesSrcReg) {
        const s = this.readReg(insn.src);
        this.checkWriteReg(d);
        if (op.kind === 'movsx') {
          if (s.type !== 'scalar') {
            if (this.isPtrValue(s)) this.fail('E_VERIFIER_PTR_LEAK', `R${insn.src} sign-extension part of pointer`);
            this.setReg(d, this.unknown());
            return;
          }
          this.setReg(d, scalarReg(scalarSext(s.v, (op.size * 8) as 8 | 16 | 32, is64)));
          return;
        }
        if (is64) {
          this.assignScalarIdBeforeMov(s);
          this.setReg(d, cloneReg(s));
          return;
        }
        if (s.type !== 'scalar') {
          if (this.isPtrValue(s)) this.fail('E_VERIFIER_PTR_LEAK', `R${insn.src} partial copy of pointer`);
          this.setReg(d, scalarReg(scalarOfSize(4, false)));
          return;
        }
        const fits32 = s.v.umax <= 0xffffffffn;
        if (fits32) this.assignScalarIdBeforeMov(s);
        const nr = scalarReg(scalarZext32(s.v));
        nr.id = fits32 ? s.id : 0;
        nr.off = fits32 ? s.off : 0;
        this.setReg(d, nr);
        return;
      }
      this.checkWriteReg(d);
      this.setReg(d, scalarReg(scalarConst(is64 ? BigInt(insn.imm) : BigInt(insn.imm >>> 0))));
      return;
    }
    // Binary ALU.
    const name = op.op as ScalarAluOp;
    if (!op.usesSrcReg) {
      if ((name === 'div' || name === 'mod' || name === 'sdiv' || name === 'smod') && insn.imm === 0) {
        this.fail('E_VERIFIER_DIV_BY_ZERO', 'div by zero');
      }
      if ((name === 'lsh' || name === 'rsh' || name === 'arsh') && (insn.imm < 0 || insn.imm >= op.width)) {
        this.fail('E_VERIFIER_BAD_SHIFT', `invalid shift ${insn.imm}`);
      }
    }
    let src: Reg;
    if (op.usesSrcReg) src = this.readReg(insn.src);
    else src = scalarReg(scalarConst(BigInt(insn.imm)));
    const dst = this.readReg(d);
    this.checkWriteReg(d);
    const opStr = ALU_STR[name] ?? name;
    if (src.type !== 'scalar') {
      if (dst.type !== 'scalar') {
        if (name === 'sub' && this.o.privileged) {
          this.setReg(d, this.unknown());
          return;
        }
        this.fail('E_VERIFIER_PTR_ARITH', `R${d} pointer ${opStr} pointer prohibited`);
      }
      addPreciseUse(this.o.cfg, this.o.prog, this.pc, 1 << d);
      this.setReg(d, this.ptrArith(insn, src, dst, true));
      return;
    }
    if (dst.type !== 'scalar') {
      if (op.usesSrcReg) addPreciseUse(this.o.cfg, this.o.prog, this.pc, 1 << insn.src);
      this.setReg(d, this.ptrArith(insn, dst, src, false));
      return;
    }
    if (name === 'and' || name === 'or') {
      // maybe_fork_scalars: a [-1, 0] destination is split into its two values; the 0 is
      // pushed and re-executes this instruction.
      const fork = scalarAluFork(name, dst.v, src.v);
      if (fork) {
        const other = this.pushBranch(null, this.pc, this.pc);
        const or = other.frames[other.frames.length - 1]!.regs[d]!;
        or.v = fork.pushed;
        dst.v = fork.current;
        if (!is64) {
          // __mark_reg32_known keeps the id; the 64-bit form clears it
        } else {
          or.id = 0;
          or.off = 0;
          dst.id = 0;
          dst.off = 0;
        }
      }
    }
    const v = scalarAlu(name, dst.v, src.v, is64);
    const res = scalarReg(v);
    // BPF_ADD_CONST: `rX += K` keeps rX linked to its copies, K remembered in `off`.
    if (this.o.privileged && name === 'add' && is64 && dst.id) {
      const k = scalarConstValue(src.v);
      if (k !== null && !(dst.id & ADD_CONST) && k <= 0x7fffffffn) {
        res.id = dst.id | ADD_CONST;
        res.off = Number(k);
      }
    }
    this.setReg(d, res);
  }

  /** assign_scalar_id_before_mov */
  private assignScalarIdBeforeMov(r: Reg): void {
    if (r.type !== 'scalar') return;
    if (r.id & ADD_CONST) {
      r.id = 0;
      r.off = 0;
    }
    if (!r.id && scalarConstValue(r.v) === null) r.id = ++this.idGen;
  }

  /** adjust_ptr_min_max_vals: pointer +/- scalar. */
  private ptrArith(insn: Insn, ptr: Reg, off: Reg, scalarIsDst: boolean): Reg {
    const op = insn.op;
    const d = insn.dst;
    const name = op.op;
    const opStr = ALU_STR[name] ?? name;
    if (op.width !== 64) {
      if (name === 'sub' && this.o.privileged) return this.unknown();
      this.fail('E_VERIFIER_PTR_ARITH', `R${d} 32-bit pointer arithmetic prohibited`);
    }
    if (ptr.type === 'map_value_or_null' || ptr.type === 'ringbuf_mem_or_null') {
      this.fail('E_VERIFIER_PTR_ARITH', `R${d} pointer arithmetic on ${regTypeStr(ptr.type)} prohibited, null-check it first`);
    }
    const known = scalarConstValue(off.v);
    const ok = ['ctx', 'map_value', 'fp', 'pkt', 'pkt_meta', 'mem', 'ringbuf_mem'].includes(ptr.type) ||
      (ptr.type === 'map_ptr' && known === 0n && name === 'add');
    if (!ok) this.fail('E_VERIFIER_PTR_ARITH', `R${d} pointer arithmetic on ${regTypeStr(ptr.type)} prohibited`);
    this.saneOffset(off, ptr.type);
    this.saneOffset(ptr, ptr.type);
    const res = cloneReg(ptr);
    const smin = off.v.smin;
    switch (name) {
      case 'add': {
        if (known !== null && fitsS32(BigInt(ptr.off) + BigInt.asIntN(64, known))) {
          res.off = ptr.off + Number(BigInt.asIntN(64, known));
          break;
        }
        this.unprivVarCheck(ptr, off, d);
        res.v = scalarAlu('add', ptr.v, off.v, true);
        if (isPktPointer(ptr)) {
          res.id = ++this.idGen;
          res.range = 0;
        }
        break;
      }
      case 'sub': {
        if (scalarIsDst) this.fail('E_VERIFIER_PTR_ARITH', `R${d} tried to subtract pointer from scalar`);
        if (ptr.type === 'fp') this.fail('E_VERIFIER_PTR_ARITH', `R${d} subtraction from stack pointer prohibited`);
        if (known !== null && fitsS32(BigInt(ptr.off) - BigInt.asIntN(64, known))) {
          res.off = ptr.off - Number(BigInt.asIntN(64, known));
          break;
        }
        this.unprivVarCheck(ptr, off, d);
        res.v = scalarAlu('sub', ptr.v, off.v, true);
        if (isPktPointer(ptr)) {
          res.id = ++this.idGen;
          if (smin < 0n) res.range = 0;
        }
        break;
      }
      case 'and': case 'or': case 'xor':
        this.fail('E_VERIFIER_PTR_ARITH', `R${d} bitwise operator ${opStr} on pointer prohibited`);
        break;
      default:
        this.fail('E_VERIFIER_PTR_ARITH', `R${d} pointer arithmetic with ${opStr} operator prohibited`);
    }
    this.saneOffset(res, ptr.type);
    return res;
  }

  private unprivVarCheck(ptr: Reg, off: Reg, d: number): void {
    if (this.o.privileged) return;
    if (off.v.smin < 0n && off.v.smax >= 0n) {
      this.fail('E_VERIFIER_PTR_ARITH', `R${d} has unknown scalar with mixed signed bounds, pointer arithmetic with it prohibited for !root`);
    }
    if (ptr.type === 'fp') {
      this.fail('E_VERIFIER_PTR_ARITH', `R${d} variable stack access prohibited for !root, var_off=${tnumStr(off.v)} off=${ptr.off}`);
    }
  }

  /** check_reg_sane_offset */
  private saneOffset(reg: Reg, t: RegType): void {
    const tn = regTypeStr(t);
    const c = scalarConstValue(reg.v);
    if (c !== null) {
      const val = BigInt.asIntN(64, c);
      if (val >= BigInt(MAX_VAR_OFF) || val <= -BigInt(MAX_VAR_OFF)) {
        this.fail('E_VERIFIER_PTR_ARITH', `math between ${tn} pointer and ${val} is not allowed`);
      }
    }
    if (reg.off >= MAX_VAR_OFF || reg.off <= -MAX_VAR_OFF) {
      this.fail('E_VERIFIER_PTR_ARITH', `${tn} pointer offset ${reg.off} is not allowed`);
    }
    if (reg.v.smin === S64_MIN) {
      this.fail('E_VERIFIER_PTR_ARITH', `math between ${tn} pointer and register with unbounded min value is not allowed`);
    }
    if (reg.v.smin >= BigInt(MAX_VAR_OFF) || reg.v.smin <= -BigInt(MAX_VAR_OFF)) {
      this.fail('E_VERIFIER_PTR_ARITH', `value ${reg.v.smin} makes ${tn} pointer be out of bounds`);
    }
  }

  // ---- lddw ------------------------------------------------------------------------------

  private checkLddw(insn: Insn): void {
    this.checkWriteReg(insn.dst);
    switch (insn.src) {
      case 0:
        this.setReg(insn.dst, scalarReg(scalarConst((BigInt(insn.imm2 >>> 0) << 32n) | BigInt(insn.imm >>> 0))));
        return;
      case 1: case 5: case 2: case 6: {
        const m = this.mapIndexOf(insn);
        if (m === null) {
          if (insn.src === 1 || insn.src === 2) this.fail('E_VERIFIER_MAP_FD', `fd ${insn.imm} is not pointing to valid bpf_map`);
          this.fail('E_VERIFIER_MAP_FD', `map index ${insn.imm} is out of range (${this.o.maps.length} maps)`);
        }
        if (insn.src === 1 || insn.src === 5) {
          this.setReg(insn.dst, ptrReg('map_ptr', { mapIdx: m }));
          return;
        }
        // the direct value offset was checked before the walk (directValueError)
        this.setReg(insn.dst, ptrReg('map_value', { mapIdx: m, off: insn.imm2 >>> 0 }));
        return;
      }
      case 4: {
        // BPF_PSEUDO_FUNC: a callback's address (for bpf_loop)
        if (!this.o.funcInfo) this.fail('E_VERIFIER_BTF', 'missing btf func_info');
        this.setReg(insn.dst, ptrReg('func', { subprog: this.pc + 1 + insn.imm }));
        return;
      }
      default:
        this.fail('E_VERIFIER_UNSUPPORTED', `lddw with src_reg=${insn.src} (BTF variables, function pointers) is not supported`);
    }
  }

  // ---- memory ------------------------------------------------------------------------------

  /** check_mem_access. `valueReg` is the loaded/stored register (-1: immediate store `imm`). */
  private checkMemAccess(regno: number, insnOff: number, size: number, t: 'read' | 'write', valueReg: number, sx: boolean, imm = 0): void {
    const reg = this.reg(regno);
    // Alignment: only the stack is strict on this (x86-like) target.
    if (reg.type === 'fp' && size > 1) {
      const c = scalarConstValue(reg.v);
      const total = c !== null ? BigInt.asIntN(64, c) + BigInt(reg.off + insnOff) : null;
      if (total !== null && total % BigInt(size) !== 0n) {
        this.fail('E_VERIFIER_STACK_ALIGN', `misaligned stack access off ${tnumStr(reg.v)}+${reg.off}+${insnOff} size ${size}`);
      }
    }
    const off = insnOff + reg.off;
    const valueR = valueReg >= 0 ? this.reg(valueReg) : null;
    switch (reg.type) {
      case 'map_value': {
        if (t === 'write' && valueR && this.isPtrValue(valueR)) this.fail('E_VERIFIER_PTR_LEAK', `R${valueReg} leaks addr into map`);
        const def = this.defs[reg.mapIdx]!;
        this.checkMapAccessType(def, off, size, t);
        this.checkRegion(regno, off, size, def.valueSize, 'E_VERIFIER_MAP_ACCESS');
        if (t === 'read') this.loadResult(valueReg, size, sx, this.mapDirectRead(def, reg, off, size, sx) ?? this.unknown());
        return;
      }
      case 'mem': case 'ringbuf_mem': {
        if (t === 'write' && valueR && this.isPtrValue(valueR)) this.fail('E_VERIFIER_PTR_LEAK', `R${valueReg} leaks addr into mem`);
        this.checkRegion(regno, off, size, reg.memSize, 'E_VERIFIER_MEM_ACCESS');
        if (t === 'read') this.loadResult(valueReg, size, sx, this.unknown());
        return;
      }
      case 'ctx': {
        if (t === 'write' && valueR && this.isPtrValue(valueR)) this.fail('E_VERIFIER_PTR_LEAK', `R${valueReg} leaks addr into ctx`);
        if (reg.off) this.fail('E_VERIFIER_CTX_MODIFIED', `dereference of modified ctx ptr R${regno} off=${reg.off} disallowed`);
        if (scalarConstValue(reg.v) !== 0n) {
          this.fail('E_VERIFIER_CTX_MODIFIED', `variable ctx access var_off=${tnumStr(reg.v)} disallowed`);
        }
        const f = ctxAccess(this.o.pt, off, size, t === 'write');
        if (!f) this.fail('E_VERIFIER_CTX_ACCESS', `invalid bpf_context access off=${off} size=${size}`);
        if (t === 'read') {
          if (f.kind === 'scalar') this.loadResult(valueReg, size, sx, this.unknown());
          else this.setReg(valueReg, ptrReg(f.kind));
        }
        return;
      }
      case 'fp': {
        this.checkStackBounds(regno, off, size, t, ' ');
        if (t === 'write') this.stackWrite(regno, off, size, valueReg, imm);
        else this.stackRead(regno, off, size, valueReg, sx);
        return;
      }
      case 'pkt': case 'pkt_meta': {
        if (t === 'write' && valueR && this.isPtrValue(valueR)) this.fail('E_VERIFIER_PTR_LEAK', `R${valueReg} leaks addr into packet`);
        this.checkPacket(regno, off, size);
        if (t === 'read') this.loadResult(valueReg, size, sx, this.unknown());
        return;
      }
      case 'map_ptr': {
        // check_ptr_to_map_access: a read of the kernel's struct bpf_map (privileged only); its
        // BTF layout is not modelled: any non-negative read gives an unknown scalar.
        const m = this.defs[reg.mapIdx];
        const tname = m && (m.type === 'array' || m.type === 'percpu_array') ? 'bpf_array' : 'bpf_htab';
        if (!this.o.privileged) this.fail('E_VERIFIER_PERMISSION', `'struct ${tname}' access is allowed only to CAP_PERFMON and CAP_SYS_ADMIN`);
        if (off < 0) this.fail('E_VERIFIER_INVALID_MEM_ACCESS', `R${regno} is ${tname} invalid negative access: off=${off}`);
        if (t !== 'read') this.fail('E_VERIFIER_INVALID_MEM_ACCESS', `only read from ${tname} is supported`);
        this.loadResult(valueReg, size, sx, this.unknown());
        return;
      }
      default:
        this.fail('E_VERIFIER_INVALID_MEM_ACCESS', `R${regno} invalid mem access '${regTypeStr(reg.type)}'`);
    }
  }

  /** check_map_access_type: BPF_F_RDONLY_PROG / BPF_F_WRONLY_PROG maps (frozen .rodata is read-only). */
  private checkMapAccessType(def: MapDef, off: number, size: number, t: 'read' | 'write'): void {
    const flags = def.flags ?? 0;
    if (t === 'write' && (def.readOnly || flags & BPF_F_RDONLY_PROG)) {
      this.fail('E_VERIFIER_MAP_READONLY', `write into map forbidden, value_size=${def.valueSize} off=${off} size=${size}`);
    }
    if (t === 'read' && flags & BPF_F_WRONLY_PROG) {
      this.fail('E_VERIFIER_MAP_ACCESS', `read from map forbidden, value_size=${def.valueSize} off=${off} size=${size}`);
    }
  }

  /**
   * bpf_map_direct_read: a load at a constant offset from a frozen read-only array (global
   * `.rodata`, `const volatile` settings) is the known constant stored there.
   */
  private mapDirectRead(def: MapDef, reg: Reg, off: number, size: number, sx: boolean): Reg | null {
    const c = scalarConstValue(reg.v);
    if (c === null || !def.readOnly || def.type !== 'array' || def.maxEntries !== 1) return null;
    const at = off + Number(c);
    const bytes = def.initial ?? new Uint8Array(def.valueSize);
    let v = 0n;
    for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[at + i] ?? 0);
    if (sx) v = BigInt.asIntN(size * 8, v);
    return scalarReg(scalarConst(v));
  }

  private loadResult(valueReg: number, size: number, sx: boolean, r: Reg): void {
    if (valueReg < 0) return;
    if (r.type === 'scalar' && size < 8) r = scalarReg(scalarTruncate(r.v, size as 1 | 2 | 4, sx));
    else if (r.type === 'scalar' && sx) r = scalarReg(scalarTruncate(r.v, 8, true));
    this.setReg(valueReg, r);
  }

  /** check_mem_region_access with __check_mem_access's messages. */
  private checkRegion(regno: number, off: number, size: number, memSize: number, code: string, zeroOk = false): void {
    const reg = this.reg(regno);
    const smin = reg.v.smin;
    if (smin < 0n && (smin === S64_MIN || !fitsS32(BigInt(off) + smin) || smin + BigInt(off) < 0n)) {
      this.fail(code, `R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
    }
    const lo = this.memAccessMsg(regno, Number(smin) + off, size, memSize, zeroOk);
    if (lo) this.fail(code, `${lo}\nR${regno} min value is outside of the allowed memory range`);
    if (reg.v.umax >= BigInt(MAX_VAR_OFF)) {
      this.fail(code, `R${regno} unbounded memory access, make sure to bounds check any such access`);
    }
    const hi = this.memAccessMsg(regno, Number(reg.v.umax) + off, size, memSize, zeroOk);
    if (hi) this.fail(code, `${hi}\nR${regno} max value is outside of the allowed memory range`);
  }

  private memAccessMsg(regno: number, off: number, size: number, memSize: number, zeroOk: boolean): string | null {
    const sizeOk = size > 0 || (size === 0 && zeroOk);
    if (off >= 0 && sizeOk && off + size <= memSize) return null;
    const reg = this.reg(regno);
    switch (reg.type) {
      case 'map_value':
        return `invalid access to map value, value_size=${memSize} off=${off} size=${size}`;
      case 'pkt': case 'pkt_meta': case 'pkt_end':
        return `invalid access to packet, off=${off} size=${size}, R${regno}(id=${reg.id},off=${off},r=${memSize})`;
      default:
        return `invalid access to memory, mem_size=${memSize >>> 0} off=${off} size=${size}`;
    }
  }

  private checkPacket(regno: number, off: number, size: number, zeroOk = false): void {
    const reg = this.reg(regno);
    if (reg.v.smin < 0n) {
      this.fail('E_VERIFIER_PKT_ACCESS', `R${regno} min value is negative, either use unsigned index or do a if (index >=0) check.`);
    }
    const msg = reg.range < 0 ? '' : this.memAccessMsg(regno, off, size, reg.range, zeroOk);
    if (msg !== null) {
      this.fail('E_VERIFIER_PKT_ACCESS', `${msg ? msg + '\n' : ''}R${regno} offset is outside of the packet`);
    }
  }

  private checkStackBounds(regno: number, off: number, size: number, t: 'read' | 'write' | 'helper', _s: string): { min: number; max: number } {
    const reg = this.reg(regno);
    const extra = t === 'helper' ? ' indirect access to' : t === 'read' ? ' read from' : ' write to';
    const f = this.cur.frames[reg.frameno]!;
    let minOff: number;
    let maxOff: number;
    const c = scalarConstValue(reg.v);
    if (c !== null) {
      minOff = Number(BigInt.asIntN(64, c)) + off;
      maxOff = minOff + size;
    } else {
      if (reg.v.smax >= BigInt(MAX_VAR_OFF) || reg.v.smin <= -BigInt(MAX_VAR_OFF)) {
        this.fail('E_VERIFIER_STACK_BOUNDS', `invalid unbounded variable-offset${extra} stack R${regno}`);
      }
      minOff = Number(reg.v.smin) + off;
      maxOff = Number(reg.v.smax) + off + size;
    }
    const minValid = t === 'write' || this.o.privileged ? -MAX_STACK : -f.allocated;
    const bad = minOff < minValid || minOff > -1 || maxOff > 0;
    if (bad) {
      if (c !== null) this.fail('E_VERIFIER_STACK_BOUNDS', `invalid${extra} stack R${regno} off=${off} size=${size}`);
      this.fail('E_VERIFIER_STACK_BOUNDS', `invalid variable-offset${extra} stack R${regno} var_off=${tnumStr(reg.v)} off=${off} size=${size}`);
    }
    const need = Math.ceil(-minOff / 8) * 8;
    if (f.allocated < need) f.allocated = need;
    const sp = f.subprog;
    const k = this.o.cfg.subprogOf[sp] ?? 0;
    if ((this.stats.stackDepth[k] ?? 0) < need) this.stats.stackDepth[k] = need;
    return { min: minOff, max: maxOff };
  }

  private stackWrite(regno: number, off: number, size: number, valueReg: number, imm: number): void {
    const ptr = this.reg(regno);
    const f = this.cur.frames[ptr.frameno]!;
    const c = scalarConstValue(ptr.v);
    const value = valueReg >= 0 ? this.reg(valueReg) : null;
    if (c === null) {
      // Variable-offset write: every byte it may touch becomes misc (zero if writing zero).
      const lo = Number(ptr.v.smin) + off;
      const hi = Number(ptr.v.smax) + off + size;
      const zero = value ? scalarConstValue(value.v) === 0n && value.type === 'scalar' : imm === 0;
      for (let o = lo; o < hi; o++) {
        const b = -o - 1;
        const spi = b >> 3;
        const ws = writableSlots(f);
        if (ws[spi * 8 + 7] === STACK_SPILL) for (let j = 0; j < 8; j++) ws[spi * 8 + j] = STACK_MISC;
        ws[b] = zero ? STACK_ZERO : STACK_MISC;
        this.markStackScratched(spi);
      }
      return;
    }
    const absOff = Number(BigInt.asIntN(64, c)) + off;
    const slot = -absOff - 1;
    const spi = slot >> 3;
    this.markStackScratched(spi);
    const st = writableSlots(f);
    if (!this.o.privileged && st[spi * 8 + 7] === STACK_SPILL && f.spilled[spi]?.type !== 'scalar' && size !== 8) {
      this.fail('E_VERIFIER_SPILL', 'attempt to corrupt spilled pointer on stack');
    }
    const aligned = absOff % 8 === 0;
    // register spills (not plain data writes) are recorded in the kernel's jump history
    if (this.o.privileged && aligned && (value ? value.type === 'scalar' : true)) this.jmpHist++;
    else if (value && value.type !== 'scalar') this.jmpHist++;
    if (value && aligned && value.type === 'scalar' && this.o.privileged) {
      const fits = bitWidth(value.v) <= size * 8;
      if (fits) this.assignScalarIdBeforeMov(value);
      const saved = cloneReg(value);
      if (!fits) saved.id = 0;
      this.saveSpill(f, spi, saved, size);
      return;
    }
    if (!value && aligned && imm !== 0 && this.o.privileged) {
      this.saveSpill(f, spi, scalarReg(scalarConst(BigInt(imm))), size);
      return;
    }
    if (value && value.type !== 'scalar') {
      if (size !== 8) this.fail('E_VERIFIER_SPILL', 'invalid size of register spill');
      if (ptr.frameno !== this.cur.frames.length - 1 && value.type === 'fp') {
        this.fail('E_VERIFIER_SPILL', 'cannot spill pointers to stack into stack frame of the caller');
      }
      this.saveSpill(f, spi, cloneReg(value), size);
      return;
    }
    // Plain data write: destroys any spill in the slot.
    if (st[spi * 8 + 7] === STACK_SPILL) {
      for (let j = 0; j < 8; j++) if (st[spi * 8 + j] === STACK_SPILL) st[spi * 8 + j] = STACK_MISC;
    }
    const zero = value ? scalarConstValue(value.v) === 0n : imm === 0;
    for (let i = 0; i < size; i++) st[spi * 8 + ((slot - i) & 7)] = zero ? STACK_ZERO : STACK_MISC;
  }

  private saveSpill(f: FuncState, spi: number, reg: Reg, size: number): void {
    f.spilled[spi] = reg;
    const st = writableSlots(f);
    let i = 8;
    for (; i > 8 - size; i--) st[spi * 8 + i - 1] = STACK_SPILL;
    for (; i > 0; i--) {
      const b = spi * 8 + i - 1;
      if (st[b] === STACK_ZERO) continue;
      if (st[b] === STACK_INVALID && this.o.privileged) continue;
      st[b] = STACK_MISC;
    }
  }

  private stackRead(regno: number, off: number, size: number, dst: number, sx: boolean): void {
    const ptr = this.reg(regno);
    const f = this.cur.frames[ptr.frameno]!;
    const c = scalarConstValue(ptr.v);
    const st = f.slotTypes;
    if (c === null) {
      const lo = Number(ptr.v.smin) + off;
      const hi = Number(ptr.v.smax) + off + size;
      this.noteStackRead(ptr.frameno, lo, hi);
      for (let o = lo; o < hi; o++) {
        const b = -o - 1;
        const ty = st[b];
        if (ty === STACK_MISC || ty === STACK_ZERO || ty === STACK_SPILL || (ty === STACK_INVALID && this.o.privileged)) continue;
        this.fail('E_VERIFIER_STACK_UNINIT', `invalid variable-offset read from stack R${regno} var_off=${tnumStr(ptr.v)} off=${off} size=${size}`);
      }
      if (dst >= 0) this.loadResult(dst, size, sx, this.unknown());
      return;
    }
    const absOff = Number(BigInt.asIntN(64, c)) + off;
    this.noteStackRead(ptr.frameno, absOff, absOff + size);
    const slot = -absOff - 1;
    const spi = slot >> 3;
    this.markStackScratched(spi);
    if (st[spi * 8 + 7] === STACK_SPILL) {
      let spillSize = 1;
      for (let i = 7; i > 0 && st[spi * 8 + i - 1] === STACK_SPILL; i--) spillSize++;
      const sr = f.spilled[spi]!;
      if (size !== 8 || spillSize !== 8) {
        if (sr.type !== 'scalar') this.fail('E_VERIFIER_SPILL', 'invalid size of register fill');
        if (dst < 0) return;
        if (size <= spillSize && absOff % 8 === 0) {
          if (size === spillSize) this.jmpHist++; // a fill of the spilled register
          if (this.o.privileged && size === 4 && spillSize === 4 && bitWidth(sr.v) <= 32) this.assignScalarIdBeforeMov(sr);
          const r = cloneReg(sr);
          if (bitWidth(sr.v) > size * 8) r.id = 0;
          this.loadResult(dst, size, sx, r);
          return;
        }
        let spillCnt = 0;
        let zeroCnt = 0;
        for (let i = 0; i < size; i++) {
          const ty = st[spi * 8 + ((slot - i) & 7)];
          if (ty === STACK_SPILL) spillCnt++;
          else if (ty === STACK_ZERO) zeroCnt++;
          else if (ty === STACK_MISC || (ty === STACK_INVALID && this.o.privileged)) continue;
          else this.fail('E_VERIFIER_STACK_UNINIT', `invalid read from stack off ${absOff}+${i} size ${size}`);
        }
        if ((spillCnt === size && scalarConstValue(sr.v) === 0n) || zeroCnt === size) {
          this.setReg(dst, scalarReg(scalarConst(0n)));
        } else {
          this.loadResult(dst, size, sx, this.unknown());
        }
        return;
      }
      this.jmpHist++; // a fill of the spilled register
      if (dst >= 0) {
        this.loadResult(dst, size, sx, cloneReg(sr));
      } else if (this.isPtrValue(sr)) {
        this.fail('E_VERIFIER_PTR_LEAK', `leaking pointer from stack off ${absOff}`);
      }
      return;
    }
    let zeros = 0;
    for (let i = 0; i < size; i++) {
      const ty = st[spi * 8 + ((slot - i) & 7)];
      if (ty === STACK_MISC) continue;
      if (ty === STACK_ZERO) {
        zeros++;
        continue;
      }
      if (ty === STACK_INVALID && this.o.privileged) continue;
      this.fail('E_VERIFIER_STACK_UNINIT', `invalid read from stack off ${absOff}+${i} size ${size}`);
    }
    if (dst >= 0) {
      if (zeros === size) this.setReg(dst, scalarReg(scalarConst(0n)));
      else this.loadResult(dst, size, sx, this.unknown());
    }
  }

  // ---- atomics -----------------------------------------------------------------------------

  private checkAtomic(insn: Insn): void {
    const op = insn.op;
    this.readReg(insn.src);
    const d = this.readReg(insn.dst);
    if (op.op === 'cmpxchg') this.readReg(0);
    const src = this.reg(insn.src);
    if (this.isPtrValue(src)) this.fail('E_VERIFIER_PTR_LEAK', `R${insn.src} leaks addr into mem`);
    if (d.type === 'ctx' || d.type === 'pkt' || d.type === 'pkt_meta') {
      this.fail('E_VERIFIER_INVALID_MEM_ACCESS', `BPF_ATOMIC stores into R${insn.dst} ${regTypeStr(d.type)} is not allowed`);
    }
    const fetch = op.op.startsWith('fetch_') || op.op === 'xchg' || op.op === 'cmpxchg';
    const loadReg = op.op === 'cmpxchg' ? 0 : fetch ? insn.src : -1;
    if (loadReg >= 0) this.checkWriteReg(loadReg);
    this.checkMemAccess(insn.dst, insn.off, op.size, 'read', loadReg, false);
    this.checkMemAccess(insn.dst, insn.off, op.size, 'write', -1, false, 1);
    if (loadReg >= 0) {
      const r = this.reg(loadReg);
      if (r.type !== 'scalar') this.setReg(loadReg, this.unknown());
      if (op.size === 4) this.setReg(loadReg, scalarReg(scalarOfSize(4, false)));
    }
  }

  // ---- jumps -------------------------------------------------------------------------------

  private checkCondJmp(insn: Insn): number {
    const op = insn.op;
    const pc = this.pc;
    const is64 = op.width === 64;
    const jop = op.op as ScalarJmpOp;
    const dst = this.readReg(insn.dst);
    let src: Reg;
    if (op.usesSrcReg) {
      src = this.readReg(insn.src);
      if (!(isPktAny(dst) && isPktAny(src)) && this.isPtrValue(src)) {
        this.fail('E_VERIFIER_PTR_COMPARISON', `R${insn.src} pointer comparison prohibited`);
      }
    } else {
      src = scalarReg(scalarConst(BigInt(insn.imm)));
    }
    const pred = this.branchTaken(dst, src, jop, is64);
    const target = jumpTarget(insn, pc)!;
    if (pred >= 0) {
      // mark_chain_precision of the scalar operands of a predicted branch
      const mask = (dst.type === 'scalar' ? 1 << insn.dst : 0) | (op.usesSrcReg && src.type === 'scalar' ? 1 << insn.src : 0);
      if (mask) addPreciseUse(this.o.cfg, this.o.prog, pc, mask);
    }
    if (pred === 1) {
      this.printInsnStateIfLogging();
      return target;
    }
    if (pred === 0) {
      this.printInsnStateIfLogging();
      return pc + 1;
    }
    // Linked scalars (same id) that are live here are collected before refinement, as
    // collect_linked_regs does, and updated in both branches afterwards.
    const linked: LinkedEntry[] = [];
    if (op.usesSrcReg && src.type === 'scalar' && src.id) this.collectLinked(src.id, linked);
    if (dst.type === 'scalar' && dst.id) this.collectLinked(dst.id, linked);
    const other = this.pushBranch(null, target, pc);
    if (linked.length > 1) this.jmpHist++;
    const oregs = other.frames[other.frames.length - 1]!.regs;
    if (dst.type === 'scalar' && src.type === 'scalar') {
      // reg_set_min_max: fall-through first, then the taken branch; an impossible outcome the
      // prediction missed is logged as a REG INVARIANTS VIOLATION and explored anyway.
      const same = op.usesSrcReg && insn.src === insn.dst;
      const f = scalarRefineKernel(jop, dst.v, same ? null : src.v, is64, false);
      const t = scalarRefineKernel(jop, oregs[insn.dst]!.v, same ? null : src.v, is64, true);
      if (this.level > 0) {
        if (t.violation) this.verbose(t.violation.split('\n').map((l) => `verifier bug: ${l}\n`).join(''));
        if (f.violation) this.verbose(f.violation.split('\n').map((l) => `verifier bug: ${l}\n`).join(''));
      }
      dst.v = f.a;
      oregs[insn.dst]!.v = t.a;
      if (op.usesSrcReg) {
        src.v = f.b;
        oregs[insn.src]!.v = t.b;
        if (src.id) {
          syncLinked(this.cur, src, linked);
          syncLinked(other, oregs[insn.src]!, linked);
        }
      }
      if (dst.id) {
        syncLinked(this.cur, dst, linked);
        syncLinked(other, oregs[insn.dst]!, linked);
      }
    }
    if (is64 && (jop === 'jeq' || jop === 'jne') && mayBeNull(dst.type) &&
        (op.usesSrcReg ? isNullScalar(src) : insn.imm === 0)) {
      const otherDst = cloneReg(oregs[insn.dst]!);
      markPtrOrNull(this.cur, cloneReg(dst), jop === 'jne', this.innerOf);
      markPtrOrNull(other, otherDst, jop === 'jeq', this.innerOf);
    } else if (!this.matchPktPointers(insn, dst, src, this.cur, other, oregs) && this.isPtrValue(dst)) {
      this.fail('E_VERIFIER_PTR_COMPARISON', `R${insn.dst} pointer comparison prohibited`);
    }
    this.printInsnStateIfLogging();
    return pc + 1;
  }

  /** collect_linked_regs: live registers (and spilled scalars) of every frame with this id. */
  private collectLinked(id: number, out: LinkedEntry[]): void {
    id &= ~ADD_CONST;
    const st = this.cur;
    const last = st.frames.length - 1;
    const liveIn = this.o.cfg.liveIn;
    for (let i = last; i >= 0; i--) {
      const f = st.frames[i]!;
      const live = liveIn[i === last ? this.pc : st.frames[i + 1]!.callsite]!;
      for (let j = 0; j < 10; j++) {
        if (!(live & (1 << j))) continue;
        const r = f.regs[j]!;
        if (r.type === 'scalar' && (r.id & ~ADD_CONST) === id) out.push({ frame: i, idx: j, spill: false });
      }
      const nslots = f.allocated >> 3;
      for (let spi = 0; spi < nslots; spi++) {
        if (f.slotTypes[spi * 8 + 7] !== STACK_SPILL) continue;
        const r = f.spilled[spi];
        if (r && r.type === 'scalar' && (r.id & ~ADD_CONST) === id) out.push({ frame: i, idx: spi, spill: true });
      }
    }
  }

  private printInsnStateIfLogging(): void {
    if (this.level > 0) this.printInsnState();
  }

  private branchTaken(a: Reg, b: Reg, op: ScalarJmpOp, is64: boolean): 1 | 0 | -1 {
    if (isPktAny(a) && isPktAny(b) && is64) return -1;
    if (a.type !== 'scalar' || b.type !== 'scalar') {
      let p = a;
      let s = b;
      let o = op;
      if (!(s.type === 'scalar' && scalarConstValue(s.v) !== null)) {
        o = FLIP[op]!;
        [p, s] = [s, p];
      }
      if (s.type !== 'scalar' || scalarConstValue(s.v) === null) return -1;
      if (!(p.type === 'map_value' || p.type === 'map_ptr' || p.type === 'mem')) return -1;
      const v = scalarConstValue(s.v)!;
      if ((is64 ? v : v & 0xffffffffn) !== 0n) return -1;
      return o === 'jeq' ? 0 : o === 'jne' ? 1 : -1;
    }
    return scalarBranchTaken(op, a.v, b.v, is64);
  }

  private matchPktPointers(insn: Insn, dst: Reg, src: Reg, thisB: VState, other: VState, oregs: Reg[]): boolean {
    if (!insn.op.usesSrcReg || insn.op.width !== 64) return false;
    let d = dst;
    let s = src;
    let dreg = insn.dst;
    let opc = insn.op.op as ScalarJmpOp;
    if (d.type === 'pkt_end' || s.type === 'pkt_meta') {
      [d, s] = [s, d];
      dreg = insn.src;
      opc = FLIP[opc]!;
    }
    const initPkt = (r: Reg): boolean => r.type === 'pkt' && r.off === 0 && scalarConstValue(r.v) === 0n;
    if (!((d.type === 'pkt' && s.type === 'pkt_end') || (d.type === 'pkt_meta' && initPkt(s)))) return false;
    const otherD = oregs[dreg]!;
    switch (opc) {
      case 'jgt': case 'jge':
        findGoodPkt(thisB, d, opc === 'jge');
        markPktEnd(otherD, opc === 'jgt');
        break;
      case 'jlt': case 'jle':
        findGoodPkt(other, otherD, opc === 'jlt');
        markPktEnd(d, opc === 'jle');
        break;
      case 'jeq': case 'jne': {
        const eq = opc === 'jeq' ? other : thisB;
        const r = opc === 'jeq' ? otherD : d;
        findGoodPkt(eq, r, true);
        markPktEnd(r, false);
        break;
      }
      default:
        return false;
    }
    return true;
  }

  // ---- calls -------------------------------------------------------------------------------

  private checkHelperCall(insn: Insn): void {
    const id = insn.imm;
    const proto = helperProto(id);
    if (!proto) this.fail('E_VERIFIER_BAD_HELPER', `invalid func unknown#${id}`);
    const allowed = this.o.pt.helpers.has(id) && (this.o.privileged || !this.o.pt.privilegedHelpers.has(id));
    if (!allowed) this.fail('E_VERIFIER_BAD_HELPER', `program of this type cannot use helper bpf_${proto.name}#${id}`);
    const meta: CallMeta = { mapIdx: -1, releaseRegno: 0, refObjId: 0, allocSize: 0, msizeMax: 0n, subprog: -1 };
    this.constMapKey = -1n;
    for (let i = 0; i < proto.args.length; i++) {
      const regno = i + 1;
      this.checkArg(regno, this.readReg(regno), proto.args[i]!, meta, proto);
    }
    const fm = meta.mapIdx >= 0 ? this.defs[meta.mapIdx] : undefined;
    if (fm) {
      // record_func_map (its tail call message has no newline in the kernel's log)
      if (id === 12 && fm.type !== 'prog_array') this.fail('E_VERIFIER_MAP_FUNC', 'expected prog array map for tail call');
      if ((fm.readOnly || (fm.flags ?? 0) & BPF_F_RDONLY_PROG) && [2, 3, 87, 88].includes(id)) {
        this.fail('E_VERIFIER_MAP_READONLY', 'write into map forbidden');
      }
    }
    if (meta.releaseRegno) {
      // release_reference: the record and every pointer into it become invalid
      const ok = meta.refObjId ? this.releaseReference(meta.refObjId) : isNullScalar(this.reg(meta.releaseRegno));
      if (!ok) this.fail('E_VERIFIER_REFERENCE', `func bpf_${proto.name}#${id} reference has not been acquired before`);
    }
    if (id === 12) this.checkReferenceLeak('tail_call');
    if (proto.callback === 'loop') this.loopCallback(meta.subprog);
    for (let r = 0; r <= 5; r++) {
      this.setReg(r, notInit());
      this.markRegScratched(r);
    }
    const m = meta.mapIdx >= 0 ? this.defs[meta.mapIdx] : undefined;
    switch (proto.ret) {
      case 'map_value_or_null':
        if (id === 1 && m && this.constMapKey >= 0n && this.constMapKey < BigInt(m.maxEntries)) {
          // Linux 6.18: an array lookup with a constant key below max_entries cannot fail
          this.setReg(0, ptrReg('map_value', { mapIdx: meta.mapIdx }));
        } else {
          this.setReg(0, ptrReg('map_value_or_null', { mapIdx: meta.mapIdx, id: ++this.idGen }));
        }
        break;
      case 'ringbuf_mem_or_null': {
        // acquire_reference: a second id, which the record and its null check share
        ++this.idGen;
        const ref = ++this.idGen;
        this.cur.refs = [...this.cur.refs, { id: ref, insn: this.pc }];
        this.setReg(0, ptrReg('ringbuf_mem_or_null', { id: ref, ref, memSize: meta.allocSize }));
        break;
      }
      case 'void':
        break;
      case 'integer':
        if (id === 45 || id === 67 || id === 114 || id === 115) {
          // do_refine_retval_range: string reads and get_stack return -MAX_ERRNO..size
          const max = meta.msizeMax;
          this.setReg(0, scalarReg(scalarFrom({
            smin: -MAX_ERRNO, smax: max, s32min: -Number(MAX_ERRNO), s32max: Number(BigInt.asIntN(32, max)),
          })));
        } else {
          this.setReg(0, this.unknown());
        }
        break;
    }
    if (m) {
      const err = mapFuncIncompatible(m, id);
      if (err) this.fail('E_VERIFIER_MAP_FUNC', `cannot pass map_type ${mapTypeId(m)} into func bpf_${proto.name}#${id}`);
    }
    if (proto.changesPktData) {
      forEachReg(this.cur, (r) => {
        if (r.type === 'pkt' || r.type === 'pkt_meta' || r.type === 'pkt_end') {
          const nr = this.o.privileged ? this.unknown() : notInit();
          Object.assign(r, nr);
        }
      });
    }
  }

  /** check_reference_leak at a tail call or the main program's exit. */
  private checkReferenceLeak(prefix: string): void {
    if (this.cur.frames.length > 1 || this.cur.refs.length === 0) return;
    const lines = this.cur.refs.map((r) => `Unreleased reference id=${r.id} alloc_insn=${r.insn}`);
    this.fail('E_VERIFIER_REFERENCE_LEAK', [...lines, `${prefix} would lead to reference leak`].join('\n'));
  }

  /** release_reference: drops the reference and invalidates every pointer that carries it. */
  private releaseReference(ref: number): boolean {
    const i = this.cur.refs.findIndex((r) => r.id === ref);
    if (i < 0) return false;
    this.cur.refs = this.cur.refs.filter((_, j) => j !== i);
    forEachReg(this.cur, (r) => {
      if (r.ref === ref) Object.assign(r, this.o.privileged ? this.unknown() : notInit());
    });
    return true;
  }

  /**
   * bpf_loop: R1 is marked precise; while fewer callback visits were started from this call than
   * R1 may be large, a state entering the callback (R1 = index, R2 = callback_ctx) is pushed. The
   * callback returns to this call instruction, which runs again until a visit converges (pruned at
   * the call) or the iteration bound is reached (push_callback_call, set_loop_callback_state).
   */
  private loopCallback(subprog: number): void {
    // update_loop_inline_state: a call whose flags are always 0 and whose callback is always the
    // same is inlined after verification, which adds 24 bytes to its function's stack depth
    const flagsZero = isNullScalar(this.reg(4));
    if (flagsZero) addPreciseUse(this.o.cfg, this.o.prog, this.pc, 1 << 4);
    const prev = this.loopInline.get(this.pc);
    this.loopInline.set(this.pc, { fit: flagsZero && (!prev || (prev.fit && prev.subprog === subprog)), subprog });
    addPreciseUse(this.o.cfg, this.o.prog, this.pc, 1 << 1);
    const caller = this.frame;
    if (BigInt(caller.callbackDepth) < caller.regs[1]!.v.umax) {
      const st = this.pushBranch(null, subprog, this.pc);
      if (st.frames.length >= MAX_FRAMES) {
        this.fail('E_VERIFIER_CALL_DEPTH', `the call stack of ${st.frames.length + 1} frames is too deep`);
      }
      const stCaller = st.frames[st.frames.length - 1]!;
      const callee = newFrame(st.frames.length, this.pc, subprog);
      callee.regs[1] = this.unknown();
      callee.regs[2] = cloneReg(stCaller.regs[3]!);
      callee.inCallback = true;
      st.frames.push(callee);
      st.unroll++;
      stCaller.callbackDepth++;
      caller.callbackDepth = 0;
    } else {
      caller.callbackDepth = 0;
      if (this.level >= 2) this.verbose(`frame${this.cur.frames.length - 1} bpf_loop iteration limit reached\n`);
    }
  }

  /** check_func_arg */
  private checkArg(regno: number, reg: Reg, arg: HelperArg, meta: CallMeta, proto: HelperProto): void {
    const memTypes: RegType[] = ['fp', 'pkt', 'pkt_meta', 'map_value', 'mem', 'ringbuf_mem'];
    const memNames = 'fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_';
    const typeErr = (expected: string): never =>
      this.fail('E_VERIFIER_ARG_TYPE', `R${regno} type=${regTypeStr(reg.type)} expected=${expected}`);
    if (arg === 'anything') {
      if (this.isPtrValue(reg)) this.fail('E_VERIFIER_PTR_LEAK', `R${regno} leaks addr into helper function`);
      return;
    }
    const isNull = isNullScalar(reg);
    const mayBeNull = arg === 'mem_or_null_rdonly' || arg === 'stack_or_null';
    if (!(isNull && mayBeNull)) {
      // check_reg_type
      switch (arg) {
        case 'const_map_ptr':
          if (reg.type !== 'map_ptr') typeErr('map_ptr');
          break;
        case 'ptr_to_ctx':
          if (reg.type !== 'ctx') typeErr('ctx');
          break;
        case 'map_key': case 'map_value': case 'map_value_uninit': case 'mem_rdonly': case 'mem_or_null_rdonly':
        case 'mem_uninit':
          if (!memTypes.includes(reg.type)) typeErr(memNames);
          break;
        case 'const_size': case 'const_size_or_zero': case 'const_alloc_size_or_zero':
          if (reg.type !== 'scalar') typeErr('scalar');
          break;
        case 'ringbuf_mem_release':
          if (reg.type !== 'ringbuf_mem') typeErr('ringbuf_mem');
          break;
        case 'func':
          if (reg.type !== 'func') typeErr('func');
          break;
        case 'stack_or_null':
          if (reg.type !== 'fp') typeErr('fp');
          break;
      }
      // check_func_arg_reg_off
      if (arg === 'ringbuf_mem_release') {
        if (reg.off) {
          this.fail('E_VERIFIER_REFERENCE', `R${regno} must have zero offset when passed to release func or trusted arg to kfunc`);
        }
        if (scalarConstValue(reg.v) !== 0n) {
          this.fail('E_VERIFIER_REFERENCE', `variable ${regTypeStr(reg.type)} access var_off=${tnumStr(reg.v)} disallowed`);
        }
      } else if (reg.type === 'ctx' || reg.type === 'func') {
        if (reg.off) {
          this.fail('E_VERIFIER_CTX_MODIFIED', `dereference of modified ${regTypeStr(reg.type)} ptr R${regno} off=${reg.off} disallowed`);
        }
        if (scalarConstValue(reg.v) !== 0n) {
          this.fail('E_VERIFIER_CTX_MODIFIED', `variable ${regTypeStr(reg.type)} access var_off=${tnumStr(reg.v)} disallowed`);
        }
      }
    }
    if (arg === 'ringbuf_mem_release') {
      if (!reg.ref && !isNull) this.fail('E_VERIFIER_REFERENCE', `R${regno} must be referenced when passed to release function`);
      meta.releaseRegno = regno;
    }
    if (reg.ref) meta.refObjId = reg.ref;
    switch (arg) {
      case 'const_map_ptr':
        meta.mapIdx = reg.mapIdx;
        return;
      case 'map_key': case 'map_value': case 'map_value_uninit': {
        const key = arg === 'map_key';
        if (meta.mapIdx < 0) this.fail('E_VERIFIER_HELPER_ARG', `invalid map_ptr to access map->${key ? 'key' : 'value'}`);
        const m = this.defs[meta.mapIdx]!;
        this.helperMem(regno, key ? m.keySize : m.valueSize, false, arg === 'map_value_uninit' ? 'write' : 'read');
        if (key && (m.type === 'array' || m.type === 'percpu_array')) this.constMapKey = this.constantMapKey(reg, m.keySize);
        return;
      }
      case 'const_size': case 'const_size_or_zero': {
        const zeroOk = arg === 'const_size_or_zero';
        meta.msizeMax = reg.v.umax;
        if (reg.v.smin < 0n) this.fail('E_VERIFIER_HELPER_ARG', `R${regno} min value is negative, either use unsigned or 'var &= const'`);
        if (reg.v.umin === 0n && !zeroOk) {
          this.fail('E_VERIFIER_HELPER_ARG', `R${regno} invalid zero-sized read: u64=[${reg.v.umin},${reg.v.umax}]`);
        }
        if (reg.v.umax >= BigInt(MAX_VAR_OFF)) {
          this.fail('E_VERIFIER_HELPER_ARG', `R${regno} unbounded memory access, use 'var &= const' or 'if (var < const)'`);
        }
        const memReg = this.reg(regno - 1);
        if (isNullScalar(memReg)) return;
        const kind = proto.args[regno - 2];
        this.helperMem(regno - 1, Number(reg.v.umax), zeroOk, kind === 'mem_uninit' ? 'write' : 'read');
        return;
      }
      case 'const_alloc_size_or_zero': {
        const c = scalarConstValue(reg.v);
        if (c === null) this.fail('E_VERIFIER_HELPER_ARG', `R${regno} is not a known constant'`);
        addPreciseUse(this.o.cfg, this.o.prog, this.pc, 1 << regno);
        meta.allocSize = Number(BigInt.asUintN(32, c));
        return;
      }
      case 'func':
        meta.subprog = reg.subprog;
        return;
      default:
        return; // checked by type only, or together with the size argument
    }
  }

  /**
   * get_constant_map_key: the key on the stack as a constant (STACK_ZERO bytes, or a scalar spill
   * of exactly the key size holding a constant), or -1.
   */
  private constantMapKey(key: Reg, keySize: number): bigint {
    if (!this.o.privileged || key.type !== 'fp') return -1n;
    const c = scalarConstValue(key.v);
    if (c === null) return -1n;
    const stackOff = key.off + Number(BigInt.asIntN(64, c));
    const slot = -stackOff - 1;
    if (slot < 0 || slot >= MAX_STACK) return -1n;
    const spi = slot >> 3;
    const off = slot & 7;
    const f = this.cur.frames[key.frameno]!;
    const st = f.slotTypes;
    let zero = 0;
    for (let i = off; i >= 0 && st[spi * 8 + i] === STACK_ZERO; i--) zero++;
    if (zero >= keySize) return 0n;
    const sr = f.spilled[spi];
    if (st[spi * 8 + 7] !== STACK_SPILL || !sr || sr.type !== 'scalar') return -1n;
    let spill = 0;
    for (let i = off; i >= 0 && st[spi * 8 + i] === STACK_SPILL; i--) spill++;
    if (spill !== keySize) return -1n;
    const v = scalarConstValue(sr.v);
    return v === null ? -1n : v;
  }

  /** check_helper_mem_access */
  private helperMem(regno: number, size: number, zeroOk: boolean, t: 'read' | 'write'): void {
    const reg = this.reg(regno);
    switch (reg.type) {
      case 'pkt': case 'pkt_meta':
        this.checkPacket(regno, reg.off, size, zeroOk);
        return;
      case 'map_value':
        this.checkMapAccessType(this.defs[reg.mapIdx]!, reg.off, size, t);
        this.checkRegion(regno, reg.off, size, this.defs[reg.mapIdx]!.valueSize, 'E_VERIFIER_MAP_ACCESS', zeroOk);
        return;
      case 'mem': case 'ringbuf_mem':
        this.checkRegion(regno, reg.off, size, reg.memSize, 'E_VERIFIER_MEM_ACCESS', zeroOk);
        return;
      case 'fp': {
        if (size === 0 && zeroOk) return;
        // check_stack_range_initialized (e.g. the key of a map whose key_size is 0)
        if (size === 0) this.fail('E_VERIFIER_HELPER_ARG', 'invalid zero-sized read');
        const { min, max } = this.checkStackBounds(regno, reg.off, size, t, '');
        const f = this.cur.frames[reg.frameno]!;
        const c = scalarConstValue(reg.v);
        if (c === null && !this.o.privileged) {
          this.fail('E_VERIFIER_STACK_BOUNDS', `R${regno} variable offset stack access prohibited for !root, var_off=${tnumStr(reg.v)}`);
        }
        if (t === 'read') this.noteStackRead(reg.frameno, min, max);
        for (let o = min; o < max; o++) {
          const b = -o - 1;
          const spi = b >> 3;
          if (t === 'write') {
            const ws = writableSlots(f);
            if (ws[spi * 8 + 7] === STACK_SPILL) for (let j = 0; j < 8; j++) ws[spi * 8 + j] = STACK_MISC;
            ws[b] = STACK_MISC;
            continue;
          }
          const ty = f.slotTypes[b];
          if (ty === STACK_MISC || ty === STACK_ZERO || (ty === STACK_INVALID && this.o.privileged)) continue;
          if (f.slotTypes[spi * 8 + 7] === STACK_SPILL && (f.spilled[spi]?.type === 'scalar' || this.o.privileged)) continue;
          const base = min;
          if (c !== null) this.fail('E_VERIFIER_STACK_UNINIT', `invalid read from stack R${regno} off ${base}+${o - base} size ${size}`);
          this.fail('E_VERIFIER_STACK_UNINIT', `invalid read from stack R${regno} var_off ${tnumStr(reg.v)}+${o - base} size ${size}`);
        }
        return;
      }
      default:
        this.fail('E_VERIFIER_ARG_TYPE', `R${regno} type=${regTypeStr(reg.type)} expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_`);
    }
  }

  private checkLocalCall(insn: Insn): number {
    const depth = this.cur.frames.length;
    if (depth >= MAX_FRAMES) this.fail('E_VERIFIER_CALL_DEPTH', `the call stack of ${depth + 1} frames is too deep`);
    const target = this.pc + 1 + insn.imm;
    const caller = this.frame;
    const callee = newFrame(depth, this.pc, target);
    for (let r = 1; r <= 5; r++) callee.regs[r] = cloneReg(caller.regs[r]!);
    for (let r = 0; r <= 5; r++) caller.regs[r] = notInit();
    this.cur.frames.push(callee);
    if (this.level > 0) {
      this.verbose('caller:\n' + formatState(this.cur, depth - 1, this.mapInfo(), null) + '\n');
      this.verbose('callee:\n' + formatState(this.cur, depth, this.mapInfo(), null) + '\n');
    }
    this.scratchAll();
    return target;
  }

  private checkExit(): number | 'exit' {
    const frames = this.cur.frames;
    if (frames.length > 1) {
      // prepare_func_exit: R0 is handed back as it is (even uninitialized or a pointer), except
      // a stack pointer; only the main program's exit checks it.
      const callee = frames[frames.length - 1]!;
      const r0 = callee.regs[0]!;
      if (r0.type === 'fp') this.fail('E_VERIFIER_RETURN', 'cannot return stack pointer to the caller');
      if (callee.inCallback) {
        // a bpf_loop callback returns 0 (continue) or 1 (stop), as a precise scalar
        if (r0.type !== 'scalar') this.fail('E_VERIFIER_RETURN', 'R0 not a scalar value');
        addPreciseUse(this.o.cfg, this.o.prog, this.pc, 1);
        if (r0.v.smin < 0n || r0.v.smax > 1n) {
          this.fail('E_VERIFIER_RETURN', `At callback return the register R0 has${invalidScalarText(r0.v)} should have been in [0, 1]`);
        }
      }
      frames.pop();
      const caller = frames[frames.length - 1]!;
      if (!callee.inCallback) caller.regs[0] = cloneReg(r0);
      const next = callee.inCallback ? callee.callsite : callee.callsite + 1;
      if (this.level > 0) {
        this.verbose('returning from callee:\n' + formatState({ ...this.cur, frames: [...frames, callee] }, frames.length, this.mapInfo(), null) + '\n');
        this.verbose(`to caller at ${next}:\n` + formatState(this.cur, frames.length - 1, this.mapInfo(), null) + '\n');
      }
      this.scratchAll();
      if (callee.inCallback) {
        const prev = this.findPrevEntry(next);
        if (prev) this.widenImpreciseScalars(prev, next);
      }
      return next;
    }
    this.checkReferenceLeak('BPF_EXIT instruction in main prog');
    const r0 = this.readReg(0);
    if (this.isPtrValue(r0)) this.fail('E_VERIFIER_PTR_LEAK', 'R0 leaks addr as return value');
    const range = this.o.pt.retRange;
    if (range) {
      if (r0.type !== 'scalar') this.fail('E_VERIFIER_RETURN', `At program exit the register R0 is not a known value (${regTypeStr(r0.type)})`);
      if (r0.v.smin < BigInt(range.min) || r0.v.smax > BigInt(range.max)) {
        this.fail('E_VERIFIER_RETURN', `At program exit the register R0 has smin=${r0.v.smin} smax=${r0.v.smax} should have been in [${range.min}, ${range.max}]`);
      }
    }
    return 'exit';
  }

  /** find_prev_entry: the checkpoint at `pc` on the current path (still being explored). */
  private findPrevEntry(pc: number): VState | null {
    const list = this.explored.get(this.stateKey(pc));
    if (!list) return null;
    for (const cp of list) if (cp.branches > 0 && cp.pc === pc) return cp.state;
    return null;
  }

  /**
   * widen_imprecise_scalars: after a callback visit, scalars (registers and spilled) that differ
   * from the previous visit's checkpoint and whose exact value is not needed become unknown, so
   * that the visits converge.
   */
  private widenImpreciseScalars(old: VState, pc: number): void {
    const idmap = this.idmap;
    idmap.reset();
    const cur = this.cur;
    for (let fi = cur.frames.length - 1; fi >= 0; fi--) {
      const fo = old.frames[fi];
      const fc = cur.frames[fi]!;
      if (!fo) continue;
      const precise = fi === cur.frames.length - 1 ? this.o.cfg.preciseIn[pc]! : 0;
      const widen = (ro: Reg, rc: Reg, isPrecise: boolean): void => {
        if (ro.type !== 'scalar' || rc.type !== 'scalar' || isPrecise) return;
        if (this.regsafe(ro, rc, 'exact', true, idmap)) return;
        Object.assign(rc, this.unknown());
      };
      for (let r = 0; r < 11; r++) widen(fo.regs[r]!, fc.regs[r]!, (precise & (1 << r)) !== 0);
      // bpfbox has no per-slot precision marks. The kernel marks a spilled scalar of the
      // checkpoint precise when the path after the call predicted a branch from it, which needs
      // a known value: a spilled constant that is loaded (by this function, after the call) into
      // a register whose exact value matters counts as precise; other changed spills are widened.
      const slots = Math.min(fo.allocated, fc.allocated) >> 3;
      for (let spi = 0; spi < slots; spi++) {
        if (fo.slotTypes[spi * 8 + 7] !== STACK_SPILL || fc.slotTypes[spi * 8 + 7] !== STACK_SPILL) continue;
        const ro = fo.spilled[spi];
        const rc = fc.spilled[spi];
        if (ro && rc) widen(ro, rc, scalarConstValue(ro.v) !== null && fi === cur.frames.length - 1 && this.slotFillIsPrecise(pc, spi));
      }
    }
  }

  /**
   * Whether, on some path after the instruction at `pc` (within its function, before the slot is
   * overwritten), stack slot `spi` is loaded through R10 into a register whose exact value may
   * matter (the precision relevance the walk has recorded so far).
   */
  private slotFillIsPrecise(pc: number, spi: number): boolean {
    const { succ, preciseIn } = this.o.cfg;
    const lo = -(spi + 1) * 8;
    const hi = lo + 8;
    const seen = new Set<number>();
    const work = [...succ[pc]!];
    while (work.length) {
      const q = work.pop()!;
      if (seen.has(q)) continue;
      seen.add(q);
      const insn = this.insnAt[q];
      if (!insn) continue;
      const k = insn.op.kind;
      const touches = insn.off < hi && insn.off + (insn.op.size || 8) > lo;
      if ((k === 'ldx' || k === 'ldxs') && insn.src === 10 && touches) {
        let after = 0;
        for (const w of succ[q]!) after |= preciseIn[w]!;
        if (after & (1 << insn.dst)) return true;
      }
      if ((k === 'stx' || k === 'st') && insn.dst === 10 && touches) continue;
      for (const w of succ[q]!) work.push(w);
    }
    return false;
  }

  private checkLdAbs(insn: Insn): void {
    if (this.o.pt.name !== 'socket_filter') {
      this.fail('E_VERIFIER_UNSUPPORTED', 'BPF_LD_[ABS|IND] instructions not allowed for this program type');
    }
    const r6 = this.readReg(6);
    if (insn.op.kind === 'ld_ind') this.readReg(insn.src);
    this.checkReferenceLeak('BPF_LD_[ABS|IND]');
    if (r6.type !== 'ctx') this.fail('E_VERIFIER_INVALID_MEM_ACCESS', 'at the time of BPF_LD_ABS|IND R6 != pointer to skb');
    for (let r = 1; r <= 5; r++) {
      this.setReg(r, notInit());
      this.markRegScratched(r);
    }
    this.markRegScratched(0);
    this.setReg(0, scalarReg(scalarOfSize(insn.op.size as 1 | 2 | 4, false)));
  }
}

// ---- helpers -------------------------------------------------------------------------------

/** check_ids: a bijection between the ids of the old and the current state (reused, reset per comparison). */
class IdMap {
  private readonly olds: number[] = [];
  private readonly curs: number[] = [];
  private tmp = 1 << 29;
  reset(): void {
    this.olds.length = 0;
    this.curs.length = 0;
    this.tmp = 1 << 29;
  }
  check(o: number, c: number): boolean {
    if (!!o !== !!c) return false;
    if (o === 0) return true;
    const olds = this.olds;
    for (let i = 0; i < olds.length; i++) {
      if (olds[i] === o) return this.curs[i] === c;
      if (this.curs[i] === c) return false;
    }
    olds.push(o);
    this.curs.push(c);
    return true;
  }
  checkScalar(o: number, c: number): boolean {
    return this.check(o || ++this.tmp, c || ++this.tmp);
  }
}

function scalarEq(a: ScalarValue, b: ScalarValue): boolean {
  return a.var.value === b.var.value && a.var.mask === b.var.mask && a.smin === b.smin && a.smax === b.smax &&
    a.umin === b.umin && a.umax === b.umax && a.s32min === b.s32min && a.s32max === b.s32max &&
    a.u32min === b.u32min && a.u32max === b.u32max;
}

function fitsS32(v: bigint): boolean {
  return v >= -(1n << 31n) && v < 1n << 31n;
}

/** get_reg_width: bits needed for the largest unsigned value. */
function bitWidth(v: ScalarValue): number {
  return v.umax === 0n ? 0 : v.umax.toString(2).length;
}

export function tnumStr(v: ScalarValue): string {
  if (v.var.mask === 0n) return v.var.value <= 0xffffn ? v.var.value.toString() : '0x' + v.var.value.toString(16);
  return `(0x${v.var.value.toString(16)}; 0x${v.var.mask.toString(16)})`;
}

function isPktAny(r: Reg): boolean {
  return r.type === 'pkt' || r.type === 'pkt_meta' || r.type === 'pkt_end';
}

interface LinkedEntry {
  frame: number;
  idx: number;
  spill: boolean;
}

/** Scalar ids with this bit were linked by `rX += K` (BPF_ADD_CONST); `off` holds K. */
export const ADD_CONST = 1 << 30;

/** sync_linked_regs */
function syncLinked(st: VState, known: Reg, list: readonly LinkedEntry[]): void {
  for (const e of list) {
    const f = st.frames[e.frame];
    if (!f) continue;
    const r = e.spill ? f.spilled[e.idx] : f.regs[e.idx];
    if (!r || r.type !== 'scalar' || r === known) continue;
    if ((r.id & ~ADD_CONST) !== (known.id & ~ADD_CONST)) continue;
    if ((!(r.id & ADD_CONST) && !(known.id & ADD_CONST)) || r.off === known.off) {
      r.v = known.v;
      r.id = known.id;
      r.off = known.off;
    } else {
      // reg = known + (reg.off - known.off), keeping reg's id, flag and delta
      r.v = scalarAlu('add', known.v, scalarConst(BigInt(r.off - known.off)), true);
    }
  }
}

/** verbose_invalid_scalar: ` smin=.. smax=..` or ` unknown scalar value`. */
function invalidScalarText(v: ScalarValue): string {
  let out = '';
  if (v.smin > S64_MIN) out += ` smin=${v.smin}`;
  if (v.smax < (1n << 63n) - 1n) out += ` smax=${v.smax}`;
  return out || ' unknown scalar value';
}

function isNullScalar(r: Reg): boolean {
  return r.type === 'scalar' && scalarConstValue(r.v) === 0n;
}

function mayBeNull(t: RegType): boolean {
  return t === 'map_value_or_null' || t === 'ringbuf_mem_or_null';
}

/**
 * mark_ptr_or_null_regs: every copy of a maybe-NULL pointer with this id becomes NULL (a
 * scalar 0; a ring buffer record's reference is dropped) or the non-NULL type (a map-in-map
 * lookup gives the inner map).
 */
function markPtrOrNull(st: VState, reg: Reg, isNull: boolean, innerOf: readonly number[]): void {
  const id = reg.id;
  if (isNull && reg.ref && reg.ref === id) st.refs = st.refs.filter((r) => r.id !== id);
  forEachReg(st, (r) => {
    if (!mayBeNull(r.type) || r.id !== id) return;
    if (isNull) Object.assign(r, scalarReg(scalarConst(0n)));
    else if (r.type === 'ringbuf_mem_or_null') {
      r.type = 'ringbuf_mem';
      r.id = 0;
    } else {
      const inner = innerOf[r.mapIdx] ?? -1;
      if (inner >= 0) {
        r.type = 'map_ptr';
        r.mapIdx = inner;
      } else {
        r.type = 'map_value';
      }
      r.id = 0;
    }
  });
}

/** check_map_func_compatibility: true when the map type and the helper do not go together. */
function mapFuncIncompatible(m: MapDef, id: number): boolean {
  const t = m.type;
  // from the map's side
  switch (t) {
    case 'prog_array': if (id !== 12) return true; break;
    case 'perf_event_array': if (![22, 25, 55, 68, 121].includes(id)) return true; break;
    case 'ringbuf': if (![130, 131, 134, 198, 199, 200].includes(id)) return true; break;
    case 'user_ringbuf': if (id !== 209) return true; break;
    case 'stack_trace': if (id !== 27) return true; break;
    case 'cgroup_array': if (id !== 33 && id !== 37) return true; break;
    case 'cgroup_storage': case 'percpu_cgroup_storage': if (id !== 81) return true; break;
    case 'devmap': case 'devmap_hash': if (id !== 51 && id !== 1) return true; break;
    case 'cpumap': if (id !== 51) return true; break;
    case 'xskmap': if (id !== 51 && id !== 1) return true; break;
    case 'array_of_maps': case 'hash_of_maps': if (id !== 1) return true; break;
    case 'sockmap': case 'sockhash':
      if (![1, 2, 3, 52, 53, 60, 61, 70, 71, 82].includes(id)) return true; break;
    case 'reuseport_sockarray': if (![1, 2, 3, 82].includes(id)) return true; break;
    case 'queue': case 'stack': if (id !== 87 && id !== 88 && id !== 89) return true; break;
    case 'bloom_filter': if (id !== 87 && id !== 89) return true; break;
    case 'sk_storage': if (![107, 108, 1, 2, 3].includes(id)) return true; break;
    case 'inode_storage': if (![145, 146, 1, 2, 3].includes(id)) return true; break;
    case 'task_storage': if (![156, 157, 1, 2, 3].includes(id)) return true; break;
    case 'cgrp_storage': if (![210, 211, 1, 2, 3].includes(id)) return true; break;
    default: break;
  }
  // from the helper's side
  switch (id) {
    case 12: return t !== 'prog_array';
    case 22: case 25: case 55: case 68: case 121: return t !== 'perf_event_array';
    case 130: case 131: case 134: return t !== 'ringbuf';
    case 27: return t !== 'stack_trace';
    case 51: return !['devmap', 'devmap_hash', 'cpumap', 'xskmap'].includes(t);
    case 88: return t !== 'queue' && t !== 'stack';
    case 87: case 89: return t !== 'queue' && t !== 'stack' && t !== 'bloom_filter';
    case 195: return t !== 'percpu_array' && t !== 'percpu_hash' && t !== 'lru_percpu_hash';
    default: return false;
  }
}

function findGoodPkt(st: VState, dst: Reg, rightOpen: boolean): void {
  if (dst.off < 0 || (dst.off === 0 && rightOpen)) return;
  if (dst.v.umax > BigInt(MAX_PACKET_OFF) || dst.v.umax + BigInt(dst.off) > BigInt(MAX_PACKET_OFF)) return;
  const newRange = dst.off + (rightOpen ? 1 : 0);
  const type = dst.type;
  const id = dst.id;
  forEachReg(st, (r) => {
    if (r.type === type && r.id === id) r.range = Math.max(r.range, newRange);
  });
}

function markPktEnd(r: Reg, rangeOpen: boolean): void {
  if (r.type !== 'pkt') return;
  r.range = rangeOpen ? BEYOND_PKT_END : AT_PKT_END;
}

void scalarUnknown;
void helperLogName;
void STACK_ZERO;
