// Fleet-rollout simulation benchmarks (benny): simulated hosts per second for 10^4 .. 10^7 hosts.
// One case = one full simulateFleet() call of a preset: the bad-update run over the whole horizon
// (10 days, one-minute ticks, a sample every minute) plus the good-update run (2 days) that
// measures time_to_protect. Cost grows with the number of cohorts (a few thousand), not with the
// number of hosts; the hosts-per-second figure shows that.
//
// Run with `npm run bench:fleet` (builds first) or `node bench/fleet.js` after `npm run build`.
// Writes bench/results/fleet.json.
//
//   BENCH_TIME=<seconds per case>   benny maxTime (default 3)
//   BENCH_PRESETS=S1,S2             presets to measure (default S1, the one with the most work)
//   BENCH_SIZES=10000,100000        fleet sizes (default 1e4, 1e5, 1e6, 1e7)

import b from 'benny';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fleetPreset, simulateFleet } from '../dist/sim/fleet/index.js';

const maxTime = Number(process.env.BENCH_TIME ?? 3);
const presets = (process.env.BENCH_PRESETS ?? 'S1').split(',').map((s) => s.trim()).filter(Boolean);
const sizes = (process.env.BENCH_SIZES ?? '10000,100000,1000000,10000000').split(',').map(Number);

function fmt(n, digits = 1) {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function rate(hostsPerSec) {
  return hostsPerSec >= 1e6 ? `${fmt(hostsPerSec / 1e6, 2)} M` : `${fmt(hostsPerSec / 1e3, 1)} k`;
}

const summary = [];

async function benchCase(preset, hosts) {
  const cfg = fleetPreset(preset, { hosts, seed: 1 });
  const probe = simulateFleet(cfg);
  const crashed = probe.metrics.crashed_ever;
  const name = `${preset}, ${hosts.toLocaleString('en-US')} hosts`;
  await b.suite(
    `fleet ${name}`,
    b.add(name, () => {
      const r = simulateFleet(cfg);
      if (r.metrics.crashed_ever !== crashed) throw new Error('result changed between runs (determinism)');
    }, { maxTime, minSamples: 3 }),
    b.cycle((result) => {
      const runsPerSec = result.ops;
      const hostsPerSec = runsPerSec * hosts;
      console.log(
        `  ${rate(hostsPerSec)} hosts/s  (${fmt(1000 / runsPerSec, 0)} ms per run, ${probe.cohorts} cohorts, ±${fmt(result.margin, 2)}%)`,
      );
      summary.push({ preset, hosts, cohorts: probe.cohorts, msPerRun: 1000 / runsPerSec, hostsPerSec, margin: result.margin });
    }),
  );
}

const started = Date.now();
console.log(`bpfbox fleet simulation benchmarks (node ${process.version}, ${maxTime} s per case)\n`);
for (const p of presets) for (const n of sizes) await benchCase(p, n);

console.log('\nSummary');
console.log('-------');
for (const s of summary) {
  console.log(
    `${rate(s.hostsPerSec).padStart(10)} hosts/s  ${fmt(s.msPerRun, 0).padStart(6)} ms/run  ${s.preset} ${s.hosts.toLocaleString('en-US').padStart(12)} hosts`,
  );
}
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'fleet.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ node: process.version, date: new Date().toISOString(), results: summary }, null, 2)}\n`);
console.log(`\n(total ${fmt((Date.now() - started) / 1000)} s; wrote ${out})`);
