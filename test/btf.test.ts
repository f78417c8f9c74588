// BTF and BTF.ext reading, checked against independent readers of the same bytes: bpftool's
// `btf dump` (every type's kind, name and references), llvm-dwarfdump's line table (line info),
// and map definitions computed by hand from the C sources in the corpus.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Btf, BtfError, btfDatasecVars, btfMapDefinitions, parseBtf } from '../src/elf/btf.js';
import { parseBtfExt } from '../src/elf/btfext.js';
import { SHARED } from './helpers.js';

const CORPUS = join(SHARED, 'corpus');
const HAVE_CORPUS = existsSync(CORPUS);
if (!HAVE_CORPUS) console.warn(`\n*** ${CORPUS} is missing: BTF corpus tests are SKIPPED ***\n`);

/** Section bytes by name: a throwaway ELF64 LE section-header walk, enough to get at .BTF. */
function elfSections(b: Uint8Array): Map<string, Uint8Array> {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shoff = Number(v.getBigUint64(0x28, true));
  const entsize = v.getUint16(0x3a, true);
  const count = v.getUint16(0x3c, true);
  const shstrndx = v.getUint16(0x3e, true);
  const header = (i: number) => {
    const o = shoff + i * entsize;
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

function corpusObjects(): string[] {
  if (!HAVE_CORPUS) return [];
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.o')) out.push(join(dir, e.name));
    }
  };
  walk(join(CORPUS, 'modern'));
  walk(join(CORPUS, 'samples'));
  return out.sort();
}

const objects = corpusObjects().map((file) => ({ file, sections: elfSections(readFileSync(file)) }));
const withBtf = objects.filter((o) => o.sections.has('.BTF'));

function btfOf(relative: string): { btf: Btf; sections: Map<string, Uint8Array> } {
  const o = objects.find((x) => x.file.endsWith(relative));
  if (!o) throw new Error(`missing corpus object ${relative}`);
  return { btf: parseBtf(o.sections.get('.BTF')!), sections: o.sections };
}

const haveTool = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
const HAVE_BPFTOOL = haveTool('bpftool', ['version']);
const HAVE_DWARFDUMP = haveTool('llvm-dwarfdump-19', ['--version']);
if (!HAVE_BPFTOOL) console.warn('bpftool not found: BTF comparison with `bpftool btf dump` is SKIPPED');
if (!HAVE_DWARFDUMP) console.warn('llvm-dwarfdump-19 not found: line info comparison with DWARF is SKIPPED');

describe.skipIf(!HAVE_CORPUS)('BTF of the corpus objects', () => {
  it('finds BTF in the objects the corpus README says have it', () => {
    expect(withBtf.length).toBeGreaterThanOrEqual(30);
    for (const o of withBtf) expect(() => parseBtf(o.sections.get('.BTF')!), o.file).not.toThrow();
  });

  it.skipIf(!HAVE_BPFTOOL)('agrees with `bpftool btf dump` on every type of every object', () => {
    for (const o of withBtf) {
      const btf = parseBtf(o.sections.get('.BTF')!);
      const dump = execFileSync('bpftool', ['btf', 'dump', 'file', o.file, 'format', 'raw'], { encoding: 'utf8', maxBuffer: 64 << 20 });
      // Names may contain quotes (decl_tag strings): the name ends at a quote before a space or the end.
      const headers = [...dump.matchAll(/^\[(\d+)\] (\w+) '(.*?)'(?= |$)(.*)$/gm)];
      expect(headers.length, o.file).toBe(btf.types.length - 1);
      for (const [, idText, kind, name, rest] of headers) {
        const t = btf.types[Number(idText)]!;
        const where = `${o.file} type ${idText}`;
        expect(t.kind, where).toBe(kind!.toLowerCase());
        expect(t.name || '(anon)', where).toBe(name);
        const field = (re: RegExp): number | undefined => {
          const m = re.exec(rest!);
          return m ? Number(m[1]) : undefined;
        };
        const size = field(/\bsize=(\d+)/);
        if (size !== undefined) expect(t.size, where).toBe(size);
        const typeId = field(/\b(?:type_id|ret_type_id)=(\d+)/);
        if (typeId !== undefined) expect(t.kind === 'array' ? t.elemType : t.type, where).toBe(typeId);
        const nelems = field(/\bnr_elems=(\d+)/);
        if (nelems !== undefined) expect(t.nelems, where).toBe(nelems);
        const vlen = field(/\bvlen=(\d+)/);
        if (vlen !== undefined) expect(t.vlen, where).toBe(vlen);
      }
    }
  });

  it('reads map definitions as the C sources declare them', () => {
    // modern/xdp_parse_count.c: proto_count ARRAY u32 -> u64 x 256, src_count HASH u32 -> u64 x 1024.
    const { btf } = btfOf('modern/xdp_parse_count.o');
    const maps = btfMapDefinitions(btf);
    expect(maps.map((m) => m.def)).toEqual([
      { name: 'proto_count', type: 'array', keySize: 4, valueSize: 8, maxEntries: 256, origin: 'declared' },
      { name: 'src_count', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 1024, origin: 'declared' },
    ]);
    expect(maps.map((m) => m.size)).toEqual([32, 32]);
    // modern/xdp_tail_call.c: a prog array given as key_size/value_size.
    expect(btfMapDefinitions(btfOf('modern/xdp_tail_call.o').btf).map((m) => m.def)).toEqual([
      { name: 'jmp_table', type: 'prog_array', keySize: 4, valueSize: 4, maxEntries: 4, origin: 'declared' },
    ]);
  });

  it('reads inner maps of map-in-map and ring buffers without key or value', () => {
    const outer = btfMapDefinitions(btfOf('build/map_in_map.o').btf);
    expect(outer.map((m) => m.name)).toEqual(['inner_map', 'array_of_maps']);
    expect(outer[1]!.def).toEqual({
      name: 'array_of_maps', type: 'array_of_maps', keySize: 4, valueSize: 4, maxEntries: 1, origin: 'declared',
      inner: { name: 'array_of_maps.inner', type: 'array', keySize: 4, valueSize: 4, maxEntries: 1, origin: 'declared' },
    });
    const ring = btfMapDefinitions(btfOf('build/ringbuf_in_map.o').btf);
    expect(ring[0]!.def).toMatchObject({ type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 256 * 1024 });
    expect(ring[1]!.def.inner).toMatchObject({ type: 'ringbuf', maxEntries: 256 * 1024 });
    // cilium/ebpf's example names the event struct as the ring buffer's value: not a size the kernel takes.
    const events = btfMapDefinitions(btfOf('cilium-examples/ringbuffer_bpf_bpfel.o').btf)[0]!;
    expect(events.def).toMatchObject({ type: 'ringbuf', keySize: 0, valueSize: 0, maxEntries: 1 << 24 });
    expect(events.ignoredFields).toEqual(['value']);
  });

  it('accepts pinning and map_flags (cilium) and says which fields it ignored', () => {
    const maps = btfMapDefinitions(btfOf('cilium-core/bpf_lxc.o').btf);
    const ipcache = maps.find((m) => m.name === 'cilium_ipcache_v2')!;
    expect(ipcache.def).toMatchObject({ type: 'lpm_trie', flags: 1 /* BPF_F_NO_PREALLOC */ });
    expect(ipcache.ignoredFields).toEqual(['pinning']);
    const events = maps.find((m) => m.name === 'cilium_events')!;
    // perf event arrays default to 4-byte keys and values, as libbpf fills them in.
    expect(events.def).toMatchObject({ type: 'perf_event_array', keySize: 4, valueSize: 4 });
  });

  it('reads every object with `.maps` without error', () => {
    let count = 0;
    for (const o of withBtf) {
      const btf = parseBtf(o.sections.get('.BTF')!);
      if (!o.sections.has('.maps')) continue;
      const maps = btfMapDefinitions(btf);
      expect(maps.length, o.file).toBeGreaterThan(0);
      for (const m of maps) expect(m.def.maxEntries >= 0, `${o.file} ${m.name}`).toBe(true);
      count++;
    }
    expect(count).toBeGreaterThanOrEqual(20);
  });

  it('lists global data variables', () => {
    const { btf } = btfOf('build/global_variable.o');
    const bss = btfDatasecVars(btf, '.bss');
    expect(bss.map((v) => [v.name, v.offset, v.size])).toEqual([['global_var', 0, 4], ['global_var_2', 4, 4]]);
    expect(btf.typeName(bss[0]!.type)).toBe('volatile uint32_t');
    expect(btf.resolve(bss[0]!.type).name).toBe('unsigned int');
    expect(btfDatasecVars(btf, '.data').map((v) => [v.name, v.size, btf.typeName(v.type)])).toEqual([
      ['global_array', 40, 'volatile uint32_t[10]'],
    ]);
    expect(btfDatasecVars(btf, '.nonexistent')).toEqual([]);
  });

  it('resolves, sizes and names types', () => {
    const { btf } = btfOf('modern/xdp_parse_count.o');
    const u32 = btf.types.find((t) => t.kind === 'typedef' && t.name === '__u32')!;
    expect(btf.resolve(u32.id).name).toBe('unsigned int');
    expect(btf.sizeOf(u32.id)).toBe(4);
    const md = btf.types.find((t) => t.name === 'xdp_md')!;
    expect(btf.sizeOf(md.id)).toBe(24);
    expect(md.members!.map((m) => m.bitOffset)).toEqual([0, 32, 64, 96, 128, 160]);
    const fn = btf.types.find((t) => t.kind === 'func' && t.name === 'xdp_parse_count')!;
    expect(btf.typeName(fn.id)).toBe('xdp_parse_count: int (struct xdp_md *)');
    expect(() => btf.sizeOf(fn.id)).toThrow(BtfError);
    expect(btf.types[0]!.kind).toBe('void');
  });
});

describe.skipIf(!HAVE_CORPUS)('BTF.ext of the corpus objects', () => {
  it('reads func info and line info of every object that has them', () => {
    let withExt = 0;
    for (const o of withBtf) {
      const ext = o.sections.get('.BTF.ext');
      if (!ext) continue;
      withExt++;
      const info = parseBtfExt(ext, parseBtf(o.sections.get('.BTF')!));
      for (const [section, lines] of info.lineInfo) {
        expect(o.sections.has(section), `${o.file}: line info for missing section ${section}`).toBe(true);
        const size = o.sections.get(section)!.length;
        for (const l of lines) expect(l.insnOff < size, `${o.file} ${section}+${l.insnOff}`).toBe(true);
      }
    }
    expect(withExt).toBeGreaterThanOrEqual(30);
  });

  it('names the functions of each section (bpf2bpf.o: two .text subprograms and the entry)', () => {
    const { btf, sections } = btfOf('build/bpf2bpf.o');
    const info = parseBtfExt(sections.get('.BTF.ext')!, btf);
    expect(info.funcInfo.get('test')!.map((f) => [f.insnOff, f.name])).toEqual([[0, 'func']]);
    expect(info.funcInfo.get('.text')!.map((f) => f.name)).toEqual(['add1', 'add2']);
    expect(info.coreRelos).toBe(0);
    // cilium's sockops example uses CO-RE field accesses.
    const core = btfOf('cilium-examples/tcprtt_sockops_bpf_bpfel.o');
    expect(parseBtfExt(core.sections.get('.BTF.ext')!, core.btf).coreRelos).toBeGreaterThan(0);
  });

  it.skipIf(!HAVE_DWARFDUMP)('line info agrees with the DWARF line table (llvm-dwarfdump)', () => {
    for (const rel of ['modern/xdp_parse_count.o', 'modern/socket_hash_count.o', 'build/bpf2bpf.o']) {
      const { btf, sections } = btfOf(rel);
      const info = parseBtfExt(sections.get('.BTF.ext')!, btf);
      const file = objects.find((x) => x.file.endsWith(rel))!.file;
      // One sequence per section; rows are `address line column file ...`.
      const dump = execFileSync('llvm-dwarfdump-19', ['--debug-line', file], { encoding: 'utf8' });
      const rows = [...dump.matchAll(/^0x([0-9a-f]{16})\s+(\d+)\s+(\d+)\s/gm)].map((m) => ({
        addr: parseInt(m[1]!, 16), line: Number(m[2]), column: Number(m[3]),
      }));
      let checked = 0;
      for (const [section, lines] of info.lineInfo) {
        const starts = new Map((info.funcInfo.get(section) ?? []).map((f) => [f.insnOff, f.name]));
        for (const l of lines) {
          // clang's first record of a function is its declaration line (column 0), which the DWARF
          // line table does not have as a row: check it names the function instead.
          const fn = starts.get(l.insnOff);
          if (fn !== undefined && l.column === 0) {
            expect(l.text, `${rel} ${section}+${l.insnOff}`).toContain(fn);
            continue;
          }
          // Sections all start at address 0 in the table: match by (address, line, column).
          const match = rows.some((r) => r.addr === l.insnOff && r.line === l.line && r.column === l.column);
          expect(match, `${rel} ${section}+${l.insnOff}: BTF says line ${l.line}:${l.column}`).toBe(true);
          expect(l.file, rel).toMatch(/\.c$/);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(5);
    }
  });

  it('records the source text of a line', () => {
    const { btf, sections } = btfOf('modern/xdp_parse_count.o');
    const lines = parseBtfExt(sections.get('.BTF.ext')!, btf).lineInfo.get('xdp')!;
    const source = readFileSync(join(CORPUS, 'modern', 'xdp_parse_count.c'), 'utf8').split('\n');
    for (const l of lines) expect(l.text.trim()).toBe(source[l.line - 1]!.trim());
    expect(lines[0]).toMatchObject({ insnOff: 0, line: 29, column: 0, text: 'int xdp_parse_count(struct xdp_md *ctx)' });
    expect(lines[1]).toMatchObject({ insnOff: 8, line: 32, column: 38 }); // as llvm-objdump -l prints for insn 1
  });
});

describe('malformed BTF', () => {
  /** A hand-made BTF: header, the given type words, the given strings. */
  function makeBtf(typeWords: number[], strings: string): Uint8Array {
    const types = new Uint8Array(typeWords.length * 4);
    const tv = new DataView(types.buffer);
    typeWords.forEach((w, i) => tv.setUint32(i * 4, w >>> 0, true));
    const str = new TextEncoder().encode(strings);
    const out = new Uint8Array(24 + types.length + str.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, 0xeb9f, true);
    v.setUint8(2, 1);
    v.setUint32(4, 24, true);
    v.setUint32(8, 0, true);
    v.setUint32(12, types.length, true);
    v.setUint32(16, types.length, true);
    v.setUint32(20, str.length, true);
    out.set(types, 24);
    out.set(str, 24 + types.length);
    return out;
  }
  const INT = 1 << 24;
  const PTR = 2 << 24;

  it('reads a hand-made int and pointer', () => {
    // [1] INT 'int' size 4, signed 32 bits; [2] PTR -> 1
    const btf = parseBtf(makeBtf([1, INT, 4, (1 << 24) | 32, 0, PTR, 1], '\0int\0'));
    expect(btf.types.map((t) => t.kind)).toEqual(['void', 'int', 'ptr']);
    expect(btf.types[1]).toMatchObject({ name: 'int', size: 4, bits: 32, encoding: { signed: true } });
    expect(btf.typeName(2)).toBe('int *');
    expect(btf.sizeOf(2)).toBe(8);
  });

  const errorOf = (bytes: Uint8Array): BtfError => {
    try {
      parseBtf(bytes);
    } catch (e) {
      if (e instanceof BtfError) return e;
      throw e;
    }
    throw new Error('parseBtf accepted malformed input');
  };

  it('rejects a bad magic, a short header, a truncated record, bad references and strings', () => {
    const good = makeBtf([1, INT, 4, 32, 0, PTR, 1], '\0int\0');
    const badMagic = good.slice();
    badMagic[0] = 0;
    expect(errorOf(badMagic).message).toMatch(/magic/);
    expect(errorOf(good.subarray(0, 10)).message).toMatch(/shorter than its 24-byte header/);
    // Cut the PTR record in half: the type section length still claims it.
    const truncated = makeBtf([1, INT, 4, 32, 0, PTR], '\0int\0');
    const e1 = errorOf(truncated);
    expect(e1.message).toMatch(/truncated type record \(type 2\)/);
    expect(e1.offset).toBe(24 + 16);
    const dangling = errorOf(makeBtf([1, INT, 4, 32, 0, PTR, 7], '\0int\0'));
    expect(dangling.message).toMatch(/type 2 .*refers to type 7/);
    expect(dangling.offset).toBe(24 + 16);
    expect(errorOf(makeBtf([99, INT, 4, 32], '\0int\0')).message).toMatch(/type 1: string offset 99 is outside/);
    expect(errorOf(makeBtf([0, 25 << 24, 0], '\0')).message).toMatch(/unknown BTF kind 25/);
    // A typedef pointing at itself must not hang resolve().
    const loop = parseBtf(makeBtf([0, 8 << 24, 1], '\0'));
    expect(() => loop.resolve(1)).toThrow(/loops/);
  });

  it.skipIf(!HAVE_CORPUS)('never fails with anything but BtfError on corrupted real BTF', () => {
    const { sections } = btfOf('modern/xdp_parse_count.o');
    const original = sections.get('.BTF')!;
    const ext = sections.get('.BTF.ext')!;
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 3000; round++) {
      const bytes = original.slice();
      const extBytes = ext.slice();
      for (let k = 0; k < 1 + rand(4); k++) bytes[rand(bytes.length)] = rand(256);
      for (let k = 0; k < rand(3); k++) extBytes[rand(extBytes.length)] = rand(256);
      const cut = rand(10) === 0 ? rand(bytes.length) : bytes.length;
      try {
        const btf = parseBtf(bytes.subarray(0, cut));
        btfMapDefinitions(btf);
        for (const t of btf.types) btf.typeName(t.id);
        parseBtfExt(extBytes, btf);
      } catch (e) {
        if (!(e instanceof BtfError)) throw e;
        expect(e.offset).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('gives clear errors for map definitions it cannot read', () => {
    // [1] INT 'int'; [2] STRUCT anon size 8, member 'type' of type int (should be int (*)[N]);
    // [3] VAR 'm' -> 2; [4] DATASEC '.maps' -> var 3
    const strings = '\0int\0type\0m\0.maps\0';
    const btf = parseBtf(makeBtf([
      1, INT, 4, 32,
      0, (4 << 24) | 1, 8, 5, 1, 0,
      10, 14 << 24, 2, 1,
      12, (15 << 24) | 1, 0, 3, 0, 8,
    ], strings));
    expect(() => btfMapDefinitions(btf)).toThrow(/map 'm': field 'type' should be a pointer to an array/);
  });
});

describe('malformed BTF.ext', () => {
  // A tiny BTF: [1] FUNC_PROTO void(), [2] FUNC 'f' -> 1. Strings: '', 'f', 'xdp', 'a.c', 'x = 1;'.
  const strings = '\0f\0xdp\0a.c\0x = 1;\0';
  const off = (s: string): number => strings.indexOf(`\0${s}\0`) + 1;
  const btfBytes = (() => {
    const words = [0, 13 << 24, 0, off('f'), 12 << 24, 1];
    const str = new TextEncoder().encode(strings);
    const out = new Uint8Array(24 + words.length * 4 + str.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, 0xeb9f, true);
    v.setUint8(2, 1);
    v.setUint32(4, 24, true);
    v.setUint32(12, words.length * 4, true);
    v.setUint32(16, words.length * 4, true);
    v.setUint32(20, str.length, true);
    words.forEach((w, i) => v.setUint32(24 + i * 4, w, true));
    out.set(str, 24 + words.length * 4);
    return out;
  })();
  const btf = parseBtf(btfBytes);

  /** Header (32 bytes) + func info [recSize, sec, count, (off, type)...] + line info [...]. */
  function makeExt(func: number[], line: number[]): Uint8Array {
    const out = new Uint8Array(32 + (func.length + line.length) * 4);
    const v = new DataView(out.buffer);
    v.setUint16(0, 0xeb9f, true);
    v.setUint8(2, 1);
    v.setUint32(4, 32, true);
    v.setUint32(8, 0, true);
    v.setUint32(12, func.length * 4, true);
    v.setUint32(16, func.length * 4, true);
    v.setUint32(20, line.length * 4, true);
    v.setUint32(24, (func.length + line.length) * 4, true);
    [...func, ...line].forEach((w, i) => v.setUint32(32 + i * 4, w >>> 0, true));
    return out;
  }
  const goodFunc = [8, off('xdp'), 1, 0, 2];
  const goodLine = [16, off('xdp'), 2, 0, off('a.c'), off('x = 1;'), (7 << 10) | 5, 16, off('a.c'), 0, (8 << 10) | 1];

  it('reads a hand-made one', () => {
    const ext = parseBtfExt(makeExt(goodFunc, goodLine), btf);
    expect(ext.funcInfo.get('xdp')).toEqual([{ insnOff: 0, name: 'f', typeId: 2 }]);
    expect(ext.lineInfo.get('xdp')).toEqual([
      { insnOff: 0, file: 'a.c', line: 7, column: 5, text: 'x = 1;' },
      { insnOff: 16, file: 'a.c', line: 8, column: 1, text: '' },
    ]);
    expect(ext.coreRelos).toBe(0);
  });

  const errorOf = (bytes: Uint8Array): BtfError => {
    try {
      parseBtfExt(bytes, btf);
    } catch (e) {
      if (e instanceof BtfError) return e;
      throw e;
    }
    throw new Error('parseBtfExt accepted malformed input');
  };

  it('names what is wrong and where', () => {
    const good = makeExt(goodFunc, goodLine);
    const badMagic = good.slice();
    badMagic[1] = 0;
    expect(errorOf(badMagic).message).toMatch(/bad BTF.ext magic/);
    expect(errorOf(good.subarray(0, 20)).message).toMatch(/shorter than its 24-byte header/);
    expect(errorOf(good.subarray(0, good.length - 4))).toMatchObject({ offset: 16, message: expect.stringMatching(/line info \(44 bytes at 52\) runs past the end/) });
    expect(errorOf(makeExt([8, off('xdp'), 1, 0, 1], goodLine)).message).toMatch(/func info in 'xdp': type 1 is not a function/);
    expect(errorOf(makeExt([4, off('xdp'), 1, 0, 2], goodLine)).message).toMatch(/record size 4 is invalid/);
    expect(errorOf(makeExt([8, off('xdp'), 5, 0, 2], goodLine)).message).toMatch(/5 records for 'xdp' run past the subsection/);
    expect(errorOf(makeExt([8, 999, 1, 0, 2], goodLine)).message).toMatch(/string offset 999 is outside/);
    const oddInsn = [...goodLine];
    oddInsn[7] = 12;
    const e = errorOf(makeExt(goodFunc, oddInsn));
    expect(e.message).toMatch(/line info in 'xdp': instruction offset 12 is not a multiple of 8/);
    expect(e.offset).toBe(32 + goodFunc.length * 4 + 7 * 4);
  });
});
