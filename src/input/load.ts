// Loads a program from any supported input form, chosen by file extension:
//   .s / .asm  assembly text (either syntax)       .data  conformance test (program + memory)
//   .bin       raw little-endian bytecode          .hex   hex bytes as text
// The library core never touches the file system except here.

import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { assemble, type Syntax } from '../asm/index.js';
import { parseDataFile } from '../conformance/datafile.js';
import { type Program, decode } from '../isa/encoding.js';
import { type Diagnostic, type Result, fail, ok } from '../util/diagnostics.js';
import { loadObject } from '../elf/loader.js';
import type { ElfProgram, LoadedObject, SourceLine } from '../elf/types.js';
import type { MapDef } from '../runtime/maps/def.js';

export type InputKind = 'asm' | 'data' | 'bin' | 'hex' | 'elf';

export interface LoadedProgram {
  readonly file: string;
  readonly kind: InputKind;
  readonly program: Program;
  readonly bytes: Uint8Array;
  /** Input memory carried by the file itself (`.data` files). */
  readonly mem: Uint8Array | null;
  /** Expected r0 / error text (`.data` files). */
  readonly expectedResult: bigint | null;
  readonly expectedError: string | null;
  /** 1-based source line of each instruction, when the input is text. */
  readonly lines: readonly number[] | null;
  readonly syntax: Syntax | null;
  /** Label names by slot, from the source text (for traces and listings). */
  readonly labelAt: ReadonlyMap<number, string> | null;
  /** Maps the program refers to (`.map` directives, or the ELF object's maps); empty when none. */
  readonly maps: readonly MapDef[];
  /** ELF input: the object and the chosen program (C lines per slot in `elf.program.lines`). */
  readonly elf: { readonly object: LoadedObject; readonly program: ElfProgram } | null;
  /** Program section: the ELF program's, or the assembly's `.section` directive; else null. */
  readonly section: string | null;
}

export interface LoadOptions {
  syntax?: Syntax | 'auto';
  /** ELF input: the program to take (function or section name); default the only one. */
  program?: string;
}

const KIND_BY_EXT: Record<string, InputKind> = {
  '.s': 'asm', '.asm': 'asm', '.data': 'data', '.bin': 'bin', '.hex': 'hex', '.o': 'elf',
};

export function inputKindOf(file: string): InputKind | null {
  return KIND_BY_EXT[extname(file).toLowerCase()] ?? null;
}

/** Reads a file, turning every file-system problem into a diagnostic. */
export function readInput(file: string): Result<Buffer> {
  try {
    if (statSync(file).isDirectory()) {
      return fail([{ code: 'E_FILE', file, message: 'is a directory, expected a program file' }]);
    }
    return ok(readFileSync(file));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? 'error'})`;
    return fail([{ code: 'E_FILE', file, message: why }]);
  }
}

export function loadProgramFile(file: string, opts: LoadOptions = {}): Result<LoadedProgram> {
  const content = readInput(file);
  if (!content.ok) return content;
  const kind = inputKindOf(file);
  if (!kind) {
    return fail([{
      code: 'E_INPUT_KIND', file,
      message: `unknown file type '${extname(file) || '(none)'}': expected .s, .asm, .data, .bin, .hex or .o`,
    }]);
  }
  return loadProgramBytes(content.value, kind, file, opts);
}

/** Loads a program from in-memory content of the given kind. */
export function loadProgramBytes(content: Uint8Array, kind: InputKind, file: string, opts: LoadOptions = {}): Result<LoadedProgram> {
  const base = {
    file, kind, mem: null, expectedResult: null, expectedError: null, lines: null, syntax: null, labelAt: null, maps: [], elf: null,
    section: null,
  };
  const text = (): string => new TextDecoder().decode(content);
  switch (kind) {
    case 'bin':
      return withPlace(decode(content), file, (program) => ok({ ...base, program, bytes: content }));
    case 'hex': {
      const bytes = parseHexBytes(text(), file);
      if (!bytes.ok) return bytes;
      return withPlace(decode(bytes.value), file, (program) => ok({ ...base, program, bytes: bytes.value }));
    }
    case 'asm':
      return fromAssembly(text(), file, opts, base);
    case 'data': {
      const d = parseDataFile(text(), file);
      if (!d.ok) return d;
      const extra = { mem: d.value.mem, expectedResult: d.value.result, expectedError: d.value.error };
      if (d.value.raw) {
        const raw = d.value.raw;
        return withPlace(decode(raw), file, (program) => ok({ ...base, ...extra, program, bytes: raw }));
      }
      if (d.value.asm === null) {
        return fail([{ code: 'E_DATA_NO_PROGRAM', file, message: 'the .data file has no `-- asm` or `-- raw` section' }]);
      }
      const r = fromAssembly(d.value.asm, file, { syntax: opts.syntax ?? 'mnemonic' }, base);
      return r.ok ? ok({ ...r.value, ...extra }) : r;
    }
    case 'elf': {
      const o = loadObject(content, { file });
      if (!o.ok) return o;
      const p = selectProgram(o.value, opts.program, file);
      if (!p.ok) return p;
      const prog = p.value;
      return ok({
        ...base, program: prog.program, bytes: prog.bytes, maps: o.value.maps, elf: { object: o.value, program: prog }, section: prog.section,
      });
    }
  }
}

/** Reads and loads an ELF object file. */
export function loadObjectFile(file: string): Result<LoadedObject> {
  const content = readInput(file);
  if (!content.ok) return content;
  return loadObject(content.value, { file });
}

/**
 * The program `name` names (a function name, a section name, or `section:function`), or the only
 * program when no name is given. Errors list the programs there are.
 */
export function selectProgram(obj: LoadedObject, name: string | undefined, file?: string): Result<ElfProgram> {
  const list = (): string => obj.programs.map((p) => (p.name === p.section ? p.name : `${p.name} (section ${p.section})`)).join(', ');
  const where = file !== undefined ? { file } : {};
  if (obj.programs.length === 0) {
    return fail([{ code: 'E_ELF_NO_PROGRAMS', ...where, message: 'the object has no programs (no code sections other than subprograms)' }]);
  }
  if (name === undefined) {
    if (obj.programs.length === 1) return ok(obj.programs[0]!);
    return fail([{ code: 'E_ELF_PROGRAM_CHOICE', ...where, message: `the object has ${obj.programs.length} programs; pick one with --program NAME: ${list()}` }]);
  }
  const byName = obj.programs.filter((p) => p.name === name);
  if (byName.length >= 1) return ok(byName[0]!);
  const colon = name.lastIndexOf(':');
  if (colon > 0) {
    const hit = obj.programs.find((p) => p.section === name.slice(0, colon) && p.name === name.slice(colon + 1));
    if (hit) return ok(hit);
  }
  const bySection = obj.programs.filter((p) => p.section === name);
  if (bySection.length === 1) return ok(bySection[0]!);
  if (bySection.length > 1) {
    return fail([{ code: 'E_ELF_PROGRAM_CHOICE', ...where, message: `section '${name}' holds ${bySection.length} programs; name one: ${bySection.map((p) => p.name).join(', ')}` }]);
  }
  return fail([{ code: 'E_ELF_PROGRAM_CHOICE', ...where, message: `no program named '${name}'; the object has: ${list()}` }]);
}

/** The C source line of a slot of an ELF program, if known. */
export function cLineAt(p: Pick<LoadedProgram, 'elf'>, slot: number): SourceLine | undefined {
  return p.elf?.program.lines[slot];
}

function fromAssembly(
  source: string, file: string, opts: LoadOptions,
  base: Omit<LoadedProgram, 'program' | 'bytes'>,
): Result<LoadedProgram> {
  const a = assemble(source, { syntax: opts.syntax ?? 'auto', file });
  if (!a.ok) return a;
  const bytes = a.value.bytes;
  const labelAt = new Map<number, string>();
  for (const [name, slot] of a.value.labels) if (!labelAt.has(slot)) labelAt.set(slot, name);
  return withPlace(decode(bytes), file, (program) =>
    ok({ ...base, program, bytes, lines: a.value.lines, syntax: a.value.syntax, labelAt, maps: a.value.maps, section: a.value.section }));
}

function withPlace<T, U>(r: Result<T>, file: string, then: (v: T) => Result<U>): Result<U> {
  if (!r.ok) return fail(r.errors.map((e): Diagnostic => ({ file, ...e })));
  return then(r.value);
}

/** Hex bytes as text: whitespace/comma separated pairs, optional `0x`, `#` comments. */
export function parseHexBytes(text: string, file = '<hex>'): Result<Uint8Array> {
  const out: number[] = [];
  const errors: Diagnostic[] = [];
  text.split('\n').forEach((rawLine, n) => {
    const line = rawLine.replace(/(#|\/\/).*$/, '');
    const re = /[^\s,]+/g;
    for (let m = re.exec(line); m; m = re.exec(line)) {
      const tok = m[0].replace(/^0x/i, '');
      if (/^([0-9a-fA-F]{2})+$/.test(tok)) {
        for (let i = 0; i < tok.length; i += 2) out.push(parseInt(tok.slice(i, i + 2), 16));
      } else {
        errors.push({ code: 'E_HEX', file, line: n + 1, column: m.index + 1, text: m[0], message: 'not a hex byte' });
      }
    }
  });
  return errors.length ? fail(errors) : ok(Uint8Array.from(out));
}

/** A program's bytes before decoding (for the verifier, which rejects undecodable bytes itself). */
export interface ProgramBytes {
  readonly file: string;
  readonly kind: InputKind;
  readonly bytes: Uint8Array;
  /** 1-based source line per instruction when the input was assembly text. */
  readonly lines: readonly number[] | null;
  /** Maps declared by the input (`.map` directives, ELF maps). */
  readonly maps: readonly MapDef[];
  /** ELF input: the object and the chosen program. */
  readonly elf: { readonly object: LoadedObject; readonly program: ElfProgram } | null;
  /** Program section (ELF, or the assembly's `.section`), else null. */
  readonly section?: string | null;
}

/**
 * Reads a program file down to its bytecode without decoding it: assembly is assembled, `.data`,
 * `.bin` and `.hex` give their bytes. Only unreadable input (missing file, bad text) fails here.
 */
export function loadProgramBytesOnly(file: string, opts: LoadOptions = {}): Result<ProgramBytes> {
  const content = readInput(file);
  if (!content.ok) return content;
  const kind = inputKindOf(file);
  if (!kind) {
    return fail([{
      code: 'E_INPUT_KIND', file,
      message: `unknown file type '${extname(file) || '(none)'}': expected .s, .asm, .data, .bin, .hex or .o`,
    }]);
  }
  const text = (): string => new TextDecoder().decode(content.value);
  switch (kind) {
    case 'bin':
      return ok({ file, kind, bytes: new Uint8Array(content.value), lines: null, maps: [], elf: null });
    case 'hex': {
      const b = parseHexBytes(text(), file);
      return b.ok ? ok({ file, kind, bytes: b.value, lines: null, maps: [], elf: null }) : b;
    }
    case 'asm': {
      const a = assemble(text(), { syntax: opts.syntax ?? 'auto', file });
      return a.ok ? ok({ file, kind, bytes: a.value.bytes, lines: a.value.lines, maps: a.value.maps, elf: null, section: a.value.section }) : a;
    }
    case 'data': {
      const d = parseDataFile(text(), file);
      if (!d.ok) return d;
      if (d.value.raw) return ok({ file, kind, bytes: d.value.raw, lines: null, maps: [], elf: null });
      if (d.value.asm === null) {
        return fail([{ code: 'E_DATA_NO_PROGRAM', file, message: 'the .data file has no `-- asm` or `-- raw` section' }]);
      }
      const a = assemble(d.value.asm, { syntax: opts.syntax ?? 'mnemonic', file });
      return a.ok ? ok({ file, kind, bytes: a.value.bytes, lines: null, maps: a.value.maps, elf: null }) : a;
    }
    case 'elf': {
      const o = loadObject(content.value, { file });
      if (!o.ok) return o;
      const p = selectProgram(o.value, opts.program, file);
      if (!p.ok) return p;
      return ok({ file, kind, bytes: p.value.bytes, lines: null, maps: o.value.maps, elf: { object: o.value, program: p.value }, section: p.value.section });
    }
  }
}
