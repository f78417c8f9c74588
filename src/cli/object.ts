// Command-line pieces for programs that come with maps or C line information: ELF objects (.o)
// and assembly with `.map` directives. Rendering only; main.ts does the argument handling.

import { basename, extname } from 'node:path';
import { formatInsn, targetLabels, type Syntax } from '../asm/index.js';
import { mapDirectives } from '../asm/disassembler.js';
import type { MapDef } from '../runtime/maps/def.js';
import type { ElfProgram, SourceLine } from '../elf/types.js';
import type { LoadedProgram } from '../input/load.js';
import { bpfboxTypeOf, progTypeOfSection } from '../elf/sections.js';
import type { Program } from '../isa/encoding.js';
import { encode, decode } from '../isa/encoding.js';
import { MapSet, mapsFromJson } from '../runtime/maps/index.js';
import type { ProgTypeName } from '../runtime/progtypes.js';
import { type Diagnostic, type Result, fail, ok } from '../util/diagnostics.js';

/** `xdp_parse_count.c:35: if ((void *)(eth + 1) > data_end)` */
export function formatCLine(l: SourceLine): string {
  const text = l.text.trim();
  return `${l.file}:${l.line}${text ? `: ${text}` : ''}`;
}

/** The C line of slot `pc` of a program, formatted, or undefined. */
export function cLineText(p: Pick<LoadedProgram, 'elf'>, pc: number): string | undefined {
  const l = p.elf?.program.lines[pc];
  return l ? formatCLine(l) : undefined;
}

/**
 * The bpfbox type a program runs as: `--type` when given, else what its ELF section selects, else
 * `raw`. An ELF program of a type bpfbox does not run yet is an error that says what to do.
 */
export function programTypeFor(p: Pick<LoadedProgram, 'elf'> & { section?: string | null }, given: string | undefined): Result<ProgTypeName> {
  if (given !== undefined) return ok(given as ProgTypeName);
  const e = p.elf?.program;
  if (!e) {
    // Assembly with a `.section` directive: the section's type when bpfbox runs it.
    const t = p.section ? bpfboxTypeOf(progTypeOfSection(p.section).kernelType) : null;
    return ok(t ?? 'raw');
  }
  const t = bpfboxTypeOf(e.kernelType);
  if (t) return ok(t);
  const what = e.section === '.text'
    ? 'it is a .text function, and no section names its type'
    : e.kernelType === 'unspec'
    ? `section '${e.section}' does not name a program type libbpf knows`
    : `it is a ${e.kernelType} program (section '${e.section}'), a type bpfbox does not run or verify yet`;
  return fail([{
    code: 'E_PROG_TYPE',
    message: `cannot pick a program type for '${e.name}': ${what}; give --type xdp, socket_filter, kprobe or raw to treat it as one`,
  }]);
}

/** A label name the assembler accepts (function names like `2/1` are not). */
function labelName(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.]/g, '_');
  return /^[A-Za-z_.]/.test(s) ? s : `f_${s}`;
}

/**
 * Disassembly of an ELF program: function names as labels for the appended subprograms, and with
 * `source`, each C line (from .BTF.ext) as a `;` comment before the first instruction it produced.
 */
export function disassembleElf(
  prog: ElfProgram, opts: { syntax: Syntax; labels: boolean; source: boolean; maps?: readonly MapDef[] },
): string {
  const program: Program = prog.program;
  const labels = opts.labels ? targetLabels(program) : new Map<number, string>();
  if (opts.labels) for (const [slot, name] of prog.functions) labels.set(slot, labelName(name));
  const labelAt = (slot: number): string | undefined => labels.get(slot);
  const indent = labels.size > 0 ? '    ' : '';
  const out: string[] = [];
  // `.section` and `.map` directives first, map operands by name: the text re-assembles (and
  // `asm -o` writes it back as an object) with the same maps.
  out.push(`.section ${prog.section}`);
  const declared = opts.maps?.length ? mapDirectives(opts.maps) : undefined;
  if (declared) out.push(...declared.lines);
  const mapName = declared ? (i: number): string | undefined => declared.names[i] : undefined;
  let last: SourceLine | undefined;
  program.insns.forEach((insn, n) => {
    const slot = program.slotOf[n]!;
    const label = labels.get(slot);
    if (label !== undefined) out.push(`${label}:`);
    const l = prog.lines[slot];
    if (opts.source && l && (!last || l.line !== last.line || l.file !== last.file)) {
      out.push(`${indent}; ${formatCLine(l)}`);
      last = l;
    }
    out.push(indent + formatInsn(insn, opts.syntax, mapName ? { slot, labelAt, mapName } : { slot, labelAt }));
  });
  const end = labels.get(program.slotCount);
  if (end !== undefined) out.push(`${end}:`);
  return out.join('\n') + '\n';
}

/** A program given as assembly with `.map` directives, shaped like an ELF program for the runtime. */
export function asElfProgram(p: LoadedProgram): ElfProgram {
  if (p.elf) return p.elf.program;
  const name = labelName(basename(p.file, extname(p.file)));
  const mapsUsed = new Set<number>();
  for (const i of p.program.insns) if (i.op.opcode === 0x18 && (i.src === 1 || i.src === 2)) mapsUsed.add(i.imm);
  const d = decode(p.bytes);
  return {
    name, section: name, kernelType: 'unspec', kernelTypeId: 0, expectedAttachType: 0,
    program: d.ok ? d.value : p.program, bytes: d.ok ? p.bytes : encode(p.program.insns),
    lines: [], mapsUsed: [...mapsUsed].sort((a, b) => a - b), functions: new Map([[0, name]]),
  };
}

/** `--map NAME=FILE.json` values: reads each file and fills the named map. */
export function fillMaps(set: MapSet, specs: readonly string[], readText: (file: string) => Result<string>): Result<void> {
  const errors: Diagnostic[] = [];
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) {
      errors.push({ code: 'E_USAGE', message: `--map wants NAME=FILE.json, got '${spec}'` });
      continue;
    }
    const name = spec.slice(0, eq);
    const file = spec.slice(eq + 1);
    if (!set.get(name)) {
      const names = set.defs.map((d) => d.name).join(', ') || 'none';
      errors.push({ code: 'E_MAP_UNKNOWN', message: `--map ${name}: the program has no map named '${name}' (maps: ${names})` });
      continue;
    }
    const text = readText(file);
    if (!text.ok) {
      errors.push(...text.errors);
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text.value);
    } catch (e) {
      errors.push({ code: 'E_MAP_JSON', file, message: `not valid JSON: ${(e as Error).message}` });
      continue;
    }
    const r = mapsFromJson(set, name, json);
    if (!r.ok) errors.push(...r.errors.map((d) => ({ file, ...d })));
  }
  return errors.length ? fail(errors) : ok(undefined);
}
