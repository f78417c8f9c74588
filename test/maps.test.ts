// The maps runtime (src/runtime/maps): every map type's host-side semantics against the kernel's
// rules (hand-computed errno values from kernel/bpf/arraymap.c, hashtab.c, ringbuf.c,
// queue_stack_maps.c), the program-facing helpers through the interpreter, and JSON/text I/O.

import { describe, expect, it } from 'vitest';

import { assemble } from '../src/asm/index.js';
import {
  BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST, BPF_RINGBUF_BUSY_BIT, BPF_RINGBUF_DISCARD_BIT, E2BIG, EBADF, EEXIST,
  EINVAL, ENOENT, ENOTSUPP, EOPNOTSUPP, type ArrayMap, type HashMap, HANDLE_BASE, type MapDef, MapDefError, MapSet, type RingBufMap,
  type QueueStackMap, checkMapDef, createMapRuntime, formatMaps, mapsFromJson, mapsToJson,
} from '../src/runtime/maps/index.js';
import { run } from '../src/vm/index.js';

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
};
const u64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
};
const num = (b: Uint8Array | null): number | null => {
  if (!b) return null;
  let n = 0;
  for (let i = b.length - 1; i >= 0; i--) n = n * 256 + b[i]!;
  return n;
};

function def(type: MapDef['type'], keySize: number, valueSize: number, maxEntries: number, extra: Partial<MapDef> = {}): MapDef {
  return { name: extra.name ?? type, type, keySize, valueSize, maxEntries, ...extra };
}

function one(d: MapDef, cpus?: number) {
  const set = new MapSet([d], cpus ? { cpus } : {});
  return { set, m: set.maps[0]! };
}

// ---- creation checks ---------------------------------------------------------------------------------

describe('map creation', () => {
  it('refuses what the kernel refuses, naming the map', () => {
    expect(checkMapDef(def('array', 8, 4, 1))).toMatch(/key_size must be 4/);
    expect(checkMapDef(def('array', 4, 0, 1))).toMatch(/value_size must not be 0/);
    expect(checkMapDef(def('hash', 0, 4, 1))).toMatch(/key_size must not be 0/);
    expect(checkMapDef(def('hash', 513, 4, 1))).toBeNull();
    // 40-byte element header + round_up(key, 8) + round_up(value, 8) <= 4 MiB
    expect(checkMapDef(def('hash', 4, 4194251, 1))).toBeNull();
    expect(checkMapDef(def('hash', 4, 4194257, 1))).toMatch(/4 MiB/);
    expect(checkMapDef(def('hash', 4, 4, 0))).toMatch(/max_entries must not be 0/);
    expect(checkMapDef(def('ringbuf', 0, 0, 4096 + 8))).toMatch(/power of 2/);
    expect(checkMapDef(def('ringbuf', 0, 0, 2048))).toMatch(/power of 2 and a multiple/);
    expect(checkMapDef(def('ringbuf', 4, 0, 4096))).toMatch(/key_size 0/);
    expect(checkMapDef(def('prog_array', 4, 8, 4))).toMatch(/value_size must be 4/);
    expect(checkMapDef(def('lru_hash', 4, 4, 4, { flags: 1 }))).toMatch(/BPF_F_NO_PREALLOC/);
    expect(checkMapDef(def('percpu_array', 4, 32769, 1))).toMatch(/32768/);
    expect(checkMapDef(def('queue', 4, 4, 4))).toMatch(/key_size must be 0/);
    expect(checkMapDef(def('ringbuf', 0, 0, 4096))).toBeNull();
    expect(() => new MapSet([def('hash', 4, 4, 1), def('array', 2, 4, 1, { name: 'bad' })])).toThrow(MapDefError);
    const r = MapSet.create([def('array', 2, 4, 1, { name: 'bad' })]);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ code: 'E_MAP_DEF', message: expect.stringContaining('map 0 "bad" (array)') });
  });

  it('creates inert maps for types it does not simulate', () => {
    const set = new MapSet([def('perf_event_array', 4, 4, 64), def('devmap', 4, 4, 8), def('lpm_trie', 8, 4, 16, { flags: 1 })]);
    for (const m of set.maps) {
      expect(m.update(u32(0), u32(1))).toBe(-EOPNOTSUPP);
      expect(m.delete(u32(0))).toBe(-EOPNOTSUPP);
      expect(m.lookup(u32(0))).toBeNull();
      expect(m.entries()).toEqual([]);
    }
    expect(formatMaps(set)).toContain('does not simulate');
  });
});

// ---- array -------------------------------------------------------------------------------------------

describe('array map', () => {
  it('is zero-initialized, never deleted, and refuses what the kernel refuses', () => {
    const { m } = one(def('array', 4, 6, 3));
    expect(m.lookup(u32(2))).toEqual(new Uint8Array(6));
    expect(m.lookup(u32(3))).toBeNull();
    const v = Uint8Array.of(1, 2, 3, 4, 5, 6);
    expect(m.update(u32(1), v, BPF_ANY)).toBe(0);
    expect(m.lookup(u32(1))).toEqual(v);
    expect(m.update(u32(1), v, BPF_EXIST)).toBe(0);
    expect(m.update(u32(1), v, BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(u32(3), v, BPF_ANY)).toBe(-E2BIG);
    expect(m.update(u32(3), v, BPF_NOEXIST)).toBe(-E2BIG);
    expect(m.update(u32(0), v, 3)).toBe(-EINVAL);
    expect(m.update(u32(0), v, BPF_F_LOCK)).toBe(-EINVAL);
    expect(m.update(u32(0), v.subarray(0, 4))).toBe(-EINVAL);
    expect(m.delete(u32(1))).toBe(-EINVAL);
    expect(m.lookup(u32(1))).toEqual(v);
  });

  it('iterates as BPF_MAP_GET_NEXT_KEY does', () => {
    const { m } = one(def('array', 4, 4, 3));
    expect(num(m.nextKey(null))).toBe(0);
    expect(num(m.nextKey(u32(0)))).toBe(1);
    expect(num(m.nextKey(u32(1)))).toBe(2);
    expect(m.nextKey(u32(2))).toBeNull();
    expect(num(m.nextKey(u32(99)))).toBe(0);
    expect(m.entries().map((e) => num(e.key))).toEqual([0, 1, 2]);
  });

  it('keeps global data initial bytes and resets to them', () => {
    const { set, m } = one(def('array', 4, 4, 1, { name: '.data', origin: 'data', initial: Uint8Array.of(7, 0, 0, 0) }));
    expect(num(m.lookup(u32(0)))).toBe(7);
    m.update(u32(0), u32(9));
    expect(num(m.lookup(u32(0)))).toBe(9);
    set.reset();
    expect(num(m.lookup(u32(0)))).toBe(7);
  });

  it('holds one value per CPU in a per-CPU array', () => {
    const { m } = one(def('percpu_array', 4, 4, 2), 3);
    expect(m.update(u32(0), u32(5), BPF_ANY, 1)).toBe(0);
    expect(m.lookupPerCpu(u32(0))!.map(num)).toEqual([0, 5, 0]);
    expect(m.update(u32(1), u32(6))).toBe(0); // no CPU: every CPU
    expect(m.lookupPerCpu(u32(1))!.map(num)).toEqual([6, 6, 6]);
    // user space's layout: round_up(4, 8) = 8 bytes per CPU
    const all = new Uint8Array(24);
    all.set(u32(1), 0);
    all.set(u32(2), 8);
    all.set(u32(3), 16);
    expect(m.update(u32(1), all)).toBe(0);
    expect(m.lookupPerCpu(u32(1))!.map(num)).toEqual([1, 2, 3]);
    expect(num(m.lookup(u32(1), 2))).toBe(3);
    expect(m.update(u32(1), new Uint8Array(12))).toBe(-EINVAL);
    expect(m.update(u32(1), u32(1), BPF_ANY, 3)).toBe(-EINVAL);
    expect(m.update(u32(0), u32(1), BPF_NOEXIST)).toBe(-EEXIST);
  });
});

// ---- hash --------------------------------------------------------------------------------------------

describe('hash map', () => {
  it('applies the update flags and the size limit with the kernel errors', () => {
    const { m } = one(def('hash', 4, 8, 2));
    expect(m.update(u32(10), u64(1), BPF_EXIST)).toBe(-ENOENT);
    expect(m.update(u32(10), u64(1), BPF_NOEXIST)).toBe(0);
    expect(m.update(u32(10), u64(2), BPF_NOEXIST)).toBe(-EEXIST);
    expect(m.update(u32(10), u64(3), BPF_EXIST)).toBe(0);
    expect(num(m.lookup(u32(10)))).toBe(3);
    expect(m.update(u32(11), u64(4))).toBe(0);
    expect(m.update(u32(12), u64(5))).toBe(-E2BIG);
    expect(m.update(u32(11), u64(6))).toBe(0); // existing key: fine when full
    expect(m.update(u32(12), u64(5), 4)).toBe(-EINVAL);
    expect(m.update(u32(12), u64(5), 3)).toBe(-EINVAL);
    expect(m.delete(u32(12))).toBe(-ENOENT);
    expect(m.delete(u32(10))).toBe(0);
    expect(m.lookup(u32(10))).toBeNull();
    expect(m.update(u32(12), u64(5))).toBe(0);
    expect(m.update(Uint8Array.of(1, 2), u64(5))).toBe(-EINVAL);
  });

  it('iterates in insertion order; a missing key restarts at the first', () => {
    const { m } = one(def('hash', 4, 4, 8));
    for (const k of [5, 3, 9]) m.update(u32(k), u32(k * 10));
    expect(num(m.nextKey(null))).toBe(5);
    expect(num(m.nextKey(u32(5)))).toBe(3);
    expect(num(m.nextKey(u32(3)))).toBe(9);
    expect(m.nextKey(u32(9))).toBeNull();
    expect(num(m.nextKey(u32(77)))).toBe(5);
    m.delete(u32(3));
    expect(m.entries().map((e) => [num(e.key), num(e.value)])).toEqual([[5, 50], [9, 90]]);
  });

  it('per-CPU hash: a new element from one CPU has zeros on the others', () => {
    const { m } = one(def('percpu_hash', 4, 4, 4), 2);
    expect(m.update(u32(1), u32(7), BPF_ANY, 1)).toBe(0);
    expect(m.lookupPerCpu(u32(1))!.map(num)).toEqual([0, 7]);
    expect(m.update(u32(1), u32(8), BPF_EXIST, 0)).toBe(0);
    expect(m.lookupPerCpu(u32(1))!.map(num)).toEqual([8, 7]);
    expect(m.entries()[0]!.perCpu!.map(num)).toEqual([8, 7]);
  });
});

describe('LRU hash map', () => {
  it('evicts the least recently used element when full', () => {
    const { m } = one(def('lru_hash', 4, 4, 3));
    for (const k of [1, 2, 3]) expect(m.update(u32(k), u32(k))).toBe(0);
    // A program lookup of 1 makes 2 the least recently used.
    (m as HashMap).progLookup(u32(1), 0);
    expect(m.update(u32(4), u32(4))).toBe(0);
    expect(m.lookup(u32(2))).toBeNull();
    expect(m.entries().map((e) => num(e.key)).sort()).toEqual([1, 3, 4]);
    expect((m as HashMap).recencyOrder().map(num)).toEqual([3, 1, 4]);
    // Host lookups do not count as use (the kernel's syscall lookup does not set the reference bit).
    m.lookup(u32(3));
    expect(m.update(u32(5), u32(5))).toBe(0);
    expect(m.lookup(u32(3))).toBeNull();
  });

  it('evicts target_free = max_entries / CPUs / 2 elements at once, as the kernel does', () => {
    // 16 entries, 2 CPUs: target_free 4. Filling takes the 16 free nodes; the 17th insert finds
    // none and evicts the 4 oldest (measured on Linux 6.18 the same way).
    const { m } = one(def('lru_hash', 4, 4, 16), 2);
    for (let k = 0; k < 16; k++) expect(m.update(u32(k), u32(k))).toBe(0);
    expect(m.entries()).toHaveLength(16);
    expect(m.update(u32(100), u32(1))).toBe(0);
    expect(m.entries().map((e) => num(e.key))).toEqual([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 100]);
    // The next three inserts use the freed nodes without evicting.
    for (const k of [101, 102, 103]) m.update(u32(k), u32(k));
    expect(m.entries()).toHaveLength(16);
  });

  it('takes a node before checking the flags, as the kernel does', () => {
    const { m } = one(def('lru_hash', 4, 4, 2));
    m.update(u32(1), u32(1));
    m.update(u32(2), u32(2));
    expect(m.update(u32(2), u32(9), BPF_NOEXIST)).toBe(-EEXIST);
    // The failed update evicted key 1 to get its node.
    expect(m.lookup(u32(1))).toBeNull();
    expect(num(m.lookup(u32(2)))).toBe(2);
    expect(m.update(u32(3), u32(3), BPF_EXIST)).toBe(-ENOENT);
    expect(m.delete(u32(3))).toBe(-ENOENT);
  });

  it('lru_percpu_hash updates existing elements in place', () => {
    const { m } = one(def('lru_percpu_hash', 4, 4, 2), 2);
    m.update(u32(1), u32(1), BPF_ANY, 0);
    m.update(u32(2), u32(2), BPF_ANY, 0);
    expect(m.update(u32(1), u32(5), BPF_EXIST, 1)).toBe(0);
    expect(m.lookupPerCpu(u32(1))!.map(num)).toEqual([1, 5]);
    expect(m.lookup(u32(2))).not.toBeNull();
  });
});

// ---- fd arrays and map-in-map ---------------------------------------------------------------------------

describe('prog_array and map-in-map', () => {
  it('prog_array takes BPF_ANY and program indices only', () => {
    const set = new MapSet([def('prog_array', 4, 4, 4, { name: 'jmp' })], { programs: ['a', 'b'] });
    const m = set.maps[0]!;
    expect(m.update(u32(0), u32(1), BPF_NOEXIST)).toBe(-EINVAL);
    expect(m.update(u32(4), u32(1))).toBe(-E2BIG);
    expect(m.update(u32(0), u32(2))).toBe(-EBADF);
    expect(m.update(u32(0), u32(1))).toBe(0);
    expect(num(m.lookup(u32(0)))).toBe(1);
    expect(m.lookup(u32(1))).toBeNull();
    expect(m.delete(u32(1))).toBe(-ENOENT);
    expect(m.delete(u32(9))).toBe(-E2BIG);
    expect(m.delete(u32(0))).toBe(0);
    expect(mapsFromJson(set, 'jmp', { entries: [{ key: 2, value: 'b' }] }).ok).toBe(true);
    expect(mapsToJson(set).maps[0]!.entries).toEqual([{ key: '02000000', keyInt: 2, value: 1, program: 'b' }]);
  });

  it('array_of_maps checks the inner map against its template; lookups from programs give its handle', () => {
    const inner = def('array', 4, 4, 2, { name: 'inner' });
    const set = new MapSet([
      def('array_of_maps', 4, 4, 2, { name: 'outer', inner }), inner, def('hash', 4, 4, 2, { name: 'other' }),
    ]);
    const outer = set.maps[0]!;
    expect(outer.update(u32(0), u32(2))).toBe(-EINVAL);
    expect(outer.update(u32(0), u32(7))).toBe(-EBADF);
    expect(outer.update(u32(0), u32(1))).toBe(0);
    const prog = asm([
      '*(u32 *)(r10 - 4) = 0', 'r2 = r10', 'r2 += -4', 'r1 = map_fd(0) ll', 'call 1',
      'if r0 == 0 goto out', 'r1 = r0', 'r2 = r10', 'r2 += -4', 'call 1', 'if r0 == 0 goto out',
      'r0 = *(u32 *)(r0 + 0)', 'exit', 'out:', 'r0 = 99', 'exit',
    ]);
    set.maps[1]!.update(u32(0), u32(1234));
    const rt = createMapRuntime(set);
    const res = run(prog, { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
    expect(res.fault).toBeNull();
    expect(Number(res.r0)).toBe(1234);
  });
});

describe('hash_of_maps, inert maps and reset', () => {
  it('hash_of_maps stores inner maps by index or name; a program reaches the inner map through it', () => {
    const inner = def('hash', 4, 8, 4, { name: 'in1' });
    const set = new MapSet([def('hash_of_maps', 8, 4, 4, { name: 'outer', inner }), inner, def('array', 4, 8, 4, { name: 'arr' })]);
    expect(mapsFromJson(set, 'outer', [{ key: 5, value: 'in1' }]).ok).toBe(true);
    const bad = mapsFromJson(set, 'outer', [{ key: 6, value: 'arr' }]);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]!.message).toBe('map "outer" entry 0: the update failed with EINVAL: invalid value or flags for a hash_of_maps map');
    expect(set.maps[0]!.update(u64(7), u32(9))).toBe(-EBADF);
    expect(num(set.maps[0]!.lookup(u64(5)))).toBe(1);
    set.maps[1]!.update(u32(3), u64(333));
    const rt = createMapRuntime(set);
    const prog = asm([
      '*(u64 *)(r10 - 8) = 5', 'r2 = r10', 'r2 += -8', 'r1 = map_fd(0) ll', 'call 1', 'if r0 == 0 goto out',
      '*(u32 *)(r10 - 12) = 3', 'r1 = r0', 'r2 = r10', 'r2 += -12', 'call 1', 'if r0 == 0 goto out',
      'r0 = *(u64 *)(r0 + 0)', 'exit', 'out:', 'r0 = 1', 'exit',
    ]);
    const res = run(prog, { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
    expect(res.fault).toBeNull();
    expect(Number(res.r0)).toBe(333);
    expect(mapsToJson(set).maps[0]!.entries).toEqual([{ key: '0500000000000000', keyInt: 5, value: 1, map: 'in1' }]);
  });

  it('a program gets nothing from an inert map and -EOPNOTSUPP from updating it', () => {
    const set = new MapSet([def('perf_event_array', 4, 4, 4)]);
    const rt = createMapRuntime(set);
    const res = run(asm([
      '*(u32 *)(r10 - 4) = 0', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'call 1', 'r6 = r0',
      'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'r3 = r10', 'r3 += -4', 'r4 = 0', 'call 2', 'r0 += r6', 'exit',
    ]), { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
    expect(BigInt.asIntN(64, res.r0)).toBe(BigInt(-EOPNOTSUPP));
    expect(mapsFromJson(set, 'perf_event_array', []).ok).toBe(false);
  });

  it('reset empties hashes, fd arrays, queues and ring buffers', () => {
    const set = new MapSet([def('hash', 4, 4, 4), def('prog_array', 4, 4, 4), def('queue', 0, 4, 4), def('ringbuf', 0, 0, 4096)]);
    set.maps[0]!.update(u32(1), u32(1));
    set.maps[1]!.update(u32(1), u32(0));
    set.maps[2]!.update(new Uint8Array(0), u32(1));
    (set.maps[3] as RingBufMap).output(u32(1));
    set.reset();
    expect(set.maps.map((m) => m.entries().length)).toEqual([0, 0, 0, 0]);
    const rb = set.maps[3] as RingBufMap;
    expect([rb.producerPos, rb.consumerPos, rb.consume().length]).toEqual([0, 0, 0]);
    expect(num(set.maps[1]!.nextKey(null))).toBe(0);
    expect(set.maps[1]!.nextKey(u32(3))).toBeNull();
  });

  it('prints queues without keys and per-CPU values per CPU', () => {
    const set = new MapSet([def('queue', 0, 2, 4, { name: 'q' }), def('percpu_array', 4, 4, 2, { name: 'p' })], { cpus: 2 });
    set.maps[0]!.update(new Uint8Array(0), Uint8Array.of(1, 2));
    set.maps[1]!.update(u32(1), u32(3), BPF_ANY, 1);
    expect(formatMaps(set)).toBe([
      'map 0 "q": queue, key 0 B, value 2 B, max_entries 4, 1 entry',
      '  0102 (513)',
      'map 1 "p": percpu_array, key 4 B, value 4 B, max_entries 2, 2 CPUs, 1 non-zero',
      '  01000000 (1)  ->  cpu0 00000000 (0)  cpu1 03000000 (3)',
      '  (1 zero entry not shown)',
      '',
    ].join('\n'));
  });
});

// ---- ring buffer -------------------------------------------------------------------------------------------

describe('ring buffer', () => {
  it('reserves 8-byte-aligned records with a busy header, and hands out submitted ones in order', () => {
    const { m } = one(def('ringbuf', 0, 0, 4096));
    const rb = m as RingBufMap;
    const a = rb.reserve(5)!;
    expect(a).toBe(0);
    const b = rb.reserve(8)!;
    expect(b).toBe(16); // round_up(5 + 8, 8)
    expect(rb.producerPos).toBe(32);
    expect(rb.query(0)).toBe(32);
    expect(rb.consume()).toEqual([]); // the first record is still busy
    rb.commit(b, false);
    expect(rb.consume()).toEqual([]); // still blocked by the first
    rb.commit(a, true); // discarded: skipped
    expect(rb.consume().map((r) => r.length)).toEqual([8]);
    expect(rb.consumerPos).toBe(32);
    expect(rb.update()).toBe(-ENOTSUPP);
  });

  it('refuses a record that would make the producer run more than size - 1 ahead', () => {
    const { m } = one(def('ringbuf', 0, 0, 4096));
    const rb = m as RingBufMap;
    expect(rb.reserve(4096 - 8)).toBeNull(); // len 4096 > mask 4095
    expect(rb.reserve(4096 - 16)).toBe(0); // len 4088
    rb.commit(0, false);
    expect(rb.output(new Uint8Array(1))).toBe(-11); // 4088 + 16 - 0 > 4095: EAGAIN
    expect(rb.output(new Uint8Array(1), 4)).toBe(-EINVAL);
    expect(rb.consume()).toHaveLength(1);
    expect(rb.output(Uint8Array.of(1, 2, 3), 1)).toBe(0);
  });

  it('wraps around: a record crossing the end is read back whole', () => {
    const { m } = one(def('ringbuf', 0, 0, 4096));
    const rb = m as RingBufMap;
    expect(rb.output(new Uint8Array(4000))).toBe(0); // len 4008
    expect(rb.consume()).toHaveLength(1);
    const data = Uint8Array.from({ length: 200 }, (_, i) => i);
    expect(rb.output(data)).toBe(0); // header at 4008, data 4016..4216 wraps to 0..120
    expect(rb.producerPos).toBe(4008 + 208);
    expect(rb.consume()).toEqual([data]);
    expect(rb.consumerPos).toBe(4216);
  });

  it('works from a program: reserve, write, submit; output; query; a wrapped reserve', () => {
    const set = new MapSet([def('ringbuf', 0, 0, 4096, { name: 'events' })]);
    const rb = set.maps[0] as RingBufMap;
    const rt = createMapRuntime(set);
    const prog = asm([
      'r1 = map_fd(0) ll', 'r2 = 16', 'r3 = 0', 'call 131', 'if r0 == 0 goto fail',
      'r6 = r0', 'r1 = 0x1122334455667788 ll', '*(u64 *)(r6 + 0) = r1', '*(u64 *)(r6 + 8) = r1',
      'r1 = r6', 'r2 = 0', 'call 132',
      '*(u32 *)(r10 - 4) = 42', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'r3 = 4', 'r4 = 0', 'call 130',
      'if r0 != 0 goto fail',
      'r1 = map_fd(0) ll', 'r2 = 0', 'call 134', 'exit',
      'fail:', 'r0 = -1', 'exit',
    ]);
    const opts = { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm: import('../src/vm/index.js').Vm) => rt.setup(vm) };
    const res = run(prog, opts);
    expect(res.fault).toBeNull();
    expect(Number(res.r0)).toBe(24 + 16); // available data: 16+8 and round_up(4+8, 8)
    const recs = rb.consume();
    expect(recs.map((r) => Array.from(r))).toEqual([
      [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11],
      [42, 0, 0, 0],
    ]);
    // Bring the producer to 4072: the next 24-byte record (header at 4072) writes 16 bytes up to the end and 8 past it.
    rb.output(new Uint8Array(4072 - 40 - 8));
    rb.consume();
    expect(rb.producerPos).toBe(4072);
    const wrapProg = asm([
      'r1 = map_fd(0) ll', 'r2 = 24', 'r3 = 0', 'call 131', 'if r0 == 0 goto fail',
      'r6 = r0', 'r1 = -1', '*(u64 *)(r6 + 0) = r1', '*(u64 *)(r6 + 8) = r1', '*(u64 *)(r6 + 16) = r1',
      'r1 = r6', 'r2 = 0', 'call 132', 'r0 = 0', 'exit', 'fail:', 'r0 = 1', 'exit',
    ]);
    const res2 = run(wrapProg, opts);
    expect(res2.fault).toBeNull();
    expect(Number(res2.r0)).toBe(0);
    expect(rb.consume()).toEqual([new Uint8Array(24).fill(0xff)]);
  });

  it('a 16 MiB ring spans two windows plus a mirror; a program record wraps around its end', () => {
    const size = 16 << 20;
    const set = new MapSet([def('ringbuf', 0, 0, size, { name: 'big' })]);
    const rb = set.maps[0] as RingBufMap;
    expect(rb.segmentCount).toBe(2);
    // Move the producer to size - 8 with host records (consumed right away).
    for (let left = size - 8; left > 0;) {
      const n = Math.min(left, 1 << 20) - 8;
      expect(rb.output(new Uint8Array(n))).toBe(0);
      rb.consume();
      left -= n + 8;
    }
    expect(rb.producerPos).toBe(size - 8);
    const rt = createMapRuntime(set);
    const res = run(asm([
      'r1 = map_fd(0) ll', 'r2 = 16', 'r3 = 0', 'call 131', 'if r0 == 0 goto fail', 'r6 = r0',
      'r1 = 0x0807060504030201 ll', '*(u64 *)(r6 + 0) = r1', '*(u64 *)(r6 + 8) = r1',
      'r1 = r6', 'r2 = 0', 'call 132', 'r0 = 0', 'exit', 'fail:', 'r0 = 1', 'exit',
    ]), { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
    expect(res.fault).toBeNull();
    expect(Number(res.r0)).toBe(0);
    expect(rb.consume().map((r) => Array.from(r))).toEqual([[1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8]]);
  });

  it('faults on submitting something that is not a reserved record', () => {
    const set = new MapSet([def('ringbuf', 0, 0, 4096)]);
    const rt = createMapRuntime(set);
    const prog = asm(['r1 = r10', 'r2 = 0', 'call 132', 'exit']);
    const res = run(prog, { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
    expect(res.fault?.code).toBe('E_RINGBUF_RECORD');
  });

  it('marks records with the kernel header bits', () => {
    expect(BPF_RINGBUF_BUSY_BIT).toBe(2 ** 31);
    expect(BPF_RINGBUF_DISCARD_BIT).toBe(2 ** 30);
  });
});

// ---- queue / stack ----------------------------------------------------------------------------------------

describe('queue and stack', () => {
  it('push/pop/peek with the kernel flags', () => {
    const { m } = one(def('queue', 0, 4, 2));
    const q = m as QueueStackMap;
    expect(q.push(u32(1), BPF_NOEXIST)).toBe(-EINVAL);
    expect(q.push(u32(1))).toBe(0);
    expect(q.push(u32(2))).toBe(0);
    expect(q.push(u32(3))).toBe(-E2BIG);
    expect(q.push(u32(3), BPF_EXIST)).toBe(0); // drops the oldest
    expect(num(q.peek())).toBe(2);
    expect(num(q.pop())).toBe(2);
    expect(num(q.pop())).toBe(3);
    expect(q.pop()).toBeNull();
    const s = one(def('stack', 0, 4, 4)).m as QueueStackMap;
    s.push(u32(1));
    s.push(u32(2));
    expect(num(s.pop())).toBe(2);
  });
});

// ---- the interpreter side ---------------------------------------------------------------------------------

function asm(lines: string[]) {
  const r = assemble(lines.join('\n'), { syntax: 'llvm' });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.value.program;
}

describe('map helpers in the interpreter', () => {
  const counter = [
    '*(u32 *)(r10 - 4) = 7', 'r2 = r10', 'r2 += -4', 'r1 = map_fd(0) ll', 'call 1',
    'if r0 == 0 goto miss', 'r1 = 1', 'lock *(u64 *)(r0 + 0) += r1', 'r0 = *(u64 *)(r0 + 0)', 'exit',
    'miss:', '*(u64 *)(r10 - 16) = 1', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'r3 = r10', 'r3 += -16',
    'r4 = 1', 'call 2', 'r0 = 100', 'exit',
  ];

  it('counts in a hash map: update on a miss, then increments through the value pointer', () => {
    const set = new MapSet([def('hash', 4, 8, 16, { name: 'counts' })]);
    const rt = createMapRuntime(set);
    const prog = asm(counter);
    const opts = { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm: import('../src/vm/index.js').Vm) => rt.setup(vm) };
    expect(Number(run(prog, opts).r0)).toBe(100);
    expect(Number(run(prog, opts).r0)).toBe(2);
    expect(Number(run(prog, opts).r0)).toBe(3);
    expect(num(set.get('counts')!.lookup(u32(7)))).toBe(3);
  });

  it('sees its own CPU of a per-CPU array', () => {
    const set = new MapSet([def('percpu_array', 4, 8, 8, { name: 'pc' })], { cpus: 2 });
    const rt = createMapRuntime(set, { cpu: 1 });
    const prog = asm(counter);
    const opts = { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm: import('../src/vm/index.js').Vm) => rt.setup(vm) };
    expect(Number(run(prog, opts).r0)).toBe(1);
    rt.cpu = 0;
    expect(Number(run(prog, opts).r0)).toBe(1);
    expect(Number(run(prog, opts).r0)).toBe(2);
    expect(set.maps[0]!.lookupPerCpu(u32(7))!.map(num)).toEqual([2, 1]);
  });

  it('map_lookup_percpu_elem reads another CPU\'s value; a CPU beyond the machine gives NULL', () => {
    const set = new MapSet([def('percpu_array', 4, 8, 2)], { cpus: 3 });
    set.maps[0]!.update(u32(1), u64(40), BPF_ANY, 2);
    const rt = createMapRuntime(set, { cpu: 0 });
    const prog = asm([
      '*(u32 *)(r10 - 4) = 1', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'r3 = 2', 'call 195',
      'if r0 == 0 goto out', 'r6 = *(u64 *)(r0 + 0)', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'r3 = 3', 'call 195',
      'r0 += r6', 'exit', 'out:', 'r0 = 1', 'exit',
    ]);
    const res = run(prog, { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
    expect(res.fault).toBeNull();
    expect(Number(res.r0)).toBe(40);
  });

  it('returns the kernel errno from update, and 0 from a lookup beyond an array', () => {
    const set = new MapSet([def('array', 4, 8, 4)]);
    const rt = createMapRuntime(set);
    const prog = asm([
      '*(u32 *)(r10 - 4) = 4', '*(u64 *)(r10 - 16) = 0', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4',
      'r3 = r10', 'r3 += -16', 'r4 = 0', 'call 2', 'r6 = r0',
      'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'call 1', 'r0 += r6', 'exit',
    ]);
    const res = run(prog, { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
    expect(res.fault).toBeNull();
    expect(BigInt.asIntN(64, res.r0)).toBe(-7n);
  });

  it('map handles are unmapped addresses and map_value points into a one-entry array', () => {
    const set = new MapSet([def('array', 4, 16, 1, { name: '.rodata', readOnly: true, initial: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16) })]);
    const rt = createMapRuntime(set);
    expect(rt.mapOfHandle(BigInt(HANDLE_BASE))).toBe(set.maps[0]);
    expect(rt.mapOfHandle(BigInt(HANDLE_BASE + 1))).toBeNull();
    const opts = { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm: import('../src/vm/index.js').Vm) => rt.setup(vm) };
    const read = run(asm(['r1 = map_value(0, 4) ll', 'r0 = *(u32 *)(r1 + 0)', 'exit']), opts);
    expect(read.fault).toBeNull();
    expect(Number(read.r0)).toBe(0x08070605);
    const write = run(asm(['r1 = map_value(0, 4) ll', '*(u32 *)(r1 + 0) = 1', 'r0 = 0', 'exit']), opts);
    expect(write.fault?.code).toBe('E_READ_ONLY');
    const deref = run(asm(['r1 = map_fd(0) ll', 'r0 = *(u64 *)(r1 + 0)', 'exit']), opts);
    expect(deref.fault?.code).toBe('E_UNMAPPED');
    const bad = run(asm(['r1 = map_fd(3) ll', 'exit']), opts);
    expect(bad.fault?.code).toBe('E_UNRESOLVED_PSEUDO');
    expect(bad.fault?.message).toContain('there is 1 map');
    const notMap = run(asm(['r1 = 5', 'r2 = r10', 'call 1', 'exit']), opts);
    expect(notMap.fault?.code).toBe('E_HELPER_MAP_ARG');
  });

  it('maps storage chunks on first use, also in the middle of a run', () => {
    // 4096-byte values: 4096 per 16 MiB chunk, so index 9000 is in chunk 2.
    const set = new MapSet([def('array', 4, 4096, 10000, { name: 'big' })]);
    const big = set.maps[0] as ArrayMap;
    expect([0, 1, 2].map((k) => big.store.peek(k))).toEqual([null, null, null]);
    const rt = createMapRuntime(set);
    const prog = asm([
      '*(u32 *)(r10 - 4) = 9000', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'call 1', 'if r0 == 0 goto out',
      '*(u32 *)(r0 + 4092) = 77', '*(u32 *)(r10 - 4) = 1', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'call 1',
      'if r0 == 0 goto out', '*(u32 *)(r0 + 0) = 5', 'r0 = 0', 'exit', 'out:', 'r0 = 1', 'exit',
    ]);
    const res = run(prog, { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
    expect(res.fault).toBeNull();
    expect(Number(res.r0)).toBe(0);
    expect(num(big.lookup(u32(9000))!.subarray(4092))).toBe(77);
    expect(num(big.lookup(u32(1))!.subarray(0, 4))).toBe(5);
    expect(big.store.peek(1)).toBeNull(); // chunk 1 was never touched
    expect(mapsToJson(set).maps[0]!.entries.map((e) => e.keyInt)).toEqual([1, 9000]);
  });

  it('costs nothing for a large hash map until something is stored', () => {
    const set = new MapSet([def('hash', 8, 64, 1 << 20, { name: 'huge' })]);
    const h = set.maps[0] as HashMap;
    expect(h.store.chunkCount).toBe(4);
    expect(h.store.peek(0)).toBeNull();
    expect(h.update(u64(1), new Uint8Array(64).fill(3))).toBe(0);
    expect(h.store.peek(0)).not.toBeNull();
    expect(h.store.peek(1)).toBeNull();
  });

  it('refuses program writes to read-only maps', () => {
    const set = new MapSet([def('array', 4, 4, 1, { name: '.rodata', readOnly: true }), def('hash', 4, 4, 4, { flags: 1 << 7 })]);
    const rt = createMapRuntime(set);
    for (const i of [0, 1]) {
      const res = run(asm([
        '*(u32 *)(r10 - 4) = 0', `r1 = map_fd(${i}) ll`, 'r2 = r10', 'r2 += -4', 'r3 = r10', 'r3 += -4', 'r4 = 0', 'call 2', 'exit',
      ]), { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
      expect(BigInt.asIntN(64, res.r0)).toBe(-1n); // -EPERM
    }
  });

  it('faults with a clear code when the key pointer is bad', () => {
    const set = new MapSet([def('hash', 4, 8, 16)]);
    const rt = createMapRuntime(set);
    const res = run(asm(['r1 = map_fd(0) ll', 'r2 = 0', 'call 1', 'exit']), {
      helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm),
    });
    expect(res.fault?.code).toBe('E_HELPER_MEMORY');
    expect(res.fault?.message).toMatch(/key of map "hash"/);
  });

  it('queue helpers push, pop into memory, and report an empty queue', () => {
    const set = new MapSet([def('queue', 0, 4, 4)]);
    const rt = createMapRuntime(set);
    const prog = asm([
      '*(u32 *)(r10 - 4) = 11', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'r3 = 0', 'call 87',
      '*(u32 *)(r10 - 4) = 0', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'call 88',
      'r6 = *(u32 *)(r10 - 4)', 'r1 = map_fd(0) ll', 'r2 = r10', 'r2 += -4', 'call 88',
      'r0 *= 1000', 'r0 += r6', 'exit',
    ]);
    const res = run(prog, { helpers: rt.helpers(), resolvePseudo: rt.resolvePseudo, setup: (vm) => rt.setup(vm) });
    expect(res.fault).toBeNull();
    expect(BigInt.asIntN(64, res.r0)).toBe(BigInt(-ENOENT * 1000 + 11));
  });
});

// ---- JSON and text -----------------------------------------------------------------------------------------

describe('JSON and text', () => {
  it('reads numbers, hex numbers, hex bytes and byte arrays', () => {
    const set = new MapSet([def('hash', 4, 8, 8, { name: 'h' })]);
    const r = mapsFromJson(set, 'h', {
      entries: [
        { key: 1, value: 10 },
        { key: '0x0a000001', value: '0100000000000000' },
        { key: [1, 0, 0, 11], value: '0x10' },
        { key: '02 00 00 00', value: -1 },
      ],
    });
    expect(r.ok).toBe(true);
    const m = set.maps[0]!;
    expect(num(m.lookup(u32(1)))).toBe(10);
    expect(num(m.lookup(u32(0x0a000001)))).toBe(1);
    expect(num(m.lookup(Uint8Array.of(1, 0, 0, 11)))).toBe(16);
    expect(m.lookup(u32(2))).toEqual(new Uint8Array(8).fill(255));
    const j = mapsToJson(set);
    expect(j.maps[0]!.entries[0]).toEqual({ key: '01000000', keyInt: 1, value: '0a00000000000000', valueInt: 10 });
    // A dumped map reads back.
    const again = new MapSet([def('hash', 4, 8, 8, { name: 'h' })]);
    expect(mapsFromJson(again, 'h', j.maps[0]).ok).toBe(true);
    expect(again.maps[0]!.entries()).toEqual(m.entries());
  });

  it('names the map and entry in every error, and stores nothing then', () => {
    const set = new MapSet([def('hash', 4, 4, 1, { name: 'h' }), def('array', 4, 4, 2, { name: 'a' })]);
    const r = mapsFromJson(set, 'h', [{ key: 4294967296, value: 1 }, { key: 1 }, { key: 'zz', value: 1 }, 5]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors.map((e) => e.message)).toEqual([
        'map "h" entry 0: key: 4294967296 does not fit in 4 bytes',
        'map "h" entry 1: the value is missing',
        'map "h" entry 2: key: "zz" is neither hex bytes (like "0a000001") nor a hex number (like "0x0100000a")',
        'map "h" entry 3: expected an object like {"key": 1, "value": "0a000000"}',
      ]);
    }
    expect(set.maps[0]!.entries()).toEqual([]);
    const full = mapsFromJson(set, 'h', [{ key: 1, value: 1 }, { key: 2, value: 2 }]);
    expect(full.ok).toBe(false);
    if (!full.ok) expect(full.errors[0]!.message).toBe('map "h" entry 1: the update failed with E2BIG: the map is full (max_entries 1)');
    const idx = mapsFromJson(set, 'a', [{ key: 2, value: 1 }]);
    if (!idx.ok) expect(idx.errors[0]!.message).toContain('not below max_entries 2');
    const none = mapsFromJson(set, 'nope', []);
    if (!none.ok) expect(none.errors[0]!.message).toBe('there is no map named "nope"; the maps are: h, a');
  });

  it('fills per-CPU maps per CPU or all at once', () => {
    const set = new MapSet([def('percpu_hash', 4, 4, 4, { name: 'p' })], { cpus: 2 });
    expect(mapsFromJson(set, 'p', [{ key: 1, perCpu: [1, 2] }, { key: 2, value: 3 }]).ok).toBe(true);
    expect(set.maps[0]!.lookupPerCpu(u32(1))!.map(num)).toEqual([1, 2]);
    expect(set.maps[0]!.lookupPerCpu(u32(2))!.map(num)).toEqual([3, 3]);
    expect(mapsToJson(set).maps[0]!.entries[0]).toEqual({ key: '01000000', keyInt: 1, perCpu: ['01000000', '02000000'], perCpuInt: [1, 2] });
    const bad = mapsFromJson(set, 'p', [{ key: 1, perCpu: [1] }]);
    expect(bad.ok).toBe(false);
  });

  it('prints a readable table, omitting zero array entries', () => {
    const set = new MapSet([def('array', 4, 4, 4, { name: 'a' }), def('hash', 4, 4, 4, { name: 'h' }), def('ringbuf', 0, 0, 4096, { name: 'rb' })]);
    set.maps[0]!.update(u32(2), u32(5));
    set.maps[1]!.update(u32(300), u32(1));
    (set.maps[2] as RingBufMap).output(Uint8Array.of(0xab, 0xcd));
    expect(formatMaps(set)).toBe([
      'map 0 "a": array, key 4 B, value 4 B, max_entries 4, 1 non-zero',
      '  02000000 (2)  ->  05000000 (5)',
      '  (3 zero entries not shown)',
      'map 1 "h": hash, key 4 B, value 4 B, max_entries 4, 1 entry',
      '  2c010000 (300)  ->  01000000 (1)',
      'map 2 "rb": ringbuf, 4096 bytes',
      '  producer 16, consumer 0, 1 record waiting',
      '  record 0: 2 bytes abcd',
      '',
    ].join('\n'));
    expect(mapsToJson(set).maps[0]!.zeroEntries).toBe(3);
  });
});
