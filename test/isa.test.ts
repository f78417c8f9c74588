import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDataFile } from '../src/conformance/datafile.js';
import { decode, encode, makeInsn, OPS, OPS_BY_OPCODE, opByName } from '../src/isa/index.js';
import { HAVE_CONFORMANCE, NEGATIVE_DIR } from './helpers.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const EXIT = [0x95, 0, 0, 0, 0, 0, 0, 0];

describe('opcode table', () => {
  it('has unique names and no two rows that decode the same encoding', () => {
    expect(new Set(OPS.map((o) => o.name)).size).toBe(OPS.length);
    for (const rows of OPS_BY_OPCODE) {
      for (let i = 0; i < rows.length; i++) {
        for (let j = i + 1; j < rows.length; j++) {
          const a = rows[i]!;
          const b = rows[j]!;
          // Rows sharing an opcode must differ in a fixed selector field.
          const differ = (['src', 'off', 'imm'] as const).some((f) =>
            typeof a[f] === 'object' && typeof b[f] === 'object' && (a[f] as { eq: number }).eq !== (b[f] as { eq: number }).eq);
          expect(differ, `${a.name} vs ${b.name}`).toBe(true);
        }
      }
    }
  });

  it('covers every RFC 9669 operation family', () => {
    const names = new Set(OPS.map((o) => o.name));
    for (const n of ['add32_imm', 'sdiv64_reg', 'smod32_imm', 'movsx32_64', 'movsx16_32', 'le64', 'be16', 'bswap32', 'ja32',
      'jset32_reg', 'jsle64_imm', 'call', 'call_local', 'call_kfunc', 'callx', 'exit', 'lddw', 'lddw_map_idx_value',
      'ldabsb', 'ldindw', 'ldxdw', 'ldxsw', 'stb', 'stxh', 'atomic32_fetch_xor', 'atomic64_xchg', 'atomic64_cmpxchg']) {
      expect(names.has(n), n).toBe(true);
    }
  });
});

describe('decoder and encoder', () => {
  it('decodes every row back to itself from its own encoding', () => {
    for (const op of OPS) {
      const insn = makeInsn(op, { dst: op.dst === 'reg' ? 3 : 0, src: op.src === 'reg' ? 4 : 0, off: op.off === 'any' ? -8 : 0, imm: op.imm === 'any' ? -5 : 0, imm2: op.slots === 2 ? 7 : 0 });
      const enc = encode([insn]);
      const withExit = new Uint8Array(enc.length + 8);
      withExit.set(enc);
      withExit.set(EXIT, enc.length);
      const d = decode(withExit);
      expect(d.ok, op.name).toBe(true);
      if (!d.ok) continue;
      expect(d.value.insns[0]!.op.name).toBe(op.name);
      expect(d.value.insns[0]).toEqual(insn);
    }
  });

  it('reads fields little-endian with sign extension', () => {
    const d = decode(bytes(0x7a, 0x01, 0xf8, 0xff, 0xfd, 0xff, 0xff, 0xff, ...EXIT));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    expect(d.value.insns[0]).toMatchObject({ dst: 1, src: 0, off: -8, imm: -3 });
    expect(d.value.insns[0]!.op.name).toBe('stdw');
  });

  it('counts lddw as two slots', () => {
    const d = decode(bytes(0x18, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0, 0, 0, 0, 0x44, 0x33, 0x22, 0x11, ...EXIT));
    expect(d.ok && d.value.slotOf).toEqual([0, 2]);
    expect(d.ok && d.value.insnAtSlot).toEqual([0, -1, 1]);
    expect(d.ok && d.value.insns[0]!.imm2).toBe(0x11223344);
  });

  const cases: [string, number[], RegExp, string][] = [
    ['unknown opcode', [0xff, 0, 0, 0, 0, 0, 0, 0], /unknown opcode 0xff/, 'opcode'],
    ['register > 10', [0xb7, 0x0b, 0, 0, 0, 0, 0, 0], /r11/, 'dst'],
    ['src register > 10', [0xbf, 0xc1, 0, 0, 0, 0, 0, 0], /r12/, 'src'],
    ['non-zero unused src', [0xb7, 0x10, 0, 0, 0, 0, 0, 0], /unused field src/, 'src'],
    ['non-zero unused imm', [0xbf, 0x10, 0, 0, 1, 0, 0, 0], /unused field imm/, 'imm'],
    ['bad div offset', [0x3f, 0x10, 2, 0, 0, 0, 0, 0], /off=2/, 'off'],
    ['bad byte-swap width', [0xdc, 0x01, 0, 0, 8, 0, 0, 0], /imm=8/, 'imm'],
    ['bad atomic op', [0xdb, 0x21, 0, 0, 0x12, 0, 0, 0], /imm=18/, 'imm'],
    ['neg with register source', [0x8f, 0x10, 0, 0, 0, 0, 0, 0], /unknown opcode 0x8f/, 'opcode'],
    ['lddw with bad second slot', [0x18, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0], /second slot/, 'opcode'],
    ['lddw without second slot', [0x18, 0, 0, 0, 0, 0, 0, 0], /second slot/, 'opcode'],
  ];
  it.each(cases)('rejects %s, naming the instruction and field', (_name, raw, message, field) => {
    const d = decode(Uint8Array.from([...raw, ...EXIT].slice(0, raw.length === 8 && raw[0] === 0x18 ? 8 : undefined)));
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.errors[0]!.message).toMatch(message);
    expect(d.errors[0]!.field).toBe(field);
    expect(typeof d.errors[0]!.insn).toBe('number');
  });

  it('reports every bad instruction, not only the first', () => {
    const d = decode(bytes(0xff, 0, 0, 0, 0, 0, 0, 0, 0xb7, 0x10, 0, 0, 0, 0, 0, 0, ...EXIT));
    expect(!d.ok && d.errors.map((e) => e.insn)).toEqual([0, 1]);
  });

  it('rejects a truncated program', () => {
    const d = decode(bytes(0x95, 0, 0));
    expect(!d.ok && d.errors[0]!.code).toBe('E_TRUNCATED');
  });

  it('encodes the opcode table rows to the RFC 9669 bytes', () => {
    const enc = encode([makeInsn(opByName('sdiv64_reg'), { dst: 1, src: 2 }), makeInsn(opByName('atomic32_fetch_and'), { dst: 1, src: 0 })]);
    expect(Array.from(enc)).toEqual([0x3f, 0x21, 1, 0, 0, 0, 0, 0, 0xc3, 0x01, 0, 0, 0x51, 0, 0, 0]);
  });
});

describe.skipIf(!HAVE_CONFORMANCE)('negative conformance vectors (unused fields)', () => {
  const unused = HAVE_CONFORMANCE ? readdirSync(NEGATIVE_DIR).filter((f) => f.startsWith('unused-')) : [];
  it('has the 45 unused-field vectors', () => expect(unused.length).toBe(45));
  it.each(unused)('%s is rejected by the decoder, naming the field', (f) => {
    const d = parseDataFile(readFileSync(join(NEGATIVE_DIR, f), 'utf8'));
    expect(d.ok).toBe(true);
    if (!d.ok) return;
    const r = decode(d.value.raw!);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const field = /-(src|imm|offset|dst)\.data$/.exec(f)![1]!.replace('offset', 'off');
    expect(r.errors[0]!.field).toBe(field);
    expect(r.errors[0]!.insn).toBe(0);
  });
});
