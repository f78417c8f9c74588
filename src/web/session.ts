// What the web page steps: a program (assembly text or an ELF object) with the input its text asks
// for, opened as a src/debug session (the same stepping core as `bpfbox step`). DOM-free, so the
// browser tests compute the same states in Node.

import { type DebugMode, DebugSession, type RunInput } from '../debug/index.js';
import { type InputKind, type LoadedProgram, loadProgramBytes } from '../input/load.js';
import type { ProgTypeName } from '../runtime/progtypes.js';
import { parseProgramHeader } from '../sim/compare/index.js';
import { BAD_VERSION, CONTENT_MAP_SIZE, DEFAULT_EVENT, contentBytes, inlineInputs, mapValue } from '../sim/scenario/index.js';
import { cf291Layout, DRIVER_MODULE, garbageFor } from '../sim/scenario/driver.js';
import type { DriverExtra } from '../debug/machine.js';
import type { Diagnostic } from '../util/diagnostics.js';

/** Parses hex bytes written with or without spaces ("45 00 1c", "45001c", "0x45 0x00"). */
export function hexBytes(s: string): Uint8Array {
  const clean = s.replace(/0x/gi, ' ').replace(/[^0-9a-f]/gi, ' ').trim();
  if (!clean) return new Uint8Array(0);
  const out: number[] = [];
  for (const p of clean.split(/\s+/)) for (const b of p.match(/..?/g) ?? []) out.push(parseInt(b, 16));
  return Uint8Array.from(out);
}

export interface SourceInput {
  progType: ProgTypeName;
  mem?: Uint8Array;
  packet?: Uint8Array;
  /** Map contents (as `--map NAME=FILE.json`). */
  mapJson?: Record<string, unknown>;
  /** Driver-mode extras (layout, map values) for programs that need them. */
  driverExtra?: DriverExtra;
  /** One line: where the input came from. */
  note: string;
}

function entryHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/**
 * The run input an assembly text asks for: its `# type:`, `# mem:`, `# mem-size:` header (as
 * `bpfbox compare` reads it), else the `--type`, `--mem`, `--mem-size`, `--packet-hex` options of a
 * `# Run: npx bpfbox run ...` comment. The CF291 interpreters get the bad channel file and an IPC
 * event in their maps (and the scenario's kernel layout in driver mode).
 */
export function inputFromSource(text: string, file = ''): SourceInput {
  const h = parseProgramHeader(text);
  const comments = text.split('\n').filter((l) => /^\s*[#;]/.test(l)).join('\n');
  const opt = (name: string): string | null => {
    const m = new RegExp(`--${name}(?:=|\\s+)(?:"([^"]*)"|'([^']*)'|(\\S+))`).exec(comments);
    return m ? (m[1] ?? m[2] ?? m[3] ?? '') : null;
  };
  const progType = (h.progType ?? (opt('type') as ProgTypeName | null) ?? 'raw') as ProgTypeName;
  let mem = h.mem ?? undefined;
  const memOpt = opt('mem');
  if (!mem && memOpt !== null) mem = hexBytes(memOpt);
  const sizeOpt = opt('mem-size');
  const memSize = h.memSize ?? (sizeOpt !== null ? Number(sizeOpt) : null);
  if (memSize !== null && Number.isFinite(memSize) && (!mem || mem.length < memSize)) {
    const full = new Uint8Array(memSize);
    if (mem) full.set(mem);
    mem = full;
  }
  const pk = opt('packet-hex') ?? opt('packet');
  const packet = pk !== null ? hexBytes(pk) : undefined;
  const out: SourceInput = { progType, note: '' };
  if (progType === 'raw') {
    if (mem) out.mem = mem;
  } else if (packet && packet.length > 0) out.packet = packet;
  const parts: string[] = [`type ${progType}`];
  if (progType === 'raw') parts.push(mem ? `input memory ${mem.length} bytes` : 'no input memory');
  else if (progType === 'xdp' || progType === 'socket_filter') parts.push(out.packet ? `packet ${out.packet.length} bytes` : 'default packet (64 zero bytes)');
  const base = file.slice(file.lastIndexOf('/') + 1);
  if (/^interpreter-v[12]\.s$/.test(base)) {
    const content = contentBytes(BAD_VERSION);
    out.mapJson = {
      content: { entries: [{ key: 0, value: entryHex(mapValue(content, CONTENT_MAP_SIZE)) }] },
      ...(base === 'interpreter-v2.s' ? { ipc_inputs: { entries: [{ key: 0, value: entryHex(inlineInputs(DEFAULT_EVENT)) }] } } : {}),
    };
    if (base === 'interpreter-v1.s') {
      out.driverExtra = {
        layout: cf291Layout(content, DEFAULT_EVENT, garbageFor(undefined)), module: DRIVER_MODULE,
        mapValues: { content: mapValue(content, CONTENT_MAP_SIZE) },
      };
    }
    parts.push(`channel file ${BAD_VERSION} in map content, IPC event "${DEFAULT_EVENT[0]}"`);
  }
  out.note = parts.join(', ');
  return out;
}

export interface OpenedSession {
  ok: true;
  session: DebugSession;
  loaded: LoadedProgram;
  input: SourceInput;
}

export interface OpenFailed {
  ok: false;
  errors: Diagnostic[];
}

/** Content of a file the page opens: assembly text, or the bytes of an ELF object. */
export type WebProgramContent = { kind: 'asm'; text: string; file: string } | { kind: 'elf'; bytes: Uint8Array; file: string; program?: string };

/** Loads a program and opens a debug session on it (sandbox or driver mode). Never throws. */
export function openSession(
  c: WebProgramContent, mode: DebugMode, over: Partial<SourceInput> = {}, opts: { noVerifier?: boolean } = {},
): OpenedSession | OpenFailed {
  try {
    const kind: InputKind = c.kind;
    const content = c.kind === 'asm' ? new TextEncoder().encode(c.text) : c.bytes;
    const loaded = loadProgramBytes(content, kind, c.file, c.kind === 'elf' && c.program ? { program: c.program } : {});
    if (!loaded.ok) return { ok: false, errors: loaded.errors };
    let prog: LoadedProgram = loaded.value;
    // Maps declared in a `# maps:` header (the compare / scenario convention) rather than `.map` directives.
    if (c.kind === 'asm' && prog.maps.length === 0) {
      const h = parseProgramHeader(c.text);
      if (h.maps.length > 0) prog = { ...prog, maps: h.maps };
    }
    let input: SourceInput;
    if (c.kind === 'asm') input = { ...inputFromSource(c.text, c.file), ...over };
    else {
      const t = (prog.elf?.program.kernelType ?? 'raw') as string;
      const progType = (['xdp', 'socket_filter', 'kprobe', 'raw'].includes(t) ? t : t === 'sched_cls' ? 'socket_filter' : 'raw') as ProgTypeName;
      input = { progType, note: `ELF program ${prog.elf?.program.name ?? ''} (section ${prog.section ?? '?'}), type ${progType}`, ...over };
    }
    const run: RunInput = {
      // the scenario runs the driver build as a raw driver routine with its own kernel layout
      progType: mode === 'driver' && input.driverExtra ? 'raw' : input.progType, mode,
      ...(input.mem ? { mem: input.mem } : {}),
      ...(input.packet ? { packet: input.packet } : {}),
      ...(input.mapJson && mode === 'sandbox' ? { mapJson: input.mapJson } : {}),
      maxInsns: 200_000,
    };
    if (mode === 'driver' && input.driverExtra) input = { ...input, note: `kernel driver routine (raw) with the scenario's kernel layout: ${input.note.replace(/^type \w+, default packet \(64 zero bytes\), /, '')}` };
    const session = DebugSession.create(prog, run, {
      ...(mode === 'driver' && input.driverExtra ? { driverExtra: input.driverExtra } : {}),
      content, kind, ...(opts.noVerifier ? { noVerifier: true } : {}),
    });
    return { ok: true, session, loaded: prog, input };
  } catch (e) {
    return { ok: false, errors: [{ code: 'E_WEB_OPEN', message: e instanceof Error ? e.message : String(e) }] };
  }
}

/** 0x-hex of an unsigned 64-bit value. */
export function hex64(v: bigint): string {
  return '0x' + BigInt.asUintN(64, v).toString(16);
}
