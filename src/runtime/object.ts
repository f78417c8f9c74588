// Running the programs of a loaded object (src/elf) as the kernel would after loading it: one set
// of maps shared by every program and persisting across runs (like kernel maps), tail calls
// through prog_array maps whose values are program indices in `obj.programs`, trace_printk output
// per run, and the C source line of a fault. Verification is the caller's business (`verify`
// first; the kernel would refuse what it rejects).
//
//   const rt = new ObjectRuntime(obj);
//   rt.maps.get('blocked')!.update(key, value);            // host side, as bpf() would
//   const res = rt.run('xdp_firewall', 'xdp', { packet });  // res.r0, res.action, res.printk
//   rt.maps.get('counters')!.lookup(key);

import type { ElfProgram, LoadedObject, SourceLine } from '../elf/types.js';
import { Vm, type RunOptions, type TraceStep } from '../vm/index.js';
import { type PreparedProgram, prepare } from '../vm/prepare.js';
import { type ContextOptions, ProgramContext, type ProgRunResult, xdpActionName } from './context.js';
import { HELPER_TAIL_CALL, type ProgArrayView, tailCallHelper } from './helperimpl/tailcall.js';
import { HELPER_REDIRECT_MAP, redirectMap } from './helperimpl/xdp.js';
import { FdArrayMap, MapSet, createMapRuntime } from './maps/index.js';
import type { ProgTypeName } from './progtypes.js';

export interface ObjectRunOptions
  extends Pick<ContextOptions, 'packet' | 'mem' | 'regs' | 'ptRegs' | 'task' | 'kernelMemory' | 'userMemory' | 'ingressIfindex' | 'rxQueueIndex'> {
  /** Seed of bpf_get_prandom_u32 (default: the runtime's seed, else 1). */
  seed?: number;
  /** Simulated CPU the program runs on (per-CPU map values, get_smp_processor_id); default 0. */
  cpu?: number;
  /** Instruction budget of the whole run, tail calls included (default 1,000,000). */
  maxInsns?: number;
  /** Called after each instruction; `step.program` names the program (tail calls change it). */
  trace?: (step: TraceStep) => void;
}

export interface ObjectRunResult extends ProgRunResult {
  /** Names of the programs entered by tail calls, in order. */
  tailCalls: string[];
  /** The program running at the end (the entry program unless a tail call happened). */
  program: string;
  /** The C source line of the faulting instruction, where line info gives one. */
  line?: SourceLine;
}

/** A run set up but not started: step `vm` (a debugger) or run it, then read `result()`. */
export interface ObjectRun {
  readonly vm: Vm;
  /** The result as of now (after the run ends: the final one). */
  result(): ObjectRunResult;
}

export class ObjectRuntime {
  /** The object's maps; they persist across runs (reset with `maps.reset()`). */
  readonly maps: MapSet;
  private readonly programs: readonly ElfProgram[];
  private readonly prepared = new Map<number, PreparedProgram>();
  private readonly seed: number | undefined;

  /**
   * Throws a MapDefError (from MapSet) for map definitions no kernel would create; use
   * `MapSet.create` first to get them as diagnostics.
   */
  constructor(obj: Pick<LoadedObject, 'programs' | 'maps'>, opts: { cpus?: number; seed?: number } = {}) {
    this.programs = obj.programs;
    this.maps = new MapSet(obj.maps, { cpus: opts.cpus, programs: obj.programs.map((p) => p.name) });
    this.seed = opts.seed;
  }

  /** The program named `name` (function name, else section name). */
  program(name: string): ElfProgram | undefined {
    return this.programs.find((p) => p.name === name) ?? this.programs.find((p) => p.section === name);
  }

  private preparedAt(index: number): PreparedProgram {
    let p = this.prepared.get(index);
    if (!p) {
      p = prepare(this.programs[index]!.program);
      this.prepared.set(index, p);
    }
    return p;
  }

  /**
   * Runs program `name` as a program of `progType`. Never throws for any program; throws a
   * RangeError for an unknown program name or options no run can use (a packet under 14 bytes,
   * a CPU the maps do not have).
   */
  run(name: string, progType: ProgTypeName, opts: ObjectRunOptions = {}): ObjectRunResult {
    const r = this.start(name, progType, opts);
    r.vm.run();
    return r.result();
  }

  /** Like `run`, but returns the machine before its first instruction (for stepping). */
  start(name: string, progType: ProgTypeName, opts: ObjectRunOptions = {}): ObjectRun {
    const entry = this.program(name);
    if (!entry) {
      throw new RangeError(`no program named ${name} (the object has ${this.programs.map((p) => p.name).join(', ') || 'none'})`);
    }
    const entryIndex = this.programs.indexOf(entry);
    const cpu = opts.cpu ?? 0;
    const ctx = new ProgramContext({
      progType, packet: opts.packet, mem: opts.mem, regs: opts.regs, ptRegs: opts.ptRegs, task: opts.task,
      kernelMemory: opts.kernelMemory, userMemory: opts.userMemory, ingressIfindex: opts.ingressIfindex,
      rxQueueIndex: opts.rxQueueIndex, seed: opts.seed ?? this.seed, cpu,
    });
    const mapRt = createMapRuntime(this.maps, { cpu });
    const tailCalls: string[] = [];
    const progArray = (handle: bigint): ProgArrayView | null => {
      const m = mapRt.mapOfHandle(handle);
      if (!(m instanceof FdArrayMap) || m.def.type !== 'prog_array') return null;
      return {
        maxEntries: m.def.maxEntries,
        target: (i) => {
          const t = m.target(i);
          if (t === null || t >= this.programs.length) return null;
          return { program: this.preparedAt(t), name: this.programs[t]!.name };
        },
      };
    };
    const extra = mapRt.helpers();
    extra.set(HELPER_TAIL_CALL, tailCallHelper(progArray, (n) => tailCalls.push(n)));
    extra.set(HELPER_REDIRECT_MAP, (c) => {
      const m = mapRt.mapOfHandle(c.arg(1));
      if (!m) return c.fault('E_BAD_MAP', `bpf_redirect_map: r1 (${c.arg(1)}) is not a map`);
      const r = redirectMap(m.def.type, (key) => m.lookup(key) !== null, c.argLo(2), c.argLo(3), c.argHi(3));
      if (r.redirected) ctx.redirectMap = { map: m.def.name, key: c.argLo(2) };
      c.setReturn(r.action);
    });
    const helpers = ctx.helpers(extra);

    const runOpts: RunOptions = {
      helpers,
      resolvePseudo: mapRt.resolvePseudo,
      programName: entry.name,
      setup: (vm) => {
        mapRt.setup(vm);
        ctx.setup(vm);
      },
    };
    if (progType === 'raw' && opts.mem) runOpts.mem = opts.mem;
    if (progType === 'socket_filter') runOpts.legacyPacketLoad = ctx.legacyPacketLoad;
    if (opts.maxInsns !== undefined) runOpts.maxInsns = opts.maxInsns;
    if (opts.trace) runOpts.trace = opts.trace;

    const vm = new Vm(this.preparedAt(entryIndex), runOpts);
    return { vm, result: () => this.resultOf(vm, ctx, progType, entry, tailCalls) };
  }

  private resultOf(vm: Vm, ctx: ProgramContext, progType: ProgTypeName, entry: ElfProgram, tailCalls: string[]): ObjectRunResult {
    const res = vm.result();
    const current = vm.programName ?? entry.name;
    const result: ObjectRunResult = {
      ...res,
      progType,
      packet: ctx.packetOut(),
      action: progType === 'xdp' ? xdpActionName(res.r0) : null,
      printk: ctx.printk.slice(),
      redirectIfindex: ctx.redirectIfindex,
      redirectMap: ctx.redirectMap,
      perfEvents: ctx.perfEvents.slice(),
      tailCalls: tailCalls.slice(),
      program: current,
    };
    if (res.fault) {
      const running = this.programs.find((p) => p.name === current) ?? entry;
      const line = running.lines[res.fault.pc];
      if (line) result.line = line;
    }
    return result;
  }
}
