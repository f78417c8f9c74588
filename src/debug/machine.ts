// Building the machine a debug session steps: a fresh Vm with its context, packet, maps and
// helpers, from the session's input. Every build from the same input gives an identical machine
// (the replay that makes step-back exact depends on it). No node: imports (the web page bundles this).

import type { ElfProgram } from '../elf/types.js';
import type { Program } from '../isa/index.js';
import { ProgramContext } from '../runtime/context.js';
import type { MapDef } from '../runtime/maps/def.js';
import { MapSet, mapsFromJson, mapsToJson } from '../runtime/maps/index.js';
import { ObjectRuntime } from '../runtime/object.js';
import type { ProgTypeName } from '../runtime/progtypes.js';
import { type DriverMachine, type DriverOptions, type DriverResult, runDriver } from '../sim/driver/index.js';
import { DEFAULT_MAX_INSNS, Vm } from '../vm/index.js';

export type DebugMode = 'sandbox' | 'driver';

/** Everything a run depends on (what a trace file stores besides the program). */
export interface RunInput {
  progType: ProgTypeName;
  mode: DebugMode;
  /** raw: input memory (r1 = a copy, r2 = its length). */
  mem?: Uint8Array;
  /** xdp / socket_filter: the packet. */
  packet?: Uint8Array;
  /** kprobe: argument registers di, si, dx, cx, r8, r9. */
  regs?: readonly bigint[];
  /** bpf_get_prandom_u32 seed. */
  seed?: number;
  /** Instruction budget (driver mode: the watchdog). */
  maxInsns?: number;
  /** Map contents before the run, as `--map NAME=FILE.json` gives them (JSON per map name). */
  mapJson?: Readonly<Record<string, unknown>>;
  /** ELF objects: the program to run (function or section name). */
  programName?: string;
}

/** The program side of a session (built from a LoadedProgram by the caller). */
export interface DebugProgram {
  readonly file: string;
  readonly program: Program;
  readonly bytes: Uint8Array;
  readonly maps: readonly MapDef[];
  /** ELF input: every program of the object (tail calls) and the one to run. */
  readonly elf: { readonly programs: readonly ElfProgram[]; readonly program: ElfProgram } | null;
}

/** A machine ready at instruction 0. */
export interface BuiltMachine {
  readonly vm: Vm;
  /** Map contents as JSON (sandbox mode with maps); null when there are none. */
  mapsJson(): unknown;
  /** Driver mode: the simulated address space. */
  readonly driver: DriverMachine | null;
  /** Driver mode: the kernel's view of the whole run (computed on first call). */
  driverResult(): DriverResult | null;
  /** The sandbox's program context (packet, printk), when one was made. */
  readonly context: ProgramContext | null;
}

/** Extra options for driver mode (the CF291 scenario gives its layout and map values). */
export type DriverExtra = Omit<DriverOptions, 'setup' | 'trace' | 'recordAccesses'>;

function shapedProgram(p: DebugProgram): ElfProgram {
  if (p.elf) return p.elf.program;
  const mapsUsed = new Set<number>();
  for (const i of p.program.insns) if (i.op.opcode === 0x18 && (i.src === 1 || i.src === 2)) mapsUsed.add(i.imm);
  return {
    name: 'prog', section: 'prog', kernelType: 'unspec', kernelTypeId: 0, expectedAttachType: 0,
    program: p.program, bytes: p.bytes, lines: [], mapsUsed: [...mapsUsed].sort((a, b) => a - b), functions: new Map([[0, 'prog']]),
  };
}

/** Thrown by our setup hook in driver mode to stop runDriver before its first instruction. */
class StopBeforeFirst extends Error {}

/** Builds a fresh machine; throws a RangeError/Error for input no run can use. */
export function buildMachine(p: DebugProgram, input: RunInput, driverExtra?: DriverExtra): BuiltMachine {
  const maxInsns = input.maxInsns ?? DEFAULT_MAX_INSNS;
  if (input.mode === 'driver') return buildDriver(p, input, driverExtra ?? {});
  const useMaps = p.elf !== null || p.maps.length > 0 || Object.keys(input.mapJson ?? {}).length > 0;
  if (!useMaps) {
    const ctx = new ProgramContext({
      progType: input.progType, mem: input.mem, packet: input.packet, regs: input.regs, seed: input.seed,
    });
    const vm = new Vm(p.program, ctx.runOptions({ maxInsns }));
    return { vm, mapsJson: () => null, driver: null, driverResult: () => null, context: ctx };
  }
  const prog = shapedProgram(p);
  const programs = p.elf ? p.elf.programs : [prog];
  const rt = new ObjectRuntime({ programs, maps: p.maps });
  for (const [name, json] of Object.entries(input.mapJson ?? {})) {
    const r = mapsFromJson(rt.maps, name, json);
    if (!r.ok) throw new Error(`map ${name}: ${r.errors.map((e) => e.message).join('; ')}`);
  }
  const run = rt.start(prog.name, input.progType, {
    ...(input.progType === 'raw' ? { mem: input.mem } : input.progType === 'kprobe' ? { regs: input.regs } : { packet: input.packet }),
    ...(input.seed !== undefined ? { seed: input.seed } : {}),
    maxInsns,
  });
  return { vm: run.vm, mapsJson: () => mapsToJson(rt.maps), driver: null, driverResult: () => null, context: null };
}

function buildDriver(p: DebugProgram, input: RunInput, extra: DriverExtra): BuiltMachine {
  const opts: DriverOptions = {
    progType: input.progType,
    ...(input.mem ? { mem: input.mem } : {}),
    ...(input.packet ? { packet: input.packet } : {}),
    maps: p.maps,
    ...(input.maxInsns !== undefined ? { watchdogInsns: input.maxInsns } : {}),
    ...extra,
  };
  let vm: Vm | null = null;
  let machine: DriverMachine | null = null;
  // runDriver builds the address space and the Vm, then calls our setup hook last: we keep the Vm
  // and stop it before its first instruction (the Vm turns the throw into a setup fault, which we
  // clear). TODO(H8): a `startDriver()` returning the Vm would make this unnecessary.
  runDriver(p.program, {
    ...opts,
    setup: (v, m) => {
      vm = v;
      machine = m;
      throw new StopBeforeFirst('stop');
    },
  });
  if (!vm) throw new Error('driver mode: the machine was not built');
  const v = vm as Vm;
  v.state = 'ready';
  v.fault = null;
  let result: DriverResult | null = null;
  return {
    vm: v,
    mapsJson: () => null,
    driver: machine,
    driverResult: () => (result ??= runDriver(p.program, opts)),
    context: null,
  };
}

/** A MapSet check for map definitions (for callers that want diagnostics before building). */
export function checkMaps(maps: readonly MapDef[]): string | null {
  const r = MapSet.create(maps, {});
  return r.ok ? null : r.errors.map((e) => e.message).join('; ');
}
