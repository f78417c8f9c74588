// Line preparation and tokenizing, shared by both assembler syntaxes and by the template compiler
// (templates are tokenized by the same rules, so a template and the text it matches always split
// alike: `s>>=` is the word `s` and the operator `>>=` in both).

export type TokenKind = 'word' | 'number' | 'punct' | 'placeholder' | 'bad';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** 0-based index of the first character in the source line. */
  readonly start: number;
  /** 0-based index just past the last character. */
  readonly end: number;
}

// Longest first: the scanner takes the first entry that matches.
const PUNCTUATION = [
  '>>=', '<<=', '==', '!=', '>=', '<=', '+=', '-=', '*=', '/=', '%=', '|=', '&=', '^=', '>>', '<<',
  '=', '+', '-', '*', '/', '%', '|', '&', '^', '<', '>', '(', ')', '[', ']', ',', ':', '!', '~',
];
const PUNCTUATION_BY_FIRST = new Map<string, string[]>();
for (const p of PUNCTUATION) {
  const list = PUNCTUATION_BY_FIRST.get(p[0]!) ?? [];
  list.push(p);
  PUNCTUATION_BY_FIRST.set(p[0]!, list);
}
const punctuationAt = (text: string, i: number): string | undefined =>
  PUNCTUATION_BY_FIRST.get(text[i]!)?.find((p) => p.length === 1 || text.startsWith(p, i));

// Character classes as lookup tables (the tokenizer is the assembler's hottest loop).
const charTable = (chars: string): Uint8Array => {
  const t = new Uint8Array(128);
  for (const range of chars.match(/.-.|./g)!) {
    const from = range.charCodeAt(0);
    const to = range.length === 3 ? range.charCodeAt(2) : from;
    for (let c = from; c <= to; c++) t[c] = 1;
  }
  return t;
};
const WORD_START = charTable('A-Za-z_.$');
// `#` continues a word so that the verifier log's `bpf_map_lookup_elem#1` stays one token.
const WORD_PART = charTable('A-Za-z0-9_.$#');
// A number token takes letters too, so `0x1f` and a malformed `12ab` are each one token.
const NUMBER_PART = charTable('A-Za-z0-9_');
const LETTER = charTable('A-Za-z');
const inTable = (t: Uint8Array, c: number): boolean => c < 128 && t[c] === 1;
const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\v' || c === '\f';

/**
 * Splits `text[from, to)` into tokens. In template mode `{name}` is a placeholder token.
 * A character that starts no token becomes a `bad` token, reported by the caller.
 */
export function tokenize(text: string, from = 0, to = text.length, templateMode = false): Token[] {
  const tokens: Token[] = [];
  let i = from;
  while (i < to) {
    const c = text[i]!;
    const code = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    if (templateMode && c === '{') {
      const close = text.indexOf('}', i);
      if (close < 0) throw new Error(`unclosed placeholder in template '${text}'`);
      i = close + 1;
      kind = 'placeholder';
    } else if (inTable(WORD_START, code) || (c === '%' && i + 1 < to && inTable(LETTER, text.charCodeAt(i + 1)))) {
      i++;
      while (i < to && inTable(WORD_PART, text.charCodeAt(i))) i++;
      kind = 'word';
    } else if (isDigitCode(code)) {
      while (i < to && inTable(NUMBER_PART, text.charCodeAt(i))) i++;
      kind = 'number';
    } else {
      const p = punctuationAt(text, i);
      if (p) {
        i += p.length;
        kind = 'punct';
      } else {
        i++;
        kind = 'bad';
      }
    }
    tokens.push({ kind, text: text.slice(start, i), start, end: i });
  }
  return tokens;
}

/**
 * End of the code part of a line: comments start at `//`, `;`, or a `#` at the line start or
 * after whitespace (so `name#1` is not a comment). `/* ... *\/` on one line is blanked in place
 * (columns are kept).
 */
export function stripComments(line: string): string {
  let out = line;
  for (let i = 0; i < out.length; i++) {
    const c = out[i]!;
    if (c === ';') return out.slice(0, i);
    if (c === '#' && (i === 0 || isSpace(out[i - 1]!))) return out.slice(0, i);
    if (c === '/' && out[i + 1] === '/') return out.slice(0, i);
    if (c === '/' && out[i + 1] === '*') {
      const close = out.indexOf('*/', i + 2);
      const end = close < 0 ? out.length : close + 2;
      out = out.slice(0, i) + ' '.repeat(end - i) + out.slice(end);
      i = end - 1;
    }
  }
  return out;
}

/** What a listing prefix says about the instruction that follows it. */
export interface PrefixHint {
  /** Opcode byte: the kernel log's `(b7)` or the first raw byte of an llvm-objdump line. */
  readonly opcode: number;
  /** Raw instruction bytes (llvm-objdump), 8 or 16 of them. */
  readonly bytes?: Uint8Array;
}

export interface PreparedLine {
  /** The line with comments, listing prefix and trailing `<...>` annotation blanked out. */
  readonly code: string;
  readonly hint?: PrefixHint;
  /** A label defined by an llvm-objdump symbol header (`0000000000000028 <my_func>:`). */
  readonly headerLabel?: string;
  /** The whole line is listing boilerplate (`file format`, `Disassembly of section`). */
  readonly ignore?: boolean;
}

// `12: (b7) r0 = 1` (kernel verifier log)
const KERNEL_PREFIX = /^\s*\d+:\s*\(([0-9a-fA-F]{2})\)/;
// `12:\t45 01 01 00 03 00 00 00\tif r1 & 0x3 goto +0x1` (llvm-objdump, 8 or 16 raw bytes)
const OBJDUMP_PREFIX = /^\s*\d+:\s+((?:[0-9a-fA-F]{2} ){7}[0-9a-fA-F]{2}(?: (?:[0-9a-fA-F]{2} ){7}[0-9a-fA-F]{2})?)(?=\s|$)/;
// `12:\tr0 = 1` (llvm-objdump --no-show-raw-insn, or a numbered listing of our own)
const INDEX_PREFIX = /^\s*\d+:(?=\s|$)/;
// Trailing llvm-objdump annotation of a jump target: `goto +0x1 <.text+0x70>` or `<LBB0_3>`.
const ANNOTATION = /(\S\s*)<[^<>]*>\s*$/;
const OBJDUMP_SYMBOL = /^\s*[0-9a-fA-F]+\s+<([^<>]+)>:\s*$/;
const OBJDUMP_BOILERPLATE = /^(\S+:\s+file format\s|Disassembly of section\s)/;

const blank = (s: string, from: number, to: number): string => s.slice(0, from) + ' '.repeat(to - from) + s.slice(to);

/** Removes everything around the instruction text, keeping column positions. */
export function prepareLine(rawLine: string): PreparedLine {
  let code = stripComments(rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine);
  if (OBJDUMP_BOILERPLATE.test(code)) return { code: '', ignore: true };
  const symbol = OBJDUMP_SYMBOL.exec(code);
  if (symbol) return { code: '', headerLabel: symbol[1]! };

  let hint: PrefixHint | undefined;
  // Listing prefixes start with a digit; most lines do not, so skip the regular expressions.
  const startsWithDigit = /^\s*\d/.test(code);
  let m = startsWithDigit ? KERNEL_PREFIX.exec(code) : null;
  if (m) {
    hint = { opcode: parseInt(m[1]!, 16) };
  } else if (startsWithDigit && (m = OBJDUMP_PREFIX.exec(code))) {
    const bytes = Uint8Array.from(m[1]!.split(' '), (b) => parseInt(b, 16));
    hint = { opcode: bytes[0]!, bytes };
  } else if (startsWithDigit) {
    m = INDEX_PREFIX.exec(code);
  }
  if (m) code = blank(code, 0, m[0].length);

  const annotation = code.includes('>') ? ANNOTATION.exec(code) : null;
  if (annotation) code = blank(code, annotation.index + annotation[1]!.length, code.length);
  return hint ? { code, hint } : { code };
}
