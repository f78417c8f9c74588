// Side by side: the verifier's verdict, the sandboxed run (only when the verifier accepts) and the
// kernel-driver run of the same program and input. Works for any program bpfbox loads; `raw` with
// `mem` by default, as `bpfbox run`.

import type { Program } from '../../isa/index.js';
import { ProgramContext } from '../../runtime/context.js';
import type { MapDef, MapType } from '../../runtime/maps/def.js';
import type { ProgTypeName } from '../../runtime/progtypes.js';
import { verify } from '../../verifier/index.js';
import { type Fault, Vm, defaultHelpers } from '../../vm/index.js';
import { type DriverOptions, type DriverResult, memoryOperand, runDriver } from '../driver/run.js';
import { MapSet, createMapRuntime } from '../../runtime/maps/index.js';
import { wrapWords } from '../../util/text.js';

export interface CompareOptions {
  progType?: ProgTypeName;
  /** raw: the input memory (its length is what the verifier is told). */
  mem?: Uint8Array;
  /** raw: the size the verifier assumes when no `mem` is given (default mem.length or 0). */
  memSize?: number;
  packet?: Uint8Array;
  maps?: readonly MapDef[];
  /** Initial map values (entry 0 or the whole storage) by map name: both runs start from these. */
  mapValues?: Readonly<Record<string, Uint8Array>>;
  /** Sandbox instruction budget (default 1,000,000). */
  maxInsns?: number;
  /**
   * Run the sandbox even when the verifier rejects the program, as if the verifier had a bug
   * (CVE-2021-3490): shows the interpreter's own run-time containment. Default false.
   */
  runRejected?: boolean;
  /** Driver-mode options on top (layout, watchdog, module name, panel context...). */
  driver?: Omit<DriverOptions, 'progType' | 'mem' | 'packet' | 'maps' | 'mapValues'>;
}

export interface VerifierSide {
  accepted: boolean;
  error: { pc: number; code: string; message: string } | null;
}

export interface SandboxSide {
  outcome: 'ok' | 'rejected' | 'fault';
  /** Ran although the verifier rejected it (CompareOptions.runRejected). */
  verifierBypassed?: boolean;
  r0: string | null;
  insns: number | null;
  fault: { pc: number; code: string; kind: string; message: string } | null;
  /** Never anything: the sandbox reads and writes only memory the verifier proved in bounds. */
  outOfBoundsReads: never[];
  outOfBoundsWrites: never[];
  machine: 'running';
  summary: string;
}

export interface DriverSide {
  outcome: DriverResult['outcome'];
  r0: string | null;
  insns: number;
  leaks: { object: string; offset: number; size: number; fields: readonly string[]; bytes: string; pc: number; secret: boolean }[];
  corruptions: { object: string; offset: number; size: number; fields: readonly string[]; before: string; after: string; pc: number; checked: boolean }[];
  bugcheck: { code: string; name: string; params: readonly string[]; pc: number | null; insn: string | null; address: string | null; addressClass: string | null; reason: string } | null;
  machine: DriverResult['machine']['state'];
  workloads: { name: string; state: string }[];
  summary: string;
}

export interface CompareResult {
  verifier: VerifierSide;
  sandbox: SandboxSide;
  driver: DriverSide;
  /** The Node process ran both and is still here (always true: faults are values). */
  hostSurvived: true;
  /** The full driver result (not part of the JSON shape; drop it before printing). */
  readonly driverResult?: DriverResult;
}

function faultJson(f: Fault | null): SandboxSide['fault'] {
  return f ? { pc: f.pc, code: f.code, kind: f.kind, message: f.message } : null;
}

/** One memory access of a sandboxed run (recorded on request). */
export interface SandboxAccess {
  readonly step: number;
  readonly pc: number;
  readonly kind: 'read' | 'write';
  /** The region accessed (null: none, the access faulted) and the offset in it. */
  readonly region: string | null;
  readonly offset: number | null;
  readonly size: number;
}

export interface SandboxRun {
  r0: bigint;
  insns: number;
  fault: Fault | null;
  /** The maps after the run (src/runtime/maps). */
  maps: MapSet;
  /** Entry `index` of a map after the run (a copy), or null. */
  mapValue(name: string, index?: number): Uint8Array | null;
  /** Every load and store, when recordAccesses was set. */
  accesses: SandboxAccess[];
  /** Slots executed, in order, when recordAccesses was set. */
  pcs: number[];
}

/** Runs the sandboxed side: the VM with the program type's context and the maps, no driver view. */
export function runSandbox(program: Program, opts: CompareOptions, run: { recordAccesses?: boolean } = {}): SandboxRun {
  const progType = opts.progType ?? 'raw';
  const ctx = new ProgramContext({ progType, ...(progType === 'raw' ? { mem: opts.mem } : { packet: opts.packet }) });
  const maps = new MapSet(opts.maps ?? [], { cpus: 1 });
  for (const [name, bytes] of Object.entries(opts.mapValues ?? {})) fillMap(maps, name, bytes);
  const rt = createMapRuntime(maps, { cpu: 0 });
  const base = ctx.runOptions({ maxInsns: opts.maxInsns ?? 1_000_000 });
  const helpers = new Map(base.helpers ?? defaultHelpers());
  for (const [k, v] of rt.helpers()) helpers.set(k, v);
  const vm = new Vm(program, {
    ...base, helpers, resolvePseudo: rt.resolvePseudo,
    setup: (m) => {
      base.setup?.(m);
      rt.setup(m);
    },
  });
  const accesses: SandboxAccess[] = [];
  const pcs: number[] = [];
  if (run.recordAccesses) {
    const stateOf = (m: Vm) => m.state;
    while (stateOf(vm) === 'ready' || stateOf(vm) === 'paused') {
      const pc = vm.pc;
      const insn = vm.insnAt(pc);
      const op = insn ? memoryOperand(insn) : null;
      const before = vm.insns;
      if (insn && op) {
        const addr = BigInt.asUintN(64, vm.getReg(op.base) + BigInt(insn.off));
        const r = vm.memory.regionAt(addr);
        accesses.push({ step: before + 1, pc, kind: op.kind === 'read' ? 'read' : 'write', region: r?.name ?? null, offset: r ? Number(addr) - r.base : null, size: insn.op.size });
      }
      vm.step();
      if (vm.insns === before) break;
      pcs.push(pc);
    }
  }
  const res = vm.run();
  const mapValue = (name: string, index = 0): Uint8Array | null => {
    const m = maps.maps.find((x) => x.def.name === name);
    return m ? m.lookup(u32Key(index, m.def.keySize)) : null;
  };
  return { r0: res.r0, insns: res.insns, fault: res.fault, maps, mapValue, accesses, pcs };
}

function u32Key(i: number, size: number): Uint8Array {
  const k = new Uint8Array(Math.max(size, 4));
  new DataView(k.buffer).setUint32(0, i >>> 0, true);
  return k.subarray(0, size);
}

/** Stores initial bytes into a map: array maps entry by entry (8-byte aligned elements), others as key 0. */
function fillMap(set: MapSet, name: string, bytes: Uint8Array): void {
  const m = set.maps.find((x) => x.def.name === name);
  if (!m) return;
  const vs = m.def.valueSize;
  const elem = Math.ceil(vs / 8) * 8;
  const n = m.def.type === 'array' || m.def.type === 'percpu_array' ? Math.max(1, Math.min(m.def.maxEntries, Math.ceil(bytes.length / elem))) : 1;
  for (let i = 0; i < n; i++) {
    const v = new Uint8Array(vs);
    v.set(bytes.subarray(i * elem, i * elem + vs));
    m.update(u32Key(i, m.def.keySize), v, 0);
  }
}

/** Verifier verdict, sandboxed run (if accepted) and driver run of one program and input. */
export function compareRun(program: Program, opts: CompareOptions = {}): CompareResult {
  const progType = opts.progType ?? 'raw';
  const memSize = opts.mem?.length ?? opts.memSize ?? 0;
  const v = verify(program, { progType, memSize, maps: opts.maps ?? [] });
  const verifier: VerifierSide = { accepted: v.accepted, error: v.error ? { pc: v.error.pc, code: v.error.code, message: v.error.message } : null };

  let sandbox: SandboxSide;
  if (!v.accepted && !opts.runRejected) {
    sandbox = {
      outcome: 'rejected', r0: null, insns: null, fault: null, outOfBoundsReads: [], outOfBoundsWrites: [], machine: 'running',
      summary: `not loaded: the verifier rejected it at insn ${v.error?.pc ?? '?'} (${v.error?.message ?? ''}); nothing ran, the kernel is untouched`,
    };
  } else {
    const s = runSandbox(program, opts);
    const bypassed = !v.accepted;
    sandbox = s.fault
      ? {
        outcome: 'fault', ...(bypassed ? { verifierBypassed: true } : {}), r0: null, insns: s.insns, fault: faultJson(s.fault),
        outOfBoundsReads: [], outOfBoundsWrites: [], machine: 'running',
        summary: `the run stopped at insn ${s.fault.pc} (${s.fault.message}); the fault is contained, the kernel keeps running`,
      }
      : {
        outcome: 'ok', ...(bypassed ? { verifierBypassed: true } : {}), r0: s.r0.toString(), insns: s.insns, fault: null,
        outOfBoundsReads: [], outOfBoundsWrites: [], machine: 'running',
        summary: bypassed ? 'ran without the verifier\'s approval; the interpreter\'s own checks found nothing to stop'
          : 'loaded and ran; every access was inside memory the verifier proved in bounds',
      };
  }

  const d = runDriver(program, {
    ...(opts.driver ?? {}), progType, mem: opts.mem ?? new Uint8Array(memSize), packet: opts.packet, maps: opts.maps, mapValues: opts.mapValues,
  });
  const driver: DriverSide = {
    outcome: d.outcome, r0: d.r0 === null ? null : d.r0.toString(), insns: d.insns,
    leaks: d.leaks.map((l) => ({ object: l.object, offset: l.objectOffset, size: l.size, fields: l.fields, bytes: l.bytes, pc: l.pc, secret: l.secret })),
    corruptions: d.corruptions.map((c) => ({
      object: c.object, offset: c.objectOffset, size: c.size, fields: c.fields, before: c.before, after: c.after, pc: c.pc, checked: c.checked,
    })),
    bugcheck: d.bugcheck ? {
      code: '0x' + d.bugcheck.code.toString(16).toUpperCase().padStart(2, '0'), name: d.bugcheck.name, params: d.bugcheck.params,
      pc: d.bugcheck.pc, insn: d.bugcheck.insnText, address: d.bugcheck.address, addressClass: d.bugcheck.addressClass, reason: d.bugcheck.reason,
    } : null,
    machine: d.machine.state, workloads: d.machine.workloads.map((w) => ({ name: w.name, state: w.state })), summary: d.summary,
  };
  const result: CompareResult = { verifier, sandbox, driver, hostSurvived: true };
  Object.defineProperty(result, 'driverResult', { value: d, enumerable: false });
  return result;
}

/** The JSON object `bpfbox compare --json` prints: exactly {verifier, sandbox, driver}. */
export function compareToJson(r: CompareResult): { verifier: VerifierSide; sandbox: SandboxSide; driver: DriverSide } {
  return { verifier: r.verifier, sandbox: r.sandbox, driver: r.driver };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}


/** The terminal table: one column per side, rows outcome / r0 / out of bounds / rest of the machine. */
export function formatCompare(r: CompareResult, opts: { width?: number } = {}): string {
  const col = Math.max(24, Math.floor(((opts.width ?? 110) - 20) / 2));
  const v = r.verifier;
  const s = r.sandbox;
  const d = r.driver;
  const oobSandbox = s.outcome === 'rejected' ? 'nothing (never ran)' : 'nothing (every access proved in bounds)';
  const reads = d.leaks.map((l) => `read ${l.size} B of ${l.object} +0x${l.offset.toString(16)}${l.fields.length ? ` [${l.fields.join(', ')}]` : ''}: ${l.bytes}${l.secret ? ' (secret!)' : ''}`);
  const writes = d.corruptions.map((c) => `wrote ${c.size} B of ${c.object} +0x${c.offset.toString(16)}${c.fields.length ? ` [${c.fields.join(', ')}]` : ''}: ${c.before} -> ${c.after}`);
  const oobDriver = [...reads, ...writes].join('; ') || 'nothing';
  const sandboxRest = s.outcome === 'rejected' ? 'untouched: the program was never loaded'
    : s.outcome === 'fault' ? 'keeps running: the fault stopped only this program' : 'keeps running';
  const driverRest = d.bugcheck
    ? `${d.machine === 'hung' ? 'HUNG' : 'HALTED'}: STOP ${d.bugcheck.code} ${d.bugcheck.name}; ${d.workloads.map((w) => `${w.name}: ${w.state}`).join(', ')}`
    : d.machine === 'running' && d.corruptions.length > 0 ? 'keeps running with corrupted kernel data' : 'keeps running';
  const rows: [string, string, string][] = [
    ['verifier', (v.accepted ? 'accepted' : `rejected at insn ${v.error?.pc}: ${v.error?.message}`) + (s.verifierBypassed ? ' (run anyway: verifier bypassed)' : ''),
      '(no verifier: loads like a kernel module)'],
    ['outcome', s.outcome, d.outcome],
    ['r0', s.r0 ?? '-', d.r0 ?? '- (did not return)'],
    ['out of bounds', oobSandbox, oobDriver],
    ['rest of machine', sandboxRest, driverRest],
  ];
  if (s.fault) rows.splice(3, 0, ['fault', `insn ${s.fault.pc}: ${s.fault.message}`, '']);
  if (d.bugcheck && d.bugcheck.pc !== null) rows.splice(rows.length - 1, 0, ['crash site', '', `insn ${d.bugcheck.pc}: ${d.bugcheck.insn}${d.bugcheck.address ? ` at ${d.bugcheck.address} (${d.bugcheck.addressClass})` : ''}`]);
  const lines: string[] = [];
  const sep = '-'.repeat(18) + '+' + '-'.repeat(col + 2) + '+' + '-'.repeat(col + 2);
  lines.push(`${pad('', 18)}| ${pad('eBPF sandbox', col)} | kernel driver (unchecked)`);
  lines.push(sep);
  for (const [name, a, b] of rows) {
    const wa = wrapWords(a, col);
    const wb = wrapWords(b, col);
    const n = Math.max(wa.length, wb.length);
    for (let i = 0; i < n; i++) lines.push(`${pad(i === 0 ? name : '', 18)}| ${pad(wa[i] ?? '', col)} | ${wb[i] ?? ''}`.trimEnd());
  }
  lines.push(sep);
  lines.push(`host: ${r.hostSurvived ? 'the simulator (this Node process) is still running' : '?'}`);
  return lines.join('\n');
}

// ---- program headers ----------------------------------------------------------------------------

export interface ProgramHeader {
  progType: ProgTypeName | null;
  memSize: number | null;
  mem: Uint8Array | null;
  maps: MapDef[];
  what: string;
}

/**
 * Reads the `# key: value` comment header of an assembly file: `type`, `mem-size`, `mem` (hex
 * bytes), `maps` (`[name=]type key=K value=V entries=N`, comma- or `;`-separated, as in the
 * verifier corpus), `what` (with continuation lines).
 */
export function parseProgramHeader(text: string): ProgramHeader {
  const h: ProgramHeader = { progType: null, memSize: null, mem: null, maps: [], what: '' };
  let last = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('#')) {
      if (line === '' || line.startsWith(';') || line.startsWith('//')) continue;
      break;
    }
    const body = line.replace(/^#\s?/, '');
    const m = /^([a-z-]+):\s*(.*)$/.exec(body);
    if (!m) {
      if (last === 'what') h.what += ' ' + body.trim();
      continue;
    }
    const [, key, value] = m as unknown as [string, string, string];
    last = key;
    if (key === 'type') h.progType = value.trim() as ProgTypeName;
    else if (key === 'mem-size') h.memSize = Number(value.trim());
    else if (key === 'mem') h.mem = Uint8Array.from(value.trim().split(/\s+/).filter(Boolean).map((x) => parseInt(x, 16)));
    else if (key === 'what') h.what = value.trim();
    else if (key === 'maps') {
      for (const part of value.split(/[;,]/).map((x) => x.trim()).filter(Boolean)) {
        const words = part.split(/\s+/);
        let name = `m${h.maps.length}`;
        let type = words[0] ?? 'array';
        if (type.includes('=')) [name, type] = type.split('=') as [string, string];
        const kv = new Map(words.slice(1).map((w) => w.split('=') as [string, string]));
        h.maps.push({
          name, type: type as MapType, keySize: Number(kv.get('key') ?? 4), valueSize: Number(kv.get('value') ?? 8),
          maxEntries: Number(kv.get('entries') ?? 1),
        });
      }
    }
  }
  if (h.mem && h.memSize !== null && h.mem.length < h.memSize) {
    const full = new Uint8Array(h.memSize);
    full.set(h.mem);
    h.mem = full;
  }
  return h;
}
