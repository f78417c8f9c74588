// Command-line shell over the library. Exit codes: 0 success, 1 a failed check (a faulting run,
// a failing conformance test), 2 bad input or usage. Errors are one clear line each, no traces.

import { readFileSync, writeFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { disassemble, type Syntax } from '../asm/index.js';
import { collectDataFiles, runConformanceTest } from '../conformance/runner.js';
import { runPlugin } from '../conformance/plugin.js';
import {
  type LoadedProgram, type ProgramBytes, loadProgramBytesOnly, loadProgramFile, parseHexBytes, readInput,
} from '../input/load.js';
import { type VerifyResult, verifyBytes } from '../verifier/index.js';
import { DEFAULT_PACKET_SIZE, DEFAULT_PRANDOM_SEED, ETH_HLEN, packetProblem, runProgram } from '../runtime/context.js';
import type { ProgTypeName } from '../runtime/progtypes.js';
import { compareWithKernel, formatComparison, type VerdictComparison } from '../oracle/compare.js';
import { release } from 'node:os';
import { decode } from '../isa/encoding.js';
import { BpfError, formatDiagnostic, type Diagnostic } from '../util/diagnostics.js';
import { DEFAULT_MAX_INSNS, type TraceStep } from '../vm/index.js';
import { faultToJson, formatFaultLine, formatTraceStep } from './format.js';

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

function loadOrExit(file: string, syntax: string | undefined) {
  const r = loadProgramFile(file, { syntax: (syntax ?? 'auto') as Syntax | 'auto' });
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
function verdictText(r: VerifyResult, src: ProgramBytes, file: string): string {
  const lines: string[] = [];
  if (r.error) {
    const d = decode(src.bytes);
    const idx = d.ok ? d.value.insnAtSlot[r.error.pc] ?? -1 : -1;
    const srcLine = idx >= 0 ? src.lines?.[idx] : undefined;
    const line = srcLine !== undefined ? ` (${file}:${srcLine})` : '';
    lines.push(`rejected at insn ${r.error.pc}${line}: ${r.error.message.split('\n')[0]} [${r.error.code}]`);
    lines.push(`  ${r.error.explanation}`);
  } else {
    lines.push('accepted');
  }
  return r.log + lines.join('\n') + '\n';
}

const syntaxOption = {
  choices: ['llvm', 'mnemonic'] as const,
  describe: 'force the assembly syntax of a text input (default: detected)',
  type: 'string' as const,
};

function buildParser(args: string[]): Argv {
  return yargs(args)
    .scriptName('bpfbox')
    .usage('$0 <command> [options]\n\nSee, measure and teach how an eBPF sandbox keeps a kernel safe.')
    .command(
      'asm <file>',
      'assemble a program (either syntax) to bytecode',
      (y) => y
        .positional('file', { type: 'string', demandOption: true, describe: '.s/.asm/.data/.bin/.hex input' })
        .option('o', { alias: 'output', type: 'string', describe: 'write raw bytes to this file (default: hex to stdout)' })
        .option('syntax', syntaxOption),
      (argv) => {
        const p = loadOrExit(argv.file, argv.syntax);
        if (argv.o !== undefined) {
          try {
            writeFileSync(argv.o, p.bytes);
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
        .option('labels', { type: 'boolean', default: true, describe: 'name jump targets with labels (--no-labels for offsets)' }),
      (argv) => {
        const p = loadOrExit(argv.file, argv['input-syntax']);
        out(disassemble(p.program, { syntax: argv.syntax as Syntax, labels: argv.labels }));
      },
    )
    .command(
      'run <file>',
      'run a program in the sandboxed interpreter (xdp and socket_filter programs are verified first)',
      (y) => y
        .positional('file', { type: 'string', demandOption: true })
        .option('type', {
          choices: ['raw', 'xdp', 'socket_filter'] as const, default: 'raw',
          describe: 'program type: raw (r1 = --mem, r2 = its size), xdp (r1 = struct xdp_md), socket_filter (r1 = struct __sk_buff)',
        })
        .option('mem', { type: 'string', describe: 'raw: input memory as hex bytes (r1 points to a copy, r2 = length)' })
        .option('mem-file', { type: 'string', describe: 'raw: input memory from a binary file' })
        .option('packet-hex', { type: 'string', describe: `xdp/socket_filter: the packet (an Ethernet frame, at least ${ETH_HLEN} bytes) as hex (default: ${DEFAULT_PACKET_SIZE} zero bytes)` })
        .option('packet', { type: 'string', describe: 'xdp/socket_filter: the packet from a binary file' })
        .option('verify', { type: 'boolean', describe: 'verify first and refuse a rejected program (default for xdp and socket_filter; --no-verify skips)' })
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
        const type = argv.type as ProgTypeName;
        const seed = argv.seed;
        if (seed !== undefined && !Number.isInteger(seed)) {
          badInput([{ code: 'E_USAGE', message: `--seed must be an integer, got ${String(seed)}` }]);
        }
        const givenPacket = argv['packet-hex'] !== undefined || argv.packet !== undefined;
        if (type === 'raw' && givenPacket) {
          badInput([{ code: 'E_USAGE', message: '--packet and --packet-hex are for --type xdp or socket_filter; a raw program takes --mem or --mem-file' }]);
        }
        if (type !== 'raw' && (argv.mem !== undefined || argv['mem-file'] !== undefined)) {
          badInput([{ code: 'E_USAGE', message: `--mem and --mem-file are for raw programs; give the ${type} program its packet with --packet-hex or --packet` }]);
        }
        const packet = type === 'raw' ? undefined : packetFromFlags(argv) ?? new Uint8Array(DEFAULT_PACKET_SIZE);
        if (packet) {
          const problem = packetProblem(type, packet);
          if (problem) badInput([{ code: 'E_PACKET', message: problem }]);
        }
        const flagMem = type === 'raw' ? memoryFromFlags(argv) : null;
        const syntax = (argv.syntax ?? 'auto') as Syntax | 'auto';
        const doVerify = argv.verify ?? type !== 'raw';

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
          ...(type === 'raw' ? { mem: (flagMem ?? p.mem) ?? undefined } : { packet }),
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
          if (argv.trace) obj['trace'] = traceLines;
          out(JSON.stringify(obj));
        } else {
          if (verdict) out(`verifier: accepted (processed ${verdict.stats.processedInsns} insns)`);
          if (traceLines.length) out(traceLines.join('\n'));
          if (result.fault) out(`fault: ${formatFaultLine(result.fault, p)}`);
          let meaning = '';
          if (!result.fault && type === 'xdp') meaning = ` ${action ?? 'unknown XDP action (the kernel warns and drops the packet)'}`;
          if (!result.fault && type === 'socket_filter') {
            const keep = Math.min(result.r0Lo, packet!.length - ETH_HLEN);
            meaning = result.r0Lo === 0 ? ' drop' : ` keep ${keep} of ${packet!.length - ETH_HLEN} bytes`;
          }
          out(`r0 = ${result.r0} (0x${result.r0.toString(16)})${meaning}`);
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
        .option('type', { choices: ['xdp', 'socket_filter', 'raw'] as const, default: 'raw', describe: 'program type' })
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
        const src = loadProgramBytesOnly(argv.file, { syntax: (argv.syntax ?? 'auto') as Syntax | 'auto' });
        if (!src.ok) badInput(src.errors);
        const r = verifyBytes(src.value.bytes, {
          progType: argv.type as 'xdp' | 'socket_filter' | 'raw', memSize, unprivileged: argv.unprivileged,
          logLevel: argv['log-level'] as 0 | 1 | 2,
        });
        const progType = argv.type as 'xdp' | 'socket_filter' | 'raw';
        const cmp = argv.kernel ? compareWithKernel(src.value.bytes, r, { progType, rawMemSize: memSize }) : null;
        if (argv.json) {
          const obj: Record<string, unknown> = verdictToJson(r);
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
      'plugin [args..]',
      'act as a plugin for the upstream bpf_conformance_runner (program as hex text on stdin, memory as first argument)',
    )
    .demandCommand(1, 'name a command: asm, disasm, run, verify, conformance or plugin (see --help)')
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
  let usageError: string | null = null;
  const parser = buildParser(args)
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
