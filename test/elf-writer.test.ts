// The ELF object writer and the assembler's `.map` / `.section` directives. Truth comes from
// outside bpfbox: llvm-readelf / llvm-objdump read the objects we write, bpftool (libbpf 1.1) and
// the kernel load them, and the kernel's translated program shows which map each load names.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assemble, disassemble, mapDirectives } from '../src/asm/index.js';
import { btfMapDefinitions, parseBtf } from '../src/elf/btf.js';
import { existsSync, readFileSync } from 'node:fs';
import { SHARED } from './helpers.js';
import { loadObject } from '../src/elf/loader.js';
import { parseBtfExt } from '../src/elf/btfext.js';
import { objectFromAssembly, writeObject } from '../src/elf/writer.js';
import type { MapDef } from '../src/runtime/maps/def.js';
import { BpfError } from '../src/util/diagnostics.js';

const work = mkdtempSync(join(tmpdir(), 'bpfbox-writer-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function asm(text: string) {
  const r = assemble(text);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.column}: ${e.message} [${e.code}]`).join('\n'));
  return r.value;
}

function asmErrors(text: string) {
  const r = assemble(text);
  if (r.ok) throw new Error('assembled without errors');
  return r.errors;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Section bytes by name: a throwaway ELF64 LE section-header walk. */
function elfSections(b: Uint8Array): Map<string, Uint8Array> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(v.getBigUint64(0x28, true));
  const count = v.getUint16(0x3c, true);
  const shstrndx = v.getUint16(0x3e, true);
  const header = (i: number) => {
    const o = shoff + i * 64;
    return { name: v.getUint32(o, true), off: Number(v.getBigUint64(o + 0x18, true)), size: Number(v.getBigUint64(o + 0x20, true)) };
  };
  const names = header(shstrndx);
  const out = new Map<string, Uint8Array>();
  for (let i = 0; i < count; i++) {
    const h = header(i);
    let end = names.off + h.name;
    while (b[end] !== 0) end++;
    out.set(Buffer.from(b.subarray(names.off + h.name, end)).toString('latin1'), b.subarray(h.off, h.off + h.size));
  }
  return out;
}

const tool = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
const HAVE_LLVM = tool('llvm-objdump-19', ['--version']) && tool('llvm-readelf-19', ['--version']);
const HAVE_BPFTOOL = tool('bpftool', ['version']);
const IS_ROOT = process.getuid?.() === 0;
const CAN_LOAD = HAVE_BPFTOOL && IS_ROOT && tool('mountpoint', ['-q', '/sys/fs/bpf']);
if (!HAVE_LLVM) console.warn('llvm-objdump-19/llvm-readelf-19 not found: reading written objects with LLVM is SKIPPED');
if (!CAN_LOAD) {
  console.warn(`loading written objects with bpftool is SKIPPED: ${!HAVE_BPFTOOL ? 'bpftool not found'
    : !IS_ROOT ? 'not root' : '/sys/fs/bpf is not a bpffs mount'}`);
}

const COUNTER = `
; count packets per slot of an array, remember the last ifindex in a hash
.section xdp
.map counts array key=4 value=8 entries=4
.map seen hash key=4 value=4 entries=16 flags=1
  r6 = r1
  *(u32 *)(r10 - 4) = 0
  r2 = r10
  r2 += -4
  r1 = map_fd(counts) ll
  call 1
  if r0 == 0 goto out
  r1 = 1
  lock *(u64 *)(r0 + 0) += r1
out:
  r1 = map_fd(1) ll
  r0 = 2
  exit
`;

describe('assembler .map and .section directives', () => {
  it('declares maps and names them in map_fd / map_value, in both syntaxes', () => {
    const llvm = asm(COUNTER);
    expect(llvm.section).toBe('xdp');
    expect(llvm.maps).toEqual([
      { name: 'counts', type: 'array', keySize: 4, valueSize: 8, maxEntries: 4, origin: 'declared' },
      { name: 'seen', type: 'hash', keySize: 4, valueSize: 4, maxEntries: 16, flags: 1, origin: 'declared' },
    ]);
    // map_fd(counts) is map 0 and map_fd(1) stays map 1: lddw src=1 imm=index.
    expect(hex(llvm.bytes.subarray(4 * 8, 6 * 8))).toBe('1811000000000000' + '0000000000000000');
    expect(hex(llvm.bytes.subarray(10 * 8, 12 * 8))).toBe('1811000001000000' + '0000000000000000');

    const mnemonic = asm([
      '.map events ringbuf entries=4096', '.map counts percpu_array key=4 value=8 entries=2',
      'lddw %r1, map_fd(counts)', 'lddw %r2, map_value(counts, 8)', 'lddw %r3, map_fd(events)', 'mov %r0, 0', 'exit',
    ].join('\n'));
    expect(mnemonic.syntax).toBe('mnemonic');
    expect(mnemonic.section).toBeNull();
    expect(mnemonic.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries])).toEqual([
      ['events', 'ringbuf', 0, 0, 4096], ['counts', 'percpu_array', 4, 8, 2],
    ]);
    expect(hex(mnemonic.bytes.subarray(0, 48))).toBe(
      '1811000001000000' + '0000000000000000' + // map_fd(counts): src 1, imm 1
      '1822000001000000' + '0000000008000000' + // map_value(counts, 8): src 2, imm 1, imm2 8
      '1813000000000000' + '0000000000000000', // map_fd(events): imm 0
    );
  });

  it('takes the section in effect at the first instruction (clang -S output has several)', () => {
    const r = asm(['\t.text', '\t.section\txdp,"ax",@progbits', 'prog:', '\tr0 = 2', '\texit',
      '\t.section\t".note.GNU-stack","",@progbits'].join('\n'));
    expect(r.section).toBe('xdp');
    expect(asm('.section "kprobe/sys_execve"\nr0 = 0\nexit').section).toBe('kprobe/sys_execve');
  });

  it('accepts kernel map type names and inner maps', () => {
    const r = asm('.map in BPF_MAP_TYPE_ARRAY key=4 value=4 entries=1\n.map out array_of_maps key=4 value=4 entries=8 inner=in\nr0 = 0\nexit');
    expect(r.maps[1]).toEqual({ name: 'out', type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 8, origin: 'declared', inner: r.maps[0] });
  });

  it('reports bad directives and unknown maps with line, column and code', () => {
    const e = asmErrors([
      '.map counts hashmap key=4 value=8 entries=4', // 1: unknown type
      '.map a hash key=4 value=8', // 2: no entries
      '.map b hash key=4 value=x entries=1', // 3: bad number
      '.map c hash key=4 colour=3 entries=1', // 4: unknown attribute
      '.map d hash key=4 value=4 entries=1',
      '.map d hash key=4 value=4 entries=1', // 6: twice
      'r1 = map_fd(nosuch) ll', // 7: unknown name
      'r1 = map_fd(5) ll', // 8: index out of range with declared maps
      'r0 = 0', 'exit',
    ].join('\n'));
    expect(e.map((d) => [d.line, d.code])).toEqual([
      [1, 'E_ASM_MAP'], [2, 'E_ASM_MAP'], [3, 'E_ASM_MAP'], [4, 'E_ASM_MAP'], [6, 'E_ASM_MAP'],
      [7, 'E_ASM_UNKNOWN_MAP'], [8, 'E_ASM_UNKNOWN_MAP'],
    ]);
    expect(e[0]!.message).toMatch(/unknown map type 'hashmap': one of hash, array, /);
    expect(e[0]!.column).toBe(13);
    expect(e[1]!.message).toMatch(/needs 'entries=N'/);
    expect(e[5]!.message).toBe("unknown map 'nosuch': declared maps: d");
    expect(e[5]!.column).toBe(13);
    expect(e[6]!.message).toMatch(/map index 5 is out of range: 1 map is declared \(d\)/);
  });

  it('accepts an inner map declared further down, and rejects one that does not exist', () => {
    const r = asm('.map out hash_of_maps key=4 value=4 entries=8 inner=tmpl\n.map tmpl hash key=8 value=8 entries=2\nr0 = 0\nexit');
    expect(r.maps[0]!.inner).toBe(r.maps[1]);
    const e = asmErrors('.map out hash_of_maps key=4 value=4 entries=8 inner=nothere\nr0 = 0\nexit');
    expect(e.map((d) => [d.line, d.column, d.code, d.message])).toEqual([[1, 53, 'E_ASM_MAP', "'inner=nothere' names no other declared map"]]);
  });

  it('a name in an immediate that is not a map operand is still an error', () => {
    const e = asmErrors('.map m hash key=4 value=4 entries=1\nr1 = m\nexit');
    expect(e[0]!.line).toBe(2);
    expect(e[0]!.code).not.toBe('E_ASM_UNKNOWN_MAP');
  });
});

describe('writeObject', () => {
  const a = asm(COUNTER);
  const programs = [{ name: 'count_packets', section: 'xdp', bytes: a.bytes }];
  const obj = writeObject({ programs, maps: [...a.maps] });
  const file = join(work, 'counter.o');
  writeFileSync(file, obj);

  it('writes an EM_BPF relocatable object whose BTF describes the maps as libbpf reads them', () => {
    expect(hex(obj.subarray(0, 8))).toBe('7f454c4602010100');
    expect(new DataView(obj.buffer).getUint16(18, true)).toBe(247);
    const sections = elfSections(obj);
    expect([...sections.keys()].sort()).toEqual(
      ['', '.BTF', '.BTF.ext', '.maps', '.relxdp', '.shstrtab', '.strtab', '.symtab', 'license', 'xdp'].sort());
    expect(Buffer.from(sections.get('license')!).toString('latin1')).toBe('GPL\0');
    const btf = parseBtf(sections.get('.BTF')!);
    expect(btfMapDefinitions(btf).map((m) => [m.def, m.sectionOffset, m.size])).toEqual([
      [a.maps[0], 0, 32],
      [a.maps[1], 32, 40],
    ]);
    expect(btf.types.filter((t) => t.kind === 'func').map((t) => btf.typeName(t.id))).toEqual(['count_packets: int (void *)']);
    // The map loads are written as clang writes them: src 0, imm 0, a relocation says which map.
    const code = sections.get('xdp')!;
    expect(hex(code.subarray(4 * 8, 6 * 8))).toBe('1801000000000000' + '0000000000000000');
    expect(hex(code.subarray(10 * 8, 12 * 8))).toBe('1801000000000000' + '0000000000000000');
    expect(code.length).toBe(a.bytes.length);
  });

  it('writes map-in-map definitions with the inner map in `values`', () => {
    const inner: MapDef = { name: 'inner', type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, origin: 'declared' };
    const outer: MapDef = { name: 'outer', type: 'hash_of_maps', keySize: 8, valueSize: 4, maxEntries: 5, origin: 'declared', inner };
    const o = writeObject({ programs: [{ name: 'p', section: 'socket', bytes: asm('r0 = 0\nexit').bytes }], maps: [outer] });
    const defs = btfMapDefinitions(parseBtf(elfSections(o).get('.BTF')!));
    expect(defs[0]!.def).toEqual({ ...outer, inner: { ...inner, name: 'outer.inner' } });
  });

  it.skipIf(!HAVE_LLVM)('is read by llvm-readelf and llvm-objdump: symbols, relocations, instructions', () => {
    const syms = execFileSync('llvm-readelf-19', ['-s', file], { encoding: 'utf8' });
    expect(syms).toMatch(/\s112 FUNC\s+GLOBAL DEFAULT\s+\d+ count_packets/);
    expect(syms).toMatch(/\s32 OBJECT\s+GLOBAL DEFAULT\s+\d+ counts/);
    expect(syms).toMatch(/\s40 OBJECT\s+GLOBAL DEFAULT\s+\d+ seen/);
    const dump = execFileSync('llvm-objdump-19', ['-dr', '--no-show-raw-insn', file], { encoding: 'utf8' });
    expect(dump).toMatch(/<count_packets>:/);
    expect(dump).toMatch(/4:\s+r1 = 0x0 ll\s+0000000000000020:\s+R_BPF_64_64\s+counts/);
    expect(dump).toMatch(/10:\s+r1 = 0x0 ll\s+0000000000000050:\s+R_BPF_64_64\s+seen/);
    expect(dump).toMatch(/9:\s+lock \*\(u64 \*\)\(r0 \+ 0x0\) \+= r1/);
    expect(dump).toMatch(/13:\s+exit/);
  });

  it('is loaded back by bpfbox\'s own loader with the same instructions and maps', () => {
    const r = loadObject(obj, { file });
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    expect(r.value.programs.map((p) => [p.name, p.section])).toEqual([['count_packets', 'xdp']]);
    expect(hex(r.value.programs[0]!.bytes)).toBe(hex(a.bytes));
    expect(r.value.maps.map((m) => [m.name, m.type, m.keySize, m.valueSize, m.maxEntries, m.flags ?? 0])).toEqual([
      ['counts', 'array', 4, 8, 4, 0], ['seen', 'hash', 4, 4, 16, 1],
    ]);
    expect(r.value.license).toBe('GPL');
  });

  it.skipIf(!CAN_LOAD)('is loaded by bpftool (libbpf) and the kernel, each load naming the right map', () => {
    const pin = `/sys/fs/bpf/bpfbox-test-${process.pid}`;
    try {
      execFileSync('bpftool', ['prog', 'loadall', file, pin, 'type', 'xdp'], { encoding: 'utf8', stdio: 'pipe' });
      const info = JSON.parse(execFileSync('bpftool', ['--json', 'prog', 'show', 'pinned', `${pin}/count_packets`], { encoding: 'utf8' }));
      expect(info.type).toBe('xdp');
      const mapNames = new Map<number, string>();
      for (const id of info.map_ids as number[]) {
        const m = JSON.parse(execFileSync('bpftool', ['--json', 'map', 'show', 'id', String(id)], { encoding: 'utf8' }));
        mapNames.set(id, m.name);
        if (m.name === 'counts') expect([m.type, m.bytes_key, m.bytes_value, m.max_entries]).toEqual(['array', 4, 8, 4]);
        if (m.name === 'seen') expect([m.type, m.bytes_key, m.bytes_value, m.max_entries, m.flags]).toEqual(['hash', 4, 4, 16, 1]);
      }
      const xlated = execFileSync('bpftool', ['prog', 'dump', 'xlated', 'pinned', `${pin}/count_packets`], { encoding: 'utf8' });
      // The kernel inlines the array lookup, so later indices shift: compare the order of the loads.
      const loads = [...xlated.matchAll(/^\s*(\d+): \(18\) r1 = map\[id:(\d+)\]/gm)].map((m) => mapNames.get(Number(m[2])));
      expect(loads).toEqual(['counts', 'seen']);
      expect(xlated).toMatch(/^\s*4: \(18\) r1 = map\[id:\d+\]/m);
    } finally {
      rmSync(pin, { recursive: true, force: true });
    }
  });

  it.skipIf(!CAN_LOAD)('loads several programs in several sections, and map-in-map', () => {
    const pin = `/sys/fs/bpf/bpfbox-test-${process.pid}-multi`;
    const inner: MapDef = { name: 'inner', type: 'array', keySize: 4, valueSize: 8, maxEntries: 2, origin: 'declared' };
    const o = writeObject({
      programs: [
        { name: 'sock_a', section: 'socket', bytes: asm('r1 = map_fd(0) ll\nr0 = 0\nexit').bytes },
        { name: 'sock_b', section: 'socket', bytes: asm('r1 = map_fd(1) ll\nr0 = 1\nexit').bytes },
        { name: 'pass', section: 'xdp', bytes: asm('r0 = 2\nexit').bytes },
      ],
      maps: [
        { name: 'outer', type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 4, origin: 'declared', inner },
        { name: 'plain', type: 'hash', keySize: 8, valueSize: 8, maxEntries: 8, origin: 'declared' },
      ],
    });
    const f = join(work, 'multi.o');
    writeFileSync(f, o);
    try {
      execFileSync('bpftool', ['prog', 'loadall', f, pin], { encoding: 'utf8', stdio: 'pipe' });
      const shown = (name: string) => JSON.parse(execFileSync('bpftool', ['--json', 'prog', 'show', 'pinned', `${pin}/${name}`], { encoding: 'utf8' }));
      expect(shown('sock_a').type).toBe('socket_filter');
      expect(shown('sock_b').type).toBe('socket_filter');
      expect(shown('pass').type).toBe('xdp');
      const outerId = shown('sock_a').map_ids[0];
      const outer = JSON.parse(execFileSync('bpftool', ['--json', 'map', 'show', 'id', String(outerId)], { encoding: 'utf8' }));
      expect([outer.name, outer.type, outer.max_entries]).toEqual(['outer', 'array_of_maps', 4]);
    } finally {
      rmSync(pin, { recursive: true, force: true });
    }
  });

  // A bpf_loop callback (a function pointer) and a bpf-to-bpf call: the functions go to .text.
  // They are in the order a libbpf-style loader appends them (first referenced first), so loading
  // the object back gives the very same instructions.
  const CALLS = `
.section xdp
.map counts array key=4 value=8 entries=1
prog:
  r1 = 4
  r2 = func(cb) ll
  r3 = 0
  r4 = 0
  call 181
  r1 = 1
  call add1
  exit
cb:
  *(u32 *)(r10 - 4) = 0
  r2 = r10
  r2 += -4
  r1 = map_fd(counts) ll
  call 1
  r0 = 0
  exit
add1:
  r0 = r1
  r0 += 1
  exit
`;
  const calls = asm(CALLS);
  const functions = new Map([...calls.labels].map(([name, slot]) => [slot, name]));
  const callsObj = writeObject({ programs: [{ name: 'prog', section: 'xdp', bytes: calls.bytes, functions }], maps: [...calls.maps] });
  const callsFile = join(work, 'calls.o');
  writeFileSync(callsFile, callsObj);

  it('puts called functions into .text with relocations as clang writes them', () => {
    const sections = elfSections(callsObj);
    expect(sections.get('xdp')!.length).toBe(9 * 8);
    expect(sections.get('.text')!.length).toBe((calls.bytes.length / 8 - 9) * 8);
    // `r2 = func(cb)` becomes src 0, imm = byte offset of cb in .text; `call add1` imm + 1 = add1's index in .text.
    expect(hex(sections.get('xdp')!.subarray(8, 16))).toBe('1802000000000000');
    expect(hex(sections.get('xdp')!.subarray(7 * 8, 8 * 8))).toBe('85100000' + '07000000');
  });

  it.skipIf(!HAVE_LLVM)('llvm-objdump shows the functions and their relocations', () => {
    const dump = execFileSync('llvm-objdump-19', ['-dr', '--no-show-raw-insn', callsFile], { encoding: 'utf8' });
    expect(dump).toMatch(/<cb>:\n\s+0:\s+\*\(u32 \*\)\(r10 - 0x4\) = 0x0/);
    expect(dump).toMatch(/<add1>:\n\s+8:\s+r0 = r1/);
    expect(dump).toMatch(/1:\s+r2 = 0x0 ll\s+0000000000000008:\s+R_BPF_64_64\s+\.text/);
    expect(dump).toMatch(/7:\s+call 0x7\s+0000000000000038:\s+R_BPF_64_32\s+\.text/);
    expect(dump).toMatch(/3:\s+r1 = 0x0 ll\s+0000000000000018:\s+R_BPF_64_64\s+counts/);
  });

  it('is loaded back by bpfbox\'s loader as the same program', () => {
    const r = loadObject(callsObj, { file: callsFile });
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    expect(hex(r.value.programs[0]!.bytes)).toBe(hex(calls.bytes));
    expect([...r.value.programs[0]!.functions]).toEqual([[0, 'prog'], [9, 'cb'], [17, 'add1']]);
  });

  it.skipIf(!CAN_LOAD)('is loaded by bpftool and the kernel, callback and call included', () => {
    const pin = `/sys/fs/bpf/bpfbox-test-${process.pid}-calls`;
    try {
      execFileSync('bpftool', ['prog', 'loadall', callsFile, pin], { encoding: 'utf8', stdio: 'pipe' });
      const xlated = execFileSync('bpftool', ['prog', 'dump', 'xlated', 'pinned', `${pin}/prog`], { encoding: 'utf8' });
      // The kernel names the functions from our BTF func info.
      expect(xlated).toMatch(/^int prog\(void \* ctx\):$/m);
      expect(xlated).toMatch(/^int cb\(void \* ctx\):$/m);
      expect(xlated).toMatch(/^int add1\(void \* ctx\):$/m);
      expect(xlated).toMatch(/call pc\+\d+#bpf_prog_\w+_add1/);
    } finally {
      rmSync(pin, { recursive: true, force: true });
    }
  });

  describe('objectFromAssembly (what `asm -o` writes)', () => {
    const source = CALLS.replace(/^\n/, '');
    const assembled = assemble(source, { file: 'calls.s' });
    if (!assembled.ok) throw new Error('CALLS does not assemble');
    const o = objectFromAssembly(assembled.value, source, { file: 'dir/calls.s' });
    const bytes = writeObject(o);
    const linesFile = join(work, 'lines.o');
    writeFileSync(linesFile, bytes);

    it('names the program and functions from labels and writes every source line as line info', () => {
      expect(o.programs.map((p) => [p.name, p.section])).toEqual([['prog', 'xdp']]);
      const sections = elfSections(bytes);
      const ext = parseBtfExt(sections.get('.BTF.ext')!, parseBtf(sections.get('.BTF')!));
      expect(ext.funcInfo.get('xdp')!.map((f) => [f.insnOff, f.name])).toEqual([[0, 'prog']]);
      expect(ext.funcInfo.get('.text')!.map((f) => [f.insnOff, f.name])).toEqual([[0, 'cb'], [8 * 8, 'add1']]);
      const src = source.split('\n');
      const xdp = ext.lineInfo.get('xdp')!;
      // One record per instruction (8 in the entry: the lddw takes two slots), each naming its own line.
      expect(xdp.map((l) => l.insnOff / 8)).toEqual([0, 1, 3, 4, 5, 6, 7, 8]);
      for (const l of [...xdp, ...ext.lineInfo.get('.text')!]) {
        expect(l.file).toBe('dir/calls.s');
        expect(l.text).toBe(src[l.line - 1]!.trim());
        expect(l.column).toBe(3);
      }
      expect(xdp[1]).toMatchObject({ line: 5, text: 'r2 = func(cb) ll' });
    });

    it('reads back through bpfbox\'s loader with the source line of every instruction', () => {
      const r = loadObject(bytes, { file: linesFile });
      if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
      const p = r.value.programs[0]!;
      expect(p.lines[0]).toEqual({ file: 'dir/calls.s', line: 4, column: 3, text: 'r1 = 4' });
      expect(p.lines[9]).toMatchObject({ line: 13, text: '*(u32 *)(r10 - 4) = 0' });
    });

    it.skipIf(!CAN_LOAD)('the kernel accepts the line info and bpftool prints it', () => {
      const pin = `/sys/fs/bpf/bpfbox-test-${process.pid}-lines`;
      try {
        execFileSync('bpftool', ['prog', 'loadall', linesFile, pin], { encoding: 'utf8', stdio: 'pipe' });
        const xlated = execFileSync('bpftool', ['prog', 'dump', 'xlated', 'pinned', `${pin}/prog`, 'linum'], { encoding: 'utf8' });
        expect(xlated).toMatch(/^; r1 = 4 \[file:dir\/calls\.s line_num:4 line_col:3\]\n\s+0: \(b7\) r1 = 4$/m);
        expect(xlated).toMatch(/^; r0 \+= 1 \[file:dir\/calls\.s line_num:22 line_col:3\]$/m);
      } finally {
        rmSync(pin, { recursive: true, force: true });
      }
    });

    it('needs a section, takes names from options, and leaves out partial line info', () => {
      const plain = asm('r0 = 0\nexit');
      expect(() => objectFromAssembly(plain)).toThrow(/no program section: add a directive like '.section xdp'/);
      const named = objectFromAssembly(plain, undefined, { section: 'socket', file: '/x/my-filter.s' });
      expect(named.programs.map((p) => [p.name, p.section])).toEqual([['my_filter', 'socket']]);
      // A function start without a line: the kernel would reject the line info, so none is written.
      const partial = writeObject({ programs: [{ ...o.programs[0]!, lines: o.programs[0]!.lines!.map((l, slot) => (slot === 9 ? undefined : l)) }], maps: o.maps });
      const sections = elfSections(partial);
      expect(parseBtfExt(sections.get('.BTF.ext')!, parseBtf(sections.get('.BTF')!)).lineInfo.size).toBe(0);
    });
  });

  it('refuses what an object cannot express, with clear errors', () => {
    const errorsOf = (f: () => unknown): string[] => {
      try {
        f();
      } catch (e) {
        if (e instanceof BpfError) return e.diagnostics.map((d) => `${d.code}${d.insn !== undefined ? ` @${d.insn}` : ''}: ${d.message}`);
        throw e;
      }
      throw new Error('no error');
    };
    const m: MapDef = { name: 'm', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, origin: 'declared' };
    const value = asm('r0 = 0\nr1 = map_value(0, 4) ll\nexit').bytes;
    expect(errorsOf(() => writeObject({ programs: [{ name: 'p', section: 'xdp', bytes: value }], maps: [m] }))).toEqual([
      'E_ELF_WRITE @1: program \'p\': map_value (direct map value access) cannot be expressed for a .maps map in an object; use map_fd and bpf_map_lookup_elem',
    ]);
    const missing = asm('r1 = map_fd(3) ll\nexit').bytes;
    expect(errorsOf(() => writeObject({ programs: [{ name: 'p', section: 'xdp', bytes: missing }], maps: [m] }))[0]).toMatch(
      /@0: program 'p': map_fd\(3\) names no map \(1 declared\)/);
    const crossing = asm('call f\nif r0 == 0 goto g\nexit\nf:\nr0 = 0\ng:\nexit').bytes;
    expect(errorsOf(() => writeObject({ programs: [{ name: 'p', section: 'xdp', bytes: crossing }], maps: [] }))).toEqual([
      "E_ELF_WRITE @1: program 'p': the jump at slot 1 leaves its function (target slot 4); functions are written apart, so jumps must stay inside one",
    ]);
    const selfCall = asm('call pc+0\nexit').bytes; // call pc+0 targets slot 1: a function of one exit
    expect(() => writeObject({ programs: [{ name: 'p', section: 'xdp', bytes: selfCall }], maps: [] })).not.toThrow();
    const entryCall = asm('r0 = 0\ncall pc-2\nexit').bytes;
    expect(errorsOf(() => writeObject({ programs: [{ name: 'p', section: 'xdp', bytes: entryCall }], maps: [] }))[0]).toMatch(
      /@1: program 'p': the call targets slot 0, which is the program entry/);
    expect(errorsOf(() => writeObject({ programs: [{ name: 'bad name', section: '.text', bytes: new Uint8Array(3) }], maps: [] }))).toEqual([
      "E_ELF_WRITE: program name 'bad name' is not a C identifier",
      "E_ELF_WRITE: program 'bad name': section '.text' is reserved; libbpf takes programs from sections like 'xdp' or 'socket'",
      "E_ELF_WRITE: program 'bad name': 3 bytes is not a whole number of instructions",
    ]);
    expect(errorsOf(() => writeObject({ programs: [], maps: [{ ...m, origin: 'rodata', keySize: 8 }, { ...m, name: 'k', origin: 'kconfig' }] }))).toEqual([
      'E_ELF_WRITE: there are no programs to write',
      "E_ELF_WRITE: map 'm' is global data (rodata) but not a one-entry array with 4-byte keys",
      "E_ELF_WRITE: map 'k' holds .kconfig externs, which the writer does not produce",
    ]);
    const fdOfData = asm('r1 = map_fd(0) ll\nexit').bytes;
    expect(errorsOf(() => writeObject({ programs: [{ name: 'p', section: 'xdp', bytes: fdOfData }], maps: [{ ...m, name: '.rodata', origin: 'rodata' }] }))).toEqual([
      "E_ELF_WRITE @0: program 'p': map_fd(0) loads global data map '.rodata' as a map; an object can only express its value address (map_value)",
    ]);
  });
});

describe('disassembly with maps re-assembles into the same program and maps', () => {
  const CORPUS = join(SHARED, 'corpus');
  const objects = ['modern/xdp_parse_count.o', 'modern/socket_hash_count.o', 'samples/build/map_in_map.o',
    'samples/cilium-examples/xdp_bpf_bpfel.o', 'samples/build/global_variable.o'];

  it.skipIf(!existsSync(CORPUS))('for clang-built objects of the corpus', () => {
    for (const rel of objects) {
      const r = loadObject(readFileSync(join(CORPUS, rel)), { file: rel });
      if (!r.ok) throw new Error(`${rel}: ${r.errors.map((e) => e.message).join('; ')}`);
      for (const p of r.value.programs) {
        const text = disassemble(p.program, { maps: r.value.maps, section: p.section });
        expect(text.split('\n')[0], rel).toBe(`.section ${p.section}`);
        const back = asm(text);
        expect(hex(back.bytes), `${rel} ${p.name}`).toBe(hex(p.bytes));
        expect(back.section).toBe(p.section);
        // The declared maps come back in order with their shapes (names made into identifiers).
        const shape = (m: { type: string; keySize: number; valueSize: number; maxEntries: number; flags?: number }) =>
          [m.type, m.keySize, m.valueSize, m.maxEntries, m.flags ?? 0];
        expect(back.maps.slice(0, r.value.maps.length).map(shape), rel).toEqual(r.value.maps.map(shape));
      }
    }
  });

  it('names maps as identifiers and declares anonymous inner maps after the others', () => {
    const inner: MapDef = { name: 'outer.inner', type: 'array', keySize: 4, valueSize: 4, maxEntries: 1 };
    const d = mapDirectives([
      { name: '.rodata', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, origin: 'rodata' },
      { name: 'outer', type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 2, inner },
    ]);
    expect(d.names).toEqual(['_rodata', 'outer']);
    expect(d.lines).toEqual([
      '.map _rodata array key=4 value=16 entries=1    ; global data (rodata): initial contents not shown',
      '.map outer array_of_maps key=4 value=4 entries=2 inner=outer_inner',
      '.map outer_inner array key=4 value=4 entries=1',
    ]);
    const text = disassemble(asm('r1 = map_value(0, 8) ll\nr2 = map_fd(1) ll\nexit').program, {
      maps: [{ name: '.rodata', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1 }, { name: 'm', type: 'hash', keySize: 4, valueSize: 4, maxEntries: 1 }],
    });
    expect(text).toContain('r1 = map_value(_rodata, 8) ll\nr2 = map_fd(m) ll\n');
  });
});

describe('global data', () => {
  const rodata: MapDef = {
    name: '.rodata', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, origin: 'rodata', readOnly: true,
    initial: Uint8Array.from([1, 0, 0, 0, 0x2a, 0, 0, 0]),
  };
  const bss: MapDef = { name: '.bss', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, origin: 'bss' };
  const counts: MapDef = { name: 'counts', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1, origin: 'declared' };
  // r0 = *(u32 *)(rodata + 4); *(u64 *)(bss + 8) = r0; also a map_fd load of a declared map.
  const prog = asm([
    'r1 = map_value(0, 4) ll', 'r0 = *(u32 *)(r1 + 0)', 'r2 = map_value(1, 8) ll', '*(u64 *)(r2 + 0) = r0',
    'r3 = map_fd(2) ll', 'r0 = 2', 'exit',
  ].join('\n'));
  const obj = writeObject({ programs: [{ name: 'globals', section: 'xdp', bytes: prog.bytes }], maps: [rodata, bss, counts] });
  const file = join(work, 'globals.o');
  writeFileSync(file, obj);

  it('writes data sections with their bytes and loads of values as clang writes static variables', () => {
    const sections = elfSections(obj);
    expect(hex(sections.get('.rodata')!)).toBe('010000002a000000');
    const code = sections.get('xdp')!;
    // src 0, imm = offset in the section, second imm 0; the relocation names the section.
    expect(hex(code.subarray(0, 16))).toBe('1801000004000000' + '0000000000000000');
    expect(hex(code.subarray(24, 40))).toBe('1802000008000000' + '0000000000000000');
    expect(btfMapDefinitions(parseBtf(sections.get('.BTF')!)).map((d) => d.name)).toEqual(['counts']);
  });

  it.skipIf(!HAVE_LLVM)('llvm-readelf sees .bss as NOBITS and the relocations against the sections', () => {
    const headers = execFileSync('llvm-readelf-19', ['-S', '-r', file], { encoding: 'utf8' });
    expect(headers).toMatch(/\.bss\s+NOBITS\s+0+\s+[0-9a-f]+\s+000010\s+00\s+WA/);
    expect(headers).toMatch(/\.rodata\s+PROGBITS\s+0+\s+[0-9a-f]+\s+000008\s+00\s+A /);
    expect(headers).toMatch(/0+\s+[0-9a-f]+\s+R_BPF_64_64\s+0+\s+\.rodata/);
    expect(headers).toMatch(/0+18\s+[0-9a-f]+\s+R_BPF_64_64\s+0+\s+\.bss/);
  });

  it('reads back through bpfbox\'s loader with the same instructions and initial bytes', () => {
    const r = loadObject(obj, { file });
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    const p = r.value.programs[0]!;
    const byName = new Map(r.value.maps.map((m, i) => [m.name, i]));
    // Map indices may be ordered differently by the loader: compare each load's target by name.
    const loads = p.program.insns.filter((i) => i.op.opcode === 0x18).map((i) => [r.value.maps[i.imm]!.name, i.src, i.imm2]);
    expect(loads).toEqual([['.rodata', 2, 4], ['.bss', 2, 8], ['counts', 1, 0]]);
    expect(hex(r.value.maps[byName.get('.rodata')!]!.initial!)).toBe('010000002a000000');
    expect(r.value.maps[byName.get('.bss')!]).toMatchObject({ origin: 'bss', valueSize: 16 });
  });

  it.skipIf(!CAN_LOAD)('libbpf makes them maps with the initial bytes, and the kernel accepts the program', () => {
    const pin = `/sys/fs/bpf/bpfbox-test-${process.pid}-globals`;
    try {
      execFileSync('bpftool', ['prog', 'loadall', file, pin], { encoding: 'utf8', stdio: 'pipe' });
      const info = JSON.parse(execFileSync('bpftool', ['--json', 'prog', 'show', 'pinned', `${pin}/globals`], { encoding: 'utf8' }));
      const maps = (info.map_ids as number[]).map((id) => JSON.parse(execFileSync('bpftool', ['--json', 'map', 'show', 'id', String(id)], { encoding: 'utf8' })));
      const ro = maps.find((m) => String(m.name).endsWith('.rodata'));
      expect(ro).toMatchObject({ type: 'array', bytes_value: 8, frozen: 1 });
      const dump = JSON.parse(execFileSync('bpftool', ['--json', 'map', 'dump', 'id', String(ro.id)], { encoding: 'utf8' }));
      expect(dump[0].value.map((b: string) => Number(b))).toEqual([1, 0, 0, 0, 0x2a, 0, 0, 0]);
      expect(maps.map((m) => m.name).sort()).toEqual(expect.arrayContaining(['counts']));
    } finally {
      rmSync(pin, { recursive: true, force: true });
    }
  });

  it.skipIf(!CAN_LOAD || !existsSync(join(SHARED, 'corpus')))('rewritten clang objects load as the originals do', () => {
    // Objects bpftool loads as they are, and two it refuses (legacy `maps`) that load once rewritten.
    for (const rel of ['modern/xdp_parse_count.o', 'modern/xdp_tail_call.o', 'samples/cilium-core/bpf_sock.o',
      'samples/linux/tcp_bufs_kern.o', 'samples/new_linux/tracex4_kern.o', 'samples/linux/tracex5_kern.o',
      'samples/linux/test_map_in_map_kern.o']) {
      const r = loadObject(readFileSync(join(SHARED, 'corpus', rel)), { file: rel });
      if (!r.ok) throw new Error(`${rel}: ${r.errors.map((e) => e.message).join('; ')}`);
      // Old objects without function symbols name programs by section (`kprobe/x`): make C names.
      const cName = (n: string): string => n.replace(/[^A-Za-z0-9_]/g, '_');
      const o = writeObject({
        programs: r.value.programs.map((p) => ({ name: cName(p.name), section: p.section, bytes: p.bytes, functions: p.functions, lines: p.lines })),
        maps: [...r.value.maps], license: r.value.license ?? 'GPL',
      });
      const f = join(work, 'rewritten.o');
      writeFileSync(f, o);
      const pin = `/sys/fs/bpf/bpfbox-test-${process.pid}-rw`;
      try {
        const run = spawnSync('bpftool', ['prog', 'loadall', f, pin], { encoding: 'utf8' });
        expect(run.status, `${rel}: ${run.stderr.slice(-400)}`).toBe(0);
      } finally {
        rmSync(pin, { recursive: true, force: true });
      }
      // And bpfbox reads the rewritten object back to the same programs.
      const back = loadObject(o, { file: f });
      if (!back.ok) throw new Error(`${rel} rewritten: ${back.errors.map((e) => e.message).join('; ')}`);
      expect(back.value.programs.map((p) => p.name), rel).toEqual(r.value.programs.map((p) => cName(p.name)));
      expect(back.value.programs.map((p) => hex(p.bytes)), rel).toEqual(r.value.programs.map((p) => hex(p.bytes)));
    }
  });
});
