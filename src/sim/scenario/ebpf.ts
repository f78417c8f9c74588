// eBPF mode of the miniature (design B.d): the same storyline three ways.
//   E0  the v1 interpreter (driver build) is rejected at install by the verifier;
//   E1  content compiled to straight-line bytecode: the bad update is rejected at load, the host
//       keeps its old content;
//   E2  the v2 interpreter (bounds check) runs the bad content without crashing, counts the
//       error, and the on-host dry run refuses the update.

import { type AssembledProgram, assemble, formatInsn } from '../../asm/index.js';
import type { MapDef } from '../../runtime/maps/def.js';
import { verify } from '../../verifier/index.js';
import { runSandbox } from '../compare/index.js';
import { type ChannelFile, OP, OP_NAMES, criterionOffset, decode, encode, versionName } from './bcf1.js';
import { contentVersion } from './content.js';
import { DEFAULT_EVENT, type IpcEvent, inlineInputs, sensorIntegration, syntheticEvent } from './ipc.js';
import { CONTENT_MAP_SIZE, loadInterpreter, mapValue, verifyInterpreter } from './programs.js';

const CHANNEL = 'C-00000291';

// ---- E0 ------------------------------------------------------------------------------------------

export interface E0Result {
  readonly build: 'v1';
  readonly accepted: boolean;
  readonly pc: number | null;
  readonly insn: string | null;
  readonly message: string | null;
  /** `insn 24: invalid access to map value, ...` */
  readonly line: string | null;
  /** The v2 build passes. */
  readonly v2Accepted: boolean;
  readonly v2Processed: number;
  /**
   * The second objection: the same v1 bytecode with an input array large enough for every f
   * (2048 bytes) still fails, at insn 25, because the loaded "pointer" is a scalar.
   */
  readonly scalarDeref: { readonly pc: number | null; readonly message: string | null };
}

export function runE0(): E0Result {
  const v1 = loadInterpreter('v1');
  const v = verifyInterpreter('v1');
  const v2 = verifyInterpreter('v2');
  const pc = v.error?.pc ?? null;
  const insn = pc !== null ? v1.asm.program.insns[v1.asm.program.insnAtSlot[pc]!] : undefined;
  const message = v.error?.message ?? null;
  const bigger = v1.maps.map((m) => (m.name === 'ipc_inputs' ? { ...m, valueSize: 2048 } : m));
  const second = verify(v1.asm.program, { progType: 'socket_filter', maps: bigger });
  return {
    scalarDeref: { pc: second.error?.pc ?? null, message: second.error?.message ?? null },
    build: 'v1', accepted: v.accepted, pc, insn: insn ? formatInsn(insn) : null, message,
    line: pc !== null && message ? `insn ${pc}: ${message.split('\n').join('\n         ')}` : null,
    v2Accepted: v2.accepted, v2Processed: v2.stats.processedInsns,
  };
}

export function formatE0(e: E0Result): string {
  return [
    'E0  the latent bug cannot ship (RCA findings 1-2: day 0, not day 142)',
    `    install interpreter v1 (driver build) into the sandbox: ${e.accepted ? 'ACCEPTED (unexpected)' : 'REJECTED by the verifier'}`,
    ...(e.line ? [`    ${e.line}`, `    at: ${e.insn}  (reads inputs[f] with f up to 254: the index is not checked against the 20 inputs)`] : []),
    ...(e.scalarDeref.pc !== null ? [`    even with room for every f, insn ${e.scalarDeref.pc}: ${e.scalarDeref.message}  (a loaded value is no pointer: eBPF cannot chase raw kernel pointers)`] : []),
    `    interpreter v2 (bounds check at insn 20): ${e.v2Accepted ? `accepted (${e.v2Processed} instructions explored)` : 'rejected'}`,
    '    lesson: the verifier forces the bounds check before the first release, long before any content uses field 21',
  ].join('\n');
}

// ---- E1: the content compiler --------------------------------------------------------------------

export interface CriterionOrigin {
  readonly instanceIndex: number;
  readonly instanceId: number;
  /** 0-based criterion position (= input field index). */
  readonly criterion: number;
  readonly fileOffset: number;
  readonly text: string;
}

export interface CompiledContent {
  readonly version: string;
  readonly source: string;
  readonly asm: AssembledProgram;
  readonly maps: readonly MapDef[];
  /** The criterion an instruction was compiled from, by slot. */
  origin(pc: number): CriterionOrigin | null;
}

export const COMPILED_MAPS: readonly MapDef[] = [{ name: 'ipc_inputs', type: 'array', keySize: 4, valueSize: 320, maxEntries: 1 }];

function u64Hex(bytes: number[]): string {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  return '0x' + v.toString(16);
}

/**
 * The vendor's content compiler (E1): every instance becomes straight-line bytecode with constant
 * offsets into the `ipc_inputs` map value (field f at offset 16 f). A criterion on field 21 thus
 * becomes `r1 = *(u64 *)(r6 + 320)`, which the verifier can check at load time.
 */
export function compileContent(file: ChannelFile): CompiledContent {
  const lines: string[] = [];
  const origins: (CriterionOrigin | null)[] = [];
  const emit = (text: string, origin: CriterionOrigin | null = null) => {
    lines.push(text);
    origins.push(origin);
  };
  emit(`# compiled from ${CHANNEL} ${versionName(file.contentVer)} by the content compiler`);
  emit('r6 = map_value(0, 0) ll  ; ipc_inputs: 20 fields x 16 bytes');
  emit('r0 = 0');
  file.instances.forEach((inst, k) => {
    emit(`; instance 0x${inst.id.toString(16)}`);
    inst.criteria.forEach((c, f) => {
      if (c.op === OP.WILDCARD) return;
      const o: CriterionOrigin = {
        instanceIndex: k, instanceId: inst.id, criterion: f, fileOffset: criterionOffset(file.typeFields, k, f),
        text: `${OP_NAMES[c.op] ?? `op ${c.op}`} ${JSON.stringify(c.pattern)}`,
      };
      const end = `i${k}_end`;
      const p = Array.from({ length: 12 }, (_, j) => (j < c.pattern.length ? c.pattern.charCodeAt(j) & 0xff : 0));
      const off = f * 16;
      const len = c.len ?? c.pattern.length;
      if (c.op === OP.EQUALS) {
        emit(`r1 = *(u64 *)(r6 + ${off})  ; criterion ${f + 1} of instance 0x${inst.id.toString(16)}`, o);
        emit(`r2 = ${u64Hex(p.slice(0, 8))} ll`, o);
        emit(`if r1 != r2 goto ${end}`, o);
        emit(`r1 = *(u64 *)(r6 + ${off + 8})`, o);
        emit(`r2 = ${u64Hex(p.slice(8, 12))} ll`, o);
        emit(`if r1 != r2 goto ${end}`, o);
      } else if (c.op === OP.PREFIX && len >= 1 && len <= 12) {
        const lo = Math.min(len, 8);
        emit(`r1 = *(u64 *)(r6 + ${off})  ; criterion ${f + 1} of instance 0x${inst.id.toString(16)}`, o);
        if (lo < 8) {
          emit(`r2 = ${'0x' + ((1n << BigInt(lo * 8)) - 1n).toString(16)} ll`, o);
          emit('r1 &= r2', o);
        }
        emit(`r2 = ${u64Hex(p.slice(0, lo))} ll`, o);
        emit(`if r1 != r2 goto ${end}`, o);
        if (len > 8) {
          emit(`r1 = *(u32 *)(r6 + ${off + 8})`, o);
          emit(`r1 &= ${'0x' + ((1n << BigInt((len - 8) * 8)) - 1n).toString(16)}`, o);
          emit(`if r1 != ${u64Hex(p.slice(8, len))} goto ${end}`, o);
        }
      } else {
        emit(`goto ${end}  ; criterion ${f + 1}: ${OP_NAMES[c.op] ?? 'op ' + c.op} is not supported by the miniature: no match`, o);
      }
    });
    emit(`r0 = ${inst.id}`);
    emit(`i${k}_end:`);
  });
  emit('exit');
  const source = lines.join('\n') + '\n';
  const a = assemble(source, { syntax: 'llvm' });
  if (!a.ok) throw new Error(`content compiler produced bad assembly: ${a.errors.map((e) => `${e.line}: ${e.message}`).join('; ')}`);
  const asm = a.value;
  return {
    version: versionName(file.contentVer), source, asm, maps: COMPILED_MAPS,
    origin: (pc) => {
      const idx = asm.program.insnAtSlot[pc];
      if (idx === undefined || idx < 0) return null;
      const line = asm.lines[idx];
      return line === undefined ? null : origins[line - 1] ?? null;
    },
  };
}

export interface E1Result {
  readonly current: string;
  readonly update: string;
  readonly currentAccepted: boolean;
  readonly accepted: boolean;
  readonly pc: number | null;
  readonly insn: string | null;
  /** The kernel-compatible line: `insn 40: invalid access to map value, value_size=320 off=320 size=8`. */
  readonly kernelLine: string | null;
  readonly reason: string | null;
  readonly origin: string | null;
  readonly fileOffset: number | null;
  readonly decision: string;
  /** What the host runs afterwards. */
  readonly active: string;
}

/** E1: the host runs `current` (compiled); the `update` arrives compiled and is verified before it replaces it. */
export function runE1(current = 'v0424', update = 'v0719-0409'): E1Result {
  const cur = compileContent(contentVersion(current).file);
  const curV = verify(cur.asm.program, { progType: 'socket_filter', maps: cur.maps });
  const upd = compileContent(contentVersion(update).file);
  const v = verify(upd.asm.program, { progType: 'socket_filter', maps: upd.maps });
  const supplied = sensorIntegration().suppliedFields.length;
  if (v.accepted) {
    return {
      current, update, currentAccepted: curV.accepted, accepted: true, pc: null, insn: null, kernelLine: null, reason: null, origin: null,
      fileOffset: null, decision: `update accepted; now running ${CHANNEL} ${update}`, active: update,
    };
  }
  const pc = v.error!.pc;
  const insnObj = upd.asm.program.insns[upd.asm.program.insnAtSlot[pc]!];
  const o = upd.origin(pc);
  const firstLine = v.error!.message.split('\n')[0]!;
  return {
    current, update, currentAccepted: curV.accepted, accepted: false, pc, insn: insnObj ? formatInsn(insnObj) : null,
    kernelLine: `insn ${pc}: ${firstLine}`,
    reason: o
      ? `criterion #${o.criterion + 1} reads input field #${o.criterion + 1}; the sensor supplies ${supplied} fields (#1-#${supplied})`
      : v.error!.message,
    origin: o ? `${CHANNEL} ${update}, instance 0x${o.instanceId.toString(16).toUpperCase()}, file offset 0x${o.fileOffset.toString(16)} (${o.text})` : null,
    fileOffset: o?.fileOffset ?? null,
    decision: `update rejected; still running ${CHANNEL} ${current}`,
    active: current,
  };
}

export function formatE1(e: E1Result): string {
  const out = [
    'E1  content compiled to bytecode, rejected at load (RCA finding 1)',
    `    host runs ${CHANNEL} ${e.current} (compiled, ${e.currentAccepted ? 'verified' : 'NOT verified'}); update ${e.update} arrives`,
  ];
  if (e.accepted) out.push(`    ${e.decision}`);
  else {
    out.push(`    ${e.kernelLine}`);
    if (e.insn) out.push(`    at:       ${e.insn}`);
    out.push(`    reason:   ${e.reason}`);
    if (e.origin) out.push(`    origin:   ${e.origin}`);
    out.push(`    decision: ${e.decision}`);
    out.push('    the host reports "load rejected" at once: the vendor learns in seconds, no machine goes down');
  }
  return out.join('\n');
}

// ---- E2 ------------------------------------------------------------------------------------------

export interface SandboxContentRun {
  readonly r0: bigint;
  readonly errors: number;
  readonly fault: string | null;
  readonly insns: number;
}

/** Runs the v2 interpreter in the sandbox on one event with a channel file loaded. */
export function runContentSandbox(content: Uint8Array, event: IpcEvent = DEFAULT_EVENT, opts: { recordAccesses?: boolean } = {}) {
  const v2 = loadInterpreter('v2');
  const s = runSandbox(v2.asm.program, {
    progType: 'socket_filter', maps: v2.maps,
    mapValues: { content: mapValue(content, CONTENT_MAP_SIZE), ipc_inputs: inlineInputs(event) },
  }, { recordAccesses: opts.recordAccesses ?? false });
  const errBytes = s.mapValue('errors') ?? new Uint8Array(8);
  const errors = Number(new DataView(errBytes.buffer, errBytes.byteOffset, 8).getBigUint64(0, true));
  return { r0: s.r0, errors, fault: s.fault ? s.fault.message : null, insns: s.insns, accesses: s.accesses, pcs: s.pcs };
}

export interface E2Result {
  readonly v2Accepted: boolean;
  /** The bad content evaluated on a live event (had it been activated). */
  readonly runtime: SandboxContentRun;
  /** The on-host dry run of the update against a synthetic event. */
  readonly dryRun: SandboxContentRun & { readonly refused: boolean };
  readonly current: string;
  readonly update: string;
  readonly active: string;
  readonly decision: string;
}

export function runE2(current = 'v0424', update = 'v0719-0409', seed = 1): E2Result {
  const v = verifyInterpreter('v2');
  const bytes = encode(contentVersion(update).file);
  const ok = decode(bytes).ok;
  const live = runContentSandbox(bytes, DEFAULT_EVENT);
  const dry = runContentSandbox(bytes, syntheticEvent(seed));
  const refused = !ok || dry.errors > 0 || dry.fault !== null;
  return {
    v2Accepted: v.accepted,
    runtime: { r0: live.r0, errors: live.errors, fault: live.fault, insns: live.insns },
    dryRun: { r0: dry.r0, errors: dry.errors, fault: dry.fault, insns: dry.insns, refused },
    current, update, active: refused ? current : update,
    decision: refused
      ? `update refused: the dry run hit ERR_FIELD_OOB ${dry.errors} time(s); still running ${CHANNEL} ${current}`
      : `update activated: now running ${CHANNEL} ${update}`,
  };
}

export function formatE2(e: E2Result): string {
  return [
    'E2  generic interpreter plus data, checked at runtime (RCA findings 2 and 5)',
    `    interpreter v2 passes the verifier: ${e.v2Accepted ? 'yes' : 'NO'}`,
    `    ${e.update} on a live event: no crash, instance 0x2A does not match, error counter = ${e.runtime.errors}` +
      `${e.runtime.fault ? ` (fault: ${e.runtime.fault})` : ''}`,
    `    on-host dry run of ${e.update} on a synthetic event: ERR_FIELD_OOB x ${e.dryRun.errors}`,
    `    decision: ${e.decision}`,
  ].join('\n');
}
