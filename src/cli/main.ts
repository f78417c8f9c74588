// Command-line shell over the library. Exit codes: 0 success, 1 a failed check (a faulting run,
// a failing conformance test), 2 bad input or usage. Errors are one clear line each, no traces.

import { readFileSync, writeFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { assemble, disassemble, type Syntax } from '../asm/index.js';
import { collectDataFiles, runConformanceTest } from '../conformance/runner.js';
import { runPlugin } from '../conformance/plugin.js';
import {
  type LoadedProgram, type ProgramBytes, inputKindOf, loadObjectFile, loadProgramBytesOnly, loadProgramFile, parseHexBytes,
  readInput,
} from '../input/load.js';
import { formatInspect, inspectToJson } from '../elf/inspect.js';
import { objectFromAssembly, writeObject } from '../elf/writer.js';
import { ObjectRuntime } from '../runtime/object.js';
import { MapSet, formatMaps, mapsToJson, mapTypeId } from '../runtime/maps/index.js';
import { asElfProgram, cLineText, disassembleElf, fillMaps, programTypeFor } from './object.js';
import { basename, extname } from 'node:path';
import { type VerifyResult, verifyBytes } from '../verifier/index.js';
import { DEFAULT_PACKET_SIZE, DEFAULT_PRANDOM_SEED, ETH_HLEN, packetProblem, runProgram } from '../runtime/context.js';
import type { ProgTypeName } from '../runtime/progtypes.js';
import { compareWithKernel, formatComparison, type VerdictComparison } from '../oracle/compare.js';
import { release } from 'node:os';
import { decode } from '../isa/encoding.js';
import { BpfError, formatDiagnostic, type Diagnostic, type Result } from '../util/diagnostics.js';
import { DEFAULT_MAX_INSNS, type TraceStep } from '../vm/index.js';
import { faultToJson, formatFaultLine, formatTraceStep } from './format.js';
import { type SimCliContext, registerSimCommands } from './sim.js';
import { webCommand } from '../web/server.js';
import { STEP_DESCRIPTION, STEP_OPTIONS, type StepArgs, stepCommand } from './step.js';

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** Raised inside command handlers to stop with diagnostics and an exit code. */
class CliExit extends Error {
  constructor(readonly code: number, readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

function badInput(errors: readonly Diagnostic[]): never {
  throw new CliExit(EXIT_BAD_INPUT, errors.map((e) => `bpfbox: ${formatDiagnostic(e)}`));
}

function out(s: string): void {
  process.stdout.write(s.endsWith('\n') ? s : s + '\n');
}

function loadOrExit(file: string, syntax: string | undefined, program?: string) {
  const r = loadProgramFile(file, { syntax: (syntax ?? 'auto') as Syntax | 'auto', ...(program !== undefined ? { program } : {}) });
  if (!r.ok) badInput(r.errors);
  return r.value;
}

function memoryFromFlags(argv: { mem?: string; 'mem-file'?: string }): Uint8Array | null {
  if (argv.mem !== undefined && argv['mem-file'] !== undefined) {
    badInput([{ code: 'E_USAGE', message: 'give either --mem or --mem-file, not both' }]);
  }
  if (argv.mem !== undefined) {
    const r = parseHexBytes(argv.mem, '--mem');
    if (!r.ok) badInput(r.errors);
    return r.value;
  }
  if (argv['mem-file'] !== undefined) {
    const r = readInput(argv['mem-file']);
    if (!r.ok) badInput(r.errors);
    return new Uint8Array(r.value);
  }
  return null;
}

function packetFromFlags(argv: { 'packet-hex'?: string; packet?: string }): Uint8Array | null {
  if (argv['packet-hex'] !== undefined && argv.packet !== undefined) {
    badInput([{ code: 'E_USAGE', message: 'give either --packet-hex or --packet, not both' }]);
  }
  if (argv['packet-hex'] !== undefined) {
    const r = parseHexBytes(argv['packet-hex'], '--packet-hex');
    if (!r.ok) badInput(r.errors);
    return r.value;
  }
  if (argv.packet !== undefined) {
    const r = readInput(argv.packet);
    if (!r.ok) badInput(r.errors);
    return new Uint8Array(r.value);
  }
  return null;
}

function hexString(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The verifier's verdict as `verify --json` prints it. */
function verdictToJson(r: VerifyResult): Record<string, unknown> {
  const { stackDepths: _d, ...stats } = r.stats;
  void _d;
  return { accepted: r.accepted, error: r.error, stats, log: r.log };
}

/** The verifier's verdict as `verify` prints it: the log, then `accepted` or the rejection. */
function verdictText(r: VerifyResult, src: Pick<ProgramBytes, 'bytes' | 'lines' | 'elf'>, file: string): string {
  const lines: string[] = [];
  if (r.error) {
    const d = decode(src.bytes);
    const idx = d.ok ? d.value.insnAtSlot[r.error.pc] ?? -1 : -1;
    const srcLine = idx >= 0 ? src.lines?.[idx] : undefined;
    const cLine = cLineText(src, r.error.pc);
    const line = cLine !== undefined ? ` (${cLine})` : srcLine !== undefined ? ` (${file}:${srcLine})` : '';
    lines.push(`rejected at insn ${r.error.pc}${line}: ${r.error.message.split('\n')[0]} [${r.error.code}]`);
    lines.push(`  ${r.error.explanation}`);
  } else {
    lines.push('accepted');
  }
  return r.log + lines.join('\n') + '\n';
}

/** `--regs 1,0x10,-3` -> the kprobe argument registers. */
function regsFromFlag(text: string): bigint[] {
  const parts = text.split(',').map((x) => x.trim());
  if (parts.length > 6) badInput([{ code: 'E_USAGE', message: `--regs takes at most 6 values (di, si, dx, cx, r8, r9), got ${parts.length}` }]);
  return parts.map((x) => {
    if (!/^-?(0x[0-9a-f]+|\d+)$/i.test(x)) badInput([{ code: 'E_USAGE', message: `--regs: '${x}' is not an integer` }]);
    const v = x.startsWith('-') ? -BigInt(x.slice(1)) : BigInt(x);
    if (v < -(1n << 63n) || v >= 1n << 64n) badInput([{ code: 'E_USAGE', message: `--regs: ${x} does not fit in 64 bits` }]);
    return BigInt.asUintN(64, v);
  });
}

/** `r0 = 2 (0x2) XDP_PASS` */
function resultMeaning(type: ProgTypeName, result: { r0: bigint; r0Lo: number; fault: unknown; action: string | null }, packet: Uint8Array | undefined): string {
  let meaning = '';
  if (!result.fault && type === 'xdp') meaning = ` ${result.action ?? 'unknown XDP action (the kernel warns and drops the packet)'}`;
  if (!result.fault && type === 'socket_filter' && packet) {
    const keep = Math.min(result.r0Lo, packet.length - ETH_HLEN);
    meaning = result.r0Lo === 0 ? ' drop' : ` keep ${keep} of ${packet.length - ETH_HLEN} bytes`;
  }
  return `r0 = ${result.r0} (0x${result.r0.toString(16)})${meaning}`;
}

function readText(file: string): Result<string> {
  const r = readInput(file);
  return r.ok ? { ok: true, value: r.value.toString('utf8') } : r;
}

interface WithMapsOptions {
  doVerify: boolean;
  packet: Uint8Array | undefined;
  mem: Uint8Array | undefined;
  regs: bigint[] | undefined;
  seed: number | undefined;
  maxInsns: number;
  json: boolean;
  trace: boolean;
  mapSpecs: readonly string[];
  dumpMaps: boolean;
}

/** Runs an ELF program (or assembly with `.map`s) with its maps, tail calls and printk output. */
function runWithMaps(p: LoadedProgram, type: ProgTypeName, o: WithMapsOptions): void {
  const prog = asElfProgram(p);
  const file = p.file;
  let verdict: VerifyResult | null = null;
  if (o.doVerify) {
    verdict = verifyBytes(prog.bytes, { progType: type, memSize: type === 'raw' ? o.mem?.length ?? 0 : 0, maps: p.maps });
    if (!verdict.accepted) {
      if (o.json) {
        const obj: Record<string, unknown> = { type, program: prog.name, verified: false, verifier: verdictToJson(verdict), r0: null, insns: null, fault: null };
        const l = verdict.error ? prog.lines[verdict.error.pc] : undefined;
        if (l) obj['line'] = l;
        out(JSON.stringify(obj));
      } else {
        process.stdout.write(verdictText(verdict, { bytes: prog.bytes, lines: p.lines, elf: p.elf }, file));
        process.stderr.write('bpfbox: not run: the verifier rejected the program (--no-verify runs it in the sandbox anyway)\n');
      }
      process.exitCode = EXIT_CHECK_FAILED;
      return;
    }
  }
  const programs = p.elf ? p.elf.object.programs : [prog];
  const set = MapSet.create(p.maps, { programs: programs.map((x) => x.name) });
  if (!set.ok) badInput(set.errors.map((e) => ({ file, ...e })));
  let rt: ObjectRuntime;
  try {
    rt = new ObjectRuntime({ programs, maps: p.maps });
  } catch (e) {
    badInput([{ code: 'E_MAP_DEF', file, message: (e as Error).message }]);
  }
  const filled = fillMaps(rt!.maps, o.mapSpecs, readText);
  if (!filled.ok) badInput(filled.errors);

  const traceLines: string[] = [];
  const trace = o.trace ? (step: TraceStep) => traceLines.push(formatTraceStep(step, { ...p, program: prog.program, lines: null, labelAt: null })) : undefined;
  let res: ReturnType<ObjectRuntime['run']>;
  try {
    res = rt!.run(prog.name, type, {
      ...(type === 'raw' ? { mem: o.mem } : type === 'kprobe' ? { regs: o.regs } : { packet: o.packet }),
      ...(o.seed !== undefined ? { seed: o.seed } : {}),
      maxInsns: o.maxInsns,
      ...(trace ? { trace } : {}),
    });
  } catch (e) {
    badInput([{ code: 'E_RUN', file, message: (e as Error).message }]);
  }
  const result = res!;
  const running = programs.find((x) => x.name === result.program) ?? prog;
  const faultLine = result.fault ? running.lines[result.fault.pc] : undefined;
  if (o.json) {
    const obj: Record<string, unknown> = { type, program: prog.name, verified: verdict ? true : null };
    if (verdict) obj['verifier'] = verdictToJson(verdict);
    const fault = result.fault ? { ...faultToJson(result.fault, { ...p, program: running.program, lines: null }), ...(result.program !== prog.name ? { program: result.program } : {}), ...(faultLine ? { file: faultLine.file, line: faultLine.line, text: faultLine.text } : {}) } : null;
    Object.assign(obj, { r0: result.r0.toString(), insns: result.insns, fault });
    if (type === 'xdp') Object.assign(obj, { action: result.fault ? null : result.action, packet: result.packet ? hexString(result.packet) : null });
    Object.assign(obj, { printk: result.printk, tailCalls: result.tailCalls });
    if (o.dumpMaps) obj['maps'] = mapsToJson(rt!.maps);
    if (o.trace) obj['trace'] = traceLines;
    out(JSON.stringify(obj));
  } else {
    if (verdict) out(`verifier: accepted (processed ${verdict.stats.processedInsns} insns)`);
    if (traceLines.length) out(traceLines.join('\n'));
    for (const l of result.printk) out(`trace_printk: ${l}`);
    if (result.tailCalls.length) out(`tail calls: ${[prog.name, ...result.tailCalls].join(' -> ')}`);
    if (result.fault) {
      const where = faultLine ? ` (${faultLine.file}:${faultLine.line}${faultLine.text.trim() ? `: ${faultLine.text.trim()}` : ''})` : '';
      const inProg = result.program !== prog.name ? ` in ${result.program}` : '';
      out(`fault: ${result.fault.message} at insn ${result.fault.pc}${inProg}${where} [${result.fault.code}]`);
    }
    out(resultMeaning(type, { ...result, action: result.fault ? null : result.action }, o.packet));
    out(`executed ${result.insns} instruction${result.insns === 1 ? '' : 's'}`);
    if (type === 'xdp' && result.packet && o.packet) {
      out(`packet: ${equalBytes(result.packet, o.packet) ? 'unchanged' : hexString(result.packet)}`);
    }
    if (o.dumpMaps) process.stdout.write('\n' + formatMaps(rt!.maps));
  }
  if (result.fault) process.exitCode = EXIT_CHECK_FAILED;
}

const programOption = {
  type: 'string' as const,
  describe: 'ELF objects: the program to use (function or section name; default: the only one)',
};

const syntaxOption = {
  choices: ['llvm', 'mnemonic'] as const,
  describe: 'force the assembly syntax of a text input (default: detected)',
  type: 'string' as const,
};

const simContext: SimCliContext = {
  loadOrExit,
  readTextOrExit(file) {
    const r = readText(file);
    if (!r.ok) badInput(r.errors);
    return r.value;
  },
  memoryFromFlags,
  packetFromFlags,
  programTypeOf(p, type) {
    const r = programTypeFor(p, type);
    if (!r.ok) badInput(r.errors.map((e) => ({ file: p.file, ...e })));
    return r.value;
  },
  badInput,
  out,
};

function buildParser(args: string[]): Argv {
  return registerSimCommands(yargs(args), simContext)
    .scriptName('bpfbox')
    .usage('$0 <command> [options]\n\nSee, measure and teach how an eBPF sandbox keeps a kernel safe.')
    .command(
      'asm <file>',
      'assemble a program (either syntax) to bytecode, or to an ELF object with -o OUT.o',
      (y) => y
        .positional('file', { type: 'string', demandOption: true, describe: '.s/.asm/.data/.bin/.hex input' })
        .option('o', { alias: 'output', type: 'string', describe: 'write to this file: an ELF object if it ends in .o, else raw bytes (default: hex to stdout)' })
        .option('section', { type: 'string', describe: 'ELF output: program section, e.g. xdp, socket, kprobe/NAME (default: the `.section` directive)' })
        .option('name', { type: 'string', describe: 'ELF output: program name (default: the input file name)' })
        .option('license', { type: 'string', default: 'GPL', describe: 'ELF output: license section' })
        .option('syntax', syntaxOption),
      (argv) => {
        const p = loadOrExit(argv.file, argv.syntax);
        if (argv.o !== undefined) {
          let bytes: Uint8Array = p.bytes;
          if (extname(argv.o).toLowerCase() === '.o' && p.kind === 'asm') {
            // Assembly: labels name the program and its functions, source lines become line info.
            const text = readText(argv.file);
            if (!text.ok) badInput(text.errors);
            const a = assemble(text.value, { syntax: (argv.syntax ?? 'auto') as Syntax | 'auto', file: argv.file });
            if (!a.ok) badInput(a.errors);
            const section = argv.section ?? a.value.section;
            if (!section) {
              badInput([{
                code: 'E_USAGE', file: argv.file,
                message: 'an ELF object needs a program section: add `.section xdp` (or socket, kprobe/NAME, ...) before the code, or give --section',
              }]);
            }
            bytes = writeObject(objectFromAssembly({ ...a.value, section: section! }, text.value, {
              file: basename(argv.file), license: argv.license, ...(argv.name !== undefined ? { name: argv.name } : {}),
            }));
          } else if (extname(argv.o).toLowerCase() === '.o') {
            const section = argv.section ?? p.section;
            if (!section) {
              badInput([{
                code: 'E_USAGE', file: argv.file,
                message: 'an ELF object needs a program section: add `.section xdp` (or socket, kprobe/NAME, ...) before the code, or give --section',
              }]);
            }
            const name = (argv.name ?? basename(argv.file, extname(argv.file))).replace(/[^A-Za-z0-9_]/g, '_');
            bytes = writeObject({ programs: [{ name, section: section!, bytes: p.bytes }], maps: [...p.maps], license: argv.license });
          } else if (argv.section !== undefined || argv.name !== undefined) {
            badInput([{ code: 'E_USAGE', message: '--section and --name are for ELF output (-o FILE.o)' }]);
          }
          try {
            writeFileSync(argv.o, bytes);
          } catch (e) {
            badInput([{ code: 'E_FILE', file: argv.o, message: `cannot write (${(e as NodeJS.ErrnoException).code ?? 'error'})` }]);
          }
          return;
        }
        const lines: string[] = [];
        for (let s = 0; s < p.bytes.length; s += 8) {
          lines.push(Array.from(p.bytes.subarray(s, s + 8), (b) => b.toString(16).padStart(2, '0')).join(' '));
        }
        out(lines.join('\n'));
      },
    )
    .command(
      'disasm <file>',
      'print a program in pseudo-C (llvm) or mnemonic syntax',
      (y) => y
        .positional('file', { type: 'string', demandOption: true })
        .option('syntax', { choices: ['llvm', 'mnemonic'] as const, default: 'llvm', describe: 'output syntax', type: 'string' })
        .option('input-syntax', syntaxOption)
        .option('program', programOption)
        .option('source', { type: 'boolean', default: false, describe: 'ELF objects: interleave the C source lines (from .BTF.ext line info)' })
        .option('labels', { type: 'boolean', default: true, describe: 'name jump targets with labels (--no-labels for offsets)' }),
      (argv) => {
        const p = loadOrExit(argv.file, argv['input-syntax'], argv.program);
        if (!p.elf) {
          if (argv.program !== undefined) badInput([{ code: 'E_USAGE', message: '--program is for ELF objects (.o)' }]);
          if (argv.source) badInput([{ code: 'E_USAGE', message: '--source is for ELF objects (.o) compiled with -g' }]);
          out(disassemble(p.program, { syntax: argv.syntax as Syntax, labels: argv.labels }));
          return;
        }
        const prog = p.elf.program;
        if (argv.source && !prog.lines.some((l) => l !== undefined)) {
          process.stderr.write(`bpfbox: ${argv.file}: no C line information (compile with -g for .BTF.ext line info)\n`);
        }
        out(disassembleElf(prog, { syntax: argv.syntax as Syntax, labels: argv.labels, source: argv.source, maps: p.maps }));
      },
    )
    .command(
      'inspect <file>',
      'show what an ELF object holds: programs, maps, sections, relocations, BTF',
      (y) => y
        .positional('file', { type: 'string', demandOption: true, describe: 'an eBPF ELF object (clang -target bpf -c)' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
        .option('verbose', { type: 'boolean', default: false, describe: 'list every relocation' }),
      (argv) => {
        const o = loadObjectFile(argv.file);
        if (!o.ok) badInput(o.errors);
        if (argv.json) out(JSON.stringify(inspectToJson(o.value, { verbose: argv.verbose })));
        else process.stdout.write(formatInspect(o.value, { verbose: argv.verbose }));
      },
    )
    .command(
      'run <file>',
      'run a program in the sandboxed interpreter (xdp, socket_filter and kprobe programs are verified first)',
      (y) => y
        .positional('file', { type: 'string', demandOption: true })
        .option('type', {
          choices: ['raw', 'xdp', 'socket_filter', 'kprobe'] as const,
          describe: 'program type: raw (r1 = --mem, r2 = its size), xdp (r1 = struct xdp_md), socket_filter (r1 = struct __sk_buff), kprobe (r1 = struct pt_regs) (default: the ELF section\'s type, else raw)',
        })
        .option('program', programOption)
        .option('mem', { type: 'string', describe: 'raw: input memory as hex bytes (r1 points to a copy, r2 = length)' })
        .option('mem-file', { type: 'string', describe: 'raw: input memory from a binary file' })
        .option('packet-hex', { type: 'string', describe: `xdp/socket_filter: the packet (an Ethernet frame, at least ${ETH_HLEN} bytes) as hex (default: ${DEFAULT_PACKET_SIZE} zero bytes)` })
        .option('packet', { type: 'string', describe: 'xdp/socket_filter: the packet from a binary file' })
        .option('regs', { type: 'string', describe: 'kprobe: the argument registers di,si,dx,cx,r8,r9 as comma-separated integers' })
        .option('map', { type: 'string', array: true, describe: 'NAME=FILE.json: fill a map before the run (repeatable)' })
        .option('dump-maps', { type: 'boolean', default: false, describe: 'print every map after the run' })
        .option('verify', { type: 'boolean', describe: 'verify first and refuse a rejected program (default for all but raw; --no-verify skips)' })
        .option('seed', { type: 'number', describe: `seed of bpf_get_prandom_u32 (default ${DEFAULT_PRANDOM_SEED})` })
        .option('max-insns', { type: 'number', default: DEFAULT_MAX_INSNS, describe: 'instruction budget' })
        .option('trace', { type: 'boolean', default: false, describe: 'print every executed instruction and the registers it changed' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
        .option('syntax', syntaxOption),
      (argv) => {
        const maxInsns = argv['max-insns'];
        if (!Number.isInteger(maxInsns) || maxInsns < 1) {
          badInput([{ code: 'E_USAGE', message: `--max-insns must be a positive integer, got ${String(argv['max-insns'])}` }]);
        }
        const seed = argv.seed;
        if (seed !== undefined && !Number.isInteger(seed)) {
          badInput([{ code: 'E_USAGE', message: `--seed must be an integer, got ${String(seed)}` }]);
        }
        const syntax = (argv.syntax ?? 'auto') as Syntax | 'auto';
        // Objects and assembly with `.map` directives run with their maps (ObjectRuntime).
        const kind = inputKindOf(argv.file);
        let withMaps: LoadedProgram | null = null;
        let loaded: LoadedProgram | null = null;
        if (kind === 'elf' || kind === 'asm' || kind === 'data') {
          const r = loadProgramFile(argv.file, { syntax, ...(argv.program !== undefined ? { program: argv.program } : {}) });
          if (!r.ok && kind === 'elf') badInput(r.errors);
          if (r.ok) loaded = r.value;
          if (r.ok && (r.value.elf || r.value.maps.length > 0 || (argv.map ?? []).length > 0 || argv['dump-maps'])) withMaps = r.value;
        }
        if (argv.program !== undefined && !withMaps?.elf) badInput([{ code: 'E_USAGE', message: '--program is for ELF objects (.o)' }]);
        const typeR = programTypeFor(loaded ?? { elf: null }, argv.type);
        if (!typeR.ok) badInput(typeR.errors.map((e) => ({ file: argv.file, ...e })));
        const type = typeR.value;
        // --map / --dump-maps on a program without maps: run it the same way (the dump says `no maps`).
        if (!withMaps && ((argv.map ?? []).length > 0 || argv['dump-maps'])) withMaps = loaded ?? loadOrExit(argv.file, argv.syntax);
        const givenPacket = argv['packet-hex'] !== undefined || argv.packet !== undefined;
        const packetTypes = type === 'xdp' || type === 'socket_filter';
        if (!packetTypes && givenPacket) {
          badInput([{ code: 'E_USAGE', message: `--packet and --packet-hex are for --type xdp or socket_filter; ${type === 'raw' ? 'a raw program takes --mem or --mem-file' : 'a kprobe program takes --regs'}` }]);
        }
        if (type !== 'raw' && (argv.mem !== undefined || argv['mem-file'] !== undefined)) {
          badInput([{ code: 'E_USAGE', message: `--mem and --mem-file are for raw programs; give the ${type} program its ${type === 'kprobe' ? 'registers with --regs' : 'packet with --packet-hex or --packet'}` }]);
        }
        if (type !== 'kprobe' && argv.regs !== undefined) badInput([{ code: 'E_USAGE', message: '--regs is for kprobe programs' }]);
        const regs = argv.regs !== undefined ? regsFromFlag(argv.regs) : undefined;
        const packet = packetTypes ? packetFromFlags(argv) ?? new Uint8Array(DEFAULT_PACKET_SIZE) : undefined;
        if (packet) {
          const problem = packetProblem(type, packet);
          if (problem) badInput([{ code: 'E_PACKET', message: problem }]);
        }
        const flagMem = type === 'raw' ? memoryFromFlags(argv) : null;
        const doVerify = argv.verify ?? type !== 'raw';

        if (withMaps) {
          runWithMaps(withMaps, type, {
            doVerify, packet, mem: flagMem ?? withMaps.mem ?? undefined, regs, seed, maxInsns, json: argv.json, trace: argv.trace,
            mapSpecs: argv.map ?? [], dumpMaps: argv['dump-maps'],
          });
          return;
        }

        let p: LoadedProgram | null = null;
        let verdict: VerifyResult | null = null;
        if (doVerify) {
          const src = loadProgramBytesOnly(argv.file, { syntax });
          if (!src.ok) badInput(src.errors);
          // Bytes that do not decode are a rejection (as `verify` says), not unreadable input.
          if (decode(src.value.bytes).ok) p = loadOrExit(argv.file, argv.syntax);
          const mem = flagMem ?? p?.mem ?? null;
          verdict = verifyBytes(src.value.bytes, { progType: type, memSize: type === 'raw' ? mem?.length ?? 0 : 0 });
          if (!verdict.accepted) {
            if (argv.json) {
              const obj: Record<string, unknown> = {
                type, verified: false, verifier: verdictToJson(verdict), r0: null, insns: null, fault: null,
              };
              if (type === 'xdp') Object.assign(obj, { action: null, packet: null });
              out(JSON.stringify(obj));
            } else {
              process.stdout.write(verdictText(verdict, src.value, argv.file));
              process.stderr.write('bpfbox: not run: the verifier rejected the program (--no-verify runs it in the sandbox anyway)\n');
            }
            process.exitCode = EXIT_CHECK_FAILED;
            return;
          }
        }
        p ??= loadOrExit(argv.file, argv.syntax);
        const traceLines: string[] = [];
        const trace = argv.trace ? (step: TraceStep) => traceLines.push(formatTraceStep(step, p!)) : undefined;
        const result = runProgram(p.program, {
          progType: type,
          ...(type === 'raw' ? { mem: (flagMem ?? p.mem) ?? undefined } : type === 'kprobe' ? { regs } : { packet }),
          ...(seed !== undefined ? { seed } : {}),
          maxInsns,
          trace,
        });
        const action = result.fault ? null : result.action;
        if (argv.json) {
          const obj: Record<string, unknown> = {};
          if (type !== 'raw' || verdict) {
            obj['type'] = type;
            obj['verified'] = verdict ? true : null;
            if (verdict) obj['verifier'] = verdictToJson(verdict);
          }
          Object.assign(obj, { r0: result.r0.toString(), insns: result.insns, fault: faultToJson(result.fault, p) });
          if (type === 'xdp') Object.assign(obj, { action, packet: result.packet ? hexString(result.packet) : null });
          if (result.printk.length) obj['printk'] = result.printk;
          if (argv.trace) obj['trace'] = traceLines;
          out(JSON.stringify(obj));
        } else {
          if (verdict) out(`verifier: accepted (processed ${verdict.stats.processedInsns} insns)`);
          if (traceLines.length) out(traceLines.join('\n'));
          for (const l of result.printk) out(`trace_printk: ${l}`);
          if (result.fault) out(`fault: ${formatFaultLine(result.fault, p)}`);
          out(resultMeaning(type, result, packet));
          out(`executed ${result.insns} instruction${result.insns === 1 ? '' : 's'}`);
          if (type === 'xdp' && result.packet && packet) {
            out(`packet: ${equalBytes(result.packet, packet) ? 'unchanged' : hexString(result.packet)}`);
          }
        }
        if (result.fault) process.exitCode = EXIT_CHECK_FAILED;
      },
    )
    .command(
      'verify <file>',
      'check a program with the verifier (a model of the Linux kernel verifier)',
      (y) => y
        .positional('file', { type: 'string', demandOption: true })
        .option('type', { choices: ['xdp', 'socket_filter', 'kprobe', 'raw'] as const, describe: 'program type (default: the ELF section\'s or `.section` directive\'s type, else raw)' })
        .option('program', programOption)
        .option('mem-size', { type: 'number', default: 0, describe: 'input memory size for raw programs (r1 = memory, r2 = size)' })
        .option('unprivileged', { type: 'boolean', default: false, describe: 'verify as an unprivileged loader would' })
        .option('log-level', { type: 'number', choices: [0, 1, 2], default: 0, describe: '0 stats, 1 path to the error, 2 every instruction' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
        .option('kernel', { type: 'boolean', default: false, describe: 'also load the program into the running kernel and compare verdicts and statistics' })
        .option('syntax', syntaxOption),
      (argv) => {
        const memSize = argv['mem-size'];
        if (!Number.isInteger(memSize) || memSize < 0) {
          badInput([{ code: 'E_USAGE', message: `--mem-size must be a non-negative integer, got ${String(memSize)}` }]);
        }
        const src = loadProgramBytesOnly(argv.file, {
          syntax: (argv.syntax ?? 'auto') as Syntax | 'auto', ...(argv.program !== undefined ? { program: argv.program } : {}),
        });
        if (!src.ok) badInput(src.errors);
        if (argv.program !== undefined && !src.value.elf) badInput([{ code: 'E_USAGE', message: '--program is for ELF objects (.o)' }]);
        const typeR = programTypeFor(src.value, argv.type);
        if (!typeR.ok) badInput(typeR.errors.map((e) => ({ file: argv.file, ...e })));
        const progType = typeR.value;
        const r = verifyBytes(src.value.bytes, {
          progType, memSize, unprivileged: argv.unprivileged, logLevel: argv['log-level'] as 0 | 1 | 2, maps: src.value.maps,
        });
        const elf = src.value.elf;
        const cmp = argv.kernel
          ? compareWithKernel(src.value.bytes, r, {
            progType, rawMemSize: memSize,
            ...(src.value.maps.length ? { maps: src.value.maps.map((m) => ({ type: mapTypeId(m), keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags ?? 0, name: m.name })) } : {}),
            ...(elf ? { expectedAttachType: elf.program.expectedAttachType, ...(elf.object.license ? { license: elf.object.license } : {}) } : {}),
          })
          : null;
        if (argv.json) {
          const obj: Record<string, unknown> = verdictToJson(r);
          if (elf) Object.assign(obj, { program: elf.program.name, section: elf.program.section, type: progType });
          if (r.error && elf?.program.lines[r.error.pc]) obj['line'] = elf.program.lines[r.error.pc];
          if (cmp) obj['kernel'] = comparisonToJson(cmp);
          out(JSON.stringify(obj));
        } else {
          process.stdout.write(verdictText(r, src.value, argv.file));
          if (cmp) out('\n' + formatComparison(cmp, `kernel (Linux ${release()})`).trimEnd());
        }
        if (!r.accepted) process.exitCode = EXIT_CHECK_FAILED;
      },
    )
    .command(
      'conformance <paths..>',
      'run conformance .data tests (directories or files)',
      (y) => y
        .positional('paths', { type: 'string', array: true, demandOption: true })
        .option('max-insns', { type: 'number', default: DEFAULT_MAX_INSNS })
        .option('verbose', { type: 'boolean', default: false, describe: 'print a line for passing tests too' }),
      (argv) => {
        const files = collectDataFiles(argv.paths as string[]);
        if (!files.ok) badInput(files.errors);
        let passed = 0;
        let failed = 0;
        for (const f of files.value) {
          const o = runConformanceTest(f, { maxInsns: argv['max-insns'] });
          if (o.status === 'pass') {
            passed++;
            if (argv.verbose) out(`PASS ${o.name}`);
          } else if (o.status === 'fail') {
            failed++;
            out(`FAIL ${o.name}: ${o.reason}`);
          } else if (argv.verbose) {
            out(`SKIP ${o.name}: ${o.reason}`);
          }
        }
        out(`${passed} passed, ${failed} failed`);
        if (failed > 0) process.exitCode = EXIT_CHECK_FAILED;
      },
    )
    .command(
      'step <file>',
      STEP_DESCRIPTION,
      (y) => y
        .positional('file', { type: 'string', demandOption: true, describe: 'a program (.s/.data/.bin/.hex/.o), a channel file with --scenario cf291, or a saved trace (.json)' })
        .options(STEP_OPTIONS),
      async (argv) => {
        process.exitCode = await stepCommand(argv as unknown as StepArgs);
      },
    )
    .command(
      'web',
      'serve the step debugger, the sandbox-vs-driver comparison and the CF291 scenario as a local web page',
      (y) => y
        .option('port', { type: 'number', default: 8080, describe: 'TCP port' })
        .option('host', { type: 'string', default: '127.0.0.1', describe: 'address to listen on' })
        .option('open', { type: 'boolean', default: false, describe: 'open the page in the default browser' }),
      async (argv) => {
        if (!Number.isInteger(argv.port) || argv.port < 0 || argv.port > 65535) {
          badInput([{ code: 'E_USAGE', message: `--port must be an integer from 0 to 65535, got ${String(argv.port)}` }]);
        }
        process.exitCode = await webCommand({ port: argv.port, host: argv.host, open: argv.open });
      },
    )
    .command(
      'plugin [args..]',
      'act as a plugin for the upstream bpf_conformance_runner (program as hex text on stdin, memory as first argument)',
    )
    .demandCommand(1, 'name a command: demo, asm, disasm, inspect, run, verify, step, compare, fleet, web, conformance or plugin (see --help)')
    .recommendCommands()
    .strict()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(100, process.stdout.columns || 100));
}

function comparisonToJson(c: VerdictComparison): Record<string, unknown> {
  if (!c.kernel.available) return { available: false, reason: c.kernel.reason };
  const k = c.kernel.verdict;
  return {
    available: true,
    accepted: k.accepted,
    errno: k.errnoName,
    error: k.firstErrorLine === null ? null : { pc: k.firstErrorPc, message: k.firstErrorLine },
    stats: k.stats,
    agree: c.disagreements.length === 0,
    disagreements: c.disagreements,
  };
}

function pluginMain(args: string[]): void {
  let stdin = '';
  try {
    stdin = readFileSync(0, 'utf8');
  } catch {
    stdin = '';
  }
  const r = runPlugin(stdin, args);
  if (r.stdout) process.stdout.write(r.stdout);
  if (r.stderr) process.stderr.write(r.stderr);
  process.exitCode = r.exitCode;
}

export async function main(args: string[]): Promise<void> {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  // The runner passes raw argv (memory bytes such as "05  " that a parser would turn into numbers).
  if (args[0] === 'plugin') {
    pluginMain(args.slice(1));
    return;
  }
  // `--regs -1,2` would read `-1,2` as a flag: glue a value that starts with a minus sign to its option.
  const glued: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--regs' && i + 1 < args.length && /^-\d/.test(args[i + 1]!)) glued.push(`${a}=${args[++i]}`);
    else glued.push(a);
  }
  let usageError: string | null = null;
  const parser = buildParser(glued)
    .exitProcess(false)
    .fail((msg, err) => {
      if (err instanceof CliExit || err instanceof BpfError) throw err;
      usageError = msg ?? (err ? err.message : 'invalid usage');
    });
  try {
    await parser.parseAsync();
    if (usageError !== null) {
      process.stderr.write(`bpfbox: ${usageError}\nRun 'bpfbox --help' for usage.\n`);
      process.exitCode = EXIT_BAD_INPUT;
    }
  } catch (e) {
    if (e instanceof CliExit) {
      process.stderr.write(e.lines.join('\n') + '\n');
      process.exitCode = e.code;
    } else if (e instanceof BpfError) {
      process.stderr.write(e.diagnostics.map((d) => `bpfbox: ${formatDiagnostic(d)}`).join('\n') + '\n');
      process.exitCode = EXIT_BAD_INPUT;
    } else {
      process.stderr.write(`bpfbox: internal error: ${(e as Error).message ?? String(e)}\n`);
      process.exitCode = EXIT_BAD_INPUT;
    }
  }
}
