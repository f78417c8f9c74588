// Plain-text descriptions shared by the front ends: a step in words, registers old -> new, the
// stack frame's 8-byte slots with what the verifier (or the run so far) knows about them.

import type { DebugSession, StepRecord } from './session.js';

export function hex(v: bigint): string {
  return '0x' + v.toString(16);
}

/** `r0 = 0x2 -> 0x3` per changed register; every register when `all`. */
export function formatRegisters(before: readonly bigint[], after: readonly bigint[], all = false): string[] {
  const out: string[] = [];
  for (let r = 0; r < after.length; r++) {
    const b = before[r]!;
    const a = after[r]!;
    if (a !== b) out.push(`r${r} = ${hex(b)} -> ${hex(a)}`);
    else if (all) out.push(`r${r} = ${hex(a)}`);
  }
  return out;
}

function bytesText(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

/** A step in a few lines: instruction, C line, register changes, memory accesses, fault. */
export function describeStep(rec: StepRecord): string[] {
  const out: string[] = [];
  const prog = rec.program !== undefined ? `${rec.program} ` : '';
  out.push(`step ${rec.index}: ${prog}insn ${rec.pc}: ${rec.insn.llvm}    [${rec.insn.mnemonic}]`);
  if (rec.cLine) out.push(`  C: ${rec.cLine.file}:${rec.cLine.line}: ${rec.cLine.text.trim()}`);
  for (const l of formatRegisters(rec.regsBefore, rec.regsAfter)) out.push(`  ${l}`);
  for (const a of rec.accesses) {
    const where = a.region ? `${a.region}+${a.offset}` : 'unmapped';
    const by = a.by === 'helper' ? ' (by the helper)' : '';
    if (a.kind === 'read') out.push(`  read ${a.size} bytes at ${hex(a.address)} (${where})${a.bytes ? `: ${bytesText(a.bytes)}` : ''}${by}`);
    else out.push(`  wrote ${a.size} bytes at ${hex(a.address)} (${where})${a.old && a.bytes ? `: ${bytesText(a.old)} -> ${bytesText(a.bytes)}` : ''}${by}`);
  }
  if (rec.fault) out.push(`  fault: ${rec.fault.message} [${rec.fault.code}]`);
  if (rec.state === 'exited') out.push(`  exit: r0 = ${hex(rec.regsAfter[0]!)}`);
  return out;
}

export interface StackSlot {
  /** Offset from the frame pointer: -8, -16, ... -512. */
  readonly fpOff: number;
  readonly bytes: Uint8Array;
  /** Per byte: the verifier's stack byte kind (`m` data, `0` zero, `r` spilled register, `?` uninitialized) at
   * this instruction, or from the run (`w` written so far, `?` not written) when the verifier has no state here. */
  readonly kinds: string;
  readonly initialized: boolean;
}

/** The current frame's stack as 8-byte slots, deepest last; only slots in use unless `all`. */
export function stackSlots(s: DebugSession, all = false): StackSlot[] {
  const vm = s.vm;
  const frame = vm.depth;
  const region = vm.memory.regionByName(`stack${frame}`);
  if (!region) return [];
  const size = region.size;
  // What the verifier knows here (its first state at this instruction), else what the run wrote.
  let kinds: string[] | null = null;
  try {
    const st = s.options.noVerifier ? undefined : s.verifier().statesAt(s.pc)[0]?.state;
    const f = st?.frames[st.frames.length - 1];
    if (f && f.frameno === frame) {
      kinds = new Array<string>(size).fill('?');
      for (let b = 0; b < Math.min(size, f.slotTypes.length); b++) kinds[size - 1 - b] = ['?', 'r', 'm', '0'][f.slotTypes[b]!] ?? '?';
    }
  } catch {
    kinds = null;
  }
  if (!kinds) {
    kinds = new Array<string>(size).fill('?');
    for (const rec of s.history()) {
      for (const a of rec.accesses) {
        if (a.kind !== 'write' || a.region !== region.name || a.offset === null) continue;
        for (let i = 0; i < a.size; i++) if (a.offset + i < size) kinds[a.offset + i] = 'w';
      }
    }
  }
  const out: StackSlot[] = [];
  for (let off = size - 8; off >= 0; off -= 8) {
    const k = kinds.slice(off, off + 8).join('');
    const init = k !== '????????';
    const bytes = region.bytes.slice(off, off + 8);
    if (!all && !init && bytes.every((x) => x === 0)) continue;
    out.push({ fpOff: off - size, bytes, kinds: k, initialized: init });
  }
  return out;
}
