// Disassembler tests: printing, labels, and the round trip text -> bytes -> text -> bytes for every
// program of the conformance suite in both syntaxes.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assemble, branchTarget, disassemble, formatInsn, type Syntax } from '../src/asm/index.js';
import { decode, type Insn, layout, makeInsn, opByName, type Program } from '../src/isa/index.js';

const TESTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'shared', 'conformance', 'tests');

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function program(text: string, syntax: Syntax | 'auto' = 'auto'): Program {
  const r = assemble(text, { syntax });
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.column}: ${e.message}`).join('\n'));
  return r.value.program;
}

function bytesOf(text: string, syntax: Syntax): string {
  const r = assemble(text, { syntax });
  if (!r.ok) throw new Error(`${text}\n${r.errors.map((e) => `${e.line}:${e.column}: ${e.message}`).join('\n')}`);
  return hex(r.value.bytes);
}

describe('formatInsn', () => {
  const insn = (name: string, f: Partial<Omit<Insn, 'op'>> = {}): Insn => makeInsn(opByName(name), f);

  it('prints the canonical template of each syntax', () => {
    expect(formatInsn(insn('add64_imm', { dst: 1, imm: -3 }))).toBe('r1 += -3');
    expect(formatInsn(insn('add64_imm', { dst: 1, imm: -3 }), 'mnemonic')).toBe('add %r1, -3');
    expect(formatInsn(insn('mov32_reg', { dst: 1, src: 2 }))).toBe('w1 = w2');
    expect(formatInsn(insn('ldxh', { dst: 2, src: 1, off: -6 }))).toBe('r2 = *(u16 *)(r1 - 6)');
    expect(formatInsn(insn('ldxh', { dst: 2, src: 1, off: -6 }), 'mnemonic')).toBe('ldxh %r2, [%r1-6]');
    expect(formatInsn(insn('stxw', { dst: 10, src: 1, off: -4 }))).toBe('*(u32 *)(r10 - 4) = r1');
    expect(formatInsn(insn('atomic32_fetch_add', { dst: 1, src: 0 }))).toBe('w0 = atomic_fetch_add((u32 *)(r1 + 0), w0)');
    expect(formatInsn(insn('atomic64_cmpxchg', { dst: 1, src: 2, off: 8 }))).toBe('r0 = cmpxchg_64(r1 + 8, r0, r2)');
    expect(formatInsn(insn('atomic64_cmpxchg', { dst: 1, src: 2, off: 8 }), 'mnemonic')).toBe('lock cmpxchg [%r1+8], %r2');
    expect(formatInsn(insn('lddw', { dst: 1, imm: 0x55667788, imm2: 0x11223344 }))).toBe('r1 = 0x1122334455667788 ll');
    expect(formatInsn(insn('lddw', { dst: 1, imm: -1, imm2: -1 }), 'mnemonic')).toBe('lddw %r1, -1');
    expect(formatInsn(insn('movsx16_32', { dst: 1, src: 2 }))).toBe('w1 = (s16)w2');
    expect(formatInsn(insn('bswap32', { dst: 3 }), 'mnemonic')).toBe('bswap32 %r3');
    expect(formatInsn(insn('callx', { dst: 2 }))).toBe('callx r2');
    expect(formatInsn(insn('callx', { dst: 2 }), 'mnemonic')).toBe('call %r2');
  });

  it('prints small immediates in decimal and large ones as their 32-bit pattern in hex', () => {
    expect(formatInsn(insn('mov64_imm', { dst: 0, imm: 65535 }))).toBe('r0 = 65535');
    expect(formatInsn(insn('mov64_imm', { dst: 0, imm: -65535 }))).toBe('r0 = -65535');
    expect(formatInsn(insn('mov64_imm', { dst: 0, imm: 0x10000 }))).toBe('r0 = 0x10000');
    expect(formatInsn(insn('and64_imm', { dst: 0, imm: -65536 }), 'mnemonic')).toBe('and %r0, 0xffff0000');
    expect(formatInsn(insn('mov32_imm', { dst: 0, imm: -0x80000000 }), 'mnemonic')).toBe('mov32 %r0, 0x80000000');
  });

  it('prints relative targets without a slot, labels with one', () => {
    const ja = insn('ja', { off: -3 });
    expect(formatInsn(ja)).toBe('goto -3');
    expect(formatInsn(insn('jeq64_imm', { dst: 1, imm: 0, off: 2 }), 'mnemonic')).toBe('jeq %r1, 0, +2');
    expect(formatInsn(insn('ja32', { imm: 7 }))).toBe('gotol +7');
    expect(formatInsn(insn('call_local', { imm: 4 }))).toBe('call pc+4');
    expect(formatInsn(insn('call_local', { imm: 4 }), 'mnemonic')).toBe('call local +4');
    expect(formatInsn(ja, 'llvm', { slot: 10, labelAt: (s) => `L${s}` })).toBe('goto L8');
    expect(branchTarget(ja, 10)).toEqual({ target: 8, call: false });
    expect(branchTarget(insn('call_local', { imm: 4 }), 1)).toEqual({ target: 6, call: true });
    expect(branchTarget(insn('exit'), 1)).toBeUndefined();
  });
});

describe('disassemble', () => {
  const source = [
    'r1 = 0x1122334455667788 ll',
    'if r1 == 0 goto skip',
    'call sub',
    'skip:',
    'goto +1',
    'r0 = 1',
    'exit',
    'sub:',
    'r0 = 2',
    'if r0 > 1 goto sub',
    'exit',
  ].join('\n');

  it('names jump targets LN and call targets func_N, labels on their own lines', () => {
    expect(disassemble(program(source))).toBe([
      '    r1 = 0x1122334455667788 ll',
      '    if r1 == 0 goto L4',
      '    call func_7',
      'L4:',
      '    goto L6',
      '    r0 = 1',
      'L6:',
      '    exit',
      'func_7:',
      '    r0 = 2',
      '    if r0 > 1 goto func_7',
      '    exit',
      '',
    ].join('\n'));
    expect(disassemble(program(source), { syntax: 'mnemonic', labels: false })).toBe([
      'lddw %r1, 0x1122334455667788',
      'jeq %r1, 0, +1',
      'call local +3',
      'ja +1',
      'mov %r0, 1',
      'exit',
      'mov %r0, 2',
      'jgt %r0, 1, -2',
      'exit',
      '',
    ].join('\n'));
  });

  it('accepts an instruction list as well as a Program', () => {
    const p = program(source);
    expect(disassemble(p.insns)).toBe(disassemble(p));
  });

  it('prints numeric offsets for targets outside the program or inside an lddw', () => {
    // `goto -2` at slot 3 lands on the second slot of the lddw
    const text = 'goto +9\nr1 = 1 ll\ngoto -2\nif r1 > 2 goto -100\nexit\n';
    expect(disassemble(program(text, 'llvm'))).toBe(text);
  });

  it('prints a label after the last instruction when a jump targets the end', () => {
    expect(disassemble(program('goto end\nexit\nend:', 'llvm'))).toBe('    goto L2\n    exit\nL2:\n');
  });

  it('can print slot numbers and raw bytes like llvm-objdump, and still re-assemble', () => {
    const p = program(source);
    const listing = disassemble(p, { rawBytes: true });
    expect(listing.split('\n')[0]).toBe('     0:\t18 01 00 00 88 77 66 55 00 00 00 00 44 33 22 11\tr1 = 0x1122334455667788 ll');
    expect(listing).toContain('     3:\t85 10 00 00 03 00 00 00\tcall func_7');
    for (const syntax of ['llvm', 'mnemonic'] as const) {
      for (const opts of [{ rawBytes: true }, { addresses: true }, { addresses: true, labels: false }]) {
        const text = disassemble(p, { syntax, ...opts });
        expect(bytesOf(text, syntax), text).toBe(hex(assembleBytes(source)));
      }
    }
  });
});

function assembleBytes(text: string): Uint8Array {
  const r = assemble(text);
  if (!r.ok) throw new Error('assembly failed');
  return r.value.bytes;
}

/** The `-- asm` section of a conformance .data file (lines after `-- asm` up to the next `--`). */
function asmSection(path: string): string {
  const out: string[] = [];
  let inAsm = false;
  for (const raw of readFileSync(path, 'latin1').split('\n')) {
    const line = raw.replace(/\r$/, '').replace(/#.*/, '');
    if (line.includes('--')) {
      inAsm = line.includes('asm');
      continue;
    }
    if (inAsm) out.push(line);
  }
  return out.join('\n');
}

describe('conformance round trip', () => {
  let files: string[] = [];
  try {
    files = readdirSync(TESTS_DIR).filter((f) => f.endsWith('.data')).sort();
  } catch {
    console.warn(`\n*** ${TESTS_DIR} is missing: the conformance round-trip tests are SKIPPED ***\n`);
  }
  if (files.length === 0) {
    it.skip(`conformance programs not found in ${TESTS_DIR}`, () => {});
    return;
  }

  it('finds the 313 programs', () => expect(files.length).toBe(313));

  it.each(files)('%s', (file) => {
    const source = asmSection(join(TESTS_DIR, file));
    const first = assemble(source, { syntax: 'mnemonic', file });
    if (!first.ok) throw new Error(first.errors.map((e) => `${e.line}:${e.column}: ${e.message}`).join('\n'));
    const bytes = hex(first.value.bytes);
    // auto-detection agrees
    const auto = assemble(source);
    expect(auto.ok && auto.value.syntax).toBe('mnemonic');
    // the bytes decode (every field valid) to the same instructions
    const decoded = decode(first.value.bytes);
    expect(decoded.ok).toBe(true);
    for (const syntax of ['llvm', 'mnemonic'] as const) {
      for (const labels of [true, false]) {
        const text = disassemble(first.value.program, { syntax, labels });
        expect(bytesOf(text, syntax), `${syntax} labels=${labels}:\n${text}`).toBe(bytes);
        if (decoded.ok) expect(disassemble(decoded.value, { syntax, labels })).toBe(text);
      }
    }
  });
});

describe('odd encodings round trip', () => {
  const odd: [string, Partial<Omit<Insn, 'op'>>][] = [
    ['mov64_imm', { dst: 1, imm: -0x80000000 }],
    ['mov32_imm', { dst: 1, imm: -1 }],
    ['lddw', { dst: 1, imm: 0, imm2: -1 }],
    ['lddw', { dst: 1, imm: -0x80000000, imm2: 0x7fffffff }],
    ['lddw', { dst: 1, imm: 5, imm2: 0 }],
    ['lddw_map_idx_value', { dst: 3, imm: 2, imm2: -4 }],
    ['lddw_btf_var', { dst: 3, imm: 2, imm2: 0x10000 }],
    ['jset32_imm', { dst: 3, imm: -0x80000000, off: -32768 }],
    ['ja', { off: 32767 }],
    ['ja32', { imm: -0x80000000 }],
    ['stdw', { dst: 10, off: -32768, imm: 0x7fffffff }],
    ['ldxdw', { dst: 0, src: 10, off: 32767 }],
    ['call', { imm: -1 }],
    ['call', { imm: 0x7fffffff }],
    ['call_local', { imm: -0x80000000 }],
    ['call_kfunc', { imm: 12345 }],
    ['ldabsw', { imm: -4 }],
    ['ldindb', { src: 9, imm: 0x100000 }],
    ['arsh32_imm', { dst: 0, imm: -16 }],
  ];
  it.each(odd)('%s %j', (name, fields) => {
    const insns = [makeInsn(opByName(name), fields), makeInsn(opByName('exit'))];
    const p = layout(insns);
    for (const syntax of ['llvm', 'mnemonic'] as const) {
      for (const labels of [true, false]) {
        const text = disassemble(p, { syntax, labels });
        const r = assemble(text, { syntax });
        expect(r.ok ? r.value.insns : r.errors, text).toEqual(insns);
      }
    }
  });
});
