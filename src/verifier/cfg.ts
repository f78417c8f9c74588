// Control-flow checks done before abstract execution (the kernel's check_subprogs and check_cfg),
// prune points, and two static backward analyses used by state pruning: register liveness and
// "precision relevance" (which scalar registers may flow into a check whose outcome depends on
// their exact value: a conditional jump, pointer arithmetic, a helper argument or a return value).

import type { Insn, Program } from '../isa/encoding.js';

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
    if (!isLocalCall) continue;
    if (!privileged) {
      return { ok: false, error: { pc: slot, code: 'E_VERIFIER_PRIVILEGE', message: 'loading/calling other bpf or kernel functions are allowed for CAP_BPF and CAP_SYS_ADMIN' } };
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
  const { liveIn, preciseIn } = analyse(p, (s) => mainExitChecksR0 || subprogOf[s] !== 0);
  return { ok: true, info: { subprogs, subprogOf, pruneAt, liveIn, preciseIn } };
}

const ARGS = 0b111110; // r1-r5
const CALLER_CLOBBER = 0b111111; // r0-r5

/** Backward fixed point for liveness and precision relevance. */
function analyse(p: Program, exitUsesR0: (slot: number) => boolean): { liveIn: Uint16Array; preciseIn: Uint16Array } {
  const n = p.slotCount;
  const liveIn = new Uint16Array(n);
  const preciseIn = new Uint16Array(n);
  const succ: number[][] = [];
  for (let s = 0; s < n; s++) {
    if (p.insnAtSlot[s] === -1) {
      succ.push([]);
      continue;
    }
    succ.push(successors(p, s).filter((w) => w >= 0 && w < n));
  }
  // Which subprogram starts are entered by calls: exits there return r0 to a caller.
  const subEntry = new Set<number>();
  for (let i = 0; i < p.insns.length; i++) {
    const insn = p.insns[i]!;
    if (insn.op.kind === 'call_local') subEntry.add(p.slotOf[i]! + 1 + insn.imm);
  }
  let changed = true;
  let rounds = 0;
  while (changed && rounds++ < 10000) {
    changed = false;
    for (let s = n - 1; s >= 0; s--) {
      const idx = p.insnAtSlot[s]!;
      if (idx < 0) continue;
      const insn = p.insns[idx]!;
      let lo = 0;
      let po = 0;
      for (const w of succ[s]!) {
        lo |= liveIn[w]!;
        po |= preciseIn[w]!;
      }
      const d = 1 << insn.dst;
      const sr = 1 << insn.src;
      let li = lo;
      let pi = po;
      const op = insn.op;
      switch (op.kind) {
        case 'alu':
          if (op.usesSrcReg) {
            li |= d | sr;
            if (op.op === 'add' || op.op === 'sub') pi |= d | sr; // possible pointer arithmetic
            else if (po & d) pi |= sr;
          } else {
            li |= d;
          }
          break;
        case 'neg': case 'end':
          li |= d;
          break;
        case 'mov': case 'movsx':
          li &= ~d;
          pi &= ~d;
          if (op.usesSrcReg) {
            li |= sr;
            if (po & d) pi |= sr;
          }
          break;
        case 'lddw':
          li &= ~d;
          pi &= ~d;
          break;
        case 'ldx': case 'ldxs':
          li &= ~d;
          pi &= ~d;
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
          if (op.op.startsWith('fetch_') || op.op === 'xchg') pi &= ~sr;
          if (op.op === 'cmpxchg') pi &= ~1;
          break;
        case 'jcond':
          li |= d;
          pi |= d;
          if (op.usesSrcReg) {
            li |= sr;
            pi |= sr;
          }
          break;
        case 'call_helper': case 'call_kfunc': case 'call_local': case 'callx':
          li = (li & ~CALLER_CLOBBER) | ARGS;
          pi = (pi & ~CALLER_CLOBBER) | ARGS;
          break;
        case 'exit': {
          li = 1;
          pi = exitUsesR0(s) ? 1 : 0;
          break;
        }
        case 'ld_abs': case 'ld_ind':
          li = (li & ~CALLER_CLOBBER) | (1 << 6);
          pi = pi & ~CALLER_CLOBBER;
          if (op.kind === 'ld_ind') {
            li |= sr;
            pi |= sr;
          }
          break;
        default:
          break;
      }
      li |= 1 << 10;
      if (li !== liveIn[s] || pi !== preciseIn[s]) {
        liveIn[s] = li;
        preciseIn[s] = pi;
        changed = true;
      }
    }
  }
  void subEntry;
  return { liveIn, preciseIn };
}
