// Interpreter benchmarks (benny). Reports executed eBPF instructions per second:
// instructions executed by one run x runs per second. Run with `npm run bench` (builds first).
//
//   BENCH_TIME=<seconds per case>   (default 3)

import b from 'benny';
import { run } from '../dist/vm/index.js';
import { aluLoop, checksumLoop, divLoop, hashLoop, spillLoop, tinyProgram } from './programs.js';

const maxTime = Number(process.env.BENCH_TIME ?? 3);
const caseOptions = { maxTime, minSamples: 5 };

const checksumInput = new Uint8Array(2048);
for (let i = 0; i < checksumInput.length; i++) checksumInput[i] = (i * 131 + 7) & 0xff;

/** name, program, options, whether to report per-run rate rather than instructions */
const CASES = [
  { suite: 'ALU loop', name: 'alu64/alu32 x4 + jne, 100k iterations', program: aluLoop(100_000), opts: {} },
  { suite: '64-bit multiply / hash', name: 'FNV-1a + xorshift, 100k iterations', program: hashLoop(100_000), opts: {} },
  {
    suite: 'byte checksum over 2 KiB', name: 'ldxb + 3 adds + jlt per byte, 16 passes',
    program: checksumLoop(16), opts: { mem: checksumInput },
  },
  { suite: 'stack spill/fill', name: '2 stxdw + 2 ldxdw via r10, 100k iterations', program: spillLoop(100_000), opts: {} },
  { suite: '64-bit div/mod mix', name: 'div, mod, sdiv, mod (full 64-bit), 20k iterations', program: divLoop(20_000), opts: {} },
  { suite: 'per-run overhead', name: 'mov r0, 1; exit', program: tinyProgram(), opts: {}, perRun: true },
  {
    suite: 'per-run overhead', name: 'mov r0, 1; exit with 8 bytes of input memory',
    program: tinyProgram(), opts: { mem: new Uint8Array(8) }, perRun: true,
  },
];

function fmt(n, digits = 1) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const summary = [];

async function benchCase(c) {
  // Check the program once (it must not fault) and learn how many instructions a run executes.
  const probe = run(c.program, c.opts);
  if (probe.fault) throw new Error(`${c.name}: ${probe.fault.message}`);
  const insnsPerRun = probe.insns;
  const expected = probe.r0;

  await b.suite(
    `${c.suite}: ${c.name}`,
    b.add(c.name, () => {
      const r = run(c.program, c.opts);
      if (r.r0 !== expected) throw new Error('result changed between runs');
    }, caseOptions),
    b.cycle((result) => {
      const runsPerSec = result.ops;
      const insnsPerSec = runsPerSec * insnsPerRun;
      const line = c.perRun
        ? `  ${fmt(runsPerSec / 1e6, 2)} M runs/s (${fmt(1e9 / runsPerSec, 0)} ns per run, ${insnsPerRun} insns)`
        : `  ${fmt(insnsPerSec / 1e6)} M eBPF insns/s  (${fmt(runsPerSec, 0)} runs/s x ${insnsPerRun.toLocaleString('en-US')} insns/run, ±${fmt(result.margin, 2)}%)`;
      console.log(line);
      summary.push({ suite: c.suite, name: c.name, insnsPerSec, runsPerSec, perRun: c.perRun === true, margin: result.margin });
    }),
  );
}

const started = Date.now();
console.log(`bpfbox interpreter benchmarks (node ${process.version}, ${maxTime} s per case)\n`);
for (const c of CASES) await benchCase(c);

console.log('\nSummary');
console.log('-------');
for (const s of summary) {
  const value = s.perRun
    ? `${fmt(s.runsPerSec / 1e6, 2).padStart(8)} M runs/s`
    : `${fmt(s.insnsPerSec / 1e6).padStart(8)} M insns/s`;
  console.log(`${value}  ±${fmt(s.margin, 1).padStart(4)}%  ${s.suite}: ${s.name}`);
}
console.log(`\n(total ${fmt((Date.now() - started) / 1000)} s)`);
