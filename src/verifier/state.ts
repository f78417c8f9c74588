// The verifier's abstract machine state: registers (type + fixed offset + variable part + ids),
// per-frame 512-byte stacks with per-byte slot types and 8-byte spill slots, and call frames.

import { type ScalarValue, scalarConst, scalarEquals, scalarUnknown } from './scalar.js';

export type RegType =
  | 'not_init' | 'scalar' | 'ctx' | 'fp' | 'map_value' | 'map_value_or_null' | 'map_ptr'
  | 'pkt' | 'pkt_meta' | 'pkt_end' | 'mem'
  // PTR_TO_MEM | MEM_RINGBUF (| PTR_MAYBE_NULL): a ring buffer record from bpf_ringbuf_reserve
  | 'ringbuf_mem' | 'ringbuf_mem_or_null'
  // PTR_TO_FUNC: a callback loaded with lddw src=4 (BPF_PSEUDO_FUNC)
  | 'func';

export interface Reg {
  type: RegType;
  /** Scalar value, or the variable part of a pointer's offset. */
  v: ScalarValue;
  /** Fixed part of a pointer's offset. */
  off: number;
  /** Shared by copies: null checks (map_value_or_null), packet ranges, linked scalars. */
  id: number;
  /** Packet pointers: bytes proven readable from the pointer's fixed offset (negative: at/beyond end). */
  range: number;
  /** Index into the map definitions for map_ptr / map_value(_or_null). */
  mapIdx: number;
  /** PTR_TO_MEM region size. */
  memSize: number;
  /** Frame a stack pointer points into. */
  frameno: number;
  /** ref_obj_id: the acquired reference (ringbuf record) this pointer belongs to, 0 for none. */
  ref: number;
  /** PTR_TO_FUNC: first instruction of the callback. */
  subprog: number;
}

/** An acquired reference (bpf_reference_state): released by submit/discard, checked at exit. */
export interface RefState {
  readonly id: number;
  /** Instruction that acquired it (`alloc_insn=` in the leak message). */
  readonly insn: number;
}

/** Stack byte types, as the kernel's STACK_* values. */
export const STACK_INVALID = 0;
export const STACK_SPILL = 1;
export const STACK_MISC = 2;
export const STACK_ZERO = 3;
export const STACK_CHAR = ['?', 'r', 'm', '0'] as const;

export const MAX_STACK = 512;
export const MAX_FRAMES = 8;

export interface FuncState {
  frameno: number;
  /** Instruction index of the call that created this frame (-1 for the main frame). */
  callsite: number;
  /** First instruction of the subprogram. */
  subprog: number;
  regs: Reg[];
  /** Byte b describes the stack byte at fp-(b+1); spill slot spi covers bytes 8*spi..8*spi+7. */
  slotTypes: Uint8Array;
  spilled: Reg[];
  /** Bytes of stack in use (multiple of 8). */
  allocated: number;
  /** A bpf_loop callback frame: returns to the call instruction, R0 must be in [0, 1]. */
  inCallback: boolean;
  /** callback_depth: callback visits started from this frame's current callback-calling insn. */
  callbackDepth: number;
  /** slotTypes may be shared with a copy of this frame: copy it before writing (writableSlots). */
  cow: boolean;
}

export interface VState {
  frames: FuncState[];
  /** Instruction index this state is at (for cached states). */
  pc: number;
  /** Checkpoint parent (for branch counting and precision). */
  parent: Checkpoint | null;
  /** Acquired references not yet released (shared by all frames, as in the kernel). */
  refs: RefState[];
  /** callback_unroll_depth: callback visits this state went through (infinite-loop check). */
  unroll: number;
}

export interface Checkpoint {
  state: VState;
  pc: number;
  branches: number;
  hit: number;
  miss: number;
  /** Frame callsites chain key. */
  key: string | number;
  /** Evicted from its list while still being explored (counts until its branches are done). */
  evicted?: boolean;
}

let UNKNOWN: ScalarValue | null = null;
let ZERO: ScalarValue | null = null;

export function unknownScalar(): ScalarValue {
  return (UNKNOWN ??= scalarUnknown());
}
export function zeroScalar(): ScalarValue {
  return (ZERO ??= scalarConst(0n));
}

export function notInit(): Reg {
  return { type: 'not_init', v: zeroScalar(), off: 0, id: 0, range: 0, mapIdx: -1, memSize: 0, frameno: 0, ref: 0, subprog: 0 };
}
export function scalarReg(v: ScalarValue): Reg {
  return { type: 'scalar', v, off: 0, id: 0, range: 0, mapIdx: -1, memSize: 0, frameno: 0, ref: 0, subprog: 0 };
}
export function ptrReg(type: RegType, extra: Partial<Reg> = {}): Reg {
  return {
    type, v: extra.v ?? zeroScalar(), off: extra.off ?? 0, id: extra.id ?? 0, range: extra.range ?? 0,
    mapIdx: extra.mapIdx ?? -1, memSize: extra.memSize ?? 0, frameno: extra.frameno ?? 0, ref: extra.ref ?? 0,
    subprog: extra.subprog ?? 0,
  };
}

/** A copy with the same object shape as every other register (fast property access). */
export function cloneReg(r: Reg): Reg {
  return {
    type: r.type, v: r.v, off: r.off, id: r.id, range: r.range, mapIdx: r.mapIdx, memSize: r.memSize,
    frameno: r.frameno, ref: r.ref, subprog: r.subprog,
  };
}

export function newFrame(frameno: number, callsite: number, subprog: number): FuncState {
  const regs: Reg[] = [];
  for (let i = 0; i < 11; i++) regs.push(notInit());
  regs[10] = ptrReg('fp', { frameno });
  return {
    frameno, callsite, subprog, regs, slotTypes: new Uint8Array(MAX_STACK), spilled: [], allocated: 0, cow: false,
    inCallback: false, callbackDepth: 0,
  };
}

export function cloneFrame(f: FuncState): FuncState {
  const regs: Reg[] = new Array<Reg>(11);
  for (let i = 0; i < 11; i++) regs[i] = cloneReg(f.regs[i]!);
  const spilled: Reg[] = [];
  const sp = f.spilled;
  for (let i = 0; i < sp.length; i++) {
    const r = sp[i];
    if (r) spilled[i] = cloneReg(r);
  }
  // the slot types are shared copy-on-write: both frames copy them before their next write
  f.cow = true;
  return {
    frameno: f.frameno, callsite: f.callsite, subprog: f.subprog,
    regs,
    slotTypes: f.slotTypes,
    spilled,
    allocated: f.allocated,
    cow: true,
    inCallback: f.inCallback,
    callbackDepth: f.callbackDepth,
  };
}

/** The frame's slot types, made private to it first if they are shared. */
export function writableSlots(f: FuncState): Uint8Array {
  if (f.cow) {
    f.slotTypes = f.slotTypes.slice();
    f.cow = false;
  }
  return f.slotTypes;
}

export function cloneState(s: VState): VState {
  return { frames: s.frames.map(cloneFrame), pc: s.pc, parent: s.parent, refs: s.refs, unroll: s.unroll };
}

export function isPointer(r: Reg): boolean {
  return r.type !== 'scalar' && r.type !== 'not_init';
}

export function isPktPointer(r: Reg): boolean {
  return r.type === 'pkt' || r.type === 'pkt_meta';
}

/** reg_type_str for the types bpfbox models. */
export function regTypeStr(t: RegType): string {
  switch (t) {
    case 'not_init': return '?';
    case 'scalar': return 'scalar';
    case 'ctx': return 'ctx';
    case 'fp': return 'fp';
    case 'map_value': return 'map_value';
    case 'map_value_or_null': return 'map_value_or_null';
    case 'map_ptr': return 'map_ptr';
    case 'pkt': return 'pkt';
    case 'pkt_meta': return 'pkt_meta';
    case 'pkt_end': return 'pkt_end';
    case 'mem': return 'mem';
    case 'ringbuf_mem': return 'ringbuf_mem';
    case 'ringbuf_mem_or_null': return 'ringbuf_mem_or_null';
    case 'func': return 'func';
  }
}

/** Every register and spilled register of every frame (bpf_for_each_reg_in_vstate). */
export function forEachReg(s: VState, fn: (r: Reg, frame: FuncState) => void): void {
  for (const f of s.frames) {
    for (const r of f.regs) fn(r, f);
    for (let spi = 0; spi < f.spilled.length; spi++) {
      const r = f.spilled[spi];
      if (r && f.slotTypes[spi * 8 + 7] === STACK_SPILL) fn(r, f);
    }
  }
}

export function regsExactlyEqual(a: Reg, b: Reg): boolean {
  return a.type === b.type && a.off === b.off && a.id === b.id && a.range === b.range && a.mapIdx === b.mapIdx &&
    a.memSize === b.memSize && a.frameno === b.frameno && a.ref === b.ref && a.subprog === b.subprog &&
    scalarEquals(a.v, b.v);
}
