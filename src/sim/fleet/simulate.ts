// Seeded discrete-time, discrete-event simulation of a content rollout across a fleet
// (../shared/design/cf291.md part B.e). Hosts that behave identically are aggregated into cohorts
// (ring x org policy x pinned x mode x schedule x network x BitLocker); each one-minute tick moves
// integer counts between states with exact binomial draws, so 8.5 M hosts cost the same as a few
// thousand cohorts. Hosts in the manual-recovery queue are pooled per org class and BitLocker class
// (the technicians' pools). See docs/fleet.md for the model and its deviations.

import {
  type FleetConfig,
  type GateSignal,
  type HostMode,
  HOST_MODES,
  INCIDENT_T0_MS,
  type OrgPolicyKind,
} from './config.js';
import { Rng } from './rng.js';

export const FLEET_STATES = [
  'INELIGIBLE',
  'OFFLINE',
  'RUNNING_OLD',
  'RUNNING_NEW',
  'REJECTED_UPDATE',
  'BOOT_LOOP',
  'SELF_HEALED',
  'MANUAL_RECOVERY_QUEUE',
  'RECOVERED',
  'REVERTED',
] as const;
export type FleetState = (typeof FLEET_STATES)[number];

/** What each state means (for docs, tables and the web page). */
export const FLEET_STATE_INFO: Readonly<Record<FleetState, string>> = {
  INELIGIBLE: 'Mac, Linux, or Windows with a sensor older than 7.11: never affected (PIR)',
  OFFLINE: 'eligible, powered off by its schedule, has not been offered the update',
  RUNNING_OLD: 'eligible, online, still on the previous content, not yet offered the update',
  RUNNING_NEW: 'loaded the new content (good update: protected; bad update in driver mode: about to bug-check)',
  REJECTED_UPDATE: 'eBPF mode: refused the bad update (E1 at load, E2 by dry run), still running the old content: up but in the protection gap',
  BOOT_LOOP: 'bug-checked and in the crash/reboot cycle: the content on disk crashes it at every boot',
  SELF_HEALED: 'the content sync won the race on a reboot after the revert',
  MANUAL_RECOVERY_QUEUE: 'gave up rebooting; waiting for a technician (safe mode, delete C-00000291*.sys)',
  RECOVERED: 'recovered by hand',
  REVERTED: 'received the bad content but got the rollback before it triggered',
};

const S_OFF = 0;
const S_OLD = 1;
const S_NEW = 2;
const S_REJ = 3;
const S_HEALED = 4;
const S_REVERTED = 5;
const NCS = 6; // per-cohort state slots (boot loop and manual queue are kept separately)

export interface FleetMetrics {
  hosts: number;
  eligible: number;
  /** hosts that received the bad content (driver: loaded it; eBPF: refused it) */
  exposed: number;
  crashed_ever: number;
  peak_in_boot_loop: number;
  /** minute (from t0) of the boot-loop peak */
  peak_in_boot_loop_at_min: number;
  self_healed: number;
  /** self-heals by the number of post-revert reboots it took (index 1..maxRebootsAfterRevert) */
  self_heal_reboots_histogram: number[];
  reboots_total: number;
  manual_touches: number;
  bitlocker_key_lookups: number;
  bitlocker_keys_not_escrowed: number;
  /** still waiting for a technician at the end of the horizon */
  manual_queue_at_end: number;
  /** first failure (bug check or rejection) -> first alert, minutes */
  time_to_detect: number | null;
  /** first failure -> rollout stopped (halt or revert), minutes */
  time_to_halt: number | null;
  /** release -> revert / rollback published, minutes */
  time_to_revert: number | null;
  first_failure_min: number | null;
  first_alert_min: number | null;
  /** which signal raised the first alert */
  first_alert_signal: GateSignal | 'human' | null;
  halt_min: number | null;
  revert_min: number | null;
  /** crashed / eligible */
  blast_radius: number;
  downtime_host_hours: number;
  /** release -> 99 % of crashed hosts running again (null: no crash, or not within the horizon) */
  time_to_99pct_recovered: number | null;
  /** share of crashed hosts running again at t0 + 6 days (REC anchor: > 97 % by 25 July) */
  recovered_share_at_day6: number | null;
  rejected_loads: number;
  /** E2: runtime field-bounds errors counted by the dry runs */
  runtime_errors: number;
  protection_gap_host_hours: number;
  /** good update: release -> 99 % of online eligible hosts run it (null: not within the good-run horizon) */
  time_to_protect: number | null;
  /** hosts in orgs that pinned the sensor to N-1 that crashed anyway (SF) */
  pinned_orgs_crashed: number;
  /** rings released before the rollout stopped */
  rings_released: string[];
  /** the good-update run halted on a false alarm */
  good_run_false_alarm: boolean;
}

export interface RingMetrics {
  ring: string;
  eligible: number;
  exposed: number;
  crashed_ever: number;
  blast_radius: number;
  self_healed: number;
  rejected_loads: number;
  released_at_min: number | null;
}

export interface FleetSeries {
  /** sample times, minutes from t0 */
  tMin: number[];
  counts: Record<FleetState, number[]>;
  /** BOOT_LOOP + MANUAL_RECOVERY_QUEUE */
  down: number[];
}

export interface FleetResult {
  config: FleetConfig;
  t0Utc: string;
  metrics: FleetMetrics;
  perRing: RingMetrics[];
  series: FleetSeries;
  /** the good-update run's share of online eligible hosts protected over time (sampled like series;
   *  the extra good-update run stops once 99 % is reached, so this may end before goodRunHorizonMin) */
  goodRun: { tMin: number[]; protectedShare: number[] } | null;
  cohorts: number;
  elapsedMs: number;
}

export interface SimulateOptions {
  onProgress?(fraction: number): void;
  /** re-add every cohort at each sample and compare with the running totals (slow; tests) */
  checkConservation?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Fleet composition

interface Fleet {
  hosts: number;
  ineligible: number;
  eligible: number;
  n: number;
  ring: Uint8Array;
  policy: Uint8Array;
  pinned: Uint8Array;
  mode: Uint8Array;
  sched: Uint8Array;
  net: Uint8Array;
  bl: Uint8Array;
  size: Float64Array;
  /** pool index: (policy * 2 + pinned) * 3 + bl */
  pool: Uint16Array;
  nPools: number;
  poolEligible: Float64Array;
  ringEligible: Float64Array;
}

function normalise(xs: number[]): number[] {
  const s = xs.reduce((a, b) => a + Math.max(0, b), 0);
  if (!(s > 0)) throw new Error('fleet shares must have a positive sum');
  return xs.map((x) => Math.max(0, x) / s);
}

function buildFleet(cfg: FleetConfig, rng: Rng): Fleet {
  const f = cfg.fleet;
  const hosts = Math.max(0, Math.round(cfg.hosts));
  const os = normalise([f.osShares.windows, f.osShares.mac, f.osShares.linux]);
  const [win = 0] = rng.multinomial(hosts, os);
  const old = rng.binomial(win, Math.min(1, Math.max(0, f.windowsSensorOlderThan711Share)));
  const eligible = win - old;

  const dims: number[][] = [
    normalise(f.rings.map((r) => r.share)),
    normalise(f.orgPolicies.map((p) => p.share)),
    normalise([1 - f.pinSensorNMinus1Share, f.pinSensorNMinus1Share]),
    normalise(HOST_MODES.map((m) => cfg.modes[m] ?? 0)),
    normalise(f.schedules.map((s) => s.share)),
    normalise(f.network.map((s) => s.share)),
    normalise([f.bitlocker.none, f.bitlocker.escrowed, f.bitlocker.notEscrowed]),
  ];
  const cells: { idx: number[]; n: number }[] = [];
  const split = (d: number, n: number, idx: number[]): void => {
    if (n === 0) return;
    if (d === dims.length) {
      cells.push({ idx: idx.slice(), n });
      return;
    }
    const probs = dims[d]!;
    // Chained binomials over the non-zero categories only (keeps the last-category rule exact).
    const nz = probs.map((p, i) => [p, i] as const).filter(([p]) => p > 0);
    const counts = rng.multinomial(n, nz.map(([p]) => p));
    for (let k = 0; k < nz.length; k++) {
      idx.push(nz[k]![1]);
      split(d + 1, counts[k]!, idx);
      idx.pop();
    }
  };
  split(0, eligible, []);

  const n = cells.length;
  const fl: Fleet = {
    hosts,
    ineligible: hosts - eligible,
    eligible,
    n,
    ring: new Uint8Array(n),
    policy: new Uint8Array(n),
    pinned: new Uint8Array(n),
    mode: new Uint8Array(n),
    sched: new Uint8Array(n),
    net: new Uint8Array(n),
    bl: new Uint8Array(n),
    size: new Float64Array(n),
    pool: new Uint16Array(n),
    nPools: f.orgPolicies.length * 2 * 3,
    poolEligible: new Float64Array(f.orgPolicies.length * 2 * 3),
    ringEligible: new Float64Array(f.rings.length),
  };
  cells.forEach((c, i) => {
    const [ring, pol, pin, mode, sched, net, bl] = c.idx as [number, number, number, number, number, number, number];
    fl.ring[i] = ring;
    fl.policy[i] = pol;
    fl.pinned[i] = pin;
    fl.mode[i] = mode;
    fl.sched[i] = sched;
    fl.net[i] = net;
    fl.bl[i] = bl;
    fl.size[i] = c.n;
    const pool = (pol * 2 + pin) * 3 + bl;
    fl.pool[i] = pool;
    fl.poolEligible[pool]! += c.n;
    fl.ringEligible[ring]! += c.n;
  });
  return fl;
}

// ---------------------------------------------------------------------------------------------
// Schedules

const MIN_PER_DAY = 1440;
/** time_to_protect: share of online eligible hosts running the good update */
const PROTECTED_SHARE = 0.99;
const T0_EPOCH_MIN = INCIDENT_T0_MS / 60000;

/** Local minute of day and weekday (0 = Sunday) at sim minute t for a UTC offset. */
function localTime(t: number, offsetH: number): { mod: number; dow: number } {
  const lm = T0_EPOCH_MIN + t + offsetH * 60;
  const day = Math.floor(lm / MIN_PER_DAY);
  return { mod: lm - day * MIN_PER_DAY, dow: (((day + 4) % 7) + 7) % 7 };
}

/** schedule moves are applied in 5-minute steps (arrivals and departures within a step coincide) */
const SCHED_STEP_MIN = 5;

interface SchedAction {
  kind: 0 | 1 | 2; // none, arrive, depart
  /** minutes left in the window including this one */
  left: number;
}

function schedAction(cfg: FleetConfig, s: number, t: number): SchedAction {
  const b = cfg.fleet.schedules[s]!;
  if (b.kind !== 'workday') return { kind: 0, left: 0 };
  const { mod, dow } = localTime(t, b.utcOffsetH);
  const w = Math.max(1, Math.round(b.spreadMin ?? 120));
  const on = Math.round((b.onLocalH ?? 8) * 60);
  const off = Math.round((b.offLocalH ?? 18) * 60);
  const weekday = dow >= 1 && dow <= 5;
  // Moves happen every SCHED_STEP_MIN minutes inside the window; `left` counts the remaining
  // steps, so each step moves an equal share of the hosts still to move.
  const inWin = (start: number): number => {
    const j = (((mod - start) % MIN_PER_DAY) + MIN_PER_DAY) % MIN_PER_DAY;
    if (j >= w || j % SCHED_STEP_MIN !== 0) return 0;
    return Math.ceil((w - j) / SCHED_STEP_MIN);
  };
  const a = inWin(on);
  if (a > 0 && weekday) return { kind: 1, left: a };
  const d = inWin(off);
  if (d > 0) return { kind: 2, left: d };
  return { kind: 0, left: 0 };
}

/** Share of a workday bucket online at t = 0 (linear ramps, as the per-minute moves produce). */
function onlineShareAt0(cfg: FleetConfig, s: number): number {
  const b = cfg.fleet.schedules[s]!;
  if (b.kind !== 'workday') return 1;
  const { mod, dow } = localTime(0, b.utcOffsetH);
  const w = Math.max(1, Math.round(b.spreadMin ?? 120));
  const on = Math.round((b.onLocalH ?? 8) * 60);
  const off = Math.round((b.offLocalH ?? 18) * 60);
  if (dow < 1 || dow > 5) return 0;
  if (mod < on) return 0;
  if (mod < on + w) return (mod - on) / w;
  if (mod < off) return 1;
  if (mod < off + w) return 1 - (mod - off) / w;
  return 0;
}

// ---------------------------------------------------------------------------------------------
// One run

interface RunOut {
  metrics: Partial<FleetMetrics>;
  perRing: RingMetrics[];
  tMin: number[];
  counts: Float64Array[]; // per FLEET_STATES index
  protectedShare: number[];
  ringsReleased: string[];
  falseAlarm: boolean;
}

const ST = {
  INELIGIBLE: 0,
  OFFLINE: 1,
  RUNNING_OLD: 2,
  RUNNING_NEW: 3,
  REJECTED_UPDATE: 4,
  BOOT_LOOP: 5,
  SELF_HEALED: 6,
  MANUAL_RECOVERY_QUEUE: 7,
  RECOVERED: 8,
  REVERTED: 9,
} as const;
const COHORT_STATE_TO_GLOBAL = [ST.OFFLINE, ST.RUNNING_OLD, ST.RUNNING_NEW, ST.REJECTED_UPDATE, ST.SELF_HEALED, ST.REVERTED];

function runOnce(
  cfg: FleetConfig,
  fl: Fleet,
  content: 'bad' | 'good',
  horizon: number,
  rng: Rng,
  opts: SimulateOptions,
  progress: (f: number) => void,
  stopWhenProtected = false,
): RunOut {
  const nC = fl.n;
  const rings = cfg.fleet.rings;
  const nRings = rings.length;
  const policies = cfg.fleet.orgPolicies;
  const mon = cfg.monitor;
  const strat = cfg.strategy;
  const R = Math.max(1, Math.round(cfg.host.rebootCycleMin));
  const K = Math.max(1, Math.round(cfg.host.maxRebootsAfterRevert));
  const slotsPerCohort = R * (K + 1);
  const bad = content === 'bad';

  // per-cohort states
  const st = new Float64Array(nC * NCS);
  const boot = new Float64Array(nC * slotsPerCohort);
  const bootTot = new Float64Array(nC);
  const tot = new Float64Array(FLEET_STATES.length);
  tot[ST.INELIGIBLE] = fl.ineligible;
  for (let c = 0; c < nC; c++) {
    const share = onlineShareAt0(cfg, fl.sched[c]!);
    const on = Math.floor(fl.size[c]! * share);
    st[c * NCS + S_OLD] = on;
    st[c * NCS + S_OFF] = fl.size[c]! - on;
    tot[ST.RUNNING_OLD]! += on;
    tot[ST.OFFLINE]! += fl.size[c]! - on;
  }
  const cohortsBySched: number[][] = cfg.fleet.schedules.map(() => []);
  const schedPlan = cfg.fleet.schedules.map((_, si) => {
    const plan = new Int16Array(horizon + 1);
    for (let t = 0; t <= horizon; t++) {
      const a = schedAction(cfg, si, t);
      plan[t] = a.kind === 0 ? 0 : a.kind === 1 ? a.left : -a.left;
    }
    return plan;
  });
  for (let c = 0; c < nC; c++) cohortsBySched[fl.sched[c]!]!.push(c);

  // pools (manual recovery)
  const nPools = fl.nPools;
  const queue = new Float64Array(nPools);
  const nOrgs = nPools / 3;
  const budget = new Float64Array(nOrgs);
  const techs = new Float64Array(nOrgs);
  for (let p = 0; p < nPools; p++) techs[Math.floor(p / 3)]! += (fl.poolEligible[p]! / 1000) * cfg.manual.techsPer1000Hosts;
  const blCost = [
    cfg.manual.minutesPerHost,
    cfg.manual.minutesPerHost + cfg.manual.bitlockerLookupMin,
    cfg.manual.minutesPerHost + cfg.manual.bitlockerLookupMin + cfg.manual.noEscrowExtraMin,
  ];

  // per-net probabilities
  const pDeliver = cfg.fleet.network.map((nb) => (nb.meanDeliveryMin <= 0 ? 1 : 1 - Math.exp(-1 / nb.meanDeliveryMin)));
  const pSync = cfg.fleet.network.map((nb) => Math.min(1, Math.max(0, nb.pSync)));
  const pTrigger = cfg.host.meanTriggerMin <= 0 ? 1 : 1 - Math.exp(-1 / cfg.host.meanTriggerMin);
  const modeKind = HOST_MODES;

  // release schedule
  const ringRelease = new Float64Array(nRings).fill(Infinity);
  const policyRelease = new Float64Array(policies.length).fill(Infinity);
  if (strat.kind === 'all-at-once') ringRelease.fill(0);
  else if (strat.kind === 'staged') ringRelease[0] = 0;
  else {
    policies.forEach((p, i) => {
      policyRelease[i] = policyReleaseMin(p.policy, p.delayHours, strat.gaAfterMin);
    });
  }
  const releaseOf = (c: number): number =>
    strat.kind === 'customer' ? policyRelease[fl.policy[c]!]! : ringRelease[fl.ring[c]!]!;
  let stopAt = Infinity; // no deliveries at t >= stopAt
  let revertAt = Infinity; // rollback published: boot-looping hosts can heal, pending hosts revert
  if (bad && strat.kind === 'all-at-once' && strat.revert === 'fixed') {
    // the 2024 replay's revert is a reaction to the bad content; a good update stays published
    stopAt = strat.revertAtMin;
    revertAt = strat.revertAtMin;
  }
  let halted = false;

  // signals and metrics
  const cumCrashRing = Array.from({ length: nRings }, () => new Float64Array(horizon + 1));
  const crashRing = new Float64Array(nRings);
  const reportArrive = Array.from({ length: nRings }, () => new Float64Array(horizon + 1));
  const rejectArrive = Array.from({ length: nRings }, () => new Float64Array(horizon + 1));
  const reportsCum = new Float64Array(nRings);
  const rejectsCum = new Float64Array(nRings);
  const exposedRing = new Float64Array(nRings);
  const healedRing = new Float64Array(nRings);
  const rejectedRing = new Float64Array(nRings);
  let exposed = 0;
  let crashed = 0;
  let healed = 0;
  let rejected = 0;
  let runtimeErrors = 0;
  let reboots = 0;
  let manualTouches = 0;
  let blLookups = 0;
  let blMissing = 0;
  let pinnedCrashed = 0;
  let pendingBad = 0; // driver hosts holding bad content, not yet triggered
  let bootAll = 0;
  let queueAll = 0;
  let firstFailure = -1;
  let firstExposure = -1;
  let firstCrash = -1;
  let lastCrash = -1;
  let firstAlert = -1;
  let firstAlertSignal: GateSignal | 'human' | null = null;
  let haltMin = -1;
  let peakBoot = 0;
  let peakBootAt = 0;
  let downHostMin = 0;
  let gapHostMin = 0;
  const healHist = new Array<number>(K + 1).fill(0);

  const sampleEvery = Math.max(1, Math.round(cfg.sampleEveryMin));
  const nSamples = Math.floor(horizon / sampleEvery) + 1;
  const counts = FLEET_STATES.map(() => new Float64Array(nSamples));
  const tMin: number[] = [];
  const protectedShare: number[] = [];
  let sampleIdx = 0;
  const record = (t: number): void => {
    tMin.push(t);
    for (let s = 0; s < FLEET_STATES.length; s++) counts[s]![sampleIdx] = tot[s]!;
    if (!bad) {
      const prot = tot[ST.RUNNING_NEW]!;
      const den = prot + tot[ST.RUNNING_OLD]!;
      protectedShare.push(den > 0 ? prot / den : 0);
    }
    if (opts.checkConservation) checkTotals(t);
    sampleIdx++;
  };
  const checkTotals = (t: number): void => {
    const sum = new Float64Array(FLEET_STATES.length);
    sum[ST.INELIGIBLE] = fl.ineligible;
    for (let c = 0; c < nC; c++) {
      for (let k = 0; k < NCS; k++) sum[COHORT_STATE_TO_GLOBAL[k]!]! += st[c * NCS + k]!;
      sum[ST.BOOT_LOOP]! += bootTot[c]!;
      if (bootTot[c] === 0 && t > 0 && t % 60 !== 0) continue;
      let b = 0;
      for (let k = 0; k < slotsPerCohort; k++) b += boot[c * slotsPerCohort + k]!;
      if (b !== bootTot[c]) throw new Error(`conservation: cohort ${c} boot slots ${b} != ${bootTot[c]} at t=${t}`);
    }
    for (let p = 0; p < nPools; p++) sum[ST.MANUAL_RECOVERY_QUEUE]! += queue[p]!;
    sum[ST.RECOVERED] = tot[ST.RECOVERED]!; // pooled: recovered hosts leave the cohorts
    let all = 0;
    for (let s = 0; s < FLEET_STATES.length; s++) {
      if (sum[s] !== tot[s]) throw new Error(`conservation: state ${FLEET_STATES[s]} ${sum[s]} != ${tot[s]} at t=${t}`);
      all += sum[s]!;
    }
    if (all !== fl.hosts) throw new Error(`conservation: ${all} != ${fl.hosts} at t=${t}`);
  };

  const move = (c: number, from: number, to: number, k: number): void => {
    st[c * NCS + from]! -= k;
    st[c * NCS + to]! += k;
    tot[COHORT_STATE_TO_GLOBAL[from]!]! -= k;
    tot[COHORT_STATE_TO_GLOBAL[to]!]! += k;
  };

  const progressEvery = Math.max(1, Math.floor(horizon / 100));
  const stagedBakeEnd = (i: number): number => ringRelease[i]! + rings[i]!.bakeMin;

  // signal snapshot per ring, used by the gate
  // Normal (baseline) heartbeat loss and crash reports: one draw per ring and one for the control
  // group per run, so the gate compares noisy but steady rates (see docs/fleet.md).
  const ctrlN = Math.max(1, Math.round(mon.controlGroupHosts));
  const ctrlHB = rng.binomial(ctrlN, mon.baselineHeartbeatLoss) / ctrlN;
  const ctrlCR = rng.binomial(ctrlN, mon.baselineCrashReportRate) / ctrlN;
  const ringHB = Array.from(fl.ringEligible, (n) => (n > 0 ? rng.binomial(n, mon.baselineHeartbeatLoss) / n : 0));
  const ringCR = Array.from(fl.ringEligible, (n) => (n > 0 ? rng.binomial(n, mon.baselineCrashReportRate) / n : 0));
  const gate = (t: number): { signal: GateSignal } | null => {
    if (!mon.gateSignals.length) return null;
    const lag = Math.max(0, Math.round(mon.heartbeatTimeoutMin));
    for (let r = 0; r < nRings; r++) {
      const ex = exposedRing[r]!;
      if (ex < mon.gateMinExposed) continue;
      for (const sig of mon.gateSignals) {
        let rate = 0;
        let ctrl = 0;
        if (sig === 'heartbeat') {
          const lost = t - lag >= 0 ? cumCrashRing[r]![t - lag]! : 0;
          rate = lost / ex + ringHB[r]!;
          ctrl = ctrlHB;
        } else if (sig === 'crash_reports') {
          rate = reportsCum[r]! / ex + ringCR[r]!;
          ctrl = ctrlCR;
        } else {
          rate = rejectsCum[r]! / ex;
        }
        if (rate - ctrl > mon.threshold) return { signal: sig };
      }
    }
    return null;
  };

  for (let t = 0; t <= horizon; t++) {
    // ---- vendor side: releases for the staged strategy
    if (strat.kind === 'staged' && !halted) {
      for (let i = 0; i + 1 < nRings; i++) {
        if (ringRelease[i]! <= t && ringRelease[i + 1] === Infinity && stagedBakeEnd(i) <= t) ringRelease[i + 1] = stagedBakeEnd(i);
      }
    }

    // ---- schedules: unexposed hosts come online / go offline
    for (let s = 0; s < cohortsBySched.length; s++) {
      const a = schedPlan[s]![t]!; // 0: nothing, > 0: arrivals (minutes left), < 0: departures
      if (a === 0) continue;
      const list = cohortsBySched[s]!;
      const from = a > 0 ? S_OFF : S_OLD;
      const to = a > 0 ? S_OLD : S_OFF;
      const left = a > 0 ? a : -a;
      for (let i = 0; i < list.length; i++) {
        const c = list[i]!;
        const k = Math.floor(st[c * NCS + from]! / left);
        if (k > 0) move(c, from, to, k);
      }
    }

    // ---- hosts
    const reverted = t >= revertAt;
    const deliveringAny = t < stopAt;
    if (deliveringAny || pendingBad > 0 || bootAll > 0) {
      const phase = t % R;
      for (let c = 0; c < nC; c++) {
        const ring = fl.ring[c]!;
        // boot loop: hosts whose reboot falls on this minute
        if (bootTot[c]! > 0) {
          const base = c * slotsPerCohort + phase * (K + 1);
          let inPhase = 0;
          for (let k = 0; k <= K; k++) inPhase += boot[base + k]!;
          if (inPhase > 0) {
            reboots += inPhase;
            if (mon.crashReportFromLoopProb > 0) {
              const rep = rng.binomial(inPhase, mon.crashReportFromLoopProb);
              const ta = Math.min(horizon, t + Math.round(mon.crashReportDelayMin));
              reportArrive[ring]![ta]! += rep;
            }
            if (reverted) {
              const ps = pSync[fl.net[c]!]!;
              let healedHere = 0;
              for (let k = K - 1; k >= 0; k--) {
                const n = boot[base + k]!;
                if (n === 0) continue;
                const h = rng.binomial(n, ps);
                boot[base + k] = 0;
                boot[base + k + 1]! += n - h;
                healedHere += h;
                healHist[k + 1]! += h;
              }
              if (healedHere > 0) {
                bootTot[c]! -= healedHere;
                bootAll -= healedHere;
                tot[ST.BOOT_LOOP]! -= healedHere;
                st[c * NCS + S_HEALED]! += healedHere;
                tot[ST.SELF_HEALED]! += healedHere;
                healed += healedHere;
                healedRing[ring]! += healedHere;
                const ta = Math.min(horizon, t + Math.round(mon.crashReportDelayMin));
                reportArrive[ring]![ta]! += healedHere;
              }
              // exhausted: K failed post-revert reboots -> technicians
              const gaveUp = boot[base + K]!;
              if (gaveUp > 0) {
                boot[base + K] = 0;
                bootTot[c]! -= gaveUp;
                bootAll -= gaveUp;
                tot[ST.BOOT_LOOP]! -= gaveUp;
                queue[fl.pool[c]!]! += gaveUp;
                queueAll += gaveUp;
                tot[ST.MANUAL_RECOVERY_QUEUE]! += gaveUp;
              }
            }
          }
        }

        // delivery of published content to online hosts of released groups
        if (deliveringAny && releaseOf(c) <= t) {
          const n = st[c * NCS + S_OLD]!;
          if (n > 0) {
            const d = rng.binomial(n, pDeliver[fl.net[c]!]!);
            if (d > 0) {
              if (!bad) move(c, S_OLD, S_NEW, d);
              else {
                if (firstExposure < 0) firstExposure = t;
                exposed += d;
                exposedRing[ring]! += d;
                const mode: HostMode = modeKind[fl.mode[c]!]!;
                if (mode === 'driver') {
                  move(c, S_OLD, S_NEW, d);
                  pendingBad += d;
                } else {
                  move(c, S_OLD, S_REJ, d);
                  rejected += d;
                  rejectedRing[ring]! += d;
                  if (mode === 'ebpf-E2') runtimeErrors += d;
                  if (firstFailure < 0) firstFailure = t;
                  const ta = Math.min(horizon, t + Math.round(mon.rejectionReportDelayMin));
                  rejectArrive[ring]![ta]! += d;
                }
              }
            }
          }
        }

        // driver hosts holding the bad content: rollback vs the first IPC event
        if (bad && pendingBad > 0) {
          let n = st[c * NCS + S_NEW]!;
          if (n > 0) {
            if (reverted) {
              const r = rng.binomial(n, pDeliver[fl.net[c]!]!);
              if (r > 0) {
                move(c, S_NEW, S_REVERTED, r);
                pendingBad -= r;
                n -= r;
              }
            }
            const k = n > 0 ? rng.binomial(n, pTrigger) : 0;
            if (k > 0) {
              st[c * NCS + S_NEW]! -= k;
              tot[ST.RUNNING_NEW]! -= k;
              pendingBad -= k;
              boot[c * slotsPerCohort + phase * (K + 1)]! += k;
              bootTot[c]! += k;
              bootAll += k;
              tot[ST.BOOT_LOOP]! += k;
              crashed += k;
              crashRing[ring]! += k;
              if (fl.pinned[c]) pinnedCrashed += k;
              if (firstCrash < 0) firstCrash = t;
              if (firstFailure < 0) firstFailure = t;
              lastCrash = t;
            }
          }
        }
      }
    }

    // ---- technicians: one pool per org class, easiest hosts first (no BitLocker, escrowed key, no key)
    if (queueAll > 0 && firstCrash >= 0 && t >= firstCrash + cfg.manual.techStartAfterFirstCrashMin) {
      for (let o = 0; o < nOrgs; o++) {
        const q0 = o * 3;
        if (queue[q0]! + queue[q0 + 1]! + queue[q0 + 2]! <= 0) {
          budget[o] = 0;
          continue;
        }
        budget[o]! += techs[o]!;
        for (let b = 0; b < 3; b++) {
          const q = queue[q0 + b]!;
          if (q <= 0) continue;
          const cost = blCost[b]!;
          const done = Math.min(q, Math.floor(budget[o]! / cost));
          if (done > 0) {
            budget[o]! -= done * cost;
            queue[q0 + b]! -= done;
            queueAll -= done;
            tot[ST.MANUAL_RECOVERY_QUEUE]! -= done;
            tot[ST.RECOVERED]! += done;
            manualTouches += done;
            if (b >= 1) blLookups += done;
            if (b === 2) blMissing += done;
          }
          if (queue[q0 + b]! > 0) break; // still busy with this class
        }
      }
    }

    // ---- signals reaching the vendor by t
    for (let r = 0; r < nRings; r++) {
      cumCrashRing[r]![t] = crashRing[r]!;
      reportsCum[r]! += reportArrive[r]![t]!;
      rejectsCum[r]! += rejectArrive[r]![t]!;
    }

    // ---- monitoring, gate, halt and revert
    if (firstAlert < 0 && (strat.kind !== 'staged' || !halted)) {
      const g = gate(t);
      if (g) {
        firstAlert = t;
        firstAlertSignal = g.signal;
        if (strat.kind === 'staged') {
          halted = true;
          haltMin = t;
          stopAt = Math.min(stopAt, t + 1);
          revertAt = Math.min(revertAt, t + Math.max(0, strat.rollbackDelayMin));
        } else if (strat.kind === 'customer' || strat.revert === 'detection') {
          const at = t + Math.max(0, strat.responseDelayMin);
          stopAt = Math.min(stopAt, at);
          revertAt = Math.min(revertAt, at);
        }
      }
    }
    if (bad && mon.humanRevertAfterMin !== null && firstExposure >= 0) {
      const at = firstExposure + mon.humanRevertAfterMin;
      if (t + 1 >= at && revertAt > at) {
        revertAt = at;
        stopAt = Math.min(stopAt, at);
        if (firstAlert < 0) {
          firstAlert = Math.ceil(at);
          firstAlertSignal = 'human';
        }
        halted = true;
      }
    }
    // ---- integrals and samples
    const down = tot[ST.BOOT_LOOP]! + tot[ST.MANUAL_RECOVERY_QUEUE]!;
    downHostMin += down;
    if (tot[ST.BOOT_LOOP]! > peakBoot) {
      peakBoot = tot[ST.BOOT_LOOP]!;
      peakBootAt = t;
    }
    if (bad && t < cfg.fixedContentAfterMin) gapHostMin += exposed;
    if (t % sampleEvery === 0) {
      record(t);
      // the extra good-update run only has to find time_to_protect
      if (stopWhenProtected && protectedShare[protectedShare.length - 1]! >= PROTECTED_SHARE) break;
    }
    if (t % progressEvery === 0) progress(t / horizon);
  }

  const ringsReleased = rings.filter((_, i) => (strat.kind === 'customer' ? exposedRing[i]! > 0 : ringRelease[i]! <= horizon && ringRelease[i]! < stopAt)).map((r) => r.name);
  const perRing: RingMetrics[] = rings.map((r, i) => ({
    ring: r.name,
    eligible: fl.ringEligible[i]!,
    exposed: exposedRing[i]!,
    crashed_ever: crashRing[i]!,
    blast_radius: fl.ringEligible[i]! > 0 ? crashRing[i]! / fl.ringEligible[i]! : 0,
    self_healed: healedRing[i]!,
    rejected_loads: rejectedRing[i]!,
    released_at_min: strat.kind === 'customer' ? null : isFinite(ringRelease[i]!) && ringRelease[i]! < stopAt ? ringRelease[i]! : null,
  }));

  // recovery times from the samples
  const downSeries = (i: number): number => counts[ST.BOOT_LOOP]![i]! + counts[ST.MANUAL_RECOVERY_QUEUE]![i]!;
  let t99: number | null = null;
  let day6: number | null = null;
  if (crashed > 0) {
    for (let i = 0; i < tMin.length; i++) {
      if (tMin[i]! < lastCrash) continue;
      if (downSeries(i) <= 0.01 * crashed) {
        t99 = tMin[i]!;
        break;
      }
    }
    const i6 = Math.round((6 * MIN_PER_DAY) / sampleEvery);
    if (i6 < tMin.length) day6 = 1 - downSeries(i6) / crashed;
  }

  if (haltMin < 0 && isFinite(stopAt) && stopAt <= horizon && (bad || halted)) haltMin = stopAt;
  const metrics: Partial<FleetMetrics> = {
    hosts: fl.hosts,
    eligible: fl.eligible,
    exposed,
    crashed_ever: crashed,
    peak_in_boot_loop: peakBoot,
    peak_in_boot_loop_at_min: peakBootAt,
    self_healed: healed,
    self_heal_reboots_histogram: healHist,
    reboots_total: reboots,
    manual_touches: manualTouches,
    bitlocker_key_lookups: blLookups,
    bitlocker_keys_not_escrowed: blMissing,
    manual_queue_at_end: queueAll,
    first_failure_min: firstFailure >= 0 ? firstFailure : null,
    first_alert_min: firstAlert >= 0 ? firstAlert : null,
    first_alert_signal: firstAlertSignal,
    time_to_detect: firstFailure >= 0 && firstAlert >= 0 ? firstAlert - firstFailure : null,
    halt_min: haltMin >= 0 ? haltMin : null,
    time_to_halt: firstFailure >= 0 && haltMin >= 0 ? haltMin - firstFailure : null,
    revert_min: isFinite(revertAt) && revertAt <= horizon ? revertAt : null,
    time_to_revert: isFinite(revertAt) && revertAt <= horizon ? revertAt : null,
    blast_radius: fl.eligible > 0 ? crashed / fl.eligible : 0,
    downtime_host_hours: downHostMin / 60,
    time_to_99pct_recovered: t99,
    recovered_share_at_day6: day6,
    rejected_loads: rejected,
    runtime_errors: runtimeErrors,
    protection_gap_host_hours: gapHostMin / 60,
    pinned_orgs_crashed: pinnedCrashed,
    rings_released: [],
  };
  return { metrics, perRing, tMin, counts, protectedShare, ringsReleased, falseAlarm: !bad && firstAlert >= 0 };
}

function policyReleaseMin(p: OrgPolicyKind, delayHours: number | undefined, gaAfterMin: number): number {
  switch (p) {
    case 'early':
      return 0;
    case 'ga':
      return gaAfterMin;
    case 'delay':
      return gaAfterMin + Math.max(0, delayHours ?? 24) * 60;
    case 'pause':
      return Infinity;
  }
}

// ---------------------------------------------------------------------------------------------

function validate(cfg: FleetConfig): void {
  if (!Number.isFinite(cfg.hosts) || cfg.hosts < 0) throw new Error('hosts must be a non-negative number');
  if (!Number.isInteger(cfg.horizonMin) || cfg.horizonMin < 1) throw new Error('horizonMin must be a positive integer');
  if (cfg.fleet.rings.length < 1 || cfg.fleet.rings.length > 255) throw new Error('need 1..255 rings');
  if (cfg.fleet.schedules.length < 1 || cfg.fleet.network.length < 1 || cfg.fleet.orgPolicies.length < 1) {
    throw new Error('schedules, network and orgPolicies need at least one bucket each');
  }
}

/**
 * Run the fleet simulation. Pure: the same config (including seed) gives the same result.
 * With content 'bad' and measureTimeToProtect, a second run with a good update measures time_to_protect.
 */
export function simulateFleet(config: FleetConfig, opts: SimulateOptions = {}): FleetResult {
  const started = performance.now();
  validate(config);
  const cfg = structuredClone(config);
  const seed = Math.floor(cfg.seed) >>> 0;
  const fleet = buildFleet(cfg, new Rng(seed));
  const withGood = cfg.content === 'bad' && cfg.measureTimeToProtect;
  const mainH = cfg.horizonMin;
  const goodH = withGood ? Math.max(1, Math.round(cfg.goodRunHorizonMin)) : 0;
  const total = mainH + goodH;
  let lastReported = -1;
  const report = (f: number): void => {
    if (!opts.onProgress) return;
    const r = Math.round(f * 1000) / 1000;
    if (r !== lastReported) {
      lastReported = r;
      opts.onProgress(Math.min(1, r));
    }
  };
  const main = runOnce(cfg, fleet, cfg.content, mainH, new Rng((seed ^ 0x9e3779b9) >>> 0), opts, (f) => report((f * mainH) / total));
  let good: RunOut | null = null;
  if (withGood) {
    good = runOnce(cfg, fleet, 'good', goodH, new Rng((seed ^ 0x7f4a7c15) >>> 0), opts, (f) => report((mainH + f * goodH) / total), true);
  } else if (cfg.content === 'good') good = main;
  report(1);

  const timeToProtect = good ? firstAtLeast(good.tMin, good.protectedShare, PROTECTED_SHARE) : null;
  const metrics = {
    ...(main.metrics as FleetMetrics),
    time_to_protect: timeToProtect,
    rings_released: main.ringsReleased,
    good_run_false_alarm: good ? good.falseAlarm : false,
  };
  const counts = {} as Record<FleetState, number[]>;
  FLEET_STATES.forEach((s, i) => {
    counts[s] = Array.from(main.counts[i]!.subarray(0, main.tMin.length));
  });
  const down = counts.BOOT_LOOP.map((b, i) => b + counts.MANUAL_RECOVERY_QUEUE[i]!);
  return {
    config: cfg,
    t0Utc: '2024-07-19T04:09:00Z',
    metrics,
    perRing: main.perRing,
    series: { tMin: main.tMin, counts, down },
    goodRun: good ? { tMin: good.tMin, protectedShare: good.protectedShare } : null,
    cohorts: fleet.n,
    elapsedMs: performance.now() - started,
  };
}

function firstAtLeast(t: number[], v: number[], x: number): number | null {
  for (let i = 0; i < t.length; i++) if (v[i]! >= x) return t[i]!;
  return null;
}
