// Kernel-driver mode: the program runs as a kernel driver would, with no verifier and no bounds
// checks, on the simulated kernel address space of layout.ts. The interpreter is bpfbox's VM; this
// module steps it one instruction at a time, works out the effective address of every load and
// store from the registers before the instruction runs (instruction kinds come from src/isa), and
// turns what happens into the kernel's view: information leaks, corrupted neighbours, page faults
// and bug checks, a watchdog for endless loops. Never throws for any program or input.

import { formatInsn } from '../../asm/index.js';
import type { Insn, Program } from '../../isa/index.js';
import { ProgramContext } from '../../runtime/context.js';
import type { MapDef } from '../../runtime/maps/def.js';
import type { ProgTypeName } from '../../runtime/progtypes.js';
import {
  type Fault, type HelperFn, type PreparedProgram, type VmState, STACK_BASE, MAX_FRAMES, Vm, defaultHelpers,
} from '../../vm/index.js';
import { CODE_BASE, hex64, hexShort, isCanonical, kaddr, toKernel, u64 } from './address.js';
import { type BugCheck, type BugCheckKind, STOP, type StopCode } from './bugcheck.js';
import {
  type DriverLayout, type FieldSpec, type ObjectOwner, type PlacedMapping, type PlacedObject, defaultLayout, placeLayout,
} from './layout.js';
import { MAP_HANDLE_SIZE, SimMaps } from './maps.js';

export type DriverOutcome = 'ok' | 'leak' | 'corruption' | 'panic' | 'lockup';

/** Default watchdog budget: the simulated CPU is declared locked up after this many instructions. */
export const DEFAULT_WATCHDOG_INSNS = 200_000;

export interface FaultContextInfo {
  readonly pc: number;
  readonly registers: readonly bigint[];
  /** VM address of the faulting access (null for non-memory faults). */
  readonly address: bigint | null;
  readonly machine: DriverMachine;
}

export interface DriverOptions {
  /** `raw` (default): r1 = the input buffer, r2 = its length. `xdp` / `socket_filter`: r1 = the context. */
  progType?: ProgTypeName;
  /** The driver's input buffer (raw programs). */
  mem?: Uint8Array;
  /** The packet (xdp / socket_filter). */
  packet?: Uint8Array;
  /** Maps the program uses (lddw map_fd(i) / map_value(i, off) name maps[i]). */
  maps?: readonly MapDef[];
  /** Initial values (entry 0, or the whole storage) by map name. */
  mapValues?: Readonly<Record<string, Uint8Array>>;
  /** The kernel objects and pages (default: defaultLayout). */
  layout?: DriverLayout;
  /** Instructions before the watchdog declares a soft lockup (default 200,000). */
  watchdogInsns?: number;
  /** Name of the driver module in the panel (default `sim_driver.sys`). */
  module?: string;
  /** The other workloads of the machine (default: a few services). */
  workloads?: readonly string[];
  /** Extra panel lines for a fault (the scenario names the content file and record). */
  panelContext?: (info: FaultContextInfo) => string[];
  /** Called after the address space is built, before the first instruction (set registers...). */
  setup?: (vm: Vm, machine: DriverMachine) => void;
  /** Keep every memory access in `result.accesses` (default false). */
  recordAccesses?: boolean;
  /** Keep a per-instruction trace in `result.trace` (default false). */
  trace?: boolean;
  /** Extra helpers (added to the default table and the map helpers). */
  helpers?: ReadonlyMap<number, HelperFn>;
}

export interface MemoryAccess {
  /** 1-based instruction count. */
  readonly step: number;
  readonly pc: number;
  readonly kind: 'read' | 'write';
  /** Kernel-style address. */
  readonly address: string;
  /** VM address (what the registers hold). */
  readonly vmAddress: string;
  readonly size: number;
  /** Object touched first (null: none, e.g. stack or context). */
  readonly object: string | null;
  readonly objectOffset: number | null;
  /** Entirely within one object the driver owns (or outside the layout: stack, context). */
  readonly inBounds: boolean;
}

export interface Leak {
  readonly step: number;
  readonly pc: number;
  readonly insn: string;
  readonly address: string;
  readonly size: number;
  /** The neighbour read from. */
  readonly object: string;
  readonly owner: ObjectOwner;
  readonly objectOffset: number;
  /** Fields of the neighbour that were read. */
  readonly fields: readonly string[];
  /** The bytes read (hex, memory order) and as a little-endian number. */
  readonly bytes: string;
  readonly value: string;
  /** A field marked secret (keys, credentials) was among them. */
  readonly secret: boolean;
}

export interface Corruption {
  readonly step: number;
  readonly pc: number;
  readonly insn: string;
  readonly address: string;
  readonly size: number;
  readonly object: string;
  readonly owner: ObjectOwner;
  readonly objectOffset: number;
  readonly fields: readonly string[];
  readonly before: string;
  readonly after: string;
  /** A field the kernel validates later (the machine goes down when it looks). */
  readonly checked: boolean;
}

export interface FieldDiff {
  readonly field: string;
  readonly offset: number;
  readonly before: string;
  readonly after: string;
  readonly checked: boolean;
}

/** A neighbour's state at the end compared with the start. */
export interface ObjectDamage {
  readonly object: string;
  readonly address: string;
  readonly changes: readonly FieldDiff[];
}

export type WorkloadState = 'running' | 'halted' | 'hung';

export interface Workload {
  readonly name: string;
  readonly state: WorkloadState;
}

export interface MachineState {
  /** running: the machine survived; halted: bug check; hung: watchdog (unusable). */
  readonly state: 'running' | 'halted' | 'hung';
  readonly workloads: readonly Workload[];
  readonly summary: string;
}

export interface ObjectInfo {
  readonly name: string;
  readonly owner: ObjectOwner;
  readonly mapping: string;
  readonly address: string;
  readonly size: number;
  readonly what: string;
}

export interface DriverTraceStep {
  readonly step: number;
  readonly pc: number;
  readonly insn: string;
  readonly access: MemoryAccess | null;
}

export interface DriverResult {
  readonly outcome: DriverOutcome;
  /** r0 when the program returned, else null. */
  readonly r0: bigint | null;
  readonly insns: number;
  readonly leaks: readonly Leak[];
  readonly corruptions: readonly Corruption[];
  readonly damage: readonly ObjectDamage[];
  readonly bugcheck: BugCheck | null;
  readonly machine: MachineState;
  /** The VM's own fault (what the simulation turned into the kernel's view), if any. */
  readonly vmFault: Fault | null;
  readonly layout: readonly ObjectInfo[];
  readonly accesses: readonly MemoryAccess[];
  readonly trace: readonly DriverTraceStep[];
  /** One plain sentence. */
  readonly summary: string;
}

/** The address space of one run, for callers (setup hooks, panel context, the scenario). */
export class DriverMachine {
  readonly objects: PlacedObject[];
  readonly bytes = new Map<string, Uint8Array>();

  constructor(readonly mappings: readonly PlacedMapping[], readonly regions: Map<string, Uint8Array>) {
    this.objects = mappings.flatMap((m) => [...m.objects]);
    for (const o of this.objects) {
      const r = regions.get(o.mapping)!;
      this.bytes.set(o.name, r.subarray(o.offset, o.offset + o.size));
    }
  }

  object(name: string): PlacedObject | undefined {
    return this.objects.find((o) => o.name === name);
  }

  /** VM address of an object. */
  addressOf(name: string): number {
    const o = this.object(name);
    if (!o) throw new RangeError(`no object "${name}" in the layout`);
    return o.address;
  }

  /** The live bytes of an object. */
  objectBytes(name: string): Uint8Array {
    const b = this.bytes.get(name);
    if (!b) throw new RangeError(`no object "${name}" in the layout`);
    return b;
  }

  mappingAt(vm: bigint): PlacedMapping | undefined {
    if (vm < 0n || vm >= 1n << 32n) return undefined;
    const a = Number(vm);
    return this.mappings.find((m) => a >= m.base && a < m.base + (1 << 24));
  }

  /** Objects overlapping [vm, vm + size). */
  objectsAt(vm: bigint, size: number): PlacedObject[] {
    const m = this.mappingAt(vm);
    if (!m) return [];
    const a = Number(vm);
    return m.objects.filter((o) => a < o.address + o.size && a + size > o.address);
  }

  /** What lives at a VM address, in words. */
  describe(vm: bigint): string {
    const a = u64(vm);
    if (a >= 1n << 32n) return isCanonical(a) ? 'unmapped kernel address' : 'non-canonical address';
    if (a < 0x1000n) return 'null page';
    if (a < 1n << 24n) return 'user-space address, not mapped in kernel context';
    const n = Number(a);
    for (const m of this.mappings) {
      if (n >= m.base && n < m.base + m.size) {
        const o = m.objects.find((x) => n >= x.address && n < x.address + x.size);
        return o ? `${o.name} +0x${(n - o.address).toString(16)}` : `${m.name} (padding)`;
      }
      if (n >= m.base + m.size && n < m.base + (1 << 24)) return `guard page after ${m.name}`;
      if (n >= m.base - (1 << 24) && n < m.base) return `guard page before ${m.name}`;
    }
    if (n >= STACK_BASE && n < STACK_BASE + MAX_FRAMES * (1 << 24)) return 'kernel stack guard page';
    return 'unmapped kernel address';
  }
}

function bytesHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
}

function leValue(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

function fieldText(f: FieldSpec | undefined, b: Uint8Array): string {
  const kind = f?.kind ?? 'bytes';
  if (kind === 'ptr') return kaddr(leValue(b));
  if (kind === 'u64' || kind === 'u32') return hexShort(leValue(b));
  if (kind === 'ascii') {
    let s = '';
    for (const c of b) s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : c === 0 ? '' : '.';
    return JSON.stringify(s);
  }
  return bytesHex(b);
}

function fieldsTouched(o: PlacedObject, off: number, size: number): FieldSpec[] {
  return (o.spec.fields ?? []).filter((f) => off < f.off + f.size && off + size > f.off);
}

const DEFAULT_WORKLOADS = ['lsass.exe (authentication)', 'sqlservr.exe (database)', 'w3wp.exe (web server)', 'explorer.exe (desktop)'];

/** The base register and direction of a load/store/atomic (from the instruction's kind in src/isa), or null. */
export function memoryOperand(insn: Insn): { base: number; kind: 'read' | 'write' | 'atomic' } | null {
  switch (insn.op.kind) {
    case 'ldx': case 'ldxs': return { base: insn.src, kind: 'read' };
    case 'st': case 'stx': return { base: insn.dst, kind: 'write' };
    case 'atomic': return { base: insn.dst, kind: 'atomic' };
    default: return null;
  }
}

function insnText(insn: Insn | null): string {
  if (!insn) return '?';
  try {
    return formatInsn(insn, 'llvm');
  } catch {
    return insn.op.name;
  }
}

/**
 * Runs a program as an unchecked kernel driver. Never throws for any program or input (every
 * fault is a value in the result); options no run could use (a packet under 14 bytes for xdp)
 * throw a RangeError, as runProgram does.
 */
export function runDriver(program: Program | PreparedProgram, opts: DriverOptions = {}): DriverResult {
  const progType = opts.progType ?? 'raw';
  const mem = opts.mem ?? new Uint8Array(0);
  const maps = opts.maps ?? [];
  const ctx = progType === 'raw' ? null : new ProgramContext({ progType, packet: opts.packet });
  // XDP: the context's pointers are relative to a frame with headroom in front of the packet
  // (runtime/context.ts); the headroom becomes a driver object in front of the packet data.
  const headroom = ctx && ctx.packet ? Math.max(0, Number(ctx.fieldValues(0).get('data') ?? 0)) : 0;
  const packetContext = ctx ? {
    struct: ctx.type.ctxStruct, size: ctx.type.ctxSize, packet: ctx.packet, headroom,
    fill: (b: Uint8Array, packetAddress: number) => {
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const values = ctx.fieldValues(packetAddress - headroom);
      for (const f of ctx.type.fields) {
        const raw: number | bigint = values.get(f.name) ?? 0;
        const value = Number(BigInt.asUintN(32, BigInt(raw)));
        if (f.size === 4) view.setUint32(f.off, value, true);
        else if (f.size === 8) view.setBigUint64(f.off, BigInt.asUintN(64, BigInt(raw)), true);
        else if (f.size === 2) view.setUint16(f.off, value & 0xffff, true);
        else if (f.size === 1) view.setUint8(f.off, value & 0xff);
      }
    },
  } : undefined;
  const layout = opts.layout ?? defaultLayout({ memSize: progType === 'raw' ? mem.length : 0, maps, packetContext });
  const placed = placeLayout(layout);
  for (const m of placed) {
    if (m.size > 1 << 24) throw new RangeError(`mapping "${m.name}" is ${m.size} bytes; driver mode maps at most 16 MiB per mapping`);
  }
  const regions = new Map<string, Uint8Array>();
  for (const m of placed) regions.set(m.name, new Uint8Array(m.size));
  const machine = new DriverMachine(placed, regions);
  const moduleName = opts.module ?? 'sim_driver.sys';
  const simMaps = new SimMaps(maps, opts.mapValues ?? {});

  // Fill the objects (in order; fill functions may refer to any object's address).
  const fillCtx = { addressOf: (n: string) => machine.addressOf(n) };
  let inputObject: PlacedObject | undefined;
  for (const o of machine.objects) {
    const b = machine.objectBytes(o.name);
    o.spec.fill?.(b, fillCtx);
    if (o.spec.input && !inputObject) {
      inputObject = o;
      if (!ctx) b.set(mem.subarray(0, b.length));
    }
    if (o.spec.map) {
      const sm = simMaps.byName(o.spec.map);
      if (sm) {
        const view = b.subarray(0, Math.min(b.length, sm.storage.length));
        // the map's initial value (if one was given) replaces what the object's fill wrote
        if (opts.mapValues?.[sm.def.name] !== undefined || sm.def.initial !== undefined) view.set(sm.storage.subarray(0, view.length));
        sm.storage = view;
        sm.valueBase = o.address;
      }
    }
  }
  const initial = new Map<string, Uint8Array>();
  for (const o of machine.objects) if (o.owner !== 'driver') initial.set(o.name, machine.objectBytes(o.name).slice());

  const helpers = ctx ? ctx.helpers(opts.helpers) : defaultHelpers();
  if (!ctx && opts.helpers) for (const [k, v] of opts.helpers) helpers.set(k, v);
  for (const [k, v] of simMaps.helpers()) helpers.set(k, v);

  const setup = (vm: Vm): void => {
    for (const m of placed) vm.addRegion(m.name, regions.get(m.name)!, { base: m.base, readable: true, writable: true });
    // Handles (struct bpf_map stand-ins) and maps without an object of their own.
    for (const sm of simMaps.maps) {
      if (sm.valueBase === 0) sm.valueBase = vm.addRegion(`map ${sm.def.name} values`, sm.storage, { readable: true, writable: true });
      sm.handle = vm.addRegion(`map ${sm.def.name} (struct bpf_map)`, new Uint8Array(MAP_HANDLE_SIZE), { readable: true, writable: true });
    }
    if (ctx && !inputObject) {
      ctx.setup(vm); // a custom layout without a context object: the context code maps its own
    } else if (ctx && inputObject) {
      vm.setReg(1, inputObject.address);
    } else if (inputObject) {
      vm.setReg(1, inputObject.address);
      vm.setReg(2, mem.length);
    }
    opts.setup?.(vm, machine);
  };

  const watchdog = Math.max(1, Math.floor(opts.watchdogInsns ?? DEFAULT_WATCHDOG_INSNS));
  const vm = new Vm(program, {
    maxInsns: watchdog, helpers, setup, resolvePseudo: simMaps.resolvePseudo,
    ...(ctx && progType === 'socket_filter' ? { legacyPacketLoad: ctx.legacyPacketLoad } : {}),
  });

  const leaks: Leak[] = [];
  const corruptions: Corruption[] = [];
  const accesses: MemoryAccess[] = [];
  const trace: DriverTraceStep[] = [];
  const recordAll = opts.recordAccesses ?? false;
  const wantTrace = opts.trace ?? false;
  let lastAccess: { step: number; pc: number; insn: Insn; kind: 'read' | 'write' | 'atomic'; vm: bigint; size: number } | null = null;

  const stateOf = (m: Vm): VmState => m.state;
  while (stateOf(vm) === 'ready' || stateOf(vm) === 'paused') {
    const pc = vm.pc;
    const insn = vm.insnAt(pc);
    const operand = insn ? memoryOperand(insn) : null;
    let access: MemoryAccess | null = null;
    let pending: { objs: PlacedObject[]; before: Map<string, Uint8Array> } | null = null;
    const step = vm.insns + 1;
    if (insn && operand) {
      const addr = u64(vm.getReg(operand.base) + BigInt(insn.off));
      const size = insn.op.size;
      lastAccess = { step, pc, insn, kind: operand.kind, vm: addr, size };
      const objs = machine.objectsAt(addr, size);
      const first = objs[0];
      const inBounds = objs.length === 0 ? true
        : objs.length === 1 && first!.owner === 'driver' && Number(addr) >= first!.address && Number(addr) + size <= first!.address + first!.size;
      access = {
        step, pc, kind: operand.kind === 'read' ? 'read' : 'write', address: kaddr(addr), vmAddress: hexShort(addr), size,
        object: first?.name ?? null, objectOffset: first ? Number(addr) - first.address : null, inBounds,
      };
      if (!inBounds) {
        const foreign = objs.filter((o) => o.owner !== 'driver');
        const before = new Map<string, Uint8Array>();
        for (const o of foreign) before.set(o.name, machine.objectBytes(o.name).slice());
        pending = { objs: foreign, before };
        // reads (loads, and the read half of an atomic) leak what they see
        if (operand.kind !== 'write') {
          for (const o of foreign) {
            const off = Math.max(0, Number(addr) - o.address);
            const end = Math.min(o.size, Number(addr) + size - o.address);
            const b = machine.objectBytes(o.name).subarray(off, end);
            const fs = fieldsTouched(o, off, end - off);
            leaks.push({
              step, pc, insn: insnText(insn), address: kaddr(BigInt(o.address + off)), size: end - off, object: o.name, owner: o.owner,
              objectOffset: off, fields: fs.map((f) => f.name), bytes: bytesHex(b), value: hexShort(leValue(b)),
              secret: fs.some((f) => f.secret === true),
            });
          }
        }
      }
      if (recordAll) accesses.push(access);
    }
    const count = vm.insns;
    vm.step();
    if (wantTrace && vm.insns > count) trace.push({ step, pc, insn: insnText(insn), access });
    if (stateOf(vm) === 'faulted') {
      // a faulting access leaked nothing and changed nothing
      if (pending && operand && operand.kind !== 'write') {
        while (leaks.length > 0 && leaks[leaks.length - 1]!.step === step) leaks.pop();
      }
      break;
    }
    if (vm.insns === count) break; // nothing executed
    if (pending && operand && operand.kind !== 'read' && insn) {
      for (const o of pending.objs) {
        const b0 = pending.before.get(o.name)!;
        const b1 = machine.objectBytes(o.name);
        const off = Math.max(0, Number(lastAccess!.vm) - o.address);
        const end = Math.min(o.size, Number(lastAccess!.vm) + lastAccess!.size - o.address);
        const fs = fieldsTouched(o, off, end - off);
        corruptions.push({
          step, pc, insn: insnText(insn), address: kaddr(BigInt(o.address + off)), size: end - off, object: o.name, owner: o.owner,
          objectOffset: off, fields: fs.map((f) => f.name),
          before: bytesHex(b0.subarray(off, end)), after: bytesHex(b1.subarray(off, end)),
          checked: fs.some((f) => f.check !== undefined),
        });
      }
    }
  }

  // ---- the kernel's view of how it ended ----
  const registers = vm.registers();
  const regText = registers.map((v, i) => `r${i}=${showValue(machine, v)}`);
  const damage = diffObjects(machine, initial);
  const workloadNames = opts.workloads ?? DEFAULT_WORKLOADS;
  const fault = stateOf(vm) === 'faulted' ? vm.fault : null;
  let bugcheck: BugCheck | null = null;
  let outcome: DriverOutcome;
  let machineState: MachineState;
  const driverWorkload = `${moduleName.split(' ')[0]} (this driver)`;

  const panelBase = (kind: BugCheckKind, stop: StopCode, params: [bigint, bigint, bigint, bigint], reason: string,
    at: { pc: number | null; step: number | null; address: bigint | null; access: 'read' | 'write' | null; }): BugCheck => {
    const insn = at.pc !== null ? vm.insnAt(at.pc) : null;
    const info: FaultContextInfo = { pc: at.pc ?? -1, registers, address: at.address, machine };
    let context: string[] = [];
    try {
      context = opts.panelContext?.(info) ?? [];
    } catch {
      context = [];
    }
    return {
      kind, code: stop.code, name: stop.name, params: params.map((p) => hexShort(p)) as unknown as [string, string, string, string],
      module: moduleName, pc: at.pc, insnText: at.pc !== null ? insnText(insn) : null,
      ip: at.pc !== null ? `${hex64(CODE_BASE + BigInt(at.pc) * 8n)} (${moduleName.split(" ")[0]}+0x${(at.pc * 8).toString(16)})` : null,
      address: at.address !== null ? hex64(toKernel(at.address)) : null,
      addressClass: at.address !== null ? machine.describe(at.address) : null,
      access: at.access, registers: regText, reason, context, step: at.step,
    };
  };

  if (fault && fault.kind === 'budget') {
    outcome = 'lockup';
    bugcheck = panelBase('lockup', STOP.DPC_WATCHDOG_VIOLATION, [0n, BigInt(vm.insns), BigInt(watchdog), 0n],
      `watchdog: soft lockup - CPU#0 stuck in ${moduleName} for ${vm.insns} instructions without returning; the driver runs ` +
      'with the CPU to itself, so nothing else on this CPU ever runs again',
      { pc: fault.pc, step: vm.insns, address: null, access: null });
    machineState = {
      state: 'hung',
      workloads: [{ name: driverWorkload, state: 'hung' }, ...workloadNames.map((n) => ({ name: n, state: 'hung' as const }))],
      summary: 'the machine is unusable: CPU 0 never comes back from the driver (soft lockup); every workload waiting on it hangs',
    };
  } else if (fault) {
    const memKinds = new Set(['null_pointer', 'unmapped', 'out_of_bounds', 'read_only', 'write_only']);
    const step = vm.insns;
    if (memKinds.has(fault.kind)) {
      const addr = fault.address !== null ? u64(BigInt(fault.address)) : lastAccess?.vm ?? 0n;
      const isWrite = lastAccess !== null && lastAccess.pc === fault.pc && lastAccess.kind !== 'read';
      bugcheck = panelBase('page_fault', STOP.PAGE_FAULT_IN_NONPAGED_AREA,
        [toKernel(addr), isWrite ? 1n : 0n, CODE_BASE + BigInt(fault.pc) * 8n, 2n],
        `page fault in kernel mode at ${machine.describe(addr)}; the kernel has no handler for it (bug check 0x50 cannot be caught by try-except)`,
        { pc: fault.pc, step, address: addr, access: isWrite ? 'write' : 'read' });
    } else if (fault.kind === 'call_depth') {
      bugcheck = panelBase('exception', STOP.UNEXPECTED_KERNEL_MODE_TRAP, [8n, 0n, 0n, 0n],
        'kernel stack exhausted: the call ran into the stack guard page (double fault)', { pc: fault.pc, step, address: null, access: null });
    } else {
      const code = fault.kind === 'invalid_insn' || fault.kind === 'bad_jump' || fault.kind === 'fell_off_end' ? 0xc000001dn : 0xc0000005n;
      bugcheck = panelBase('exception', STOP.KMODE_EXCEPTION_NOT_HANDLED, [code, CODE_BASE + BigInt(fault.pc) * 8n, 0n, 0n],
        `unhandled exception in kernel mode: ${fault.message}`, { pc: fault.pc, step, address: null, access: null });
    }
    outcome = 'panic';
    machineState = halted(bugcheck, driverWorkload, workloadNames);
  } else {
    // The program returned. The kernel's later consistency checks find any corrupted structure.
    const hit = firstCheckedChange(machine, damage);
    if (hit) {
      const o = hit.object;
      const p1 = hit.check.param1 ?? 0n;
      bugcheck = panelBase('corruption', hit.check.stop, [p1, toKernel(BigInt(o.address + hit.field.off)), 0n, 0n],
        `${o.name}: ${hit.field.name} was overwritten (${hit.before} -> ${hit.after}); found ${hit.check.when}`,
        { pc: null, step: null, address: null, access: null });
      machineState = halted(bugcheck, driverWorkload, workloadNames);
    } else {
      machineState = {
        state: 'running',
        workloads: [{ name: driverWorkload, state: 'running' }, ...workloadNames.map((n) => ({ name: n, state: 'running' as const }))],
        summary: corruptions.length > 0
          ? 'the machine keeps running with silently corrupted kernel data (nothing checks those bytes)'
          : leaks.length > 0 ? 'the machine keeps running; kernel data has leaked to the driver' : 'the machine keeps running',
      };
    }
    outcome = corruptions.length > 0 ? 'corruption' : leaks.length > 0 ? 'leak' : 'ok';
  }

  const layoutInfo: ObjectInfo[] = machine.objects.map((o) => ({
    name: o.name, owner: o.owner, mapping: o.mapping, address: kaddr(BigInt(o.address)), size: o.size, what: o.spec.what ?? '',
  }));
  const r0 = fault ? null : registers[0]!;
  return {
    outcome, r0, insns: vm.insns, leaks, corruptions, damage, bugcheck, machine: machineState, vmFault: fault,
    layout: layoutInfo, accesses, trace, summary: summarize(outcome, leaks, corruptions, bugcheck),
  };
}

function halted(b: BugCheck, driver: string, names: readonly string[]): MachineState {
  return {
    state: 'halted',
    workloads: [{ name: driver, state: 'halted' }, ...names.map((n) => ({ name: n, state: 'halted' as const }))],
    summary: `bug check 0x${b.code.toString(16).toUpperCase()} ${b.name}: the whole machine halts; every workload on it stops`,
  };
}

function showValue(machine: DriverMachine, v: bigint): string {
  if (v >= 1n << 24n && v < 1n << 32n) {
    const d = machine.describe(v);
    if (d !== 'unmapped kernel address' && !d.startsWith('user-space')) return hex64(toKernel(v));
  }
  return hex64(v);
}

function diffObjects(machine: DriverMachine, initial: Map<string, Uint8Array>): ObjectDamage[] {
  const out: ObjectDamage[] = [];
  for (const o of machine.objects) {
    const b0 = initial.get(o.name);
    if (!b0) continue;
    const b1 = machine.objectBytes(o.name);
    const changes: FieldDiff[] = [];
    const covered = new Uint8Array(o.size);
    for (const f of o.spec.fields ?? []) {
      const x = b0.subarray(f.off, f.off + f.size);
      const y = b1.subarray(f.off, f.off + f.size);
      for (let i = f.off; i < f.off + f.size && i < o.size; i++) covered[i] = 1;
      if (x.every((v, i) => v === y[i])) continue;
      changes.push({ field: f.name, offset: f.off, before: fieldText(f, x), after: fieldText(f, y), checked: f.check !== undefined });
    }
    // bytes outside any named field
    let i = 0;
    while (i < o.size) {
      if (covered[i] || b0[i] === b1[i]) { i++; continue; }
      let j = i;
      while (j < o.size && !covered[j] && b0[j] !== b1[j]) j++;
      changes.push({ field: `bytes +0x${i.toString(16)}..+0x${j.toString(16)}`, offset: i, before: bytesHex(b0.subarray(i, j)), after: bytesHex(b1.subarray(i, j)), checked: false });
      i = j;
    }
    if (changes.length > 0) out.push({ object: o.name, address: kaddr(BigInt(o.address)), changes });
  }
  return out;
}

function firstCheckedChange(machine: DriverMachine, damage: readonly ObjectDamage[]) {
  for (const d of damage) {
    const o = machine.object(d.object)!;
    for (const c of d.changes) {
      if (!c.checked) continue;
      const f = (o.spec.fields ?? []).find((x) => x.name === c.field)!;
      return { object: o, field: f, check: f.check!, before: c.before, after: c.after };
    }
  }
  return null;
}

function summarize(outcome: DriverOutcome, leaks: readonly Leak[], corr: readonly Corruption[], b: BugCheck | null): string {
  const objs = (xs: readonly { object: string }[]) => [...new Set(xs.map((x) => x.object))].join(', ');
  switch (outcome) {
    case 'ok': return 'the driver returned; it touched nothing outside its own memory';
    case 'leak': return `the driver read ${leaks.reduce((n, l) => n + l.size, 0)} bytes it does not own (${objs(leaks)}): an information leak`;
    case 'corruption':
      return `the driver overwrote ${corr.reduce((n, c) => n + c.size, 0)} bytes of ${objs(corr)}` +
        (b ? `; the kernel found it later: bug check 0x${b.code.toString(16).toUpperCase()} ${b.name}` : '; nothing noticed (silent corruption)');
    case 'panic': return b ? `bug check 0x${b.code.toString(16).toUpperCase()} ${b.name}: ${b.reason}` : 'the machine halted';
    case 'lockup': return 'the driver never returned: soft lockup, the machine is unusable';
  }
}


