// Kernel-notation printing: instruction lines as the Linux verifier log prints them (derived by
// post-processing the opcode table's pseudo-C rendering, so there is no second opcode list), and
// register / stack state as print_verifier_state prints it.

import { formatInsn } from '../asm/index.js';
import type { Insn } from '../isa/encoding.js';
import { helperLogName } from '../runtime/helpers.js';
import { formatScalar, formatScalarWith } from './scalar.js';
import type { FuncState, Reg, VState } from './state.js';
import { STACK_CHAR, regTypeStr } from './state.js';

const U16_MAX = 0xffffn;

/** verbose_unum: decimal up to U16_MAX, else hex. */
export function unum(v: bigint): string {
  const u = BigInt.asUintN(64, v);
  return u <= U16_MAX ? u.toString() : '0x' + u.toString(16);
}

/** verbose_snum: decimal within s16, else hex of the u64 pattern. */
export function snum(v: bigint): string {
  const s = BigInt.asIntN(64, v);
  return s >= -32768n && s <= 32767n ? s.toString() : '0x' + BigInt.asUintN(64, s).toString(16);
}

/** Fake kernel address the log prints for a map pointer loaded by lddw. */
export function mapAddress(idx: number): bigint {
  return 0xffff888100000000n + BigInt(idx) * 0x1000n;
}

/** `(61) r2 = *(u32 *)(r1 +4)` — the kernel's print_bpf_insn form. */
export function kernelInsnText(insn: Insn, mapIdx?: (insn: Insn) => number | null): string {
  const op = insn.op;
  const code = '(' + op.opcode.toString(16).padStart(2, '0') + ') ';
  let t: string;
  try {
    t = formatInsn(insn, 'llvm');
  } catch {
    t = op.name;
  }
  t = t.replace(/\((r\d+) \+ (-?\d+)\)/g, '($1 +$2)').replace(/\((r\d+) - (\d+)\)/g, '($1 -$2)');
  switch (op.kind) {
    case 'jcond': {
      const target = `pc${insn.off >= 0 ? '+' : ''}${insn.off}`;
      if (!op.usesSrcReg) {
        t = t.replace(/^(if \S+ \S+) (\S+) goto .*$/, `$1 0x${(insn.imm >>> 0).toString(16)} goto ${target}`);
      } else {
        t = t.replace(/goto .*$/, `goto ${target}`);
      }
      break;
    }
    case 'ja':
      t = `goto pc${insn.off >= 0 ? '+' : ''}${insn.off}`;
      break;
    case 'ja32':
      t = `gotol pc${insn.imm >= 0 ? '+' : ''}${insn.imm}`;
      break;
    case 'call_helper':
      t = `call ${helperLogName(insn.imm)}`;
      break;
    case 'call_local':
      t = `call pc${insn.imm >= 0 ? '+' : ''}${insn.imm}`;
      break;
    case 'lddw': {
      const m = mapIdx ? mapIdx(insn) : null;
      let v: bigint;
      if (insn.src === 0) v = (BigInt(insn.imm2 >>> 0) << 32n) | BigInt(insn.imm >>> 0);
      else if (m !== null && (insn.src === 1 || insn.src === 5)) v = mapAddress(m);
      else if (m !== null) v = mapAddress(m) + BigInt(insn.imm2 >>> 0) + 0x100n;
      else v = (BigInt(insn.imm2 >>> 0) << 32n) | BigInt(insn.imm >>> 0);
      t = `r${insn.dst} = 0x${v.toString(16)}`;
      break;
    }
    default:
      break;
  }
  return code + t;
}

/** print_reg_state: one register's value in kernel notation (without the `R1=` prefix). */
export function formatReg(reg: Reg, frameno: number, maps: readonly { name: string; keySize: number; valueSize: number }[]): string {
  if (reg.type === 'scalar') {
    // BPF_ADD_CONST (1 << 30): `id=4+5` for a copy that was adjusted by `+= 5`
    if (reg.id & (1 << 30)) return formatScalarWith(reg.v, { id: reg.id & ~(1 << 30), addConst: reg.off });
    return formatScalar(reg.v, reg.id);
  }
  let out = regTypeStr(reg.type);
  const isConst = reg.v.var.mask === 0n;
  if (reg.type === 'fp') {
    if (reg.frameno !== frameno) out += `[${reg.frameno}]`;
    if (isConst) return out + snum(BigInt.asIntN(64, reg.v.var.value) + BigInt(reg.off));
  }
  const parts: string[] = [];
  if (reg.id) parts.push(`id=${reg.id}`);
  if (reg.ref) parts.push(`ref_obj_id=${reg.ref}`);
  if (reg.type === 'map_ptr' || reg.type === 'map_value' || reg.type === 'map_value_or_null') {
    const m = maps[reg.mapIdx];
    if (m) {
      if (m.name) parts.push(`map=${m.name}`);
      parts.push(`ks=${m.keySize},vs=${m.valueSize}`);
    }
  }
  if (reg.off) parts.push(`off=${snum(BigInt(reg.off))}`);
  if (reg.type === 'pkt' || reg.type === 'pkt_meta') parts.push(`r=${unum(BigInt(reg.range))}`);
  if (reg.type === 'mem' || reg.type === 'ringbuf_mem' || reg.type === 'ringbuf_mem_or_null') {
    parts.push(`sz=${unum(BigInt(reg.memSize))}`);
  }
  if (isConst) {
    if (reg.v.var.value) parts.push(`imm=${snum(reg.v.var.value)}`);
  } else {
    // The scalar domain prints ranges as `scalar(...)`: reuse its inner part for the variable offset.
    const s = formatScalar(reg.v);
    const m = /^scalar\((.*)\)$/.exec(s);
    if (m && m[1]) parts.push(m[1]);
  }
  return `${out}(${parts.join(',')})`;
}

/** print_verifier_state: ` R1=ctx() R10=fp0 fp-8=mmmm????` for all or only the scratched entries. */
export function formatState(
  st: VState, frameIdx: number, maps: readonly { name: string; keySize: number; valueSize: number }[],
  scratch: { regs: number; stack: Set<number> } | null,
): string {
  const f: FuncState = st.frames[frameIdx]!;
  let out = '';
  if (f.frameno) out += ` frame${f.frameno}:`;
  for (let i = 0; i < 11; i++) {
    const r = f.regs[i]!;
    if (r.type === 'not_init') continue;
    if (scratch && !(scratch.regs & (1 << i))) continue;
    out += ` R${i}=${formatReg(r, f.frameno, maps)}`;
  }
  const nslots = f.allocated >> 3;
  for (let spi = 0; spi < nslots; spi++) {
    if (scratch && !scratch.stack.has(spi)) continue;
    const types = Array.from(f.slotTypes.subarray(spi * 8, spi * 8 + 8));
    if (types.every((t) => t === 0)) continue;
    let buf = types.map((t) => STACK_CHAR[t]).join('');
    if (types[7] === 1) {
      const j = types.indexOf(1);
      buf = buf.slice(0, j);
      out += ` fp${(-spi - 1) * 8}=${buf}${formatReg(f.spilled[spi]!, f.frameno, maps)}`;
    } else {
      out += ` fp${(-spi - 1) * 8}=${buf}`;
    }
  }
  if (st.refs.length) out += ` refs=${st.refs.map((r) => r.id).join(',')}`;
  if (f.inCallback) out += ' cb';
  return out;
}

/** Padding the kernel puts between an instruction line and its `; state` suffix. */
export function alignTo(lineLen: number): number {
  const pos = lineLen + 1;
  const w = Math.ceil(Math.max(pos + 4, 40) / 8) * 8 - pos - 1;
  return w;
}
