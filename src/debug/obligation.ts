// The memory-safety obligation of a load or store, with the real numbers of this run: what the
// verifier had to prove (or the runtime checks, for pointers it does not know) and whether it
// holds here, e.g. `off + size <= value_size: 304 + 8 <= 320 holds`.

import type { Insn } from '../isa/index.js';
import type { MapDef } from '../runtime/maps/def.js';
import { type ProgTypeName, progType } from '../runtime/progtypes.js';
import { memoryOperand } from '../sim/driver/run.js';
import { formatReg, type Reg, type VState } from '../verifier/index.js';
import { STACK_SIZE, type Vm } from '../vm/index.js';

export interface Obligation {
  /** What kind of memory the pointer refers to (the verifier's type, else the region's). */
  readonly target: 'map_value' | 'stack' | 'packet' | 'ctx' | 'mem' | 'region' | 'unmapped';
  readonly access: 'read' | 'write' | 'atomic';
  readonly address: bigint;
  readonly size: number;
  readonly region: string | null;
  /** The condition with the numbers filled in, e.g. `off + size <= value_size: 304 + 8 <= 320`. */
  readonly formula: string;
  readonly holds: boolean;
  /** The verifier's view of the base register here (kernel notation), when it reached this instruction. */
  readonly verifierReg: string | null;
  /** One sentence. */
  readonly text: string;
}

function innermostReg(st: VState, r: number): { reg: Reg; frameno: number } {
  const f = st.frames[st.frames.length - 1]!;
  return { reg: f.regs[r]!, frameno: f.frameno };
}

export function obligationFor(
  insn: Insn, vm: Vm, states: readonly VState[], maps: readonly MapDef[], type: ProgTypeName,
): Obligation | null {
  const op = memoryOperand(insn);
  if (!op) return null;
  const base = vm.getReg(op.base);
  const address = BigInt.asUintN(64, base + BigInt(insn.off));
  const size = insn.op.size;
  const region = vm.memory.regionAt(address) ?? null;
  const baseRegion = vm.memory.regionAt(base) ?? null;
  const st = states[0];
  const vreg = st ? innermostReg(st, op.base) : null;
  const verifierReg = vreg ? `R${op.base}=${formatReg(vreg.reg, vreg.frameno, maps)}` : null;
  const mk = (target: Obligation['target'], formula: string, holds: boolean, text: string): Obligation => ({
    target, access: op.kind, address, size, region: region?.name ?? baseRegion?.name ?? null, formula, holds, verifierReg, text,
  });
  const verdict = (h: boolean) => (h ? 'holds' : 'fails');
  const vtype = vreg?.reg.type;

  // Offsets are measured from the region the base pointer points into (an out-of-bounds address
  // may already be in another window or none).
  const home = baseRegion ?? region;
  const off = home ? Number(address - BigInt(home.base)) : null;

  if (vtype === 'map_value' && vreg) {
    const def = maps[vreg.reg.mapIdx];
    if (def && home && off !== null) {
      const stride = Math.ceil(def.valueSize / 8) * 8;
      // the element the base pointer points into
      const baseOff = Number(BigInt.asUintN(64, base) - BigInt(home.base));
      const elem = baseOff >= 0 ? Math.floor(baseOff / stride) : 0;
      const inValue = off - elem * stride;
      const h = inValue >= 0 && inValue + size <= def.valueSize;
      return mk('map_value', `off + size <= value_size: ${inValue} + ${size} <= ${def.valueSize} ${verdict(h)}`, h,
        `${op.kind} of ${size} bytes at offset ${inValue} of a value of map ${def.name} (value_size ${def.valueSize})`);
    }
  }
  if ((vtype === 'fp' || (!vtype && home?.name.startsWith('stack'))) && home && off !== null) {
    const fpOff = off - STACK_SIZE;
    const h = fpOff >= -STACK_SIZE && fpOff + size <= 0;
    return mk('stack', `-512 <= off, off + size <= 0: off = ${fpOff}, ${fpOff} + ${size} <= 0 ${verdict(h)}`, h,
      `${op.kind} of ${size} bytes at fp${fpOff} (${home.name})`);
  }
  if ((vtype === 'pkt' || vtype === 'pkt_meta' || (!vtype && home?.name === 'packet')) && home && off !== null) {
    const ctx = vm.memory.regionByName('ctx');
    if (ctx && type === 'xdp') {
      const v = new DataView(ctx.bytes.buffer, ctx.bytes.byteOffset, ctx.bytes.byteLength);
      const data = v.getUint32(0, true);
      const dataEnd = v.getUint32(4, true);
      const pktOff = Number(address) - data;
      const len = dataEnd - data;
      const h = pktOff >= 0 && pktOff + size <= len;
      const range = vreg && (vtype === 'pkt' || vtype === 'pkt_meta')
        ? `; the verifier proved r=${vreg.reg.range} bytes from off=${vreg.reg.off}: ${vreg.reg.off + insn.off} + ${size} <= ${vreg.reg.range} ${verdict(vreg.reg.off + insn.off + size <= vreg.reg.range)}`
        : '';
      return mk('packet', `data + off + size <= data_end: off = ${pktOff}, ${pktOff} + ${size} <= ${len} ${verdict(h)}${range}`, h,
        `${op.kind} of ${size} bytes at packet offset ${pktOff} (packet length ${len})`);
    }
    const h = off >= 0 && off + size <= home.size;
    return mk('packet', `off + size <= packet length: ${off} + ${size} <= ${home.size} ${verdict(h)}`, h,
      `${op.kind} of ${size} bytes at packet offset ${off}`);
  }
  if ((vtype === 'ctx' || (!vtype && home?.name === 'ctx')) && home && off !== null) {
    const pt = progType(type);
    const field = pt?.fields.find((f) => off >= f.off && off + size <= f.off + f.size);
    const h = field !== undefined && off + size <= home.size && (op.kind === 'read' ? true : field.writeSizes.includes(size));
    const fname = field ? `${pt!.ctxStruct}.${field.name}` : `no ${pt?.ctxStruct ?? 'context'} field covers it`;
    return mk('ctx', `a ${op.kind === 'read' ? 'readable' : 'writable'} context field at off ${off} size ${size}: ${fname} ${verdict(h)}`, h,
      `${op.kind} of ${size} bytes at context offset ${off}`);
  }
  if ((vtype === 'mem' || (!vtype && home?.name === 'mem')) && home && off !== null) {
    const memSize = vreg && vtype === 'mem' ? vreg.reg.memSize : home.size;
    const h = off >= 0 && off + size <= memSize;
    return mk('mem', `off + size <= mem_size: ${off} + ${size} <= ${memSize} ${verdict(h)}`, h,
      `${op.kind} of ${size} bytes at offset ${off} of the input memory`);
  }
  if (home && off !== null) {
    const h = off >= 0 && off + size <= home.size;
    return mk('region', `off + size <= size of ${home.name}: ${off} + ${size} <= ${home.size} ${verdict(h)}`, h,
      `${op.kind} of ${size} bytes at offset ${off} of ${home.name}`);
  }
  return mk('unmapped', `address 0x${address.toString(16)} is in no mapped region`, false,
    `${op.kind} of ${size} bytes at 0x${address.toString(16)}, where nothing is mapped`);
}
