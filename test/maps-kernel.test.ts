// Differential test of the maps runtime against the running kernel (through the oracle addon):
// the same map definitions are created, and the same host-side update sequences applied, in the
// kernel and in bpfbox; creation verdicts, every errno and every looked-up value must be equal.
// SKIPPED (with the reason printed) when the kernel oracle is unavailable.

import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { kernelAvailable, loadAddon } from '../src/oracle/index.js';
import type { NativeAddon } from '../src/oracle/native.js';
import { type MapDef, MapSet, checkMapDef, mapTypeId } from '../src/runtime/maps/index.js';

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

type Op = { op: 'update'; key: number; value: number; flags: number } | { op: 'lookup'; key: number };

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
    if (rnd(3) === 0) ops.push({ op: 'lookup', key });
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
          if (op.op === 'update') {
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
