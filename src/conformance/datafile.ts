// Parser for the conformance suite's `.data` test files, following the upstream runner's rules
// (documented in shared/conformance/README.md): `#` starts a comment anywhere, any line holding
// `--` is a section header matched by substring, empty lines are skipped.

import { type Result, fail, ok } from '../util/diagnostics.js';

export interface DataFile {
  /** Assembly text with every non-asm line blanked, so line numbers match the file. */
  readonly asm: string | null;
  /** Program bytes from a `-- raw` section (replaces `asm` when present). */
  readonly raw: Uint8Array | null;
  /** Input memory from `-- mem`. */
  readonly mem: Uint8Array | null;
  /** Expected r0 as an unsigned 64-bit value. */
  readonly result: bigint | null;
  /** Expected error text from `-- error`. */
  readonly error: string | null;
}

type Section = 'none' | 'asm' | 'result' | 'mem' | 'raw' | 'ignored' | 'error';

// Header keywords in the order the upstream runner tests them.
const HEADERS: [string, Section][] = [
  ['asm', 'asm'],
  ['result', 'result'],
  ['mem', 'mem'],
  ['raw', 'raw'],
  ['no register offset', 'ignored'],
  [' c', 'ignored'],
  ['error', 'error'],
];

const U64_MAX = (1n << 64n) - 1n;

export function parseDataFile(text: string, file = '<data>'): Result<DataFile> {
  const lines = text.split('\n');
  let section: Section = 'none';
  const asmLines: string[] = [];
  const memTokens: string[] = [];
  const rawTokens: { tok: string; line: number }[] = [];
  let resultLine: { text: string; line: number } | null = null;
  let errorLine: string | null = null;
  let sawAsm = false;
  let sawRaw = false;

  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    asmLines.push('');
    if (line.trim() === '') continue;
    if (line.includes('--')) {
      const hit = HEADERS.find(([kw]) => line.includes(kw));
      if (!hit) {
        return fail([{ code: 'E_DATA_SECTION', file, line: n + 1, text: line.trim(), message: 'unknown section header' }]);
      }
      section = hit[1];
      if (section === 'asm') sawAsm = true;
      if (section === 'raw') sawRaw = true;
      continue;
    }
    switch (section) {
      case 'asm':
        asmLines[n] = line;
        break;
      case 'mem':
        memTokens.push(...line.trim().split(/\s+/));
        break;
      case 'raw':
        for (const tok of line.trim().split(/\s+/)) rawTokens.push({ tok, line: n + 1 });
        break;
      case 'result':
        resultLine = { text: line.trim(), line: n + 1 };
        break;
      case 'error':
        errorLine = line.trim();
        break;
      default:
        break;
    }
  }

  let mem: Uint8Array | null = null;
  if (memTokens.length) {
    const bad = memTokens.find((t) => !/^[0-9a-fA-F]{1,2}$/.test(t));
    if (bad !== undefined) {
      return fail([{ code: 'E_DATA_MEM', file, text: bad, message: 'memory bytes must be 2-digit hex values' }]);
    }
    mem = Uint8Array.from(memTokens.map((t) => parseInt(t, 16)));
  }

  let raw: Uint8Array | null = null;
  if (sawRaw) {
    const r = parseRawTokens(rawTokens, file);
    if (!r.ok) return r;
    raw = r.value;
  }

  let result: bigint | null = null;
  if (resultLine) {
    const t = resultLine.text;
    const m = t.includes('0x') ? /0x([0-9a-fA-F]+)/.exec(t) : /(\d+)/.exec(t);
    const v = m ? (t.includes('0x') ? BigInt('0x' + m[1]) : BigInt(m[1]!)) : null;
    if (v === null || v > U64_MAX) {
      return fail([{ code: 'E_DATA_RESULT', file, line: resultLine.line, text: t, message: 'result is not a 64-bit number' }]);
    }
    result = v;
  }

  return ok({ asm: sawAsm ? asmLines.join('\n') : null, raw, mem, result, error: errorLine });
}

/**
 * Raw program tokens: either one byte per token (`85 01 00 ...`, as the negative tests use) or one
 * 64-bit little-endian slot per token (`0x5566778800000018`, as `lddw.data` uses).
 */
function parseRawTokens(tokens: { tok: string; line: number }[], file: string): Result<Uint8Array> {
  const bytewise = tokens.every((t) => /^[0-9a-fA-F]{1,2}$/.test(t.tok));
  if (bytewise) return ok(Uint8Array.from(tokens.map((t) => parseInt(t.tok, 16))));
  const out = new Uint8Array(tokens.length * 8);
  const view = new DataView(out.buffer);
  for (let i = 0; i < tokens.length; i++) {
    const { tok, line } = tokens[i]!;
    let v: bigint;
    try {
      v = BigInt(tok);
    } catch {
      return fail([{ code: 'E_DATA_RAW', file, line, text: tok, message: 'raw slot is not a number' }]);
    }
    if (v < 0n || v > U64_MAX) return fail([{ code: 'E_DATA_RAW', file, line, text: tok, message: 'raw slot exceeds 64 bits' }]);
    view.setBigUint64(i * 8, v, true);
  }
  return ok(out);
}
