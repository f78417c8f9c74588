// The verifier benchmark's inputs (bench/verifier.js) are valid: each generator's smallest
// programs are accepted by bpfbox's verifier, with hand-computed processed counts for the
// straight-line and loop programs; and, when the running kernel can be asked, by the kernel too,
// with the same counts (SKIPPED with the reason printed otherwise).

import { describe, expect, it } from 'vitest';

import * as isa from '../src/isa/index.js';
import { kernelAvailable, kernelVerify } from '../src/oracle/index.js';
import { verify, verifyBytes } from '../src/verifier/index.js';
// @ts-ignore: plain JavaScript without declarations (bench/ is not part of the typed build)
import * as bench from '../bench/verifier.js';

interface Generated {
  insns: isa.Insn[];
  bytes: Uint8Array;
  slots: number;
}
interface Generators {
  straightLine(n: number): Generated;
  boundedLoop(iterations: number): Generated;
  diamonds(k: number): Generated;
}

const gens = bench.programGenerators(isa) as Generators;
const XDP = { progType: 'xdp' } as const;

/** verify() on the instruction list and verifyBytes() on its encoding must agree. */
function check(p: Generated) {
  const r = verify(isa.layout(p.insns), XDP);
  const rb = verifyBytes(p.bytes, XDP);
  expect(rb.accepted).toBe(r.accepted);
  expect(rb.stats.processedInsns).toBe(r.stats.processedInsns);
  expect(p.bytes.length).toBe(p.slots * 8);
  return r;
}

// Hand-computed processed counts.
// Straight line: every instruction once.
const straightProcessed = (n: number) => n;
// Loop: r6 = r1; r0 = 0; r1 = 0 (3), then per iteration ldxw, and, add, add, jlt (5): the
// counter is a known constant, so every iteration is explored and only one arm of the jlt is
// possible; then r0 &= 3; exit (2).
const loopProcessed = (iterations: number) => 3 + 5 * iterations + 2;
// Diamonds, with pruning at every join (the kernel): the fall-through path through every then arm
// (5 setup + k * (3 test + 5 then) + 3 tail), then each else arm (4) plus its join, where the
// state is found safe (1).
const diamondsPruned = (k: number) => 5 + 8 * k + 3 + 5 * k;
// Without any pruning: every one of the 2^k paths from each branch point to the end.
function diamondsUnpruned(k: number): number {
  // cost(d) = instructions processed from diamond d (0-based) to exit along all paths
  let cost = 3; // the tail
  for (let d = k - 1; d >= 0; d--) cost = 3 + (5 + cost) + (4 + cost);
  return 5 + cost;
}

describe('benchmark program generators', () => {
  it('shapes: sizes, constants exported for the benchmark', () => {
    expect(bench.STRAIGHT_SIZES).toEqual([100, 1_000, 10_000, 100_000]);
    expect(bench.LOOP_ITERATIONS).toEqual([8, 64, 512, 4_096]);
    expect(bench.DIAMOND_COUNTS).toEqual([1, 2, 5, 10, 20]);
    for (const n of [16, 100, 1_000, 1_234]) expect(gens.straightLine(n).slots).toBe(n);
    for (const n of [1, 8, 4_096]) expect(gens.boundedLoop(n).slots).toBe(10);
    for (const k of [1, 2, 20]) expect(gens.diamonds(k).slots).toBe(8 + 12 * k);
    expect(() => gens.straightLine(10)).toThrow(RangeError);
    expect(() => gens.boundedLoop(0)).toThrow(RangeError);
    expect(() => gens.diamonds(0)).toThrow(RangeError);
  });

  it('straight-line programs are accepted and process every instruction once, without states', () => {
    for (const n of [100, 1_000]) {
      const r = check(gens.straightLine(n));
      expect(r.error).toBeNull();
      expect(r.accepted).toBe(true);
      expect(r.stats.processedInsns).toBe(straightProcessed(n));
      expect(r.stats.totalStates).toBe(0);
      expect(r.stats.peakStates).toBe(0);
    }
  });

  it('bounded loops are accepted and explore every iteration', () => {
    for (const iterations of [8, 64]) {
      const r = check(gens.boundedLoop(iterations));
      expect(r.error).toBeNull();
      expect(r.accepted).toBe(true);
      expect(r.stats.processedInsns).toBe(loopProcessed(iterations));
    }
    expect(loopProcessed(8)).toBe(45);
  });

  it('diamond chains are accepted with every else arm pruned at its join, as the kernel does', () => {
    expect([1, 2, 5].map(diamondsPruned)).toEqual([21, 34, 73]);
    expect([1, 2].map(diamondsUnpruned)).toEqual([23, 53]);
    for (const k of [1, 2, 5, 10, 20]) {
      const r = check(gens.diamonds(k));
      expect(r.error).toBeNull();
      expect(r.accepted).toBe(true);
      expect(r.stats.processedInsns).toBe(diamondsPruned(k));
      expect(r.stats.totalStates).toBe(k);
    }
  });
});

const avail = kernelAvailable();
if (!avail.ok) {
  console.warn(`\n*** kernel checks of the benchmark programs are SKIPPED: ${avail.reason} ***\n`);
}

describe.skipIf(!avail.ok)('benchmark programs in the running kernel', () => {
  const kernel = (p: Generated) => {
    const v = kernelVerify(p.bytes, { progType: 'xdp', logLevel: 0 });
    expect(v.error).toBeNull();
    expect(v.accepted).toBe(true);
    return v.stats!;
  };

  it('accepts the straight-line programs, processing each instruction once', () => {
    for (const n of [100, 1_000]) expect(kernel(gens.straightLine(n)).processedInsns).toBe(straightProcessed(n));
  });

  it('accepts the bounded loops up to 4,096 iterations, exploring every iteration', () => {
    for (const iterations of [8, 4_096]) {
      expect(kernel(gens.boundedLoop(iterations)).processedInsns).toBe(loopProcessed(iterations));
    }
  });

  it('accepts the diamond chains up to 20, pruning every else arm at its join', () => {
    for (const k of [1, 2, 20]) {
      const s = kernel(gens.diamonds(k));
      expect(s.processedInsns).toBe(diamondsPruned(k));
      expect(s.totalStates).toBe(k);
    }
  });
});
