// Decoder, encoder and field validation, all driven by the rows of `OPS`.

import { type Diagnostic, type Result, fail, ok } from '../util/diagnostics.js';
import { type FieldRule, type OpSpec, OPS_BY_OPCODE } from './opcodes.js';

export const SLOT_SIZE = 8;
export const MAX_REG = 10;

/** One instruction; an lddw spans two slots and carries the second slot's immediate in `imm2`. */
export interface Insn {
  readonly op: OpSpec;
  readonly dst: number;
  readonly src: number;
  readonly off: number;
  /** s32 immediate of the first slot (low half of lddw's 64-bit value). */
  readonly imm: number;
  /** s32 immediate of lddw's second slot (high half); 0 for one-slot instructions. */
  readonly imm2: number;
}

/** A decoded program: instructions in order, and the slot each one starts at. */
export interface Program {
  readonly insns: readonly Insn[];
  /** Slot index of each instruction (jump offsets and the interpreter count slots). */
  readonly slotOf: readonly number[];
  /** Instruction index starting at each slot, or -1 for the second slot of an lddw. */
  readonly insnAtSlot: readonly number[];
  readonly slotCount: number;
}

/** Raw fields of one slot. */
export interface RawSlot {
  opcode: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

export function readSlot(bytes: Uint8Array, slot: number): RawSlot {
  const p = slot * SLOT_SIZE;
  const regs = bytes[p + 1]!;
  return {
    opcode: bytes[p]!,
    dst: regs & 0x0f,
    src: regs >> 4,
    off: ((bytes[p + 2]! | (bytes[p + 3]! << 8)) << 16) >> 16,
    imm: bytes[p + 4]! | (bytes[p + 5]! << 8) | (bytes[p + 6]! << 16) | (bytes[p + 7]! << 24),
  };
}

function writeSlot(out: Uint8Array, slot: number, s: RawSlot): void {
  const p = slot * SLOT_SIZE;
  out[p] = s.opcode;
  out[p + 1] = (s.dst & 0x0f) | ((s.src & 0x0f) << 4);
  out[p + 2] = s.off & 0xff;
  out[p + 3] = (s.off >> 8) & 0xff;
  out[p + 4] = s.imm & 0xff;
  out[p + 5] = (s.imm >> 8) & 0xff;
  out[p + 6] = (s.imm >> 16) & 0xff;
  out[p + 7] = (s.imm >>> 24) & 0xff;
}

function ruleAccepts(rule: FieldRule, v: number): boolean {
  if (rule === 'zero') return v === 0;
  if (rule === 'reg') return v >= 0 && v <= MAX_REG;
  if (rule === 'any') return true;
  return v === rule.eq;
}

const FIELDS = ['src', 'off', 'imm'] as const;

function hex(v: number, digits = 2): string {
  return '0x' + (v >>> 0).toString(16).padStart(digits, '0');
}

/**
 * Finds the row for a slot's fields, or explains which field is wrong. Rows sharing an opcode are
 * told apart by their fixed (`{eq}`) fields; the remaining rules then validate unused fields.
 */
export function matchOp(s: RawSlot, insn: number): Result<OpSpec> {
  const candidates = OPS_BY_OPCODE[s.opcode] ?? [];
  if (candidates.length === 0) {
    return fail([{ code: 'E_UNKNOWN_OPCODE', insn, field: 'opcode', message: `unknown opcode ${hex(s.opcode)}` }]);
  }
  const selected = candidates.filter((o) =>
    FIELDS.every((f) => typeof o[f] !== 'object' || ruleAccepts(o[f], s[f])),
  );
  if (selected.length === 0) {
    // Name the selector field that no row accepts (e.g. off=2 on div, imm=0x12 on an atomic).
    const o = candidates[0]!;
    const f = FIELDS.find((x) => typeof o[x] === 'object')!;
    const allowed = candidates.map((c) => (c[f] as { eq: number }).eq).join(', ');
    return fail([{
      code: 'E_BAD_FIELD', insn, field: f,
      message: `opcode ${hex(s.opcode)} (${o.op}) does not allow ${f}=${s[f]}; valid values: ${allowed}`,
    }]);
  }
  const op = selected[0]!;
  const errors: Diagnostic[] = [];
  for (const f of ['dst', 'src', 'off', 'imm'] as const) {
    const rule = op[f];
    const v = s[f];
    if (ruleAccepts(rule, v)) continue;
    if (rule === 'reg') {
      errors.push({ code: 'E_BAD_REGISTER', insn, field: f, message: `${op.name}: ${f} register r${v} does not exist (r0-r10)` });
    } else {
      errors.push({ code: 'E_UNUSED_FIELD', insn, field: f, message: `${op.name}: unused field ${f} must be 0, is ${v}` });
    }
  }
  return errors.length ? fail(errors) : ok(op);
}

/** Decodes little-endian bytecode, validating every field. All errors are reported. */
export function decode(bytes: Uint8Array): Result<Program> {
  const errors: Diagnostic[] = [];
  if (bytes.length % SLOT_SIZE !== 0) {
    errors.push({
      code: 'E_TRUNCATED', insn: Math.floor(bytes.length / SLOT_SIZE),
      message: `program is ${bytes.length} bytes, not a multiple of ${SLOT_SIZE}: the last instruction is truncated`,
    });
  }
  const slotCount = Math.floor(bytes.length / SLOT_SIZE);
  const insns: Insn[] = [];
  const slotOf: number[] = [];
  const insnAtSlot: number[] = new Array<number>(slotCount).fill(-1);
  for (let slot = 0; slot < slotCount; slot++) {
    const s = readSlot(bytes, slot);
    const m = matchOp(s, slot);
    if (!m.ok) {
      errors.push(...m.errors);
      continue;
    }
    const op = m.value;
    let imm2 = 0;
    if (op.slots === 2) {
      if (slot + 1 >= slotCount) {
        errors.push({ code: 'E_LDDW_TRUNCATED', insn: slot, field: 'opcode', message: 'lddw is missing its second slot' });
        continue;
      }
      const t = readSlot(bytes, slot + 1);
      for (const f of ['opcode', 'dst', 'src', 'off'] as const) {
        if (t[f] !== 0) {
          errors.push({
            code: 'E_LDDW_SECOND_SLOT', insn: slot + 1, field: f,
            message: `second slot of lddw must have ${f} 0, has ${f === 'opcode' ? hex(t[f]) : t[f]}`,
          });
        }
      }
      imm2 = t.imm;
    }
    insnAtSlot[slot] = insns.length;
    slotOf.push(slot);
    insns.push({ op, dst: s.dst, src: s.src, off: s.off, imm: s.imm, imm2 });
    if (op.slots === 2) slot++;
  }
  if (errors.length) return fail(errors);
  if (slotCount === 0) return fail([{ code: 'E_EMPTY', message: 'program has no instructions' }]);
  return ok({ insns, slotOf, insnAtSlot, slotCount });
}

/** Encodes instructions to bytes (fields are written as given; use `validateInsn` first). */
export function encode(insns: readonly Insn[]): Uint8Array {
  const slots = insns.reduce((n, i) => n + i.op.slots, 0);
  const out = new Uint8Array(slots * SLOT_SIZE);
  let slot = 0;
  for (const i of insns) {
    writeSlot(out, slot, { opcode: i.op.opcode, dst: i.dst, src: i.src, off: i.off, imm: i.imm });
    if (i.op.slots === 2) writeSlot(out, slot + 1, { opcode: 0, dst: 0, src: 0, off: 0, imm: i.imm2 });
    slot += i.op.slots;
  }
  return out;
}

/** Builds an instruction for `op`, filling selector fields from the row and the rest from `f`. */
export function makeInsn(op: OpSpec, f: Partial<Omit<Insn, 'op'>> = {}): Insn {
  const pick = (rule: FieldRule, v: number | undefined): number => (typeof rule === 'object' ? rule.eq : v ?? 0);
  return {
    op,
    dst: pick(op.dst, f.dst),
    src: pick(op.src, f.src),
    off: pick(op.off, f.off),
    imm: pick(op.imm, f.imm),
    imm2: f.imm2 ?? 0,
  };
}

/** Program layout from a list of instructions (slot numbering). */
export function layout(insns: readonly Insn[]): Program {
  const slotOf: number[] = [];
  const insnAtSlot: number[] = [];
  let slot = 0;
  insns.forEach((i, n) => {
    slotOf.push(slot);
    insnAtSlot.push(n);
    if (i.op.slots === 2) insnAtSlot.push(-1);
    slot += i.op.slots;
  });
  return { insns, slotOf, insnAtSlot, slotCount: slot };
}

/** The 64-bit immediate of an lddw as an unsigned BigInt (not for hot paths). */
export function imm64(i: Insn): bigint {
  return (BigInt(i.imm2 >>> 0) << 32n) | BigInt(i.imm >>> 0);
}
