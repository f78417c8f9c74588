// Trace files: a run saved as JSON (the program file's bytes, the input, the seed, breakpoints,
// watchpoints and the steps taken) so a class can share one. Loading replays to the same state;
// the final registers are stored too so a loader can check it got there.

import type { InputKind, LoadedProgram } from '../input/load.js';
import type { Result } from '../util/diagnostics.js';
import type { DriverExtra, RunInput } from './machine.js';
import { DebugSession, type SessionOptions, type Watchpoint, hexBytes } from './session.js';

export const TRACE_FORMAT = 'bpfbox-trace';
export const TRACE_VERSION = 1;

export interface TraceFile {
  readonly format: typeof TRACE_FORMAT;
  readonly version: number;
  /** The program file's name and kind, and its content as hex. */
  readonly file: string;
  readonly kind: InputKind;
  readonly content: string;
  readonly input: {
    readonly progType: RunInput['progType'];
    readonly mode: RunInput['mode'];
    readonly mem?: string;
    readonly packet?: string;
    readonly regs?: string[];
    readonly seed?: number;
    readonly maxInsns?: number;
    readonly mapJson?: Record<string, unknown>;
    readonly programName?: string;
    /** Program type the verifier judged it as, when not the run's. */
    readonly verifierType?: RunInput['progType'];
  };
  /** Scenario description (e.g. `{ "name": "cf291", ... }`), rebuilt by the loader's `scenario` hook. */
  readonly scenario?: unknown;
  readonly breakpoints: readonly string[];
  readonly watchpoints: readonly { kind: 'reg' | 'mem'; reg?: number; address?: string; size?: number; on: 'read' | 'write' | 'access' }[];
  /** Steps taken. */
  readonly steps: number;
  /** r0..r10 (hex) after the steps, to check a replay. */
  readonly registers: readonly string[];
}

export function hexToBytes(h: string): Uint8Array {
  const s = h.replace(/\s+/g, '');
  if (s.length % 2 !== 0 || /[^0-9a-f]/i.test(s)) throw new Error('trace: bad hex');
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The session as a trace file (JSON-ready). */
export function saveTrace(s: DebugSession): TraceFile {
  const i = s.input;
  const content = s.options.content ?? s.loaded.bytes;
  const kind = s.options.content ? s.options.kind ?? s.loaded.kind : 'bin';
  return {
    format: TRACE_FORMAT,
    version: TRACE_VERSION,
    file: s.loaded.file,
    kind,
    content: hexBytes(content),
    input: {
      progType: i.progType, mode: i.mode,
      ...(i.mem ? { mem: hexBytes(i.mem) } : {}),
      ...(i.packet ? { packet: hexBytes(i.packet) } : {}),
      ...(i.regs ? { regs: i.regs.map((r) => r.toString(16)) } : {}),
      ...(i.seed !== undefined ? { seed: i.seed } : {}),
      ...(i.maxInsns !== undefined ? { maxInsns: i.maxInsns } : {}),
      ...(i.mapJson && Object.keys(i.mapJson).length ? { mapJson: { ...i.mapJson } } : {}),
      ...(i.programName !== undefined ? { programName: i.programName } : {}),
      ...(s.options.verifierType !== undefined ? { verifierType: s.options.verifierType } : {}),
    },
    ...(s.options.scenario !== undefined ? { scenario: s.options.scenario } : {}),
    breakpoints: s.breakpoints().map((b) => String(b.slot)),
    watchpoints: s.watchpoints().map((w) => (w.kind === 'reg'
      ? { kind: 'reg' as const, reg: w.reg, on: w.on }
      : { kind: 'mem' as const, address: w.address.toString(16), size: w.size, on: w.on })),
    steps: s.stepCount,
    registers: s.registers().map((r) => r.toString(16)),
  };
}

export interface TraceLoaders {
  /** Loads program content of a kind (the CLI passes src/input/load.ts loadProgramBytes). */
  load(content: Uint8Array, kind: InputKind, file: string, opts: { program?: string }): Result<LoadedProgram>;
  /** Rebuilds driver options from a trace's scenario description. */
  scenario?(scenario: unknown): DriverExtra;
}

/** Rebuilds a session from a trace and replays it to the saved step. Throws an Error for a bad trace. */
export function loadTrace(json: unknown, loaders: TraceLoaders): DebugSession {
  const t = json as TraceFile;
  if (!t || typeof t !== 'object' || t.format !== TRACE_FORMAT) throw new Error(`not a ${TRACE_FORMAT} file`);
  if (t.version !== TRACE_VERSION) throw new Error(`trace version ${String(t.version)} is not supported (expected ${TRACE_VERSION})`);
  const content = hexToBytes(t.content);
  const loaded = loaders.load(content, t.kind, t.file, t.input.programName !== undefined ? { program: t.input.programName } : {});
  if (!loaded.ok) throw new Error(`trace: the program does not load: ${loaded.errors.map((e) => e.message).join('; ')}`);
  const input: RunInput = {
    progType: t.input.progType, mode: t.input.mode,
    ...(t.input.mem !== undefined ? { mem: hexToBytes(t.input.mem) } : {}),
    ...(t.input.packet !== undefined ? { packet: hexToBytes(t.input.packet) } : {}),
    ...(t.input.regs ? { regs: t.input.regs.map((r) => BigInt('0x' + r)) } : {}),
    ...(t.input.seed !== undefined ? { seed: t.input.seed } : {}),
    ...(t.input.maxInsns !== undefined ? { maxInsns: t.input.maxInsns } : {}),
    ...(t.input.mapJson ? { mapJson: t.input.mapJson } : {}),
    ...(t.input.programName !== undefined ? { programName: t.input.programName } : {}),
  };
  const opts: SessionOptions = { content, kind: t.kind, ...(t.input.verifierType !== undefined ? { verifierType: t.input.verifierType } : {}) };
  if (t.scenario !== undefined) {
    if (!loaders.scenario) throw new Error('trace: it needs a scenario this loader cannot rebuild');
    opts.driverExtra = loaders.scenario(t.scenario);
    opts.scenario = t.scenario;
  }
  const s = DebugSession.create(loaded.value, input, opts);
  for (const b of t.breakpoints ?? []) s.addBreakpoint(b);
  for (const w of t.watchpoints ?? []) {
    const wp: Watchpoint = w.kind === 'reg'
      ? { kind: 'reg', reg: w.reg ?? 0, on: w.on }
      : { kind: 'mem', address: BigInt('0x' + (w.address ?? '0')), size: w.size ?? 1, on: w.on };
    s.addWatchpoint(wp);
  }
  s.goto(t.steps);
  const regs = s.registers().map((r) => r.toString(16));
  if (t.registers && regs.join() !== t.registers.join()) {
    throw new Error(`trace: the replay did not reach the saved state (registers differ after ${t.steps} steps)`);
  }
  return s;
}
