// Verifier-cost benchmarks (benny): how long bpfbox's `verify` takes, and how many instructions it
// processes, on three families of XDP programs, next to the running kernel's verifier when it can
// be asked (root, bpf() allowed; see src/oracle):
//
//   straight-line  100 .. 100,000 instructions: ALU on scalars, stack spills/fills, ctx reads
//   bounded loop   8 .. 4,096 iterations of a counter loop with a 5-instruction body
//   diamonds       1 .. 20 independent if/else diamonds on unknown values (2^K paths: pruning
//                  at each join keeps the work linear)
//
// Run with `node bench/verifier.js` after `npm run build`. Writes bench/results/verifier.json and
// bench/results/verifier.csv.
//
//   BENCH_TIME=<seconds>     benny maxTime per case (default 0.5; small programs need less)
//   BENCH_SUITES=a,b         only these suites (straight-line, loop, diamonds)
//   BENCH_NO_KERNEL=1        do not ask the kernel
//   BENCH_STATES_PER_INSN=n  verify's statesPerInsn (default: verify's own, 16; 0 keeps none)
//
// A 1.5 s warm-up on the smaller programs comes first. benny: cases whose first run takes over 1.5 s get one sample (benny still calls verify about
// three times); over 100 ms, two samples; else at least five. The kernel's time is the median of
// five loads (three from 10,000 instructions, one from 50,000): its `verification time` covers
// the whole of bpf_check, including the rewriting of ctx accesses after verification.
//
// The program generators are pure functions of an ISA module (`makeInsn`, `opByName`, `layout`,
// `encode`), so that test/bench-programs.test.ts can build the same programs from src/.

import { fileURLToPath } from 'node:url';

/** helper id of bpf_get_prandom_u32 */
const GET_PRANDOM_U32 = 7;
/** struct xdp_md offsets that any XDP program may read as plain u32 scalars */
const XDP_INGRESS_IFINDEX = 12;
const XDP_RX_QUEUE_INDEX = 16;
/** a case whose first run takes longer than this gets a single benny sample */
const CAP_ABOVE_MS = 1500;
/** JIT warm-up before the first case */
const WARMUP_MS = 1500;

export const STRAIGHT_SIZES = [100, 1_000, 10_000, 100_000];
export const LOOP_ITERATIONS = [8, 64, 512, 4_096];
export const DIAMOND_COUNTS = [1, 2, 5, 10, 20];

/** Instructions of a bounded loop program: before the loop, per iteration, after it. */
export const LOOP_SHAPE = { setup: 3, body: 5, tail: 2 };
/** Instructions of a diamond-chain program: before the chain, per diamond, after it. */
export const DIAMOND_SHAPE = { setup: 5, cond: 3, then: 5, else: 4, tail: 3 };

/**
 * The benchmark programs, built with the given ISA module (dist/isa or src/isa). Every generator
 * returns `{ insns, bytes, slots }`: the instruction list, its encoding, and its size in slots.
 */
export function programGenerators(isa) {
  const { makeInsn, opByName, encode } = isa;
  const I = (name, fields = {}) => makeInsn(opByName(name), fields);
  const done = (insns) => ({ insns, bytes: encode(insns), slots: insns.reduce((n, i) => n + i.op.slots, 0) });

  /**
   * (a) A straight-line program of exactly `n` instructions (n >= 16): a prologue reading the
   * context into callee-saved registers and initializing three stack slots, then a repeating
   * 16-instruction mix of 64/32-bit ALU on unknown scalars, spills, fills and ctx reads, and
   * `r0 &= 3; exit`. Every instruction is processed exactly once: `n` processed, no states.
   */
  function straightLine(n) {
    if (!Number.isInteger(n) || n < 16) throw new RangeError('straightLine: n must be an integer >= 16');
    const prologue = [
      I('mov64_reg', { dst: 6, src: 1 }), // r6 = ctx
      I('ldxw', { dst: 7, src: 6, off: XDP_INGRESS_IFINDEX }), // r7 = ctx->ingress_ifindex
      I('ldxw', { dst: 8, src: 6, off: XDP_RX_QUEUE_INDEX }), // r8 = ctx->rx_queue_index
      I('mov64_imm', { dst: 9, imm: 1 }),
      I('stxdw', { dst: 10, src: 7, off: -8 }),
      I('stxdw', { dst: 10, src: 8, off: -16 }),
      I('stxw', { dst: 10, src: 9, off: -24 }),
      I('mov64_imm', { dst: 0, imm: 0 }),
    ];
    const mix = [
      I('mov64_reg', { dst: 2, src: 7 }),
      I('add64_reg', { dst: 2, src: 8 }),
      I('xor64_imm', { dst: 2, imm: 0x5a5a }),
      I('stxdw', { dst: 10, src: 2, off: -8 }), // spill
      I('ldxw', { dst: 3, src: 6, off: XDP_INGRESS_IFINDEX }), // ctx read
      I('lsh64_imm', { dst: 3, imm: 3 }),
      I('or64_reg', { dst: 3, src: 2 }),
      I('stxdw', { dst: 10, src: 3, off: -16 }), // spill
      I('ldxdw', { dst: 4, src: 10, off: -8 }), // fill
      I('and64_imm', { dst: 4, imm: 0xffff }),
      I('ldxdw', { dst: 5, src: 10, off: -16 }), // fill
      I('rsh64_imm', { dst: 5, imm: 7 }),
      I('add64_reg', { dst: 7, src: 4 }),
      I('mov32_reg', { dst: 9, src: 5 }), // alu32
      I('mul32_imm', { dst: 9, imm: 3 }),
      I('stxw', { dst: 10, src: 9, off: -24 }), // spill (u32)
      I('ldxw', { dst: 8, src: 10, off: -24 }), // fill (u32)
      I('add64_reg', { dst: 0, src: 8 }),
    ];
    const epilogue = [I('and64_imm', { dst: 0, imm: 3 }), I('exit')];
    const insns = [...prologue];
    const fill = n - prologue.length - epilogue.length;
    for (let i = 0; i < fill; i++) insns.push(mix[i % mix.length]);
    insns.push(...epilogue);
    return done(insns);
  }

  /**
   * (b) A counter loop run `iterations` times (>= 1): r1 counts from 0, the body reads a ctx
   * field, masks it and adds it to r0, and `if r1 < iterations goto body` closes it. The kernel
   * explores every iteration (r1 is a precise constant, so no two iterations' states are equal):
   * LOOP_SHAPE.setup + iterations * LOOP_SHAPE.body + LOOP_SHAPE.tail processed.
   */
  function boundedLoop(iterations) {
    if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('boundedLoop: iterations must be >= 1');
    const insns = [
      I('mov64_reg', { dst: 6, src: 1 }), // r6 = ctx
      I('mov64_imm', { dst: 0, imm: 0 }),
      I('mov64_imm', { dst: 1, imm: 0 }), // r1 = counter
      // body: 5 instructions
      I('ldxw', { dst: 2, src: 6, off: XDP_RX_QUEUE_INDEX }),
      I('and64_imm', { dst: 2, imm: 0xff }),
      I('add64_reg', { dst: 0, src: 2 }),
      I('add64_imm', { dst: 1, imm: 1 }),
      I('jlt64_imm', { dst: 1, imm: iterations, off: -5 }),
      I('and64_imm', { dst: 0, imm: 3 }),
      I('exit'),
    ];
    return done(insns);
  }

  /**
   * (c) `k` (1..32) independent if/else diamonds: each tests one bit of a bpf_get_prandom_u32()
   * result (unknown to the verifier, so both arms are explored) and updates an accumulator from
   * an unknown ctx field differently in each arm. 2^k paths; at each join the else arm's state is
   * contained in the then arm's (the accumulator is not precise), so it is pruned there.
   */
  function diamonds(k) {
    if (!Number.isInteger(k) || k < 1 || k > 32) throw new RangeError('diamonds: k must be 1..32');
    const insns = [
      I('mov64_reg', { dst: 6, src: 1 }), // r6 = ctx
      I('call', { imm: GET_PRANDOM_U32 }),
      I('mov64_reg', { dst: 7, src: 0 }), // r7 = random bits
      I('ldxw', { dst: 8, src: 6, off: XDP_INGRESS_IFINDEX }), // r8 = unknown u32
      I('mov64_imm', { dst: 9, imm: 0 }), // r9 = accumulator
    ];
    for (let d = 0; d < k; d++) {
      insns.push(
        I('mov64_reg', { dst: 2, src: 7 }),
        I('rsh64_imm', { dst: 2, imm: d }),
        I('jset64_imm', { dst: 2, imm: 1, off: 5 }), // bit d set: else arm
        // then arm (5)
        I('mov64_reg', { dst: 3, src: 8 }),
        I('add64_imm', { dst: 3, imm: d + 1 }),
        I('add64_reg', { dst: 9, src: 3 }),
        I('stxdw', { dst: 10, src: 9, off: -8 }),
        I('ja', { off: 4 }),
        // else arm (4)
        I('mov64_reg', { dst: 3, src: 8 }),
        I('xor64_imm', { dst: 3, imm: d }),
        I('sub64_reg', { dst: 9, src: 3 }),
        I('stxdw', { dst: 10, src: 9, off: -8 }),
        // join: next diamond or the tail
      );
    }
    insns.push(
      I('mov64_reg', { dst: 0, src: 9 }),
      I('and64_imm', { dst: 0, imm: 3 }),
      I('exit'),
    );
    return done(insns);
  }

  return { straightLine, boundedLoop, diamonds };
}

/** The three suites: name, sizes, generator name, what the size means. */
export const SUITES = [
  { suite: 'straight-line', sizes: STRAIGHT_SIZES, gen: 'straightLine', unit: 'insns' },
  { suite: 'loop', sizes: LOOP_ITERATIONS, gen: 'boundedLoop', unit: 'iterations' },
  { suite: 'diamonds', sizes: DIAMOND_COUNTS, gen: 'diamonds', unit: 'diamonds' },
];

// ---- the benchmark run ------------------------------------------------------------------------

async function main() {
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  const { release } = await import('node:os');
  const { default: b } = await import('benny');
  const isa = await import('../dist/isa/index.js');
  const { verify } = await import('../dist/verifier/index.js');
  const oracle = await import('../dist/oracle/index.js');

  const here = dirname(fileURLToPath(import.meta.url));
  const outDir = join(here, 'results');
  const maxTime = Number(process.env.BENCH_TIME ?? 0.5);
  const statesPerInsn = process.env.BENCH_STATES_PER_INSN === undefined ? undefined : Number(process.env.BENCH_STATES_PER_INSN);
  const only = process.env.BENCH_SUITES ? new Set(process.env.BENCH_SUITES.split(',')) : null;
  const gens = programGenerators(isa);
  const started = Date.now();

  let kernel = { ok: false, reason: 'disabled by BENCH_NO_KERNEL' };
  if (!process.env.BENCH_NO_KERNEL) {
    try {
      kernel = oracle.kernelAvailable();
    } catch (e) {
      kernel = { ok: false, reason: e instanceof Error ? e.message : String(e) };
    }
  }

  console.log(`bpfbox verifier-cost benchmarks (node ${process.version}, linux ${release()}, benny maxTime ${maxTime} s)`);
  console.log(kernel.ok ? `kernel: available (Linux ${kernel.kernelRelease}, euid ${kernel.euid})\n` : `kernel: unavailable (${kernel.reason})\n`);

  const fmt = (n, digits = 1) =>
    n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const int = (n) => (n === null || n === undefined ? '-' : n.toLocaleString('en-US'));

  /** The kernel's verdict on `bytes`, loaded `loads` times: statistics and median verification time. */
  function kernelCost(bytes, loads) {
    if (!kernel.ok) return { available: false, reason: kernel.reason };
    try {
      const times = [];
      let v;
      for (let i = 0; i < loads; i++) {
        v = oracle.kernelVerify(bytes, { progType: 'xdp', logLevel: 0 });
        if (!v.accepted || !v.stats) break;
        times.push(v.stats.verificationTimeUs);
      }
      times.sort((x, y) => x - y);
      return {
        available: true,
        accepted: v.accepted,
        error: v.error ? v.error.message : null,
        processed: v.stats?.processedInsns ?? null,
        totalStates: v.stats?.totalStates ?? null,
        peakStates: v.stats?.peakStates ?? null,
        maxStatesPerInsn: v.stats?.maxStatesPerInsn ?? null,
        verifiedInsns: v.verifiedInsns,
        loads: times.length,
        verificationTimeUs: times.length ? times[Math.floor(times.length / 2)] : v.stats?.verificationTimeUs ?? null,
        verificationTimesUs: times,
      };
    } catch (e) {
      return { available: false, reason: e instanceof Error ? e.message : String(e) };
    }
  }

  // Warm up the JIT on small programs of every suite first, so the first cases are not penalized.
  const warmup = SUITES.flatMap((s) => s.sizes.slice(0, 2).map((size) => isa.layout(gens[s.gen](size).insns)));
  const warmOpts = { progType: 'xdp', ...(statesPerInsn === undefined ? {} : { statesPerInsn }) };
  for (const until = Date.now() + WARMUP_MS; Date.now() < until;) for (const w of warmup) verify(w, warmOpts);

  const results = [];

  for (const s of SUITES) {
    if (only && !only.has(s.suite)) continue;
    for (const size of s.sizes) {
      const p = gens[s.gen](size);
      const program = isa.layout(p.insns);
      const opts = { progType: 'xdp', logLevel: 0, ...(statesPerInsn === undefined ? {} : { statesPerInsn }) };
      const unit = size === 1 ? s.unit.replace(/s$/, '') : s.unit;
      const title = `${s.suite}, ${int(size)} ${unit}${s.unit === 'insns' ? '' : ` (${int(p.slots)} insns)`}`;

      // Once, outside benny: the statistics, and how slow one run is (to size the benny run).
      const t0 = performance.now();
      const probe = verify(program, opts);
      const probeMs = performance.now() - t0;
      const st = probe.stats;
      // Slow cases are capped: one sample (benny still makes about three calls in all).
      const capped = probeMs > CAP_ABOVE_MS;
      const caseOpts = capped ? { maxTime: 0.05, minSamples: 1, initCount: 1 }
        : probeMs > 100 ? { maxTime, minSamples: 2, initCount: 1 }
          : { maxTime, minSamples: 5 };

      let caseResult = null;
      await b.suite(
        `verify: ${title}`,
        b.add(title, () => {
          const r = verify(program, opts);
          if (r.stats.processedInsns !== st.processedInsns) throw new Error('processed count changed between runs');
        }, caseOpts),
        b.cycle((r) => {
          caseResult = r;
        }),
      );
      const meanMs = caseResult.details.mean * 1000;
      const margin = Number.isFinite(caseResult.margin) ? caseResult.margin : null;
      // The kernel's time varies from load to load: the median of a few (one for huge programs).
      const k = kernelCost(p.bytes, p.slots >= 50_000 ? 1 : p.slots >= 10_000 ? 3 : 5);
      const verdict = probe.accepted ? 'accepted' : `REJECTED at ${probe.error.pc}: ${probe.error.message}`;
      console.log(`  bpfbox: ${fmt(caseResult.ops, caseResult.ops < 10 ? 2 : 0)} ops/s, mean ${fmt(meanMs, 3)} ms ` +
        `(${margin === null ? '' : `±${fmt(margin, 2)}%, `}${caseResult.samples} sample${caseResult.samples === 1 ? '' : 's'}` +
        `${capped ? `, capped: one run took ${fmt(probeMs / 1000, 1)} s` : ''})`);
      console.log(`          ${verdict}; processed ${int(st.processedInsns)}, ` +
        `total_states ${int(st.totalStates)}, peak_states ${int(st.peakStates)}, max_states_per_insn ${st.maxStatesPerInsn}`);
      if (!k.available) console.log(`  kernel: unavailable (${k.reason})`);
      else if (!k.accepted) console.log(`  kernel: REJECTED: ${k.error}`);
      else {
        console.log(`  kernel: processed ${int(k.processed)}, total_states ${int(k.totalStates)}, ` +
          `peak_states ${int(k.peakStates)}, verification time ${int(k.verificationTimeUs)} us (median of ${k.loads})`);
      }
      results.push({
        suite: s.suite, size, unit: s.unit, insns: p.slots,
        bpfbox: {
          accepted: probe.accepted,
          error: probe.error ? { pc: probe.error.pc, code: probe.error.code, message: probe.error.message } : null,
          processed: st.processedInsns, totalStates: st.totalStates, peakStates: st.peakStates,
          maxStatesPerInsn: st.maxStatesPerInsn,
          opsPerSec: caseResult.ops, meanMs, marginPct: margin, samples: caseResult.samples,
          firstRunMs: probeMs, benny: { ...caseOpts, capped },
        },
        kernel: k,
      });
    }
  }

  // ---- table ----
  const rows = results.map((r) => {
    const k = r.kernel;
    const have = k.available && k.accepted;
    const kv = (x) => (have ? int(x) : '-');
    const notes = [];
    if (!r.bpfbox.accepted) notes.push(`bpfbox rejects: ${r.bpfbox.error.message}`);
    if (!k.available) notes.push(`kernel: unavailable (${k.reason})`);
    else if (!k.accepted) notes.push(`kernel rejects: ${k.error}`);
    else if (r.bpfbox.processed !== k.processed || r.bpfbox.totalStates !== k.totalStates || r.bpfbox.peakStates !== k.peakStates) {
      notes.push('statistics differ');
    }
    if (r.bpfbox.benny.capped) notes.push('benny capped');
    return [
      r.suite, int(r.size), int(r.insns),
      int(r.bpfbox.processed), kv(k.processed),
      int(r.bpfbox.totalStates), kv(k.totalStates),
      int(r.bpfbox.peakStates), kv(k.peakStates),
      fmt(r.bpfbox.meanMs, 3), have ? int(k.verificationTimeUs) : '-',
      notes.join('; '),
    ];
  });
  const head = ['suite', 'size', 'insns', 'processed', 'kernel', 'total_states', 'kernel', 'peak_states', 'kernel',
    'bpfbox ms', 'kernel us', 'notes'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const show = (r) => r.map((c, i) => (i === 0 || i === r.length - 1 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join('  ').trimEnd();
  console.log('\nSummary: bpfbox next to the kernel (bpfbox ms: benny mean of verify; kernel us: its `verification time`)');
  console.log(show(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(show(r));
  if (!kernel.ok) console.log(`\nkernel: unavailable (${kernel.reason})`);

  const seconds = (Date.now() - started) / 1000;
  console.log(`\n(total ${fmt(seconds)} s)`);

  // ---- files ----
  mkdirSync(outDir, { recursive: true });
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    kernelRelease: release(),
    kernel: kernel.ok ? { available: true, release: kernel.kernelRelease } : { available: false, reason: kernel.reason },
    benny: { maxTime, capAboveMs: CAP_ABOVE_MS, statesPerInsn: statesPerInsn ?? 'default' },
    totalSeconds: seconds,
    results,
  };
  writeFileSync(join(outDir, 'verifier.json'), JSON.stringify(json, null, 2) + '\n');
  const csvHead = 'suite,size,bpfbox_processed,kernel_processed,bpfbox_states,kernel_states,bpfbox_ms,kernel_us';
  const cell = (x) => (x === null || x === undefined ? '' : String(x));
  const csv = results.map((r) => {
    const k = r.kernel.available && r.kernel.accepted ? r.kernel : {};
    return [r.suite, r.size, r.bpfbox.processed, cell(k.processed), r.bpfbox.totalStates, cell(k.totalStates),
      r.bpfbox.meanMs.toFixed(4), cell(k.verificationTimeUs)].join(',');
  });
  writeFileSync(join(outDir, 'verifier.csv'), [csvHead, ...csv].join('\n') + '\n');
  console.log(`wrote ${join('bench', 'results', 'verifier.json')} and ${join('bench', 'results', 'verifier.csv')}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
