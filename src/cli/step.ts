// `bpfbox step FILE [...run options]`: the step debugger in the terminal. Full screen (terminal-kit)
// when stdout is a TTY: disassembly with the current instruction and its C line, registers with
// the last step's changes (old -> new), the stack frame, the memory the instruction accesses, the
// verifier's state and the safety obligation at this instruction, a key help line. Otherwise (or
// with --plain) a line-oriented mode that reads commands from stdin and prints plain text, for
// scripts and tests. The stepping itself is src/debug (the web page uses the same core).
//
// main.ts wires it:  .command('step <file>', STEP_DESCRIPTION, (y) => y.positional('file', ...)
//                      .options(STEP_OPTIONS), async (argv) => { process.exitCode = await stepCommand(argv); })

import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Syntax } from '../asm/index.js';
import { bpfboxTypeOf, progTypeOfSection } from '../elf/sections.js';
import {
  DebugSession, type DriverExtra, type RunInput, type StepRecord, type StopReason, type Watchpoint, describeStep,
  loadTrace, saveTrace, stackSlots,
} from '../debug/index.js';
import { type InputKind, type LoadedProgram, inputKindOf, loadProgramBytes, parseHexBytes, readInput } from '../input/load.js';
import { DEFAULT_PACKET_SIZE, packetProblem } from '../runtime/context.js';
import type { ProgTypeName } from '../runtime/progtypes.js';
import { parseProgramHeader } from '../sim/compare/index.js';
import { DEFAULT_WATCHDOG_INSNS, formatBugcheckPanel } from '../sim/driver/index.js';
import { formatDiagnostic } from '../util/diagnostics.js';

/** Default instruction budget of `bpfbox step` in sandbox mode (each step is recorded, ~0.5 KB). */
export const STEP_DEFAULT_MAX_INSNS = 100_000;

export const STEP_DESCRIPTION = 'step through a program: step, step back, breakpoints, the verifier\'s view at each instruction (full screen on a terminal, line commands otherwise)';

/** yargs option definitions of `bpfbox step` (besides the positional FILE). */
export const STEP_OPTIONS = {
  type: {
    choices: ['raw', 'xdp', 'socket_filter', 'kprobe'] as const,
    describe: 'program type (default: the ELF section\'s or `.section`/`# type:` header\'s, else raw)',
  },
  program: { type: 'string' as const, describe: 'ELF objects: the program to step (function or section name)' },
  mem: { type: 'string' as const, describe: 'raw: input memory as hex bytes' },
  'mem-file': { type: 'string' as const, describe: 'raw: input memory from a binary file' },
  'packet-hex': { type: 'string' as const, describe: `xdp/socket_filter: the packet as hex (default ${DEFAULT_PACKET_SIZE} zero bytes)` },
  packet: { type: 'string' as const, describe: 'xdp/socket_filter: the packet from a binary file' },
  regs: { type: 'string' as const, describe: 'kprobe: argument registers di,si,dx,cx,r8,r9 (comma-separated)' },
  map: { type: 'string' as const, array: true, describe: 'NAME=FILE.json: fill a map before the run (repeatable)' },
  seed: { type: 'number' as const, describe: 'seed of bpf_get_prandom_u32' },
  'max-insns': { type: 'number' as const, describe: `instruction budget (default ${STEP_DEFAULT_MAX_INSNS}; driver mode: the watchdog, default ${DEFAULT_WATCHDOG_INSNS})` },
  mode: { choices: ['sandbox', 'driver'] as const, default: 'sandbox', describe: 'sandbox (bpfbox\'s checked VM) or driver (the same code as an unchecked kernel driver)' },
  scenario: { choices: ['cf291'] as const, describe: 'step the Channel File 291 scenario (FILE: a channel file, or a content version such as v0719-0409)' },
  break: { type: 'string' as const, array: true, describe: 'breakpoint: insn index, label, FILE.c:LINE or s:LINE (repeatable)' },
  watch: { type: 'string' as const, array: true, describe: 'watchpoint: rN[:read|write|access] or ADDR+LEN[:read|write|access] (repeatable)' },
  plain: { type: 'boolean' as const, default: false, describe: 'line-oriented mode even on a terminal' },
  save: { type: 'string' as const, describe: 'write the run as a JSON trace file when quitting' },
  commands: { type: 'string' as const, describe: 'line mode: commands separated by `;` instead of stdin' },
  syntax: { choices: ['llvm', 'mnemonic'] as const, describe: 'force the assembly syntax of a text input' },
};

export interface StepArgs {
  file: string;
  type?: string;
  program?: string;
  mem?: string;
  'mem-file'?: string;
  'packet-hex'?: string;
  packet?: string;
  regs?: string;
  map?: string[];
  seed?: number;
  'max-insns'?: number;
  mode?: string;
  scenario?: string;
  break?: string[];
  watch?: string[];
  plain?: boolean;
  save?: string;
  commands?: string;
  syntax?: string;
}

/** Streams the command talks to (tests pass their own). */
export interface StepIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: NodeJS.WritableStream;
}

class UsageError extends Error {}

const hex = (v: bigint): string => '0x' + v.toString(16);

function hexArg(text: string, what: string): Uint8Array {
  const r = parseHexBytes(text, what);
  if (!r.ok) throw new UsageError(r.errors.map((e) => formatDiagnostic(e)).join('\n'));
  return r.value;
}

function fileArg(file: string): Uint8Array {
  const r = readInput(file);
  if (!r.ok) throw new UsageError(r.errors.map((e) => formatDiagnostic(e)).join('\n'));
  return new Uint8Array(r.value);
}

function regsArg(text: string): bigint[] {
  return text.split(',').map((x) => {
    const t = x.trim();
    if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(t)) throw new UsageError(`--regs: '${t}' is not an integer`);
    return BigInt.asUintN(64, t.startsWith('-') ? -BigInt(t.slice(1)) : BigInt(t));
  });
}

/** `r3`, `r3:write`, `0x20000000+8:read` */
export function parseWatch(spec: string): Watchpoint {
  const m = /^(.*?)(?::(read|write|access))?$/.exec(spec.trim())!;
  const what = m[1]!;
  const on = (m[2] ?? (what.startsWith('r') ? 'write' : 'access')) as Watchpoint['on'];
  const r = /^r(\d+)$/i.exec(what);
  if (r) {
    const reg = Number(r[1]);
    if (reg > 10) throw new UsageError(`watch: no register r${reg}`);
    return { kind: 'reg', reg, on };
  }
  const a = /^(0x[0-9a-f]+|\d+)(?:\+(\d+|0x[0-9a-f]+))?$/i.exec(what);
  if (!a) throw new UsageError(`watch: '${spec}' is neither rN nor ADDR+LEN`);
  return { kind: 'mem', address: BigInt(a[1]!), size: a[2] ? Number(a[2]) : 1, on };
}

/**
 * loadProgramBytes, plus the maps of a `# maps:` header (programs/cf291 and programs/unsafe describe
 * their maps there rather than with `.map` directives).
 */
export function loadForStep(content: Uint8Array, kind: InputKind, file: string, opts: { program?: string; syntax?: Syntax | 'auto' } = {}) {
  const r = loadProgramBytes(content, kind, file, opts);
  if (!r.ok || kind !== 'asm' || r.value.maps.length > 0) return r;
  const h = parseProgramHeader(new TextDecoder().decode(content));
  return h.maps.length > 0 ? { ok: true as const, value: { ...r.value, maps: h.maps } } : r;
}

/** The CF291 scenario's pieces (src/sim/scenario reads files: node only, so it is loaded here). */
async function cf291(args: StepArgs, mode: 'sandbox' | 'driver') {
  const sc = await import('../sim/scenario/index.js');
  const spec = args.file;
  let content: Uint8Array;
  let label: string;
  if (sc.VERSIONS.some((v) => v.name === spec)) {
    content = sc.contentBytes(spec);
    label = spec;
  } else {
    content = fileArg(spec);
    label = basename(spec);
    // A channel file is data for the interpreter: refuse anything that is not one (say what is wrong).
    const d = sc.decode(content);
    if (!d.ok) {
      throw new UsageError(`${spec}: not a BCF1 channel file (${d.problems.map((p) => p.message).join('; ')}); ` +
        `give a channel file or a content version: ${sc.VERSIONS.map((v) => v.name).join(', ')}`);
    }
  }
  const build = sc.loadInterpreter(mode === 'driver' ? 'v1' : 'v2');
  const r = loadForStep(new TextEncoder().encode(build.source), 'asm', build.file);
  if (!r.ok) throw new UsageError(r.errors.map((e) => formatDiagnostic(e)).join('\n'));
  const loaded: LoadedProgram = { ...r.value, maps: build.maps };
  const scenario = { name: 'cf291', content: Array.from(content, (b) => b.toString(16).padStart(2, '0')).join(''), label, seed: args.seed ?? 0 };
  return { loaded, scenario, source: build.source, build: build.file };
}

async function scenarioExtra(s: unknown): Promise<DriverExtra> {
  const o = s as { name?: string; content?: string; seed?: number };
  if (o?.name !== 'cf291' || typeof o.content !== 'string') throw new UsageError('trace: unknown scenario');
  const sc = await import('../sim/scenario/index.js');
  const content = hexArg(o.content, 'scenario');
  const v1 = sc.loadInterpreter('v1');
  return {
    maps: v1.maps,
    layout: sc.cf291Layout(content, sc.DEFAULT_EVENT, sc.garbageFor(o.seed)),
    mapValues: { content: sc.mapValue(content, sc.CONTENT_MAP_SIZE) },
    module: sc.DRIVER_MODULE,
  };
}

function cf291SandboxMaps(sc: typeof import('../sim/scenario/index.js'), content: Uint8Array): Record<string, unknown> {
  const h = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return {
    content: [{ key: 0, value: h(sc.mapValue(content, sc.CONTENT_MAP_SIZE)) }],
    ipc_inputs: [{ key: 0, value: h(sc.inlineInputs(sc.DEFAULT_EVENT)) }],
  };
}

/** Builds the session the arguments describe. */
export async function sessionFromArgs(args: StepArgs): Promise<DebugSession> {
  const mode = (args.mode ?? 'sandbox') as 'sandbox' | 'driver';
  if (mode !== 'sandbox' && mode !== 'driver') throw new UsageError(`--mode must be sandbox or driver, got ${String(args.mode)}`);
  const maxInsns = args['max-insns'];
  if (maxInsns !== undefined && (!Number.isInteger(maxInsns) || maxInsns < 1)) throw new UsageError('--max-insns must be a positive integer');

  if (extname(args.file).toLowerCase() === '.json') return loadTraceFile(args.file);

  let loaded: LoadedProgram;
  let content: Uint8Array;
  let kind: InputKind;
  let scenario: unknown;
  let driverExtra: DriverExtra | undefined;
  let mapJson: Record<string, unknown> = {};
  let headerType: ProgTypeName | null = null;
  let headerMem: Uint8Array | null = null;
  if (args.scenario === 'cf291') {
    const c = await cf291(args, mode);
    loaded = c.loaded;
    content = new TextEncoder().encode(c.source);
    kind = 'asm';
    headerType = mode === 'driver' ? 'raw' : 'socket_filter';
    if (mode === 'driver') {
      scenario = c.scenario;
      driverExtra = await scenarioExtra(c.scenario);
    } else {
      const sc = await import('../sim/scenario/index.js');
      mapJson = cf291SandboxMaps(sc, hexArg(c.scenario.content, 'content'));
    }
  } else {
    const k = inputKindOf(args.file);
    if (!k) throw new UsageError(`${args.file}: unknown file type: expected .s, .asm, .data, .bin, .hex, .o or a .json trace`);
    kind = k;
    content = fileArg(args.file);
    const r = loadForStep(content, kind, args.file, {
      syntax: (args.syntax ?? 'auto') as Syntax | 'auto', ...(args.program !== undefined ? { program: args.program } : {}),
    });
    if (!r.ok) throw new UsageError(r.errors.map((e) => formatDiagnostic(e)).join('\n'));
    loaded = r.value;
    if (kind === 'asm') {
      // programs/unsafe and programs/cf291 describe their input in a `# type:` / `# mem:` / `# maps:` header
      const h = parseProgramHeader(new TextDecoder().decode(content));
      headerType = h.progType;
      if (h.mem) headerMem = h.mem;
      else if (h.memSize) headerMem = new Uint8Array(h.memSize);
      if (headerMem && h.memSize && headerMem.length < h.memSize) {
        const m = new Uint8Array(h.memSize);
        m.set(headerMem);
        headerMem = m;
      }
      if (loaded.maps.length === 0 && h.maps.length > 0) loaded = { ...loaded, maps: h.maps };
    }
  }
  if (args.program !== undefined && !loaded.elf) throw new UsageError('--program is for ELF objects (.o)');

  let progType: ProgTypeName;
  if (args.type !== undefined) progType = args.type as ProgTypeName;
  else if (headerType) progType = headerType;
  else if (loaded.elf) {
    const t = bpfboxTypeOf(loaded.elf.program.kernelType);
    if (!t) throw new UsageError(`cannot pick a program type for '${loaded.elf.program.name}' (section '${loaded.elf.program.section}'): give --type`);
    progType = t;
  } else if (loaded.section) progType = bpfboxTypeOf(progTypeOfSection(loaded.section).kernelType) ?? 'raw';
  else progType = 'raw';

  if (args.mem !== undefined && args['mem-file'] !== undefined) throw new UsageError('give either --mem or --mem-file, not both');
  if (args['packet-hex'] !== undefined && args.packet !== undefined) throw new UsageError('give either --packet-hex or --packet, not both');
  const input: RunInput = { progType, mode };
  if (progType === 'raw') {
    const mem = args.mem !== undefined ? hexArg(args.mem, '--mem') : args['mem-file'] !== undefined ? fileArg(args['mem-file']) : loaded.mem ?? headerMem;
    if (mem) input.mem = mem;
  } else if (args.mem !== undefined || args['mem-file'] !== undefined) {
    throw new UsageError(`--mem and --mem-file are for raw programs, not ${progType}`);
  }
  if (progType === 'xdp' || progType === 'socket_filter') {
    const packet = args['packet-hex'] !== undefined ? hexArg(args['packet-hex'], '--packet-hex')
      : args.packet !== undefined ? fileArg(args.packet) : new Uint8Array(DEFAULT_PACKET_SIZE);
    const problem = packetProblem(progType, packet);
    if (problem) throw new UsageError(problem);
    input.packet = packet;
  } else if (args['packet-hex'] !== undefined || args.packet !== undefined) {
    throw new UsageError(`--packet and --packet-hex are for xdp or socket_filter programs`);
  }
  if (args.regs !== undefined) {
    if (progType !== 'kprobe') throw new UsageError('--regs is for kprobe programs');
    input.regs = regsArg(args.regs);
  }
  if (args.seed !== undefined) {
    if (!Number.isInteger(args.seed)) throw new UsageError('--seed must be an integer');
    input.seed = args.seed;
  }
  // Every step is kept (for step back and the timeline): a smaller default budget than `run`'s.
  input.maxInsns = maxInsns ?? (mode === 'driver' ? DEFAULT_WATCHDOG_INSNS : STEP_DEFAULT_MAX_INSNS);
  for (const spec of args.map ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--map wants NAME=FILE.json, got '${spec}'`);
    try {
      mapJson[spec.slice(0, eq)] = JSON.parse(new TextDecoder().decode(fileArg(spec.slice(eq + 1))));
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`--map ${spec}: not valid JSON`);
    }
  }
  if (Object.keys(mapJson).length) input.mapJson = mapJson;
  if (args.program !== undefined) input.programName = args.program;

  let s: DebugSession;
  try {
    s = DebugSession.create(loaded, input, {
      content, kind, ...(scenario !== undefined ? { scenario } : {}), ...(driverExtra ? { driverExtra } : {}),
      ...(args.scenario === 'cf291' ? { verifierType: 'socket_filter' as const } : {}),
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  for (const b of args.break ?? []) {
    if (s.addBreakpoint(b).length === 0) throw new UsageError(`--break ${b}: no instruction there`);
  }
  for (const w of args.watch ?? []) s.addWatchpoint(parseWatch(w));
  return s;
}

/** Trace loading for scenario traces (the scenario hook is async-free: rebuild eagerly). */
export async function loadTraceFile(file: string): Promise<DebugSession> {
  const json = JSON.parse(new TextDecoder().decode(fileArg(file))) as { scenario?: unknown };
  const extra = json.scenario !== undefined ? await scenarioExtra(json.scenario) : undefined;
  return loadTrace(json, {
    load: (content, kind, f, o) => loadForStep(content, kind, f, o),
    ...(extra ? { scenario: () => extra } : {}),
  });
}

// ---- text views shared by both modes --------------------------------------------------------------

export function stopText(r: StopReason, s: DebugSession): string {
  switch (r.reason) {
    case 'breakpoint': return `breakpoint at insn ${r.slot} (step ${s.stepCount})`;
    case 'watchpoint': return `watchpoint at step ${r.step}: ${r.detail}`;
    case 'exit': return `exited at step ${s.stepCount}: r0 = ${hex(s.registers()[0]!)}`;
    case 'fault': return `fault at step ${s.stepCount}, insn ${r.fault.pc}: ${r.fault.message} [${r.fault.code}]`;
    case 'limit': return `stopped after the step limit (step ${s.stepCount})`;
    case 'nothing': return s.status === 'exited' ? 'the program has exited (b: back, r: reset)' : 'the program has faulted (b: back, r: reset)';
  }
}

function statusText(s: DebugSession): string {
  if (s.status === 'exited') return `exited, r0 = ${hex(s.registers()[0]!)}`;
  if (s.status === 'faulted') return `faulted: ${s.fault?.message ?? ''} [${s.fault?.code ?? ''}]`;
  return `at insn ${s.pc}`;
}

/** The verifier's lines for the current instruction: its state(s) there and the log lines it printed. */
export function verifierLines(s: DebugSession): string[] {
  const out: string[] = [];
  const v = s.verifier();
  const pc = s.pc;
  if (!v.accepted && v.rejection) {
    out.push(`verifier: REJECTED at insn ${v.rejection.pc}: ${v.rejection.message.split('\n')[0]} [${v.rejection.code}]`);
    out.push(`  ${v.rejection.explanation}`);
  } else {
    out.push(`verifier: accepted (processed ${v.result.stats.processedInsns} insns)`);
  }
  const states = v.statesAt(pc);
  if (states.length === 0) out.push(`  no verifier state at insn ${pc} (${v.accepted ? 'not reached by the verifier' : 'the verifier stopped before it'})`);
  states.forEach((st, i) => out.push(`  state ${i + 1}/${states.length} at ${pc}:${st.text}`));
  return out;
}

/** 8 bytes around an access, the accessed ones in brackets: `stack0+504: 00 00 00 00 [0a 00 00 01]`. */
function accessBytes(s: DebugSession, address: bigint, size: number): string | null {
  const where = s.whereIs(address);
  if (!where) return null;
  const start = address - BigInt(where.offset % 8);
  const m = s.readMemory(start, Math.max(8, Number(address - start) + size));
  if (!m) return null;
  const parts = Array.from(m.bytes, (b, i) => {
    const a = start + BigInt(i);
    const t = b.toString(16).padStart(2, '0');
    const first = a === address;
    const last = a === address + BigInt(size) - 1n;
    return `${first ? '[' : ''}${t}${last ? ']' : ''}`;
  });
  return `${m.region}+${m.offset}: ${parts.join(' ')}`;
}

function regionDump(s: DebugSession, rec: StepRecord | null): string[] {
  const out: string[] = [];
  const o = s.obligation();
  if (o) {
    out.push(`next: ${o.text}`);
    out.push(`  ${o.formula}${o.verifierReg ? `   (verifier: ${o.verifierReg})` : ''}`);
    const bytes = accessBytes(s, o.address, o.size);
    if (bytes) out.push(`  ${bytes}`);
    if (s.mode === 'driver') {
      const d = s.describeAddress(o.address);
      if (d) out.push(`  kernel: ${hex(o.address)} is ${d}`);
    }
  }
  if (s.mode === 'driver' && !s.running) {
    const d = s.driverResult();
    if (d) out.push(`driver: ${d.summary}`);
  }
  if (rec) {
    for (const a of rec.accesses) {
      const b = a.bytes ? Array.from(a.bytes, (x) => x.toString(16).padStart(2, '0')).join(' ') : '(faulted)';
      const where = a.region ? `${a.region}+${a.offset}` : s.mode === 'driver' ? s.describeAddress(a.address) ?? 'unmapped' : 'unmapped';
      out.push(`last: ${a.kind} ${a.size} at ${hex(a.address)} (${where})${a.by === 'helper' ? ' by helper' : ''}: ${a.old ? Array.from(a.old, (x) => x.toString(16).padStart(2, '0')).join(' ') + ' -> ' : ''}${b}`);
    }
  }
  return out;
}

// ---- line mode --------------------------------------------------------------------------------------

const LINE_HELP = [
  'commands: step [N] | back [N] | continue | run | goto N | reset',
  '          break SPEC | delete SPEC | breaks | watch rN[:read|write|access] | watch ADDR+LEN[:..] | unwatch N',
  '          regs | mem ADDR LEN | stack | state | log | path | list [N] | where | info | save FILE | quit',
];

function memLines(s: DebugSession, addr: bigint, len: number): string[] {
  const m = s.readMemory(addr, len);
  if (!m) return [`${hex(addr)}: not mapped${s.mode === 'driver' ? ` (${s.describeAddress(addr)})` : ''}`];
  const out: string[] = [];
  for (let i = 0; i < m.bytes.length; i += 16) {
    const chunk = m.bytes.subarray(i, i + 16);
    out.push(`${hex(addr + BigInt(i))} ${m.region}+${m.offset + i}: ${Array.from(chunk, (x) => x.toString(16).padStart(2, '0')).join(' ')}`);
  }
  return out;
}

function whereLines(s: DebugSession): string[] {
  const pc = s.pc;
  const t = s.insnText(pc);
  const c = s.cLineAt(pc);
  const a = s.asmLineAt(pc);
  return [
    `step ${s.stepCount}, ${statusText(s)}: ${t.llvm}    [${t.mnemonic}]` +
      (c ? `    // ${c.file.replace(/^\.\//, '')}:${c.line}: ${c.text.trim()}` : a !== null ? `    // line ${a}` : ''),
  ];
}

/** Runs one line command; returns the output lines, or null for quit. */
export function lineCommand(s: DebugSession, line: string): string[] | null {
  const words = line.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const [cmd, ...rest] = words as [string, ...string[]];
  const num = (i: number, d: number): number => {
    const w = rest[i];
    if (w === undefined) return d;
    const n = Number(w);
    if (!Number.isFinite(n)) throw new UsageError(`'${w}' is not a number`);
    return n;
  };
  try {
    switch (cmd) {
      case 'q': case 'quit': case 'exit':
        return null;
      case 'help': case 'h': case '?':
        return LINE_HELP;
      case 's': case 'step': case 'n': case 'next': {
        const out: string[] = [];
        const n = num(0, 1);
        for (let i = 0; i < n; i++) {
          const rec = s.step();
          if (!rec) {
            out.push(stopText({ reason: 'nothing' }, s));
            break;
          }
          out.push(...describeStep(rec));
          if (s.breakpoints().some((b) => b.slot === s.pc) && i < n - 1) {
            out.push(`breakpoint at insn ${s.pc}`);
            break;
          }
        }
        return out;
      }
      case 'b': case 'back': {
        const n = num(0, 1);
        let k = 0;
        for (; k < n && s.back(); k++);
        return [k === 0 ? 'at step 0: nothing to undo' : `back ${k} step${k === 1 ? '' : 's'}`, ...whereLines(s)];
      }
      case 'c': case 'continue': {
        const r = s.continue();
        return [stopText(r, s), ...whereLines(s)];
      }
      case 'run': {
        const r = s.runToEnd();
        return [stopText(r, s), ...whereLines(s)];
      }
      case 'g': case 'goto': {
        const n = num(0, NaN);
        if (!Number.isInteger(n) || n < 0) return ['goto wants a step number'];
        const got = s.goto(n);
        return [got === n ? `at step ${got}` : `the run ends at step ${got}`, ...whereLines(s)];
      }
      case 'r': case 'reset':
        s.reset();
        return ['reset to step 0', ...whereLines(s)];
      case 'break': case 'k': {
        if (rest.length === 0) return ['break wants a location: insn index, label, FILE.c:LINE or s:LINE'];
        const slots = s.addBreakpoint(rest.join(' '));
        return slots.length ? [`breakpoint at insn ${slots.join(', ')}`] : [`no instruction at ${rest.join(' ')}`];
      }
      case 'delete': {
        const slots = s.removeBreakpoint(rest.join(' '));
        return [slots.length ? `deleted breakpoint at insn ${slots.join(', ')}` : 'no such breakpoint'];
      }
      case 'breaks': case 'breakpoints':
        return s.breakpoints().length ? s.breakpoints().map((b) => `insn ${b.slot} (${b.spec})`) : ['no breakpoints'];
      case 'watch': {
        if (rest.length === 0) {
          return s.watchpoints().length
            ? s.watchpoints().map((w, i) => `${i}: ${w.kind === 'reg' ? `r${w.reg}` : `${hex(w.address)}+${w.size}`} on ${w.on}`)
            : ['no watchpoints'];
        }
        const w = parseWatch(rest.join(''));
        s.addWatchpoint(w);
        return [`watching ${w.kind === 'reg' ? `r${w.reg}` : `${hex(w.address)}+${w.size}`} on ${w.on}`];
      }
      case 'unwatch':
        s.removeWatchpoint(num(0, 0));
        return ['removed'];
      case 'regs': case 'registers': {
        const rec = s.lastStep();
        const regs = s.registers();
        return regs.map((v, r) => {
          const changed = rec && rec.regsBefore[r] !== rec.regsAfter[r] ? `   (was ${hex(rec.regsBefore[r]!)})` : '';
          return `r${r} = ${hex(v)}${changed}`;
        });
      }
      case 'mem': case 'x': {
        if (rest.length < 1) return ['mem wants ADDR [LEN]'];
        let addr: bigint;
        const reg = /^r(\d+)$/.exec(rest[0]!);
        try {
          addr = reg ? s.registers()[Number(reg[1])]! : BigInt(rest[0]!);
        } catch {
          return [`'${rest[0]}' is not an address`];
        }
        return memLines(s, addr, num(1, 16));
      }
      case 'stack': {
        const slots = stackSlots(s);
        if (slots.length === 0) return ['stack: nothing written'];
        return slots.map((sl) => `fp${sl.fpOff}: ${Array.from(sl.bytes, (x) => x.toString(16).padStart(2, '0')).join(' ')}  [${sl.kinds}]${sl.initialized ? '' : ' uninitialized'}`);
      }
      case 'state': case 'verifier':
        return [...verifierLines(s), ...regionDump(s, null)];
      case 'log': {
        const entries = s.verifier().logAt(s.pc);
        return entries.length ? entries.map((e) => e.text) : [`the verifier printed nothing for insn ${s.pc}`];
      }
      case 'path': {
        const v = s.verifier();
        if (!v.path || !v.rejection) return ['the verifier accepted the program: no rejection path'];
        return [
          `rejected at insn ${v.rejection.pc}: ${v.rejection.message.split('\n').join(' / ')} [${v.rejection.code}]`,
          `  ${v.rejection.explanation}`,
          'path the verifier walked to it:',
          ...v.path.map((e) => `  ${e.text}`),
        ];
      }
      case 'list': case 'l': {
        const n = num(0, 10);
        const lines = s.listing();
        const i = Math.max(0, lines.findIndex((l) => l.slot >= s.pc) - Math.floor(n / 2));
        const bps = new Set(s.breakpoints().map((b) => b.slot));
        return lines.slice(i, i + n).map((l) => `${l.slot === s.pc ? '=>' : '  '}${bps.has(l.slot) ? '*' : ' '}${String(l.slot).padStart(4)}: ${l.insn.llvm}${l.cLine ? `    // ${l.cLine.line}: ${l.cLine.text.trim()}` : ''}`);
      }
      case 'where': case 'w':
        return whereLines(s);
      case 'info': {
        const out = [...whereLines(s), ...regionDump(s, s.lastStep())];
        if (s.mode === 'driver' && !s.running) {
          const d = s.driverResult();
          if (d) {
            out.push(`driver: ${d.summary}`);
            if (d.bugcheck) out.push(...formatBugcheckPanel(d.bugcheck).split('\n'));
          }
        }
        return out;
      }
      case 'save': {
        if (!rest[0]) return ['save wants a file name'];
        writeFileSync(rest[0], JSON.stringify(saveTrace(s), null, 1) + '\n');
        return [`saved ${s.stepCount} steps to ${rest[0]}`];
      }
      default:
        return [`unknown command '${cmd}' (help lists them)`];
    }
  } catch (e) {
    if (e instanceof UsageError) return [e.message];
    throw e;
  }
}

async function lineMode(s: DebugSession, io: StepIo, args: StepArgs): Promise<number> {
  const print = (lines: string[]) => io.stdout.write(lines.map((l) => l + '\n').join(''));
  print([`bpfbox step: ${s.loaded.file} (${s.input.progType}, ${s.mode} mode), ${s.listing().length} instructions; 'help' lists the commands`]);
  print(whereLines(s));
  const run = (line: string): boolean => {
    const out = lineCommand(s, line);
    if (out === null) return false;
    print(out);
    return true;
  };
  if (args.commands !== undefined) {
    for (const c of args.commands.split(';')) if (!run(c)) break;
  } else {
    const rl = createInterface({ input: io.stdin, terminal: false });
    for await (const line of rl) {
      if (!run(line)) break;
    }
    rl.close();
  }
  if (args.save) {
    writeFileSync(args.save, JSON.stringify(saveTrace(s), null, 1) + '\n');
    print([`saved ${s.stepCount} steps to ${args.save}`]);
  }
  return 0;
}

// ---- full screen --------------------------------------------------------------------------------------

type Style = 'plain' | 'title' | 'cur' | 'sel' | 'bp' | 'changed' | 'dim' | 'err' | 'ok' | 'help' | 'head' | 'read' | 'write';
type Seg = [string, Style?];
type Row = Seg[];

function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length > width ? text.slice(0, Math.max(0, width - 1)) + '…' : text.padEnd(width);
}

/** What a register value points at: `stack0+508`, or in driver mode the kernel object. */
function regTag(s: DebugSession, v: bigint): string {
  if (s.mode === 'driver') {
    if (v < 0x1000000n || v >= 0x100000000n) return '';
    const d = s.describeAddress(v);
    return d && !d.startsWith('user-space') ? `  ${d}` : '';
  }
  const where = s.whereIs(v);
  return where && v >= 0x1000000n ? `  ${where.region}+${where.offset}` : '';
}

/** Lays out one frame: `rows` rows of `width` columns, as styled segments. Pure (tested directly). */
export function layoutScreen(s: DebugSession, ui: {
  width: number; height: number; sel: number | null; message: string; syntax: 'llvm' | 'mnemonic'; pane?: 'state' | 'path';
}): Row[] {
  const W = Math.max(40, ui.width);
  const H = Math.max(16, ui.height);
  const rows: Row[] = [];
  const rec = s.lastStep();
  const regs = s.registers();
  const v = s.verifier();
  const title = ` bpfbox step  ${basename(s.loaded.file)}  ${s.input.progType}/${s.mode}  step ${s.stepCount}  ${statusText(s)}` +
    (v.accepted ? '  verifier: accepted' : `  verifier: REJECTED at ${v.rejection?.pc}`);
  rows.push([[fit(title, W), 'title']]);

  // Heights: code pane (with registers beside it), stack | memory, verifier, message, help.
  const bottomFixed = 2; // message + help
  const verH = H >= 40 ? 8 : H >= 30 ? 6 : 5;
  const midH = H >= 40 ? 8 : H >= 30 ? 6 : 4;
  const codeH = H - 1 - bottomFixed - verH - midH;
  const rightW = W >= 120 ? Math.min(64, Math.floor(W * 0.42)) : Math.max(30, Math.floor(W * 0.44));
  const leftW = W - rightW - 1;

  // --- code pane
  const listing = s.listing();
  const bps = new Set(s.breakpoints().map((b) => b.slot));
  const curIdx = listing.findIndex((l) => l.slot === s.pc);
  const selSlot = ui.sel ?? s.pc;
  // the C line of this instruction, else of the nearest one before it (line info is sparse)
  let cLine = s.cLineAt(s.pc);
  for (let slot = s.pc - 1; !cLine && slot >= 0 && s.loaded.elf; slot--) cLine = s.cLineAt(slot);
  const codeRows: Row[] = [];
  const asmLine = s.asmLineAt(s.pc);
  const asmText = asmLine !== null ? s.sourceText(asmLine)?.trim() ?? '' : '';
  codeRows.push([[fit(cLine ? ` C ${cLine.file.replace(/^\.\//, '')}:${cLine.line}: ${cLine.text.trim()}`
    : ` ${basename(s.loaded.file)}${asmLine !== null ? `:${asmLine}: ${asmText}` : ''}`, leftW), 'head']]);
  const listH = codeH - 1;
  const focus = curIdx >= 0 ? curIdx : 0;
  const selIdx = listing.findIndex((l) => l.slot === selSlot);
  const anchor = ui.sel !== null && selIdx >= 0 ? selIdx : focus;
  let start = Math.max(0, Math.min(anchor - Math.floor(listH / 3), listing.length - listH));
  if (start < 0) start = 0;
  for (let i = start; i < start + listH; i++) {
    const l = listing[i];
    if (!l) {
      codeRows.push([[' '.repeat(leftW)]]);
      continue;
    }
    const isCur = l.slot === s.pc && s.running;
    const mark = `${bps.has(l.slot) ? '●' : ' '}${isCur ? '▶' : l.slot === s.pc ? '■' : ' '}`;
    const label = l.label ? `${l.label}: ` : '';
    const text = `${mark}${String(l.slot).padStart(4)}  ${label}${l.insn[ui.syntax]}`;
    const src = l.cLine && W >= 100 ? `   // ${l.cLine.line}` : '';
    const style: Style = isCur ? 'cur' : l.slot === s.pc ? 'err' : ui.sel !== null && l.slot === selSlot ? 'sel' : bps.has(l.slot) ? 'bp' : 'plain';
    codeRows.push([[fit(text + src, leftW), style]]);
  }

  // --- registers
  const regRows: Row[] = [[[fit(' registers' + (rec ? `  (step ${rec.index}: old -> new)` : ''), rightW), 'head']]];
  for (let r = 0; r < 11; r++) {
    const changed = rec !== null && rec.regsBefore[r] !== rec.regsAfter[r];
    const val = hex(regs[r]!);
    const tag = r === 10 ? '  frame pointer' : regTag(s, regs[r]!);
    if (changed) {
      const txt = `${`r${r}`.padStart(3)} ${hex(rec!.regsBefore[r]!)} -> ${val}`;
      regRows.push([[fit(txt + (txt.length + tag.length < rightW ? tag : ''), rightW), 'changed']]);
    } else {
      regRows.push([[fit(`${`r${r}`.padStart(3)} ${val}${tag}`, rightW), rec?.regReads.includes(r) ? 'read' : 'plain']]);
    }
  }
  if (rec && regRows.length + 2 < codeH) {
    regRows.push([[' '.repeat(rightW)]]);
    regRows.push([[fit(' last step', rightW), 'head']]);
    for (const l of describeStep(rec)) {
      if (regRows.length >= codeH) break;
      regRows.push([[fit(' ' + l, rightW), l.includes('fault') ? 'err' : l.trim().startsWith('wrote') ? 'write' : l.trim().startsWith('read') ? 'read' : 'plain']]);
    }
  }
  while (regRows.length < codeH) regRows.push([[' '.repeat(rightW)]]);
  for (let i = 0; i < codeH; i++) rows.push([...(codeRows[i] ?? [[' '.repeat(leftW)]]), [' '], ...(regRows[i] ?? [[' '.repeat(rightW)]])]);

  // --- stack | memory access (the stack needs about 50 columns; memory gets the rest)
  const stackW = W >= 110 ? Math.min(leftW, 52) : leftW;
  const memW = W - stackW - 1;
  const stack = stackSlots(s);
  const stackRows: Row[] = [[[fit(` stack frame ${s.vm.depth}, fp = ${hex(BigInt(s.vm.stackTop()))}`, stackW), 'head']]];
  if (stack.length === 0) stackRows.push([[fit('  nothing written yet', stackW), 'dim']]);
  else if (midH > 2 && W >= 110) stackRows.push([[fit('  kinds: m data 0 zero r spill w written ? uninit', stackW), 'dim']]);
  const written = new Set((rec?.accesses ?? []).filter((a) => a.kind === 'write' && a.region?.startsWith('stack')).map((a) => a.offset !== null ? Math.floor(a.offset / 8) : -1));
  const regionSize = 512;
  for (const sl of stack.slice(0, midH - stackRows.length)) {
    const hot = written.has((regionSize + sl.fpOff) / 8);
    stackRows.push([[fit(`  fp${sl.fpOff}`.padEnd(9) + ` ${Array.from(sl.bytes, (x) => x.toString(16).padStart(2, '0')).join(' ')}  ${sl.kinds}`, stackW), hot ? 'write' : sl.initialized ? 'plain' : 'dim']]);
  }
  const memRows: Row[] = [[[fit(' memory', memW), 'head']]];
  for (const l of regionDump(s, rec)) {
    const style: Style = l.startsWith('last: write') ? 'write' : l.startsWith('last: read') ? 'read' : l.includes(' fails') ? 'err' : 'plain';
    // wrap rather than cut: the obligation's numbers are the point
    let rest = ' ' + l;
    while (rest.length > memW && memRows.length < midH - 1) {
      memRows.push([[rest.slice(0, memW), style]]);
      rest = '     ' + rest.slice(memW);
    }
    memRows.push([[fit(rest, memW), style]]);
  }
  for (let i = 0; i < midH; i++) rows.push([...(stackRows[i] ?? [[' '.repeat(stackW)]]), [' '], ...(memRows[i] ?? [[' '.repeat(memW)]])]);

  // --- verifier: its state at this instruction, or (v) the path to the rejection
  let verLines: string[];
  if (ui.pane === 'path') {
    if (!v.path || !v.rejection) {
      verLines = ['verifier: accepted: no rejection path (v: back to the state view)'];
    } else {
      const head = [`verifier: REJECTED at insn ${v.rejection.pc}: ${v.rejection.message.split('\n').join(' / ')} [${v.rejection.code}]`,
        `  path to it (${v.path.length} lines, last ones shown; v: state view):`];
      const room = Math.max(1, verH - head.length);
      verLines = [...head.map((l) => l.slice(0, W)), ...v.path.slice(-room).map((e) => `  ${e.pc === s.pc ? '▶' : ' '} ${e.text}`.slice(0, W))];
    }
  } else {
    const vl = verifierLines(s);
    const logs = v.logAt(s.pc).filter((e) => e.kind === 'insn').slice(0, 1).map((e) => '  log: ' + e.text.replace(/\s+;/, ' ;'));
    verLines = [...vl.slice(0, 1), ...(v.accepted ? [] : vl.slice(1, 2)), ...logs, ...vl.slice(v.accepted ? 1 : 2)];
  }
  const wrapped: string[] = [];
  for (const l of verLines) {
    let rest = l;
    while (rest.length > W) {
      wrapped.push(rest.slice(0, W));
      rest = '    ' + rest.slice(W);
    }
    wrapped.push(rest);
  }
  for (let i = 0; i < verH; i++) {
    const l = wrapped[i];
    const style: Style = i === 0 ? (v.accepted ? 'ok' : 'err') : 'plain';
    rows.push([[fit(l === undefined ? '' : i === verH - 1 && wrapped.length > verH ? l.slice(0, W - 4) + ' ...' : l, W), style]]);
  }

  // --- message and help
  const msg = ui.message || (rec ? describeStep(rec)[0]! : 'press s to step');
  rows.push([[fit(' ' + msg, W), s.status === 'faulted' ? 'err' : 'plain']]);
  const help = W >= 100
    ? ' s step  b back  c continue  k breakpoint  ↑↓ select  g go to step  r reset  v verifier path  x syntax  q quit'
    : ' s step b back c cont k brk ↑↓ g goto r reset v path x syn q quit';
  rows.push([[fit(help, W), 'help']]);
  return rows.slice(0, H);
}

async function fullScreen(s: DebugSession, args: StepArgs, io: StepIo): Promise<number> {
  const termkit = (await import('terminal-kit')).default;
  const term = termkit.terminal;
  let sel: number | null = null;
  let message = '';
  let syntax: 'llvm' | 'mnemonic' = 'llvm';
  let prompt: string | null = null;
  let pane: 'state' | 'path' = 'state';

  const styled = (st: Style | undefined) => {
    switch (st) {
      case 'title': return term.bgBlue.brightWhite.bold;
      case 'cur': return term.bgYellow.black.bold;
      case 'sel': return term.bgGray.white;
      case 'bp': return term.red;
      case 'changed': return term.brightYellow.bold;
      case 'dim': return term.gray;
      case 'err': return term.brightRed.bold;
      case 'ok': return term.green;
      case 'help': return term.bgWhite.black;
      case 'head': return term.cyan.bold;
      case 'read': return term.brightBlue;
      case 'write': return term.magenta.bold;
      default: return term;
    }
  };
  const draw = () => {
    const rows = layoutScreen(s, { width: term.width, height: term.height, sel, message: prompt !== null ? `go to step: ${prompt}_` : message, syntax, pane });
    rows.forEach((row, y) => {
      term.moveTo(1, y + 1);
      for (const [text, st] of row) {
        term.styleReset();
        styled(st).noFormat(text);
      }
      term.styleReset();
      term.eraseLineAfter();
    });
  };
  term.fullscreen(true);
  term.hideCursor(true);
  term.grabInput(true);
  draw();
  return await new Promise<number>((resolve) => {
    const finish = () => {
      term.grabInput(false);
      term.hideCursor(false);
      term.styleReset();
      term.fullscreen(false);
      if (args.save) {
        writeFileSync(args.save, JSON.stringify(saveTrace(s), null, 1) + '\n');
        io.stdout.write(`saved ${s.stepCount} steps to ${args.save}\n`);
      }
      io.stdout.write(`bpfbox step: stopped at step ${s.stepCount} (${statusText(s)})\n`);
      resolve(0);
    };
    term.on('resize', () => draw());
    term.on('key', (name: string) => {
      message = '';
      if (prompt !== null) {
        if (/^[0-9]$/.test(name)) prompt += name;
        else if (name === 'BACKSPACE') prompt = prompt.slice(0, -1);
        else if (name === 'ENTER') {
          const n = Number(prompt);
          prompt = null;
          if (Number.isInteger(n)) {
            const got = s.goto(n);
            message = got === n ? `at step ${got}` : `the run ends at step ${got}`;
          }
        } else if (name === 'ESCAPE') prompt = null;
        draw();
        return;
      }
      switch (name) {
        case 'q': case 'CTRL_C': case 'ESCAPE':
          finish();
          return;
        case 's': case ' ': case 'RIGHT': case 'n': {
          const r = s.step();
          if (!r) message = stopText({ reason: 'nothing' }, s);
          else if (r.state === 'exited' || r.state === 'faulted') message = describeStep(r).slice(-1)[0]!.trim();
          break;
        }
        case 'b': case 'LEFT':
          message = s.back() ? `back to step ${s.stepCount}` : 'at step 0: nothing to undo';
          break;
        case 'c':
          message = stopText(s.continue(), s);
          break;
        case 'k': {
          const slot = sel ?? s.pc;
          message = s.toggleBreakpoint(slot) ? `breakpoint set at insn ${slot}` : `breakpoint removed at insn ${slot}`;
          break;
        }
        case 'UP': case 'DOWN': {
          const l = s.listing();
          const i = l.findIndex((x) => x.slot === (sel ?? s.pc));
          const j = Math.max(0, Math.min(l.length - 1, (i < 0 ? 0 : i) + (name === 'UP' ? -1 : 1)));
          sel = l[j]!.slot;
          break;
        }
        case 'g':
          prompt = '';
          break;
        case 'r':
          s.reset();
          sel = null;
          message = 'reset to step 0';
          break;
        case 'x':
          syntax = syntax === 'llvm' ? 'mnemonic' : 'llvm';
          break;
        case 'v':
          pane = pane === 'state' ? 'path' : 'state';
          break;
        case 'h': case '?':
          message = 'keys: s/space/→ step, b/← back, c continue, k breakpoint at the selected line, ↑↓ select, g go to step N, r reset, v verifier path/state, x syntax, q quit';
          break;
        default:
          return;
      }
      draw();
    });
  });
}

// ---- entry ------------------------------------------------------------------------------------------

/** `bpfbox step`: returns the exit code (0 ok, 2 bad input). */
export async function stepCommand(args: StepArgs, io: StepIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let s: DebugSession;
  try {
    s = extname(args.file).toLowerCase() === '.json' ? await loadTraceFile(args.file) : await sessionFromArgs(args);
  } catch (e) {
    io.stderr.write(`bpfbox: ${(e as Error).message}\n`);
    return 2;
  }
  // full screen needs a terminal on both sides (keys in, screen out)
  const tty = io.stdout.isTTY === true && (io.stdin as { isTTY?: boolean }).isTTY === true && !args.plain && args.commands === undefined;
  return tty ? fullScreen(s, args, io) : lineMode(s, io, args);
}

/** Minimal argv parsing for running this file directly (tests; main.ts uses yargs with STEP_OPTIONS). */
export function parseStepArgv(argv: string[]): StepArgs {
  const out: Record<string, unknown> = {};
  const arrays = new Set(['map', 'break', 'watch']);
  const booleans = new Set(['plain']);
  const numbers = new Set(['seed', 'max-insns']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      let key = a.slice(2);
      let value: string | undefined;
      const eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.slice(eq + 1);
        key = key.slice(0, eq);
      }
      if (booleans.has(key)) {
        out[key] = value === undefined ? true : value !== 'false';
        continue;
      }
      value ??= argv[++i];
      const v = numbers.has(key) ? Number(value) : value;
      if (arrays.has(key)) ((out[key] ??= []) as unknown[]).push(v);
      else out[key] = v;
    } else if (out['file'] === undefined) {
      out['file'] = a;
    }
  }
  return out as unknown as StepArgs;
}

// Run directly: `node dist/cli/step.js FILE ...`, or `vite-node src/cli/step.ts FILE ...` (tests).
const direct = process.argv[1] !== undefined && (import.meta.url === pathToFileURL(process.argv[1]).href ||
  (/vite-node(\.m?js)?$/.test(process.argv[1]) && import.meta.url.endsWith('/cli/step.ts')));
if (direct) {
  void stepCommand(parseStepArgv(process.argv.slice(2))).then((code) => {
    process.exitCode = code;
  });
}
