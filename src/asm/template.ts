// The generic template matcher and renderer behind both assembler syntaxes and the disassembler.
//
// Every `mnemonic` / `pseudo` template of `OPS` (src/isa/opcodes.ts) is tokenized once into literal
// tokens and placeholders. Assembling a line means finding the first template (in `OPS` order,
// canonical before aliases) whose parts all match the line's tokens; printing an instruction
// means filling its row's canonical template. There is no other list of instruction forms.

import { type Insn, MAX_REG } from '../isa/encoding.js';
import { OPS, type OpSpec } from '../isa/opcodes.js';
import { type Token, tokenize } from './lexer.js';
import {
  fits32, fits64, fitsS16, fitsS32, formatImm32, formatImm64, formatSigned, isHexText, parseNumberText,
  S16_MAX, S16_MIN, S32_MAX, S32_MIN, splitImm64, toS32, U32_MAX,
} from './numbers.js';

/** `llvm`: the LLVM/kernel pseudo-C syntax; `mnemonic`: the conformance suite's `mov %r0, 1`. */
export type Syntax = 'llvm' | 'mnemonic';

const PLACEHOLDERS = [
  'rd', 'rs', 'wd', 'ws', 'Rd', 'Rs', 'Wd', 'Ws', 'imm', 'imm64', 'imm2', 'md', 'ms', 'mdi', 'target', 'target32',
  'call',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export type TemplatePart = { readonly literal: string } | { readonly placeholder: Placeholder };

export interface Template {
  readonly op: OpSpec;
  readonly syntax: Syntax;
  /** The template string as written in `OPS`. */
  readonly text: string;
  /** First template of its row for this syntax: the form the disassembler prints. */
  readonly canonical: boolean;
  /** Position in match order (rows in `OPS` order, each row's templates in listed order). */
  readonly order: number;
  readonly parts: readonly TemplatePart[];
  /** Fewest and most tokens a matching line can have (a cheap first filter). */
  readonly minTokens: number;
  readonly maxTokens: number;
  /**
   * The {imm} operand names a map and may be written as a map's name: the lddw pseudo forms the
   * ISA table writes `map_...({imm}...)` (map_fd, map_value, map_idx, map_idx_value).
   */
  readonly mapOperand: boolean;
}

/** How many tokens each placeholder can take, e.g. `(r1 + 4)` is 5, `(r1)` is 3. */
function tokenSpan(ph: Placeholder, syntax: Syntax): [number, number] {
  switch (ph) {
    case 'rd': case 'rs': case 'wd': case 'ws': case 'Rd': case 'Rs': case 'Wd': case 'Ws':
      return [1, 1];
    case 'imm': case 'imm2': case 'imm64':
      return [1, 2];
    case 'md': case 'ms':
      return [3, 5];
    case 'mdi':
      return syntax === 'mnemonic' ? [3, 5] : [1, 3];
    case 'target': case 'target32': case 'call':
      return [1, 3];
  }
}

function compile(op: OpSpec, syntax: Syntax, text: string, canonical: boolean, order: number): Template {
  const parts = tokenize(text, 0, text.length, true).map((t): TemplatePart => {
    if (t.kind !== 'placeholder') return { literal: t.text };
    const name = t.text.slice(1, -1);
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new Error(`${op.name}: unknown placeholder {${name}} in template '${text}'`);
    }
    return { placeholder: name as Placeholder };
  });
  let minTokens = 0;
  let maxTokens = 0;
  for (const part of parts) {
    const [lo, hi] = 'literal' in part ? [syntax === 'mnemonic' && part.literal === ',' ? 0 : 1, 1]
      : tokenSpan(part.placeholder, syntax);
    minTokens += lo;
    maxTokens += hi;
  }
  const mapOperand = op.kind === 'lddw' && /\bmap_\w*\(\{imm\}/.test(text);
  return { op, syntax, text, canonical, order, parts, minTokens, maxTokens, mapOperand };
}

function compileAll(syntax: Syntax): Template[] {
  const out: Template[] = [];
  for (const op of OPS) {
    const texts = syntax === 'llvm' ? op.pseudo : op.mnemonic;
    texts.forEach((text, k) => out.push(compile(op, syntax, text, k === 0, out.length)));
  }
  return out;
}

/** All templates of each syntax, in match order. */
export const TEMPLATES: Readonly<Record<Syntax, readonly Template[]>> = {
  llvm: compileAll('llvm'),
  mnemonic: compileAll('mnemonic'),
};

const CANONICAL: Readonly<Record<Syntax, readonly Template[]>> = {
  llvm: canonicalByOpId('llvm'),
  mnemonic: canonicalByOpId('mnemonic'),
};

function canonicalByOpId(syntax: Syntax): Template[] {
  const byId: Template[] = [];
  for (const t of TEMPLATES[syntax]) if (t.canonical) byId[t.op.id] = t;
  return byId;
}

export function canonicalTemplate(op: OpSpec, syntax: Syntax): Template {
  const t = CANONICAL[syntax][op.id];
  if (!t) throw new Error(`${op.name} has no ${syntax} template`);
  return t;
}

// ---- Matching --------------------------------------------------------------------------------

/** A jump or call operand naming a label, resolved once all labels are known. */
export interface LabelRef {
  readonly name: string;
  readonly token: Token;
  /** Field receiving `target slot - (pc + 1)`: `off` (16 bits) or `imm` (32 bits). */
  readonly field: 'off' | 'imm';
}

/** Field values read from a line; fields a template does not mention stay 0. */
export interface Operands {
  dst: number;
  src: number;
  off: number;
  imm: number;
  imm2: number;
  labelRef?: LabelRef;
  /** A map named instead of numbered (`map_fd(counts)`): the assembler puts its index in `imm`. */
  mapRef?: MapRef;
}

/** A map operand given by name, resolved against the file's `.map` declarations. */
export interface MapRef {
  readonly name: string;
  readonly token: Token;
}

/** A problem with a value whose form was right (range, register number, repeated register). */
export interface ValueError {
  readonly code: string;
  readonly message: string;
  /** Column span in the source line, 0-based, end exclusive. */
  readonly start: number;
  readonly end: number;
}

/**
 * Why a template did not match: how far it got (the index of the first token it could not accept,
 * or for a value error the index just past the bad value) and what it expected there or the error.
 */
export interface MatchFailure {
  readonly pos: number;
  readonly expected?: string;
  readonly error?: ValueError;
}

export type MatchResult = { readonly ok: true; readonly operands: Operands } | { readonly ok: false; readonly failure: MatchFailure };

interface MatchState {
  readonly toks: readonly Token[];
  /** The source line the tokens come from (for the text of numbers with their sign). */
  readonly line: string;
  readonly syntax: Syntax;
  readonly ops: Operands;
  /** Register text bound to dst/src by an earlier placeholder, for repeated placeholders. */
  readonly bound: { dst?: string; src?: string };
  /** The template's {imm} is a map operand (`map_fd({imm})`), which may be a map's name. */
  readonly mapOperand: boolean;
}

type Step = number | MatchFailure;

const miss = (pos: number, expected: string): MatchFailure => ({ pos, expected });
const valueError = (pos: number, code: string, message: string, start: number, end: number): MatchFailure => ({
  pos, error: { code, message, start, end },
});

const LABEL_NAME = /^[A-Za-z_.$][A-Za-z0-9_.$]*$/;
const HELPER_NAME_WITH_ID = /^[A-Za-z_][A-Za-z0-9_.]*#(\d+)$/;

/**
 * The number of a register-shaped word (`r1`/`w1` in pseudo-C, `%r1` in mnemonic syntax), or -1.
 * The number may still be out of range. Hand-coded: it runs for every register operand tried.
 */
export function registerNumber(text: string, syntax: Syntax): number {
  let i: number;
  if (syntax === 'mnemonic') {
    if (text.charCodeAt(0) !== 37 /* % */ || text.charCodeAt(1) !== 114 /* r */) return -1;
    i = 2;
  } else {
    const c = text.charCodeAt(0);
    if (c !== 114 /* r */ && c !== 119 /* w */) return -1;
    i = 1;
  }
  if (i >= text.length || text.length - i > 6) return -1;
  let n = 0;
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Whether a token has the shape of a register in this syntax (its number may still be invalid). */
export function isRegisterToken(tok: Token | undefined, syntax: Syntax): boolean {
  return tok !== undefined && tok.kind === 'word' && registerNumber(tok.text, syntax) >= 0;
}

export const isLabelName = (text: string): boolean => LABEL_NAME.test(text);

function describe(ph: Placeholder, syntax: Syntax): string {
  const m = syntax === 'mnemonic';
  switch (ph) {
    case 'rd': case 'rs': case 'Rd': case 'Rs':
      return m ? 'a register like %r1' : 'a register like r1';
    case 'wd': case 'ws':
      return m ? 'a register like %r1' : 'a 32-bit register like w1';
    case 'Wd': case 'Ws':
      return m ? 'a register like %r1' : 'a register like w1';
    case 'imm': case 'imm2':
      return 'an immediate number';
    case 'imm64':
      return 'a 64-bit number';
    case 'md': case 'ms':
      return m ? 'a memory operand like [%r1+4]' : 'a memory operand like (r1 + 4)';
    case 'mdi':
      return m ? 'a memory operand like [%r1+4]' : 'a memory operand like r1 + 4';
    case 'target': case 'target32':
      return 'a jump target (+N, -N or a label)';
    case 'call':
      return 'a function label';
  }
}

function readRegister(s: MatchState, i: number, ph: Placeholder, field: 'dst' | 'src'): Step {
  const tok = s.toks[i];
  const n = tok?.kind === 'word' ? registerNumber(tok.text, s.syntax) : -1;
  // In pseudo-C, {rd}/{wd} take only their own letter; {Rd}/{Wd} take either (printed as r / w).
  if (n < 0 || !tok || (s.syntax === 'llvm' && (ph[0] === 'r' || ph[0] === 'w') && tok.text[0] !== ph[0])) {
    return miss(i, describe(ph, s.syntax));
  }
  if (n > MAX_REG) {
    const valid = s.syntax === 'mnemonic' ? '%r0-%r10' : 'r0-r10';
    return valueError(i + 1, 'E_ASM_REGISTER', `invalid register ${tok.text} (valid registers are ${valid})`, tok.start, tok.end);
  }
  const earlier = s.bound[field];
  if (earlier !== undefined && s.ops[field] !== n) {
    return valueError(i + 1, 'E_ASM_REGISTER_MISMATCH',
      `this instruction needs the same register in both places, found ${earlier} and ${tok.text}`, tok.start, tok.end);
  }
  s.bound[field] = tok.text;
  s.ops[field] = n;
  return i + 1;
}

interface NumberRead {
  readonly value: bigint;
  readonly hex: boolean;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly next: number;
}

/** An optional sign token then a number token. */
function readNumber(s: MatchState, i: number, expected: string, allowPlus: boolean): NumberRead | MatchFailure {
  let j = i;
  let negative = false;
  const sign = s.toks[j];
  if (sign?.kind === 'punct' && (sign.text === '-' || (allowPlus && sign.text === '+'))) {
    negative = sign.text === '-';
    j++;
  }
  const tok = s.toks[j];
  if (tok?.kind !== 'number') return miss(j, expected);
  const start = s.toks[i]!.start;
  const text = s.line.slice(start, tok.end);
  const magnitude = parseNumberText(tok.text);
  if (magnitude === undefined) {
    return valueError(j + 1, 'E_ASM_NUMBER', `malformed number '${tok.text}'`, tok.start, tok.end);
  }
  return { value: negative ? -magnitude : magnitude, hex: isHexText(tok.text), text, start, end: tok.end, next: j + 1 };
}

function readImm32(s: MatchState, i: number, ph: 'imm' | 'imm2'): Step {
  const field = ph === 'imm' ? 'imm' : 'imm2';
  const tok = s.toks[i];
  // Verifier logs name helpers as `bpf_map_lookup_elem#1`: the number is the helper id.
  const helper = tok?.kind === 'word' ? HELPER_NAME_WITH_ID.exec(tok.text) : null;
  if (helper) {
    const v = BigInt(helper[1]!);
    if (!fits32(v)) return valueError(i + 1, 'E_ASM_RANGE', `helper id ${helper[1]} out of range`, tok!.start, tok!.end);
    s.ops[field] = toS32(v);
    return i + 1;
  }
  if (ph === 'imm' && s.mapOperand && tok?.kind === 'word' && LABEL_NAME.test(tok.text) && !isRegisterToken(tok, s.syntax)) {
    s.ops.mapRef = { name: tok.text, token: tok };
    return i + 1;
  }
  const n = readNumber(s, i, s.mapOperand && ph === 'imm' ? 'a map name or index' : describe(ph, s.syntax), false);
  if ('pos' in n) return n;
  // The conformance suite's assembler takes decimal immediates as signed only; hex (and the
  // pseudo-C syntax, like llvm-mc) may give the unsigned 32-bit pattern.
  if (s.syntax === 'mnemonic' && !n.hex && !fitsS32(n.value)) {
    const pattern = '0x' + BigInt.asUintN(32, n.value).toString(16);
    const hint = n.value > 0n && n.value <= BigInt(U32_MAX) ? `; write the bit pattern in hex (${pattern})` : '';
    return valueError(n.next, 'E_ASM_RANGE',
      `immediate ${n.text} out of range for a 32-bit signed decimal (${S32_MIN}..${S32_MAX})${hint}`, n.start, n.end);
  }
  if (!fits32(n.value)) {
    const range = n.hex ? `-0x80000000..0xffffffff` : `${S32_MIN}..${U32_MAX}`;
    return valueError(n.next, 'E_ASM_RANGE', `immediate ${n.text} out of range for 32 bits (${range})`, n.start, n.end);
  }
  s.ops[field] = toS32(n.value);
  return n.next;
}

function readImm64(s: MatchState, i: number): Step {
  const n = readNumber(s, i, describe('imm64', s.syntax), false);
  if ('pos' in n) return n;
  if (!fits64(n.value)) {
    return valueError(n.next, 'E_ASM_RANGE', `immediate ${n.text} out of range for 64 bits`, n.start, n.end);
  }
  const { lo, hi } = splitImm64(n.value);
  s.ops.imm = lo;
  s.ops.imm2 = hi;
  return n.next;
}

/** `+ 4` / `- 8` / nothing, inside a memory operand: sets `off`. */
function readMemoryOffset(s: MatchState, i: number, closer: string | undefined): Step {
  const sign = s.toks[i];
  if (sign?.kind !== 'punct' || (sign.text !== '+' && sign.text !== '-')) {
    if (closer === undefined || sign?.text === closer) return i; // no offset: 0
    return miss(i, `'+', '-' or '${closer}'`);
  }
  const n = readNumber(s, i, 'an offset', true);
  if ('pos' in n) return n;
  if (!fitsS16(n.value)) {
    return valueError(n.next, 'E_ASM_RANGE', `offset ${n.text} out of range for a signed 16-bit offset (${S16_MIN}..${S16_MAX})`,
      n.start, n.end);
  }
  s.ops.off = Number(n.value);
  return n.next;
}

function expectPunct(s: MatchState, i: number, text: string, expected = `'${text}'`): Step {
  return s.toks[i]?.kind === 'punct' && s.toks[i]!.text === text ? i + 1 : miss(i, expected);
}

function readMemory(s: MatchState, i: number, ph: 'md' | 'ms' | 'mdi'): Step {
  const field = ph === 'ms' ? 'src' : 'dst';
  const regPh: Placeholder = field === 'src' ? 'rs' : 'rd';
  const [open, close] = s.syntax === 'mnemonic' ? ['[', ']'] : ph === 'mdi' ? [undefined, undefined] : ['(', ')'];
  let j = i;
  if (open) {
    const k = expectPunct(s, j, open, describe(ph, s.syntax));
    if (typeof k !== 'number') return k;
    j = k;
  }
  const reg = readRegister(s, j, regPh, field);
  if (typeof reg !== 'number') {
    // Without an opening bracket, name the whole operand rather than just its register.
    return reg.error || j > i ? reg : miss(i, describe(ph, s.syntax));
  }
  const afterOffset = readMemoryOffset(s, reg, close);
  if (typeof afterOffset !== 'number') return afterOffset;
  return close ? expectPunct(s, afterOffset, close) : afterOffset;
}

function readTarget(s: MatchState, i: number, ph: 'target' | 'target32' | 'call'): Step {
  const field = ph === 'target' ? 'off' : 'imm';
  const tok = s.toks[i];
  if (!tok) return miss(i, describe(ph, s.syntax));
  let j = i;
  // The kernel log writes relative targets as `pc+2` / `pc-3`.
  const next = s.toks[i + 1];
  if (tok.kind === 'word' && tok.text === 'pc' && next?.kind === 'punct' && (next.text === '+' || next.text === '-')) j++;
  const first = s.toks[j]!;
  if (first.kind === 'number' || (first.kind === 'punct' && (first.text === '+' || first.text === '-'))) {
    const n = readNumber(s, j, describe(ph, s.syntax), true);
    if ('pos' in n) return n;
    const fits = field === 'off' ? fitsS16(n.value) : fitsS32(n.value);
    if (!fits) {
      const [lo, hi, bits] = field === 'off' ? [S16_MIN, S16_MAX, 16] : [S32_MIN, S32_MAX, 32];
      return valueError(n.next, 'E_ASM_RANGE', `jump offset ${n.text} out of range for a signed ${bits}-bit offset (${lo}..${hi})`,
        s.toks[i]!.start, n.end);
    }
    s.ops[field] = Number(n.value);
    return n.next;
  }
  if (tok.kind === 'word' && LABEL_NAME.test(tok.text) && !isRegisterToken(tok, s.syntax)) {
    s.ops.labelRef = { name: tok.text, token: tok, field };
    return i + 1;
  }
  return miss(i, describe(ph, s.syntax));
}

function readPlaceholder(s: MatchState, i: number, ph: Placeholder): Step {
  switch (ph) {
    case 'rd': case 'wd': case 'Rd': case 'Wd':
      return readRegister(s, i, ph, 'dst');
    case 'rs': case 'ws': case 'Rs': case 'Ws':
      return readRegister(s, i, ph, 'src');
    case 'imm': case 'imm2':
      return readImm32(s, i, ph);
    case 'imm64':
      return readImm64(s, i);
    case 'md': case 'ms': case 'mdi':
      return readMemory(s, i, ph);
    case 'target': case 'target32': case 'call':
      return readTarget(s, i, ph);
  }
}

/**
 * Matches a whole instruction (label and comments already removed) against one template. Callers
 * that only want a success can skip templates whose `minTokens..maxTokens` excludes the line.
 */
export function matchTemplate(t: Template, toks: readonly Token[], line: string): MatchResult {
  const s: MatchState = {
    toks, line, syntax: t.syntax, ops: { dst: 0, src: 0, off: 0, imm: 0, imm2: 0 }, bound: {},
    mapOperand: t.mapOperand,
  };
  let i = 0;
  for (const part of t.parts) {
    if ('literal' in part) {
      const tok = toks[i];
      if (tok && tok.kind !== 'number' && tok.text === part.literal) {
        i++;
        continue;
      }
      // The suite's assembler separates operands by blanks and drops commas: commas are optional.
      if (part.literal === ',' && t.syntax === 'mnemonic') continue;
      return { ok: false, failure: miss(i, `'${part.literal}'`) };
    }
    const step = readPlaceholder(s, i, part.placeholder);
    if (typeof step !== 'number') return { ok: false, failure: step };
    i = step;
  }
  if (i < toks.length) return { ok: false, failure: miss(i, 'the end of the instruction') };
  return { ok: true, operands: s.ops };
}

// ---- Finding candidate templates for a line ----------------------------------------------------

const REG_KEY = '\u0000reg';

function partKey(part: TemplatePart | undefined, syntax: Syntax): string | undefined {
  if (!part) return '';
  if ('literal' in part) {
    if (syntax === 'mnemonic' && part.literal === ',') return undefined; // optional
    // A literal register (`r0 = cmpxchg_64(...)`) must share the key of any register token.
    return isRegisterToken({ kind: 'word', text: part.literal, start: 0, end: 0 }, syntax) ? REG_KEY : part.literal;
  }
  return /^[rRwW][ds]$/.test(part.placeholder) ? REG_KEY : undefined;
}

function tokenKey(tok: Token | undefined, syntax: Syntax): string {
  if (!tok) return '';
  return isRegisterToken(tok, syntax) ? REG_KEY : tok.text;
}

/**
 * Narrows the templates worth trying for a line by its first two tokens (a register counts as
 * one key). Only an optimization: the result is exactly the templates that could match.
 */
export class TemplateIndex {
  readonly syntax: Syntax;
  /** First literal words of every template: used to recognize an unknown mnemonic. */
  readonly firstWords: ReadonlySet<string>;
  private readonly byFirstTwo = new Map<string, Template[]>();
  private readonly byFirstOnly = new Map<string, Template[]>();
  private readonly byFirst = new Map<string, Template[]>();
  private readonly anyFirst: Template[] = [];
  private readonly cache = new Map<string, readonly Template[]>();
  private readonly sameFirstCache = new Map<string, readonly Template[]>();

  constructor(syntax: Syntax) {
    this.syntax = syntax;
    const words = new Set<string>();
    const push = (m: Map<string, Template[]>, k: string, t: Template): void => {
      const list = m.get(k);
      if (list) list.push(t);
      else m.set(k, [t]);
    };
    for (const t of TEMPLATES[syntax]) {
      const k1 = partKey(t.parts[0], syntax);
      const first = t.parts[0];
      if (first && 'literal' in first) words.add(first.literal);
      if (k1 === undefined) {
        this.anyFirst.push(t);
        continue;
      }
      push(this.byFirst, k1, t);
      const k2 = partKey(t.parts[1], syntax);
      if (k2 === undefined) push(this.byFirstOnly, k1, t);
      else push(this.byFirstTwo, `${k1} ${k2}`, t);
    }
    this.firstWords = words;
  }

  /** Templates that may match these tokens, in match order. */
  candidates(toks: readonly Token[]): readonly Template[] {
    const k1 = tokenKey(toks[0], this.syntax);
    const key = `${k1} ${tokenKey(toks[1], this.syntax)}`;
    let list = this.cache.get(key);
    if (!list) {
      list = [...(this.byFirstTwo.get(key) ?? []), ...(this.byFirstOnly.get(k1) ?? []), ...this.anyFirst]
        .sort((a, b) => a.order - b.order);
      if (this.cache.size < 10_000) this.cache.set(key, list);
    }
    return list;
  }

  /** Templates sharing the line's first token (for error messages when none matched). */
  sameFirst(toks: readonly Token[]): readonly Template[] {
    const k1 = tokenKey(toks[0], this.syntax);
    let list = this.sameFirstCache.get(k1);
    if (!list) {
      list = [...(this.byFirst.get(k1) ?? []), ...this.anyFirst].sort((a, b) => a.order - b.order);
      if (this.sameFirstCache.size < 10_000) this.sameFirstCache.set(k1, list);
    }
    return list;
  }
}

// ---- Rendering --------------------------------------------------------------------------------

export interface RenderContext {
  /** Slot of the instruction, needed to name jump and call targets. */
  readonly slot?: number;
  /** Label to print for a target slot, or undefined to print a relative offset. */
  readonly labelAt?: (slot: number) => string | undefined;
  /** Name to print for map index N in `map_fd(N)` / `map_value(N, off)`, or undefined for the number. */
  readonly mapName?: (index: number) => string | undefined;
}

function memoryText(syntax: Syntax, reg: number, off: number, bare: boolean): string {
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  if (syntax === 'mnemonic') return `[%r${reg}${sign}${abs}]`;
  return bare ? `r${reg} ${sign} ${abs}` : `(r${reg} ${sign} ${abs})`;
}

function targetText(syntax: Syntax, ph: 'target' | 'target32' | 'call', rel: number, ctx: RenderContext): string {
  if (ctx.slot !== undefined && ctx.labelAt) {
    const name = ctx.labelAt(ctx.slot + 1 + rel);
    if (name !== undefined) return name;
  }
  // A numeric local call needs `pc` in pseudo-C so it cannot read as a helper id.
  return ph === 'call' && syntax === 'llvm' ? `pc${formatSigned(rel)}` : formatSigned(rel);
}

/** Fills a template with an instruction's fields. */
export function renderTemplate(t: Template, insn: Insn, ctx: RenderContext = {}): string {
  const reg = (ph: string, n: number): string =>
    t.syntax === 'mnemonic' ? `%r${n}` : `${ph[0]!.toLowerCase()}${n}`;
  return t.text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const ph = name as Placeholder;
    switch (ph) {
      case 'rd': case 'wd': case 'Rd': case 'Wd':
        return reg(ph, insn.dst);
      case 'rs': case 'ws': case 'Rs': case 'Ws':
        return reg(ph, insn.src);
      case 'imm':
        return (t.mapOperand ? ctx.mapName?.(insn.imm) : undefined) ?? formatImm32(insn.imm);
      case 'imm2':
        return formatImm32(insn.imm2);
      case 'imm64':
        return formatImm64(insn.imm, insn.imm2);
      case 'md':
        return memoryText(t.syntax, insn.dst, insn.off, false);
      case 'ms':
        return memoryText(t.syntax, insn.src, insn.off, false);
      case 'mdi':
        return memoryText(t.syntax, insn.dst, insn.off, true);
      case 'target':
        return targetText(t.syntax, ph, insn.off, ctx);
      case 'target32': case 'call':
        return targetText(t.syntax, ph, insn.imm, ctx);
    }
  });
}

/** How a row encodes a jump or call target, derived from its templates. */
export function targetKind(op: OpSpec): { field: 'off' | 'imm'; call: boolean } | undefined {
  const t = canonicalTemplate(op, 'llvm');
  for (const part of t.parts) {
    if (!('placeholder' in part)) continue;
    if (part.placeholder === 'target') return { field: 'off', call: false };
    if (part.placeholder === 'target32') return { field: 'imm', call: false };
    if (part.placeholder === 'call') return { field: 'imm', call: true };
  }
  return undefined;
}
