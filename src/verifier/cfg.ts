// Control-flow checks done before abstract execution (the kernel's check_subprogs and check_cfg),
// prune points, and two static backward analyses used by state pruning: register liveness and
// "precision relevance" (which scalar registers may flow into a check whose outcome depends on
// their exact value: a conditional jump, pointer arithmetic, a helper argument or a return value).

import type { Insn, Program } from '../isa/encoding.js';
import { helperProto } from '../runtime/helpers.js';

export interface CfgInfo {
  /** Subprogram start slots, sorted; subprogs[0] = 0. */
  subprogs: number[];
  /** Slot -> subprogram index. */
  subprogOf: Int32Array;
  pruneAt: Uint8Array;
  /** Per slot, bitmask of registers live before the instruction. */
  liveIn: Uint16Array;
  /** Per slot, bitmask of scalar registers whose exact value may matter later. */
  preciseIn: Uint16Array;
  /** Per slot, registers whose exact value the instruction itself needs (grows during the walk). */
  preciseUses: Uint16Array;
  succ: Int32Array[];
  preds: Int32Array[];
  /** Exits whose R0 is checked or returned to a caller. */
  exitR0: Uint8Array;
}

export interface CfgError {
  pc: number;
  code: string;
  message: string;
}

export function jumpTarget(insn: Insn, slot: number): number | null {
  switch (insn.op.kind) {
    case 'ja': case 'jcond': return slot + 1 + insn.off;
    case 'ja32': return slot + 1 + insn.imm;
    default: return null;
  }
}

/** Successor slots of an instruction within its function (calls fall through). */
function successors(p: Program, slot: number): number[] {
  const insn = p.insns[p.insnAtSlot[slot]!]!;
  const k = insn.op.kind;
  if (k === 'exit') return [];
  if (k === 'ja' || k === 'ja32') return [jumpTarget(insn, slot)!];
  if (k === 'jcond') return [slot + 1, jumpTarget(insn, slot)!];
  return [slot + insn.op.slots];
}

export function checkCfg(p: Program, privileged: boolean, mainExitChecksR0 = false): { ok: true; info: CfgInfo } | { ok: false; error: CfgError } {
  const n = p.slotCount;
  const insnAt = (s: number): Insn | null => (s >= 0 && s < n && p.insnAtSlot[s]! >= 0 ? p.insns[p.insnAtSlot[s]!]! : null);
  // ---- check_subprogs
  const starts = new Set<number>([0]);
  for (let i = 0; i < p.insns.length; i++) {
    const insn = p.insns[i]!;
    const slot = p.slotOf[i]!;
    const isLocalCall = insn.op.kind === 'call_local' || (insn.op.kind === 'lddw' && insn.src === 4);
    const isKfunc = insn.op.kind === 'call_kfunc';
    if (!isLocalCall && !isKfunc) continue;
    if (!privileged) {
      return { ok: false, error: { pc: slot, code: 'E_VERIFIER_PRIVILEGE', message: 'loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN' } };
    }
    if (isKfunc) {
      // add_kfunc_call: bpfbox has no kernel BTF, so no id names a kernel function
      return { ok: false, error: { pc: slot, code: 'E_VERIFIER_BAD_KFUNC', message: `kernel btf_id ${insn.imm >>> 0} is not a function` } };
    }
    const t = slot + 1 + insn.imm;
    if (t < 0 || t >= n) return { ok: false, error: { pc: slot, code: 'E_VERIFIER_BAD_CALL', message: 'call to invalid destination' } };
    starts.add(t);
  }
  const subprogs = [...starts].sort((a, b) => a - b);
  const subprogOf = new Int32Array(n);
  for (let k = 0; k < subprogs.length; k++) {
    const s = subprogs[k]!;
    const e = k + 1 < subprogs.length ? subprogs[k + 1]! : n;
    for (let slot = s; slot < e; slot++) subprogOf[slot] = k;
    for (let slot = s; slot < e; slot++) {
      const insn = insnAt(slot);
      if (!insn) continue;
      const t = jumpTarget(insn, slot);
      if (t !== null && (t < s || t >= e)) {
        return { ok: false, error: { pc: slot, code: 'E_VERIFIER_JUMP_OUT_OF_RANGE', message: `jump out of range from insn ${slot} to ${t}` } };
      }
    }
    // The last instruction of each subprogram must be an exit or a jump.
    let last = e - 1;
    if (last >= s && p.insnAtSlot[last] === -1) last--;
    const li = insnAt(last);
    if (li && li.op.kind !== 'exit' && li.op.kind !== 'ja' && li.op.kind !== 'ja32') {
      return { ok: false, error: { pc: last, code: 'E_VERIFIER_FALL_OFF', message: 'last insn is not an exit or jmp' } };
    }
  }
  // ---- check_cfg: depth-first walk from every subprogram entry reached from 0.
  const pruneAt = new Uint8Array(n);
  const state = new Uint8Array(n); // 0 unseen, 1 on stack, 2 explored
  const markPrune = (s: number): void => {
    if (s >= 0 && s < n) pruneAt[s] = 1;
  };
  const roots = [0];
  const seenRoots = new Set<number>([0]);
  while (roots.length) {
    const root = roots.pop()!;
    const stack: { slot: number; succ: number[]; k: number }[] = [];
    const push = (from: number, w: number): CfgError | null => {
      if (w < 0 || w >= n) return { pc: from, code: 'E_VERIFIER_JUMP_OUT_OF_RANGE', message: `jump out of range from insn ${from} to ${w}` };
      if (state[w] === 1) {
        if (privileged) return null;
        return { pc: from, code: 'E_VERIFIER_BACK_EDGE', message: `back-edge from insn ${from} to ${w}` };
      }
      if (state[w] === 2) return null;
      if (p.insnAtSlot[w] === -1) {
        return { pc: w - 1, code: 'E_VERIFIER_JUMP_INTO_LDDW', message: `jump into the middle of ldimm64 insn ${w - 1}` };
      }
      state[w] = 1;
      stack.push({ slot: w, succ: successors(p, w), k: 0 });
      return null;
    };
    if (state[root] === 0) {
      state[root] = 1;
      stack.push({ slot: root, succ: successors(p, root), k: 0 });
    }
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const insn = insnAt(top.slot)!;
      if (top.k === 0) {
        const kind = insn.op.kind;
        if (kind === 'jcond') {
          markPrune(top.slot);
          markPrune(jumpTarget(insn, top.slot)!);
        } else if (kind === 'ja' || kind === 'ja32') {
          markPrune(jumpTarget(insn, top.slot)!);
        } else if (kind === 'call_helper' || kind === 'call_kfunc') {
          markPrune(top.slot + 1);
          // a helper with a callback (bpf_loop) is revisited after each callback visit
          if (kind === 'call_helper' && helperProto(insn.imm)?.callback) markPrune(top.slot);
        } else if (kind === 'lddw' && insn.src === 4) {
          // BPF_PSEUDO_FUNC: visited like a call (visit_func_call_insn), the callback is a root
          markPrune(top.slot);
          markPrune(top.slot + 2);
          const t = top.slot + 1 + insn.imm;
          markPrune(t);
          if (!seenRoots.has(t)) {
            seenRoots.add(t);
            roots.push(t);
          }
        } else if (kind === 'call_local') {
          markPrune(top.slot + 1);
          markPrune(top.slot);
          const t = top.slot + 1 + insn.imm;
          markPrune(t);
          if (!seenRoots.has(t)) {
            seenRoots.add(t);
            roots.push(t);
          }
        }
      }
      if (top.k < top.succ.length) {
        const w = top.succ[top.k++]!;
        const err = push(top.slot, w);
        if (err) return { ok: false, error: err };
      } else {
        state[top.slot] = 2;
        stack.pop();
      }
    }
  }
  for (let s = 0; s < n; s++) {
    if (p.insnAtSlot[s] === -1) continue;
    if (state[s] !== 2) return { ok: false, error: { pc: s, code: 'E_VERIFIER_UNREACHABLE', message: `unreachable insn ${s}` } };
  }
  const a = analyse(p, (s) => mainExitChecksR0 || subprogOf[s] !== 0);
  return { ok: true, info: { subprogs, subprogOf, pruneAt, ...a } };
}

const ARGS = 0b111110; // r1-r5
const CALLER_CLOBBER = 0b111111; // r0-r5

/** Liveness transfer (kernel compute_live_registers): registers live before the instruction. */
function liveTransfer(insn: Insn, lo: number): number {
  const d = 1 << insn.dst;
  const sr = 1 << insn.src;
  let li = lo;
  const op = insn.op;
  switch (op.kind) {
    case 'alu':
      li |= op.usesSrcReg ? d | sr : d;
      break;
    case 'neg': case 'end':
      li |= d;
      break;
    case 'mov': case 'movsx':
      li &= ~d;
      if (op.usesSrcReg) li |= sr;
      break;
    case 'lddw':
      li &= ~d;
      break;
    case 'ldx': case 'ldxs':
      li &= ~d;
      li |= sr;
      break;
    case 'st':
      li |= d;
      break;
    case 'stx':
      li |= d | sr;
      break;
    case 'atomic':
      li |= d | sr;
      if (op.op === 'cmpxchg') li |= 1;
      break;
    case 'jcond':
      li |= d;
      if (op.usesSrcReg) li |= sr;
      break;
    case 'call_helper': {
      // a known helper reads its own arguments only (compute_live_registers' call summary)
      const proto = helperProto(insn.imm);
      li = (li & ~CALLER_CLOBBER) | (proto ? ((1 << (proto.args.length + 1)) - 2) : ARGS);
      break;
    }
    case 'call_kfunc': case 'call_local': case 'callx':
      li = (li & ~CALLER_CLOBBER) | ARGS;
      break;
    case 'exit':
      li = 1;
      break;
    case 'ld_abs': case 'ld_ind':
      li = (li & ~CALLER_CLOBBER) | (1 << 6);
      if (op.kind === 'ld_ind') li |= sr;
      break;
    default:
      break;
  }
  return li | (1 << 10);
}

/**
 * Precision transfer: scalar registers before the instruction whose exact value may matter,
 * given those after it (`po`). Values flow backwards through movs, ALU operations and fills as
 * the kernel's backtrack_insn follows them. The uses that start a chain are either static
 * (helper/local-call arguments, ld_ind, returned values) or recorded by the engine while it walks
 * (`uses`: predicted branches, pointer arithmetic), as the kernel's mark_chain_precision calls.
 */
function preciseTransfer(insn: Insn, po: number, exitUsesR0: boolean): number {
  const d = 1 << insn.dst;
  const sr = 1 << insn.src;
  let pi = po;
  const op = insn.op;
  switch (op.kind) {
    case 'alu':
      if (op.usesSrcReg && po & d) pi |= sr;
      break;
    case 'mov': case 'movsx':
      pi &= ~d;
      if (op.usesSrcReg && po & d) pi |= sr;
      break;
    case 'lddw': case 'ldx': case 'ldxs':
      pi &= ~d;
      break;
    case 'atomic':
      if (op.op.startsWith('fetch_') || op.op === 'xchg') pi &= ~sr;
      if (op.op === 'cmpxchg') pi &= ~1;
      break;
    case 'call_helper': case 'call_kfunc': case 'call_local': case 'callx':
      pi = (pi & ~CALLER_CLOBBER) | ARGS;
      break;
    case 'exit':
      pi = exitUsesR0 ? 1 : 0;
      break;
    case 'ld_abs': case 'ld_ind':
      pi = pi & ~CALLER_CLOBBER;
      if (op.kind === 'ld_ind') pi |= sr;
      break;
    default:
      break;
  }
  return pi;
}

/** Static liveness (fixed point) and the initial precision relevance (worklist). */
function analyse(p: Program, exitUsesR0: (slot: number) => boolean): {
  liveIn: Uint16Array; preciseIn: Uint16Array; preciseUses: Uint16Array; succ: Int32Array[]; preds: Int32Array[];
  exitR0: Uint8Array;
} {
  const n = p.slotCount;
  const liveIn = new Uint16Array(n);
  const preciseIn = new Uint16Array(n);
  const preciseUses = new Uint16Array(n);
  const exitR0 = new Uint8Array(n);
  const succ: Int32Array[] = [];
  const predList: number[][] = Array.from({ length: n }, () => []);
  for (let s = 0; s < n; s++) {
    if (p.insnAtSlot[s] === -1) {
      succ.push(new Int32Array(0));
      continue;
    }
    const ws = successors(p, s).filter((w) => w >= 0 && w < n);
    succ.push(Int32Array.from(ws));
    for (const w of ws) predList[w]!.push(s);
    exitR0[s] = exitUsesR0(s) ? 1 : 0;
  }
  const preds = predList.map((l) => Int32Array.from(l));
  let changed = true;
  let rounds = 0;
  while (changed && rounds++ < 10000) {
    changed = false;
    for (let s = n - 1; s >= 0; s--) {
      const idx = p.insnAtSlot[s]!;
      if (idx < 0) continue;
      let lo = 0;
      for (const w of succ[s]!) lo |= liveIn[w]!;
      const li = liveTransfer(p.insns[idx]!, lo);
      if (li !== liveIn[s]) {
        liveIn[s] = li;
        changed = true;
      }
    }
  }
  const all: number[] = [];
  for (let s = n - 1; s >= 0; s--) if (p.insnAtSlot[s]! >= 0) all.push(s);
  propagatePrecise({ prog: p, preciseIn, preciseUses, succ, preds, exitR0 }, all);
  return { liveIn, preciseIn, preciseUses, succ, preds, exitR0 };
}

interface PreciseCtx {
  prog: Program;
  preciseIn: Uint16Array;
  preciseUses: Uint16Array;
  succ: Int32Array[];
  preds: Int32Array[];
  exitR0: Uint8Array;
}

function propagatePrecise(c: PreciseCtx, work: number[]): void {
  const { prog, preciseIn, preciseUses, succ, preds, exitR0 } = c;
  const queued = new Uint8Array(prog.slotCount);
  for (const s of work) queued[s] = 1;
  while (work.length) {
    const s = work.pop()!;
    queued[s] = 0;
    const idx = prog.insnAtSlot[s]!;
    if (idx < 0) continue;
    let po = 0;
    for (const w of succ[s]!) po |= preciseIn[w]!;
    const pi = preciseTransfer(prog.insns[idx]!, po, exitR0[s] === 1) | preciseUses[s]!;
    if (pi === preciseIn[s]) continue;
    preciseIn[s] = pi;
    for (const q of preds[s]!) {
      if (!queued[q]) {
        queued[q] = 1;
        work.push(q);
      }
    }
  }
}

/**
 * Records that the registers in `mask` are used at `slot` in a way that needs their exact value
 * (the kernel's mark_chain_precision there) and propagates it backwards. Returns whether
 * anything changed.
 */
export function addPreciseUse(info: CfgInfo, prog: Program, slot: number, mask: number): boolean {
  const m = mask & 0x3ff;
  if ((info.preciseUses[slot]! & m) === m) return false;
  info.preciseUses[slot] = info.preciseUses[slot]! | m;
  propagatePrecise({ prog, preciseIn: info.preciseIn, preciseUses: info.preciseUses, succ: info.succ, preds: info.preds, exitR0: info.exitR0 }, [slot]);
  return true;
}

/**
 * Stack slot liveness (single-frame programs): slots (8-byte, spi 0..63) that may be read on
 * some path from each instruction. Reads are recorded by the engine as it walks (the instruction
 * and the slots it read), then propagated backwards to every instruction that can reach it.
 * Writes do not kill: a slot is live if any later read may see it.
 */
export class StackLiveness {
  readonly lo: Uint32Array;
  readonly hi: Uint32Array;
  private readonly useLo: Uint32Array;
  private readonly useHi: Uint32Array;
  constructor(private readonly info: CfgInfo, n: number) {
    this.lo = new Uint32Array(n);
    this.hi = new Uint32Array(n);
    this.useLo = new Uint32Array(n);
    this.useHi = new Uint32Array(n);
  }
  /** Slots spi in [first, last] are read at `slot`. */
  addRead(slot: number, first: number, last: number): void {
    let ml = 0;
    let mh = 0;
    for (let spi = Math.max(0, first); spi <= Math.min(63, last); spi++) {
      if (spi < 32) ml |= 1 << spi;
      else mh |= 1 << (spi - 32);
    }
    ml >>>= 0;
    mh >>>= 0;
    if (((this.useLo[slot]! & ml) >>> 0) === ml && ((this.useHi[slot]! & mh) >>> 0) === mh) return;
    this.useLo[slot] = (this.useLo[slot]! | ml) >>> 0;
    this.useHi[slot] = (this.useHi[slot]! | mh) >>> 0;
    const work = [slot];
    const { succ, preds } = this.info;
    while (work.length) {
      const x = work.pop()!;
      let l = this.useLo[x]!;
      let h = this.useHi[x]!;
      for (const w of succ[x]!) {
        l |= this.lo[w]!;
        h |= this.hi[w]!;
      }
      l >>>= 0;
      h >>>= 0;
      if (l === this.lo[x] && h === this.hi[x]) continue;
      this.lo[x] = l;
      this.hi[x] = h;
      for (const q of preds[x]!) work.push(q);
    }
  }
  isLive(slot: number, spi: number): boolean {
    return spi < 32 ? ((this.lo[slot]! >>> spi) & 1) === 1 : ((this.hi[slot]! >>> (spi - 32)) & 1) === 1;
  }
}
