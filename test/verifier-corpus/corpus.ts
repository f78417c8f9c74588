// The verifier corpus (test/verifier-corpus/<check>/*.s): small programs whose header records
// the Linux kernel verifier's verdict, first error line(s) and statistics. This module lists,
// parses and assembles them for tests (test/verifier-corpus.test.ts) and tools. The `kernel*`
// header lines are written by refresh.mjs (which has its own copy of the parser, in plain
// JavaScript) from the running kernel; everything else is hand-written. Format:
// docs/verifier-corpus.md.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type AssembledProgram, assemble } from '../../src/asm/index.js';

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

export type CorpusProgType = 'xdp' | 'socket_filter' | 'raw' | 'kprobe';
export const CORPUS_PROG_TYPES: readonly CorpusProgType[] = ['xdp', 'socket_filter', 'raw', 'kprobe'];

/** Map types a corpus program may declare (all known to the oracle and to bpfbox). */
export type CorpusMapType =
  | 'hash' | 'array' | 'percpu_hash' | 'percpu_array' | 'lru_hash' | 'lru_percpu_hash' | 'ringbuf' | 'prog_array'
  | 'perf_event_array' | 'queue' | 'stack' | 'devmap' | 'bloom_filter';
export const CORPUS_MAP_TYPES: readonly CorpusMapType[] = [
  'hash', 'array', 'percpu_hash', 'percpu_array', 'lru_hash', 'lru_percpu_hash', 'ringbuf', 'prog_array',
  'perf_event_array', 'queue', 'stack', 'devmap', 'bloom_filter',
];

export interface CorpusMap {
  /** `m0`, `m1`... (its index in the `maps:` line is what map_fd(i) names) */
  readonly name: string;
  readonly type: CorpusMapType;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly flags: number;
}

export interface CorpusStats {
  readonly processed: number;
  readonly totalStates: number;
  readonly peakStates: number;
  readonly maxStatesPerInsn: number;
  /** as the kernel prints it: `16`, or `0+16` for a program with a subprogram */
  readonly stackDepth: string;
  /** the per-subprogram depths of `stackDepth` */
  readonly stackDepths: readonly number[];
}

/** What the running kernel said (the `kernel*` lines). */
export interface KernelTruth {
  readonly accepted: boolean;
  /** error pc in the program's own numbering; null when accepted or when the oracle could not tell */
  readonly pc: number | null;
  /** `EACCES`, `EINVAL`, `E2BIG`...; null when accepted */
  readonly errno: string | null;
  /** the error lines (`kernel-message`, `kernel-message-2`, ...); empty when accepted */
  readonly messages: readonly string[];
  /** null when the kernel printed none (`kernel-stats: none`) */
  readonly stats: CorpusStats | null;
}

/** The hand-written design intention (`expect:` line). */
export interface Expectation {
  readonly accepted: boolean;
  /** the instruction the program was built to fail at (omitted where the kernel names another) */
  readonly pc: number | null;
}

export interface CorpusHeader {
  readonly type: CorpusProgType;
  readonly maps: readonly CorpusMap[];
  /** `raw` programs: bytes of memory (r1) and the value of r2 */
  readonly mem: number | null;
  readonly expect: Expectation | null;
  readonly kernel: KernelTruth | null;
  /** the `what:` line with its continuation lines joined */
  readonly what: string;
  /** every `key: value` of the header, continuation lines joined with a space */
  readonly fields: ReadonlyMap<string, string>;
  /** what is wrong with the header (empty when it is well formed) */
  readonly problems: readonly string[];
}

export interface CorpusProgram {
  /** path relative to the corpus directory, with `/`: `packet/reject-no-check.s` */
  readonly name: string;
  /** the subfolder: `packet` */
  readonly category: string;
  readonly file: string;
  readonly text: string;
  readonly header: CorpusHeader;
}

const KNOWN_KEYS = /^(type|maps|mem|expect|what|kernel|kernel-stats|kernel-message(-\d+)?)$/;
const HEADER_LINE = /^#\s*([a-z][a-z0-9-]*):\s?(.*)$/;
/** `#` and at least two spaces: continues the previous key's value */
const CONTINUATION = /^#\s{2,}(\S.*)$/;

/** Corpus files relative to `dir`, sorted, with `/` separators. */
export function listCorpus(dir: string = CORPUS_DIR): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.s')) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** The leading `#` lines of a corpus file. */
export function headerLines(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  for (const l of lines) {
    if (!l.startsWith('#')) break;
    out.push(l);
  }
  return out;
}

function int(s: string | undefined): number | null {
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : null;
}

export function parseMaps(spec: string, problems: string[] = []): CorpusMap[] {
  const maps: CorpusMap[] = [];
  spec.split(';').map((s) => s.trim()).filter(Boolean).forEach((s, i) => {
    const [type, ...kv] = s.split(/\s+/);
    const f: Record<string, number> = {};
    for (const p of kv) {
      const m = /^(key|value|entries|flags)=(\d+)$/.exec(p);
      if (m) f[m[1]!] = Number(m[2]);
      else problems.push(`map ${i}: bad field '${p}'`);
    }
    if (!CORPUS_MAP_TYPES.includes(type as CorpusMapType)) problems.push(`map ${i}: unknown type '${type}'`);
    for (const k of ['key', 'value', 'entries']) if (f[k] === undefined) problems.push(`map ${i}: no ${k}=`);
    maps.push({
      name: `m${i}`, type: type as CorpusMapType, keySize: f.key ?? 0, valueSize: f.value ?? 0,
      maxEntries: f.entries ?? 0, flags: f.flags ?? 0,
    });
  });
  return maps;
}

function parseStats(s: string, problems: string[]): CorpusStats | null {
  if (s === 'none') return null;
  const kv = new Map<string, string>();
  for (const p of s.split(/\s+/)) {
    const m = /^([a-z_]+)=(\S+)$/.exec(p);
    if (m) kv.set(m[1]!, m[2]!);
  }
  const processed = int(kv.get('processed'));
  const totalStates = int(kv.get('total_states'));
  const peakStates = int(kv.get('peak_states'));
  const maxStatesPerInsn = int(kv.get('max_states_per_insn'));
  const stackDepth = kv.get('stack_depth') ?? '';
  const stackDepths = stackDepth.split('+').map(Number);
  if (processed === null || totalStates === null || peakStates === null || maxStatesPerInsn === null ||
      !/^\d+(\+\d+)*$/.test(stackDepth)) {
    problems.push(`bad kernel-stats '${s}'`);
    return null;
  }
  return { processed, totalStates, peakStates, maxStatesPerInsn, stackDepth, stackDepths };
}

/** Parses a corpus file's header (the text may be the whole file). Never throws: see `problems`. */
export function parseHeader(text: string): CorpusHeader {
  const problems: string[] = [];
  const fields = new Map<string, string>();
  let last: string | null = null;
  for (const line of headerLines(text)) {
    const cont = CONTINUATION.exec(line);
    if (cont && last !== null) {
      fields.set(last, `${fields.get(last)!} ${cont[1]!.trim()}`);
      continue;
    }
    const m = HEADER_LINE.exec(line);
    if (!m) {
      if (line.trim() !== '#') problems.push(`not a header line: '${line}'`);
      continue;
    }
    const key = m[1]!;
    if (!KNOWN_KEYS.test(key)) problems.push(`unknown key '${key}'`);
    if (fields.has(key)) problems.push(`duplicate key '${key}'`);
    fields.set(key, m[2]!.trim());
    last = key;
  }

  const typeText = fields.get('type');
  if (!CORPUS_PROG_TYPES.includes(typeText as CorpusProgType)) problems.push(`missing or bad 'type:' (${typeText})`);
  const type = (typeText ?? 'xdp') as CorpusProgType;
  const maps = parseMaps(fields.get('maps') ?? '', problems);
  const mem = int(fields.get('mem'));
  if (type === 'raw' && mem === null) problems.push(`a raw program needs 'mem: N'`);
  if (type !== 'raw' && fields.has('mem')) problems.push(`'mem:' is for raw programs only`);

  let expect: Expectation | null = null;
  const e = /^(accept|reject)(?:\s+pc=(\d+))?$/.exec(fields.get('expect') ?? '');
  if (e) expect = { accepted: e[1] === 'accept', pc: e[2] === undefined ? null : Number(e[2]) };
  else problems.push(`missing or bad 'expect:' (${fields.get('expect')})`);

  let kernel: KernelTruth | null = null;
  const k = fields.get('kernel');
  if (k !== undefined) {
    const messages: string[] = [];
    if (fields.has('kernel-message')) messages.push(fields.get('kernel-message')!);
    for (let i = 2; fields.has(`kernel-message-${i}`); i++) messages.push(fields.get(`kernel-message-${i}`)!);
    const statsText = fields.get('kernel-stats');
    if (statsText === undefined) problems.push(`'kernel:' without 'kernel-stats:'`);
    const stats = statsText === undefined ? null : parseStats(statsText, problems);
    const km = /^(accept|reject pc=(\d+|\?) errno=(\S+))$/.exec(k);
    if (!km) {
      problems.push(`bad 'kernel:' line '${k}'`);
    } else if (km[1] === 'accept') {
      if (messages.length) problems.push('an accepted program with a kernel-message');
      kernel = { accepted: true, pc: null, errno: null, messages: [], stats };
    } else {
      if (!messages.length) problems.push('a rejected program without a kernel-message');
      kernel = { accepted: false, pc: km[2] === '?' ? null : Number(km[2]), errno: km[3]!, messages, stats };
    }
  }

  const what = fields.get('what') ?? '';
  if (!what) problems.push(`missing 'what:'`);
  return { type, maps, mem, expect, kernel, what, fields, problems };
}

export function loadProgram(name: string, dir: string = CORPUS_DIR): CorpusProgram {
  const file = join(dir, name);
  const text = readFileSync(file, 'utf8');
  return { name, category: name.includes('/') ? name.slice(0, name.indexOf('/')) : '', file, text, header: parseHeader(text) };
}

/** Every program of the corpus, sorted by name. */
export function loadCorpus(dir: string = CORPUS_DIR): CorpusProgram[] {
  return listCorpus(dir).map((n) => loadProgram(n, dir));
}

/** Assembles a corpus program (pseudo-C; the header is comments). Throws with the assembler's messages. */
export function assembleProgram(p: CorpusProgram): AssembledProgram {
  const r = assemble(p.text, { syntax: 'llvm', file: p.name });
  if (!r.ok) throw new Error(`${p.name} does not assemble:\n  ${r.errors.map((e) => e.message).join('\n  ')}`);
  return r.value;
}

/** The maps in the oracle's form (src/oracle OracleMapDef). */
export function oracleMaps(h: CorpusHeader): { type: CorpusMapType; keySize: number; valueSize: number; maxEntries: number; flags: number; name: string }[] {
  return h.maps.map((m) => ({ ...m }));
}

/** The maps in bpfbox's form (src/runtime MapDef). */
export function bpfboxMaps(h: CorpusHeader): {
  name: string; type: CorpusMapType; keySize: number; valueSize: number; maxEntries: number; flags: number;
}[] {
  return h.maps.map((m) => ({
    name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags,
  }));
}

/**
 * Kernel processed-instruction count in the program's own terms: for `raw` programs the oracle's
 * 8-instruction prolog is walked too (instructions 0-7 once each), so 8 are subtracted.
 */
export const RAW_PROLOG_PROCESSED = 8;
export function kernelProcessedOwn(p: CorpusProgram): number | null {
  const s = p.header.kernel?.stats;
  if (!s) return null;
  return p.header.type === 'raw' ? Math.max(0, s.processed - RAW_PROLOG_PROCESSED) : s.processed;
}
