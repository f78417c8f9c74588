// Differential test of the maps runtime against the running kernel (through the oracle addon):
// the same map definitions are created, and the same host-side update sequences applied, in the
// kernel and in bpfbox; creation verdicts, every errno and every looked-up value must be equal.
// SKIPPED (with the reason printed) when the kernel oracle is unavailable.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { assemble } from '../src/asm/index.js';
import { kernelAvailable, kernelProgType, kernelTestRun, loadAddon, patchMapReferences } from '../src/oracle/index.js';
import type { NativeAddon } from '../src/oracle/native.js';
import { type MapDef, MapSet, checkMapDef, createMapRuntime, mapTypeId } from '../src/runtime/maps/index.js';
import { run } from '../src/vm/index.js';

const avail = kernelAvailable();
if (!avail.ok) console.warn(`\n*** kernel oracle unavailable (${avail.reason}): map differential tests are SKIPPED ***\n`);
const addon: NativeAddon | null = avail.ok ? (loadAddon() as { addon: NativeAddon }).addon : null;

/** The kernel's possible CPUs (per-CPU values come back one per possible CPU). */
function possibleCpus(): number {
  const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
  let n = 0;
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map(Number);
    n += b === undefined ? 1 : b - a! + 1;
  }
  return n;
}

function def(type: MapDef['type'], keySize: number, valueSize: number, maxEntries: number, flags = 0): MapDef {
  return { name: `t_${type}`, type, keySize, valueSize, maxEntries, flags };
}

function kernelCreate(d: MapDef): number {
  return addon!.mapCreate({ type: mapTypeId(d), keySize: d.keySize, valueSize: d.valueSize, maxEntries: d.maxEntries, flags: d.flags ?? 0, name: 'bpfbox_t' });
}

const bytes = (n: number, size: number): Uint8Array => {
  const b = new Uint8Array(size);
  for (let i = 0; i < size && n > 0; i++, n = Math.floor(n / 256)) b[i] = n % 256;
  return b;
};

type Op = { op: 'update'; key: number; value: number; flags: number } | { op: 'lookup'; key: number } | { op: 'delete'; key: number };

/** A pseudo-random but fixed operation sequence over a small key space (so flags collide often). */
function sequence(seed: number, n: number, keys: number): Op[] {
  let s = seed >>> 0;
  const rnd = (m: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s >>> 8) % m;
  };
  const ops: Op[] = [];
  for (let i = 0; i < n; i++) {
    const key = rnd(keys);
    const r = rnd(6);
    if (r < 2) ops.push({ op: 'lookup', key });
    else if (r === 2) ops.push({ op: 'delete', key });
    else ops.push({ op: 'update', key, value: rnd(1000) + 1, flags: [0, 0, 1, 2, 3, 4][rnd(6)]! });
  }
  return ops;
}

describe.skipIf(!avail.ok)('maps against the kernel', () => {
  it('refuses and accepts the same map definitions at creation', () => {
    const cases: MapDef[] = [
      def('array', 4, 8, 4), def('array', 8, 8, 4), def('array', 4, 0, 4), def('array', 4, 8, 0),
      def('percpu_array', 4, 8, 4), def('percpu_array', 2, 8, 4),
      def('hash', 4, 8, 4), def('hash', 0, 8, 4), def('hash', 4, 0, 4), def('hash', 4, 8, 0), def('hash', 513, 8, 4), def('hash', 4 << 20, 8, 4), def('hash', 4, 4194251, 1), def('hash', 4, 4194257, 1), def('hash', 4194251, 4, 1),
      def('hash', 4194257, 4, 1), def('percpu_hash', 4, 32768, 1), def('percpu_hash', 4, 32769, 1),
      def('percpu_hash', 4, 8, 4), def('lru_hash', 4, 8, 4), def('lru_hash', 4, 8, 4, 1), def('lru_percpu_hash', 4, 4, 8),
      def('lru_hash', 4, 8, 5, 2), def('hash', 4, 8, 5, 2), def('lru_percpu_hash', 4, 8, 3, 2),
      def('ringbuf', 0, 0, 4096), def('ringbuf', 0, 0, 8192), def('ringbuf', 0, 0, 2048), def('ringbuf', 0, 0, 12288),
      def('ringbuf', 4, 0, 4096), def('ringbuf', 0, 4, 4096),
      def('prog_array', 4, 4, 4), def('prog_array', 4, 8, 4), def('prog_array', 8, 4, 4),
      def('queue', 0, 4, 4), def('queue', 4, 4, 4), def('queue', 0, 0, 4), def('stack', 0, 8, 2), def('stack', 0, 8, 0),
    ];
    const verdicts = cases.map((d) => {
      const fd = kernelCreate(d);
      if (fd >= 0) addon!.close(fd);
      return { map: `${d.type} k${d.keySize} v${d.valueSize} n${d.maxEntries} f${d.flags}`, kernel: fd >= 0, bpfbox: checkMapDef(d) === null };
    });
    expect(verdicts.filter((v) => v.kernel !== v.bpfbox)).toEqual([]);
  });

  it('iterates arrays as BPF_MAP_GET_NEXT_KEY does, and a hash map over the same keys', () => {
    for (const d of [def('array', 4, 8, 3), def('percpu_array', 4, 8, 2), def('hash', 4, 8, 8)]) {
      const fd = kernelCreate(d);
      try {
        const set = new MapSet([d], { cpus: possibleCpus() });
        const m = set.maps[0]!;
        if (d.type === 'hash') {
          for (const k of [5, 9, 1, 7]) {
            const v = bytes(k, 8);
            addon!.mapUpdate({ fd, key: bytes(k, 4), value: v });
            m.update(bytes(k, 4), v);
          }
          addon!.mapDelete({ fd, key: bytes(9, 4) });
          m.delete(bytes(9, 4));
          // The order differs (kernel: by hash bucket; bpfbox: insertion), the keys do not.
          const walk = (next: (k: Uint8Array | null) => Uint8Array | null): number[] => {
            const out: number[] = [];
            for (let k = next(null); k && out.length < 20; k = next(k)) out.push(k[0]!);
            return out.sort((a, b) => a - b);
          };
          expect(walk((k) => m.nextKey(k))).toEqual(walk((k) => addon!.mapGetNextKey(k ? { fd, key: k } : { fd })));
          expect(walk((k) => m.nextKey(k))).toEqual([1, 5, 7]);
          continue;
        }
        for (const start of [null, 0, 1, d.maxEntries - 1, d.maxEntries, 1000]) {
          const key = start === null ? null : bytes(start, 4);
          const k = addon!.mapGetNextKey(key ? { fd, key } : { fd });
          const b = m.nextKey(key);
          expect(b ? Array.from(b) : null, `${d.type} after ${start}`).toEqual(k ? Array.from(k) : null);
        }
      } finally {
        addon!.close(fd);
      }
    }
  });

  const cpus = possibleCpus();
  const seqCases: [MapDef, number][] = [
    [def('array', 4, 8, 4), 6],
    [def('percpu_array', 4, 8, 3), 5],
    [def('hash', 4, 8, 5), 9],
    [def('hash', 8, 4, 3), 6],
    [def('percpu_hash', 4, 8, 4), 7],
    // Few enough keys that the LRU maps never need to evict (the kernel's LRU evicts differently).
    [def('lru_hash', 4, 8, 64), 8],
    [def('lru_percpu_hash', 4, 4, 64), 8],
    [def('queue', 0, 4, 3), 1],
    [def('stack', 0, 8, 2), 1],
  ];

  for (const [d, keys] of seqCases) {
    it(`gives the same errno and values as the kernel for a ${d.type} map (key ${d.keySize}, value ${d.valueSize}, max ${d.maxEntries})`, () => {
      const fd = kernelCreate(d);
      expect(fd).toBeGreaterThanOrEqual(0);
      try {
        const set = new MapSet([d], { cpus });
        const m = set.maps[0]!;
        const perCpu = d.type.includes('percpu');
        const stride = (d.valueSize + 7) & ~7;
        const log: string[] = [];
        for (const op of sequence(d.maxEntries * 31 + keys, 200, keys)) {
          const key = bytes(op.key, d.keySize);
          if (op.op === 'delete') {
            const k = addon!.mapDelete({ fd, key });
            const b = Math.abs(m.delete(key));
            log.push(`delete ${op.key}: kernel ${k} bpfbox ${b}`);
            expect(b, log.join('\n')).toBe(k);
          } else if (op.op === 'update') {
            // Per-CPU maps: user space passes one value per possible CPU (CPU c gets value + c).
            let value = bytes(op.value, d.valueSize);
            if (perCpu) {
              value = new Uint8Array(stride * cpus);
              for (let c = 0; c < cpus; c++) value.set(bytes(op.value + c, d.valueSize), c * stride);
            }
            const k = addon!.mapUpdate({ fd, key, value, flags: op.flags });
            const b = Math.abs(m.update(key, value, op.flags));
            log.push(`update ${op.key}=${op.value} flags ${op.flags}: kernel ${k} bpfbox ${b}`);
            expect(b, log.join('\n')).toBe(k);
          } else {
            const k = addon!.mapLookup({ fd, key, valueSize: perCpu ? stride * cpus : d.valueSize });
            let b: Uint8Array | null = null;
            if (perCpu) {
              const all = m.lookupPerCpu(key);
              if (all) {
                b = new Uint8Array(stride * cpus);
                all.forEach((v, c) => b!.set(v, c * stride));
              }
            } else {
              b = m.lookup(key);
            }
            log.push(`lookup ${op.key}: kernel ${k ? Array.from(k) : null} bpfbox ${b ? Array.from(b) : null}`);
            expect(b === null ? null : Array.from(b), log.join('\n')).toEqual(k === null ? null : Array.from(k));
          }
        }
      } finally {
        addon!.close(fd);
      }
    });
  }
});

// ---- the same program in the kernel and in bpfbox ---------------------------------------------------

/**
 * A program that calls map helpers and records each return value in `results` (map 0, an array
 * of u64), so the kernel's answers can be read back after BPF_PROG_TEST_RUN.
 */
class ProgBuilder {
  private lines: string[] = [];
  private n = 0;

  private record(): void {
    this.lines.push(
      `*(u32 *)(r10 - 20) = ${this.n++}`, '*(u64 *)(r10 - 32) = r0', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -20',
      'r3 = r10', 'r3 += -32', 'r4 = 0', 'call 2',
    );
  }

  update(map: number, key: number, value: number, flags: number): this {
    this.lines.push(`*(u32 *)(r10 - 4) = ${key}`, `*(u64 *)(r10 - 16) = ${value}`, `r1 = map_fd(${map}) ll`,
      'r2 = r10', 'r2 += -4', 'r3 = r10', 'r3 += -16', `r4 = ${flags}`, 'call 2');
    this.record();
    return this;
  }

  delete(map: number, key: number): this {
    this.lines.push(`*(u32 *)(r10 - 4) = ${key}`, `r1 = map_fd(${map}) ll`, 'r2 = r10', 'r2 += -4', 'call 3');
    this.record();
    return this;
  }

  /** Records the u64 value of `key`, or -1 when the lookup finds nothing. */
  lookup(map: number, key: number): this {
    this.lines.push(`*(u32 *)(r10 - 4) = ${key}`, `r1 = map_fd(${map}) ll`, 'r2 = r10', 'r2 += -4', 'call 1',
      `if r0 == 0 goto +2`, 'r0 = *(u64 *)(r0 + 0)', 'goto +1', 'r0 = -1');
    this.record();
    return this;
  }

  push(map: number, value: number, flags: number): this {
    this.lines.push(`*(u64 *)(r10 - 16) = ${value}`, `r1 = map_fd(${map}) ll`, 'r2 = r10', 'r2 += -16', `r3 = ${flags}`, 'call 87');
    this.record();
    return this;
  }

  /** Records pop/peek's return value, then the value it wrote. */
  take(map: number, pop: boolean): this {
    this.lines.push('*(u64 *)(r10 - 16) = 0', `r1 = map_fd(${map}) ll`, 'r2 = r10', 'r2 += -16', `call ${pop ? 88 : 89}`);
    this.record();
    this.lines.push('r0 = *(u64 *)(r10 - 16)');
    this.record();
    return this;
  }

  ringOutput(map: number, size: number, flags: number): this {
    this.lines.push('*(u64 *)(r10 - 16) = 7', `r1 = map_fd(${map}) ll`, 'r2 = r10', 'r2 += -16', `r3 = ${size}`, `r4 = ${flags}`, 'call 130');
    this.record();
    return this;
  }

  /** Reserves `size` bytes; submits (or discards) when it got a record; records whether it did. */
  ringReserve(map: number, size: number, discard: boolean): this {
    this.lines.push(`r1 = map_fd(${map}) ll`, `r2 = ${size}`, 'r3 = 0', 'call 131', 'r6 = 0', 'if r0 == 0 goto +4',
      'r1 = r0', 'r2 = 0', `call ${discard ? 133 : 132}`, 'r6 = 1', 'r0 = r6');
    this.record();
    return this;
  }

  /** Reserves `size` bytes and keeps the record in r7 (records whether it got one). */
  ringHold(map: number, size: number): this {
    this.lines.push(`r1 = map_fd(${map}) ll`, `r2 = ${size}`, 'r3 = 0', 'call 131', 'r7 = r0', 'r0 = 1', 'if r7 != 0 goto +1', 'r0 = 0');
    this.record();
    return this;
  }

  /** Submits the record held in r7 (the verifier knows it is not null only after a test). */
  ringRelease(): this {
    this.lines.push('if r7 == 0 goto +3', 'r1 = r7', 'r2 = 0', 'call 132');
    return this;
  }

  ringQuery(map: number, flags: number): this {
    this.lines.push(`r1 = map_fd(${map}) ll`, `r2 = ${flags}`, 'call 134');
    this.record();
    return this;
  }

  get count(): number {
    return this.n;
  }

  text(): string {
    return [...this.lines, 'r0 = 2', 'exit'].join('\n');
  }
}

describe.skipIf(!avail.ok)('map helpers against the kernel (BPF_PROG_TEST_RUN)', () => {
  /** `readBack`: also compare these keys (u32 numbers) of map `map` (1-based: after `results`) after the run. */
  function compare(maps: MapDef[], build: (b: ProgBuilder) => void, readBack?: { map: number; keys: number[] }): void {
    const b = new ProgBuilder();
    build(b);
    const results = def('array', 4, 8, b.count);
    const defs = [{ ...results, name: 'results' }, ...maps];
    const asm = assemble(b.text(), { syntax: 'llvm' });
    if (!asm.ok) throw new Error(asm.errors.map((e) => e.message).join('\n'));
    const keys = Array.from({ length: b.count }, (_, i) => bytes(i, 4));
    const k = kernelTestRun(asm.value.bytes, {
      progType: 'xdp',
      maps: defs.map((d, i) => ({
        type: mapTypeId(d), keySize: d.keySize, valueSize: d.valueSize, maxEntries: d.maxEntries, flags: d.flags ?? 0,
        ...(i === 0 ? { readBack: keys } : {}),
        ...(readBack && i === readBack.map ? { readBack: readBack.keys.map((n) => bytes(n, d.keySize)) } : {}),
      })),
    });
    expect(k.verdict.accepted, k.verdict.log).toBe(true);
    expect(k.run?.retval).toBe(2);
    const set = new MapSet(defs, { cpus: possibleCpus() });
    const rt = createMapRuntime(set);
    const res = run(asm.value.program, { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
    expect(res.fault).toBeNull();
    const signed = (v: Uint8Array | null): string => (v ? new DataView(v.buffer, v.byteOffset).getBigInt64(0, true).toString() : 'none');
    const kernel = k.maps.filter((m) => m.map === 0).map((m) => signed(m.value));
    const ours = keys.map((key) => signed(set.maps[0]!.lookup(key)));
    expect(ours).toEqual(kernel);
    if (readBack) {
      const m = set.maps[readBack.map]!;
      const stride = (m.def.valueSize + 7) & ~7;
      const hexOf = (v: Uint8Array | null): string => (v ? Array.from(v, (x) => x.toString(16).padStart(2, '0')).join('') : 'none');
      const oursBack = readBack.keys.map((n) => {
        const key = bytes(n, m.def.keySize);
        const all = m.lookupPerCpu(key);
        if (!all) return `${n}: ${hexOf(m.lookup(key))}`;
        const flat = new Uint8Array(stride * all.length);
        all.forEach((v, c) => flat.set(v, c * stride));
        return `${n}: ${hexOf(flat)}`;
      });
      const kernelBack = k.maps.filter((x) => x.map === readBack.map).map((x, j) => `${readBack.keys[j]}: ${hexOf(x.value)}`);
      expect(oursBack).toEqual(kernelBack);
    }
  }

  it('per-CPU maps: a program on CPU 0 changes only CPU 0\'s values (pinned to CPU 0)', () => {
    const done = onCpu0(() => {
      compare([def('percpu_array', 4, 8, 4), def('percpu_hash', 4, 8, 3)], (b) => {
        b.update(1, 1, 5, 0).update(1, 2, 6, 2).update(1, 4, 1, 0).lookup(1, 1).lookup(1, 3)
          .update(2, 1, 7, 0).update(2, 2, 8, 1).update(2, 3, 9, 0).update(2, 4, 9, 0).update(2, 1, 3, 1)
          .delete(2, 2).lookup(2, 1).lookup(2, 2);
      }, { map: 1, keys: [0, 1, 2, 3] });
      compare([def('percpu_hash', 4, 8, 3)], (b) => {
        b.update(1, 1, 7, 0).update(1, 2, 8, 1).update(1, 1, 3, 2);
      }, { map: 1, keys: [1, 2, 3] });
      return true;
    });
    if (done === null) console.warn('taskset could not pin the process to CPU 0: per-CPU program test SKIPPED');
  });

  it('LRU maps updated from a program, with lookups marking elements used, keep the same keys (pinned to CPU 0)', () => {
    const keys = Array.from({ length: 24 }, (_, i) => i);
    const done = onCpu0(() => {
      compare([def('lru_hash', 4, 8, 8)], (b) => {
        for (let k = 0; k < 24; k++) {
          b.update(1, k, k + 100, 0);
          if (k % 3 === 2) b.lookup(1, k - 2);
          if (k % 5 === 4) b.update(1, k - 1, 1, 2);
        }
      }, { map: 1, keys });
      return true;
    });
    if (done === null) console.warn('taskset could not pin the process to CPU 0: LRU program test SKIPPED');
  });

  it('hash and array updates, deletes and lookups return the same errno and values', () => {
    compare([def('hash', 4, 8, 2), def('array', 4, 8, 4), def('lru_hash', 4, 8, 32)], (b) => {
      b.update(1, 1, 1, 1).update(1, 1, 2, 1).update(1, 2, 3, 2).update(1, 2, 3, 0).update(1, 3, 4, 0)
        .delete(1, 5).update(1, 1, 9, 3).update(1, 1, 9, 4).lookup(1, 1).lookup(1, 3).delete(1, 1).lookup(1, 1)
        .update(1, 3, 4, 0).update(2, 7, 1, 0).update(2, 1, 1, 1).update(2, 1, 5, 2).delete(2, 1).lookup(2, 1)
        .lookup(2, 4).update(3, 1, 1, 1).update(3, 1, 2, 1).update(3, 2, 2, 2).delete(3, 2).delete(3, 1).lookup(3, 1);
    });
  });

  it('queue and stack push/pop/peek return the same errno and values', () => {
    compare([def('queue', 0, 8, 2), def('stack', 0, 8, 2)], (b) => {
      b.push(1, 10, 0).push(1, 11, 0).push(1, 12, 0).push(1, 12, 2).push(1, 13, 1).take(1, false).take(1, true)
        .take(1, true).take(1, true).push(2, 20, 0).push(2, 21, 0).push(2, 22, 2).take(2, false).take(2, true)
        .take(2, true).take(2, true);
    });
  });

  it('ring buffer reserve/submit/discard/output/query agree on sizes, positions and failures', () => {
    compare([def('ringbuf', 0, 0, 4096)], (b) => {
      b.ringOutput(1, 5, 0).ringQuery(1, 0).ringOutput(1, 8, 4).ringOutput(1, 8, 1).ringQuery(1, 3)
        .ringReserve(1, 4088, false).ringReserve(1, 16, false).ringQuery(1, 0).ringReserve(1, 24, true)
        .ringQuery(1, 0).ringQuery(1, 1).ringQuery(1, 2).ringQuery(1, 3).ringQuery(1, 9)
        .ringReserve(1, 4000, false).ringQuery(1, 3);
    });
  });

  it('ring buffer: a record held reserved while others are written limits the space the same way', () => {
    compare([def('ringbuf', 0, 0, 4096)], (b) => {
      b.ringHold(1, 2000).ringReserve(1, 1000, false).ringReserve(1, 1100, false).ringQuery(1, 0).ringReserve(1, 1000, true)
        .ringQuery(1, 3).ringReserve(1, 64, false).ringRelease().ringQuery(1, 0).ringOutput(1, 8, 0).ringQuery(1, 3);
    });
  });
});

// ---- LRU eviction ------------------------------------------------------------------------------------

/**
 * Runs `fn` with this process pinned to CPU 0 (the kernel's LRU keeps per-CPU free lists, and
 * bpfbox's host operations run on CPU 0); null when pinning is not possible.
 */
function onCpu0<T>(fn: () => T): T | null {
  const before = spawnSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' });
  const mask = /affinity mask: ([0-9a-f]+)/.exec(before.stdout ?? '')?.[1];
  if (!mask || spawnSync('taskset', ['-a', '-p', '1', String(process.pid)]).status !== 0) return null;
  try {
    return fn();
  } finally {
    spawnSync('taskset', ['-a', '-p', mask, String(process.pid)]);
  }
}

describe.skipIf(!avail.ok)('LRU eviction against the kernel', () => {
  const cpus = possibleCpus();
  const cases = [[4, 12, 1, 0], [16, 40, 2, 0], [64, 200, 3, 0], [300, 700, 4, 0], [5, 12, 5, 2], [40, 90, 6, 2]] as const;
  for (const [max, keys, seed, flags] of cases) {
    const what = flags ? 'lru_hash with BPF_F_NO_COMMON_LRU' : 'lru_hash';
    it(`evicts the same elements as the kernel (${what}, max_entries ${max}, ${cpus} CPUs)`, () => {
      const d = def('lru_hash', 4, 8, max, flags);
      const done = onCpu0(() => {
        const fd = kernelCreate(d);
        expect(fd).toBeGreaterThanOrEqual(0);
        try {
          const set = new MapSet([d], { cpus });
          const m = set.maps[0]!;
          let s = seed;
          const rnd = (n: number): number => {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            return (s >>> 8) % n;
          };
          const log: string[] = [];
          for (let i = 0; i < 6 * keys; i++) {
            const key = bytes(rnd(keys), 4);
            const kind = rnd(10);
            if (kind < 8) {
              const flags = kind === 7 ? 1 : 0;
              const value = bytes(i, 8);
              const k = addon!.mapUpdate({ fd, key, value, flags });
              const b = Math.abs(m.update(key, value, flags));
              log.push(`update ${key[0]! + 256 * key[1]!} flags ${flags}: kernel ${k} bpfbox ${b}`);
              expect(b, log.slice(-20).join('\n')).toBe(k);
            } else if (kind === 8) {
              const k = addon!.mapDelete({ fd, key });
              const b = Math.abs(m.delete(key));
              log.push(`delete ${key[0]! + 256 * key[1]!}: kernel ${k} bpfbox ${b}`);
              expect(b, log.slice(-20).join('\n')).toBe(k);
            } else {
              // A syscall lookup does not mark the element used.
              const k = addon!.mapLookup({ fd, key, valueSize: 8 });
              const b = m.lookup(key);
              expect(b ? Array.from(b) : null, log.slice(-20).join('\n')).toEqual(k ? Array.from(k) : null);
            }
            if (i % (keys > 100 ? 29 : 7) === 0) {
              const present = (get: (k: Uint8Array) => unknown): number[] =>
                Array.from({ length: keys }, (_, j) => j).filter((j) => get(bytes(j, 4)) !== null);
              expect(present((k) => m.lookup(k)), `after op ${i}\n` + log.slice(-20).join('\n'))
                .toEqual(present((k) => addon!.mapLookup({ fd, key: k, valueSize: 8 })));
            }
          }
        } finally {
          addon!.close(fd);
        }
        return true;
      });
      if (done === null) console.warn('taskset could not pin the process to CPU 0: LRU eviction test SKIPPED');
    });
  }
});

// ---- ring buffer records ---------------------------------------------------------------------------

describe.skipIf(!avail.ok)('ring buffer records against the kernel', () => {
  /** Reserves `size` bytes, writes byte i = (i + seed) & 255 into every byte, submits or discards. */
  function record(size: number, seed: number, discard: boolean): string[] {
    return [
      'r1 = map_fd(0) ll', `r2 = ${size}`, 'r3 = 0', 'call 131', `if r0 == 0 goto skip_${size}_${seed}`,
      'r6 = r0', 'r3 = 0', `fill_${size}_${seed}:`, 'r1 = r6', 'r1 += r3', 'r4 = r3', `r4 += ${seed}`,
      '*(u8 *)(r1 + 0) = r4', 'r3 += 1', `if r3 < ${size} goto fill_${size}_${seed}`,
      'r1 = r6', 'r2 = 0', `call ${discard ? 133 : 132}`, `skip_${size}_${seed}:`,
    ];
  }

  it('gives the same records, in order, over many runs that wrap around the ring', () => {
    const text = [
      ...record(13, 1, false), ...record(100, 2, false), ...record(700, 3, true), ...record(8, 4, false),
      ...record(333, 5, false), ...record(2800, 6, false), 'r0 = 2', 'exit',
    ].join('\n');
    const asm = assemble(text, { syntax: 'llvm' });
    if (!asm.ok) throw new Error(asm.errors.map((e) => e.message).join('\n'));
    const d = def('ringbuf', 0, 0, 4096);
    const mapFd = kernelCreate(d);
    expect(mapFd).toBeGreaterThanOrEqual(0);
    let progFd = -1;
    try {
      const load = addon!.progLoad({
        progType: kernelProgType('xdp'), insns: patchMapReferences(asm.value.bytes, [mapFd]).insns, license: 'GPL', logLevel: 1,
      });
      expect(load.fd, load.log).toBeGreaterThanOrEqual(0);
      progFd = load.fd;
      const set = new MapSet([d]);
      const rb = set.maps[0]!;
      const rt = createMapRuntime(set);
      const hexes = (rs: Uint8Array[]): string[] => rs.map((r) => `${r.length}:${Array.from(r, (x) => x.toString(16).padStart(2, '0')).join('')}`);
      let total = 0;
      for (let i = 0; i < 12; i++) {
        const k = addon!.progTestRun({ fd: progFd, dataIn: new Uint8Array(64) });
        expect(k.errno).toBe(0);
        const res = run(asm.value.program, { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
        expect(res.fault).toBeNull();
        const kernelRecs = addon!.ringbufConsume(mapFd);
        expect(kernelRecs.errno).toBe(0);
        const ours = rb.consume!();
        expect(hexes(ours), `run ${i}`).toEqual(hexes(kernelRecs.records));
        total += ours.length;
      }
      expect(total).toBe(12 * 5); // 13, 100, 8, 333 and 2800 bytes each run (the 700-byte one is discarded)
    } finally {
      if (progFd >= 0) addon!.close(progFd);
      addon!.close(mapFd);
    }
  });
});
