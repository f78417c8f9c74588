// Fleet-rollout simulation (issue 5 "The fleet", design ../shared/design/cf291.md B.e, B.f items 9-10).

import { parseHTML } from 'linkedom';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FLEET_FACTS,
  FLEET_PRESETS,
  fleetProgressBar,
  formatIncidentTime,
  thinFleetSeries,
  runFleetPresets,
  FLEET_STATES,
  type FleetConfig,
  type FleetResult,
  PRESET_NAMES,
  type PresetName,
  Rng,
  type DeepPartial,
  fleetChartSpec,
  fleetPreset,
  formatFleetTable,
  renderFleetChartSvg,
  simulateFleet,
} from '../src/sim/fleet/index.js';

/** log of the binomial coefficient via log-gamma (Lanczos, g = 7), accurate to ~1e-13 relative. */
function lgamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + g + 0.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function lchoose(n: number, k: number): number {
  return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

function sumAt(r: FleetResult, i: number): number {
  let s = 0;
  for (const st of FLEET_STATES) s += r.series.counts[st][i]!;
  return s;
}

function expectConserved(r: FleetResult): void {
  const n = r.series.tMin.length;
  expect(n).toBe(Math.floor(r.config.horizonMin / r.config.sampleEveryMin) + 1);
  for (let i = 0; i < n; i++) {
    const s = sumAt(r, i);
    if (s !== r.config.hosts) throw new Error(`sample ${i} (t=${r.series.tMin[i]}): ${s} != ${r.config.hosts}`);
    for (const st of FLEET_STATES) {
      const v = r.series.counts[st][i]!;
      if (!Number.isInteger(v) || v < 0) throw new Error(`${st} = ${v} at sample ${i}`);
    }
  }
}

/** A tiny fleet that is easy to reason about: every host eligible, always on, one network class. */
function handFleet(over: DeepPartial<FleetConfig>, pSync: number): FleetConfig {
  return fleetPreset('S1', {
    hosts: 1000,
    horizonMin: 3 * 1440,
    measureTimeToProtect: false,
    ...over,
    fleet: {
      osShares: { windows: 1, mac: 0, linux: 0 },
      windowsSensorOlderThan711Share: 0,
      schedules: [{ name: 'always-on', share: 1, kind: 'always', utcOffsetH: 0 }],
      network: [{ name: 'lan', share: 1, pSync, meanDeliveryMin: 2 }],
      ...(over.fleet ?? {}),
    },
    host: { meanTriggerMin: 0, rebootCycleMin: 4, maxRebootsAfterRevert: 15 },
    manual: { techsPer1000Hosts: 50, techStartAfterFirstCrashMin: 0 },
  });
}

describe('seeded PRNG and binomial sampler', () => {
  it('is deterministic per seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 20 }, () => a.nextU32());
    expect(Array.from({ length: 20 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.nextU32())).not.toEqual(xs);
  });

  it.each([
    [10, 0.3],
    [1000, 0.01],
    [1000, 0.5],
    [100_000, 0.2],
    [8_500_000, 0.37],
    [8_500_000, 0.999],
  ])('Binomial(%d, %d) has the right mean and variance and stays in range', (n, p) => {
    const rng = new Rng(7);
    const draws = 4000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < draws; i++) {
      const x = rng.binomial(n, p);
      expect(Number.isInteger(x)).toBe(true);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(n);
      s += x;
      s2 += x * x;
    }
    const mean = s / draws;
    const variance = s2 / draws - mean * mean;
    const mu = n * p;
    const sigma2 = n * p * (1 - p);
    // mean within 5 standard errors, variance within 15 %
    expect(Math.abs(mean - mu)).toBeLessThan(5 * Math.sqrt(sigma2 / draws) + 1e-9);
    expect(variance / sigma2).toBeGreaterThan(0.85);
    expect(variance / sigma2).toBeLessThan(1.15);
  });

  it.each([
    [60, 0.5],
    [100, 0.4],
    [1000, 0.05],
    [10_000, 0.3],
    [5_000_000, 0.01],
    [3_000, 0.97],
  ])('Binomial(%d, %d) fits the exact distribution (chi-square, BTRD and inversion paths)', (n, p) => {
    const draws = 200_000;
    const rng = new Rng(2024);
    const counts = new Map<number, number>();
    for (let i = 0; i < draws; i++) {
      const x = rng.binomial(n, p);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    // exact pmf in log space around the mean
    const mu = n * p;
    const sd = Math.sqrt(n * p * (1 - p));
    const lo = Math.max(0, Math.floor(mu - 8 * sd));
    const hi = Math.min(n, Math.ceil(mu + 8 * sd));
    const logPmf = (k: number): number => {
      return lchoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
    };
    let chi2 = 0;
    let df = -1;
    let pendingE = 0;
    let pendingO = 0;
    for (let k = lo; k <= hi; k++) {
      pendingE += draws * Math.exp(logPmf(k));
      pendingO += counts.get(k) ?? 0;
      if (pendingE >= 20) {
        chi2 += ((pendingO - pendingE) ** 2) / pendingE;
        df++;
        pendingE = 0;
        pendingO = 0;
      }
    }
    let outside = 0;
    for (const [k, c] of counts) if (k < lo || k > hi) outside += c;
    expect(outside).toBe(0);
    expect(df).toBeGreaterThan(5);
    // far beyond any plausible chi-square with df degrees of freedom: a biased sampler lands here
    expect(chi2).toBeLessThan(df + 6 * Math.sqrt(2 * df));
  });

  it('BTRD and beta splitting agree on the mean of a large draw', () => {
    const a = new Rng(5);
    const b = new Rng(6);
    let sa = 0;
    let sb = 0;
    for (let i = 0; i < 20_000; i++) {
      sa += a.binomial(8_500_000, 0.4);
      sb += b.binomialBetaSplit(8_500_000, 0.4);
    }
    const se = Math.sqrt((8_500_000 * 0.4 * 0.6) / 20_000);
    expect(Math.abs(sa / 20_000 - 3_400_000)).toBeLessThan(5 * se);
    expect(Math.abs(sb / 20_000 - 3_400_000)).toBeLessThan(5 * se);
  });

  it('handles the edges', () => {
    const rng = new Rng(1);
    expect(rng.binomial(0, 0.5)).toBe(0);
    expect(rng.binomial(100, 0)).toBe(0);
    expect(rng.binomial(100, 1)).toBe(100);
    const m = rng.multinomial(1000, [0.2, 0.3, 0.5]);
    expect(m.reduce((a, b) => a + b, 0)).toBe(1000);
  });
});

describe('simulateFleet: determinism and conservation', () => {
  it('gives identical results for the same seed and different ones for another seed', () => {
    const cfg = fleetPreset('S2', { hosts: 300_000, horizonMin: 2 * 1440, goodRunHorizonMin: 600, seed: 11 });
    const a = simulateFleet(cfg);
    const b = simulateFleet(cfg);
    expect(b.metrics).toEqual(a.metrics);
    expect(b.series).toEqual(a.series);
    expect(b.perRing).toEqual(a.perRing);
    const c = simulateFleet({ ...cfg, seed: 12 });
    expect(c.series.counts.BOOT_LOOP).not.toEqual(a.series.counts.BOOT_LOOP);
  });

  it('returns plain JSON data (no NaN, Infinity or typed arrays)', () => {
    for (const p of PRESET_NAMES) {
      const r = simulateFleet(fleetPreset(p, { hosts: 20_000, horizonMin: 1440, goodRunHorizonMin: 300 }));
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    }
  });

  it('does not mutate its config and echoes it', () => {
    const cfg = fleetPreset('S1', { hosts: 10_000, horizonMin: 600, measureTimeToProtect: false });
    const copy = structuredClone(cfg);
    const r = simulateFleet(cfg);
    expect(cfg).toEqual(copy);
    expect(r.config).toEqual(copy);
  });

  it.each(PRESET_NAMES)('%s conserves hosts at every sample (every cohort re-added)', (p) => {
    const r = simulateFleet(fleetPreset(p, { hosts: 60_000, horizonMin: 2 * 1440, goodRunHorizonMin: 600, seed: 3 }), {
      checkConservation: true,
    });
    expectConserved(r);
  });

  it('reports progress monotonically up to 1', () => {
    const seen: number[] = [];
    simulateFleet(fleetPreset('S1', { hosts: 20_000, horizonMin: 1440, goodRunHorizonMin: 300 }), { onProgress: (f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    expect(seen[seen.length - 1]).toBe(1);
  });
});

describe('8.5 million hosts (the 2024 scale, MS-0720)', () => {
  it('S1 accounts for every host exactly', () => {
    const r = simulateFleet(fleetPreset('S1', { seed: 1 }));
    const m = r.metrics;
    expect(r.config.hosts).toBe(8_500_000);
    expectConserved(r);
    expect(r.cohorts).toBeLessThan(10_000); // aggregated, not per host
    expect(m.exposed).toBeGreaterThan(1_000_000);
    expect(m.exposed).toBeLessThanOrEqual(m.eligible);
    expect(m.crashed_ever).toBeLessThanOrEqual(m.exposed);
    // every crashed host is healed, recovered, or still down at the end
    const last = r.series.tMin.length - 1;
    expect(m.self_healed + m.manual_touches + r.series.counts.BOOT_LOOP[last]! + r.series.counts.MANUAL_RECOVERY_QUEUE[last]!).toBe(m.crashed_ever);
    expect(r.series.counts.SELF_HEALED[last]).toBe(m.self_healed);
    expect(r.series.counts.RECOVERED[last]).toBe(m.manual_touches);
    expect(m.self_heal_reboots_histogram.reduce((a, b) => a + b, 0)).toBe(m.self_healed);
    expect(m.bitlocker_key_lookups).toBeLessThanOrEqual(m.manual_touches);
    expect(r.perRing.reduce((a, x) => a + x.crashed_ever, 0)).toBe(m.crashed_ever);
    expect(r.perRing.reduce((a, x) => a + x.eligible, 0)).toBe(m.eligible);
    expect(r.series.counts.INELIGIBLE[0]).toBe(m.hosts - m.eligible);
    // the revert comes at t0 + 78 min (PIR)
    expect(m.time_to_revert).toBe(78);
    // REC anchor: > 97 % of Windows sensors back by 25 July
    expect(m.recovered_share_at_day6!).toBeGreaterThan(0.97);
  });
});

describe('hand-checkable small fleets', () => {
  it('p_sync = 0: every exposed host crashes, none self-heals, technicians fix them all', () => {
    const r = simulateFleet(handFleet({}, 0), { checkConservation: true });
    const m = r.metrics;
    expect(m.eligible).toBe(1000);
    expect(m.exposed).toBe(1000);
    expect(m.crashed_ever).toBe(1000);
    expect(m.blast_radius).toBe(1);
    expect(m.self_healed).toBe(0);
    expect(m.manual_touches).toBe(1000);
    expect(m.manual_queue_at_end).toBe(0);
    // before the revert nothing can heal: the whole fleet is in the boot loop at t0 + 77
    expect(r.series.counts.BOOT_LOOP[77]).toBe(1000);
    // 15 failed reboots after the revert, 4 min apart, then the technicians
    expect(r.series.counts.BOOT_LOOP[78 + 15 * 4 + 4]).toBe(0);
  });

  it('p_sync = 1: every crashed host self-heals on its first reboot after the revert', () => {
    const r = simulateFleet(handFleet({}, 1), { checkConservation: true });
    const m = r.metrics;
    expect(m.crashed_ever).toBe(1000);
    expect(m.self_healed).toBe(1000);
    expect(m.self_heal_reboots_histogram[1]).toBe(1000);
    expect(m.manual_touches).toBe(0);
    expect(r.series.counts.BOOT_LOOP[78 + 4]).toBe(0);
    expect(m.time_to_99pct_recovered!).toBeLessThanOrEqual(78 + 4);
  });

  it('eBPF E1: every host refuses the update, nothing crashes, the gap is exposed hosts x hours', () => {
    const r = simulateFleet(handFleet({ modes: { 'ebpf-E1': 1 }, fixedContentAfterMin: 600 }, 0));
    const m = r.metrics;
    expect(m.crashed_ever).toBe(0);
    expect(m.rejected_loads).toBe(1000);
    expect(r.series.counts.REJECTED_UPDATE[200]).toBe(1000);
    expect(m.protection_gap_host_hours).toBeGreaterThan(1000 * 9);
    expect(m.protection_gap_host_hours).toBeLessThanOrEqual(1000 * 10);
    expect(m.first_alert_signal).toBe('rejections');
  });

  it('eBPF E2 counts a runtime error per refusing host', () => {
    const m = simulateFleet(handFleet({ modes: { 'ebpf-E2': 1 } }, 0)).metrics;
    expect(m.crashed_ever).toBe(0);
    expect(m.runtime_errors).toBe(m.rejected_loads);
    expect(m.rejected_loads).toBe(1000);
  });

  it('a mixed fleet splits outcomes by mode', () => {
    const m = simulateFleet(handFleet({ hosts: 10_000, modes: { driver: 1, 'ebpf-E1': 1 } }, 0.5)).metrics;
    expect(m.crashed_ever + m.rejected_loads).toBe(m.exposed);
    expect(m.crashed_ever).toBeGreaterThan(4500);
    expect(m.rejected_loads).toBeGreaterThan(4500);
  });

  it('Mac and Linux hosts and old sensors are never affected (PIR)', () => {
    const r = simulateFleet(
      fleetPreset('S1', {
        hosts: 5000,
        horizonMin: 600,
        measureTimeToProtect: false,
        fleet: { osShares: { windows: 0, mac: 0.5, linux: 0.5 } },
      }),
    );
    expect(r.metrics.eligible).toBe(0);
    expect(r.metrics.crashed_ever).toBe(0);
    expect(r.series.counts.INELIGIBLE.every((v) => v === 5000)).toBe(true);
  });

  it('all-at-once with revert on detection reverts at alert + response delay, before 78 min', () => {
    const cfg = handFleet({ hosts: 200_000, strategy: { revert: 'detection', responseDelayMin: 15 } as never }, 0.2);
    expect(cfg.strategy).toMatchObject({ kind: 'all-at-once', revert: 'detection', responseDelayMin: 15 });
    const m = simulateFleet(cfg).metrics;
    expect(m.first_alert_signal).toBe('heartbeat');
    expect(m.time_to_revert).toBe(m.first_alert_min! + 15);
    expect(m.time_to_revert!).toBeLessThan(78);
  });

  it('a good update as the main content: nothing fails, time_to_protect comes from the same run', () => {
    const r = simulateFleet(handFleet({ content: 'good', horizonMin: 600 }, 0));
    const m = r.metrics;
    expect(m.crashed_ever + m.rejected_loads + m.exposed).toBe(0);
    expect(m.first_alert_min).toBeNull();
    expect(m.time_to_revert).toBeNull();
    expect(r.series.counts.RUNNING_NEW[599]).toBe(1000);
    expect(m.time_to_protect!).toBeGreaterThan(0);
    expect(m.time_to_protect!).toBeLessThan(30);
    expect(r.goodRun!.tMin).toEqual(r.series.tMin);
  });

  it('pinning the sensor to N-1 does not hold back content (SF)', () => {
    const m = simulateFleet(handFleet({ fleet: { pinSensorNMinus1Share: 1 } }, 0)).metrics;
    expect(m.pinned_orgs_crashed).toBe(1000);
  });

  it('customer-controlled: paused orgs never get the content, delayed ones after the revert', () => {
    const cfg = handFleet(
      {
        hosts: 10_000,
        strategy: { kind: 'customer', gaAfterMin: 60, responseDelayMin: 15 },
        fleet: {
          orgPolicies: [
            { policy: 'early', share: 0.5 },
            { policy: 'delay', share: 0.25, delayHours: 24 },
            { policy: 'pause', share: 0.25 },
          ],
        },
      },
      0,
    );
    const m = simulateFleet(cfg).metrics;
    expect(m.crashed_ever).toBeGreaterThan(4500);
    expect(m.crashed_ever).toBeLessThan(5500);
    expect(m.time_to_revert!).toBeLessThan(78);
  });
});

describe('presets S1-S5: the qualitative outcomes hold for any seed (B.f item 9)', () => {
  const seeds = [1, 2, 3, 4, 5, 6];
  const runs = new Map<string, FleetResult>();
  const run = (p: PresetName, seed: number): FleetResult => {
    const key = `${p}/${seed}`;
    let r = runs.get(key);
    if (!r) {
      r = simulateFleet(fleetPreset(p, { hosts: 1_000_000, horizonMin: 3 * 1440, goodRunHorizonMin: 1440, seed }));
      runs.set(key, r);
    }
    return r;
  };

  it.each(seeds)('seed %d', (seed) => {
    const [s1, s2, s3, s4, s5] = PRESET_NAMES.map((p) => run(p, seed).metrics) as [
      FleetResult['metrics'], FleetResult['metrics'], FleetResult['metrics'], FleetResult['metrics'], FleetResult['metrics'],
    ];
    const r2 = run('S2', seed);
    // S2's blast radius is far smaller than S1's, bounded by internal + canary
    expect(s1.crashed_ever).toBeGreaterThan(0);
    expect(s2.crashed_ever).toBeGreaterThan(0);
    expect(s2.blast_radius).toBeLessThan(s1.blast_radius / 20);
    const internalCanary = r2.perRing.filter((x) => x.ring === 'internal' || x.ring === 'canary').reduce((a, x) => a + x.eligible, 0);
    expect(s2.crashed_ever).toBeLessThanOrEqual(internalCanary);
    expect(r2.perRing.find((x) => x.ring === 'ga')!.exposed).toBe(0);
    // S3 and S4: zero crashes but a nonzero protection gap
    for (const m of [s3, s4]) {
      expect(m.crashed_ever).toBe(0);
      expect(m.downtime_host_hours).toBe(0);
      expect(m.rejected_loads).toBeGreaterThan(0);
      expect(m.protection_gap_host_hours).toBeGreaterThan(0);
    }
    // S2 and S4 pay for staging with a later time_to_protect for a good update
    for (const staged of [s2, s4]) {
      for (const fast of [s1, s3]) expect(staged.time_to_protect!).toBeGreaterThan(fast.time_to_protect!);
    }
    // no false alarms on the good update
    for (const m of [s1, s2, s3, s4, s5]) expect(m.good_run_false_alarm).toBe(false);
    // S5: a gate that only watches crash reports sees nothing from boot-looping hosts
    expect(s5.time_to_detect!).toBeGreaterThan(s2.time_to_detect!);
    expect(s5.crashed_ever).toBeGreaterThan(5 * s2.crashed_ever);
    expect(s5.downtime_host_hours).toBeGreaterThan(s2.downtime_host_hours);
    expect(s5.crashed_ever).toBeLessThan(s1.crashed_ever);
    // S1 is the worst
    expect(s1.downtime_host_hours).toBeGreaterThan(s5.downtime_host_hours);
  });

  it('every preset is described and maps to the design', () => {
    expect(Object.keys(FLEET_PRESETS).sort()).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect(fleetPreset('S1').strategy).toMatchObject({ kind: 'all-at-once', revertAtMin: 78 });
    expect(fleetPreset('S2').strategy.kind).toBe('staged');
    expect(fleetPreset('S3').modes).toEqual({ 'ebpf-E1': 1 });
    expect(fleetPreset('S4').modes).toEqual({ 'ebpf-E2': 1 });
    expect(fleetPreset('S5').monitor.gateSignals).toEqual(['crash_reports']);
    expect(fleetPreset('S2').fleet.rings.map((r) => [r.name, r.share, r.bakeMin])).toEqual([
      ['internal', 0.001, 15],
      ['canary', 0.01, 30],
      ['early', 0.1, 60],
      ['ga', 0.889, 0],
    ]);
    expect(fleetPreset('S2').monitor.threshold).toBe(0.005);
    expect(fleetPreset('S1', { seed: 9 }).seed).toBe(9);
  });
});

describe('output: table and chart', () => {
  let results: (FleetResult & { label: string })[] = [];
  beforeAll(() => {
    results = PRESET_NAMES.map((p) => ({
      label: p,
      ...simulateFleet(fleetPreset(p, { hosts: 50_000, horizonMin: 2 * 1440, goodRunHorizonMin: 600 })),
    }));
  });

  it('formats a table with one column per result', () => {
    const t = formatFleetTable(results);
    const lines = t.split('\n');
    expect(lines[0]).toMatch(/metric\s+S1\s+S2\s+S3\s+S4\s+S5/);
    for (const k of ['crashed_ever', 'blast_radius', 'time_to_detect', 'protection_gap_host_hours', 'time_to_protect']) {
      expect(t).toContain(k);
    }
    expect(t).toContain('78 min');
  });

  it('builds a plain Plot spec with one line mark over all series', () => {
    const spec = fleetChartSpec(results);
    expect(spec.marks!.length).toBeGreaterThan(2);
    expect((spec.color as { domain: string[] }).domain).toEqual(['S1', 'S2', 'S3', 'S4', 'S5']);
    expect('document' in spec).toBe(false);
  });

  it('renders an SVG that parses and has one path per series', () => {
    const svg = renderFleetChartSvg(results);
    expect(svg.startsWith('<?xml')).toBe(true);
    const { document } = parseHTML(`<html><body>${svg.replace(/^<\?xml[^>]*>/, '')}</body></html>`);
    const root = document.querySelector('svg');
    expect(root).not.toBeNull();
    expect(root!.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    const lineGroup = document.querySelector('g[aria-label="line"]');
    expect(lineGroup).not.toBeNull();
    expect(lineGroup!.querySelectorAll('path').length).toBe(results.length);
    for (const p of PRESET_NAMES) expect(svg).toContain(`>${p}<`);
  });
});

describe('sources and helpers', () => {
  it('every real-world number names a source key of the design (B.f item 10)', () => {
    const keys = ['PIR', 'RCA', 'TECH', 'MS-0720', 'MS-0727', 'MS-WRI', 'AZ', 'REC', 'BC50', 'START', 'KV', 'SF', 'HN', 'CVE'];
    expect(FLEET_FACTS.length).toBeGreaterThan(5);
    for (const f of FLEET_FACTS) expect(keys).toContain(f.source);
    const values = FLEET_FACTS.map((f) => f.value);
    expect(values).toContain(78);
    expect(values).toContain(8_500_000);
    expect(values).toContain(15);
  });

  it('shows sim time on the incident clock and thins series', () => {
    expect(formatIncidentTime(0)).toBe('2024-07-19 04:09 UTC');
    expect(formatIncidentTime(78)).toBe('2024-07-19 05:27 UTC');
    const r = simulateFleet(fleetPreset('S1', { hosts: 5000, horizonMin: 600, measureTimeToProtect: false }));
    const th = thinFleetSeries(r.series, 60);
    expect(th.tMin).toEqual([0, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600]);
    expect(th.counts.BOOT_LOOP[1]).toBe(r.series.counts.BOOT_LOOP[60]);
  });

  it('the progress bar stays silent off a TTY and with --json', () => {
    const fake = { isTTY: false, write: () => true } as unknown as NodeJS.WriteStream;
    expect(fleetProgressBar({ stream: fake }).enabled).toBe(false);
    const tty = { isTTY: true, write: () => true, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true } as unknown as NodeJS.WriteStream;
    expect(fleetProgressBar({ stream: tty, json: true }).enabled).toBe(false);
    const bar = fleetProgressBar({ stream: tty });
    expect(bar.enabled).toBe(true);
    bar.onProgress(0.5);
    bar.stop();
  });

  it('runFleetPresets labels each run and spreads progress over all of them', () => {
    const seen: number[] = [];
    const rs = runFleetPresets(['S1', 'S3'], { hosts: 5000, horizonMin: 300, goodRunHorizonMin: 200 }, { onProgress: (f) => seen.push(f) });
    expect(rs.map((r) => r.label)).toEqual(['S1', 'S3']);
    expect(Math.max(...seen)).toBe(1);
    expect(seen.some((f) => f > 0.4 && f < 0.6)).toBe(true);
  });
});
