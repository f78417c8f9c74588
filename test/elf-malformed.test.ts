// Malformed objects: truncations, corrupted headers, section tables, symbols and relocations.
// Each load must end in a Result (ok or a diagnostic naming what is wrong), never a throw or a hang.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadObject, readElf } from '../src/elf/index.js';
import type { Diagnostic } from '../src/util/diagnostics.js';
import { SHARED } from './helpers.js';

const CORPUS = join(SHARED, 'corpus');
const HAVE_CORPUS = existsSync(CORPUS);

const OBJECTS = [
  'samples/linux/sockex1_kern.o', // legacy maps, REL on a socket program
  'modern/xdp_parse_count.o', // BTF maps, BTF.ext line info
  'samples/build/bpf2bpf.o', // .text subprogram calls
  'samples/build/global_variable.o', // global data
  'samples/cilium/bpf_xdp.o', // iproute2 maps
];

/** mulberry32: a small seeded generator, so failures reproduce. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytesOf(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(join(CORPUS, rel)));
}

/** Loads and checks the promise: a Result, quickly; failures carry an E_ code and a message. */
function loadChecked(b: Uint8Array, what: string): { ok: boolean; errors: Diagnostic[] } {
  const t0 = Date.now();
  let r: ReturnType<typeof loadObject>;
  try {
    r = loadObject(b, { file: 'x.o' });
  } catch (e) {
    throw new Error(`${what}: loadObject threw ${(e as Error).stack ?? String(e)}`);
  }
  expect(Date.now() - t0, `${what}: took too long`).toBeLessThan(5000);
  if (!r.ok) {
    expect(r.errors.length, what).toBeGreaterThan(0);
    for (const e of r.errors) {
      expect(e.code, what).toMatch(/^E_ELF_/);
      // E_ELF_INTERNAL means an unexpected exception was caught: a missing bounds check.
      expect(e.code, `${what}: ${e.message}`).not.toBe('E_ELF_INTERNAL');
      expect(e.message.length, what).toBeGreaterThan(10);
    }
    return { ok: false, errors: r.errors };
  }
  return { ok: true, errors: [] };
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function expectFail(b: Uint8Array, code: string, message?: RegExp): Diagnostic {
  const r = loadObject(b);
  expect(r.ok).toBe(false);
  const e = r.ok ? null : r.errors[0]!;
  expect(e?.code).toBe(code);
  if (message) expect(e?.message).toMatch(message);
  return e!;
}

/**
 * A minimal object: `nsec` code sections sharing one code blob of `nfunc` one-slot global functions
 * (each `call +0`, i.e. a call of the next one, when `chain`; else `exit`).
 */
function synthetic(nsec: number, nfunc: number, chain: boolean): Uint8Array {
  const code = new Uint8Array(nfunc * 8);
  for (let i = 0; i < nfunc; i++) {
    code[i * 8] = chain && i + 1 < nfunc ? 0x85 : 0x95;
    if (chain && i + 1 < nfunc) code[i * 8 + 1] = 0x10;
  }
  const enc = new TextEncoder();
  const strParts: number[] = [...enc.encode('\0.strtab\0.symtab\0xdp\0')];
  const nameAt: number[] = [];
  for (let i = 0; i < nfunc; i++) {
    nameAt.push(strParts.length);
    strParts.push(...enc.encode(`f${i}\0`));
  }
  const strtab = Uint8Array.from(strParts);
  const offCode = 64;
  const offStr = offCode + code.length;
  const offSym = Math.ceil((offStr + strtab.length) / 8) * 8;
  const symSize = (nfunc + 1) * 24;
  const shoff = offSym + symSize;
  const nsh = 3 + nsec;
  const out = new Uint8Array(shoff + nsh * 64);
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, 1, true); v.setUint16(18, 247, true); v.setUint32(20, 1, true);
  v.setBigUint64(40, BigInt(shoff), true); v.setUint16(52, 64, true); v.setUint16(58, 64, true);
  v.setUint16(60, nsh, true); v.setUint16(62, 1, true);
  out.set(code, offCode);
  out.set(strtab, offStr);
  for (let i = 0; i < nfunc; i++) {
    const p = offSym + (i + 1) * 24;
    v.setUint32(p, nameAt[i]!, true); out[p + 4] = 0x12; v.setUint16(p + 6, 3, true);
    v.setBigUint64(p + 8, BigInt(i * 8), true); v.setBigUint64(p + 16, 8n, true);
  }
  const sh = (i: number, name: number, type: number, flags: number, off: number, size: number, link: number, info: number, entsize: number): void => {
    const p = shoff + i * 64;
    v.setUint32(p, name, true); v.setUint32(p + 4, type, true); v.setBigUint64(p + 8, BigInt(flags), true);
    v.setBigUint64(p + 24, BigInt(off), true); v.setBigUint64(p + 32, BigInt(size), true);
    v.setUint32(p + 40, link, true); v.setUint32(p + 44, info, true); v.setBigUint64(p + 56, BigInt(entsize), true);
  };
  sh(1, 1, 3, 0, offStr, strtab.length, 0, 0, 0);
  sh(2, 9, 2, 0, offSym, symSize, 1, 1, 24);
  for (let i = 0; i < nsec; i++) sh(3 + i, 17, 1, 6, offCode, code.length, 0, 0, 0);
  return out;
}

describe('objects with huge counts', () => {
  it('loads many functions and many sections in bounded time', () => {
    const t0 = Date.now();
    const many = loadObject(synthetic(1, 20_000, false));
    expect(many.ok && many.value.programs.length).toBe(20_000);
    const secs = loadObject(synthetic(5_000, 1, false));
    expect(secs.ok && secs.value.programs.length).toBe(5_000);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('stops appending subprograms at a bound instead of growing without end', () => {
    // 3000 functions, each calling the next: program i appends 3000 - i functions, 4.5M slots in all.
    const t0 = Date.now();
    const r = loadObject(synthetic(1, 3_000, true));
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.errors[0]!.message).toMatch(/grow past 2000000 instructions/);
    expect(Date.now() - t0).toBeLessThan(20_000);
    // A short chain links: f0 calls f1 calls f2 (exit).
    const short = loadObject(synthetic(1, 3, true));
    expect(short.ok && [...short.value.programs[0]!.functions.values()]).toEqual(['f0', 'f1', 'f2']);
  });
});

describe.skipIf(!HAVE_CORPUS)('malformed objects', () => {
  it('gives the exact reason for broken identification and header fields', () => {
    const good = bytesOf(OBJECTS[0]!);
    const edit = (f: (b: Uint8Array) => void): Uint8Array => {
      const b = good.slice();
      f(b);
      return b;
    };
    expectFail(new Uint8Array(0), 'E_ELF_MAGIC');
    expectFail(new TextEncoder().encode('r0 = 0\nexit\n'), 'E_ELF_MAGIC', /not an ELF file/);
    expectFail(edit((b) => (b[4] = 1)), 'E_ELF_CLASS', /32-bit/);
    expectFail(edit((b) => (b[5] = 2)), 'E_ELF_ENDIAN', /big-endian/);
    expectFail(edit((b) => view(b).setUint16(18, 62, true)), 'E_ELF_MACHINE', /e_machine is 62/);
    expectFail(edit((b) => view(b).setUint16(16, 2, true)), 'E_ELF_TYPE', /not a relocatable object/);
    expectFail(good.subarray(0, 40), 'E_ELF_TRUNCATED');
    // A huge section count must be refused before anything is allocated for it.
    expectFail(edit((b) => view(b).setUint16(60, 0xfff0, true)), 'E_ELF_TRUNCATED', /announces 65520 sections/);
    expectFail(edit((b) => view(b).setUint32(40, 0xfffffff0, true)), 'E_ELF_TRUNCATED');
    expectFail(edit((b) => view(b).setUint32(44, 0x7fffffff, true)), 'E_ELF_RANGE');
    expectFail(edit((b) => view(b).setUint16(62, 200, true)), 'E_ELF_SECTION', /e_shstrndx/);
  });

  it('names the section and offset of a broken section header, symbol or relocation', () => {
    const good = bytesOf(OBJECTS[0]!);
    const elf = readElf(good);
    const shoff = Number(view(good).getBigUint64(40, true));
    const hdr = (name: string): number => shoff + elf.sections.find((s) => s.name === name)!.index * 64;
    const edit = (f: (b: Uint8Array) => void): Uint8Array => {
      const b = good.slice();
      f(b);
      return b;
    };
    // section extends past the end of the file
    expectFail(edit((b) => view(b).setUint32(hdr('socket1') + 32, 0x100000, true)), 'E_ELF_TRUNCATED', /extends past the end/);
    // section name outside the name table
    expectFail(edit((b) => view(b).setUint32(hdr('socket1'), 0xffffff, true)), 'E_ELF_STRING', /outside the string table/);
    // relocation entries: .relsocket1 patches socket1
    const rel = elf.relSections.find((r) => r.target.name === 'socket1')!;
    const e0 = rel.entries[0]!;
    // unsupported relocation type (R_BPF_64_ABS32) in code
    const bad = expectFail(edit((b) => view(b).setUint32(e0.fileOffset + 8, 3, true)), 'E_ELF_RELOCATION', /unsupported relocation type R_BPF_64_ABS32/);
    expect(bad.message).toContain(`section 'socket1', offset ${e0.offset}`);
    // relocation naming a symbol that does not exist
    expectFail(edit((b) => view(b).setUint32(e0.fileOffset + 12, 0xfffff, true)), 'E_ELF_RELOCATION', /symbol 1048575.*\.relsocket1/);
    // relocation offset outside the section
    expectFail(edit((b) => view(b).setUint32(e0.fileOffset, 0xfff8, true)), 'E_ELF_RELOCATION', /not on an instruction/);
    // R_BPF_64_64 on an instruction that is not lddw
    expectFail(edit((b) => view(b).setUint32(e0.fileOffset, e0.offset + 16, true)), 'E_ELF_RELOCATION', /not lddw/);
    // code section whose size is not whole instructions
    expectFail(edit((b) => view(b).setUint32(hdr('socket1') + 32, elf.sections.find((s) => s.name === 'socket1')!.size - 4, true)), 'E_ELF_SECTION', /not a multiple of 8/);
  });

  it('never throws on truncations at many offsets', () => {
    for (const rel of OBJECTS) {
      const b = bytesOf(rel);
      const step = Math.max(1, Math.floor(b.length / 300));
      let failures = 0;
      for (let n = 0; n < b.length; n += step) if (!loadChecked(b.subarray(0, n), `${rel} cut at ${n}`).ok) failures++;
      for (let n = Math.max(0, b.length - 80); n < b.length; n++) loadChecked(b.subarray(0, n), `${rel} cut at ${n}`);
      // Section headers sit at the end of clang's objects: nearly every cut fails.
      expect(failures).toBeGreaterThan(0);
    }
  });

  it('never throws on seeded random corruption of headers, section tables, symbols and relocations', () => {
    const random = rng(0x5eed);
    let runs = 0;
    let rejected = 0;
    for (const rel of OBJECTS) {
      const good = bytesOf(rel);
      const elf = readElf(good);
      const shoff = Number(view(good).getBigUint64(40, true));
      const regions: [string, number, number][] = [
        ['ELF header', 0, 64],
        ['section headers', shoff, elf.sections.length * 64],
        ...elf.sections.filter((s) => s.type === 2 || s.type === 9 || s.type === 4 || s.name === '.BTF' || s.name === '.BTF.ext' || s.name === 'maps' || s.name === '.maps')
          .map((s): [string, number, number] => [s.name, s.offset, s.size]),
      ];
      for (const [name, start, len] of regions) {
        if (len === 0) continue;
        for (let k = 0; k < 60; k++) {
          const b = good.slice();
          const flips = 1 + Math.floor(random() * 4);
          for (let f = 0; f < flips; f++) {
            const at = start + Math.floor(random() * len);
            b[at] = random() < 0.3 ? 0xff : Math.floor(random() * 256);
          }
          runs++;
          if (!loadChecked(b, `${rel} ${name} corruption #${k}`).ok) rejected++;
        }
      }
    }
    console.log(`corruption: ${runs} corrupted objects, ${rejected} rejected with a diagnostic, ${runs - rejected} still loaded`);
    expect(rejected).toBeGreaterThan(runs / 10);
  });
});
