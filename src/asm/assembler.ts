// Assembler for both syntaxes: a line-by-line template match (pass 1), then label resolution
// (pass 2). Every error of the file is collected, each with its line, column and text.

import { type Insn, type Program, encode, layout, makeInsn, matchOp, readSlot } from '../isa/encoding.js';
import type { OpSpec } from '../isa/opcodes.js';
import { MAP_TYPE_IDS, type MapDef, type MapType } from '../runtime/maps/def.js';
import { type Diagnostic, type Result, fail, ok } from '../util/diagnostics.js';
import { type PrefixHint, type Token, prepareLine, tokenize } from './lexer.js';
import { fitsS16, fitsS32, formatSigned, parseNumberText, S16_MAX, S16_MIN, S32_MAX, S32_MIN, U32_MAX } from './numbers.js';
import {
  type MatchFailure, type Operands, type Syntax, type Template, TemplateIndex, isLabelName, isRegisterToken,
  matchTemplate,
} from './template.js';

export interface AssembleOptions {
  /** `auto` (default) guesses from the text and falls back to the other syntax on errors. */
  readonly syntax?: Syntax | 'auto';
  /** File name put into diagnostics. */
  readonly file?: string;
}

export interface AssembledProgram {
  readonly program: Program;
  /** Same as `program.insns`. */
  readonly insns: readonly Insn[];
  readonly bytes: Uint8Array;
  readonly syntax: Syntax;
  /** Label name -> slot (the slot just past the end for a label after the last instruction). */
  readonly labels: ReadonlyMap<string, number>;
  /** 1-based source line of each instruction. */
  readonly lines: readonly number[];
  /** Maps declared with `.map` directives, in order: `map_fd(i)` / `map_fd(name)` index this list. */
  readonly maps: readonly MapDef[];
  /** Program section named by `.section` before the first instruction (for `asm -o`), or null. */
  readonly section: string | null;
}

const SYNTAX_NAMES: Record<Syntax, string> = { llvm: 'LLVM pseudo-C syntax', mnemonic: 'mnemonic syntax' };

/** How many alternatives an "expected ..." message lists. */
const MAX_ALTERNATIVES = 8;

const INDEXES: Record<Syntax, TemplateIndex> = {
  llvm: new TemplateIndex('llvm'),
  mnemonic: new TemplateIndex('mnemonic'),
};

/** Assembles text in either syntax. All errors of the text are reported. */
export function assemble(text: string, opts: AssembleOptions = {}): Result<AssembledProgram> {
  const requested = opts.syntax ?? 'auto';
  if (requested !== 'auto') return assembleAs(text, requested, opts.file);
  const guess = detectSyntax(text);
  const first = assembleAs(text, guess, opts.file);
  if (first.ok) return first;
  const second = assembleAs(text, guess === 'llvm' ? 'mnemonic' : 'llvm', opts.file);
  return second.ok || second.errors.length < first.errors.length ? second : first;
}

/**
 * Guesses the syntax: `%r` registers mean mnemonic; `=`, `goto`, `if` or `callx` mean pseudo-C;
 * otherwise a first word only the mnemonic syntax has (`mov`, `ja`, ...) decides.
 */
export function detectSyntax(text: string): Syntax {
  let mnemonicWords = 0;
  for (const raw of text.split('\n')) {
    const { code } = prepareLine(raw);
    if (DIRECTIVE_LINE.test(code)) continue; // `.map m hash key=4 ...` says nothing of the syntax
    if (/%r\d/.test(code)) return 'mnemonic';
    if (/=|\b(goto|gotol|if|callx)\b/.test(code)) return 'llvm';
    const first = /^\s*(?:[A-Za-z_.$][\w.$]*\s*:\s*)*([A-Za-z_][\w]*)/.exec(code)?.[1];
    if (first && INDEXES.mnemonic.firstWords.has(first) && !INDEXES.llvm.firstWords.has(first)) mnemonicWords++;
  }
  return mnemonicWords > 0 ? 'mnemonic' : 'llvm';
}

/** A directive: a dot word followed by a blank or the end (a `.L1:` label is not one). */
const DIRECTIVE_LINE = /^\s*\.[A-Za-z_][\w.]*(?:\s|$)/;

const MAP_TYPE_NAMES = Object.keys(MAP_TYPE_IDS) as MapType[];
/** `.map` attributes: sizes and counts, and `inner=` naming an earlier map (map-in-map). */
const MAP_NUMBER_ATTRS = ['key', 'value', 'entries', 'flags'] as const;
const MAP_SYNTAX = '.map NAME TYPE key=K value=V entries=N [flags=F] [inner=MAP]';

/** An instruction read in pass 1, waiting for its label operand (if any) to be resolved. */
interface Pending {
  readonly op: OpSpec;
  readonly template: Template;
  readonly operands: Operands;
  readonly line: number;
  readonly slot: number;
}

class Assembly {
  readonly errors: Diagnostic[] = [];
  readonly labels = new Map<string, number>();
  readonly pending: Pending[] = [];
  readonly maps: MapDef[] = [];
  /** `inner=NAME` naming a map declared further down, resolved once every map is known. */
  private readonly innerRefs: { map: number; name: string; line: number; column: number }[] = [];
  /** Section named by the latest `.section` directive, and the one in effect at the first instruction. */
  private currentSection: string | null = null;
  section: string | null = null;
  slot = 0;
  private readonly index: TemplateIndex;

  constructor(readonly syntax: Syntax, readonly file: string | undefined) {
    this.index = INDEXES[syntax];
  }

  error(code: string, message: string, line: number, column?: number, text?: string): void {
    const d: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, message, line };
    if (this.file !== undefined) d.file = this.file;
    if (column !== undefined) d.column = column;
    if (text !== undefined) d.text = text;
    this.errors.push(d);
  }

  defineLabel(name: string, line: number, column: number): void {
    if (!isLabelName(name)) {
      this.error('E_ASM_LABEL_NAME', `'${name}' is not a valid label name`, line, column, name);
    } else if (this.labels.has(name)) {
      this.error('E_ASM_DUPLICATE_LABEL', `label '${name}' is defined twice`, line, column, name);
    } else {
      this.labels.set(name, this.slot);
    }
  }

  addLine(raw: string, line: number): void {
    const prepared = prepareLine(raw);
    if (prepared.ignore) return;
    if (prepared.headerLabel !== undefined) {
      this.defineLabel(prepared.headerLabel, line, raw.indexOf('<') + 2);
      return;
    }
    const code = prepared.code;
    const toks = tokenize(code);
    let i = 0;
    while (toks[i]?.kind === 'word' && toks[i + 1]?.text === ':' && !isRegisterToken(toks[i], this.syntax)) {
      this.defineLabel(toks[i]!.text, line, toks[i]!.start + 1);
      i += 2;
    }
    const insnToks = i === 0 ? toks : toks.slice(i);
    if (insnToks.length === 0) return;
    if (insnToks[0]!.kind === 'word' && insnToks[0]!.text.startsWith('.')) {
      const directive = insnToks[0]!.text;
      if (directive === '.map') this.addMap(insnToks, code, line);
      else if (directive === '.section') this.setSection(insnToks, code, line);
      // Other directives (`.text`, `.globl main`, `.p2align 3`, ...) of llvm-mc / clang output are ignored.
      return;
    }
    if (this.pending.length === 0 && this.slot === 0) this.section = this.currentSection;
    const bad = insnToks.find((t) => t.kind === 'bad');
    if (bad) {
      this.error('E_ASM_SYNTAX', `unexpected character '${bad.text}'`, line, bad.start + 1, bad.text);
      return;
    }
    this.addInstruction(insnToks, code, line, prepared.hint);
  }

  /** `.section NAME` (also clang's `.section xdp,"ax",@progbits`): the program's ELF section. */
  private setSection(toks: readonly Token[], code: string, line: number): void {
    const rest = toks.length > 1 ? code.slice(toks[1]!.start).trim() : '';
    const name = /^"([^"]*)"|^([^\s,]+)/.exec(rest);
    const value = name ? (name[1] ?? name[2]!) : '';
    if (value === '') {
      this.error('E_ASM_DIRECTIVE', "'.section' needs a section name, like '.section xdp'", line, toks[0]!.start + 1, code.trim());
      return;
    }
    this.currentSection = value;
  }

  /** `.map NAME TYPE key=K value=V entries=N [flags=F] [inner=MAP]`. */
  private addMap(toks: readonly Token[], code: string, line: number): void {
    const bad = (message: string, tok: Token | undefined): void => {
      const at = tok ?? toks[toks.length - 1]!;
      this.error('E_ASM_MAP', message, line, (tok ? at.start : at.end) + 1, tok ? tok.text : code.trim());
    };
    const nameTok = toks[1];
    if (!nameTok || nameTok.kind !== 'word' || !isLabelName(nameTok.text)) {
      bad(`expected a map name after '.map' (${MAP_SYNTAX})`, nameTok);
      return;
    }
    const name = nameTok.text;
    if (this.maps.some((m) => m.name === name)) {
      bad(`map '${name}' is declared twice`, nameTok);
      return;
    }
    const typeTok = toks[2];
    const typeText = typeTok?.kind === 'word' ? typeTok.text.toLowerCase().replace(/^bpf_map_type_/, '') : '';
    if (!typeTok || !(MAP_TYPE_NAMES as string[]).includes(typeText)) {
      const what = typeTok ? `unknown map type '${typeTok.text}'` : `expected a map type after '.map ${name}'`;
      bad(`${what}: one of ${MAP_TYPE_NAMES.join(', ')}`, typeTok);
      return;
    }
    const values = new Map<string, number>();
    let innerRef: { name: string; column: number } | undefined;
    let i = 3;
    while (i < toks.length) {
      const key = toks[i]!;
      if (key.kind !== 'word' || toks[i + 1]?.text !== '=') {
        bad(`expected an attribute like 'key=4' (${MAP_SYNTAX})`, key);
        return;
      }
      const valueTok = toks[i + 2];
      if (key.text === 'inner') {
        if (valueTok?.kind !== 'word' || !isLabelName(valueTok.text)) {
          bad(`'inner=' needs the name of the inner map's declaration`, valueTok);
          return;
        }
        innerRef = { name: valueTok.text, column: valueTok.start + 1 };
      } else if ((MAP_NUMBER_ATTRS as readonly string[]).includes(key.text)) {
        const n = valueTok?.kind === 'number' ? parseNumberText(valueTok.text) : undefined;
        if (n === undefined || n > BigInt(U32_MAX)) {
          bad(`'${key.text}=' needs a number from 0 to ${U32_MAX}`, valueTok);
          return;
        }
        if (values.has(key.text)) {
          bad(`'${key.text}=' is given twice`, key);
          return;
        }
        values.set(key.text, Number(n));
      } else {
        bad(`unknown map attribute '${key.text}' (${MAP_SYNTAX})`, key);
        return;
      }
      i += 3;
    }
    const entries = values.get('entries');
    if (entries === undefined) {
      bad(`map '${name}' needs 'entries=N' (${MAP_SYNTAX})`, undefined);
      return;
    }
    const def: { -readonly [K in keyof MapDef]: MapDef[K] } = {
      name, type: typeText as MapType, keySize: values.get('key') ?? 0, valueSize: values.get('value') ?? 0,
      maxEntries: entries, origin: 'declared',
    };
    const flags = values.get('flags');
    if (flags) def.flags = flags;
    if (innerRef) this.innerRefs.push({ map: this.maps.length, line, ...innerRef });
    this.maps.push(def);
  }

  private addInstruction(toks: readonly Token[], code: string, line: number, hint: PrefixHint | undefined): void {
    const candidates = this.index.candidates(toks);
    // A listing prefix tells the opcode (or, with raw bytes, the exact row): prefer those rows, so
    // `(18) r1 = 0x5` is an lddw and objdump's `85 10 ... call 0x2` a local call.
    if (hint) {
      const hinted = hintedRow(hint);
      const preferred = candidates.filter((t) => (hinted ? t.op === hinted : t.op.opcode === hint.opcode));
      if (this.tryTemplates(preferred, toks, code, line)) return;
      // The kernel log prints a 64-bit load without LLVM's `ll`: `1: (18) r1 = 0x1122334455667788`.
      const suffix = commonLastWord(preferred);
      if (suffix && toks[toks.length - 1]!.text !== suffix &&
          this.tryTemplates(preferred, withWord(toks, suffix, code), code, line)) return;
    }
    if (this.tryTemplates(candidates, toks, code, line)) return;
    this.reportNoMatch(toks, code, line, candidates);
  }

  private tryTemplates(templates: readonly Template[], toks: readonly Token[], code: string, line: number): boolean {
    const n = toks.length;
    for (const t of templates) {
      if (n < t.minTokens || n > t.maxTokens) continue;
      const r = matchTemplate(t, toks, code);
      if (r.ok) {
        this.pending.push({ op: t.op, template: t, operands: r.operands, line, slot: this.slot });
        this.slot += t.op.slots;
        return true;
      }
    }
    return false;
  }

  /** Explains why no template matched, from the template(s) that got furthest into the line. */
  private reportNoMatch(toks: readonly Token[], code: string, line: number, candidates: readonly Template[]): void {
    this.slot += 1; // keep later label positions roughly right; the result is an error anyway
    const first = toks[0]!;
    const firstIsWord = first.kind === 'word' && !isRegisterToken(first, this.syntax);
    if (firstIsWord && !this.index.firstWords.has(first.text)) {
      this.error('E_ASM_UNKNOWN_MNEMONIC', this.unknownWordMessage(first.text), line, first.start + 1, first.text);
      return;
    }
    const pool = candidates.length > 0 ? candidates : this.index.sameFirst(toks);
    // Rank failures by how far they got; a value error (range, register number) outranks a
    // mismatch at the same token, since the operand had the right form.
    const rank = (f: MatchFailure): number => f.pos * 2 + (f.error ? 1 : 0);
    let best: MatchFailure | undefined;
    let bestValueError: MatchFailure | undefined;
    const expected = new Set<string>();
    for (const t of pool) {
      const r = matchTemplate(t, toks, code);
      if (r.ok) continue; // cannot happen: it was tried before
      const f = r.failure;
      if (!best || rank(f) > rank(best)) {
        best = f;
        expected.clear();
      }
      if (f.pos === best.pos && f.expected) expected.add(f.expected);
      if (f.error && (!bestValueError || f.pos > bestValueError.pos)) bestValueError = f;
    }
    // A line that only lacks a trailing part under some template (`r1 = 0x100000000` vs `... ll`)
    // but has a bad value under another is better explained by the value.
    if (best && !best.error && best.pos >= toks.length && bestValueError) best = bestValueError;
    if (!best) {
      this.error('E_ASM_SYNTAX', `unrecognized instruction '${code.trim()}'`, line, first.start + 1, code.trim());
      return;
    }
    if (best.error) {
      const e = best.error;
      let message = e.message;
      // `r1 = 0x1122334455667788` is a mov with too large an immediate; suggest the 64-bit load.
      const asWide = this.syntax === 'llvm' && e.code === 'E_ASM_RANGE' ? withWord(toks, 'll', code) : undefined;
      if (asWide && this.index.candidates(asWide).some((t) => matchTemplate(t, asWide, code).ok)) {
        message += `; for a 64-bit value write '${code.trim()} ll'`;
      }
      this.error(e.code, message, line, e.start + 1, code.slice(e.start, e.end));
      return;
    }
    const wanted = [...expected];
    const list = wanted.length === 1 ? wanted[0]!
      : wanted.length <= MAX_ALTERNATIVES ? `${wanted.slice(0, -1).join(', ')} or ${wanted[wanted.length - 1]}`
      : `${wanted.slice(0, MAX_ALTERNATIVES).join(', ')}, ...`;
    const before = best.pos > 0 ? code.slice(first.start, toks[best.pos - 1]!.end) : '';
    const found = toks[best.pos];
    if (!found) {
      this.error('E_ASM_SYNTAX', `incomplete instruction: expected ${list} after '${before}'`, line,
        toks[toks.length - 1]!.end + 1, code.slice(first.start).trim());
    } else if (best.pos === 0) {
      this.error('E_ASM_SYNTAX', `unrecognized instruction: expected ${list} at '${found.text}'`, line, found.start + 1,
        found.text);
    } else if (best.expected === 'the end of the instruction' && wanted.length === 1) {
      this.error('E_ASM_SYNTAX', `unexpected '${found.text}' after the complete instruction '${before}'`, line,
        found.start + 1, code.slice(found.start).trim());
    } else {
      this.error('E_ASM_SYNTAX', `expected ${list} after '${before}', found '${found.text}'`, line, found.start + 1,
        found.text);
    }
  }

  private unknownWordMessage(word: string): string {
    const other: Syntax = this.syntax === 'llvm' ? 'mnemonic' : 'llvm';
    if (INDEXES[other].firstWords.has(word)) {
      return `unknown instruction '${word}': it belongs to the ${SYNTAX_NAMES[other]}, but this text is read as ` +
        `${SYNTAX_NAMES[this.syntax]}`;
    }
    const suggestion = closestWord(word, this.syntax);
    const what = this.syntax === 'mnemonic' ? 'mnemonic' : 'instruction';
    return `unknown ${what} '${word}'${suggestion ? ` (did you mean '${suggestion}'?)` : ''}`;
  }

  /** Pass 2: resolves label operands and builds the program. */
  finish(): Result<AssembledProgram> {
    for (const ref of this.innerRefs) {
      const inner = this.maps.find((m) => m.name === ref.name);
      const outer = this.maps[ref.map]!;
      if (!inner || inner === outer) {
        this.error('E_ASM_MAP', `'inner=${ref.name}' names no other declared map`, ref.line, ref.column, ref.name);
      } else {
        (outer as { inner?: MapDef }).inner = inner;
      }
    }
    const exitSlot = this.pending.find((p) => p.op.kind === 'exit')?.slot;
    const insns: Insn[] = [];
    for (const p of this.pending) {
      const o = p.operands;
      const ref = o.labelRef;
      if (ref) {
        // `exit` names the first exit instruction unless a real label has that name (suite convention).
        const target = this.labels.get(ref.name) ?? (ref.name === 'exit' ? exitSlot : undefined);
        const col = ref.token.start + 1;
        if (target === undefined) {
          this.error('E_ASM_UNKNOWN_LABEL', `unknown label '${ref.name}'`, p.line, col, ref.name);
          continue;
        }
        const rel = target - (p.slot + 1);
        const fits = ref.field === 'off' ? fitsS16(BigInt(rel)) : fitsS32(BigInt(rel));
        if (!fits) {
          const [lo, hi, bits] = ref.field === 'off' ? [S16_MIN, S16_MAX, 16] : [S32_MIN, S32_MAX, 32];
          this.error('E_ASM_JUMP_RANGE',
            `'${ref.name}' is ${formatSigned(rel)} slots away, out of range for a signed ${bits}-bit offset (${lo}..${hi})`,
            p.line, col, ref.name);
          continue;
        }
        o[ref.field] = rel;
      }
      if (o.mapRef) {
        const index = this.maps.findIndex((m) => m.name === o.mapRef!.name);
        if (index < 0) {
          const known = this.maps.length ? `declared maps: ${this.maps.map((m) => m.name).join(', ')}`
            : `no maps are declared (${MAP_SYNTAX})`;
          this.error('E_ASM_UNKNOWN_MAP', `unknown map '${o.mapRef.name}': ${known}`, p.line, o.mapRef.token.start + 1,
            o.mapRef.name);
          continue;
        }
        o.imm = index;
      } else if (p.template.mapOperand && this.maps.length > 0 && (o.imm < 0 || o.imm >= this.maps.length)) {
        // With declared maps, a numeric index must name one of them.
        this.error('E_ASM_UNKNOWN_MAP', `map index ${o.imm} is out of range: ${this.maps.length} map` +
          `${this.maps.length === 1 ? ' is' : 's are'} declared (${this.maps.map((m) => m.name).join(', ')})`, p.line);
        continue;
      }
      insns.push(makeInsn(p.op, { dst: o.dst, src: o.src, off: o.off, imm: o.imm, imm2: o.imm2 }));
    }
    if (this.errors.length === 0 && insns.length === 0) {
      this.errors.push({ code: 'E_ASM_EMPTY', message: 'no instructions', ...(this.file !== undefined ? { file: this.file } : {}) });
    }
    if (this.errors.length) {
      this.errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
      return fail(this.errors);
    }
    const program = layout(insns);
    return ok({
      program,
      insns: program.insns,
      bytes: encode(insns),
      syntax: this.syntax,
      labels: this.labels,
      lines: this.pending.map((p) => p.line),
      maps: this.maps,
      section: this.section,
    });
  }
}

function assembleAs(text: string, syntax: Syntax, file: string | undefined): Result<AssembledProgram> {
  const asm = new Assembly(syntax, file);
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) asm.addLine(lines[n]!, n + 1);
  return asm.finish();
}

/** The last word shared by the templates, if all end in the same literal word (like `ll`). */
function commonLastWord(templates: readonly Template[]): string | undefined {
  let word: string | undefined;
  for (const t of templates) {
    const last = t.parts[t.parts.length - 1];
    if (!last || !('literal' in last) || !/^[a-z]+$/.test(last.literal) || (word !== undefined && word !== last.literal)) {
      return undefined;
    }
    word = last.literal;
  }
  return word;
}

/** The tokens with one more word at the end of the line. */
function withWord(toks: readonly Token[], word: string, code: string): Token[] {
  return [...toks, { kind: 'word', text: word, start: code.length, end: code.length }];
}

/** The exact row named by an llvm-objdump line's raw bytes, if they decode. */
function hintedRow(hint: PrefixHint): OpSpec | undefined {
  if (!hint.bytes) return undefined;
  const m = matchOp(readSlot(hint.bytes, 0), 0);
  return m.ok ? m.value : undefined;
}

const closestWordCache = new Map<string, string | undefined>();

/** The known word nearest to a misspelled one (1 or 2 edits away), for "did you mean". */
function closestWord(word: string, syntax: Syntax): string | undefined {
  const key = `${syntax}:${word}`;
  if (closestWordCache.has(key)) return closestWordCache.get(key);
  const known = INDEXES[syntax].firstWords;
  let best: string | undefined;
  let bestDistance = word.length <= 4 ? 2 : 3; // suggest only close misspellings
  for (const k of known) {
    const d = editDistance(word, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  if (closestWordCache.size < 1000) closestWordCache.set(key, best);
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
