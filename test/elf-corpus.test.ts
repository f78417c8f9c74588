// Every object of ../shared/corpus through the ELF loader. Independent truth: the corpus README's
// "Program sections per object" table (written from llvm-objdump/readelf listings when the corpus
// was assembled), parsed here, and the issue's bar of 95% of the objects loading.

import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadObject, readElf } from '../src/elf/index.js';
import { SHT, STT } from '../src/elf/reader.js';
import { SHARED } from './helpers.js';

const CORPUS = join(SHARED, 'corpus');
const HAVE_CORPUS = existsSync(join(CORPUS, 'README.md'));
if (!HAVE_CORPUS) console.warn(`\n*** ${CORPUS} is missing: ELF corpus tests are SKIPPED ***\n`);

function objects(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...objects(p));
    else if (e.endsWith('.o')) out.push(p);
  }
  return out.sort();
}

interface ReadmeSection { section: string; funcs: string[] | number | null; insns: number }

/** `| build/bpf2bpf.o | .text[add1,add2]:21; test[func]:37 |` -> per-object section entries. */
function readmeTable(): Map<string, ReadmeSection[]> {
  const text = readFileSync(join(CORPUS, 'README.md'), 'utf8');
  const start = text.indexOf('### Program sections per object');
  expect(start).toBeGreaterThan(0);
  const table = new Map<string, ReadmeSection[]>();
  for (const line of text.slice(start).split('\n').slice(1)) {
    if (line.startsWith('## ')) break;
    const m = /^\| ([^|]+\.o) \| (.+) \|$/.exec(line.trim());
    if (!m) continue;
    const entries = m[2]!.split('; ').map((e): ReadmeSection => {
      const x = /^(.*?)(?:\[(.+)\])?:(\d+)$/.exec(e.trim());
      if (!x) throw new Error(`unparsable README entry '${e}'`);
      const f = x[2];
      const funcs = f === undefined ? null : /^\d+ funcs$/.test(f) ? parseInt(f, 10) : f.split(',');
      return { section: x[1]!, funcs, insns: parseInt(x[3]!, 10) };
    });
    table.set(m[1]!.trim(), entries);
  }
  return table;
}

describe.skipIf(!HAVE_CORPUS)('ELF corpus', () => {
  const files = HAVE_CORPUS ? objects(CORPUS) : [];
  const rel = (f: string): string => relative(CORPUS, f).replace(/^samples\//, '');
  const results = files.map((f) => ({ file: f, name: rel(f), r: loadObject(readFileSync(f), { file: f }) }));

  it('loads at least 95% of the objects, and says why the rest do not', () => {
    const failed = results.filter((x) => !x.r.ok);
    const rows = results.map((x) => x.r.ok
      ? `  ok    ${x.name.padEnd(48)} ${x.r.value.programs.length} programs, ${x.r.value.maps.length} maps`
      : `  FAIL  ${x.name.padEnd(48)} ${x.r.errors.map((e) => `${e.code}: ${e.message}`).join('; ')}`);
    console.log(`ELF corpus: ${results.length - failed.length}/${results.length} objects load\n${rows.join('\n')}`);
    expect(files.length).toBe(64);
    expect((results.length - failed.length) / results.length).toBeGreaterThanOrEqual(0.95);
    // The one malformed object: `.text` ends with the first half of an lddw (16 bytes, r0 = 0 and
    // 0x18 with src=15 dst=15), which neither decodes nor has a second slot.
    expect(failed.map((x) => x.name)).toEqual(['invalid/invalid-lddw.o']);
    const err = failed[0]!.r.ok ? null : failed[0]!.r.errors[0]!;
    expect(err?.code).toBe('E_ELF_PROGRAM');
    expect(err?.message).toMatch(/section '\.text', offset 8/);
  });

  it('finds the program sections, functions and instruction counts of the README table', () => {
    const table = readmeTable();
    expect(table.size).toBe(59);
    for (const [name, expected] of table) {
      const file = join(CORPUS, 'samples', name);
      const elf = readElf(readFileSync(file));
      const code = elf.sections.filter((s) => s.type === SHT.PROGBITS && (s.flags & 4) !== 0 && s.size > 0);
      expect(code.map((s) => `${s.name}:${s.size / 8}`), name).toEqual(expected.map((e) => `${e.section}:${e.insns}`));
      const loaded = results.find((x) => x.name === name)!.r;
      for (const e of expected) {
        const sec = code.find((s) => s.name === e.section)!;
        const funcs = elf.symbols.filter((y) => y.shndx === sec.index && y.type === STT.FUNC).map((y) => y.name);
        if (e.funcs === null) expect(funcs, `${name} ${e.section}`).toEqual([]);
        else if (typeof e.funcs === 'number') expect(funcs.length, `${name} ${e.section}`).toBe(e.funcs);
        else expect([...funcs].sort(), `${name} ${e.section}`).toEqual([...e.funcs].sort());
        if (!loaded.ok) continue;
        const progs = loaded.value.programs.filter((p) => p.section === e.section).map((p) => p.name);
        const role = loaded.value.sections.find((s) => s.index === sec.index)!.role;
        if (e.section === '.text' && role === 'subprograms') {
          expect(progs).toEqual([]);
        } else {
          // Every FUNC symbol is a program; a section without any is one program named after it.
          expect([...progs].sort(), `${name} ${e.section}`).toEqual(funcs.length ? [...funcs].sort() : [e.section]);
        }
      }
    }
  });

  it('records the license section the README lists', () => {
    const text = readFileSync(join(CORPUS, 'README.md'), 'utf8');
    let checked = 0;
    for (const line of text.split('\n')) {
      const cells = line.split('|').map((c) => c.trim());
      if (cells.length < 12 || !cells[1]!.endsWith('.o')) continue;
      const r = results.find((x) => x.name === cells[1]);
      if (!r || !r.r.ok) continue;
      expect(r.r.value.license ?? '(none)', cells[1]).toBe(cells[7]);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(58);
  });

  it('every loaded program decodes and its map references are in range', () => {
    for (const x of results) {
      if (!x.r.ok) continue;
      for (const p of x.r.value.programs) {
        expect(p.bytes.length).toBe(p.program.slotCount * 8);
        expect(p.lines.length).toBe(p.program.slotCount);
        for (const insn of p.program.insns) {
          if (insn.op.opcode === 0x18 && (insn.src === 1 || insn.src === 2)) {
            expect(insn.imm, `${x.name} ${p.name}`).toBeGreaterThanOrEqual(0);
            expect(insn.imm, `${x.name} ${p.name}`).toBeLessThan(x.r.value.maps.length);
          }
        }
      }
    }
  });
});
