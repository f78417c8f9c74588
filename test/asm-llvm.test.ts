// Agreement with LLVM: our pseudo-C assembler must produce the bytes llvm-mc produces, read the
// text llvm-mc and llvm-objdump print, and our pseudo-C disassembly must assemble in llvm-mc.
// Uses llvm-mc-19 (all v4 forms); falls back to llvm-mc (LLVM 14: fewer forms, unsupported lines
// are dropped); skips with a printed reason when neither is installed. BPFBOX_LLVM_MC picks one.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assemble, canonicalTemplate, disassemble } from '../src/asm/index.js';
import { renderTemplate } from '../src/asm/template.js';
import { type Insn, makeInsn, OPS, type OpSpec } from '../src/isa/index.js';

const TESTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'conformance', 'tests');

interface Tool {
  readonly path: string;
  readonly major: number;
}

function findTool(candidates: string[]): Tool | undefined {
  for (const path of candidates) {
    const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
    const major = /LLVM version (\d+)/.exec(r.stdout ?? '')?.[1];
    if (r.status === 0 && major) return { path, major: Number(major) };
  }
  return undefined;
}

// BPFBOX_LLVM_MC=llvm-mc-14 exercises the fallback.
const MC = findTool(process.env.BPFBOX_LLVM_MC ? [process.env.BPFBOX_LLVM_MC] : ['llvm-mc-19', 'llvm-mc']);
const OBJDUMP = MC && MC.major >= 19 ? findTool(['llvm-objdump-19', 'llvm-objdump']) : undefined;
const MCPU = MC && MC.major >= 19 ? 'v4' : 'v3';
if (!MC) console.warn('\n*** neither llvm-mc-19 nor llvm-mc found: the llvm-mc agreement tests are SKIPPED ***\n');
else if (MC.major < 19) console.warn(`\n*** using ${MC.path} (LLVM ${MC.major}): forms it lacks are left out ***\n`);

const work = mkdtempSync(join(tmpdir(), 'bpfbox-llvm-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(tool: Tool, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(tool.path, args, { encoding: 'utf8', cwd: work, maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Source lines llvm-mc rejects (from its `file:LINE:COL: error:` messages), 1-based. */
const rejectedLines = (stderr: string): Set<number> =>
  new Set([...stderr.matchAll(/^[^:\n]+:(\d+):\d+: error:/gm)].map((m) => Number(m[1])));

/**
 * Encodes each line with `llvm-mc -show-encoding`. Lines llvm-mc rejects map to undefined (and
 * are re-run without them so the encodings stay in order).
 */
function llvmEncode(lines: readonly string[]): (string | undefined)[] {
  let keep = lines.map((_, i) => i);
  for (;;) {
    writeFileSync(join(work, 'lines.s'), keep.map((i) => lines[i]).join('\n') + '\n');
    const r = run(MC!, ['-triple=bpfel', `-mcpu=${MCPU}`, '-show-encoding', 'lines.s']);
    const rejected = rejectedLines(r.stderr);
    if (rejected.size > 0) {
      keep = keep.filter((_, k) => !rejected.has(k + 1));
      continue;
    }
    const encodings = [...r.stdout.matchAll(/# encoding: \[([^\]]*)\]/g)].map((m) =>
      m[1]!.split(',').map((b) => b.trim().replace(/^0x/, '').padStart(2, '0')).join(''));
    expect(encodings.length, r.stdout).toBe(keep.length);
    const out: (string | undefined)[] = lines.map(() => undefined);
    keep.forEach((i, k) => (out[i] = encodings[k]));
    return out;
  }
}

/** The `.text` section of an ELF64 little-endian object. */
function elfText(path: string): Buffer {
  const elf = readFileSync(path);
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const shstrndx = elf.readUInt16LE(0x3e);
  const header = (i: number): { name: number; offset: number; size: number } => {
    const p = shoff + i * shentsize;
    return { name: elf.readUInt32LE(p), offset: Number(elf.readBigUInt64LE(p + 24)), size: Number(elf.readBigUInt64LE(p + 32)) };
  };
  const strtab = header(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const start = strtab.offset + h.name;
    if (elf.toString('latin1', start, elf.indexOf(0, start)) === '.text') return elf.subarray(h.offset, h.offset + h.size);
  }
  throw new Error(`${path} has no .text`);
}

/** Assembles a whole file with llvm-mc into an object and returns its `.text` bytes. */
function llvmObject(source: string, name = 'prog'): Buffer {
  writeFileSync(join(work, `${name}.s`), source);
  const r = run(MC!, ['-triple=bpfel', `-mcpu=${MCPU}`, '-filetype=obj', `${name}.s`, '-o', `${name}.o`]);
  if (r.status !== 0) throw new Error(`llvm-mc failed:\n${r.stderr}`);
  return elfText(join(work, `${name}.o`));
}

function ours(text: string): string {
  const r = assemble(text, { syntax: 'llvm' });
  if (!r.ok) throw new Error(`${text}\n${r.errors.map((e) => `${e.line}:${e.column}: ${e.message}`).join('\n')}`);
  return Buffer.from(r.value.bytes).toString('hex');
}

// Hand-written pseudo-C lines: every form llvm-mc prints or accepts, with spelling variants.
const HANDWRITTEN = [
  'r0 = 1', 'w1 += w2', 'r1 s>>= 3', 'r0 = -r0', 'w3 = -w3', 'if r1 s> 5 goto +2', 'if w1 == w2 goto +1', 'goto -4',
  '*(u32 *)(r10 - 4) = r1', '*(u32 *)(r10 - 4) = w1', '*(u8 *)(r1 + 2) = 7', '*(u64 *)(r10 - 8) = -1',
  '*(u16 *)(r1 + 0x2) = 0x7', 'r2 = *(u16 *)(r1 + 0)', 'w2 = *(u16 *)(r1 + 0)', 'r2 = *(s8 *)(r1 + 0)',
  'r2 = *(s16 *)(r1 - 2)', 'r2 = *(s32 *)(r1 + 4)', 'r2 = *(u64 *)(r10 - 0x8)', 'r1 = be16 r1', 'r1 = be64 r1',
  'r1 = le32 r1', 'r1 = bswap64 r1', 'r1 = bswap16 r1', 'r1 = (s8)r2', 'r1 = (s16)r2', 'r1 = (s32)r2', 'w1 = (s8)w2',
  'w1 = (s16)w2', 'r1 s/= r2', 'r1 s/= -3', 'w1 s/= w2', 'w1 s%= 7', 'r1 s%= r2', 'r1 %= 3', 'w1 /= w2', 'r1 *= -1',
  'r1 <<= 63', 'w1 >>= w2', 'r1 ^= 0xff', 'r1 |= r2', 'w1 &= 0xffff',
  'lock *(u64 *)(r1 + 0) += r2', 'lock *(u32 *)(r1 + 0) |= w2', 'lock *(u64 *)(r10 - 8) &= r3', 'lock *(u32 *)(r1 + 4) ^= w2',
  'r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)', 'w0 = atomic_fetch_and((u32 *)(r1 + 0), w0)',
  'r3 = atomic_fetch_or((u64 *)(r10 - 8), r3)', 'w3 = atomic_fetch_xor((u32 *)(r10 - 8), w3)',
  'r0 = xchg_64(r1 + 0, r0)', 'w0 = xchg32_32(r1 + 0, w0)', 'r0 = cmpxchg_64(r1 + 0, r0, r2)',
  'w0 = cmpxchg32_32(r1 + 0, w0, w2)', 'r1 = 0x1122334455667788 ll', 'r1 = -1 ll', 'r1 = -0x1 ll', 'r2 = 0 ll',
  'r1 = 0x80000000 ll', 'call 5', 'call 0x1', 'callx r2', 'gotol +5', 'gotol -0x3', 'exit', 'r0 = *(u8 *)skb[12]',
  'r0 = *(u32 *)skb[0xc]', 'r0 = *(u16 *)skb[r3]', 'if r1 & 3 goto +1', 'if r1 & 0x3 goto +0x1', 'if w1 s< -5 goto -0x2',
  'if r1 <= r2 goto +0', 'if w1 != 0xffffffff goto +3', 'if r1 >= 4294967295 goto +1', 'r1 = -0x3', 'r1 = 4294967295',
  'r1 = -2147483648', 'r1 = 0x7fffffff', 'w1 = 0xffffffff', 'r1 = r10', 'w1 = w2', 'r1 += -8',
];

/** Rows llvm-mc has no syntax for (our own spellings), or values it refuses. */
function llvmLacks(op: OpSpec): boolean {
  return op.kind === 'call_kfunc' || op.kind === 'call_local' // local calls: tested with labels below
    || (op.kind === 'lddw' && op.name !== 'lddw') // map_fd(...), map_value(...) etc. are kernel-log spellings
    || op.kind === 'ld_ind'; // llvm-mc-19 has no `skb[r3 + 4]` (only `skb[r3]`, in HANDWRITTEN)
}

/** Two instructions per row, rendered with the canonical template (varied registers and values). */
function generatedCorpus(): string[] {
  const lines: string[] = [];
  const samples = [
    { dst: 3, src: 4, off: -8, imm: -7, imm2: 9 },
    { dst: 9, src: 0, off: 32767, imm: 0x7fffffff, imm2: -1 },
  ];
  for (const op of OPS) {
    if (llvmLacks(op)) continue;
    for (const s of samples) {
      const f = { ...s };
      if (op.kind === 'ld_abs') f.imm = Math.abs(f.imm); // llvm-mc refuses negative skb offsets
      if (op.kind === 'ja32') f.imm = Math.max(-32768, Math.min(32767, f.imm)); // its parser takes s16 numbers only
      const insn: Insn = makeInsn(op, f);
      lines.push(renderTemplate(canonicalTemplate(op, 'llvm'), insn));
    }
  }
  return lines;
}

describe.skipIf(!MC)(`agreement with ${MC?.path ?? 'llvm-mc'}`, () => {
  const corpus = [...HANDWRITTEN, ...generatedCorpus()];

  it('assembles every corpus line to the bytes llvm-mc produces', () => {
    const expected = llvmEncode(corpus);
    const compared = corpus.filter((_, i) => expected[i] !== undefined);
    if (MC!.major >= 19) {
      expect(corpus.filter((_, i) => expected[i] === undefined), 'lines llvm-mc-19 rejected').toEqual([]);
    } else {
      console.warn(`llvm-mc ${MC!.major} rejected ${corpus.length - compared.length} of ${corpus.length} lines; compared the rest`);
    }
    const mismatches = corpus
      .map((line, i) => [line, expected[i], ours(line)] as const)
      .filter(([, want, got]) => want !== undefined && want !== got);
    expect(mismatches).toEqual([]);
    expect(compared.length).toBeGreaterThan(MC!.major >= 19 ? 250 : 100);
  });

  it('re-assembles the text llvm-mc prints, and our disassembly of it, to the same bytes', () => {
    writeFileSync(join(work, 'echo.s'), corpus.join('\n') + '\n');
    const r = run(MC!, ['-triple=bpfel', `-mcpu=${MCPU}`, '-show-encoding', 'echo.s']);
    const printed = r.stdout; // `\t.text`, then each instruction as llvm prints it with `# encoding: [...]`
    const want = [...printed.matchAll(/# encoding: \[([^\]]*)\]/g)]
      .map((m) => m[1]!.split(',').map((b) => b.trim().replace(/^0x/, '').padStart(2, '0')).join('')).join('');
    const a = assemble(printed, { syntax: 'llvm' });
    expect(a.ok ? Buffer.from(a.value.bytes).toString('hex') : a.errors).toBe(want);
    if (!a.ok) return;
    const again = disassemble(a.value.program);
    expect(ours(again)).toBe(want);
  });

  it('assembles a program with labels, local calls and gotol like llvm-mc', () => {
    const source = [
      // (a jump to a .globl symbol would need a relocation, which crashes llvm-mc-19: use local labels)
      '\t.text', '\t.globl\tmain', 'main:', 'LBB0_0:', '\tr1 = 0x1122334455667788 ll', '\tif r1 == 0 goto LBB0_2',
      '\tcall sub', ...(MC!.major >= 19 ? ['\tgotol LBB0_2'] : []), '\tr0 = 7', 'LBB0_2:', '\tif w1 s> w2 goto LBB0_0', '\texit', 'sub:', '\tr0 = 2',
      '\tcall sub', '\texit',
    ].join('\n');
    const text = llvmObject(source);
    expect(ours(source)).toBe(text.toString('hex'));
  });

  it.skipIf(!OBJDUMP)('reads llvm-objdump output (hex numbers, <...> annotations, raw bytes or not)', () => {
    const source = ['start:', ...corpus, 'call local_fn', 'goto start', 'local_fn:', 'exit'].join('\n');
    const text = llvmObject(source, 'dump');
    for (const extra of [[], ['--no-show-raw-insn']]) {
      const dump = run(OBJDUMP!, ['-d', `--mcpu=${MCPU}`, ...extra, 'dump.o']).stdout;
      expect(dump).toMatch(/goto [+-]0x/); // hex offsets and annotations are really there
      expect(dump).toMatch(/<start>/);
      const r = assemble(dump);
      const got = r.ok ? Buffer.from(r.value.bytes).toString('hex') : r.errors;
      if (extra.length === 0) {
        expect(got).toBe(text.toString('hex'));
      } else {
        // Without raw bytes `call 0x2` cannot tell a local call (src=1) from helper 2: only that differs.
        const want = Buffer.from(text);
        const callSlot = (want.length - 3 * 8) / 8;
        want[callSlot * 8 + 1] = 0x00;
        expect(got).toBe(want.toString('hex'));
      }
    }
  });

  const conformance = (() => {
    try {
      return readdirSync(TESTS_DIR).filter((f) => f.endsWith('.data')).sort();
    } catch {
      console.warn(`*** ${TESTS_DIR} is missing: the llvm-mc conformance check is SKIPPED ***`);
      return [];
    }
  })();

  it.skipIf(conformance.length === 0)('llvm-mc assembles our pseudo-C disassembly of every conformance program identically', () => {
    const parts: string[] = [];
    const expected: [string, Uint8Array][] = [];
    conformance.forEach((file, k) => {
      const lines: string[] = [];
      let inAsm = false;
      for (const raw of readFileSync(join(TESTS_DIR, file), 'latin1').split('\n')) {
        const line = raw.replace(/\r$/, '').replace(/#.*/, '');
        if (line.includes('--')) inAsm = line.includes('asm');
        else if (inAsm) lines.push(line);
      }
      const a = assemble(lines.join('\n'), { syntax: 'mnemonic' });
      if (!a.ok) throw new Error(`${file}: ${a.errors[0]!.message}`);
      // One llvm-mc run for all programs: make their label names unique.
      parts.push(disassemble(a.value.program).replace(/\b(L|func_)(\d+)\b/g, `p${k}_$1$2`));
      expected.push([file, a.value.bytes]);
    });
    if (MC!.major < 19) {
      console.warn('llvm-mc < 19 lacks v4 instructions: conformance check against llvm-mc skipped');
      return;
    }
    const text = llvmObject(parts.join('\n'), 'conformance');
    let offset = 0;
    const differ: string[] = [];
    for (const [file, bytes] of expected) {
      if (Buffer.compare(text.subarray(offset, offset + bytes.length), Buffer.from(bytes)) !== 0) differ.push(file);
      offset += bytes.length;
    }
    expect(differ).toEqual([]);
    expect(offset).toBe(text.length);
  });
});
