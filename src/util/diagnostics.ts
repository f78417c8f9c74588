// Errors are values with places: every rejection or fault carries a stable code, a plain-words
// message and, where known, the instruction index and source position.

export interface Diagnostic {
  /** Stable, machine-readable code, e.g. `E_UNKNOWN_OPCODE`, `E_ASM_SYNTAX`. */
  readonly code: string;
  /** Plain-words explanation. */
  readonly message: string;
  /** Instruction index (slot number) the problem is about. */
  readonly insn?: number;
  /** Encoding field at fault (`opcode`, `dst`, `src`, `off`, `imm`, `imm2`). */
  readonly field?: string;
  /** Source file, 1-based line and column, and the offending text. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  readonly text?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; errors: Diagnostic[] };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T>(errors: Diagnostic[]): Result<T> {
  return { ok: false, errors };
}

/** Thrown only at API boundaries that cannot return a Result; carries the diagnostics. */
export class BpfError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'BpfError';
    this.diagnostics = diagnostics;
  }
  get code(): string {
    return this.diagnostics[0]?.code ?? 'E_UNKNOWN';
  }
}

/** Unwraps a Result, throwing a BpfError carrying its diagnostics on failure. */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new BpfError(r.errors);
}

/** `file:line:col: message [CODE]` or `insn N: message [CODE]`, plus the offending text. */
export function formatDiagnostic(d: Diagnostic): string {
  let where = '';
  if (d.line !== undefined) {
    where = `${d.file ?? '<input>'}:${d.line}${d.column !== undefined ? `:${d.column}` : ''}: `;
  } else if (d.file !== undefined) {
    where = `${d.file}: `;
  }
  const insn = d.insn !== undefined && d.line === undefined ? `insn ${d.insn}: ` : '';
  const text = d.text !== undefined && d.text !== '' ? ` (in '${printable(d.text)}')` : '';
  return `${where}${insn}${printable(d.message)}${text} [${d.code}]`;
}

/** Control characters and other invisibles as \xNN, so a binary file's bytes stay readable. */
function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => '\\x' + c.charCodeAt(0).toString(16).padStart(2, '0'));
}
